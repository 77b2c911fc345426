import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import { describe, expect, it } from 'vitest';
import { RecordingStreams, centralDifferences as differencesOf, replayUniforms } from './test-support.js';
import { RnnRbm } from './rnnrbm.js';

type Vec = number[];
type Matrix = number[][];

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
/** x M for a row x and a matrix M. */
const vecMat = (x: Vec, M: Matrix): Vec => M[0]!.map((_, j) => x.reduce((s, xi, i) => s + xi * M[i]![j]!, 0));
/** x Mᵀ. */
const vecMatT = (x: Vec, M: Matrix): Vec => M.map((row) => row.reduce((s, m, j) => s + m * x[j]!, 0));
const add = (a: Vec, b: Vec): Vec => a.map((x, i) => x + b[i]!);
const maxDiff = (a: Vec, b: Vec): number => Math.max(0, ...a.map((x, i) => Math.abs(x - b[i]!)));
const expectClose = (a: Vec, b: Vec, tol = 1e-12): void => {
  expect(a.length).toBe(b.length);
  expect(maxDiff(a, b)).toBeLessThan(tol);
};
const flat = (a: sym.NDArray): Vec => Array.from(a.toArray() as unknown as ArrayLike<number>).flat(3) as Vec;
const rowsOf = (a: sym.NDArray): Matrix => a.toArray() as Matrix;
const stepsOf = (a: sym.NDArray): Matrix[] => a.toArray() as Matrix[];

interface Params {
  W: Matrix;
  bv: Vec;
  bh: Vec;
  Wuh: Matrix;
  Wuv: Matrix;
  Wvu: Matrix;
  Wuu: Matrix;
  bu: Vec;
}
const NAMES = ['W', 'bv', 'bh', 'Wuh', 'Wuv', 'Wvu', 'Wuu', 'bu'] as const;
const paramsOf = (m: RnnRbm): Params => Object.fromEntries(NAMES.map((n, i) => [n, m.graph.params[i]!.getValue().toArray()])) as unknown as Params;

/** The recurrence: u_t, and bv_t, bh_t from u_{t-1} (u_0 = 0). */
function recurrence(p: Params, roll: Matrix): { u: Matrix; bv: Matrix; bh: Matrix } {
  let u = p.bu.map(() => 0);
  const out = { u: [] as Matrix, bv: [] as Matrix, bh: [] as Matrix };
  for (const v of roll) {
    out.bv.push(add(p.bv, vecMat(u, p.Wuv)));
    out.bh.push(add(p.bh, vecMat(u, p.Wuh)));
    u = add(add(p.bu, vecMat(v, p.Wvu)), vecMat(u, p.Wuu)).map(Math.tanh);
    out.u.push(u);
  }
  return out;
}
const freeEnergy = (p: Params, x: Vec, bv: Vec, bh: Vec): number =>
  -x.reduce((s, xi, i) => s + xi * bv[i]!, 0) - add(vecMat(x, p.W), bh).reduce((s, a) => s + softplus(a), 0);
/** rnnrbm.py's cost with the chain's end `samples` fixed: (F(v) - F(v_sample)) / T, each row with its own biases. */
function referenceCost(p: Params, roll: Matrix, samples: Matrix): number {
  const r = recurrence(p, roll);
  return roll.reduce((s, v, t) => s + freeEnergy(p, v, r.bv[t]!, r.bh[t]!) - freeEnergy(p, samples[t]!, r.bv[t]!, r.bh[t]!), 0) / roll.length;
}
/** The exact negative log-likelihood of the roll: each step's RBM normalised over all 2^nVisible rows. */
function exactNll(p: Params, roll: Matrix): number {
  const r = recurrence(p, roll);
  const n = p.bv.length;
  const all = Array.from({ length: 2 ** n }, (_, c) => Array.from({ length: n }, (_, i) => (c >> i) & 1));
  return roll.reduce((s, v, t) => {
    const logZ = Math.log(all.reduce((z, x) => z + Math.exp(-freeEnergy(p, x, r.bv[t]!, r.bh[t]!)), 0));
    return s + freeEnergy(p, v, r.bv[t]!, r.bh[t]!) + logZ;
  }, 0);
}
/** Central differences of the reference cost for every entry of every parameter, in NAMES order, each flattened. */
function centralDifferences(p: Params, roll: Matrix, samples: Matrix, eps = 1e-6): Vec[] {
  return NAMES.map((name) => {
    const value = p[name];
    const rows = Array.isArray(value[0]) ? (value as Matrix) : [value as Vec];
    return rows.flatMap((row) => differencesOf(row, () => referenceCost(p, roll, samples), eps));
  });
}

/** Binomial draws against their means: 0 or 1, and the standardised sum of (draw - mean) small. */
class SampleCheck {
  bias = 0;
  variance = 0;
  add(draws: Vec, means: Vec): void {
    draws.forEach((d, i) => {
      expect(d === 0 || d === 1).toBe(true);
      this.bias += d - means[i]!;
      this.variance += means[i]! * (1 - means[i]!);
    });
  }
  verify(): void {
    expect(this.variance).toBeGreaterThan(10);
    expect(Math.abs(this.bias) / Math.sqrt(this.variance)).toBeLessThan(4.5);
  }
}

const nVisible = 6;
const nHidden = 5;
const nHiddenRecurrent = 4;
const k = 3;
const steps = 8;
/** A synthetic piano roll: a four-chord progression played twice. */
const chords = [[1, 0, 1, 0, 0, 1], [0, 1, 0, 1, 0, 0], [1, 0, 0, 1, 1, 0], [0, 0, 1, 0, 1, 1]];
const fullRoll: Matrix = Array.from({ length: steps }, (_, t) => chords[t % 4]!);
const model = (lr = 0.1): RnnRbm =>
  new RnnRbm({
    nVisible, nHidden, nHiddenRecurrent, kTrain: k, kGenerate: k, generateSteps: steps, lr,
    // larger than the tutorial's 0.01 and 0.0001 so that every recurrent term shows in the numbers
    scales: { W: 0.5, recurrent: 0.5 }, numpyRng: new sym.RandomState(7), rng: new sym.RandomStreams(11),
  });

describe("Theano's RNN-RBM (rnnrbm.py)", () => {
  it('training mode, on rolls of 8, 1 and 5 steps through one function: u_t, bv_t, bh_t, the Gibbs chain, the monitor and the cost match a float64 reference from the drawn samples; the gradients of every parameter match central differences with the chain end fixed', async () => {
    const m = model();
    const g = m.graph;
    const { rbm } = g.train;
    const f = sym.function([g.v], [g.train.uT, g.train.bvT, g.train.bhT, rbm.chain.meanH, rbm.chain.h, rbm.chain.meanV, rbm.chain.v, rbm.vSample,
      rbm.monitorStep.meanH, rbm.monitorStep.h, rbm.monitorStep.meanV, g.cost, g.monitor, ...m.gradient]);
    const p = paramsOf(m);
    const samples = new SampleCheck();
    // the tutorial trains on sequence[i:i + batch_size]: one compiled function, rolls of any length (the last one short)
    for (const roll of [fullRoll, fullRoll.slice(0, 1), fullRoll.slice(3), fullRoll]) {
      const steps = roll.length;
      const ref = recurrence(p, roll);
      const [uT, bvT, bhT, meanH, h, meanV, vChain, vSample, monMeanH, monH, monMeanV, cost, monitor, ...grads] = await f(roll);
      expectClose(flat(uT!), ref.u.flat());
      expectClose(flat(bvT!), ref.bv.flat());
      expectClose(flat(bhT!), ref.bh.flat());
      const [mh, hs, mv, vs] = [meanH!, h!, meanV!, vChain!].map(stepsOf);
      expect(vs!.length).toBe(k);
      let v = roll;
      for (let s = 0; s < k; s++) {
        expectClose(mh![s]!.flat(), v.flatMap((row, t) => add(vecMat(row, p.W), ref.bh[t]!).map(sigmoid)));
        expectClose(mv![s]!.flat(), hs![s]!.flatMap((row, t) => add(vecMatT(row, p.W), ref.bv[t]!).map(sigmoid)));
        samples.add(hs![s]!.flat(), mh![s]!.flat());
        samples.add(vs![s]!.flat(), mv![s]!.flat());
        v = vs![s]!;
      }
      expect(rowsOf(vSample!)).toEqual(v);
      // the monitor's half step draws its own hidden sample from the chain's end
      expectClose(flat(monMeanH!), v.flatMap((row, t) => add(vecMat(row, p.W), ref.bh[t]!).map(sigmoid)));
      const mean = rowsOf(monH!).map((row, t) => add(vecMatT(row, p.W), ref.bv[t]!).map(sigmoid));
      expectClose(flat(monMeanV!), mean.flat());
      samples.add(flat(monH!), flat(monMeanH!));
      const crossEntropy = roll.reduce((s, row, t) => s + row.reduce((a, x, i) => a + (x === 1 ? Math.log(mean[t]![i]!) : Math.log(1 - mean[t]![i]!)), 0), 0) / steps;
      expect(Math.abs(monitor!.item() - crossEntropy)).toBeLessThan(1e-12);
      expect(Math.abs(cost!.item() - referenceCost(p, roll, v))).toBeLessThan(1e-12);
      const numeric = centralDifferences(p, roll, v);
      grads.forEach((gr, i) => {
        const expected = numeric[i]!;
        expectClose(flat(gr), expected, 1e-8);
        // every parameter's gradient shows, but with one step u_0 = 0 reaches no bias and u_1 no cost: the recurrent weights get none
        if (steps > 1 || i < 3) expect(Math.max(...expected.map(Math.abs)), NAMES[i]).toBeGreaterThan(1e-3);
        else expect(Math.max(...flat(gr).map(Math.abs)), NAMES[i]).toBe(0);
      });
    }
    samples.verify();
  });

  it('SGD: each train_function call moves every parameter by -lr times the gradient from its own chain end, and a few steps lower the exact negative log-likelihood of a repeated pattern', async () => {
    const lr = 0.1;
    const m = model(lr);
    const g = m.graph;
    // train_function's updates, with the chain's end taken as an output to check the step
    const step = sym.function([g.v], [g.monitor, g.vSample], { updates: m.trainUpdates });
    const p = paramsOf(m);
    const roll = fullRoll;
    const [, vSample] = await step(roll);
    const numeric = centralDifferences(p, roll, rowsOf(vSample!));
    const after = paramsOf(m);
    NAMES.forEach((name, i) => {
      const before = [p[name]].flat(2);
      expectClose([after[name]].flat(2), before.map((x, j) => x - lr * numeric[i]![j]!), 1e-9);
    });
    const nll0 = exactNll(paramsOf(m), roll);
    for (let i = 0; i < 30; i++) await m.trainFunction(roll);
    const nll1 = exactNll(paramsOf(m), roll);
    expect(nll1).toBeLessThan(nll0 - 5);
  });

  it("draws from the generators: every sample of training's Gibbs chain and monitor, and of generation's nested chain, is its generator's float64 uniforms (replayed from a copy taken before the call) below its mean; each call moves the generators it drew from past exactly those and leaves the unused draws' alone; scan returns no updates for draws alone", async () => {
    const rng = new RecordingStreams(11);
    const m = new RnnRbm({ nVisible, nHidden, nHiddenRecurrent, kTrain: k, kGenerate: k, generateSteps: steps, lr: 0.1, scales: { W: 0.5, recurrent: 0.5 }, numpyRng: new sym.RandomState(7), rng });
    const g = m.graph;
    // Theano's scans return the generators' updates; sym's functions move the generators themselves
    expect(g.updatesTrain).toEqual([]);
    expect(g.updatesGenerate).toEqual([]);
    expect(m.trainUpdates.map(([p]) => p)).toEqual(g.params);
    // training's RBM: the chain's h and v, the monitor's h and its unused v; then generation's RBM, the same four
    expect(rng.draws.length).toBe(8);
    const below = (means: sym.NDArray, u: ArrayLike<number>): number[] => Array.from(means.data as Float64Array, (mean, i) => (u[i]! < mean ? 1 : 0));
    const { rbm } = g.train;
    const trainStep = sym.function([g.v], [rbm.chain.meanH, rbm.chain.h, rbm.chain.meanV, rbm.chain.v, rbm.monitorStep.meanH, rbm.monitorStep.h], { updates: m.trainUpdates });
    for (const roll of [fullRoll, fullRoll.slice(2, 5)]) {
      const rngs = rng.draws.map((d) => d.rng.getValue());
      const [meanH, h, meanV, v, monitorMeanH, monitorH] = await trainStep(roll);
      const n = roll.length;
      // (Gibbs step, time step, unit): the scan's steps read one generator's numbers in turn
      expect(h!.shape).toEqual([k, n, nHidden]);
      expect(Array.from(h!.data)).toEqual(below(meanH!, replayUniforms(rngs[0]!, k * n * nHidden, 'float64')));
      expect(Array.from(v!.data)).toEqual(below(meanV!, replayUniforms(rngs[1]!, k * n * nVisible, 'float64')));
      expect(Array.from(monitorH!.data)).toEqual(below(monitorMeanH!, replayUniforms(rngs[2]!, n * nHidden, 'float64')));
      rng.draws.forEach((d, i) => expect(d.rng.getValue().getState(), `draw ${i}`).toEqual(rngs[i]!.getState()));
    }
    const gen = g.generate;
    const generate = sym.function([], [gen.meanH, gen.h, gen.meanV, gen.vChain], { updates: g.updatesGenerate });
    const rngs = rng.draws.map((d) => d.rng.getValue());
    const [meanH, h, meanV, v] = await generate();
    // (time step, Gibbs step, unit): the inner scan's draws follow one another across the outer scan's steps
    expect(Array.from(h!.data)).toEqual(below(meanH!, replayUniforms(rngs[4]!, steps * k * nHidden, 'float64')));
    expect(Array.from(v!.data)).toEqual(below(meanV!, replayUniforms(rngs[5]!, steps * k * nVisible, 'float64')));
    rng.draws.forEach((d, i) => expect(d.rng.getValue().getState(), `draw ${i}`).toEqual(rngs[i]!.getState()));
  });

  it('generation mode: a nested Gibbs scan per time step gives binary rolls of the right shape; the biases, the recurrence and the inner chain match the reference from the drawn samples, and the draws differ step to step and call to call', async () => {
    const m = model();
    const g = m.graph;
    const gen = g.generate;
    const f = sym.function([], [g.vT, gen.uT, gen.bvT, gen.bhT, gen.meanH, gen.h, gen.meanV, gen.vChain], { updates: g.updatesGenerate });
    const p = paramsOf(m);
    const samples = new SampleCheck();
    const rolls: Matrix[] = [];
    const firstHidden: Matrix = [];
    for (let call = 0; call < 3; call++) {
      const [vT, uT, bvT, bhT, meanH, h, meanV, vChain] = await f();
      expect(vT!.shape).toEqual([steps, nVisible]);
      expect(h!.shape).toEqual([steps, k, nHidden]);
      const generated = rowsOf(vT!);
      rolls.push(generated);
      const ref = recurrence(p, generated);
      expectClose(flat(uT!), ref.u.flat());
      expectClose(flat(bvT!), ref.bv.flat());
      expectClose(flat(bhT!), ref.bh.flat());
      const [mh, hs, mv, vs] = [meanH!, h!, meanV!, vChain!].map((a) => a.toArray() as Matrix[]);
      for (let t = 0; t < steps; t++) {
        let v = new Array<number>(nVisible).fill(0); // the chain starts from zeros
        for (let s = 0; s < k; s++) {
          expectClose(mh![t]![s]!, add(vecMat(v, p.W), ref.bh[t]!).map(sigmoid));
          expectClose(mv![t]![s]!, add(vecMatT(hs![t]![s]!, p.W), ref.bv[t]!).map(sigmoid));
          samples.add(hs![t]![s]!, mh![t]![s]!);
          samples.add(vs![t]![s]!, mv![t]![s]!);
          v = vs![t]![s]!;
        }
        expect(generated[t]).toEqual(v);
        firstHidden.push(hs![t]![0]!);
      }
    }
    samples.verify();
    // the first hidden draw of every step has nearly the same mean (sigmoid(bh_t)); draws that reused one step's random numbers would repeat
    expect(new Set(firstHidden.map((row) => row.join(''))).size).toBeGreaterThan(4);
    expect(new Set(rolls.map((r) => r.flat().join(''))).size).toBe(3);
    // the tutorial's generate_function
    const roll2 = await m.generateFunction();
    expect(roll2.shape).toEqual([steps, nVisible]);
    expect(flat(roll2).every((x) => x === 0 || x === 1)).toBe(true);
  });

  it('the gradient through the generation scan (the Gibbs scan and its draws nested in the time scan) matches central differences of the same function with the stream reseeded', async () => {
    const rng = new sym.RandomStreams(5);
    const g = new RnnRbm({ nVisible, nHidden, nHiddenRecurrent, kTrain: k, kGenerate: k, generateSteps: steps, scales: { W: 0.5, recurrent: 0.5 }, numpyRng: new sym.RandomState(2), rng }).graph;
    const gen = g.generate;
    // the draws are constants of the parameters (almost everywhere): only the means and the recurrence carry gradient
    const target = gen.meanV.sum().add(gen.meanH.sum()).add(gen.uT.sum());
    const withGrads = sym.function([], [target, ...grad(target, g.params)]);
    const value = sym.function([], target);
    const seed = 9;
    rng.seed(seed);
    const [t0, ...grads] = await withGrads();
    rng.seed(seed);
    expect((await value()).item()).toBe(t0!.item()); // the same draws after reseeding
    const eps = 1e-6;
    for (const [i, param] of g.params.entries()) {
      const start = param.getValue();
      const entries = flat(start);
      const numeric: number[] = [];
      for (let j = 0; j < entries.length; j++) {
        const at = async (delta: number): Promise<number> => {
          const moved = entries.slice();
          moved[j]! += delta;
          param.setValue(sym.array(moved, { dtype: 'float64' }).reshape(start.shape));
          rng.seed(seed);
          return (await value()).item();
        };
        numeric.push(((await at(eps)) - (await at(-eps))) / (2 * eps));
      }
      param.setValue(start);
      expectClose(flat(grads[i]!), numeric, 1e-7);
      expect(Math.max(...numeric.map(Math.abs)), NAMES[i]).toBeGreaterThan(1e-2);
    }
  });

  it('under floatX=float32 computes in float32 throughout (nothing a WebGPU device cannot hold), the training outputs within float32 rounding of the float64 reference', async () => {
    const before = sym.config.floatX;
    try {
      sym.config.floatX = 'float32';
      const m = model();
      const g = m.graph;
      const graph = [g.cost, g.monitor, g.vT, ...m.gradient, ...m.trainUpdates.map(([, u]) => u), ...g.updatesGenerate.map(([, u]) => u)];
      const float64 = sym.toposort(graph).flatMap((node) => node.outputs).filter((v) => v.dtype === 'float64');
      expect(float64.map(String)).toEqual([]);
      expect(m.graph.params.every((p) => p.dtype === 'float32')).toBe(true);
      const f = sym.function([g.v], [g.train.uT, g.cost, g.vSample, ...m.gradient]);
      const p = paramsOf(m);
      const [uT, cost, vSample, ...grads] = await f(sym.array(fullRoll, { dtype: 'float32' }));
      expect(uT!.dtype).toBe('float32');
      expectClose(flat(uT!), recurrence(p, fullRoll).u.flat(), 1e-5);
      const samples = rowsOf(vSample!);
      expect(Math.abs(cost!.item() - referenceCost(p, fullRoll, samples))).toBeLessThan(1e-4);
      const numeric = centralDifferences(p, fullRoll, samples);
      grads.forEach((gr, i) => expectClose(flat(gr), numeric[i]!, 1e-4));
      const rolled = await m.generateFunction();
      expect(rolled.dtype).toBe('float32');
      expect(flat(rolled).every((x) => x === 0 || x === 1)).toBe(true);
    } finally {
      sym.config.floatX = before;
    }
  });
});
