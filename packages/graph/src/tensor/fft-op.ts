/**
 * DftAxis: a DFT along one axis as one node of the user's graph, whose
 * kernels are chosen when a program is made, from the length then known
 * (fft-stages.ts builds the graph of stages or Bluestein's convolution for
 * it, and the node lowers that graph, as an opFromGraph lowers its own):
 * a length's plan needs its value, which the graph, built before any
 * shape is known, does not have.
 *
 * Its gradient is the adjoint transform, another DftAxis (the DFT's
 * adjoint is the DFT of the other sign, the same scale): so a gradient
 * runs the same plan, not the gradients of each stage's ops.
 */
import type { DType } from '../core/dtype.js';
import type { NDArray } from '../core/ndarray.js';
import { Apply, Op, apply1, constant } from '../core/op.js';
import { TensorType } from '../core/type.js';
import { TensorConstant, TensorVariable, type StaticShape } from '../core/variable.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';
import { foldStatic, toposort } from '../kernel/schedule.js';
import { checkScalarInts, valueOf } from '../ops/alloc.js';
import { evaluateLazily } from '../ops/ifelse-select.js';
import { scaleFactor, type DftScale } from './fft-plan.js';
import { dftGraph, type DftForm } from './fft-stages.js';
import { range } from './axes.js';
// a cycle (tensor.ts re-exports fft.ts): used only inside functions, never while the modules load
import * as T from './tensor.js';

/**
 * The DFT (sign -1 forward, +1 inverse) along `axis` of its first input,
 * scaled by 1 / N or 1 / sqrt(N) (`scale`) where N is its second input (an
 * integer scalar known when a program is made). 'c2c': (L..., n, R..., 2)
 * gives the same shape; 'r2c': (L..., n, R...) gives (L..., n, R..., 2),
 * or with `half` the first n // 2 + 1 bins (rfft's); 'c2r':
 * (L..., n, R..., 2) gives (L..., n, R...), the real part.
 */
export class DftAxis extends Op {
  readonly kind = 'FFT' as const;
  constructor(
    /** The axis of the first input transformed (not the trailing (real, imaginary) axis of a complex form). */
    readonly axis: number,
    /** What the op reads and writes: `c2c`, `r2c` or `c2r`. */
    readonly form: DftForm,
    /** The exponent's sign: -1 the forward transform, +1 the inverse. */
    readonly sign: 1 | -1,
    /** The factor applied, from the count N of the second input (default `'none'`). */
    readonly scale: DftScale = 'none',
    /** For `r2c`: only the first n // 2 + 1 bins (NumPy's `rfft`); default false, all n. */
    readonly half = false,
    /** Names the transform in a table's error only: two ops that differ in it alone are the same op. */
    readonly subject = 'T.fft',
  ) {
    super();
  }
  key(): string {
    return `DftAxis:${this.axis}:${this.form}:${this.sign}:${this.scale}:${this.half}`;
  }
  override toString(): string {
    return `DftAxis{${this.form}, axis=${this.axis}, ${this.sign}${this.scale === 'none' ? '' : `, ${this.scale}`}${this.half ? ', half' : ''}}`;
  }
  override staticInputs(): number[] {
    return [1];
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const [z, count] = inputs;
    checkScalarInts('DftAxis', [count!]);
    const b = z!.broadcastable;
    const broadcastable = this.form === 'r2c' ? [...b, false] : this.form === 'c2r' ? b.slice(0, -1) : [...b];
    return [new TensorType(z!.dtype, broadcastable)];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    return [this.outShape(shapes[0]!)];
  }
  private outShape(shape: StaticShape): (number | null)[] {
    if (this.form === 'c2r') return shape.slice(0, -1);
    if (this.form === 'c2c') return [...shape];
    const n = shape[this.axis] ?? null;
    return [...shape.slice(0, this.axis), this.half && n !== null ? Math.floor(n / 2) + 1 : n, ...shape.slice(this.axis + 1), 2];
  }
  /** The transform's graph for an input of this shape: a placeholder of `dtype` and its result. */
  private graph(shape: readonly number[], count: number, dtype: DType, broadcastable: readonly boolean[]): [TensorVariable, TensorVariable] {
    const input = new TensorVariable(new TensorType(dtype, broadcastable), { staticShape: shape });
    const n = shape[this.axis]!;
    const keep = this.half ? Math.floor(n / 2) + 1 : null;
    return [input, dftGraph(input, shape, { axis: this.axis, form: this.form, sign: this.sign, scale: scaleFactor(this.scale, count), keep, subject: this.subject })];
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const [z, count] = inputs;
    const [input, output] = this.graph(z!.shape, Number(count!.data[0]), z!.dtype, node.inputs[0]!.broadcastable);
    return evaluateLazily([output], new Map([[input, z!]]), (v) => `${this}: no value for ${v} in its graph`);
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const [z, count] = inputs;
    const [input, output] = this.graph(z!.shape, valueOf('DftAxis', count!), z!.dtype, node.inputs[0]!.broadcastable);
    const views = new Map<TensorVariable, TensorView>([[input, z!]]);
    const viewOf = (v: TensorVariable): TensorView => {
      let have = views.get(v);
      if (!have && v instanceof TensorConstant) views.set(v, (have = ctx.constant(v.value)));
      if (!have) throw new Error(`${this}: its graph reads ${v}, which is not its input`);
      return have;
    };
    for (const nd of toposort([output])) {
      const ins = nd.inputs.map(viewOf);
      const outs = foldStatic(nd, ins) ?? nd.op.lower(ctx, ins, nd);
      nd.outputs.forEach((o, i) => views.set(o, outs[i]!));
    }
    return [viewOf(output)];
  }
  /**
   * The gradient with respect to the input, given g (with `nb` extra leading axes, a jacobian's): the adjoint
   * transform. c2c: c2c of the other sign; c2r: r2c of the other sign (all n bins); r2c: c2r of the other sign,
   * of g padded with zeros to n bins where only the first n // 2 + 1 were kept.
   */
  adjoint(node: Apply, g: TensorVariable, nb: number): TensorVariable {
    const [x, count] = node.inputs;
    const axis = this.axis + nb;
    const other = (form: DftForm, v: TensorVariable) => apply1(new DftAxis(axis, form, this.sign === 1 ? -1 : 1, this.scale, false, this.subject), [v, count!]);
    if (this.form === 'c2c') return other('c2c', g);
    if (this.form === 'c2r') return other('r2c', g);
    if (!this.half) return other('c2r', g);
    const lengths = range(g.ndim).map((d) => (d === axis ? T.sub(T.shapeI(x!, this.axis), T.shapeI(g, axis)) : T.shapeI(g, d)));
    return other('c2r', T.concatenate([g, T.zeros(lengths, g.dtype)], axis));
  }
}

/** The DFT along `axis` of z (see DftAxis); count: the N `scale` divides by. */
export function dftAxis(z: TensorVariable, axis: number, subject: string, form: DftForm, sign: 1 | -1, scale: DftScale = 'none', count: TensorVariable | null = null, half = false): TensorVariable {
  return apply1(new DftAxis(axis, form, sign, scale, half, subject), [z, count ?? constant(1, { dtype: 'int64' })]);
}
