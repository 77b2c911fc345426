/**
 * The renderer of the SIMD path: a float32 elementwise or reduce kernel of
 * the IR becomes one WebAssembly function over a row, its scalar
 * expression f32x4 code (with the approximations of vmath.ts for exp,
 * log, sin, cos, tanh, sigmoid), four lanes a step. Rows run along the
 * innermost iteration dimension; a reduction over a strided axis (a column
 * sum: a bias gradient) runs along the output's innermost dimension
 * instead, each lane looping over the reduced axis. vkernel.ts runs the
 * rows.
 */
import type { DType, ElementwiseKernel, Kernel, LoadExpr, ReduceKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import { f16round, loadsOf } from '@sym/graph';
import { Code, F32, F64, I32, V128, encodeModule, localsAfter, type ValType } from './encoder.js';
import { emitExp, emitLog, emitSigmoid, emitSinCos, emitTanh, fconst, iconst, type Emit } from './vmath.js';
import { MAX_PAGES, arena } from './arena.js';
import { commonSubexpressions } from '../cse.js';

export type VKernel = ElementwiseKernel | ReduceKernel;

/** Scalar ops the SIMD path computes (a kernel applying any other runs in JavaScript). */
export const VECTOR_OPS: ReadonlySet<ScalarOpName> = new Set<ScalarOpName>([
  'add', 'sub', 'mul', 'truediv', 'maximum', 'minimum', 'neg', 'abs', 'sqrt', 'relu',
  'identity', 'cast', 'second', 'clip', 'exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid',
  'eq', 'neq', 'lt', 'le', 'gt', 'ge', 'not', 'and', 'or', 'xor', 'switch',
]);
/** Ops whose result is already 0 or 1 (bool values are float lanes holding 0 or 1). */
const BOOLEAN = new Set<ScalarOpName>(['eq', 'neq', 'lt', 'le', 'gt', 'ge', 'not', 'and', 'or', 'xor']);
/** Dtypes held in float32 lanes: float16 values are float32 ones rounded to half precision (its storage is a Float32Array). */
const lanes = (d: string) => d === 'float32' || d === 'float16' || d === 'bool';
/** Ops whose float16 result is one of its operands, or exactly derived from one: no rounding after them. */
const HALF_EXACT = new Set<ScalarOpName>(['identity', 'second', 'switch', 'maximum', 'minimum', 'clip', 'relu', 'neg', 'abs']);
const isHalf = (d: DType) => d === 'float16';

export function iterShape(k: VKernel): readonly number[] {
  return k.kind === 'elementwise' ? k.shape : [...k.shape, ...k.reduceShape];
}


function supportedNode(e: ScalarExpr): boolean {
  if (e.kind === 'const') return true;
  if (e.kind === 'load') return e.dtype === 'float32' || e.dtype === 'float16';
  if (e.kind === 'reduced' || e.kind === 'gather') return false; // WebAssembly SIMD has no gathers: the JavaScript path runs them
  return lanes(e.dtype) && lanes(e.computeDType) && VECTOR_OPS.has(e.op);
}

/** Whether every node of `root` is supported: each object once (a DAG costs its objects, not its tree), without recursion. */
function supportedExpr(root: ScalarExpr): boolean {
  const seen = new Set<ScalarExpr>([root]);
  const stack = [root];
  while (stack.length) {
    const e = stack.pop()!;
    if (!supportedNode(e)) return false;
    if (e.kind !== 'apply') continue;
    for (const a of e.args) if (!seen.has(a)) seen.add(a), stack.push(a);
  }
  return true;
}

/** Whether the kernel runs on the SIMD path. */
export function vectorizable(k: Kernel): k is VKernel {
  if (k.kind === 'matmul' || k.kind === 'sort' || k.kind === 'scatterAdd') return false;
  if ((k.out !== 'float32' && k.out !== 'float16') || !supportedExpr(k.expr) || (k.kind === 'reduce' && k.epilogue)) return false;
  if (k.kind === 'reduce') {
    if (!['sum', 'mean', 'max', 'min'].includes(k.reducer) || k.reduceShape.length === 0) return false;
    if (k.reduceShape.some((d) => d === 0)) return false;
  }
  return innerContiguous(k) || columnReduce(k);
}

/** Every load reads the innermost iteration dimension in order or not at all (rows of four lanes). */
export function innerContiguous(k: VKernel): boolean {
  const nd = iterShape(k).length;
  return loadsOf(k.expr).every((l) => nd === 0 || l.strides[nd - 1] === 0 || l.strides[nd - 1] === 1);
}

/**
 * A reduction over one axis that the loads read strided, whose output's
 * innermost dimension they read in order or not at all: `sum(x, 0)` of a
 * row-major matrix. It runs as rows over the output, each lane looping
 * over the reduced axis.
 */
function columnReduce(k: VKernel): k is ReduceKernel {
  if (k.kind !== 'reduce' || k.reduceShape.length !== 1 || k.shape.length === 0) return false;
  const inner = k.shape.length - 1;
  return loadsOf(k.expr).every((l) => l.strides[inner] === 0 || l.strides[inner] === 1);
}

/** Ops whose big arguments need the imported JavaScript functions on some lanes. */
const JS_LANES = new Set(['sin', 'cos']);
const usesOp = (e: ScalarExpr, ops: ReadonlySet<string>): boolean => e.kind === 'apply' && (ops.has(e.op) || e.args.some((a) => usesOp(a, ops)));

/**
 * Whether the SIMD code of `k` (or of its epilogue, which runs as an
 * elementwise kernel) may pass over a row twice, reading its inputs again
 * after writing the output: the slow pass of sin and cos.
 */
export function passesTwice(k: Kernel): boolean {
  if (k.kind === 'sort' || k.kind === 'scatterAdd') return false;
  const exprs = [...(k.kind === 'matmul' ? [] : [k.expr]), ...(k.kind !== 'elementwise' && k.epilogue ? [k.epilogue.expr] : [])];
  return exprs.some((e) => usesOp(e, JS_LANES));
}

export const loadKey = (l: LoadExpr) => `${l.input}:${l.offset}:${l.strides.join(',')}`;

/**
 * Build the row function: elementwise (outPtr, n, ...ptrs), reduce
 * (n, ...ptrs) -> f64, or a column reduction (outPtr, n, ...ptrs), which
 * writes n reduced values as an elementwise row does.
 */
export function rowModule(k: VKernel, loads: readonly LoadExpr[], column: boolean): Uint8Array<ArrayBuffer> {
  const nd = iterShape(k).length;
  const reduce = k.kind === 'reduce' && !column;
  const nParams = (reduce ? 1 : 2) + loads.length;
  const N = reduce ? 0 : 1;
  const ptr = (j: number) => (reduce ? 1 : 2) + j;
  const { locals, local } = localsAfter(nParams);
  const c = new Code();
  const constants = new Map<string, { bytes: readonly number[]; global: number }>();
  c.constantGlobal = (bytes) => {
    const key = bytes.join(',');
    let k = constants.get(key);
    if (!k) constants.set(key, (k = { bytes, global: constants.size }));
    return k.global;
  };
  const off = local(I32);
  const imports: ('sin' | 'cos')[] = [];
  const emit: Emit = {
    c,
    v128: () => local(V128),
    importIndex: (name) => {
      if (!imports.includes(name)) imports.push(name);
      return imports.indexOf(name);
    },
    slowLanes: undefined,
  };
  const keys = loads.map(loadKey);
  const splat = new Map<number, number>();
  // column reductions: each other load's address at the current step of the reduced axis
  const cursor = new Map<number, number>();
  loads.forEach((l, j) => {
    if (nd === 0 || (l.strides[nd - 1] === 0 && (!column || l.strides[nd - 2] === 0))) {
      const v = local(V128);
      c.get(ptr(j)).f32Load().f32x4Splat().set(v);
      splat.set(j, v);
    } else if (column) cursor.set(j, local(I32));
  });
  // bool lanes hold 0 or 1; truth is "not zero", so NaN is true, as in NumPy
  const truth = () => (fconst(c, 0), c.f32x4Ne());
  const toBool = () => (truth(), fconst(c, 1), void c.v128And());
  /**
   * Round the float32 lanes on the stack to half precision, ties to even, as
   * storing into float16 does: adding c = 2^(e+13) (at least 0.5) to |x| in
   * [2^e, 2^(e+1)) leaves 2^(e-10) as the last place (2^-24 below 2^-14),
   * and the add rounds to nearest even. From 65520 on, infinity; NaN stays.
   */
  const roundHalf = () => {
    const [v, a, k, r] = [local(V128), local(V128), local(V128), local(V128)];
    c.set(v);
    c.get(v).f32x4Abs().set(a);
    c.get(a);
    iconst(c, 0x7f800000);
    c.v128And();
    fconst(c, 8192);
    c.f32x4Mul();
    fconst(c, 0.5);
    c.f32x4Max().set(k);
    c.get(a).get(k).f32x4Add().get(k).f32x4Sub().set(r);
    fconst(c, Infinity);
    c.get(r).get(a);
    fconst(c, 65520);
    c.f32x4Ge().v128Bitselect().set(r);
    c.get(v).get(r).get(v).get(v).f32x4Ne().v128Bitselect();
    c.get(v);
    iconst(c, -0x80000000);
    c.v128And().v128Or();
  };
  // a subexpression used more than once is computed into a local at its first use and read there after
  // (every operand of the code here is evaluated, switch included: no use is on a path another may skip)
  const cse = commonSubexpressions(k.expr);
  const sharedLocals = new Map<number, number>();
  const computed = new Set<number>();
  /** The kernel's value at the current vector: its shared locals are computed afresh. */
  const element = (e: ScalarExpr): void => {
    computed.clear();
    // the nodes cut for depth first, each into its local, so that no computation recurses deeper than the cut
    for (const id of cse.deep) {
      compute(cse.nodes[id]!.expr);
      let at = sharedLocals.get(id);
      if (at === undefined) sharedLocals.set(id, (at = local(V128)));
      c.set(at);
      computed.add(id);
    }
    expr(e);
  };
  const expr = (e: ScalarExpr): void => {
    const id = cse.id(e);
    if (!cse.shared(id)) return compute(e);
    let at = sharedLocals.get(id);
    if (at !== undefined && computed.has(id)) return void c.get(at);
    compute(e);
    if (at === undefined) sharedLocals.set(id, (at = local(V128)));
    c.tee(at);
    computed.add(id);
  };
  const compute = (e: ScalarExpr): void => {
    if (e.kind === 'const') {
      fconst(c, isHalf(e.dtype) ? f16round(e.value) : Math.fround(e.value));
      return;
    }
    if (e.kind === 'load') {
      const j = keys.indexOf(loadKey(e));
      const s = splat.get(j);
      const at = cursor.get(j);
      if (s !== undefined) c.get(s);
      else if (at === undefined) c.get(ptr(j)).get(off).i32Add().v128Load();
      // a load constant along the output's rows but not along the reduced axis: one value for the four lanes
      else if (e.strides[nd - 2] === 0) c.get(at).v128Load32Splat();
      else c.get(at).v128Load();
      return;
    }
    if (e.kind === 'reduced') throw new Error('cpu: a reduced value outside an epilogue');
    if (e.kind === 'gather') throw new Error('cpu: a gather on the SIMD path (vectorizable() sends gathering kernels to JavaScript)');
    // arguments convert to the compute dtype: float to bool tests truth; bool to float is already 0 or 1
    const arg = (i: number) => {
      const x = e.args[i]!;
      // the condition of a switch is tested as it is, never converted (1e-30 is true even in float16 arithmetic)
      const condition = e.op === 'switch' && i === 0;
      // a literal into half-precision arithmetic is rounded once, from its own value
      if (isHalf(e.computeDType) && x.kind === 'const' && !condition) return void fconst(c, f16round(x.value));
      expr(x);
      if (e.computeDType === 'bool' && x.dtype !== 'bool' && !condition) toBool();
      // float32 into half-precision arithmetic rounds (bool's 0 and 1, and float16 itself, are exact)
      if (isHalf(e.computeDType) && x.dtype === 'float32' && !condition) roundHalf();
    };
    op(e, arg);
    if (e.dtype === 'bool' && !BOOLEAN.has(e.op)) toBool();
    if (isHalf(e.dtype) && !HALF_EXACT.has(e.op)) roundHalf();
  };
  const op = (e: Extract<ScalarExpr, { kind: 'apply' }>, expr: (i: number) => void): void => {
    const a = [0, 1, 2];
    const unary = (f: (x: number) => void) => {
      expr(a[0]!);
      const t = local(V128);
      c.set(t);
      f(t);
    };
    switch (e.op) {
      case 'add': return (expr(a[0]!), expr(a[1]!), void c.f32x4Add());
      case 'sub': return (expr(a[0]!), expr(a[1]!), void c.f32x4Sub());
      case 'mul': return (expr(a[0]!), expr(a[1]!), void c.f32x4Mul());
      case 'truediv': return (expr(a[0]!), expr(a[1]!), void c.f32x4Div());
      case 'maximum': return (expr(a[0]!), expr(a[1]!), void c.f32x4Max());
      case 'minimum': return (expr(a[0]!), expr(a[1]!), void c.f32x4Min());
      case 'clip': return (expr(a[0]!), expr(a[1]!), c.f32x4Max(), expr(a[2]!), void c.f32x4Min());
      case 'neg': return (expr(a[0]!), void c.f32x4Neg());
      case 'abs': return (expr(a[0]!), void c.f32x4Abs());
      case 'sqrt': return (expr(a[0]!), void c.f32x4Sqrt());
      case 'relu': return (expr(a[0]!), fconst(c, 0), void c.f32x4Max());
      case 'identity':
      case 'cast': return expr(a[0]!);
      case 'second': return expr(a[1]!);
      case 'exp': return unary((t) => emitExp(emit, t));
      case 'log': return unary((t) => emitLog(emit, t));
      case 'sin': return unary((t) => emitSinCos(emit, t, false));
      case 'cos': return unary((t) => emitSinCos(emit, t, true));
      case 'tanh': return unary((t) => emitTanh(emit, t));
      case 'sigmoid': return unary((t) => emitSigmoid(emit, t));
      case 'eq': return (expr(a[0]!), expr(a[1]!), c.f32x4Eq(), fconst(c, 1), void c.v128And());
      case 'neq': return (expr(a[0]!), expr(a[1]!), c.f32x4Ne(), fconst(c, 1), void c.v128And());
      case 'lt': return (expr(a[0]!), expr(a[1]!), c.f32x4Lt(), fconst(c, 1), void c.v128And());
      case 'le': return (expr(a[0]!), expr(a[1]!), c.f32x4Le(), fconst(c, 1), void c.v128And());
      case 'gt': return (expr(a[0]!), expr(a[1]!), c.f32x4Gt(), fconst(c, 1), void c.v128And());
      case 'ge': return (expr(a[0]!), expr(a[1]!), c.f32x4Ge(), fconst(c, 1), void c.v128And());
      case 'not': return (expr(a[0]!), fconst(c, 0), c.f32x4Eq(), fconst(c, 1), void c.v128And());
      case 'and': return (expr(a[0]!), truth(), expr(a[1]!), truth(), c.v128And(), fconst(c, 1), void c.v128And());
      case 'or': return (expr(a[0]!), truth(), expr(a[1]!), truth(), c.v128Or(), fconst(c, 1), void c.v128And());
      case 'xor': return (expr(a[0]!), truth(), expr(a[1]!), truth(), c.v128Xor(), fconst(c, 1), void c.v128And());
      // bitselect(then, else, mask): the condition is tested as it is
      case 'switch': return (expr(a[1]!), expr(a[2]!), expr(a[0]!), truth(), void c.v128Bitselect());
      default:
        throw new Error(`vkernel: ${e.op} is not vectorised`);
    }
  };
  const results: ValType[] = [];
  // out[off] = reduce over the axis of expr, four lanes a step, sums in float64 as the other reductions
  const columnPass = (r: ReduceKernel) => {
    const [count, isMax] = [r.reduceShape[0]!, r.reducer === 'max'];
    const isSum = r.reducer === 'sum' || r.reducer === 'mean';
    const [step, v, acc0, acc1] = [local(I32), local(V128), local(V128), local(V128)];
    c.i32(0).set(off);
    c.block().loop();
    c.get(off).get(N).i32(4).i32Mul().i32GeS().brIf(1);
    for (const [j, at] of cursor) {
      c.get(ptr(j));
      if (loads[j]!.strides[nd - 2] !== 0) c.get(off).i32Add();
      c.set(at);
    }
    if (isSum) c.v128Zero().set(acc0).v128Zero().set(acc1);
    else fconst(c, isMax ? -Infinity : Infinity).set(acc0);
    c.i32(count).set(step);
    c.loop();
    {
      element(r.expr);
      c.set(v);
      if (isSum) {
        c.get(acc0).get(v).f64x2PromoteLowF32x4().f64x2Add().set(acc0);
        c.get(acc1).get(v).get(v).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]).f64x2PromoteLowF32x4().f64x2Add().set(acc1);
      } else {
        c.get(acc0).get(v);
        if (isMax) c.f32x4Max();
        else c.f32x4Min();
        c.set(acc0);
      }
      for (const [j, at] of cursor) c.get(at).i32(loads[j]!.strides[nd - 1]! * 4).i32Add().set(at);
      c.get(step).i32(1).i32Sub().tee(step).brIf(0);
    }
    c.end();
    c.get(0).get(off).i32Add();
    if (isSum) {
      // the mean divides in float64, then rounds once, as the JavaScript kernels do
      const divide = () => {
        if (r.reducer === 'mean') c.v128Const([...new Uint8Array(new Float64Array([count, count]).buffer)]).f64x2Div();
      };
      c.get(acc0);
      divide();
      c.f32x4DemoteF64x2Zero().get(acc1);
      divide();
      c.f32x4DemoteF64x2Zero().shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
    } else c.get(acc0);
    // a float16 sum or mean rounds through float32 (the row reductions round the float64 sum directly): where
    // the float32 step lands on a half-way point the result may be one half-precision ulp off, as any summation
    // order may be
    if (isHalf(r.out)) roundHalf();
    c.v128Store();
    c.get(off).i32(16).i32Add().set(off).br(0);
    c.end().end();
  };
  // sin/cos: the fast pass flags lanes that need JavaScript; when any did, a slow pass computes the row again with
  // the calls (the output never aliases an input, so the inputs are still there to read: see passesTwice)
  const withSlowPass = (pass: () => void) => {
    if (!usesOp(k.expr, JS_LANES)) return pass();
    const slowLanes = local(V128);
    c.v128Zero().set(slowLanes);
    emit.slowLanes = slowLanes;
    pass();
    emit.slowLanes = undefined;
    c.get(slowLanes).v128AnyTrue().if_();
    pass();
    c.end();
  };
  if (column) withSlowPass(() => columnPass(k as ReduceKernel));
  else if (!reduce) {
    const pass = () => {
      // out[off] = expr, four lanes a step; the row may overrun into padding
      c.i32(0).set(off);
      c.block().loop();
      c.get(off).get(N).i32(4).i32Mul().i32GeS().brIf(1);
      c.get(0).get(off).i32Add();
      element(k.expr);
      if (isHalf(k.out) && !isHalf(k.expr.dtype)) roundHalf();
      c.v128Store();
      c.get(off).i32(16).i32Add().set(off).br(0);
      c.end().end();
    };
    withSlowPass(pass);
  } else {
    const r = k as ReduceKernel;
    const isSum = r.reducer === 'sum' || r.reducer === 'mean';
    const v = local(V128);
    const acc0 = local(V128);
    const acc1 = local(V128);
    const end = local(I32);
    const identity = r.reducer === 'max' ? -Infinity : r.reducer === 'min' ? Infinity : 0;
    const accumulate = () => {
      if (isSum) {
        c.get(acc0).get(v).f64x2PromoteLowF32x4().f64x2Add().set(acc0);
        c.get(acc1).get(v).get(v).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]).f64x2PromoteLowF32x4().f64x2Add().set(acc1);
      } else {
        c.get(acc0).get(v);
        if (r.reducer === 'max') c.f32x4Max();
        else c.f32x4Min();
        c.set(acc0);
      }
    };
    const pass = () => {
      c.i32(0).set(off);
      if (isSum) c.v128Zero().set(acc0).v128Zero().set(acc1);
      else fconst(c, identity).set(acc0);
      // whole vectors: no lane masking in the loop
      c.get(N).i32(~3).i32And().i32(4).i32Mul().set(end);
      c.block().loop();
      c.get(off).get(end).i32GeS().brIf(1);
      element(k.expr);
      c.set(v);
      accumulate();
      c.get(off).i32(16).i32Add().set(off).br(0);
      c.end().end();
      // the last 1-3 elements: lanes past n are replaced by the reducer's identity
      c.get(N).i32(3).i32And().if_();
      element(k.expr);
      c.set(v);
      c.get(v);
      fconst(c, identity);
      c.v128Const([0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]).get(N).i32(3).i32And().i32x4Splat().i32x4LtS().v128Bitselect().set(v);
      accumulate();
      c.end();
    };
    withSlowPass(pass);
    if (isSum) {
      c.get(acc0).f64x2ExtractLane(0).get(acc0).f64x2ExtractLane(1).f64Add();
      c.get(acc1).f64x2ExtractLane(0).f64Add().get(acc1).f64x2ExtractLane(1).f64Add();
      results.push(F64);
    } else {
      for (let q = 0; q < 4; q++) {
        c.get(acc0).f32x4ExtractLane(q);
        if (q > 0) (r.reducer === 'max' ? c.f32Max() : c.f32Min());
      }
      c.f64PromoteF32();
      results.push(F64);
    }
  }
  const funcs = [{ name: 'row', params: new Array<ValType>(nParams).fill(I32), locals, code: c, results }];
  if (!column && !reduce && nd >= 2) funcs.push(rowsFunction(nParams, imports.length, loads.map((l) => l.strides[nd - 2]!)));
  return encodeModule(
    funcs,
    { shared: arena.shared, maximumPages: MAX_PAGES },
    imports.map((name) => ({ name, params: [F64], results: [F64] })),
    [...constants.values()].map((k) => k.bytes),
  );
}

/**
 * `rows(outPtr, n, ...ptrs, count)`: `count` consecutive rows along the
 * second innermost dimension, each a call of `row` (function `rowIndex`)
 * from the last one's pointers moved one step along that dimension
 * (`outerStrides`, in elements, per load). One call from JavaScript then
 * runs a kernel's rows where it took one per row: a [32, 64] kernel with a
 * broadcast bias (which no collapse flattens) is one call, not 32.
 */
function rowsFunction(nParams: number, rowIndex: number, outerStrides: readonly number[]) {
  const c = new Code();
  const count = nParams;
  c.block().loop();
  c.get(count).i32(1).i32LtS().brIf(1);
  for (let p = 0; p < nParams; p++) c.get(p);
  c.call(rowIndex);
  c.get(0).get(1).i32(4).i32Mul().i32Add().set(0);
  outerStrides.forEach((s, j) => {
    if (s !== 0) c.get(2 + j).i32(s * 4).i32Add().set(2 + j);
  });
  c.get(count).i32(1).i32Sub().set(count).br(0);
  c.end().end();
  return { name: 'rows', params: new Array<ValType>(nParams + 1).fill(I32), locals: [], code: c, results: [] };
}
