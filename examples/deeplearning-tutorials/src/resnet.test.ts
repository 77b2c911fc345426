import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import { barImages, categoricalAccuracy, nesterovMomentum } from '@sym/nn';
import { describe, expect, it } from 'vitest';
import { TinyResNet } from './resnet.js';
import { nesterovStep, referenceResNet, trainable, type RefBN, type RefResNet, type Tensor4 } from './resnet-reference.js';
import { RecordingStreams, maxAbsDiff, replayUniforms, useFloat64, useFloatX } from './test-support.js';

const T = sym.T;
const SIZES = { inChannels: 1, channels: 3, classes: 3 } as const;
const RATE = 0.5;
const [BATCH, SIZE] = [4, 6];

const floats = (v: sym.TensorSharedVariable): Float64Array => Float64Array.from(v.getValue().data as ArrayLike<number>);
const bnOf = (bn: TinyResNet['bn1']): RefBN => ({ gamma: floats(bn.gamma), beta: floats(bn.beta), mean: floats(bn.runningMean), var: floats(bn.runningVar) });
function refOf(m: TinyResNet): RefResNet {
  return { W1: floats(m.conv1.W), bn1: bnOf(m.bn1), W2: floats(m.conv2.W), bn2: bnOf(m.bn2), W3: floats(m.conv3.W), bn3: bnOf(m.bn3), Wd: floats(m.readOut.W), bd: floats(m.readOut.b) };
}

/** A network whose gammas, betas, running averages and read-out bias are random too, so that a swapped or missing one shows. */
function model(seed: number, srng?: sym.RandomStreams): TinyResNet {
  const m = new TinyResNet(SIZES, seed, { dropout: RATE, ...(srng ? { srng } : {}) });
  const rng = new sym.RandomState(seed + 50);
  const set = (v: sym.TensorSharedVariable, values: sym.NDArray) => v.setValue(values.astype(sym.config.floatX));
  for (const bn of [m.bn1, m.bn2, m.bn3]) {
    set(bn.gamma, rng.uniform([3], { low: 0.5, high: 1.5 }));
    set(bn.beta, rng.normal([3], { std: 0.3 }));
    set(bn.runningMean, rng.normal([3], { std: 0.3 }));
    set(bn.runningVar, rng.uniform([3], { low: 0.5, high: 2 }));
  }
  set(m.readOut.b, rng.normal([3], { std: 0.3 }));
  return m;
}

const images = (seed: number): { X: sym.NDArray; y: sym.NDArray; x4: Tensor4; labels: number[] } => {
  const { X, y } = barImages(new sym.RandomState(seed), BATCH, { size: SIZE, noise: 0.5 });
  const X64 = X.astype('float64');
  return { X: X.astype(sym.config.floatX), y, x4: { data: X64.data as Float64Array, shape: [BATCH, 1, SIZE, SIZE] }, labels: Array.from(y.data as Int32Array) };
};
/** Runs f with the dropout mask replayed: the mask the call drew, (batch, channels) of 0 and 1. */
async function withMask<R>(srng: RecordingStreams, f: () => Promise<R>): Promise<{ result: R; mask: number[][] }> {
  const draw = srng.draws.at(-1)!;
  const rng = draw.rng.getValue();
  const result = await f();
  // Dropout's p is a number: RandomStreams.binomial compares float32 uniforms with it, under every floatX
  const u = replayUniforms(rng, BATCH * SIZES.channels, 'float32');
  const mask = Array.from({ length: BATCH }, (_, b) => Array.from({ length: SIZES.channels }, (_, c) => (u[b * SIZES.channels + c]! < 1 - RATE ? 1 : 0)));
  return { result, mask };
}
const flatRows = (a: sym.NDArray): number[] => (a.toArray() as number[][]).flat();
const relErr = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.max(0, ...Array.from(a, (v, i) => Math.abs(v - b[i]!) / Math.max(1, Math.abs(b[i]!))));
/** Rows [from, to) of an array's first axis. */
const rows = (a: sym.NDArray, from: number, to: number): sym.NDArray => {
  const stride = a.size / a.shape[0]!;
  return new sym.NDArray(a.data.slice(from * stride, to * stride), [to - from, ...a.shape.slice(1)], a.dtype);
};
const runningOf = (m: TinyResNet): Float64Array[] => m.net.state.map(floats);

/** The training graph's cost, logits and gradients at the model's weights, with the mask its dropout drew, and the reference's. */
async function trainingCall(seed: number): Promise<{ got: sym.NDArray[]; ref: ReturnType<typeof referenceResNet>; m: TinyResNet; running: Float64Array[] }> {
  const srng = new RecordingStreams(seed);
  const m = model(seed, srng);
  const [x, y] = [T.tensor4('x'), T.ivector('y')];
  const { cost, logits } = m.loss(x, y, { training: true });
  const f = sym.function([x, y], [cost, logits, ...grad(cost, [...m.net.params])]);
  const { X, y: Y, x4, labels } = images(seed);
  const before = refOf(m);
  const { result, mask } = await withMask(srng, () => f(X, Y) as Promise<sym.NDArray[]>);
  expect(mask.flat()).toContain(0);
  expect(mask.flat()).toContain(1);
  return { got: result, ref: referenceResNet(before, x4, labels, true, RATE, mask), m, running: runningOf(m) };
}

describe('residual CNN with batch normalisation and dropout (nn: Conv2D, BatchNorm, Nonlinearity, Residual, Dropout, nesterovMomentum)', () => {
  describe('float64', () => {
    useFloat64();

    it('the training graph: loss, logits and every gradient match the plain-TypeScript backward pass to 1e-10; the call moves the running averages as Theano\'s bn', async () => {
      const { got, ref, m, running } = await trainingCall(1);
      const [cost, logits, ...grads] = got;
      expect(Math.abs(cost!.item() - ref.cost)).toBeLessThan(1e-12);
      expect(maxAbsDiff(flatRows(logits!), ref.logits.flat())).toBeLessThan(1e-12);
      const want = trainable(ref.grads!);
      expect(grads.length).toBe(want.length);
      grads.forEach((g, i) => {
        expect(g.shape).toEqual(m.net.params[i]!.valueShape);
        expect(maxAbsDiff(g.data as Float64Array, want[i]!)).toBeLessThan(1e-10);
        expect(Math.max(...want[i]!.map(Math.abs))).toBeGreaterThan(1e-6);
      });
      // each BatchNorm's running mean and variance moved once, towards the batch's statistics (the variance unbiased)
      const wantRunning = ref.running.flatMap((r) => [r.mean, r.var]);
      running.forEach((r, i) => expect(maxAbsDiff(r, wantRunning[i]!)).toBeLessThan(1e-12));
    });

    it('the inference graph (Keras training=False, Lasagne deterministic=True): the running averages, no dropout, nothing updated, no random draw; the same on every call', async () => {
      const srng = new RecordingStreams(2);
      const m = model(2, srng);
      const [x, y] = [T.tensor4('x'), T.ivector('y')];
      const { cost, logits } = m.loss(x, y, { training: false });
      // the inference graph has no dropout mask to draw
      expect(srng.draws.length).toBe(0);
      const f = sym.function([x, y], [cost, logits]);
      const { X, y: Y, x4, labels } = images(2);
      const before = runningOf(m);
      const ref = referenceResNet(refOf(m), x4, labels, false, RATE);
      const first = (await f(X, Y)) as sym.NDArray[];
      const second = (await f(X, Y)) as sym.NDArray[];
      expect(Math.abs(first[0]!.item() - ref.cost)).toBeLessThan(1e-12);
      expect(maxAbsDiff(flatRows(first[1]!), ref.logits.flat())).toBeLessThan(1e-12);
      expect(flatRows(second[1]!)).toEqual(flatRows(first[1]!));
      runningOf(m).forEach((r, i) => expect(Array.from(r)).toEqual(Array.from(before[i]!)));
      // one example at a time gives the same logits: inference does not read the batch's statistics
      const one = (await sym.function([x], logits)(rows(X, 1, 2))) as sym.NDArray;
      expect(maxAbsDiff(flatRows(one), ref.logits[1]!)).toBeLessThan(1e-12);
    });

    it('three Nesterov-momentum steps in training mode (fresh masks each call) match the reference, parameters and running averages', async () => {
      const srng = new RecordingStreams(3);
      const m = model(3, srng);
      const [x, y] = [T.tensor4('x'), T.ivector('y')];
      const { cost } = m.loss(x, y, { training: true });
      // the running averages' updates come with the training graph (sym.withUpdates): not listed here
      const train = sym.function([x, y], cost, { updates: nesterovMomentum(cost, m.net.params, 0.1, 0.9) });
      const p = refOf(m);
      const velocities = trainable(p).map((a) => new Float64Array(a.length));
      const masks: number[][][] = [];
      for (const seed of [3, 4, 5]) {
        const { X, y: Y, x4, labels } = images(seed);
        const { result, mask } = await withMask(srng, () => train(X, Y));
        masks.push(mask);
        const ref = referenceResNet(p, x4, labels, true, RATE, mask);
        nesterovStep(trainable(p), trainable(ref.grads!), velocities, 0.1, 0.9);
        [p.bn1, p.bn2, p.bn3].forEach((bn, i) => Object.assign(bn, ref.running[i]));
        expect(Math.abs(result.item() - ref.cost)).toBeLessThan(1e-12);
        const want = trainable(p);
        m.net.params.forEach((v, i) => expect(maxAbsDiff(floats(v), want[i]!)).toBeLessThan(1e-10));
        const wantRunning = [p.bn1, p.bn2, p.bn3].flatMap((bn) => [bn.mean, bn.var]);
        runningOf(m).forEach((r, i) => expect(maxAbsDiff(r, wantRunning[i]!)).toBeLessThan(1e-10));
      }
      // a new mask at each call
      expect(new Set(masks.map((k) => JSON.stringify(k))).size).toBe(3);
    });
  });

  describe('float32', () => {
    useFloatX('float32');

    it('computes in float32 (the parameters, the running averages, the gradients) and agrees with the float64 reference', async () => {
      const { got, ref, m, running } = await trainingCall(1);
      expect([...m.net.params, ...m.net.state].every((v) => v.dtype === 'float32')).toBe(true);
      expect(got.every((a) => a.dtype === 'float32')).toBe(true);
      const [cost, logits, ...grads] = got;
      expect(Math.abs(cost!.item() - ref.cost)).toBeLessThan(1e-5);
      expect(relErr(flatRows(logits!), ref.logits.flat())).toBeLessThan(1e-5);
      const want = trainable(ref.grads!);
      grads.forEach((g, i) => expect(relErr(g.data as Float32Array, want[i]!)).toBeLessThan(1e-5));
      const wantRunning = ref.running.flatMap((r) => [r.mean, r.var]);
      running.forEach((r, i) => expect(relErr(r, wantRunning[i]!)).toBeLessThan(1e-5));
    });

    it('learns to tell horizontal, vertical and diagonal bars apart; evaluates with the running averages and without dropout', async () => {
      const m = new TinyResNet({ inChannels: 1, channels: 6, classes: 3 }, 7, { dropout: 0.2 });
      // the shapes through every layer, the Residual's block included: (batch, classes)
      expect(m.net.outputShape([null, 1, 8, 8])).toEqual([null, 3]);
      const [x, y] = [T.tensor4('x'), T.ivector('y')];
      const { cost } = m.loss(x, y, { training: true });
      const train = sym.function([x, y], cost, { updates: nesterovMomentum(cost, m.net.params, 0.1, 0.9) });
      const test = m.loss(x, y, { training: false });
      const accuracy = categoricalAccuracy(test.logits, y);
      const evaluate = sym.function([x, y], [test.cost, accuracy]);
      const data = barImages(new sym.RandomState(11), 128, { size: 8, noise: 0.3 });
      const held = barImages(new sym.RandomState(12), 96, { size: 8, noise: 0.3 });
      const batches = [0, 1, 2, 3].map((k) => [rows(data.X, 32 * k, 32 * (k + 1)), rows(data.y, 32 * k, 32 * (k + 1))] as const);
      const [before] = (await evaluate(held.X, held.y)) as sym.NDArray[];
      const runningBefore = runningOf(m);
      for (let epoch = 0; epoch < 10; epoch++) for (const [xb, yb] of batches) await train(xb, yb);
      const [after, acc] = (await evaluate(held.X, held.y)) as sym.NDArray[];
      expect(after!.item()).toBeLessThan(before!.item() / 2);
      expect(acc!.item()).toBeGreaterThan(0.9);
      // training moved the running averages; evaluating twice changes nothing and gives the same numbers
      runningOf(m).forEach((r, i) => expect(maxAbsDiff(r, runningBefore[i]!)).toBeGreaterThan(1e-3));
      const again = (await evaluate(held.X, held.y)) as sym.NDArray[];
      expect(again[0]!.item()).toBe(after!.item());
    });
  });
});
