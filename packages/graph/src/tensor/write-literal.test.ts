import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

describe('a plain number written into a window of an integer tensor', () => {
  it('is refused where the integer dtype would lose it, as NumPy refuses W[idx] += 0.5 (it was truncated to 0: nothing written)', () => {
    const W = sym.shared(sym.array([[1, 1], [2, 2]], { dtype: 'int64' }), { name: 'W' });
    const i = T.ivector('i');
    expect(() => T.incSubtensor(W.get(i), 0.5)).toThrow("incSubtensor: cannot write 0.5 into W (int64) without losing data (NumPy refuses it too); write an integer, or make W a float tensor");
    expect(() => T.setSubtensor(W.get(T.slice(0, 1)), NaN)).toThrow(/setSubtensor: cannot write NaN into W \(int64\)/);
    const b = T.bvector('b');
    expect(() => T.setSubtensor(b.get(0), 300)).toThrow(/setSubtensor: cannot write 300 into b \(int8\) without losing data \(NumPy refuses it too\)/);
    // NumPy's W[0] = 0.5 truncates to 0 without a word; sym refuses it, and says what NumPy does
    expect(() => T.setSubtensor(W.get(0), 0.5)).toThrow('setSubtensor: cannot write 0.5 into W (int64) without losing data (NumPy would truncate it silently); write an integer, or make W a float tensor');
  });
  it('is written where it fits', async () => {
    const W = sym.shared(sym.array([[1, 1], [2, 2]], { dtype: 'int64' }), { name: 'W' });
    const i = T.ivector('i');
    await sym.function([i], [], { updates: [[W, T.incSubtensor(W.get(i), 3)]] })([1, 1]);
    expect(W.getValue().toArray()).toEqual([[1, 1], [8, 8]]);
    const x = T.dvector('x');
    expect((await sym.function([x], T.incSubtensor(x.get(T.slice(0, 1)), 0.5))([1, 2])).toArray()).toEqual([1.5, 2]);
    const b = T.bvector('b');
    expect((await sym.function([b], T.setSubtensor(b.get(0), -128))([1, 2])).toArray()).toEqual([-128, 2]);
  });
});
