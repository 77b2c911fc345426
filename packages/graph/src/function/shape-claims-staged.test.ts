/**
 * Shape claims the rewrites fold away where the function's own rewrite
 * does not see them: inside a scan's step (rewritten apart, by opt's engine
 * or as a host loop's step function) and in a function cut into host stages
 * (nonzero, Print in a step: each stage is a function rewritten again from
 * the rewritten graph). FAST_RUN folded such a claimed length into a
 * constant and returned it for a value of another length, where
 * FAST_COMPILE raised; now both raise, once per program, the kernels only
 * the claims need dropped.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { T, cpu, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const MODES = ['FAST_RUN', 'FAST_COMPILE'] as const;
const f64 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float64' });
const filled = (shape: number[], v = 1) => sym.array(new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(v), { dtype: 'float64' }).reshape(shape);
const zero = () => T.constant(0, { dtype: 'float64' });
const values = (r: sym.NDArray | sym.NDArray[]) => (Array.isArray(r) ? r : [r]).map((a) => a.toArray());

/** Kernel launches of a call (every stage's and every step's). */
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

describe("a claim inside a scan's step", () => {
  it.each(MODES)('%s: a claimed length of a row read alone is checked (was the claimed length in FAST_RUN)', async (mode) => {
    const x = T.matrix('x');
    const [lengths] = sym.scan((row: V) => T.specifyShape(row.mul(2), [2]).shape[0]!, { sequences: x });
    const f = sym.function([x], lengths as V, { mode });
    const error = 'specifyShape: (x[t] * 2) has shape (3,), but the shape specified is (2,)';
    expect(() => f.sync(filled([3, 3]))).toThrow(error);
    await expect(f(filled([3, 3]))).rejects.toThrow(error);
    expect(values(f.sync(filled([3, 2])))).toEqual([[2, 2, 2]]);
    // a loop of no steps: the step's shapes (a row's) are still those of its rows, as the stacked result's
    expect(() => f.sync(filled([0, 3]))).toThrow(error);
    expect(values(f.sync(filled([0, 2])))).toEqual([[]]);
  });

  it.each(MODES)('%s: a claim on a state and on a non-sequence, with n_steps', (mode) => {
    const h0 = T.dvector('h0');
    const w = T.dvector('w');
    const n = T.iscalar('n');
    const [hs] = sym.scan((h: V, wt: V) => h.add(wt).mul(T.specifyShape(h.mul(wt), [2]).shape[0]!), { outputsInfo: h0, nonSequences: w, nSteps: n });
    const f = sym.function([h0, w, n], hs as V, { mode });
    expect(() => f.sync([1, 2, 3], [1, 1, 1], 2)).toThrow('specifyShape: (h0[t-1] * w) has shape (3,), but the shape specified is (2,)');
    expect(values(f.sync([1, 2], [1, 1], 2))).toEqual([[[4, 6], [10, 14]]]);
  });

  it('FAST_RUN: a claim that holds costs no kernel, and a lying one changes no shared variable', () => {
    const x = T.matrix('x');
    const total = sym.shared(f64(0), { name: 'total' });
    const step = (claim: boolean) => (row: V) => T.tanh(row).sum().mul(claim ? T.specifyShape(row.mul(2), [2]).shape[0]! : 2);
    const fns = [true, false].map((claim) => {
      const [ys] = sym.scan(step(claim), { sequences: x });
      return sym.function([x], ys as V, { updates: [[total, total.add((ys as V).sum())]] });
    });
    const [claimed, plain] = fns as [sym.SymFunction, sym.SymFunction];
    const kernels = launches(() => claimed.sync(filled([4, 2])));
    expect(kernels).toBeGreaterThan(0);
    expect(kernels).toBe(launches(() => plain.sync(filled([4, 2]))));
    expect(claimed.compiled.kernelCount(filled([4, 2]))).toBe(plain.compiled.kernelCount(filled([4, 2])));
    const before = Number(total.getValue());
    expect(() => claimed.sync(filled([4, 3]))).toThrow('specifyShape: (x[t] * 2) has shape (3,), but the shape specified is (2,)');
    expect(Number(total.getValue())).toBe(before);
  });

  it.each(MODES)('%s: in a step run on the host (a Print in it), checked before the loop runs', (mode) => {
    const lines: string[] = [];
    const x = T.dmatrix('x');
    const [sums] = sym.scan((row: V, h: V) => sym.Print('h', { log: (l) => lines.push(l) })(h.add(row.sum().mul(T.specifyShape(row.mul(2), [2]).shape[0]!))), {
      sequences: x,
      outputsInfo: zero(),
    });
    const f = sym.function([x], sums as V, { mode });
    expect(() => f.sync(filled([2, 3]))).toThrow('specifyShape: (x[t] * 2) has shape (3,), but the shape specified is (2,)');
    expect(lines).toEqual([]);
    expect(values(f.sync(filled([2, 2])))).toEqual([[4, 8]]);
    expect(lines).toEqual(['h __str__ = 4.0', 'h __str__ = 8.0']);
  });
});

describe('a claim in a function cut into host stages', () => {
  it.each(MODES)('%s: a claim folded out of the outputs, on an input computation (checked by the first stage)', async (mode) => {
    const v = T.dvector('v');
    const f = sym.function([v], [T.nonzero(v)[0]!, T.specifyShape(v.mul(2), [2]).shape[0]!], { mode });
    const error = 'specifyShape: (v * 2) has shape (3,), but the shape specified is (2,)';
    expect(() => f.sync([1, 0, 2])).toThrow(error);
    await expect(f([1, 0, 2])).rejects.toThrow(error);
    expect(values(f.sync([0, 2]))).toEqual([[1], 2]);
  });

  it.each(MODES)("%s: a claim on a host op's result, read only through its length, is checked in the stage after it", async (mode) => {
    const v = T.dvector('v');
    const f = sym.function([v], T.specifyShape(T.nonzero(v)[0]!.mul(2), [2]).shape[0]!, { mode });
    // was 2 in FAST_RUN (the claim was not checked), an error in FAST_COMPILE
    expect(() => f.sync([1, 1, 2])).toThrow('specifyShape: (nonzero(v)[0] * 2) has shape (3,), but the shape specified is (2,)');
    await expect(f([1, 1, 2])).rejects.toThrow('has shape (3,), but the shape specified is (2,)');
    expect(Number(f.sync([1, 0, 2]))).toBe(2);
  });

  it('FAST_RUN: a claim that holds costs no kernel, and a lying one changes no shared variable', () => {
    const v = T.dvector('v');
    const total = sym.shared(f64(0), { name: 'total' });
    const make = (claim: boolean) => {
      const nz = T.nonzero(v)[0]!;
      const picked = v.get(nz);
      const scale = claim ? T.specifyShape(T.exp(picked), [2]).shape[0]! : 2;
      return sym.function([v], picked.sum().mul(scale), { updates: [[total, total.add(picked.sum())]] });
    };
    const [claimed, plain] = [make(true), make(false)];
    const kernels = launches(() => claimed.sync([1, 0, 2]));
    expect(kernels).toBeGreaterThan(0);
    expect(kernels).toBe(launches(() => plain.sync([1, 0, 2])));
    const before = Number(total.getValue());
    expect(() => claimed.sync([1, 1, 2])).toThrow('specifyShape: exp(v[nonzero(v)[0]]) has shape (3,), but the shape specified is (2,)');
    expect(Number(total.getValue())).toBe(before);
  });
});
