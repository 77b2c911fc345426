/**
 * Shape inference names its operands only to report a mismatch: a
 * constant's name prints its value (a 2048-element array formatted at every
 * elementwise node that graph rewriting builds cost W6's first call up to
 * 20 ms), so a shape that checks out formats none.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { T, sym } from './helpers.js';

describe('shape inference names operands only for an error', () => {
  afterEach(() => vi.restoreAllMocks());

  it('elementwise and join nodes over a big constant print nothing', () => {
    const printed = vi.spyOn(sym.NDArray.prototype, 'toString');
    const c = T.constant(sym.NDArray.zeros([32, 64], 'float32'));
    const x = T.fmatrix('x');
    const y = x.add(c).mul(2);
    const j = T.concatenate([c, y]);
    expect(j.owner!.op.inferShape([[32, 64], [32, 64]], j.owner!)).toEqual([[64, 64]]);
    expect(y.owner!.op.inferShape([[32, 64], []], y.owner!)).toEqual([[32, 64]]);
    expect(printed).not.toHaveBeenCalled();
  });

  it('still names both operands when the shapes do not match', () => {
    const a = T.fmatrix('a');
    const b = T.fmatrix('b');
    const sum = a.add(b);
    expect(() => sum.owner!.op.inferShape([[2, 3], [2, 4]], sum.owner!)).toThrow('shapes do not match at dimension 1: a has shape (2, 3) (broadcastable (False, False)) and b has shape (2, 4)');
    const joined = T.concatenate([a, b]);
    expect(() => joined.owner!.op.inferShape([[2, 3], [2, 4]], joined.owner!)).toThrow('Join{axis=0}: b has length 4 along axis 1, but a has 3; only axis 0 may differ');
  });
});
