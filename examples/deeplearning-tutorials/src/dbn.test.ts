import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { useFloat64 } from './test-support.js';
import { DBN, sharedDataset, type SharedDataset } from './dbn.js';

type Matrix = number[][];

const matrixOf = (a: sym.NDArray): Matrix => a.toArray() as Matrix;
const vectorOf = (a: sym.NDArray): number[] => a.toArray() as number[];
const stepsOf = (a: sym.NDArray): Matrix[] => a.toArray() as Matrix[];
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** x W + b, row by row. */
const affine = (x: Matrix, W: Matrix, b: number[]): Matrix => x.map((row) => b.map((bj, j) => row.reduce((s, xi, i) => s + xi * W[i]![j]!, bj)));
/** h Wᵀ + c, row by row. */
const affineT = (h: Matrix, W: Matrix, c: number[]): Matrix => h.map((row) => c.map((ci, i) => row.reduce((s, hj, j) => s + hj * W[i]![j]!, ci)));
const sigmoidOf = (m: Matrix): Matrix => m.map((row) => row.map(sigmoid));
const maxDiff = (a: Matrix, b: Matrix): number => Math.max(...a.map((row, i) => Math.max(...row.map((v, j) => Math.abs(v - b[i]![j]!)))));
const expectClose = (actual: Matrix, expected: Matrix, tol = 1e-12): void => {
  expect(actual.length).toBe(expected.length);
  expect(actual[0]!.length).toBe(expected[0]!.length);
  expect(maxDiff(actual, expected)).toBeLessThan(tol);
};

/** Binary rows near 3 prototypes (drawn from `seed`; each bit flipped with probability 0.15, drawn from `noiseSeed`); the label is the prototype. */
function syntheticBinary(rows: number, cols: number, seed: number, noiseSeed: number): { x: Matrix; y: number[] } {
  const rng = new sym.RandomState(seed);
  const prototypes = Array.from({ length: 3 }, () => Array.from({ length: cols }, () => (rng.random() < 0.5 ? 1 : 0)));
  const noise = new sym.RandomState(noiseSeed);
  const x = Array.from({ length: rows }, (_, r) => prototypes[r % 3]!.map((bit) => (noise.random() < 0.15 ? 1 - bit : bit)));
  return { x, y: x.map((_, r) => r % 3) };
}

/** Every parameter of the network, the RBMs' visible biases included, as plain arrays. */
function snapshot(dbn: DBN) {
  return {
    W: dbn.sigmoidLayers.map((l) => matrixOf(l.W.getValue())),
    b: dbn.sigmoidLayers.map((l) => vectorOf(l.b.getValue())),
    vbias: dbn.rbmLayers.map((r) => vectorOf(r.vbias.getValue())),
    logW: matrixOf(dbn.logLayer.W.getValue()),
    logb: vectorOf(dbn.logLayer.b.getValue()),
  };
}
type Snapshot = ReturnType<typeof snapshot>;

/** The sigmoid layers' outputs for input x: [x, h1, h2, ...]. */
const forward = (p: Snapshot, x: Matrix): Matrix[] => {
  const acts = [x];
  p.W.forEach((W, l) => acts.push(sigmoidOf(affine(acts[l]!, W, p.b[l]!))));
  return acts;
};

const nIns = 12;
const hiddenLayersSizes = [8, 6];
const nOuts = 3;
const batchSize = 6;
const data = syntheticBinary(36, nIns, 31, 1);
const rowsOf = (index: number): Matrix => data.x.slice(index * batchSize, (index + 1) * batchSize);
const newDBN = (seed = 123) => new DBN({ numpyRng: new sym.RandomState(seed), nIns, hiddenLayersSizes, nOuts });

describe("Theano's deep belief network (DBN.py)", () => {
  useFloat64();

  it('shares each sigmoid layer\'s W and b with its RBM, whose input is the layer below\'s output', () => {
    const dbn = newDBN();
    expect(dbn.params).toHaveLength(2 * hiddenLayersSizes.length + 2);
    dbn.rbmLayers.forEach((rbm, l) => {
      expect(rbm.W).toBe(dbn.sigmoidLayers[l]!.W);
      expect(rbm.hbias).toBe(dbn.sigmoidLayers[l]!.b);
      expect(dbn.params).not.toContain(rbm.vbias);
      expect(rbm.input).toBe(l === 0 ? dbn.x : dbn.sigmoidLayers[l - 1]!.output);
    });
  });

  it.each([1, 2])('CD-%i pretraining of each layer: Gibbs means from the drawn samples, the gradient and SGD step at the given learning rate match a float64 reference, and only that layer\'s RBM parameters move', async (k) => {
    const dbn = newDBN();
    const fns = dbn.pretrainingFunctions(sharedDataset(data.x, data.y).x, batchSize, k, (cu) => [
      cu.phMean, cu.phSample, cu.chain.preSigmoidNvs, cu.chain.nvMeans, cu.chain.nvSamples, cu.chain.nhMeans, cu.chain.nhSamples,
    ]);
    expect(fns).toHaveLength(hiddenLayersSizes.length);
    for (const [layer, index, lr] of [[0, 2, undefined], [1, 0, 0.05], [0, 5, 0.3], [1, 3, undefined]] as [number, number, number | undefined][]) {
      const p = snapshot(dbn);
      const rate = lr ?? 0.1; // theano.In(learning_rate, value=0.1)
      const out = await (lr === undefined ? fns[layer]!(index) : fns[layer]!(index, lr));
      const [cost, phMean, phSample, preNvs, nvMeans, nvSamples, nhMeans, nhSamples] = out;
      // the RBM's visible units are the deterministic output of the layers below, for minibatch `index`
      const v0 = forward(p, rowsOf(index))[layer]!;
      const W = p.W[layer]!;
      const hbias = p.b[layer]!;
      const vbias = p.vbias[layer]!;
      expectClose(matrixOf(phMean!), sigmoidOf(affine(v0, W, hbias)));
      let h = matrixOf(phSample!);
      h.forEach((row) => row.forEach((s) => expect(s === 0 || s === 1).toBe(true)));
      const [pre, nvm, nvs, nhm, nhs] = [preNvs!, nvMeans!, nvSamples!, nhMeans!, nhSamples!].map(stepsOf);
      expect(nvs!.length).toBe(k);
      for (let t = 0; t < k; t++) {
        expectClose(pre![t]!, affineT(h, W, vbias));
        expectClose(nvm![t]!, sigmoidOf(affineT(h, W, vbias)));
        expectClose(nhm![t]!, sigmoidOf(affine(nvs![t]!, W, hbias)));
        [nvs![t]!, nhs![t]!].forEach((m) => m.forEach((row) => row.forEach((s) => expect(s === 0 || s === 1).toBe(true))));
        h = nhs![t]!;
      }
      // CD-k's gradient from v0 and chain_end = nv_samples[-1], one SGD step at the given rate
      const end = nvs![k - 1]!;
      const n = v0.length;
      const h0 = sigmoidOf(affine(v0, W, hbias));
      const hEnd = sigmoidOf(affine(end, W, hbias));
      const gW = W.map((row, i) => row.map((_, j) => v0.reduce((s, v, r) => s - v[i]! * h0[r]![j]! + end[r]![i]! * hEnd[r]![j]!, 0) / n));
      const gh = hbias.map((_, j) => h0.reduce((s, hr, r) => s - hr[j]! + hEnd[r]![j]!, 0) / n);
      const gv = vbias.map((_, i) => v0.reduce((s, v, r) => s - v[i]! + end[r]![i]!, 0) / n);
      const q = snapshot(dbn);
      expectClose(q.W[layer]!, W.map((row, i) => row.map((w, j) => w - rate * gW[i]![j]!)));
      expectClose([q.b[layer]!], [hbias.map((b, j) => b - rate * gh[j]!)]);
      expectClose([q.vbias[layer]!], [vbias.map((b, i) => b - rate * gv[i]!)]);
      expect(maxDiff(q.W[layer]!, W)).toBeGreaterThan(1e-4);
      // nothing else moved: the other layers (and their RBMs' visible biases) and the logistic layer
      for (let other = 0; other < hiddenLayersSizes.length; other++) {
        if (other === layer) continue;
        expect(q.W[other]).toEqual(p.W[other]);
        expect(q.b[other]).toEqual(p.b[other]);
        expect(q.vbias[other]).toEqual(p.vbias[other]);
      }
      expect(q.logW).toEqual(p.logW);
      expect(q.logb).toEqual(p.logb);
      // the monitoring cost: the reconstruction cross-entropy of v0 from pre_sigmoid_nvs[-1]
      const recon = v0.reduce((s, row, r) => s + row.reduce((t2, x, i) => {
        const m = sigmoid(pre![k - 1]![r]![i]!);
        return t2 + x * Math.log(m) + (1 - x) * Math.log(1 - m);
      }, 0), 0) / n;
      expect(cost!.item()).toBeCloseTo(recon, 12);
    }
  });

  it('a fine-tuning step matches a float64 reference backprop through the stack and the logistic layer', async () => {
    const dbn = newDBN(7);
    const set = sharedDataset(data.x, data.y);
    const lr = 0.2;
    const { trainFn } = dbn.buildFinetuneFunctions([set, set, set], batchSize, lr);
    for (const index of [1, 4, 0]) {
      const p = snapshot(dbn);
      const x = rowsOf(index);
      const y = data.y.slice(index * batchSize, (index + 1) * batchSize);
      const acts = forward(p, x);
      const top = acts[acts.length - 1]!;
      const z = affine(top, p.logW, p.logb);
      const probs = z.map((row) => {
        const m = Math.max(...row);
        const e = row.map((v) => Math.exp(v - m));
        const s = e.reduce((a, v) => a + v, 0);
        return e.map((v) => v / s);
      });
      const n = x.length;
      const cost = -probs.reduce((s, row, r) => s + Math.log(row[y[r]!]!), 0) / n;
      // backprop: dz, then through each sigmoid layer
      const dz = probs.map((row, r) => row.map((pj, j) => (pj - (j === y[r] ? 1 : 0)) / n));
      const gradW = (a: Matrix, d: Matrix): Matrix => a[0]!.map((_, i) => d[0]!.map((_, j) => a.reduce((s, row, r) => s + row[i]! * d[r]![j]!, 0)));
      const gradB = (d: Matrix): number[] => d[0]!.map((_, j) => d.reduce((s, row) => s + row[j]!, 0));
      const gLogW = gradW(top, dz);
      const gLogb = gradB(dz);
      const gW: Matrix[] = [];
      const gb: number[][] = [];
      let d = dz.map((row, r) => p.logW.map((wrow, i) => wrow.reduce((s, w, j) => s + w * row[j]!, 0) * top[r]![i]! * (1 - top[r]![i]!)));
      for (let l = p.W.length - 1; l >= 0; l--) {
        gW[l] = gradW(acts[l]!, d);
        gb[l] = gradB(d);
        const below = acts[l]!;
        const Wl = p.W[l]!;
        d = d.map((row, r) => Wl.map((wrow, i) => wrow.reduce((s, w, j) => s + w * row[j]!, 0) * below[r]![i]! * (1 - below[r]![i]!)));
      }
      expect(Number(await trainFn(index))).toBeCloseTo(cost, 13);
      const q = snapshot(dbn);
      p.W.forEach((W, l) => {
        expectClose(q.W[l]!, W.map((row, i) => row.map((w, j) => w - lr * gW[l]![i]![j]!)));
        expectClose([q.b[l]!], [p.b[l]!.map((b, j) => b - lr * gb[l]![j]!)]);
        expect(q.vbias[l]).toEqual(p.vbias[l]); // the RBMs' visible biases are not fine-tuned
      });
      expectClose(q.logW, p.logW.map((row, i) => row.map((w, j) => w - lr * gLogW[i]![j]!)));
      expectClose([q.logb], [p.logb.map((b, j) => b - lr * gLogb[j]!)]);
    }
  });

  it('under floatX=float32 pretrains and fine-tunes in float32 (the errors a float64 mean of a comparison, as Theano\'s T.mean of integers)', async () => {
    sym.config.floatX = 'float32';
    try {
      const dbn = newDBN(5);
      const set = sharedDataset(data.x, data.y);
      const pretrain = dbn.pretrainingFunctions(set.x, batchSize, 1);
      const { trainFn } = dbn.buildFinetuneFunctions([set, set, set], batchSize, 0.1);
      const float64Of = (f: sym.SymFunction<sym.NDArray> | sym.SymFunction<sym.NDArray[]>) =>
        sym.toposort(f.compiled.graphOutputs).flatMap((node) => node.outputs).filter((v) => v.dtype === 'float64').map(String);
      for (const f of [...pretrain, trainFn]) expect(float64Of(f)).toEqual([]);
      expect(dbn.errors.dtype).toBe('float64');
      const [cost] = await pretrain[1]!(0, 0.05);
      expect(cost!.dtype).toBe('float32');
      expect(dbn.rbmLayers[1]!.vbias.getValue().dtype).toBe('float32');
      expect((await trainFn(0)).dtype).toBe('float32');
    } finally {
      sym.config.floatX = 'float64';
    }
  });

  it('pretraining then fine-tuning lowers the validation and test errors from chance', async () => {
    const dbn = newDBN(99);
    const trainData = syntheticBinary(72, nIns, 31, 4);
    const train = sharedDataset(trainData.x, trainData.y);
    // the same prototypes, other noise
    const validData = syntheticBinary(18, nIns, 31, 2);
    const testData = syntheticBinary(18, nIns, 31, 3);
    const valid: SharedDataset = sharedDataset(validData.x, validData.y);
    const test: SharedDataset = sharedDataset(testData.x, testData.y);
    const nTrainBatches = trainData.x.length / batchSize;
    const pretrain = dbn.pretrainingFunctions(train.x, batchSize, 1);
    const reconstruction: number[][] = [[], []];
    for (let layer = 0; layer < pretrain.length; layer++) {
      for (let epoch = 0; epoch < 5; epoch++) {
        let total = 0;
        for (let i = 0; i < nTrainBatches; i++) total += (await pretrain[layer]!(i, 0.1))[0]!.item();
        reconstruction[layer]!.push(total / nTrainBatches);
      }
      // the reconstruction log-likelihood rises as the layer pretrains
      expect(reconstruction[layer]![4]!).toBeGreaterThan(reconstruction[layer]![0]!);
    }
    const { trainFn, validScore, testScore } = dbn.buildFinetuneFunctions([train, valid, test], batchSize, 1);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(await validScore()).toHaveLength(3);
    expect(mean(await validScore())).toBeCloseTo(2 / 3, 12); // zero logistic weights: argmax picks class 0
    const costs: number[] = [];
    for (let epoch = 0; epoch < 20; epoch++) {
      let total = 0;
      for (let i = 0; i < nTrainBatches; i++) total += Number(await trainFn(i));
      costs.push(total / nTrainBatches);
    }
    expect(costs[19]!).toBeLessThan(0.3 * costs[0]!);
    expect(mean(await validScore())).toBeLessThan(0.1);
    expect(mean(await testScore())).toBeLessThan(0.1);
  });
});
