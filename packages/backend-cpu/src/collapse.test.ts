import { describe, expect, it } from 'vitest';
import type { ElementwiseKernel, Kernel, LoadExpr, ReduceKernel, ScalarExpr } from '@sym/graph';
import { collapseElementwise, collapseReduce } from './collapse.js';
import { renderKernel } from './render.js';

const load = (input: number, strides: number[], offset = 0): LoadExpr => ({ kind: 'load', input, strides, offset, dtype: 'float64' });
const add = (a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ kind: 'apply', op: 'add', args: [a, b], computeDType: 'float64', dtype: 'float64' });
const ew = (shape: number[], expr: ScalarExpr, n = 2): ElementwiseKernel => ({ kind: 'elementwise', shape, inputs: Array(n).fill('float64'), out: 'float64', expr });

/** Run a kernel's rendered JavaScript on inputs 0..len-1 (scaled per input). */
function run(k: Kernel, size: number, lens: number[]): number[] {
  const ins = lens.map((n, j) => Float64Array.from({ length: n }, (_, i) => i * (j + 1) + j / 7));
  const out = new Float64Array(size);
  const H = { i64: (x: number) => x };
  new Function('ins', 'out', 'H', renderKernel(k))(ins, out, H);
  return [...out];
}

describe('collapsing iteration dimensions', () => {
  it('merges contiguous operands into one loop', () => {
    const k = collapseElementwise(ew([4, 5, 6], add(load(0, [30, 6, 1]), load(1, [30, 6, 1]))));
    expect(k.shape).toEqual([120]);
    expect(k.expr).toEqual(add(load(0, [1]), load(1, [1])));
  });

  it('keeps a broadcast row apart and drops length-1 dimensions', () => {
    const k = collapseElementwise(ew([1, 64, 1, 10], add(load(0, [640, 10, 10, 1]), load(1, [0, 0, 0, 1]))));
    expect(k.shape).toEqual([64, 10]);
    expect(k.expr).toEqual(add(load(0, [10, 1]), load(1, [0, 1])));
  });

  it('merges a broadcast over leading dimensions', () => {
    const k = collapseElementwise(ew([3, 4, 5], add(load(0, [20, 5, 1]), load(1, [0, 0, 1])), 2));
    expect(k.shape).toEqual([12, 5]);
    const whole = collapseElementwise(ew([3, 4, 5], add(load(0, [20, 5, 1]), load(1, [0, 0, 0]))));
    expect(whole.shape).toEqual([60]);
  });

  it('leaves a transposed operand two-dimensional', () => {
    const k = ew([6, 7], add(load(0, [1, 6]), load(1, [7, 1])));
    expect(collapseElementwise(k)).toBe(k);
  });

  it('merges kept and reduced dimensions separately', () => {
    const r: ReduceKernel = {
      kind: 'reduce',
      shape: [2, 3],
      reduceShape: [4, 5],
      reducer: 'argmax',
      inputs: ['float64'],
      acc: 'float64',
      out: 'int64',
      expr: load(0, [60, 20, 5, 1]),
    };
    const c = collapseReduce(r);
    expect(c.shape).toEqual([6]);
    expect(c.reduceShape).toEqual([20]);
    expect(run(c, 6, [120])).toEqual(run(r, 6, [120]));
  });

  it('keeps one reduce dimension when all have length 1', () => {
    const r: ReduceKernel = { kind: 'reduce', shape: [3], reduceShape: [1, 1], reducer: 'sum', inputs: ['float64'], acc: 'float64', out: 'float64', expr: load(0, [1, 0, 0]) };
    const c = collapseReduce(r);
    expect(c.reduceShape).toEqual([1]);
    expect(run(c, 3, [3])).toEqual(run(r, 3, [3]));
  });

  it.each([
    [[2, 3, 4], [12, 4, 1], [0, 1, 3], 5],
    [[5, 1, 6], [6, 6, 1], [1, 0, 5], 0],
    [[3, 4], [0, 1], [4, 1], 2],
    [[2, 2, 2, 2], [8, 4, 2, 1], [0, 0, 2, 1], 1],
  ])('computes the same values: shape %j', (shape, s0, s1, off) => {
    const k = ew(shape, add(load(0, s0, off), load(1, s1)));
    const size = shape.reduce((a, b) => a * b, 1);
    expect(run(collapseElementwise(k), size, [size + off, 64])).toEqual(run(k, size, [size + off, 64]));
  });
});
