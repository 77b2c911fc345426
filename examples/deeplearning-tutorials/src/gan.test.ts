import * as sym from '@sym/graph';
import { disconnectedGrad, grad } from '@sym/grad';
import { describe, expect, it } from 'vitest';
import { DISCRIMINATOR_PARAM_NAMES, GAN, GENERATOR_PARAM_NAMES, buildGANTrainer } from './gan.js';
import { maxAbsDiff, useFloat64 } from './test-support.js';

const T = sym.T;
type Matrix = number[][];
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const matrixOf = (a: sym.NDArray): Matrix => a.toArray() as Matrix;
const flat = (a: sym.NDArray): number[] => Array.from(a.data);

/** The parameters as float64 arrays: G's W1 (nz x nh), b1, W2 (nh x 2), b2; D's W1 (2 x nh), b1, w2 (nh), b2 (a scalar). */
interface G { W1: Matrix; b1: number[]; W2: Matrix; b2: number[] }
interface D { W1: Matrix; b1: number[]; w2: number[]; b2: number }

const generate = (g: G, z: Matrix) => {
  const h = z.map((row) => g.b1.map((b, j) => Math.tanh(row.reduce((s, v, k) => s + v * g.W1[k]![j]!, b))));
  return { h, out: h.map((row) => g.b2.map((b, o) => row.reduce((s, v, j) => s + v * g.W2[j]![o]!, b))) };
};

/** D on each row, and the gradient of sum_r c_r * log(D(x_r)) or log(1 - D(x_r)) with respect to D's parameters and to x. */
function discriminate(d: D, x: Matrix, c: number[], real: boolean) {
  const h = x.map((row) => d.b1.map((b, j) => Math.tanh(row.reduce((s, v, k) => s + v * d.W1[k]![j]!, b))));
  const p = h.map((row) => sigmoid(row.reduce((s, v, j) => s + v * d.w2[j]!, d.b2)));
  // d log p / d logit = 1 - p; d log(1 - p) / d logit = -p
  const dLogit = p.map((pr, r) => c[r]! * (real ? 1 - pr : -pr));
  const dh = h.map((row, r) => row.map((hj, j) => dLogit[r]! * d.w2[j]! * (1 - hj * hj)));
  const grads: D = {
    W1: d.W1.map((row, k) => row.map((_, j) => dh.reduce((s, dr, r) => s + dr[j]! * x[r]![k]!, 0))),
    b1: d.b1.map((_, j) => dh.reduce((s, dr) => s + dr[j]!, 0)),
    w2: d.w2.map((_, j) => dLogit.reduce((s, v, r) => s + v * h[r]![j]!, 0)),
    b2: dLogit.reduce((s, v) => s + v, 0),
  };
  const dx = x.map((row, r) => row.map((_, k) => dh[r]!.reduce((s, v, j) => s + v * d.W1[k]![j]!, 0)));
  return { p, grads, dx };
}

/** D's loss and gradient (the generated points constant) on real rows x and noise z, in float64. */
function referenceD(g: G, d: D, x: Matrix, z: Matrix): { loss: number; grads: D } {
  const fake = generate(g, z).out;
  const n = x.length;
  const real = discriminate(d, x, x.map(() => -1 / n), true);
  const gen = discriminate(d, fake, fake.map(() => -1 / fake.length), false);
  const loss = -real.p.reduce((s, p) => s + Math.log(p), 0) / n - gen.p.reduce((s, p) => s + Math.log(1 - p), 0) / fake.length;
  const add = (a: number[], b: number[]) => a.map((v, i) => v + b[i]!);
  return {
    loss,
    grads: { W1: real.grads.W1.map((row, k) => add(row, gen.grads.W1[k]!)), b1: add(real.grads.b1, gen.grads.b1), w2: add(real.grads.w2, gen.grads.w2), b2: real.grads.b2 + gen.grads.b2 },
  };
}

/** G's non-saturating loss -mean log D(G(z)) and its gradient with respect to G's parameters, in float64. */
function referenceG(g: G, d: D, z: Matrix): { loss: number; grads: G } {
  const { h, out } = generate(g, z);
  const m = z.length;
  const { p, dx } = discriminate(d, out, z.map(() => -1 / m), true);
  const dh = h.map((row, r) => row.map((hj, j) => dx[r]!.reduce((s, v, o) => s + v * g.W2[j]![o]!, 0) * (1 - hj * hj)));
  return {
    loss: -p.reduce((s, v) => s + Math.log(v), 0) / m,
    grads: {
      W1: g.W1.map((row, k) => row.map((_, j) => dh.reduce((s, dr, r) => s + dr[j]! * z[r]![k]!, 0))),
      b1: g.b1.map((_, j) => dh.reduce((s, dr) => s + dr[j]!, 0)),
      W2: g.W2.map((row, j) => row.map((_, o) => dx.reduce((s, dr, r) => s + dr[o]! * h[r]![j]!, 0))),
      b2: g.b2.map((_, o) => dx.reduce((s, dr) => s + dr[o]!, 0)),
    },
  };
}

const gOf = (gan: GAN): G => {
  const [W1, b1, W2, b2] = gan.generatorParams.map((p) => p.getValue());
  return { W1: matrixOf(W1!), b1: flat(b1!), W2: matrixOf(W2!), b2: flat(b2!) };
};
const dOf = (gan: GAN): D => {
  const [W1, b1, w2, b2] = gan.discriminatorParams.map((p) => p.getValue());
  return { W1: matrixOf(W1!), b1: flat(b1!), w2: flat(w2!), b2: b2!.item() };
};
const flatG = (g: G): number[] => [...g.W1.flat(), ...g.b1, ...g.W2.flat(), ...g.b2];
const flatD = (d: D): number[] => [...d.W1.flat(), ...d.b1, ...d.w2, d.b2];
const stepped = (values: number[], grads: number[], lr: number): number[] => values.map((v, i) => v - lr * grads[i]!);

/** 2-d points on a ring of radius 2 about (1, -1), with a little noise. */
function ringData(n: number, seed: number): Matrix {
  const rng = new sym.RandomState(seed);
  return Array.from({ length: n }, () => {
    const a = 2 * Math.PI * rng.random();
    return [1 + 2 * Math.cos(a) + 0.1 * (rng.random() - 0.5), -1 + 2 * Math.sin(a) + 0.1 * (rng.random() - 0.5)];
  });
}

const batchSize = 8;
const data = ringData(32, 3);
const rowsOf = (index: number): Matrix => data.slice(index * batchSize, (index + 1) * batchSize);
const sharedData = (dtype: sym.FloatDType = 'float64') => sym.shared(sym.array(data, { dtype }), { name: 'train_set_x' });
const shape = { batchSize, nNoise: 2, nHidden: 6 };

describe('a small GAN (Goodfellow et al. 2014) on 2-d data, the Theano way', () => {
  useFloat64();

  it("takes one D step as a float64 reference at the noise it drew, and leaves G's parameters alone", async () => {
    const { gan, trainD } = buildGANTrainer(sharedData(), { ...shape, learningRate: 0.1, seed: 1 });
    expect(gan.generatorParams.map((p) => p.name)).toEqual([...GENERATOR_PARAM_NAMES]);
    expect(gan.discriminatorParams.map((p) => p.name)).toEqual([...DISCRIMINATOR_PARAM_NAMES]);
    for (const index of [2, 0]) {
      const [g, d] = [gOf(gan), dOf(gan)];
      const [loss, z] = await trainD(index);
      expect(z!.shape).toEqual([batchSize, 2]);
      const want = referenceD(g, d, rowsOf(index), matrixOf(z!));
      expect(Math.abs(loss!.item() - want.loss)).toBeLessThan(1e-12);
      expect(maxAbsDiff(flatD(dOf(gan)), stepped(flatD(d), flatD(want.grads), 0.1))).toBeLessThan(1e-12);
      expect(flatG(gOf(gan))).toEqual(flatG(g));
    }
  });

  it("takes one G step (the non-saturating loss) as a float64 reference at the noise it drew, m rows, and leaves D's parameters alone", async () => {
    const { gan, trainG } = buildGANTrainer(sharedData(), { ...shape, learningRate: 0.1, seed: 2 });
    for (const m of [5, 12]) {
      const [g, d] = [gOf(gan), dOf(gan)];
      const [loss, z] = await trainG(m);
      expect(z!.shape).toEqual([m, 2]);
      const want = referenceG(g, d, matrixOf(z!));
      expect(Math.abs(loss!.item() - want.loss)).toBeLessThan(1e-12);
      expect(maxAbsDiff(flatG(gOf(gan)), stepped(flatG(g), flatG(want.grads), 0.1))).toBeLessThan(1e-12);
      expect(flatD(dOf(gan))).toEqual(flatD(d));
    }
  });

  it("holds the generated points constant in D's gradient: considerConstant, disconnectedGrad and grad with respect to D's parameters alone agree; G's parameters are then disconnected", async () => {
    const gan = new GAN({ numpyRng: new sym.RandomState(4), nNoise: 2, nHidden: 5 });
    const x = T.matrix('x');
    const z = T.matrix('z');
    const fake = gan.generate(z);
    const loss = gan.discriminatorLoss(x, fake);
    const viaConstant = grad(loss, gan.discriminatorParams, { considerConstant: [fake] });
    const viaDisconnected = grad(gan.discriminatorLoss(x, disconnectedGrad(fake)), gan.discriminatorParams);
    const plain = grad(loss, gan.discriminatorParams);
    const f = sym.function([x, z], [...viaConstant, ...viaDisconnected, ...plain]);
    const zv = matrixOf(await new sym.RandomStreams(5).normal([6, 2]).eval());
    const values = (await f(rowsOf(1).slice(0, 6), zv)).map(flat);
    const want = flatD(referenceD(gOf(gan), dOf(gan), rowsOf(1).slice(0, 6), zv).grads);
    for (let k = 0; k < 3; k++) expect(maxAbsDiff(values.slice(4 * k, 4 * k + 4).flat(), want)).toBeLessThan(1e-12);
    // the generated points are constants to D's loss: G's parameters are not reached, an error naming the input as Theano's
    expect(() => grad(loss, gan.generatorParams, { considerConstant: [fake] })).toThrow(/G_W1/);
    const ignored = grad(loss, gan.generatorParams, { considerConstant: [fake], disconnectedInputs: 'ignore' });
    const zeros = await sym.function([x, z], ignored, { onUnusedInput: 'ignore' })(rowsOf(0), zv);
    expect(zeros.flatMap(flat).every((v) => v === 0)).toBe(true);
  });

  it('trains a short alternating run (D step, G step) that stays finite, the generated points drawn toward the ring', async () => {
    const { gan, trainD, trainG } = buildGANTrainer(sharedData(), { ...shape, learningRate: 0.05, seed: 9 });
    const sample = sym.function([], gan.generate(gan.noise(400)));
    const distanceToRing = async (): Promise<number> => {
      const points = matrixOf(await sample());
      return points.reduce((s, [a, b]) => s + Math.abs(Math.hypot(a! - 1, b! + 1) - 2), 0) / points.length;
    };
    const before = await distanceToRing();
    const losses: number[] = [];
    for (let step = 0; step < 400; step++) {
      losses.push((await trainD(step % 4))[0]!.item(), (await trainG(batchSize))[0]!.item());
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect([...gan.generatorParams, ...gan.discriminatorParams].every((p) => flat(p.getValue()).every(Number.isFinite))).toBe(true);
    expect(await distanceToRing()).toBeLessThan(0.7 * before);
  });

  it('trains the same in FAST_COMPILE and DebugMode (which checks every op against its reference) as in FAST_RUN', async () => {
    const run = async (mode: sym.Mode): Promise<{ losses: number[]; noise: string; params: number[] }> => {
      const { gan, trainD, trainG } = buildGANTrainer(sharedData(), { ...shape, learningRate: 0.1, seed: 12, mode });
      const losses: number[] = [];
      let noise = '';
      for (const i of [3, 1, 0]) {
        const [d, zD] = await trainD(i);
        const [g, zG] = await trainG(batchSize);
        losses.push(d!.item(), g!.item());
        noise += JSON.stringify([zD!.toArray(), zG!.toArray()]);
      }
      return { losses, noise, params: [...flatG(gOf(gan)), ...flatD(dOf(gan))] };
    };
    const fast = await run('FAST_RUN');
    for (const mode of ['FAST_COMPILE', 'DebugMode'] as const) {
      const other = await run(mode);
      expect(other.noise).toBe(fast.noise);
      expect(maxAbsDiff(other.losses, fast.losses)).toBeLessThan(1e-12);
      expect(maxAbsDiff(other.params, fast.params)).toBeLessThan(1e-12);
    }
  });

  it('under floatX=float32 computes in float32 throughout: no float64 node in either compiled graph', async () => {
    const before = sym.config.floatX;
    try {
      sym.config.floatX = 'float32';
      const { trainD, trainG } = buildGANTrainer(sharedData('float32'), { ...shape, learningRate: 0.05, seed: 10 });
      for (const f of [trainD, trainG]) {
        const nodes = sym.toposort(f.compiled.graphOutputs);
        expect(nodes.length).toBeGreaterThan(10);
        expect(nodes.flatMap((node) => node.outputs).filter((o) => o.dtype === 'float64').map(String)).toEqual([]);
      }
      const [dLoss, z] = await trainD(0);
      const [gLoss] = await trainG(batchSize);
      expect([dLoss!.dtype, z!.dtype, gLoss!.dtype]).toEqual(['float32', 'float32', 'float32']);
      expect(Number.isFinite(dLoss!.item()) && Number.isFinite(gLoss!.item())).toBe(true);
    } finally {
      sym.config.floatX = before;
    }
  });
});
