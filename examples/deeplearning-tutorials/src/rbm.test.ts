import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { RBM, buildRBMTrainer, buildSampler } from './rbm.js';
import { RecordingStreams, replayUniforms } from './test-support.js';

const T = sym.T;
type Matrix = number[][];

const matrixOf = (a: sym.NDArray): Matrix => a.toArray() as Matrix;
const vectorOf = (a: sym.NDArray): number[] => a.toArray() as number[];
const stepsOf = (a: sym.NDArray): Matrix[] => a.toArray() as Matrix[];
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const softplus = (v: number): number => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));

/** Binary rows near a few prototypes (each bit flipped with probability 0.1). */
function syntheticBinary(rows: number, cols: number, seed: number): Matrix {
  const rng = new sym.RandomState(seed);
  const prototypes = Array.from({ length: 3 }, () => Array.from({ length: cols }, () => (rng.random() < 0.5 ? 1 : 0)));
  return Array.from({ length: rows }, (_, r) => prototypes[r % 3]!.map((bit) => (rng.random() < 0.1 ? 1 - bit : bit)));
}

interface Params {
  W: Matrix;
  hbias: number[];
  vbias: number[];
}

const paramsOf = (rbm: RBM): Params => ({ W: matrixOf(rbm.W.getValue()), hbias: vectorOf(rbm.hbias.getValue()), vbias: vectorOf(rbm.vbias.getValue()) });
/** x W + hbias, row by row. */
const preUp = (p: Params, v: Matrix): Matrix => v.map((row) => p.hbias.map((hb, j) => row.reduce((s, vi, i) => s + vi * p.W[i]![j]!, hb)));
/** h Wᵀ + vbias, row by row. */
const preDown = (p: Params, h: Matrix): Matrix => h.map((row) => p.vbias.map((vb, i) => row.reduce((s, hj, j) => s + hj * p.W[i]![j]!, vb)));
const sigmoidOf = (m: Matrix): Matrix => m.map((row) => row.map(sigmoid));
const freeEnergy = (p: Params, v: Matrix): number[] =>
  preUp(p, v).map((row, r) => -row.reduce((s, a) => s + softplus(a), 0) - v[r]!.reduce((s, vi, i) => s + vi * p.vbias[i]!, 0));

/** rbm.py's gradient of mean(F(v0)) - mean(F(chain_end)) with the chain end held constant. */
function referenceGradients(p: Params, v0: Matrix, chainEnd: Matrix): Params {
  const n = v0.length;
  const h0 = sigmoidOf(preUp(p, v0));
  const hEnd = sigmoidOf(preUp(p, chainEnd));
  return {
    W: p.W.map((row, i) => row.map((_, j) => v0.reduce((s, v, r) => s - v[i]! * h0[r]![j]! + chainEnd[r]![i]! * hEnd[r]![j]!, 0) / n)),
    hbias: p.hbias.map((_, j) => h0.reduce((s, h, r) => s - h[j]! + hEnd[r]![j]!, 0) / n),
    vbias: p.vbias.map((_, i) => v0.reduce((s, v, r) => s - v[i]! + chainEnd[r]![i]!, 0) / n),
  };
}

const maxDiff = (a: Matrix, b: Matrix): number => Math.max(...a.map((row, i) => Math.max(...row.map((v, j) => Math.abs(v - b[i]![j]!)))));
const expectClose = (actual: Matrix, expected: Matrix, tol = 1e-10): void => {
  expect(actual.length).toBe(expected.length);
  expect(maxDiff(actual, expected)).toBeLessThan(tol);
};

/**
 * Binomial samples against their means: the standardised sum of
 * (sample - mean) is small, and a step's sample agrees with the last
 * step's no more often than a fresh draw would (a step that reused the
 * last step's random numbers would agree almost everywhere).
 */
class SampleCheck {
  #bias = 0;
  #biasVar = 0;
  #agree = 0;
  #agreeVar = 0;
  add(samples: Matrix, means: Matrix): void {
    samples.forEach((row, r) => row.forEach((s, i) => {
      expect(s === 0 || s === 1).toBe(true);
      const m = means[r]![i]!;
      this.#bias += s - m;
      this.#biasVar += m * (1 - m);
    }));
  }
  /** `a` drawn with means `meansA` after `b`: given b, a fresh draw agrees with it with probability meansA or 1 - meansA. */
  addPair(a: Matrix, b: Matrix, meansA: Matrix): void {
    a.forEach((row, r) => row.forEach((s, i) => {
      const m = meansA[r]![i]!;
      const p = b[r]![i]! === 1 ? m : 1 - m;
      this.#agree += (s === b[r]![i]! ? 1 : 0) - p;
      this.#agreeVar += p * (1 - p);
    }));
  }
  verify(): void {
    expect(this.#biasVar).toBeGreaterThan(20);
    expect(Math.abs(this.#bias) / Math.sqrt(this.#biasVar)).toBeLessThan(4.5);
    if (this.#agreeVar === 0) return; // one step: no pairs
    expect(this.#agreeVar).toBeGreaterThan(20);
    expect(Math.abs(this.#agree) / Math.sqrt(this.#agreeVar)).toBeLessThan(4.5);
  }
}

const nVisible = 24;
const nHidden = 10;
const batchSize = 8;
const data = syntheticBinary(32, nVisible, 21);
const rowsOf = (index: number): Matrix => data.slice(index * batchSize, (index + 1) * batchSize);
const dataset = (): sym.TensorSharedVariable => sym.shared(sym.array(data, { dtype: 'float64' }), { name: 'train_set_x', borrow: true });

describe("Theano's restricted Boltzmann machine (rbm.py)", () => {
  it.each([1, 3])('CD-%i: the means of every Gibbs step, the gradients, the SGD step and the reconstruction cost match a float64 reference from the drawn samples', async (k) => {
    const lr = 0.1;
    const rbm = new RBM({ input: T.matrix('x'), nVisible, nHidden, numpyRng: new sym.RandomState(123) });
    const cu = rbm.getCostUpdates({ lr, k });
    const c = cu.chain;
    const train = buildRBMTrainer(rbm, dataset(), cu, batchSize, [cu.phMean, cu.phSample, c.preSigmoidNvs, c.nvMeans, c.nvSamples, c.nhMeans, c.nhSamples, ...cu.gparams]);
    const samples = new SampleCheck();
    const costs: number[] = [];
    for (const index of [3, 1, 0, 2, 3, 1]) {
      const p = paramsOf(rbm);
      const v0 = rowsOf(index);
      const [cost, phMean, phSample, preNvs, nvMeans, nvSamples, nhMeans, nhSamples, gW, ghbias, gvbias] = (await train(index)).map((a) => a);
      // the positive phase, then each step from the last step's hidden sample (the first from ph_sample)
      expectClose(matrixOf(phMean!), sigmoidOf(preUp(p, v0)));
      samples.add(matrixOf(phSample!), matrixOf(phMean!));
      const [pre, nvm, nvs, nhm, nhs] = [preNvs!, nvMeans!, nvSamples!, nhMeans!, nhSamples!].map(stepsOf);
      expect(nvs!.length).toBe(k);
      let h = matrixOf(phSample!);
      for (let t = 0; t < k; t++) {
        expectClose(pre![t]!, preDown(p, h));
        expectClose(nvm![t]!, sigmoidOf(preDown(p, h)));
        expectClose(nhm![t]!, sigmoidOf(preUp(p, nvs![t]!)));
        samples.add(nvs![t]!, nvm![t]!);
        samples.add(nhs![t]!, nhm![t]!);
        if (t > 0) samples.addPair(nvs![t]!, nvs![t - 1]!, nvm![t]!);
        h = nhs![t]!;
      }
      // the gradient is the reference formula from v0 and chain_end = nv_samples[-1]
      const g = referenceGradients(p, v0, nvs![k - 1]!);
      expectClose(matrixOf(gW!), g.W);
      expectClose([vectorOf(ghbias!)], [g.hbias]);
      expectClose([vectorOf(gvbias!)], [g.vbias]);
      const after = paramsOf(rbm);
      expectClose(after.W, p.W.map((row, i) => row.map((w, j) => w - lr * g.W[i]![j]!)));
      expectClose([after.hbias], [p.hbias.map((b, j) => b - lr * g.hbias[j]!)]);
      expectClose([after.vbias], [p.vbias.map((b, i) => b - lr * g.vbias[i]!)]);
      // the monitoring cost: cross-entropy of v0 and sigmoid(pre_sigmoid_nvs[-1])
      const recon = v0.reduce((s, row, r) => s + row.reduce((t2, x, i) => {
        const q = sigmoid(pre![k - 1]![r]![i]!);
        return t2 + x * Math.log(q) + (1 - x) * Math.log(1 - q);
      }, 0), 0) / v0.length;
      expect(cost!.item()).toBeCloseTo(recon, 9);
      costs.push(cost!.item());
    }
    samples.verify();
    expect(costs.every((v) => v < 0 && Number.isFinite(v))).toBe(true);
  });

  it("persistent CD-k: the chain starts where the last call's ended, moves to nh_samples[-1], and the pseudo-likelihood's bit index advances mod n_visible", async () => {
    const k = 2;
    const lr = 0.05;
    const rbm = new RBM({ input: T.matrix('x'), nVisible, nHidden, numpyRng: new sym.RandomState(9) });
    const persistentChain = sym.shared(sym.array(Array.from({ length: batchSize }, () => new Array<number>(nHidden).fill(0)), { dtype: 'float64' }), { name: 'persistent', borrow: true });
    const cu = rbm.getCostUpdates({ lr, k, persistent: persistentChain });
    const bitIIdx = cu.bitIIdx!;
    expect(bitIIdx.getValue().dtype).toBe('int64'); // theano.shared(value=0): an int64 scalar
    const train = buildRBMTrainer(rbm, dataset(), cu, batchSize, [cu.chain.nvMeans, cu.chain.nvSamples, cu.chain.nhMeans, cu.chain.nhSamples, ...cu.gparams]);
    const samples = new SampleCheck();
    const indices = [0, 1, 2, 3, 0, 1, 2, 3];
    for (let call = 0; call < indices.length; call++) {
      if (call === 5) bitIIdx.setValue(nVisible - 1); // the next call flips the last bit, then the index wraps to 0
      const bit = bitIIdx.getValue().item();
      const chainBefore = matrixOf(persistentChain.getValue());
      const p = paramsOf(rbm);
      const v0 = rowsOf(indices[call]!);
      const [cost, nvMeans, nvSamples, nhMeans, nhSamples, gW] = await train(indices[call]!);
      const [nvm, nvs, nhm, nhs] = [nvMeans!, nvSamples!, nhMeans!, nhSamples!].map(stepsOf);
      let h = chainBefore;
      for (let t = 0; t < k; t++) {
        expectClose(nvm![t]!, sigmoidOf(preDown(p, h)));
        expectClose(nhm![t]!, sigmoidOf(preUp(p, nvs![t]!)));
        samples.add(nvs![t]!, nvm![t]!);
        samples.add(nhs![t]!, nhm![t]!);
        if (t > 0) samples.addPair(nhs![t]!, nhs![t - 1]!, nhm![t]!);
        h = nhs![t]!;
      }
      expect(matrixOf(persistentChain.getValue())).toEqual(nhs![k - 1]);
      expectClose(matrixOf(gW!), referenceGradients(p, v0, nvs![k - 1]!).W);
      expect(bitIIdx.getValue().item()).toBe((bit + 1) % nVisible);
      // pseudo-likelihood: n_visible * log sigmoid(F(x with bit flipped) - F(x)), averaged over the batch
      const flipped = v0.map((row) => row.map((v, i) => (i === bit ? 1 - v : v)));
      const fe = freeEnergy(p, v0);
      const feFlip = freeEnergy(p, flipped);
      const pl = fe.reduce((s, f, r) => s + nVisible * Math.log(sigmoid(feFlip[r]! - f)), 0) / v0.length;
      expect(cost!.item()).toBeCloseTo(pl, 9);
    }
    expect(bitIIdx.getValue().item()).toBe(2);
    samples.verify();
  });

  it.each([
    [1, false],
    [3, false],
    [3, true],
  ] as const)("k=%i, persistent %s: every sample is its generator's float64 uniforms (replayed from a copy taken before the call) below its mean, the scan's k steps reading one generator's numbers in turn; each call moves the generators it drew from past exactly those, and scan returns no updates for draws alone", async (k, pcd) => {
    const theanoRng = new RecordingStreams(29);
    const rbm = new RBM({ input: T.matrix('x'), nVisible, nHidden, numpyRng: new sym.RandomState(123), theanoRng });
    const zeros = Array.from({ length: batchSize }, () => new Array<number>(nHidden).fill(0));
    const persistent = pcd ? sym.shared(sym.array(zeros, { dtype: 'float64' }), { name: 'persistent' }) : undefined;
    const cu = rbm.getCostUpdates({ lr: 0.1, k, ...(persistent ? { persistent } : {}) });
    // the positive phase's draw, then the Gibbs step's two: made once, drawn at each of the scan's k steps
    expect(theanoRng.draws.length).toBe(3);
    const [pos, vDraw, hDraw] = theanoRng.draws as [sym.RandomTensor, sym.RandomTensor, sym.RandomTensor];
    // Theano's scan returns the generators' updates; sym's function moves the generators itself, so only the tutorial's own are here
    expect(cu.updates.map(([shared]) => shared.name)).toEqual(pcd ? ['W', 'hbias', 'vbias', 'persistent', 'bit_i_idx'] : ['W', 'hbias', 'vbias']);
    const c = cu.chain;
    // persistent CD reads no positive-phase sample: that draw is left out of the function, and its generator stays
    const train = buildRBMTrainer(rbm, dataset(), cu, batchSize, [c.nvMeans, c.nvSamples, c.nhMeans, c.nhSamples, ...(pcd ? [] : [cu.phMean, cu.phSample])]);
    const [nv, nh] = [batchSize * nVisible, batchSize * nHidden];
    const below = (means: sym.NDArray, u: ArrayLike<number>): number[] => Array.from(means.data as Float64Array, (m, i) => (u[i]! < m ? 1 : 0));
    const chains: string[] = [];
    for (const index of [3, 3, 1]) {
      const rngs = [pos, vDraw, hDraw].map((d) => d.rng.getValue());
      const [, nvMeans, nvSamples, nhMeans, nhSamples, phMean, phSample] = await train(index);
      // p (a mean) is a float64 tensor: the uniforms are float64
      const uV = replayUniforms(rngs[1]!, k * nv, 'float64');
      const uH = replayUniforms(rngs[2]!, k * nh, 'float64');
      expect(nvSamples!.shape).toEqual([k, batchSize, nVisible]);
      expect(Array.from(nvSamples!.data)).toEqual(below(nvMeans!, uV));
      expect(Array.from(nhSamples!.data)).toEqual(below(nhMeans!, uH));
      expect(vDraw.rng.getValue().getState()).toEqual(rngs[1]!.getState());
      expect(hDraw.rng.getValue().getState()).toEqual(rngs[2]!.getState());
      if (pcd) {
        expect(pos.rng.getValue().getState()).toEqual(rngs[0]!.getState());
        expect(Array.from(persistent!.getValue().data)).toEqual(Array.from(nhSamples!.data.subarray((k - 1) * nh)));
      } else {
        expect(Array.from(phSample!.data)).toEqual(below(phMean!, replayUniforms(rngs[0]!, nh, 'float64')));
        expect(pos.rng.getValue().getState()).toEqual(rngs[0]!.getState());
      }
      chains.push(JSON.stringify(nvSamples!.toArray()));
    }
    // the same minibatch twice: each call draws a new chain
    expect(chains[1]).not.toBe(chains[0]);
  });

  it('CD-1 training over 25 epochs raises the reconstruction log-likelihood (the monitoring cost)', async () => {
    const rbm = new RBM({ input: T.matrix('x'), nVisible, nHidden, numpyRng: new sym.RandomState(123) });
    const train = buildRBMTrainer(rbm, dataset(), rbm.getCostUpdates({ lr: 0.1, k: 1 }), batchSize);
    const epochCosts: number[] = [];
    for (let epoch = 0; epoch < 25; epoch++) {
      let c = 0;
      for (let i = 0; i < data.length / batchSize; i++) c += (await train(i))[0]!.item();
      epochCosts.push(c / (data.length / batchSize));
    }
    // measured: -20.8 in the first epoch, -11.3 in the last
    expect(epochCosts.at(-1)!).toBeGreaterThan(0.65 * epochCosts[0]!);
  });

  it("trains the same with Theano's outputs alone (the scan read only at its last step) as with every step read", async () => {
    const run = async (extras: boolean): Promise<Params> => {
      const rbm = new RBM({ input: T.matrix('x'), nVisible, nHidden, numpyRng: new sym.RandomState(4) });
      const persistentChain = sym.shared(sym.array(Array.from({ length: batchSize }, () => new Array<number>(nHidden).fill(0)), { dtype: 'float64' }));
      const cu = rbm.getCostUpdates({ lr: 0.1, k: 3, persistent: persistentChain });
      const train = buildRBMTrainer(rbm, dataset(), cu, batchSize, extras ? [cu.chain.nvSamples, cu.chain.nhMeans] : []);
      for (const index of [0, 1, 2, 3]) await train(index);
      return { ...paramsOf(rbm), hbias: [...vectorOf(rbm.hbias.getValue()), ...matrixOf(persistentChain.getValue()).flat()] };
    };
    const lean = await run(false);
    const full = await run(true);
    expectClose(lean.W, full.W, 1e-12);
    expectClose([lean.hbias], [full.hbias], 1e-12);
    expectClose([lean.vbias], [full.vbias], 1e-12);
  });

  it('trains the same in FAST_RUN, FAST_COMPILE and DebugMode (which checks every op against its reference): the same draws, chains and parameters', async () => {
    const runIn = async (mode: 'FAST_RUN' | 'FAST_COMPILE' | 'DebugMode'): Promise<{ costs: number[]; samples: string; W: Matrix; chain: Matrix }> => {
      const rbm = new RBM({ input: T.matrix('x'), nVisible, nHidden, numpyRng: new sym.RandomState(5) });
      const persistentChain = sym.shared(sym.array(Array.from({ length: batchSize }, () => new Array<number>(nHidden).fill(0)), { dtype: 'float64' }));
      const cu = rbm.getCostUpdates({ lr: 0.1, k: 2, persistent: persistentChain });
      const index = T.lscalar('index');
      const train = sym.function([index], [cu.monitoringCost, cu.chain.nvSamples], {
        updates: cu.updates,
        givens: [[rbm.input, dataset().get(T.slice(index.mul(batchSize), index.add(1).mul(batchSize)))]],
        mode,
      });
      const costs: number[] = [];
      let samples = '';
      for (const i of [0, 2, 1]) {
        const [cost, nvSamples] = await train(i);
        costs.push(cost!.item());
        samples += JSON.stringify(nvSamples!.toArray());
      }
      return { costs, samples, W: matrixOf(rbm.W.getValue()), chain: matrixOf(persistentChain.getValue()) };
    };
    const fast = await runIn('FAST_RUN');
    for (const mode of ['FAST_COMPILE', 'DebugMode'] as const) {
      const other = await runIn(mode);
      expect(other.samples).toBe(fast.samples);
      expect(other.chain).toEqual(fast.chain);
      other.costs.forEach((c, i) => expect(c).toBeCloseTo(fast.costs[i]!, 10));
      expectClose(other.W, fast.W, 1e-12);
    }
  });

  it('under floatX=float32 computes in float32 throughout, CD and persistent CD (nothing a WebGPU device cannot hold)', () => {
    const before = sym.config.floatX;
    try {
      sym.config.floatX = 'float32';
      for (const persistent of [undefined, sym.shared(sym.array(Array.from({ length: batchSize }, () => new Array<number>(nHidden).fill(0)), { dtype: 'float32' }))]) {
        const rbm = new RBM({ nVisible, nHidden, numpyRng: new sym.RandomState(3) });
        const cu = rbm.getCostUpdates({ lr: 0.1, k: 2, ...(persistent ? { persistent } : {}) });
        const graph = [cu.monitoringCost, ...cu.updates.map(([, u]) => u)];
        const float64 = sym.toposort(graph).flatMap((node) => node.outputs).filter((v) => v.dtype === 'float64');
        expect(float64.map(String)).toEqual([]);
        expect(cu.monitoringCost.dtype).toBe('float32');
        expect(cu.updates.every(([p, u]) => p.dtype === u.dtype)).toBe(true);
      }
    } finally {
      sym.config.floatX = before;
    }
  });

  it("samples with gibbs_vhv from a shared visible chain that moves to vis_samples[-1] (test_rbm's sample_fn)", async () => {
    const rbm = new RBM({ nVisible, nHidden, numpyRng: new sym.RandomState(17) });
    const start = data.slice(0, 5);
    const persistentVisChain = sym.shared(sym.array(start, { dtype: 'float64' }), { name: 'persistent_vis_chain' });
    const plotEvery = 4;
    const sampleFn = buildSampler(rbm, persistentVisChain, plotEvery);
    const p = paramsOf(rbm);
    const samples = new SampleCheck();
    let v = start;
    for (let call = 0; call < 3; call++) {
      const [lastMeans, lastSamples, hidMfs, hidSamples, visMfs, visSamples] = await sampleFn();
      const [hm, hs, vm, vs] = [hidMfs!, hidSamples!, visMfs!, visSamples!].map(stepsOf);
      for (let t = 0; t < plotEvery; t++) {
        expectClose(hm![t]!, sigmoidOf(preUp(p, v)));
        expectClose(vm![t]!, sigmoidOf(preDown(p, hs![t]!)));
        samples.add(hs![t]!, hm![t]!);
        samples.add(vs![t]!, vm![t]!);
        if (t > 0) samples.addPair(vs![t]!, vs![t - 1]!, vm![t]!);
        v = vs![t]!;
      }
      expect(matrixOf(lastMeans!)).toEqual(vm![plotEvery - 1]);
      expect(matrixOf(lastSamples!)).toEqual(vs![plotEvery - 1]);
      expect(matrixOf(persistentVisChain.getValue())).toEqual(v);
    }
    samples.verify();
  });
});
