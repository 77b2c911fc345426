import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import { describe, expect, it } from 'vitest';
import { VAE, VAE_PARAM_NAMES, buildVAETrainer } from './vae.js';
import { RecordingStreams, maxAbsDiff, useFloat64 } from './test-support.js';

const T = sym.T;
type Matrix = number[][];
const matrixOf = (a: sym.NDArray): Matrix => (a.ndim === 1 ? [a.toArray() as number[]] : (a.toArray() as Matrix));
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** The ten parameters as float64 matrices (a bias as one row), in VAE_PARAM_NAMES order. */
type Params = Matrix[];

/** Binary rows near three prototypes (each bit flipped with probability 0.1). */
function syntheticBinary(rows: number, cols: number, seed: number): Matrix {
  const rng = new sym.RandomState(seed);
  const prototypes = Array.from({ length: 3 }, () => Array.from({ length: cols }, () => (rng.random() < 0.5 ? 1 : 0)));
  return Array.from({ length: rows }, (_, r) => prototypes[r % 3]!.map((bit) => (rng.random() < 0.1 ? 1 - bit : bit)));
}

const dot = (a: Matrix, b: Matrix): Matrix => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const addRow = (a: Matrix, bias: Matrix): Matrix => a.map((row) => row.map((v, j) => v + bias[0]![j]!));
const transpose = (a: Matrix): Matrix => a[0]!.map((_, j) => a.map((row) => row[j]!));
const colSums = (a: Matrix): Matrix => [a[0]!.map((_, j) => a.reduce((s, row) => s + row[j]!, 0))];
const map2 = (a: Matrix, b: Matrix, f: (x: number, y: number) => number): Matrix => a.map((row, i) => row.map((v, j) => f(v, b[i]![j]!)));

/** The negative ELBO of minibatch x for the drawn eps, and its gradient with respect to every parameter, by hand in float64. */
function reference(p: Params, x: Matrix, eps: Matrix): { cost: number; grads: Params } {
  const [W, b, Wmu, bmu, Wlv, blv, Wd, bd, Wo, bo] = p as [Matrix, Matrix, Matrix, Matrix, Matrix, Matrix, Matrix, Matrix, Matrix, Matrix];
  const n = x.length;
  const h = addRow(dot(x, W), b).map((row) => row.map(Math.tanh));
  const mu = addRow(dot(h, Wmu), bmu);
  const lv = addRow(dot(h, Wlv), blv);
  const z = mu.map((row, r) => row.map((m, k) => m + Math.exp(0.5 * lv[r]![k]!) * eps[r]![k]!));
  const g = addRow(dot(z, Wd), bd).map((row) => row.map(Math.tanh));
  const y = addRow(dot(g, Wo), bo).map((row) => row.map(sigmoid));
  let cost = 0;
  x.forEach((row, r) => row.forEach((xi, i) => (cost -= xi * Math.log(y[r]![i]!) + (1 - xi) * Math.log(1 - y[r]![i]!))));
  mu.forEach((row, r) => row.forEach((m, k) => (cost += 0.5 * (m * m + Math.exp(lv[r]![k]!) - 1 - lv[r]![k]!))));
  cost /= n;
  // backward, every term scaled by 1 / n (the mean over the minibatch)
  const da3 = map2(y, x, (yi, xi) => (yi - xi) / n);
  const da2 = map2(dot(da3, transpose(Wo)), g, (d, gi) => d * (1 - gi * gi));
  const dz = dot(da2, transpose(Wd));
  const dmu = map2(dz, mu, (d, m) => d + m / n);
  const dlv = lv.map((row, r) => row.map((l, k) => dz[r]![k]! * eps[r]![k]! * 0.5 * Math.exp(0.5 * l) + (0.5 * (Math.exp(l) - 1)) / n));
  const dh = map2(dot(dmu, transpose(Wmu)), dot(dlv, transpose(Wlv)), (a, c) => a + c);
  const da1 = map2(dh, h, (d, hi) => d * (1 - hi * hi));
  const grads = [
    dot(transpose(x), da1), colSums(da1),
    dot(transpose(h), dmu), colSums(dmu),
    dot(transpose(h), dlv), colSums(dlv),
    dot(transpose(z), da2), colSums(da2),
    dot(transpose(g), da3), colSums(da3),
  ];
  return { cost, grads };
}

/** Lasagne's Adam in float64, the parameters and moments moved in place; `t` the step about to be taken (1 first). */
function adamStep(p: Params, grads: Params, m: Params, v: Params, t: number, lr: number): void {
  const [b1, b2, e] = [0.9, 0.999, 1e-8];
  const a = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
  p.forEach((P, q) => P.forEach((row, i) => row.forEach((_, j) => {
    const gij = grads[q]![i]![j]!;
    m[q]![i]![j]! = b1 * m[q]![i]![j]! + (1 - b1) * gij;
    v[q]![i]![j]! = b2 * v[q]![i]![j]! + (1 - b2) * gij * gij;
    row[j]! -= (a * m[q]![i]![j]!) / (Math.sqrt(v[q]![i]![j]!) + e);
  })));
}

const paramsOf = (vae: VAE): Params => vae.params.map((s) => matrixOf(s.getValue()));
const flatDiff = (a: Params, b: Params): number => Math.max(...a.map((P, q) => maxAbsDiff(P.flat(), b[q]!.flat())));

const nIn = 12;
const batchSize = 6;
const data = syntheticBinary(24, nIn, 5);
const rowsOf = (index: number): Matrix => data.slice(index * batchSize, (index + 1) * batchSize);
const shape = { batchSize, nHidden: 6, nLatent: 2 };
const sharedData = (dtype: sym.FloatDType = 'float64'): sym.TensorSharedVariable => sym.shared(sym.array(data, { dtype }), { name: 'train_set_x', borrow: true });

describe('a variational autoencoder (Kingma & Welling 2014) the Theano way', () => {
  useFloat64();

  it('draws eps of the minibatch\'s symbolic size, and its cost and every gradient are those of a float64 reference at the eps it drew', async () => {
    const { vae, gradients } = buildVAETrainer(sharedData(), { ...shape, learningRate: 0.01, seed: 1 });
    expect(vae.params.map((p) => p.name)).toEqual([...VAE_PARAM_NAMES]);
    const p = paramsOf(vae);
    const draws: string[] = [];
    for (const index of [2, 0, 3]) {
      const [cost, eps, ...g] = await gradients(index);
      expect(eps!.shape).toEqual([batchSize, 2]);
      draws.push(JSON.stringify(eps!.toArray()));
      const want = reference(p, rowsOf(index), matrixOf(eps!));
      expect(Math.abs(cost!.item() - want.cost)).toBeLessThan(1e-12);
      expect(flatDiff(g.map(matrixOf), want.grads)).toBeLessThan(1e-12);
    }
    expect(new Set(draws).size).toBe(3); // each call draws anew
    expect(flatDiff(paramsOf(vae), p)).toBe(0); // the gradient function updates nothing
    // the size follows the rows given: 5 rows draw a (5, 2) eps
    const { cost, eps } = vae.getCost();
    const [c5, e5] = await sym.function([vae.x], [cost, eps])(data.slice(0, 5));
    expect(e5!.shape).toEqual([5, 2]);
    expect(Math.abs(c5!.item() - reference(p, data.slice(0, 5), matrixOf(e5!)).cost)).toBeLessThan(1e-12);
  });

  it('draws eps as RandomStreams.normal: the draw the stream recorded, standard normal over many rows', async () => {
    const srng = new RecordingStreams(21);
    const vae = new VAE({ numpyRng: new sym.RandomState(2), theanoRng: srng, nIn, nHidden: 6, nLatent: 3 });
    const { eps } = vae.getCost();
    expect(srng.draws.length).toBe(1);
    expect(srng.draws[0]).toBe(eps);
    const e = await sym.function([vae.x], eps)(Array.from({ length: 2000 }, () => new Array<number>(nIn).fill(0)));
    const values = Array.from(e.data as Float64Array);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.06);
  });

  it('with eps fixed (given as an input), the gradients agree with central differences of the compiled cost', async () => {
    const vae = new VAE({ numpyRng: new sym.RandomState(3), nIn, nHidden: 5, nLatent: 2 });
    const epsIn = T.matrix('eps');
    const { cost } = vae.getCost(vae.x, epsIn);
    const f = sym.function([vae.x, epsIn], cost);
    const df = sym.function([vae.x, epsIn], grad(cost, vae.params));
    const x = rowsOf(1);
    const eps = matrixOf(await new sym.RandomStreams(4).normal([batchSize, 2]).eval());
    const analytic = (await df(x, eps)).map((a) => Array.from(a.data));
    for (const [q, param] of vae.params.entries()) {
      const value = param.getValue();
      const data = Float64Array.from(value.data);
      for (const i of [0, Math.floor(data.length / 2), data.length - 1]) {
        const keep = data[i]!;
        const at = async (v: number): Promise<number> => {
          data[i] = v;
          param.setValue(sym.array(Array.from(data), { dtype: 'float64' }).reshape(value.shape));
          return (await f(x, eps)).item();
        };
        const numeric = ((await at(keep + 1e-6)) - (await at(keep - 1e-6))) / 2e-6;
        await at(keep);
        expect(Math.abs(numeric - analytic[q]![i]!)).toBeLessThan(1e-7);
      }
    }
  });

  it('trains with Adam step for step as a float64 reference loop (costs and every parameter to 1e-10), minibatches taken by index through givens', async () => {
    const { vae, train } = buildVAETrainer(sharedData(), { ...shape, learningRate: 0.01, seed: 7 });
    const p = paramsOf(vae);
    const m = p.map((P) => P.map((row) => row.map(() => 0)));
    const v = p.map((P) => P.map((row) => row.map(() => 0)));
    const order = [1, 3, 0, 2, 2, 0, 3, 1];
    for (const [s, index] of order.entries()) {
      const [cost, eps] = await train(index);
      const want = reference(p, rowsOf(index), matrixOf(eps!));
      expect(Math.abs(cost!.item() - want.cost)).toBeLessThan(1e-10);
      adamStep(p, want.grads, m, v, s + 1, 0.01);
    }
    expect(flatDiff(paramsOf(vae), p)).toBeLessThan(1e-10);
  });

  it('improves the ELBO: the mean negative ELBO of the last epoch is well below the first', async () => {
    const { train } = buildVAETrainer(sharedData(), { ...shape, learningRate: 0.02, seed: 11 });
    const epochs: number[] = [];
    for (let epoch = 0; epoch < 60; epoch++) {
      let c = 0;
      for (let i = 0; i < 4; i++) c += (await train(i))[0]!.item();
      epochs.push(c / 4);
    }
    expect(epochs.every(Number.isFinite)).toBe(true);
    expect(epochs.at(-1)!).toBeLessThan(0.6 * epochs[0]!);
  });

  it('trains the same in FAST_COMPILE and DebugMode (which checks every op against its reference) as in FAST_RUN (the same eps, costs to 1e-12, parameters to 1e-12)', async () => {
    const run = async (mode: sym.Mode): Promise<{ costs: number[]; eps: string; params: Params }> => {
      const { vae, train } = buildVAETrainer(sharedData(), { ...shape, learningRate: 0.01, seed: 13, mode });
      const costs: number[] = [];
      let eps = '';
      for (const i of [0, 2, 1]) {
        const [c, e] = await train(i);
        costs.push(c!.item());
        eps += JSON.stringify(e!.toArray());
      }
      return { costs, eps, params: paramsOf(vae) };
    };
    const [fast, compile, debug] = [await run('FAST_RUN'), await run('FAST_COMPILE'), await run('DebugMode')];
    expect(debug.eps).toBe(fast.eps);
    expect(maxAbsDiff(debug.costs, fast.costs)).toBeLessThan(1e-12);
    expect(flatDiff(debug.params, fast.params)).toBeLessThan(1e-12);
    expect(compile.eps).toBe(fast.eps);
    expect(maxAbsDiff(compile.costs, fast.costs)).toBeLessThan(1e-12);
    expect(flatDiff(compile.params, fast.params)).toBeLessThan(1e-12);
  });

  it('under floatX=float32 computes in float32 throughout: no float64 node in the compiled graph, and trains', async () => {
    const before = sym.config.floatX;
    try {
      sym.config.floatX = 'float32';
      const { vae, train } = buildVAETrainer(sharedData('float32'), { ...shape, learningRate: 0.02, seed: 17 });
      expect(vae.params.every((p) => p.dtype === 'float32')).toBe(true);
      const nodes = sym.toposort(train.compiled.graphOutputs);
      expect(nodes.length).toBeGreaterThan(20); // the rewritten graph of the cost, eps and the Adam updates
      const float64 = nodes.flatMap((node) => node.outputs).filter((o) => o.dtype === 'float64');
      expect(float64.map(String)).toEqual([]);
      const [first, eps] = await train(0);
      expect([first!.dtype, eps!.dtype]).toEqual(['float32', 'float32']);
      let last = 0;
      for (let step = 0; step < 120; step++) last = (await train(step % 4))[0]!.item();
      expect(Number.isFinite(last)).toBe(true);
      expect(last).toBeLessThan(first!.item());
    } finally {
      sym.config.floatX = before;
    }
  });
});
