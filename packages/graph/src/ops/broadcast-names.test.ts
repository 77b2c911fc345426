// A broadcasting error begins with the expression as the user wrote it, (a + b), not the op's name Elemwise{add,no_inplace}.
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

describe('elementwise shape errors', () => {
  it('begin with the expression, then name each operand with its shape', async () => {
    const a = T.matrix('a');
    const b = T.vector('b');
    const f = sym.function([a, b], T.add(a, b));
    await expect(f([[1, 2, 3], [4, 5, 6]], [1, 2, 3, 4])).rejects.toThrow(
      '(a + b): shapes do not match at dimension 1: a has shape (2, 3) (broadcastable (False, False)) and b has shape (4,) (broadcastable (False,)).',
    );
    // an operand computed from others is written out, in the prefix as in the rest
    const g = sym.function([a, b], T.exp(a).mul(b).add(1));
    await expect(g([[1, 2, 3]], [1, 2])).rejects.toThrow(/^\(exp\(a\) \* b\): shapes do not match at dimension 1: exp\(a\) has shape \(1, 3\)/);
  });

  it('write the expression even when its result has a name, and one-value constants by their value', () => {
    const x = T.vector('x');
    const y = x.add(T.constant([1, 2, 3]));
    y.name = 'y';
    expect(() => y.mul(T.constant([1, 2])).mul(2)).toThrow(/^\(y \* TensorConstant\{\[1 2\]\}\): shapes do not match at dimension 0: y has shape \(3,\)/);
    expect(() => T.clip(T.constant([1, 2, 3]), T.constant([0, 0]), 5)).toThrow(/^clip\(TensorConstant\{\[1 2 3\]\}, TensorConstant\{\[0 0\]\}, 5\): shapes do not match/);
  });
});
