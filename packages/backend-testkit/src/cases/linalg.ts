/**
 * dot (numpy.dot) for every combination of operand ranks 1 to 3, with
 * transposed operands (A.T·B, A·B.T, A.T·B.T, v·A.T), and outer products.
 */
import * as sym from '@sym/graph';
import type { DType } from '@sym/graph';
import { describeOperand, operand, type OpCase, type OperandSpec } from '../case.js';
import { randomArray } from '../rng.js';

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

export function dotCases(dtypes: readonly DType[]): OpCase[] {
  return dtypes.flatMap((d) => [...LAYOUTS.map((l) => dotCase(d, l)), outerCase(d)]);
}
