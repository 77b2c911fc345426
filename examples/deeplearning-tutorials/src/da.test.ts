import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { DA, buildDATrainer } from './da.js';
import { RecordingStreams, replayUniforms } from './test-support.js';

const T = sym.T;

/** Binary rows near a few prototypes (each bit flipped with probability 0.1): data an autoencoder can learn. */
function syntheticBinary(rows: number, cols: number, seed: number): number[][] {
  const rng = new sym.RandomState(seed);
  const prototypes = Array.from({ length: 3 }, () => Array.from({ length: cols }, () => (rng.random() < 0.5 ? 1 : 0)));
  return Array.from({ length: rows }, (_, r) => prototypes[r % 3]!.map((bit) => (rng.random() < 0.1 ? 1 - bit : bit)));
}

type Matrix = number[][];
const matrixOf = (a: sym.NDArray): Matrix => a.toArray() as Matrix;
const vectorOf = (a: sym.NDArray): number[] => a.toArray() as number[];
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * One SGD step of dA.py in plain float64 JavaScript: the cost of minibatch
 * x (corrupted to tildeX) and the parameters moved in place.
 */
function referenceStep(W: Matrix, b: number[], bPrime: number[], x: Matrix, tildeX: Matrix, lr: number): number {
  const n = x.length;
  const nv = W.length;
  const nh = b.length;
  const h = tildeX.map((row) => b.map((bj, j) => sigmoid(row.reduce((s, xi, i) => s + xi * W[i]![j]!, bj))));
  const z = h.map((hr) => bPrime.map((bi, i) => sigmoid(hr.reduce((s, hj, j) => s + hj * W[i]![j]!, bi))));
  let cost = 0;
  for (let r = 0; r < n; r++) for (let i = 0; i < nv; i++) cost -= x[r]![i]! * Math.log(z[r]![i]!) + (1 - x[r]![i]!) * Math.log(1 - z[r]![i]!);
  cost /= n;
  // d cost / d (decoder pre-activation) = (z - x) / n; back through the tied weights to the encoder
  const dz = z.map((zr, r) => zr.map((zi, i) => (zi - x[r]![i]!) / n));
  const dh = h.map((hr, r) => hr.map((hj, j) => dz[r]!.reduce((s, d, i) => s + d * W[i]![j]!, 0) * hj * (1 - hj)));
  const gW = W.map((row, i) => row.map((_, j) => dz.reduce((s, d, r) => s + d[i]! * h[r]![j]! + tildeX[r]![i]! * dh[r]![j]!, 0)));
  const gb = b.map((_, j) => dh.reduce((s, d) => s + d[j]!, 0));
  const gbPrime = bPrime.map((_, i) => dz.reduce((s, d) => s + d[i]!, 0));
  for (let i = 0; i < nv; i++) for (let j = 0; j < nh; j++) W[i]![j]! -= lr * gW[i]![j]!;
  for (let j = 0; j < nh; j++) b[j]! -= lr * gb[j]!;
  for (let i = 0; i < nv; i++) bPrime[i]! -= lr * gbPrime[i]!;
  return cost;
}

const maxAbsDiff = (a: Matrix, b: Matrix): number => Math.max(...a.map((row, i) => Math.max(...row.map((v, j) => Math.abs(v - b[i]![j]!)))));

const nVisible = 20;
const batchSize = 6;
const data = syntheticBinary(24, nVisible, 11);
const batches = [2, 0, 3, 1, 2, 0, 3, 1]; // out of order: givens must take the rows of the index it is called with
const rowsOf = (index: number): Matrix => data.slice(index * batchSize, (index + 1) * batchSize);

describe("Theano's denoising autoencoder (dA.py)", () => {
  it('initialises W uniformly in ±4 sqrt(6 / (nv + nh)) and the biases at zero', () => {
    const da = new DA({ numpyRng: new sym.RandomState(3), nVisible: 30, nHidden: 10 });
    const bound = 4 * Math.sqrt(6 / 40);
    const w = da.W.getValue();
    expect(w.shape).toEqual([30, 10]);
    expect(w.dtype).toBe('float64');
    const values = Array.from(w.data as Float64Array);
    expect(Math.max(...values.map(Math.abs))).toBeLessThan(bound);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.8 * bound);
    expect(vectorOf(da.b.getValue())).toEqual(new Array(10).fill(0));
    expect(vectorOf(da.bPrime.getValue())).toEqual(new Array(30).fill(0));
    expect(da.params).toEqual([da.W, da.b, da.bPrime]);
  });

  it('without corruption, trains step by step as a float64 reference loop: the cost of each minibatch and the final W', async () => {
    const trainSetX = sym.shared(sym.array(data, { dtype: 'float64' }), { name: 'train_set_x', borrow: true });
    const { da, train } = buildDATrainer(trainSetX, { batchSize, nHidden: 8, corruptionLevel: 0, learningRate: 0.1, seed: 123 });
    const W = matrixOf(da.W.getValue());
    const b = vectorOf(da.b.getValue());
    const bPrime = vectorOf(da.bPrime.getValue());
    const costs: number[] = [];
    const expected: number[] = [];
    for (const index of batches) {
      const [cost, tildeX] = await train(index);
      expect(matrixOf(tildeX!)).toEqual(rowsOf(index)); // corruption 0 keeps every input
      costs.push(cost!.item());
      expected.push(referenceStep(W, b, bPrime, rowsOf(index), rowsOf(index), 0.1));
    }
    for (let s = 0; s < batches.length; s++) expect(costs[s]).toBeCloseTo(expected[s]!, 10);
    expect(costs[costs.length - 1]).toBeLessThan(costs[0]!); // it learns
    expect(maxAbsDiff(matrixOf(da.W.getValue()), W)).toBeLessThan(1e-10);
    expect(maxAbsDiff([vectorOf(da.b.getValue())], [b])).toBeLessThan(1e-10);
    expect(maxAbsDiff([vectorOf(da.bPrime.getValue())], [bPrime])).toBeLessThan(1e-10);
  });

  it('with corruption, computes the cost and gradient of the corrupted input it drew', async () => {
    const trainSetX = sym.shared(sym.array(data, { dtype: 'float64' }), { name: 'train_set_x', borrow: true });
    const { da, train } = buildDATrainer(trainSetX, { batchSize, nHidden: 8, corruptionLevel: 0.3, learningRate: 0.1, seed: 7 });
    const W = matrixOf(da.W.getValue());
    const b = vectorOf(da.b.getValue());
    const bPrime = vectorOf(da.bPrime.getValue());
    let ones = 0;
    let kept = 0;
    const masks: string[] = [];
    for (const index of batches) {
      const [cost, tildeXValue] = await train(index);
      const x = rowsOf(index);
      const tildeX = matrixOf(tildeXValue!);
      // the mask multiplies x: a kept input is x itself, a dropped one 0
      x.forEach((row, r) => row.forEach((v, i) => {
        const t = tildeX[r]![i]!;
        expect(t === 0 || t === v).toBe(true);
        if (v === 1) {
          ones++;
          kept += t;
        }
      }));
      masks.push(JSON.stringify(tildeX));
      expect(cost!.item()).toBeCloseTo(referenceStep(W, b, bPrime, x, tildeX, 0.1), 10);
      expect(maxAbsDiff(matrixOf(da.W.getValue()), W)).toBeLessThan(1e-10);
    }
    expect(ones).toBeGreaterThan(200);
    expect(Math.abs(kept / ones - 0.7)).toBeLessThan(4 * Math.sqrt(0.21 / ones));
    // the same minibatch is corrupted anew at each call: the generator moves on
    expect(masks[0]).not.toBe(masks[4]);
    expect(maxAbsDiff([vectorOf(da.b.getValue())], [b])).toBeLessThan(1e-10);
    expect(maxAbsDiff([vectorOf(da.bPrime.getValue())], [bPrime])).toBeLessThan(1e-10);
  });

  it("draws the mask from the generator: the corrupted input is x where the generator's uniforms (replayed from a copy taken before the call) are below 1 - corruption, and the call moves the generator past exactly those", async () => {
    const x = T.matrix('x');
    const theanoRng = new RecordingStreams(17);
    const da = new DA({ numpyRng: new sym.RandomState(4), theanoRng, input: x, nVisible, nHidden: 8 });
    const [cost, updates, tildeX] = da.getCostUpdates(0.3, 0.1);
    expect(theanoRng.draws.length).toBe(1);
    const mask = theanoRng.draws[0]!;
    const index = T.lscalar('index');
    const trainSetX = sym.shared(sym.array(data, { dtype: 'float64' }), { borrow: true });
    const train = sym.function([index], [cost, tildeX], { updates, givens: [[x, trainSetX.get(T.slice(index.mul(batchSize), index.add(1).mul(batchSize)))]] });
    let dropped = 0;
    for (const i of [2, 0, 2]) {
      const rng = mask.rng.getValue();
      const [, corrupted] = await train(i);
      // p = 1 - 0.3 is a float64 tensor under floatX=float64: the uniforms are float64 (53 bits)
      const u = replayUniforms(rng, batchSize * nVisible, 'float64');
      const rows = rowsOf(i).flat();
      expect(Array.from(corrupted!.data)).toEqual(Array.from(u, (ui, j) => (ui < 1 - 0.3 ? rows[j]! : 0)));
      dropped += rows.filter((v, j) => v === 1 && !(u[j]! < 0.7)).length;
      // the call moved the generator past the numbers it drew, with no updates entry of its own (Theano's default update)
      expect(mask.rng.getValue().getState()).toEqual(rng.getState());
    }
    expect(updates.length).toBe(3);
    expect(dropped).toBeGreaterThan(0);
  });

  it("trains with corruption: the epoch's mean cost falls below 0.7 of the first epoch's, and two trainers of the same seed, called in turn, end with the same weights", async () => {
    const trainSetX = (): sym.TensorSharedVariable => sym.shared(sym.array(data, { dtype: 'float64' }), { borrow: true });
    const options = { batchSize, nHidden: 8, corruptionLevel: 0.3, learningRate: 0.1 };
    const runs = [5, 5, 6].map((seed) => buildDATrainer(trainSetX(), { ...options, seed }));
    const epochCosts: number[] = [];
    for (let epoch = 0; epoch < 30; epoch++) {
      let c = 0;
      for (let i = 0; i < data.length / batchSize; i++) {
        c += (await runs[0]!.train(i))[0]!.item();
        await runs[1]!.train(i);
        await runs[2]!.train(i);
      }
      epochCosts.push(c / (data.length / batchSize));
    }
    expect(epochCosts.at(-1)!).toBeLessThan(0.7 * epochCosts[0]!);
    const weights = runs.map(({ da }) => Array.from(da.W.getValue().data));
    expect(weights[1]).toEqual(weights[0]);
    expect(weights[2]).not.toEqual(weights[0]); // another seed: other weights and masks
  });

  it("pretrains a stacked layer as SdA.py does: a dA on a sigmoid layer's output sharing its W and b, corruption and learning rate as inputs with defaults", async () => {
    const rng = new sym.RandomState(31);
    const theanoRng = new sym.RandomStreams(rng.randint(2 ** 30));
    const x = T.matrix('x');
    // the first sigmoid layer (its own dA already trained): 20 -> 12
    const W0 = sym.shared(rng.uniform([nVisible, 12], { low: -0.5, high: 0.5 }), { name: 'W0' });
    const b0 = sym.shared(rng.uniform([12], { low: -0.1, high: 0.1 }), { name: 'b0' });
    const layerInput = T.nnet.sigmoid(T.dot(x, W0).add(b0));
    // the second sigmoid layer's parameters, shared with the dA that pretrains it
    const hiddenLayer = new DA({ numpyRng: rng, nVisible: 12, nHidden: 6 });
    const da = new DA({ numpyRng: rng, theanoRng, input: layerInput, nVisible: 12, nHidden: 6, W: hiddenLayer.W, bhid: hiddenLayer.b });
    expect(da.W).toBe(hiddenLayer.W);
    const index = T.lscalar('index');
    const corruptionLevel = T.scalar('corruption');
    const learningRate = T.scalar('lr');
    const [cost, updates] = da.getCostUpdates(corruptionLevel, learningRate);
    const batchBegin = index.mul(batchSize);
    const batchEnd = batchBegin.add(batchSize);
    const trainSetX = sym.shared(sym.array(data, { dtype: 'float64' }), { name: 'train_set_x', borrow: true });
    const pretrain = sym.function([index, sym.In(corruptionLevel, { value: 0.2 }), sym.In(learningRate, { value: 0.1 })], cost, {
      updates,
      givens: [[x, trainSetX.get(T.slice(batchBegin, batchEnd))]],
    });
    const w0 = matrixOf(W0.getValue());
    const bias0 = vectorOf(b0.getValue());
    const W = matrixOf(da.W.getValue());
    const b = vectorOf(da.b.getValue());
    const bPrime = vectorOf(da.bPrime.getValue());
    const hidden = (rows: Matrix): Matrix => rows.map((row) => bias0.map((bj, j) => sigmoid(row.reduce((acc, xi, i) => acc + xi * w0[i]![j]!, bj))));
    for (const [index, lr] of [[1, 0.1], [3, 0.5], [0, 0.1]] as const) {
      const h = hidden(rowsOf(index));
      // corruption 0 passed explicitly (deterministic), the learning rate by default or given
      const value = lr === 0.1 ? await pretrain(index, 0) : await pretrain(index, 0, lr);
      expect(value.item()).toBeCloseTo(referenceStep(W, b, bPrime, h, h, lr), 10);
    }
    expect(maxAbsDiff(matrixOf(hiddenLayer.W.getValue()), W)).toBeLessThan(1e-10); // the sigmoid layer's W moved with the dA's
    expect(maxAbsDiff(matrixOf(W0.getValue()), w0)).toBe(0); // the layer below is not a parameter of this dA
    // by default the input is corrupted (0.2): the cost differs from the uncorrupted one on the same weights
    const h = hidden(rowsOf(2));
    const clean = referenceStep(matrixOf(da.W.getValue()), [...b], [...bPrime], h, h, 0);
    expect((await pretrain(2)).item()).not.toBeCloseTo(clean, 6);
  });

  it('trains the same in FAST_RUN, FAST_COMPILE and DebugMode (which checks every op against its reference), corrupted', async () => {
    const runIn = async (mode: 'FAST_RUN' | 'FAST_COMPILE' | 'DebugMode'): Promise<{ costs: number[]; masks: string; W: Matrix }> => {
      const x = T.matrix('x');
      const da = new DA({ numpyRng: new sym.RandomState(6), theanoRng: new sym.RandomStreams(6), input: x, nVisible, nHidden: 8 });
      const [cost, updates, tildeX] = da.getCostUpdates(0.3, 0.1);
      const index = T.lscalar('index');
      const trainSetX = sym.shared(sym.array(data, { dtype: 'float64' }), { borrow: true });
      const train = sym.function([index], [cost, tildeX], { updates, givens: [[x, trainSetX.get(T.slice(index.mul(batchSize), index.add(1).mul(batchSize)))]], mode });
      const costs: number[] = [];
      let masks = '';
      for (const i of [1, 3, 0]) {
        const [c, t] = await train(i);
        costs.push(c!.item());
        masks += JSON.stringify(t!.toArray());
      }
      return { costs, masks, W: matrixOf(da.W.getValue()) };
    };
    const fast = await runIn('FAST_RUN');
    for (const mode of ['FAST_COMPILE', 'DebugMode'] as const) {
      const other = await runIn(mode);
      expect(other.masks).toBe(fast.masks);
      other.costs.forEach((c, i) => expect(c).toBeCloseTo(fast.costs[i]!, 10));
      expect(maxAbsDiff(other.W, fast.W)).toBeLessThan(1e-12);
    }
  });

  it('under floatX=float32 computes in float32 throughout (nothing a WebGPU device cannot hold), its mask the one p = 0.7 draws', async () => {
    const before = sym.config.floatX;
    try {
      sym.config.floatX = 'float32';
      const da = new DA({ numpyRng: new sym.RandomState(8), theanoRng: new sym.RandomStreams(99), nVisible, nHidden: 6 });
      const [cost, updates, tildeX] = da.getCostUpdates(0.3, 0.1);
      const graph = [cost, tildeX, ...updates.map(([, u]) => u)];
      const float64 = sym.toposort(graph).flatMap((node) => node.outputs).filter((v) => v.dtype === 'float64');
      expect(float64.map(String)).toEqual([]);
      expect(updates.every(([p, u]) => p.dtype === 'float32' && u.dtype === 'float32')).toBe(true);
      const ones = sym.array(Array.from({ length: 4 }, () => new Array<number>(nVisible).fill(1)), { dtype: 'float32' });
      const mask = await sym.function([da.x], tildeX)(ones);
      const reference = new sym.RandomStreams(99).binomial([4, nVisible], { p: 0.7, dtype: 'float32' });
      expect(Array.from(mask.data)).toEqual(Array.from((await reference.eval()).data));
    } finally {
      sym.config.floatX = before;
    }
  });

  it("draws the corruption mask as Theano's binomial(n=1, p=1-corruption_level): kept with probability 0.7, independently", async () => {
    const da = new DA({ numpyRng: new sym.RandomState(5), nVisible: 50, nHidden: 4 });
    const x = T.matrix('x');
    const corrupt = sym.function([x], da.getCorruptedInput(x, 0.3));
    const ones = Array.from({ length: 200 }, () => new Array<number>(50).fill(1));
    const first = await corrupt(ones);
    const second = await corrupt(ones);
    expect(first.shape).toEqual([200, 50]);
    expect(first.dtype).toBe('float64');
    const m = Array.from(first.data as Float64Array);
    expect(m.every((v) => v === 0 || v === 1)).toBe(true);
    const n = m.length;
    const mean = m.reduce((s, v) => s + v, 0) / n;
    expect(Math.abs(mean - 0.7)).toBeLessThan(4 * Math.sqrt(0.21 / n));
    // neighbours (along rows and down columns) are uncorrelated, and the next call draws a new mask
    const corr = (pairs: [number, number][]): number => {
      const c = pairs.reduce((s, [a, b]) => s + (a - mean) * (b - mean), 0) / pairs.length;
      return c / (mean * (1 - mean));
    };
    const along: [number, number][] = [];
    const down: [number, number][] = [];
    for (let r = 0; r < 200; r++) for (let c = 0; c < 50; c++) {
      if (c + 1 < 50) along.push([m[r * 50 + c]!, m[r * 50 + c + 1]!]);
      if (r + 1 < 200) down.push([m[r * 50 + c]!, m[(r + 1) * 50 + c]!]);
    }
    expect(Math.abs(corr(along))).toBeLessThan(0.05);
    expect(Math.abs(corr(down))).toBeLessThan(0.05);
    const s = Array.from(second.data as Float64Array);
    expect(Math.abs(corr(m.map((v, i) => [v, s[i]!])))).toBeLessThan(0.05);
    // corruption 0 keeps everything, corruption 1 drops everything
    expect(Array.from((await sym.function([x], da.getCorruptedInput(x, 0))(ones)).data as Float64Array).every((v) => v === 1)).toBe(true);
    expect(Array.from((await sym.function([x], da.getCorruptedInput(x, 1))(ones)).data as Float64Array).every((v) => v === 0)).toBe(true);
  });
});
