/**
 * Two functions whose kernels differ only in an infinite constant each run
 * their own kernel: the backend's cache of compiled kernels is keyed by
 * `kernelKey`, whose JSON wrote both infinities as null, so the second
 * function ran the first one's kernel (minimum(x, -inf) gave x).
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import './index.js';

const T = sym.T;

describe('cpu: compiled-kernel cache', () => {
  it('keeps kernels apart that differ only in an infinite constant', async () => {
    const x = T.dvector('x');
    const up = sym.function([x], T.minimum(x, Infinity));
    const down = sym.function([x], T.minimum(x, -Infinity));
    expect(Array.from((await up([1, 2])).data)).toEqual([1, 2]);
    expect(Array.from((await down([1, 2])).data)).toEqual([-Infinity, -Infinity]);
  });
});
