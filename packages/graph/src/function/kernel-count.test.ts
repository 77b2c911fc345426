/**
 * `kernelCount` of a call whose minibatch window NumPy cuts short (the last
 * partial batch, its start found on the host) counts the program that call
 * runs, the function of windows taking their length from the values
 * (function.ts `#partialWindows`, host ops finding the bounds: counted by
 * running those on the host), not the whole window's program.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { T, cpu, sym } from '../../test/helpers.js';

// 10 rows of 2
const X = sym.array(
  Array.from({ length: 10 }, (_, r) => [r, 10 * r]),
  { dtype: 'float64' },
);

/** Kernels a call launched. */
function launches(call: () => unknown): number {
  const run = vi.spyOn(cpu, 'run');
  try {
    call();
    return run.mock.calls.reduce((n, [ls]) => n + ls.length, 0);
  } finally {
    run.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('kernelCount of a partial minibatch window', () => {
  const x = T.dmatrix('x');
  const i = T.lscalar('i');
  const bs = 4;

  it('counts the kernels the call launches, whole windows and the partial last one', () => {
    const batch = x.get(T.slice(i.mul(bs), i.add(1).mul(bs)));
    const f = sym.function([x, i], [batch.sum(0), T.tanh(batch).mean()]);
    for (const at of [0, 1, 2, 3]) {
      f.sync(X, at);
      expect(f.compiled.kernelCount(X, at), `batch ${at}`).toBe(launches(() => f.sync(X, at)));
    }
    // past the end (X[12:16], empty) the call's program has fewer kernels than the whole window's
    expect(f.compiled.kernelCount(X, 3)).toBeLessThan(f.compiled.kernelCount(X, 0));
  });

  it('with updates: the steps of the partial and the empty batch', () => {
    const W = sym.shared(sym.array([0.5, -0.25], { dtype: 'float64' }), { name: 'W' });
    const batch = x.get(T.slice(i.mul(bs), i.add(1).mul(bs)));
    const cost = T.sqr(T.dot(batch, W)).mean();
    const f = sym.function([x, i], cost, { updates: [[W, W.sub(T.dot(batch.T, T.dot(batch, W)).mul(0.001))]] });
    for (const at of [2, 0, 3]) {
      f.sync(X, at);
      expect(f.compiled.kernelCount(X, at), `batch ${at}`).toBe(launches(() => f.sync(X, at)));
    }
  });
});

describe('kernelCount of a function with ops on the host', () => {
  it('counts the kernels where those ops read only inputs and lengths (run on the host to find the later shapes)', () => {
    const [x, c] = [T.dmatrix('x'), T.bvector('c')];
    const nz = sym.function([x], T.nonzero(x).map((v) => v.mul(2)));
    const picked = sym.function([c, x], T.extraOps.compress(c, x, 0).sum(1));
    const mask = sym.array([1, 0, 1, 1, 0, 0, 0, 0, 1, 1], { dtype: 'int8' });
    expect(nz.compiled.kernelCount(X)).toBe(launches(() => nz.sync(X)));
    expect(picked.compiled.kernelCount(mask, X)).toBe(launches(() => picked.sync(mask, X)));
    expect(picked.compiled.kernelCount(mask, X)).toBeGreaterThan(0);
    // a Print or an asOp is not run to count (it would print, or call the user's function)
    const log = vi.fn();
    expect(() => sym.function([x], sym.Print('x', { log })(x).mul(2)).compiled.kernelCount(X)).toThrow(/kernelCount: an op of the graph/);
    expect(log).not.toHaveBeenCalled();
    // a host op reading a computed value: only a call finds its kernels
    expect(() => sym.function([x], x.get(x.gt(0))).compiled.kernelCount(X)).toThrow(/kernelCount: an op of the graph \(nonzero, unique, \.\.\.\) runs on the host/);
  });
});
