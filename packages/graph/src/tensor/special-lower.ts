/**
 * Lowering a composite scalar op (special.ts): its expansion built as a
 * kernel expression of primitive ops, in float64 for float64 and in
 * float32 otherwise (float16 rounds once, at the end). A kernel expression
 * is a tree, so a value the expansion uses several times (`Arith.let`)
 * would be written out at every use: one of more than a few nodes becomes
 * an elementwise kernel of its own, read by the later ones. Fusion (@sym/opt)
 * puts it back into its reader where that computes nothing twice, and
 * leaves it alone where it would.
 */
import type { DType } from '../core/dtype.js';
import type { LoadExpr, ScalarExpr } from '../kernel/kernel.js';
import { loadsOf, mapLeaves } from '../kernel/kernel.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';
import type { ScalarOpName } from '../core/scalar.js';
import { COMPOSITE_OPS, type CompositeScalarOp } from './special.js';
import type { Arith } from './special-math.js';

/** Values of at most this many nodes are repeated where they are used rather than stored. */
const INLINE_NODES = 6;

function size(e: ScalarExpr): number {
  return e.kind === 'apply' ? 1 + e.args.reduce((n, a) => n + size(a), 0) : 1;
}

/** Kernel expressions over views: loads name views by position (placeholders until a kernel is emitted). */
class ExprArith implements Arith<ScalarExpr, ScalarExpr> {
  readonly f32: boolean;
  constructor(
    readonly work: 'float32' | 'float64',
    readonly store: (e: ScalarExpr) => ScalarExpr,
  ) {
    this.f32 = work === 'float32';
  }
  private ap(op: ScalarOpName, args: ScalarExpr[], dtype: DType = this.work, computeDType: DType = this.work): ScalarExpr {
    return { kind: 'apply', op, args, computeDType, dtype };
  }
  c(v: number): ScalarExpr {
    return { kind: 'const', value: this.f32 ? Math.fround(v) : v, dtype: this.work };
  }
  add = (a: ScalarExpr, b: ScalarExpr) => this.ap('add', [a, b]);
  sub = (a: ScalarExpr, b: ScalarExpr) => this.ap('sub', [a, b]);
  mul = (a: ScalarExpr, b: ScalarExpr) => this.ap('mul', [a, b]);
  div = (a: ScalarExpr, b: ScalarExpr) => this.ap('truediv', [a, b]);
  pow = (a: ScalarExpr, b: ScalarExpr) => this.ap('pow', [a, b]);
  neg = (a: ScalarExpr) => this.ap('neg', [a]);
  abs = (a: ScalarExpr) => this.ap('abs', [a]);
  exp = (a: ScalarExpr) => this.ap('exp', [a]);
  log = (a: ScalarExpr) => this.ap('log', [a]);
  log1p = (a: ScalarExpr) => this.ap('log1p', [a]);
  sqrt = (a: ScalarExpr) => this.ap('sqrt', [a]);
  floor = (a: ScalarExpr) => this.ap('floor', [a]);
  ceil = (a: ScalarExpr) => this.ap('ceil', [a]);
  sin = (a: ScalarExpr) => this.ap('sin', [a]);
  cos = (a: ScalarExpr) => this.ap('cos', [a]);
  tan = (a: ScalarExpr) => this.ap('tan', [a]);
  atan = (a: ScalarExpr) => this.ap('arctan', [a]);
  lt = (a: ScalarExpr, b: ScalarExpr) => this.ap('lt', [a, b], 'bool');
  le = (a: ScalarExpr, b: ScalarExpr) => this.ap('le', [a, b], 'bool');
  gt = (a: ScalarExpr, b: ScalarExpr) => this.ap('gt', [a, b], 'bool');
  eq = (a: ScalarExpr, b: ScalarExpr) => this.ap('eq', [a, b], 'bool');
  and = (a: ScalarExpr, b: ScalarExpr) => this.ap('and', [a, b], 'bool', 'bool');
  or = (a: ScalarExpr, b: ScalarExpr) => this.ap('or', [a, b], 'bool', 'bool');
  sel = (c: ScalarExpr, a: ScalarExpr, b: ScalarExpr) => this.ap('switch', [c, a, b]);
  let = (e: ScalarExpr) => (size(e) <= INLINE_NODES ? e : this.store(e));
}

function placeholder(input: number, dtype: DType): LoadExpr {
  return { kind: 'load', input, strides: [], offset: 0, dtype };
}

/**
 * Emit the kernels of composite `op` over `inputs` broadcast to `shape`,
 * computing in `compute` and storing `out`: the last one's view.
 */
export function lowerComposite(ctx: LowerContext, op: CompositeScalarOp, shape: readonly number[], inputs: readonly TensorView[], compute: DType, out: DType): TensorView {
  const work = compute === 'float64' ? 'float64' : 'float32';
  const views: TensorView[] = [...inputs];
  const emit = (e: ScalarExpr, dtype: DType): TensorView => {
    const used = [...new Set(loadsOf(e).map((l) => l.input))].sort((a, b) => a - b);
    return ctx.elementwise(shape, dtype, used.map((i) => views[i]!), (loads) => mapLeaves(e, (l) => loads[used.indexOf(l.input)]!));
  };
  const m = new ExprArith(work, (e) => {
    views.push(emit(e, work));
    return placeholder(views.length - 1, work);
  });
  const args = inputs.map((v, i): ScalarExpr => {
    const load = placeholder(i, v.dtype);
    return v.dtype === work ? load : { kind: 'apply', op: 'cast', args: [load], computeDType: v.dtype, dtype: work };
  });
  const value = COMPOSITE_OPS[op].expand(m, args);
  return emit(work === out ? value : { kind: 'apply', op: 'cast', args: [value], computeDType: work, dtype: out }, out);
}
