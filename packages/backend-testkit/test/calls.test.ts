/**
 * The cases of several calls (index bounds, host stages, minibatch windows, scan until, ctc): the reference gives
 * the NumPy and hand-computed values the gpu.js and WebGPU tests they came from asserted, and the runner fails a
 * call that returns where it must raise and a shared variable left at another value.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { DTYPES, array, registerBackend, type NDArray } from '@sym/graph';
import { InterpreterBackend } from './interpreter.js';
import { runCase, type OpCase } from '../src/case.js';
import { evaluateReference } from '../src/reference.js';
import { caseRng } from '../src/rng.js';
import { defaultTolerance } from '../src/tolerance.js';
import { conformanceCases } from '../src/suite.js';
import { CTC_COSTS } from '../src/cases/scan-until.js';

const cases = conformanceCases(DTYPES).cases;
const named = (start: string): OpCase => {
  const c = cases.find((k) => k.name.startsWith(start));
  if (!c) throw new Error(`no case ${start}`);
  return c;
};
/** The reference's outputs at the case's first call. */
const reference = (c: OpCase): NDArray[] => {
  const values = c.graph.values(caseRng(1, c.name));
  for (const u of c.graph.updates ?? []) u.shared.setValue(u.initial);
  return evaluateReference(c.graph.outputs, new Map(c.graph.inputs.map((v, i) => [v, values[i]!])));
};

describe('cases of several calls: the reference', () => {
  it("gives ctc NumPy's float64 costs (+inf where no alignment fits) and a zero gradient there", () => {
    const [cost, g] = reference(named('ctc float32: 30 steps'));
    CTC_COSTS.forEach((c, b) => (Number.isFinite(c) ? expect(Math.abs(cost!.data[b]! - c)).toBeLessThan(1e-5 * c) : expect(cost!.data[b]).toBe(c)));
    expect(Array.from(g!.data).every(Number.isFinite)).toBe(true);
    for (let k = 0; k < g!.size; k++) if (Math.floor(k / 6) % 4 === 3) expect(g!.data[k]).toBe(0);
  });

  it("gives Theano's powers of 2 up to 45 and 3 Newton steps for sqrt(2)", () => {
    const [powers, xs] = reference(named('scan until float32'));
    expect(powers!.toArray()).toEqual([2, 4, 8, 16, 32, 64]);
    expect(xs!.shape).toEqual([3]);
    expect(xs!.data[2]).toBeCloseTo(Math.SQRT2, 4);
  });

  it("gives the negative log-likelihood's NumPy value, and NumPy's shapes of masks and value-dependent slices", () => {
    expect(reference(named('index bounds: a label past'))[0]!.data[0]).toBeCloseTo(0.4076059644443804, 5);
    expect(reference(named('host stages: boolean masks')).map((a) => a.shape)).toEqual([[2, 2], [2, 2, 4], [1, 3], [2, 3, 4], [2, 3, 4], [2, 3, 4]]);
    // x[1:] is (2, 4), x[:, 1::1] (3, 3)
    expect(reference(named('host stages: slices')).slice(0, 2).map((a) => a.shape)).toEqual([[2, 4], [3, 3]]);
  });

  it("gives the minibatch step's NumPy values within float32 rounding of the float64 values by hand", () => {
    const c = named('minibatch window: an SGD step');
    const [cost, W] = c.graph.next![0]!.expected!;
    // by hand in float64: W = [0.5, 0.25], then W -= 0.1 * 2 * m.T @ (m @ W) / len(m) on rows 4-7; the cost on rows 8, 9, W after it
    expect(cost!.item()).toBeCloseTo(0.34018812500000006, 6);
    Array.from(W!.data).forEach((w, k) => expect(w).toBeCloseTo([0.337675, -0.07465][k]!, 6));
    // and the first call, a full batch, is the reference's: cost 0.315
    expect(reference(c)[0]!.item()).toBeCloseTo(0.315, 6);
  });
});

describe('cases of several calls: the runner', () => {
  registerBackend(new InterpreterBackend('calls'));
  const ctx = { device: 'calls', seed: 1, tolerance: defaultTolerance, signedZeros: true };
  const step = (): OpCase => {
    const x = sym.T.fvector('x');
    const initial = array([1, 2], { dtype: 'float32' });
    const s = sym.shared(initial, { name: 's' });
    return { group: 'indexing', name: 'step', op: 'add', dtype: 'float32', graph: { inputs: [x], outputs: [x.get(0)], values: () => [array([1, 2], { dtype: 'float32' })], updates: [{ shared: s, initial, value: s.add(x) }] } };
  };

  it('passes a backend doing what the case says', async () => {
    const c = step();
    await runCase({ ...c, graph: { ...c.graph, next: [{ values: [array([5, 6], { dtype: 'float32' })] }, { values: [array([], { dtype: 'float32' })], raises: 'index 0' }] } }, ctx);
  });

  it('fails a call that returns where it must raise, one raising other words, and a shared variable not at its expected value', async () => {
    const c = step();
    const x = array([1, 2], { dtype: 'float32' });
    await expect(runCase({ ...c, graph: { ...c.graph, next: [{ values: [x], raises: 'out of bounds' }] } }, ctx)).rejects.toThrow(/step \(call 2 of 2, async\): expected the call to raise out of bounds; it returned values/);
    await expect(runCase({ ...c, graph: { ...c.graph, next: [{ values: [array([], { dtype: 'float32' })], raises: 'no such words' }] } }, ctx)).rejects.toThrow(/expected the call to raise no such words; it raised\n {2}.*index 0/);
    await expect(runCase({ ...c, graph: { ...c.graph, next: [{ values: [x], expected: [array(1, { dtype: 'float32' }), array([9, 9], { dtype: 'float32' })] }] } }, ctx)).rejects.toThrow(/step: shared s updated \(call 2 of 2, async\): 2 of 2 elements/);
  });
});
