/**
 * batchedDot (Theano's batched_dot): (B, M, K) x (B, K, N) is one matmul
 * kernel whose operands both step along the batch and whose output is
 * C-contiguous (B, M, N). Batches of one and more; operands transposed
 * per batch entry (a view read through its strides: attention's q kᵀ);
 * contractions of 4 or less (elementwise sums of products in @sym/opt) and
 * longer ones (the backends' matmul kernels); products large enough for
 * the backends' gemm paths; empty batch, rows, columns and contraction; a
 * bias and activation fused as an epilogue; full-range integers that wrap;
 * and a rank-4 operand reshaped around the product.
 */
import * as sym from '@sym/graph';
import type { DType, TensorVariable } from '@sym/graph';
import { isFloat } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray, type Rng } from '../rng.js';

type Shape3 = readonly [number, number, number];

interface Layout {
  /** (B, M, K) of a and (B, K, N) of b, as the product sees them. */
  readonly a: Shape3;
  readonly b: Shape3;
  /** The input holds the operand with its last two axes swapped, and the graph uses the swap back (a strided view). */
  readonly aT?: boolean;
  readonly bT?: boolean;
  /** Only for float dtypes: big enough for a gemm (too slow in emulated integer arithmetic). */
  readonly floatOnly?: boolean;
  /** Kept in the quick suite. */
  readonly quick?: boolean;
}

const LAYOUTS: readonly Layout[] = [
  { a: [1, 3, 6], b: [1, 6, 5] },
  { a: [3, 4, 6], b: [3, 6, 5], quick: true },
  { a: [2, 3, 3], b: [2, 3, 4] },
  { a: [3, 4, 6], b: [3, 6, 5], aT: true },
  { a: [3, 4, 6], b: [3, 6, 5], bT: true },
  { a: [2, 4, 6], b: [2, 6, 5], aT: true, bT: true, quick: true },
  { a: [1, 3, 2], b: [1, 2, 4], aT: true, bT: true },
  { a: [0, 3, 6], b: [0, 6, 5] },
  { a: [2, 0, 6], b: [2, 6, 5] },
  { a: [2, 3, 6], b: [2, 6, 0] },
  { a: [2, 3, 0], b: [2, 0, 5], quick: true },
  // past the CPU's small-matmul cut (2^15 multiply-adds, 256 outputs): its WebAssembly gemm, A packed again for each batch entry;
  // and past gpujs's packing cut (2^16 multiply-adds, k of 16): its packed passes
  { a: [3, 24, 40], b: [3, 40, 32], floatOnly: true },
  { a: [3, 24, 40], b: [3, 40, 32], aT: true, bT: true, floatOnly: true, quick: true },
];

const swap = (s: Shape3): number[] => [s[0], s[2], s[1]];

function input(dtype: DType, shape: Shape3, transposed: boolean | undefined, name: string): { input: TensorVariable; expr: TensorVariable; valueShape: number[] } {
  const input = sym.T.tensor(dtype, [false, false, false], name);
  return { input, expr: transposed ? input.dimshuffle(0, 2, 1) : input, valueShape: transposed ? swap(shape) : [...shape] };
}

const describe = (s: Shape3, transposed?: boolean): string => (transposed ? `(${swap(s).join(', ')}) swapped` : `(${s.join(', ')})`);

function layoutCase(dtype: DType, l: Layout): OpCase {
  const a = input(dtype, l.a, l.aT, 'a');
  const b = input(dtype, l.b, l.bT, 'b');
  const out = sym.T.batchedDot(a.expr, b.expr);
  return {
    group: 'dot',
    name: `batchedDot ${dtype}: ${describe(l.a, l.aT)} x ${describe(l.b, l.bT)} -> ${out.dtype}`,
    op: 'dot',
    dtype,
    graph: {
      inputs: [a.input, b.input],
      outputs: [out],
      values: (rng) => [randomArray(rng, dtype, a.valueShape, 'small'), randomArray(rng, dtype, b.valueShape, 'small')],
    },
  };
}

/** Full-range integers: products and sums wrap, exactly (NumPy's integer matmul is modular). */
function wrapCase(dtype: DType): OpCase {
  const a = input(dtype, [2, 3, 5], false, 'a');
  const b = input(dtype, [2, 5, 2], true, 'b');
  return {
    group: 'dot',
    name: `batchedDot ${dtype}: full-range values (2, 3, 5) x (2, 2, 5) swapped, wrapping`,
    op: 'dot',
    dtype,
    graph: {
      inputs: [a.input, b.input],
      outputs: [sym.T.batchedDot(a.expr, b.expr)],
      values: (rng) => [randomArray(rng, dtype, a.valueShape, 'full'), randomArray(rng, dtype, b.valueShape, 'full')],
    },
  };
}

/** A bias over columns and a tanh after the product: fused into the matmul as its epilogue, read at (batch, m, n). */
function epilogueCase(dtype: DType): OpCase {
  const q = sym.T.tensor(dtype, [false, false, false], 'q');
  const k = sym.T.tensor(dtype, [false, false, false], 'k');
  const bias = sym.T.tensor(dtype, [false], 'bias');
  const scores = sym.T.batchedDot(q, k.dimshuffle(0, 2, 1));
  return {
    group: 'dot',
    name: `batchedDot ${dtype}: tanh(q (3, 4, 6) x k (3, 5, 6) swapped * 0.5 + bias (5,)), and the scores alone`,
    op: 'dot',
    dtype,
    graph: {
      inputs: [q, k, bias],
      outputs: [sym.T.tanh(scores.mul(0.5).add(bias)), sym.T.batchedDot(k, q.dimshuffle(0, 2, 1))],
      labels: ['with an epilogue', 'k qᵀ'],
      values: (rng: Rng) => [randomArray(rng, dtype, [3, 4, 6], 'small'), randomArray(rng, dtype, [3, 5, 6], 'small'), randomArray(rng, dtype, [5], 'small')],
    },
  };
}

/** A rank-4 a (B, 2, 3, K) by a rank-3 b: a's middle axes read as rows of one product. */
function rank4Case(dtype: DType): OpCase {
  const a = sym.T.tensor(dtype, [false, false, false, false], 'a');
  const b = sym.T.tensor(dtype, [false, false, false], 'b');
  return {
    group: 'dot',
    name: `batchedDot ${dtype}: (2, 2, 3, 6) x (2, 6, 4) -> (2, 2, 3, 4)`,
    op: 'dot',
    dtype,
    graph: {
      inputs: [a, b],
      outputs: [sym.T.batchedDot(a, b)],
      values: (rng) => [randomArray(rng, dtype, [2, 2, 3, 6], 'small'), randomArray(rng, dtype, [2, 6, 4], 'small')],
    },
  };
}

/** The cases for these dtypes; `quick`: a batch of several with plain and transposed operands, an empty contraction, the epilogue and wrapping. */
export function batchedDotCases(dtypes: readonly DType[], quick = false): OpCase[] {
  // int64 is exact only to 2^53 in its float64 storage: no wrapping case there
  const wraps = (d: DType): boolean => d !== 'int64' && d !== 'bool' && !isFloat(d);
  return dtypes.flatMap((d) => [
    ...LAYOUTS.filter((l) => (!l.floatOnly || isFloat(d)) && (!quick || l.quick)).map((l) => layoutCase(d, l)),
    epilogueCase(d),
    ...(quick ? [] : [rank4Case(d)]),
    ...(wraps(d) ? [wrapCase(d)] : []),
  ]);
}
