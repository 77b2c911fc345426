/**
 * Elemwise's reference `perform` computes inputs that each hold one value
 * (constant folding's zeros and fills) once: the same values as element by
 * element, -0 and NaN included.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

/** The node's `perform` on these values. */
function perform(out: sym.TensorVariable, values: sym.NDArray[]): sym.NDArray {
  const node = out.owner!;
  return node.op.perform(values, node)[0]!;
}

const full = (shape: number[], value: number, dtype: sym.DType) => sym.array(new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(value), { dtype }).reshape(shape);

describe('Elemwise.perform of inputs of one value each', () => {
  it('fills: second(zeros, 2.5), broadcast from a scalar', () => {
    const x = T.matrix('x');
    const c = T.scalar('c');
    const got = perform(T.second(x, c), [full([3, 4], 0, 'float64'), sym.array(2.5, { dtype: 'float64' })]);
    expect(got.shape).toEqual([3, 4]);
    expect(Array.from(got.data)).toEqual(new Array(12).fill(2.5));
  });

  it('keeps -0 apart from 0, and NaN, as element by element does', () => {
    const x = T.vector('x');
    const one = T.scalar('one');
    const div = one.div(x);
    const negZero = perform(div, [sym.array(1, { dtype: 'float64' }), full([5], -0, 'float64')]);
    expect(Array.from(negZero.data)).toEqual(new Array(5).fill(-Infinity));
    // one -0 among zeros: not one value, computed element by element
    const mixed = perform(div, [sym.array(1, { dtype: 'float64' }), sym.array([0, 0, -0, 0], { dtype: 'float64' })]);
    expect(Array.from(mixed.data)).toEqual([Infinity, Infinity, -Infinity, Infinity]);
    const nan = perform(T.add(x, one), [full([4], NaN, 'float64'), sym.array(1, { dtype: 'float64' })]);
    expect(Array.from(nan.data).every(Number.isNaN)).toBe(true);
  });

  it("converts to the op's dtypes once, wrapping as element by element (int8 127 + 1)", () => {
    const x = T.tensor('int8', [false, false], 'x');
    const got = perform(x.add(T.constant(1, { dtype: 'int8' })), [full([2, 3], 127, 'int8'), sym.array(1, { dtype: 'int8' })]);
    expect(got.dtype).toBe('int8');
    expect(Array.from(got.data)).toEqual(new Array(6).fill(-128));
  });

  it("tests a switch's condition as it is", () => {
    const cond = T.matrix('cond');
    const [a, b] = [T.matrix('a'), T.matrix('b')];
    const got = perform(T.switch_(cond, a, b), [full([2, 2], 0.5, 'float64'), full([2, 2], 3, 'float64'), full([2, 2], 4, 'float64')]);
    expect(Array.from(got.data)).toEqual([3, 3, 3, 3]);
  });
});
