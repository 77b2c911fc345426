/**
 * scan's nSteps given as a number must be a non-negative integer: 2.5 ran
 * two steps, and NaN or Infinity none, without a word (Theano refuses a
 * float n_steps).
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

type V = sym.TensorVariable;

describe('scan: nSteps as a number', () => {
  it('refuses one that is not a non-negative integer, naming it', () => {
    for (const n of [2.5, NaN, Infinity, -1]) {
      expect(() => sym.scan((a: V) => a.add(1), { outputsInfo: [T.zeros([1])], nSteps: n })).toThrow(
        `scan: nSteps must be a non-negative integer (a number) or an integer scalar, got ${n}`,
      );
    }
  });
  it('takes 0 and integers', () => {
    const [s] = sym.scan((a: V) => a.add(1), { outputsInfo: [T.zeros([1], 'float64')], nSteps: 3 });
    expect((sym.function([], s).sync() as sym.NDArray).toArray()).toEqual([[1], [2], [3]]);
    const [e] = sym.scan((a: V) => a.add(1), { outputsInfo: [T.zeros([1], 'float64')], nSteps: 0 });
    expect((sym.function([], e).sync() as sym.NDArray).shape).toEqual([0, 1]);
  });
});
