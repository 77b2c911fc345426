/**
 * A scan's step is rewritten with the function's rewrites: stabilised where
 * the written form overflows, and left alone when the mode excludes them.
 */
import { describe, expect, it } from 'vitest';
import { Scan } from '@sym/graph';
import { optimizeGraph } from '../src/index.js';
import { opNames, sym, T, values } from './helpers.js';

type V = sym.TensorVariable;

describe("rewriting a scan's step", () => {
  const x = T.dvector('x');
  // log(sigmoid(x)) overflows to -inf at x = -800; stabilize rewrites it to -softplus(-x)
  const [logp] = sym.scan((xt: V) => T.log(T.sigmoid(xt)), { sequences: x });

  it('runs the same phases on the step as on the outer graph (the step is stabilised)', () => {
    const report = optimizeGraph([logp]);
    const scan = report.outputs[0]!.owner!.op as Scan;
    expect(scan).toBeInstanceOf(Scan);
    expect(opNames(scan.inner.outputs)).not.toContain('Elemwise{log,no_inplace}');
    expect(opNames(scan.inner.outputs).join(' ')).toMatch(/softplus/);
    // the scan the user built keeps its own step
    expect(opNames((logp.owner!.op as Scan).inner.outputs)).toContain('Elemwise{log,no_inplace}');
  });

  it('gives finite values where the written step overflows, and the written values without the rewrites', async () => {
    const opt = sym.function([x], logp);
    const plain = sym.function([x], logp, { optimizer: { excluding: ['fast_run'] } });
    expect(values(await opt([-800, 0]))[0]).toEqual([-800, Math.log(0.5)]);
    expect(values(await plain([-800, 0]))[0]![0]).toBe(-Infinity);
  });
});

describe('a scan read only at its last step keeps only the last step', () => {
  const X = T.dtensor3('X');
  const W = T.dmatrix('W');
  const h0 = T.dmatrix('h0');
  const [hs] = sym.scan((x: V, h: V) => T.tanh(T.dot(h, W).add(x)), { sequences: X, outputsInfo: h0 });
  const last = hs.get(-1);
  const xs = sym.fill([12, 2, 3], 'float64', (i) => Math.sin(i));
  const ws = sym.fill([3, 3], 'float64', (i) => Math.cos(i) / 3);
  const hs0 = sym.fill([2, 3], 'float64', (i) => i / 10);

  it("rewrites hs.get(-1) to a scan keeping the last state: same values, no stacking kernels (Theano's scan_save_mem)", async () => {
    const [rewritten] = optimizeGraph([last]).outputs;
    expect((rewritten!.owner!.op as Scan).keep).toEqual(['last']);
    const opt = sym.function([X, W, h0], last);
    const plain = sym.function([X, W, h0], last, { optimizer: { excluding: ['scan_keep_last'] } });
    expect(values(await opt(xs, ws, hs0))).toEqual(values(await plain(xs, ws, hs0)));
    expect(opt.compiled.kernelCount(xs, ws, hs0)).toBeLessThan(plain.compiled.kernelCount(xs, ws, hs0));
  });

  it('keeps hs.get(-1) of a loop of no steps the index error it is without the rewrite, naming hs alike (the kept state would hold h0)', async () => {
    const [rewritten] = optimizeGraph([last]).outputs;
    expect((rewritten!.owner!.op as Scan).lastIndexed.map((l) => l.state)).toEqual([0]);
    const empty = sym.fill([0, 2, 3], 'float64', () => 0);
    const opt = sym.function([X, W, h0], last);
    const plain = sym.function([X, W, h0], last, { mode: 'FAST_COMPILE' });
    const message = 'Subtensor{-1}: index -1 is out of bounds for axis 0 with size 0, indexing Scan(X, h0, W) of shape (0, 2, 3)';
    await expect(plain(empty, ws, hs0)).rejects.toThrow(message);
    await expect(opt(empty, ws, hs0)).rejects.toThrow(message);
    // Theano's A ** k with k = 0 steps: n_steps an input; both modes raise NumPy's error, naming the stack alike
    const k = T.iscalar('k');
    const A = T.dvector('A');
    const [powers] = sym.scan((prior: V, a: V) => prior.mul(a), { outputsInfo: T.onesLike(A), nonSequences: A, nSteps: k });
    const power = sym.function([A, k], powers.get(-1));
    const powerUnoptimized = sym.function([A, k], powers.get(-1), { mode: 'FAST_COMPILE' });
    expect(values(await power([2, 3], 2))).toEqual([[4, 9]]);
    const powerMessage = 'Subtensor{-1}: index -1 is out of bounds for axis 0 with size 0, indexing Scan(second(A, 1), A, k) of shape (0, 2)';
    await expect(power([2, 3], 0)).rejects.toThrow(powerMessage);
    await expect(powerUnoptimized([2, 3], 0)).rejects.toThrow(powerMessage);
  });

  it('leaves a scan whose steps are read elsewhere (by its gradient, or as the whole sequence) alone', () => {
    const both = optimizeGraph([last, hs.sum()]).outputs;
    expect((both[0]!.owner!.inputs[0]!.owner!.op as Scan).keep).toEqual(['all']);
  });
});

