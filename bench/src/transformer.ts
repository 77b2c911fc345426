/**
 * W9: one training step of a small transformer block, float32. Token ids
 * (batch, steps) pick rows of a (vocab, dim) embedding; a learned
 * (steps, dim) table of positions is added; one pre-norm block follows,
 * h = x + MHA(LayerNorm(x)) with causal self-attention, out = h +
 * FF(LayerNorm(h)) with a relu between its two dense layers; logits =
 * out W_vocab (no bias); the cost is the mean softmax cross-entropy of
 * each position's next token; one Adam step (lr 1e-3) updates all 19
 * parameters. Every library starts from the same weights and ids, and
 * every step returns its cost as a number, read back on the host.
 */
import { tf } from './tf.js';
import type * as TF from '@tensorflow/tfjs-core';
import { numpy as np, nn, jit, valueAndGrad, tree, init as jaxInit, defaultDevice } from '@jax-js/jax';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { Dense, Embedding, LayerNorm, MultiHeadAttention, adam } from '@sym/nn';
import { rng, randomF32 } from './timing.js';
import type { SymDevice } from './training.js';
import type { CostStep } from './recurrent.js';
import type { Impl, Workload } from './workloads.js';

const T = sym.T;

/** Adam's settings, the same in every library (tfjs's default epsilon is 1e-7: it is passed). */
export const ADAM = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;
/** LayerNorm's epsilon (PyTorch's and @sym/nn's default; Keras's is 1e-3). */
const LN_EPSILON = 1e-5;

export interface TransformerSpec {
  readonly batch: number;
  /** The sequence length (each sequence has steps + 1 ids: its inputs and, one further on, its targets). */
  readonly steps: number;
  /** The model width. */
  readonly dim: number;
  readonly heads: number;
  /** The feed-forward layer's width. */
  readonly ff: number;
  readonly vocab: number;
}

/** `--quick` keeps the widths, the heads and the vocabulary, and takes batch 4 of sequence 32 instead of 16 of 64. */
export const w9Spec = (quick: boolean): TransformerSpec => ({ batch: quick ? 4 : 16, steps: quick ? 32 : 64, dim: 128, heads: 4, ff: 512, vocab: 256 });

/** Glorot uniform's bound for a (fanIn, fanOut) weight (Keras's and @sym/nn's Dense default). */
const glorot = (fanIn: number, fanOut: number) => Math.sqrt(6 / (fanIn + fanOut));

/** The ids and initial parameters, the same for every library; PARAM_NAMES gives the parameters' order. */
export function transformerData(s: TransformerSpec) {
  const { batch, steps, dim, ff, vocab } = s;
  const r = rng(90);
  const sequences = Int32Array.from({ length: batch * (steps + 1) }, () => Math.floor(r() * vocab));
  const inputs = new Int32Array(batch * steps);
  const targets = new Int32Array(batch * steps);
  for (let b = 0; b < batch; b++) {
    inputs.set(sequences.subarray(b * (steps + 1), b * (steps + 1) + steps), b * steps);
    targets.set(sequences.subarray(b * (steps + 1) + 1, (b + 1) * (steps + 1)), b * steps);
  }
  const ones = (n: number) => new Float32Array(n).fill(1);
  const zeros = (n: number) => new Float32Array(n);
  const square = (seed: number) => randomF32(dim * dim, seed, glorot(dim, dim));
  // shapes as each library stores them: dense weights (nIn, nOut), as x W takes them
  const params = {
    tokens: { value: randomF32(vocab * dim, 91), shape: [vocab, dim] },
    positions: { value: randomF32(steps * dim, 92, 0.1), shape: [steps, dim] },
    norm1Gamma: { value: ones(dim), shape: [dim] },
    norm1Beta: { value: zeros(dim), shape: [dim] },
    queryW: { value: square(93), shape: [dim, dim] },
    queryB: { value: zeros(dim), shape: [dim] },
    keyW: { value: square(94), shape: [dim, dim] },
    keyB: { value: zeros(dim), shape: [dim] },
    valueW: { value: square(95), shape: [dim, dim] },
    valueB: { value: zeros(dim), shape: [dim] },
    outW: { value: square(96), shape: [dim, dim] },
    outB: { value: zeros(dim), shape: [dim] },
    norm2Gamma: { value: ones(dim), shape: [dim] },
    norm2Beta: { value: zeros(dim), shape: [dim] },
    hiddenW: { value: randomF32(dim * ff, 97, glorot(dim, ff)), shape: [dim, ff] },
    hiddenB: { value: zeros(ff), shape: [ff] },
    backW: { value: randomF32(ff * dim, 98, glorot(ff, dim)), shape: [ff, dim] },
    backB: { value: zeros(dim), shape: [dim] },
    vocabW: { value: randomF32(dim * vocab, 99, glorot(dim, vocab)), shape: [dim, vocab] },
  } satisfies Record<string, { value: Float32Array; shape: number[] }>;
  return { inputs, targets, params };
}

type Params = ReturnType<typeof transformerData>['params'];
export const PARAM_NAMES = Object.keys(transformerData({ batch: 1, steps: 1, dim: 1, heads: 1, ff: 1, vocab: 1 }).params) as (keyof Params)[];

/** The causal mask's fill for a future position (switch in sym, added in tfjs; jax-js's own attention uses -inf). */
const MASKED = -1e9;

// ------------------------------------------------------------------ sym

/** `make` with floatX float32: @sym/nn's layers store their weights as floatX, and the CPU suite leaves floatX at float64. */
function inFloat32<R>(make: () => R): R {
  const was = sym.config.floatX;
  sym.config.floatX = 'float32';
  try {
    return make();
  } finally {
    sym.config.floatX = was;
  }
}

/**
 * sym: the block from @sym/nn's layers (Embedding, LayerNorm, causal
 * MultiHeadAttention, Dense) made from the shared weights, `T.nnet`'s
 * cross-entropy of the softmax, and @sym/nn's `adam` updates, in one
 * `sym.function`. The ids and targets are function arguments on the CPU
 * (as W1/W2/W6's batch) and shared variables on a GPU (a step uploads
 * nothing). The function is made at the first call, so the first call
 * counts building, optimising and compiling it.
 */
export function symTransformerStep(s: TransformerSpec, device: SymDevice): CostStep {
  const d = transformerData(s);
  const { batch, steps, dim, heads, vocab } = s;
  const resident = device !== 'cpu';
  return inFloat32(() => {
    const p = d.params;
    const arr = (k: keyof Params) => sym.array(p[k].value, { shape: p[k].shape });
    const dense = (w: keyof Params, b: keyof Params, activation: 'relu' | null, name: string) => new Dense(arr(w), arr(b), activation, { name });
    const tokens = new Embedding(arr('tokens'), { name: 'tokens' });
    const positions = sym.shared(arr('positions'), { name: 'positions' });
    const norm1 = new LayerNorm(dim, { name: 'norm1', epsilon: LN_EPSILON });
    const projections = { query: dense('queryW', 'queryB', null, 'query'), key: dense('keyW', 'keyB', null, 'key'), value: dense('valueW', 'valueB', null, 'value'), out: dense('outW', 'outB', null, 'out') };
    const attention = new MultiHeadAttention(heads, projections, { causal: true });
    const norm2 = new LayerNorm(dim, { name: 'norm2', epsilon: LN_EPSILON });
    const hidden = dense('hiddenW', 'hiddenB', 'relu', 'hidden');
    const back = dense('backW', 'backB', null, 'back');
    const vocabW = sym.shared(arr('vocabW'), { name: 'vocabW' });

    const idsV = sym.array(d.inputs, { shape: [batch, steps] });
    const targetsV = sym.array(d.targets, { shape: [batch * steps] });
    const ids = resident ? sym.shared(idsV, { name: 'ids' }) : T.imatrix('ids');
    const targets = resident ? sym.shared(targetsV, { name: 'targets' }) : T.ivector('targets');

    const x = tokens.output(ids).add(positions.dimshuffle('x', 0, 1));
    const h = x.add(attention.output(norm1.output(x)));
    const out = h.add(back.output(hidden.output(norm2.output(h))));
    const logits = T.dot(out, vocabW).reshape([batch * steps, vocab]);
    const cost = T.mean(T.nnet.categoricalCrossentropy(T.softmax(logits), targets));
    // the order of PARAM_NAMES
    const params = [tokens.W, positions, norm1.gamma, norm1.beta, ...attention.params, norm2.gamma, norm2.beta, ...hidden.params, ...back.params, vocabW];
    const updates = adam(cost, params, ADAM);
    const inputs = resident ? [] : [ids, targets];
    const args = resident ? [] : [idsV, targetsV];
    let f: sym.SymFunction<sym.NDArray> | undefined;
    const make = () => inFloat32(() => sym.function(inputs, cost, { updates, device }));
    if (device === 'cpu') return () => Number((f ??= make()).sync(...args).item());
    return async () => Number((await (f ??= make())(...args)).item());
  });
}

// ------------------------------------------------------------------ tfjs

/**
 * tfjs without tfjs-layers: the block as tf ops inside the loss that
 * `tf.variableGrads` differentiates, rows (batch * steps, dim) through
 * the dense layers; the heads split as (batch * heads, steps, dim /
 * heads) for two batched `matMul`s; the causal mask added to the scores
 * (-1e9 above the diagonal); LayerNorm from `tf.moments`; the cost from
 * `tf.logSoftmax` against one-hot targets. The embedding is `tf.gather`
 * where the backend has the kernel its gradient needs
 * (UnsortedSegmentSum: cpu, webgpu); tfjs-wasm lacks it, so there the
 * lookup is the one-hot ids times the table.
 *
 * Adam is written in @sym/nn's form as tf ops: tf.train.adam adds epsilon
 * to the bias-corrected second moment (PyTorch's form), not to the raw
 * one with the corrections folded into the step size (Keras's and
 * @sym/nn's), and with epsilon 1e-8 and this model's smallest gradients
 * that moved the second step's cost by 1.4e-5 relative. The update takes
 * the same ops either way; the moments and the powers of the betas stay
 * in variables on the device, as tf.train.adam keeps them.
 */
export async function tfTransformerStep(s: TransformerSpec, backend: 'cpu' | 'wasm' | 'webgpu'): Promise<CostStep> {
  await tf.setBackend(backend);
  await tf.ready();
  const { batch, steps, dim, heads, vocab } = s;
  const dh = dim / heads;
  const rows = batch * steps;
  const d = transformerData(s);
  const v = Object.fromEntries(PARAM_NAMES.map((k) => [k, tf.variable(tf.tensor(d.params[k].value, d.params[k].shape))])) as Record<keyof Params, TF.Variable>;
  const ids = tf.tensor1d(d.inputs, 'int32');
  const gathers = tf.getKernel('UnsortedSegmentSum', backend) !== undefined;
  // int32 one-hots cast: tfjs-wasm 4.22's OneHot ignores a float32 dtype and writes the integers' bits (1 reads 1.4e-45)
  const oneHot = (i: TF.Tensor1D) => tf.cast(tf.oneHot(i, vocab), 'float32');
  const idsOneHot = gathers ? null : oneHot(ids);
  const labels = oneHot(tf.tensor1d(d.targets, 'int32'));
  const future = new Float32Array(steps * steps);
  for (let t = 0; t < steps; t++) for (let u = t + 1; u < steps; u++) future[t * steps + u] = MASKED;
  const mask = tf.tensor2d(future, [steps, steps]);
  const { learningRate, beta1, beta2, epsilon } = ADAM;
  const zerosOf = (k: keyof Params) => tf.variable(tf.zeros(d.params[k].shape), false);
  const m = PARAM_NAMES.map(zerosOf);
  const vs = PARAM_NAMES.map(zerosOf);
  // beta1^t and beta2^t, kept on the device as tf.train.adam keeps them
  const acc1 = tf.variable(tf.scalar(1), false);
  const acc2 = tf.variable(tf.scalar(1), false);

  const layerNorm = (x: TF.Tensor, gamma: TF.Tensor, beta: TF.Tensor) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LN_EPSILON))), gamma), beta);
  };
  const linear = (x: TF.Tensor, W: TF.Tensor, b: TF.Tensor) => tf.add(tf.matMul(x as TF.Tensor2D, W as TF.Tensor2D), b);
  const split = (m: TF.Tensor) => tf.reshape(tf.transpose(tf.reshape(m, [batch, steps, heads, dh]), [0, 2, 1, 3]), [batch * heads, steps, dh]);
  const loss = (): TF.Scalar => {
    const emb = idsOneHot ? tf.matMul(idsOneHot, v.tokens) : tf.gather(v.tokens, ids);
    const x = tf.reshape(tf.add(tf.reshape(emb, [batch, steps, dim]), v.positions), [rows, dim]);
    const a = layerNorm(x, v.norm1Gamma, v.norm1Beta);
    const q = split(linear(a, v.queryW, v.queryB));
    const k = split(linear(a, v.keyW, v.keyB));
    const val = split(linear(a, v.valueW, v.valueB));
    const scores = tf.add(tf.reshape(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)), [batch, heads, steps, steps]), mask);
    const weights = tf.reshape(tf.softmax(scores), [batch * heads, steps, steps]);
    const joined = tf.reshape(tf.transpose(tf.reshape(tf.matMul(weights, val), [batch, heads, steps, dh]), [0, 2, 1, 3]), [rows, dim]);
    const h = tf.add(x, linear(joined, v.outW, v.outB));
    const out = tf.add(h, linear(tf.relu(linear(layerNorm(h, v.norm2Gamma, v.norm2Beta), v.hiddenW, v.hiddenB)), v.backW, v.backB));
    const logits = tf.matMul(out as TF.Tensor2D, v.vocabW as TF.Tensor2D);
    return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1))) as TF.Scalar;
  };
  const vars = PARAM_NAMES.map((k) => v[k]);
  const adamStep = (): TF.Scalar => {
    const { value, grads } = tf.variableGrads(loss, vars);
    tf.tidy(() => {
      acc1.assign(tf.mul(acc1, beta1));
      acc2.assign(tf.mul(acc2, beta2));
      const stepSize = tf.mul(tf.div(tf.sqrt(tf.sub(1, acc2)), tf.sub(1, acc1)), learningRate);
      vars.forEach((p, i) => {
        const g = grads[p.name]!;
        m[i]!.assign(tf.add(tf.mul(m[i]!, beta1), tf.mul(g, 1 - beta1)));
        vs[i]!.assign(tf.add(tf.mul(vs[i]!, beta2), tf.mul(tf.square(g), 1 - beta2)));
        p.assign(tf.sub(p, tf.div(tf.mul(m[i]!, stepSize), tf.add(tf.sqrt(vs[i]!), epsilon))));
      });
    });
    tf.dispose(grads);
    return value;
  };
  return async () => {
    // tfjs runs every op on its one current backend: a step made for another would time the wrong one
    if (tf.getBackend() !== backend) throw new Error(`W9 tfjs-${backend}: the current tfjs backend is ${tf.getBackend()}, expected ${backend}`);
    const cost = adamStep();
    // tfjs-webgpu reads synchronously only through an OffscreenCanvas (a browser API): await the cost there
    const c = backend === 'webgpu' ? (await cost.data())[0]! : cost.dataSync()[0]!;
    cost.dispose();
    return c;
  };
}

// ------------------------------------------------------------------ jax-js

/**
 * jax-js 0.1.25: `np.take` for the embedding (a gather; its gradient a
 * scatter-add), `nn.standardize` for LayerNorm's normalisation (gamma and
 * beta applied after), `nn.relu`, `nn.logSoftmax` against `nn.oneHot`
 * targets. Its `nn.dotProductAttention` (with `isCausal`) goes through
 * `np.einsum`, whose parser calls iterator helpers (`matchAll(...).map`)
 * that Node 20 lacks, so the attention is written from primitives as that
 * function computes it: heads moved ahead of the steps, two batched
 * `np.matmul`s, the future masked with -inf by `np.where` over `np.tri`,
 * `nn.softmax`. It has no optimisers (optax is a separate package): Adam
 * is written out inside the `jit`ted step, in @sym/nn's form (the bias
 * corrections folded into the step size), beta1^t and beta2^t carried
 * from step to step as arrays on the device.
 */
export async function jaxTransformerStep(s: TransformerSpec, device: 'wasm' | 'webgpu'): Promise<CostStep> {
  await jaxInit(device);
  defaultDevice(device);
  const { batch, steps, dim, heads, vocab } = s;
  const dh = dim / heads;
  const d = transformerData(s);
  const ids = np.array(d.inputs, { shape: [batch, steps], dtype: np.int32 });
  const labels = nn.oneHot(np.array(d.targets, { shape: [batch, steps], dtype: np.int32 }), vocab);
  let P: np.Array[] = PARAM_NAMES.map((k) => np.array(d.params[k].value, { shape: d.params[k].shape }));
  let M: np.Array[] = PARAM_NAMES.map((k) => np.zeros(d.params[k].shape));
  let V: np.Array[] = PARAM_NAMES.map((k) => np.zeros(d.params[k].shape));
  // beta1^t and beta2^t, on the device as sym's and tfjs's are
  let acc: np.Array[] = [np.array([1]).reshape([]), np.array([1]).reshape([])];

  const layerNorm = (x: np.Array, gamma: np.Array, beta: np.Array) => nn.standardize(x, -1, { epsilon: LN_EPSILON }).mul(gamma).add(beta);
  const loss = (p: np.Array[], x: np.Array, y: np.Array): np.Array => {
    const [tokens, positions, g1, c1, wq, bq, wk, bk, wv, bv, wo, bo, g2, c2, w1, b1, w2, b2, wVocab] = p;
    const e = np.take(tokens!, x, 0).add(positions!);
    const a = layerNorm(e.ref, g1!, c1!);
    // (batch, steps, dim) -> (batch, heads, steps, dim / heads)
    const split = (m: np.Array) => m.reshape([batch, steps, heads, dh]).transpose([0, 2, 1, 3]);
    const q = split(np.matmul(a.ref, wq!).add(bq!));
    const kT = split(np.matmul(a.ref, wk!).add(bk!)).transpose([0, 1, 3, 2]);
    const v = split(np.matmul(a, wv!).add(bv!));
    const scores = np.where(np.tri(steps, steps, 0, { dtype: np.bool }), np.matmul(q, kT).mul(1 / Math.sqrt(dh)), -Infinity);
    const att = np.matmul(nn.softmax(scores, -1), v).transpose([0, 2, 1, 3]).reshape([batch, steps, dim]);
    const h = e.add(np.matmul(att, wo!).add(bo!));
    const f = np.matmul(nn.relu(np.matmul(layerNorm(h.ref, g2!, c2!), w1!).add(b1!)), w2!).add(b2!);
    const logits = np.matmul(h.add(f), wVocab!);
    return nn.logSoftmax(logits).mul(y).sum(-1).mean().neg();
  };
  const { learningRate, beta1, beta2, epsilon } = ADAM;
  const step = jit((p: np.Array[], m: np.Array[], v: np.Array[], powers: np.Array[], x: np.Array, y: np.Array) => {
    const [cost, g] = valueAndGrad(loss)(tree.ref(p), x, y);
    const acc1 = powers[0]!.mul(beta1);
    const acc2 = powers[1]!.mul(beta2);
    const stepSize = np.sqrt(np.subtract(1, acc2.ref)).div(np.subtract(1, acc1.ref)).mul(learningRate);
    const m2 = tree.map((mm: np.Array, gg: np.Array) => mm.mul(beta1).add(gg.mul(1 - beta1)), m, tree.ref(g));
    const v2 = tree.map((vv: np.Array, gg: np.Array) => vv.mul(beta2).add(np.square(gg).mul(1 - beta2)), v, g);
    const p2 = tree.map((pp: np.Array, mm: np.Array, vv: np.Array) => pp.sub(mm.mul(stepSize.ref).div(np.sqrt(vv).add(epsilon))), p, tree.ref(m2), tree.ref(v2));
    stepSize.dispose();
    return [p2, m2, v2, [acc1, acc2], cost] as [np.Array[], np.Array[], np.Array[], np.Array[], np.Array];
  });
  return async () => {
    const [p2, m2, v2, acc2, cost] = step(P, M, V, acc, ids.ref, labels.ref);
    [P, M, V, acc] = [p2, m2, v2, acc2];
    return (await cost.data())[0]!;
  };
}

// ------------------------------------------------------------------ the workload

const asImpl = (lib: string, make: (quick: boolean) => CostStep | Promise<CostStep>): Impl => ({ lib, prepare: async (q) => make(q) });

export const symTransformer = (device: SymDevice): Impl => asImpl(`sym-${device}`, (q) => symTransformerStep(w9Spec(q), device));
export const tfTransformer = (backend: 'cpu' | 'wasm' | 'webgpu'): Impl => asImpl(`tfjs-${backend}`, (q) => tfTransformerStep(w9Spec(q), backend));
export const jaxTransformer = (device: 'wasm' | 'webgpu'): Impl => asImpl(`jax-js-${device}`, (q) => jaxTransformerStep(w9Spec(q), device));

export const W9_TITLE = (q: boolean) => {
  const s = w9Spec(q);
  return `transformer block training step, batch ${s.batch}, sequence ${s.steps}, width ${s.dim}, ${s.heads} heads, feed-forward ${s.ff}, vocabulary ${s.vocab}, causal, pre-norm, next-token cross-entropy, Adam, float32`;
};

/** W9 for the given implementations; main.ts reports its first call as the row W9-first. */
export const transformer = (impls: Impl[]): Workload => ({ id: 'W9', title: W9_TITLE, unit: 'ms', firstCall: true, impls });

/** The suites' note on W9: what each library runs, and what differs from its own defaults. */
export const W9_NOTE = (quick: boolean) => {
  const s = w9Spec(quick);
  return (
    `W9 (one training step of a pre-norm transformer block: batch ${s.batch}, sequence ${s.steps}, width ${s.dim}, ${s.heads} causal heads, feed-forward ${s.ff} relu, vocabulary ${s.vocab}, token embedding plus a learned table of positions, next-token softmax cross-entropy, Adam lr 1e-3${quick ? '; `--quick`: batch 4, sequence 32, same widths' : ''}): ` +
    "sym builds it from @sym/nn's Embedding, LayerNorm, causal MultiHeadAttention, Dense and `adam`; tfjs as tf ops under `tf.variableGrads`, its embedding `tf.gather` (one-hot ids times the table on wasm, which lacks the UnsortedSegmentSum kernel of gather's gradient), with Adam written in @sym/nn's form (`tf.train.adam` adds epsilon to the bias-corrected second moment, which moved the second cost by 1.4e-5 relative); " +
    "jax-js `jit` of `valueAndGrad`, its attention from primitives (`nn.dotProductAttention` goes through `einsum`, whose parser needs iterator helpers Node 20 lacks) and Adam written out (jax-js has no optimisers). Every library gives the same first 3 costs within 1e-5 relative (bench/src/transformer.test.ts). W9-first: the first call."
  );
};
