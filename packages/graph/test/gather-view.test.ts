/**
 * The reference ops' copy of a strided view (DimShuffle, Subtensor, Alloc
 * perform through it): elements already in order are copied in one piece,
 * others one by one, the same values either way.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

const grid = (rows: number, cols: number) => sym.array(Array.from({ length: rows * cols }, (_, i) => i + 0.5)).reshape([rows, cols]);

/** The node's reference `perform`. */
const perform = (out: sym.TensorVariable, values: sym.NDArray[]) => out.owner!.op.perform(values, out.owner!)[0]!;

describe('copying a view in the reference ops', () => {
  const x = T.matrix('x');
  const m = grid(4, 3);

  it('a dimshuffle adding a broadcastable axis, or dropping one, keeps the order', () => {
    const added = perform(x.dimshuffle('x', 0, 1), [m]);
    expect(added.shape).toEqual([1, 4, 3]);
    expect(Array.from(added.data)).toEqual(Array.from(m.data));
    const r = T.tensor('float64', [true, false, false], 'r');
    expect(perform(r.dimshuffle(1, 2), [m.reshape([1, 4, 3])]).toArray()).toEqual(m.toArray());
  });

  it('a leading slice is one run from its offset; a column slice and a transpose go element by element', () => {
    expect(perform(x.get('1:3'), [m]).toArray()).toEqual([[3.5, 4.5, 5.5], [6.5, 7.5, 8.5]]);
    expect(perform(x.get(':', '1:3'), [m]).toArray()).toEqual([[1.5, 2.5], [4.5, 5.5], [7.5, 8.5], [10.5, 11.5]]);
    expect(perform(x.T, [m]).toArray()).toEqual([[0.5, 3.5, 6.5, 9.5], [1.5, 4.5, 7.5, 10.5], [2.5, 5.5, 8.5, 11.5]]);
  });

  it('an empty view copies nothing', () => {
    expect(perform(x.get('2:2'), [m]).shape).toEqual([0, 3]);
  });
});
