/**
 * Running the kernel IR on host typed arrays, one output element at a time,
 * by walking each kernel's expression tree with the scalar ops' reference
 * semantics (`SCALAR_OPS[op].impl`, `castScalar`). Nothing here is fast; all
 * of it follows the IR's doc comments in `@sym/graph` (kernel.ts), so each
 * function is the shortest statement of what one part of the IR means.
 */
import type { ElementwiseKernel, MatmulKernel, ReduceKernel, ScalarExpr, TypedArray } from '@sym/graph';
import { SCALAR_OPS, castScalar, reduceIdentity } from '@sym/graph';

/** What an expression sees: the launch's input arrays, the element's multi-index, and (in an epilogue) the reduced value. */
interface Env {
  readonly inputs: readonly TypedArray[];
  readonly index: readonly number[];
  readonly reduced?: number;
}

/** Element `offset + sum(index[d] * strides[d])`: a load, or one operand of a product. */
function at(strides: readonly number[], offset: number, index: readonly number[]): number {
  let flat = offset;
  for (let d = 0; d < index.length; d++) flat += index[d]! * strides[d]!;
  return flat;
}

/** The value of `e` at one element, as a number already in `e.dtype` (stored arrays hold their dtype's values). */
export function evaluate(e: ScalarExpr, env: Env): number {
  switch (e.kind) {
    case 'const':
      return e.value;
    case 'load':
      return env.inputs[e.input]![at(e.strides, e.offset, env.index)]!;
    case 'gather':
      // the IR promises 0 <= index < e.size on every element, whichever switch branch uses it
      return env.inputs[e.input]![evaluate(e.index, env)]!;
    case 'reduced':
      if (env.reduced === undefined) throw new Error('interp: a `reduced` leaf outside an epilogue');
      return env.reduced;
    case 'apply': {
      // every argument converts to computeDType, but a switch's condition: it is tested as it is (NumPy's truthiness)
      const args = e.args.map((a, i) => {
        const v = evaluate(a, env);
        return e.op === 'switch' && i === 0 ? v : castScalar(v, e.computeDType);
      });
      // impl(args, out, compute), as the reference Elemwise.perform calls it; the result is stored into e.dtype
      return castScalar(SCALAR_OPS[e.op].impl(args, e.dtype, e.computeDType), e.dtype);
    }
  }
}

/** Every multi-index of `shape` in C order (the order of a C-contiguous output), reusing one array. */
function* indices(shape: readonly number[]): Generator<readonly number[]> {
  const size = shape.reduce((a, b) => a * b, 1);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < size; i++) {
    yield index;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
}

export function runElementwise(k: ElementwiseKernel, inputs: readonly TypedArray[], out: TypedArray): void {
  let o = 0;
  for (const index of indices(k.shape)) out[o++] = castScalar(evaluate(k.expr, { inputs, index }), k.out);
}

/** The scalar op each reducer folds with: its reference semantics (NaN wins max and min; NumPy's truthiness in any and all). */
const FOLD = { sum: 'add', mean: 'add', prod: 'mul', max: 'maximum', min: 'minimum', any: 'or', all: 'and' } as const;

/**
 * out[i] = reducer over j of expr(i, j). Each value converts to `acc` and
 * every step is stored into `acc` as `castScalar` stores; mean divides
 * the sum by the count; argmax/argmin keep the first extreme (the first
 * NaN, where one is). The epilogue sees the result converted to its `value`.
 */
export function runReduce(k: ReduceKernel, inputs: readonly TypedArray[], out: TypedArray): void {
  const count = k.reduceShape.reduce((a, b) => a * b, 1);
  let o = 0;
  for (const i of indices(k.shape)) {
    const outer = [...i];
    let acc = reduceIdentity(k.reducer, k.acc);
    let best = 0;
    let j = 0;
    for (const r of indices(k.reduceShape)) {
      const v = castScalar(evaluate(k.expr, { inputs, index: [...outer, ...r] }), k.acc);
      if (k.reducer === 'argmax' || k.reducer === 'argmin') {
        const better = k.reducer === 'argmax' ? v > acc : v < acc;
        if (j === 0 || (acc === acc && (better || v !== v))) [acc, best] = [v, j];
      } else acc = castScalar(SCALAR_OPS[FOLD[k.reducer]].impl([acc, v], k.acc, k.acc), k.acc);
      j++;
    }
    const result = k.reducer === 'argmax' || k.reducer === 'argmin' ? best : k.reducer === 'mean' ? acc / count : acc;
    out[o++] = castScalar(epilogue(k, inputs, outer, result), k.out);
  }
}

/** The stored value of an output element: the reduced value, or the epilogue's expression of it. */
function epilogue(k: ReduceKernel | MatmulKernel, inputs: readonly TypedArray[], index: readonly number[], reduced: number): number {
  if (!k.epilogue) return reduced;
  return evaluate(k.epilogue.expr, { inputs, index, reduced: castScalar(reduced, k.epilogue.value) });
}

/**
 * out[b, m, n] = sum over q of a[b, m, q] * b[b, q, n], each product and
 * partial sum stored into `acc` (an integer dot wraps like NumPy's, a float
 * one sums in float64). Without an epilogue the output goes through
 * `outStrides`; with one, C-contiguous over (batch, m, n).
 */
export function runMatmul(k: MatmulKernel, inputs: readonly TypedArray[], out: TypedArray): void {
  const [A, B] = inputs as [TypedArray, TypedArray];
  const mul = SCALAR_OPS.mul.impl;
  for (let b = 0; b < k.batch; b++)
    for (let m = 0; m < k.m; m++)
      for (let n = 0; n < k.n; n++) {
        let sum = 0;
        for (let q = 0; q < k.k; q++) {
          const x = castScalar(A[at(k.a.strides, k.a.offset, [b, m, q])]!, k.acc);
          const y = castScalar(B[at(k.b.strides, k.b.offset, [b, q, n])]!, k.acc);
          sum = castScalar(sum + castScalar(mul([x, y], k.acc, k.acc), k.acc), k.acc);
        }
        const o = k.epilogue ? (b * k.m + m) * k.n + n : at(k.outStrides, 0, [b, m, n]);
        out[o] = castScalar(epilogue(k, inputs, [b, m, n], sum), k.out);
      }
}
