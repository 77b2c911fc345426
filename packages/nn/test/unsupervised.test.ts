/**
 * The deeplearning.net tutorials dA.py (denoising autoencoder) and rbm.py
 * (restricted Boltzmann machine, CD-k and persistent CD-k) written on sym
 * as a Theano user ports them, one training step checked against plain
 * TypeScript (unsupervised-reference.ts) with the same random numbers: the
 * uniforms are replayed from copies of the random variables' generators
 * taken before the call.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad } from '@sym/grad';
import { RandomState } from '../src/random.js';
import { dAStep, pseudoLikelihood, rbmStep, type RBMParams } from './unsupervised-reference.js';

const T = sym.T;
type V = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

const nVisible = 12;
const nHidden = 5;
const batchSize = 4;
const nTrain = 16;

/** Binary rows: one of three prototypes with each pixel flipped with probability 0.1 (Park-Miller, not the generators under test). */
function binaryData(): Float64Array {
  let s = 7;
  const r = () => ((s = (s * 16807) % 2147483647), s / 2147483647);
  const protos = Array.from({ length: 3 }, () => Array.from({ length: nVisible }, () => (r() < 0.4 ? 1 : 0)));
  return Float64Array.from({ length: nTrain * nVisible }, (_, i) => {
    const p = protos[Math.floor(i / nVisible) % 3]![i % nVisible]!;
    return r() < 0.1 ? 1 - p : p;
  });
}
const data = binaryData();
const rows = (i: number) => data.subarray(i * batchSize * nVisible, (i + 1) * batchSize * nVisible);
const values = (s: Shared) => Float64Array.from(s.getValue().data as Float64Array);
const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(b, (w, i) => Math.abs(a[i]! - w) / Math.max(1, Math.abs(w))).reduce((m, e) => Math.max(m, e), 0);
/** `n` uniforms from a copy of `rv`'s generator, in the dtype the draw used (so the replay leaves the variable's own generator alone). */
const uniforms = (rng: RandomState, n: number, dtype: 'float32' | 'float64') => {
  const u = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  rng.fillUniform(u);
  return u;
};

/** The tutorials' minibatch: `x` replaced by rows index * batchSize .. (index + 1) * batchSize of the shared dataset. */
function minibatchGivens(x: V, index: V): [V, V][] {
  const trainSetX = sym.shared(sym.array(data).reshape([nTrain, nVisible]), { borrow: true });
  return [[x, trainSetX.get(T.slice(index.mul(batchSize), index.add(1).mul(batchSize)))]];
}

function initialW(rng: RandomState): Shared {
  const bound = 4 * Math.sqrt(6 / (nHidden + nVisible));
  return sym.shared(rng.uniform([nVisible, nHidden], { low: -bound, high: bound }), { name: 'W' });
}

describe('dA.py: denoising autoencoder with tied weights', () => {
  function build(seed: number, corruptionLevel: number, learningRate: number) {
    const rng = new RandomState(seed);
    const theanoRng = new sym.RandomStreams(rng.integer(0, 2 ** 30));
    const W = initialW(rng);
    const b = sym.shared(sym.NDArray.zeros([nHidden], 'float64'), { name: 'b' });
    const bPrime = sym.shared(sym.NDArray.zeros([nVisible], 'float64'), { name: 'bvis' });
    const x = T.matrix('x');
    const index = T.lscalar('index');
    // get_corrupted_input: binomial(size=input.shape, n=1, p=1 - corruption_level) * input
    const mask = theanoRng.binomial(x.shape, { n: 1, p: 1 - corruptionLevel, dtype: 'float64' });
    const tildeX = mask.mul(x);
    const y = T.nnet.sigmoid(T.dot(tildeX, W).add(b));
    const z = T.nnet.sigmoid(T.dot(y, W.T).add(bPrime));
    const L = T.sum(x.mul(T.log(z)).add(T.sub(1, x).mul(T.log(T.sub(1, z)))), { axis: 1 }).neg();
    const cost = T.mean(L);
    const params = [W, b, bPrime];
    const gparams = grad(cost, params);
    const updates = params.map((p, i): [Shared, V] => [p, p.sub(gparams[i]!.mul(learningRate))]);
    const train = sym.function([index], [cost, tildeX], { updates, givens: minibatchGivens(x, index) });
    return { train, mask, W, b, bPrime };
  }

  it('one SGD step equals the plain-TypeScript step to 1e-12, its mask the generator\'s float32 uniforms below 1 - corruption', async () => {
    const { train, mask, W, b, bPrime } = build(123, 0.3, 0.1);
    await train(0);
    const before = { W: values(W), b: values(b), bPrime: values(bPrime) };
    const rng = mask.rng.getValue();
    const [cost, tildeX] = (await train(2)) as sym.NDArray[];
    // a number p compares in float32: the uniforms are float32 (24 bits)
    const u = uniforms(rng, batchSize * nVisible, 'float32');
    const x = rows(2);
    expect(Array.from(tildeX!.data)).toEqual(Array.from(u, (ui, i) => (ui < Math.fround(0.7) ? x[i]! : 0)));
    expect(Array.from(u).filter((ui) => !(ui < Math.fround(0.7))).length).toBeGreaterThan(0);
    const ref = dAStep(before, x, tildeX!.data as Float64Array, batchSize, nVisible, nHidden, 0.1);
    expect(Math.abs(cost!.item() - ref.cost) / ref.cost).toBeLessThan(1e-12);
    expect(maxRel(values(W), ref.next.W)).toBeLessThan(1e-12);
    expect(maxRel(values(b), ref.next.b)).toBeLessThan(1e-12);
    expect(maxRel(values(bPrime), ref.next.bPrime)).toBeLessThan(1e-12);
  });

  it('trains: the epoch cost falls, and the same seed gives the same weights', async () => {
    const runs = [build(5, 0.3, 0.1), build(5, 0.3, 0.1)];
    const epochCosts: number[] = [];
    for (let epoch = 0; epoch < 30; epoch++) {
      let c = 0;
      for (let i = 0; i < nTrain / batchSize; i++) {
        c += ((await runs[0]!.train(i)) as sym.NDArray[])[0]!.item();
        await runs[1]!.train(i);
      }
      epochCosts.push(c / (nTrain / batchSize));
    }
    expect(epochCosts.at(-1)!).toBeLessThan(0.7 * epochCosts[0]!);
    expect(Array.from(runs[0]!.W.getValue().data)).toEqual(Array.from(runs[1]!.W.getValue().data));
  });
});

describe('rbm.py: restricted Boltzmann machine', () => {
  class RBM {
    readonly W: Shared;
    readonly hbias = sym.shared(sym.NDArray.zeros([nHidden], 'float64'), { name: 'hbias' });
    readonly vbias = sym.shared(sym.NDArray.zeros([nVisible], 'float64'), { name: 'vbias' });
    readonly params: Shared[];
    readonly theanoRng: sym.RandomStreams;
    /** every binomial draw, in the order made: the positive phase's, then the scan step's v and h */
    readonly draws: sym.RandomTensor[] = [];
    constructor(readonly input: V, rng: RandomState) {
      this.theanoRng = new sym.RandomStreams(rng.integer(0, 2 ** 30));
      this.W = initialW(rng);
      this.params = [this.W, this.hbias, this.vbias];
    }
    freeEnergy(v: V): V {
      const wxB = T.dot(v, this.W).add(this.hbias);
      return T.sum(T.log(T.add(1, T.exp(wxB))), { axis: 1 }).neg().sub(T.dot(v, this.vbias));
    }
    #sample(mean: V): V {
      const s = this.theanoRng.binomial(mean.shape, { n: 1, p: mean, dtype: 'float64' });
      this.draws.push(s);
      return s;
    }
    sampleHGivenV(v: V): [V, V, V] {
      const pre = T.dot(v, this.W).add(this.hbias);
      const mean = T.nnet.sigmoid(pre);
      return [pre, mean, this.#sample(mean)];
    }
    sampleVGivenH(h: V): [V, V, V] {
      const pre = T.dot(h, this.W.T).add(this.vbias);
      const mean = T.nnet.sigmoid(pre);
      return [pre, mean, this.#sample(mean)];
    }
    gibbsHvh = (h0: V): V[] => {
      const [preV, vMean, vSample] = this.sampleVGivenH(h0);
      return [preV, vMean, vSample, ...this.sampleHGivenV(vSample)];
    };
    getCostUpdates(lr: number, persistent: Shared | null, k: number) {
      const [, , phSample] = this.sampleHGivenV(this.input);
      const [outputs, updates] = sym.scan(this.gibbsHvh, { outputsInfo: [null, null, null, null, null, persistent ?? phSample], nSteps: k });
      const [preSigmoidNvs, , nvSamples, , , nhSamples] = outputs as [V, V, V, V, V, V];
      const chainEnd = nvSamples.get(-1);
      const cost = T.mean(this.freeEnergy(this.input)).sub(T.mean(this.freeEnergy(chainEnd)));
      const gparams = grad(cost, this.params, { considerConstant: [chainEnd] });
      const scanUpdates = updates.length;
      this.params.forEach((p, i) => updates.push([p, p.sub(gparams[i]!.mul(T.cast(lr, 'float64')))]));
      let monitoringCost: V;
      let bitIIdx: Shared | undefined;
      if (persistent) {
        updates.push([persistent, nhSamples.get(-1)]);
        // get_pseudo_likelihood_cost
        bitIIdx = sym.shared(0, { name: 'bit_i_idx' });
        const xi = T.round(this.input);
        const xiFlip = T.setSubtensor(xi.get(':', bitIIdx), T.sub(1, xi.get(':', bitIIdx)));
        monitoringCost = T.mean(T.log(T.nnet.sigmoid(this.freeEnergy(xiFlip).sub(this.freeEnergy(xi)))).mul(nVisible));
        updates.push([bitIIdx, T.mod(bitIIdx.add(1), nVisible)]);
      } else {
        // get_reconstruction_cost
        const z = T.nnet.sigmoid(preSigmoidNvs.get(-1));
        monitoringCost = T.mean(T.sum(this.input.mul(T.log(z)).add(T.sub(1, this.input).mul(T.log(T.sub(1, z)))), { axis: 1 }));
      }
      return { monitoringCost, updates, scanUpdates, nvSamples, nhSamples, bitIIdx };
    }
  }

  function build(seed: number, k: number, persistentCD: boolean) {
    const x = T.matrix('x');
    const index = T.lscalar('index');
    const rbm = new RBM(x, new RandomState(seed));
    const persistent = persistentCD ? sym.shared(sym.NDArray.zeros([batchSize, nHidden], 'float64'), { name: 'chain' }) : null;
    const r = rbm.getCostUpdates(0.1, persistent, k);
    const train = sym.function([index], [r.monitoringCost, r.nvSamples, r.nhSamples], { updates: r.updates, givens: minibatchGivens(x, index) });
    return { rbm, persistent, train, ...r };
  }

  /** A step through `train`, checked against rbmStep with the uniforms replayed from copies of the three generators. */
  async function checkedStep(b: ReturnType<typeof build>, batch: number, k: number) {
    const params = (): RBMParams => ({ W: values(b.rbm.W), hbias: values(b.rbm.hbias), vbias: values(b.rbm.vbias) });
    const before = params();
    const chain = b.persistent ? values(b.persistent) : undefined;
    const bit = b.bitIIdx ? b.bitIIdx.getValue().item() : 0;
    const [pos, v, h] = b.rbm.draws;
    const rngs = [pos!, v!, h!].map((d) => d.rng.getValue());
    const [cost, nvs, nhs] = (await b.train(batch)) as sym.NDArray[];
    const [nv, nh] = [batchSize * nVisible, batchSize * nHidden];
    // p is a float64 tensor: the uniforms are float64; a scan step's are drawn for all k steps at once
    const uPos = uniforms(rngs[0]!, nh, 'float64');
    const uV = uniforms(rngs[1]!, k * nv, 'float64');
    const uH = uniforms(rngs[2]!, k * nh, 'float64');
    const u = { pos: uPos, v: Array.from({ length: k }, (_, t) => uV.subarray(t * nv, (t + 1) * nv)), h: Array.from({ length: k }, (_, t) => uH.subarray(t * nh, (t + 1) * nh)) };
    const ref = rbmStep(before, rows(batch), u, { n: batchSize, nv: nVisible, nh: nHidden, k }, 0.1, chain);
    // the call moved each generator past the numbers it drew, without an updates entry (Theano's default updates)
    if (!b.persistent) expect(pos!.rng.getValue().getState()).toEqual(rngs[0]!.getState());
    expect(v!.rng.getValue().getState()).toEqual(rngs[1]!.getState());
    expect(h!.rng.getValue().getState()).toEqual(rngs[2]!.getState());
    expect(nvs!.shape).toEqual([k, batchSize, nVisible]);
    expect(Array.from(nvs!.data.subarray((k - 1) * nv))).toEqual(Array.from(ref.vk));
    expect(Array.from(nhs!.data.subarray((k - 1) * nh))).toEqual(Array.from(ref.hk));
    const after = params();
    expect(maxRel(after.W, ref.next.W)).toBeLessThan(1e-12);
    expect(maxRel(after.hbias, ref.next.hbias)).toBeLessThan(1e-12);
    expect(maxRel(after.vbias, ref.next.vbias)).toBeLessThan(1e-12);
    const wantCost = b.persistent ? pseudoLikelihood(before, rows(batch), batchSize, nVisible, nHidden, bit) : ref.recon;
    expect(Math.abs(cost!.item() - wantCost) / Math.abs(wantCost)).toBeLessThan(1e-12);
    return { ref, nvs: nvs!, bit };
  }

  it('CD-1: one step equals the plain-TypeScript step to 1e-12 with the same samples; training raises the reconstruction cross-entropy', async () => {
    const b = build(123, 1, false);
    expect(b.scanUpdates).toBe(0); // Theano's scan returns the generators' updates; sym's function applies them itself
    await b.train(0);
    await checkedStep(b, 1, 1);
    const epochCosts: number[] = [];
    for (let epoch = 0; epoch < 25; epoch++) {
      let c = 0;
      for (let i = 0; i < nTrain / batchSize; i++) c += ((await b.train(i)) as sym.NDArray[])[0]!.item();
      epochCosts.push(c / (nTrain / batchSize));
    }
    expect(epochCosts.at(-1)!).toBeGreaterThan(epochCosts[0]! * 0.8);
  });

  it('PCD-3: the persistent chain, the pseudo-likelihood and its bit index follow the reference, and each call draws a new chain', async () => {
    const b = build(7, 3, true);
    await b.train(0);
    const first = await checkedStep(b, 3, 3);
    expect(b.bitIIdx!.getValue().item()).toBe((first.bit + 1) % nVisible);
    expect(Array.from(b.persistent!.getValue().data)).toEqual(Array.from(first.ref.hk));
    const second = await checkedStep(b, 3, 3);
    expect(Array.from(second.nvs.data)).not.toEqual(Array.from(first.nvs.data));
  });
});
