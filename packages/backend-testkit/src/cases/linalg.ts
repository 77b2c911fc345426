/**
 * dot (numpy.dot) for every combination of operand ranks 1 to 3, with
 * transposed operands (A.T·B, A·B.T, A.T·B.T, v·A.T), and outer products.
 * Contractions of 4 become elementwise sums of products in @sym/opt; those
 * of 6 stay matmul kernels: both paths are checked. batchedDot's cases
 * (batched-dot.ts) are in this group too.
 */
import * as sym from '@sym/graph';
import type { DType } from '@sym/graph';
import { isFloat } from '@sym/graph';
import { describeOperand, operand, type OpCase, type OperandSpec } from '../case.js';
import { randomArray } from '../rng.js';
import { batchedDotCases } from './batched-dot.js';

interface DotLayout {
  readonly a: OperandSpec;
  readonly b: OperandSpec;
}

const m = (...shape: number[]): OperandSpec => ({ shape });
const t = (...shape: number[]): OperandSpec => ({ shape, transposed: true });

const LAYOUTS: readonly DotLayout[] = [
  { a: m(4), b: m(4) },
  { a: m(4), b: m(4, 3) },
  { a: m(3, 4), b: m(4) },
  { a: m(3, 4), b: m(4, 5) },
  { a: m(4), b: m(2, 4, 3) },
  { a: m(3, 4), b: m(2, 4, 5) },
  { a: m(2, 3, 4), b: m(4) },
  { a: m(2, 3, 4), b: m(4, 5) },
  { a: m(2, 3, 4), b: m(2, 4, 5) },
  { a: m(5, 1), b: m(1, 6) },
  { a: t(3, 4), b: m(4, 5) },
  { a: m(3, 4), b: t(4, 5) },
  { a: t(3, 4), b: t(4, 5) },
  { a: m(4), b: t(4, 3) },
  { a: t(3, 4), b: m(4) },
  { a: m(2, 3, 4), b: t(4, 5) },
  // a contraction past @sym/opt's SMALL_K (4): the backends' matmul kernels, not sums of products written out
  { a: m(6), b: m(6, 3) },
  { a: m(3, 6), b: m(6, 5) },
  { a: t(3, 6), b: m(6, 5) },
  { a: m(3, 6), b: t(6, 5) },
  { a: t(3, 6), b: t(6, 5) },
  { a: m(2, 3, 6), b: m(2, 6, 5) },
];

function dotCase(dtype: DType, layout: DotLayout): OpCase {
  const a = operand(dtype, layout.a, 'a');
  const b = operand(dtype, layout.b, 'b');
  const out = sym.T.dot(a.expr, b.expr);
  return {
    group: 'dot',
    name: `dot ${dtype}: ${describeOperand(layout.a)} · ${describeOperand(layout.b)} -> ${out.dtype}`,
    op: 'dot',
    dtype,
    graph: {
      inputs: [a.input, b.input],
      outputs: [out],
      values: (rng) => [randomArray(rng, dtype, a.valueShape, 'small'), randomArray(rng, dtype, b.valueShape, 'small')],
    },
  };
}

/** Full-range integers: the products and sums wrap, and must wrap exactly (NumPy's integer dot is modular). */
function wrapCase(dtype: DType): OpCase {
  const a = operand(dtype, m(3, 5), 'a');
  const b = operand(dtype, t(5, 2), 'b');
  return {
    group: 'dot',
    name: `dot ${dtype}: full-range values (3, 5) · (2, 5).T, wrapping`,
    op: 'dot',
    dtype,
    graph: {
      inputs: [a.input, b.input],
      outputs: [sym.T.dot(a.expr, b.expr)],
      values: (rng) => [randomArray(rng, dtype, a.valueShape, 'full'), randomArray(rng, dtype, b.valueShape, 'full')],
    },
  };
}

function outerCase(dtype: DType): OpCase {
  const x = sym.T.tensor(dtype, [false], 'x');
  const y = sym.T.tensor(dtype, [false, false], 'y');
  return {
    group: 'dot',
    name: `outer ${dtype}: (4,) with (2, 3) flattened`,
    op: 'outer',
    dtype,
    graph: {
      inputs: [x, y],
      outputs: [sym.T.outer(x, y), sym.T.outer(y, x)],
      labels: ['outer(x, y)', 'outer(y, x)'],
      // int64 lives in a float64: products of full-range values would round
      values: (rng) => {
        const range = dtype === 'int64' ? 'small' : 'full';
        return [randomArray(rng, dtype, [4], range), randomArray(rng, dtype, [2, 3], range)];
      },
    },
  };
}

/** A rank-3 operand whose length-1 axis carries a stride of its own (a batch of one, time-major): its leading axes read as one. */
function unitAxisCase(dtype: DType): OpCase {
  const x = sym.T.tensor(dtype, [false, false, false], 'x');
  const w = sym.T.tensor(dtype, [false, false], 'w');
  const outs = [sym.T.dot(x.dimshuffle(1, 0, 2), w), sym.T.dot(x.dimshuffle(1, 0, 2), sym.T.tensor(dtype, [false, false], 'v'))];
  const v = outs[1]!.owner!.inputs[1]!;
  return {
    group: 'dot',
    name: `dot ${dtype}: x (1, 3, 4) dimshuffled to (3, 1, 4) · (4, 2), and · (4, 6)`,
    op: 'dot',
    dtype,
    graph: {
      inputs: [x, w, v],
      outputs: outs,
      labels: ['contraction of 4 (sums of products)', 'contraction of 4, 6 columns'],
      values: (rng) => [randomArray(rng, dtype, [1, 3, 4], 'small'), randomArray(rng, dtype, [4, 2], 'small'), randomArray(rng, dtype, [4, 6], 'small')],
    },
  };
}

export function dotCases(dtypes: readonly DType[], quick = false): OpCase[] {
  // int64 is exact only to 2^53 in its float64 storage: no wrapping case there
  const wraps = (d: DType): boolean => d !== 'int64' && d !== 'bool' && !isFloat(d);
  return [...dtypes.flatMap((d) => [...LAYOUTS.map((l) => dotCase(d, l)), unitAxisCase(d), ...(wraps(d) ? [wrapCase(d)] : []), outerCase(d)]), ...batchedDotCases(dtypes, quick)];
}
