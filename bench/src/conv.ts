/**
 * W7: a LeNet-style convolutional layer's training step, float32: 64
 * images of 1 channel 28x28, 20 filters 5x5 ('valid': 24x24 maps), 2x2 max
 * pooling (12x12), a bias and tanh after the pooling as Theano's
 * LeNetConvPoolLayer does, then a dense read-out of the 2,880 features to
 * 10 classes, mean softmax cross-entropy, plain SGD on all four parameters.
 * Every library gets the same images, labels and initial weights (laid out
 * for its own conventions) and returns each step's cost as a number.
 */
import { tf } from './tf.js';
import type * as TF from '@tensorflow/tfjs-core';
import { numpy as np, lax, jit, valueAndGrad, nn, tree, init as jaxInit, defaultDevice } from '@jax-js/jax';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { randomF32 } from './timing.js';
import { SGD_LR, symSgdStep, type CostStep } from './recurrent.js';
import type { SymDevice } from './training.js';
import type { Impl, Workload } from './workloads.js';

const T = sym.T;

export interface ConvSpec {
  readonly batch: number;
  readonly channels: number;
  readonly size: number;
  readonly filters: number;
  readonly filterSize: number;
  readonly pool: number;
  readonly classes: number;
}

/** `--quick` keeps the layer and takes 8 images instead of 64. */
export const w7Spec = (quick: boolean): ConvSpec => ({ batch: quick ? 8 : 64, channels: 1, size: 28, filters: 20, filterSize: 5, pool: 2, classes: 10 });

/** Side of the maps after the 'valid' convolution and after the pooling. */
const convSide = (s: ConvSpec) => s.size - s.filterSize + 1;
const poolSide = (s: ConvSpec) => Math.floor(convSide(s) / s.pool);
/** Features the read-out sees per image. */
const features = (s: ConvSpec) => s.filters * poolSide(s) ** 2;

/**
 * Data in sym's (Theano's) layouts: images NCHW, filters OIHW (applied as
 * a true convolution, conv2d's default filterFlip), the read-out's rows in
 * the order (channel, row, col) that flattening NCHW maps gives.
 */
export function convData(s: ConvSpec) {
  const fanIn = s.channels * s.filterSize ** 2;
  const y = new Float32Array(s.batch * s.classes);
  for (let i = 0; i < s.batch; i++) y[i * s.classes + ((i * 7) % s.classes)] = 1;
  return {
    X: randomF32(s.batch * s.channels * s.size * s.size, 70),
    y,
    F: randomF32(s.filters * fanIn, 71, Math.sqrt(3 / fanIn)),
    bf: new Float32Array(s.filters),
    Wd: randomF32(features(s) * s.classes, 72, Math.sqrt(3 / features(s))),
    bd: new Float32Array(s.classes),
  };
}

/** OIHW filters flipped in both spatial axes: the cross-correlation filters of the same true convolution. */
function flipped(F: Float32Array, s: ConvSpec): Float32Array {
  const k = s.filterSize;
  const out = new Float32Array(F.length);
  for (let oc = 0; oc < s.filters * s.channels; oc++) {
    for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) out[(oc * k + r) * k + c] = F[(oc * k + (k - 1 - r)) * k + (k - 1 - c)]!;
  }
  return out;
}

/** A C-contiguous array of `shape` with its axes permuted (`out` axis i is input axis perm[i]). */
function permute(a: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = shape.map((_, i) => shape.slice(i + 1).reduce((x, y) => x * y, 1));
  const out = new Float32Array(a.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < perm.length; d++) src += idx[d]! * inStrides[perm[d]!]!;
    out[o] = a[src]!;
    for (let d = perm.length - 1; d >= 0 && ++idx[d]! === outShape[d]; d--) idx[d] = 0;
  }
  return out;
}

// ------------------------------------------------------------------ sym

/**
 * sym: `T.nnet.conv2d` (valid, true convolution), `T.signal.pool.pool2d`
 * (max, ignoreBorder), `grad`, one `sym.function` with the SGD updates.
 * Parameters in shared variables; the batch passed at each call on the
 * CPU, held in shared variables on a GPU, as W1/W2 do. The function is
 * made on the first call, which counts building and compiling it.
 */
export function symConvStep(s: ConvSpec, device: SymDevice): CostStep {
  const d = convData(s);
  const resident = device !== 'cpu';
  const k = s.filterSize;
  const Xv = sym.array(d.X, { shape: [s.batch, s.channels, s.size, s.size] });
  const yv = sym.array(d.y, { shape: [s.batch, s.classes] });
  const X = resident ? sym.shared(Xv, { name: 'X' }) : T.ftensor4('X');
  const y = resident ? sym.shared(yv, { name: 'y' }) : T.fmatrix('y');
  const F = sym.shared(sym.array(d.F, { shape: [s.filters, s.channels, k, k] }), { name: 'F' });
  const bf = sym.shared(sym.array(d.bf), { name: 'bf' });
  const Wd = sym.shared(sym.array(d.Wd, { shape: [features(s), s.classes] }), { name: 'Wd' });
  const bd = sym.shared(sym.array(d.bd), { name: 'bd' });
  const conv = T.nnet.conv2d(X, F);
  const pooled = T.signal.pool.pool2d(conv, { ws: [s.pool, s.pool], ignoreBorder: true, mode: 'max' });
  const h = T.tanh(pooled.add(bf.dimshuffle('x', 0, 'x', 'x')));
  const logits = T.dot(h.flatten(2), Wd).add(bd);
  const cost = T.mean(T.sum(y.mul(T.log(T.softmax(logits))), 1)).neg();
  const params = [F, bf, Wd, bd];
  return symSgdStep(cost, params, resident ? [] : [X, y], resident ? [] : [Xv, yv], device);
}

// ------------------------------------------------------------------ tfjs

/**
 * tfjs: `tf.conv2d` and `tf.maxPool` in NHWC (tfjs's layout: its maxPool
 * takes NHWC only, and its CPU conv2d NHWC only), filters HWIO, the
 * read-out's rows permuted to the (row, col, channel) order that flattening
 * NHWC maps gives; `tf.train.sgd(...).minimize` for the gradient and update.
 */
export async function tfConvStep(s: ConvSpec, backend: 'cpu' | 'wasm' | 'webgpu'): Promise<CostStep> {
  await tf.setBackend(backend);
  await tf.ready();
  const d = convData(s);
  const k = s.filterSize;
  const p = poolSide(s);
  const X = tf.tensor4d(permute(d.X, [s.batch, s.channels, s.size, s.size], [0, 2, 3, 1]), [s.batch, s.size, s.size, s.channels]);
  const y = tf.tensor2d(d.y, [s.batch, s.classes]);
  const F = tf.variable(tf.tensor4d(permute(flipped(d.F, s), [s.filters, s.channels, k, k], [2, 3, 1, 0]), [k, k, s.channels, s.filters]));
  const bf = tf.variable(tf.tensor1d(d.bf));
  const WdNhwc = permute(d.Wd, [s.filters, p, p, s.classes], [1, 2, 0, 3]);
  const Wd = tf.variable(tf.tensor2d(WdNhwc, [features(s), s.classes]));
  const bd = tf.variable(tf.tensor1d(d.bd));
  const sgd = tf.train.sgd(SGD_LR);
  const loss = (): TF.Scalar => {
    const conv = tf.conv2d(X, F as TF.Tensor4D, 1, 'valid');
    const pooled = tf.maxPool(conv, s.pool, s.pool, 'valid');
    const h = tf.tanh(tf.add(pooled, bf));
    const logits = tf.add(tf.matMul(tf.reshape(h, [s.batch, features(s)]), Wd), bd);
    return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits)), 1))) as TF.Scalar;
  };
  return async () => {
    const cost = sgd.minimize(loss, true, [F, bf, Wd, bd])!;
    const v = backend === 'webgpu' ? (await cost.data())[0]! : cost.dataSync()[0]!;
    cost.dispose();
    return v;
  };
}

// ------------------------------------------------------------------ jax-js

/**
 * jax-js: `lax.conv` (NCHW images, OIHW filters, a cross-correlation, so
 * it gets the flipped filters), max pooling as `lax.reduceWindow` with
 * `np.max` over each 2x2 window, `valueAndGrad` under `jit`.
 */
export async function jaxConvStep(s: ConvSpec, device: 'wasm' | 'webgpu'): Promise<CostStep> {
  await jaxInit(device);
  defaultDevice(device);
  const d = convData(s);
  const k = s.filterSize;
  const X = np.array(d.X).reshape([s.batch, s.channels, s.size, s.size]);
  const y = np.array(d.y).reshape([s.batch, s.classes]);
  let P: np.Array[] = [np.array(flipped(d.F, s)).reshape([s.filters, s.channels, k, k]), np.array(d.bf), np.array(d.Wd).reshape([features(s), s.classes]), np.array(d.bd)];
  const loss = (params: np.Array[], x: np.Array, t: np.Array): np.Array => {
    const [F, bf, Wd, bd] = params as [np.Array, np.Array, np.Array, np.Array];
    const conv = lax.conv(x, F, [1, 1], 'VALID');
    const pooled = lax.reduceWindow(conv, (w) => np.max(w), [s.pool, s.pool], [s.pool, s.pool]);
    const h = np.tanh(pooled.add(bf.reshape([1, s.filters, 1, 1])));
    const logits = np.matmul(h.reshape([s.batch, features(s)]), Wd).add(bd);
    return np.mean(np.sum(t.mul(nn.logSoftmax(logits)), 1)).mul(-1);
  };
  const step = jit((params: np.Array[], x: np.Array, t: np.Array) => {
    const [cost, g] = valueAndGrad(loss)(tree.ref(params), x, t);
    const next = tree.map((pp: np.Array, gg: np.Array) => pp.sub(gg.mul(SGD_LR)), params, g);
    return [next, cost] as [np.Array[], np.Array];
  });
  return async () => {
    const [next, cost] = step(P, X.ref, y.ref);
    P = next;
    return (await cost.data())[0]!;
  };
}

// ------------------------------------------------------------------ the workload

const asImpl = (lib: string, make: (quick: boolean) => CostStep | Promise<CostStep>): Impl => ({ lib, prepare: async (q) => make(q) });

export const symConv = (device: SymDevice): Impl => asImpl(`sym-${device}`, (q) => symConvStep(w7Spec(q), device));
export const tfConv = (backend: 'cpu' | 'wasm' | 'webgpu'): Impl => asImpl(`tfjs-${backend}`, (q) => tfConvStep(w7Spec(q), backend));
export const jaxConv = (device: 'wasm' | 'webgpu'): Impl => asImpl(`jax-js-${device}`, (q) => jaxConvStep(w7Spec(q), device));

export const W7_TITLE = (q: boolean) => {
  const s = w7Spec(q);
  const c = convSide(s);
  return `LeNet conv layer training step, batch ${s.batch}, ${s.channels}->${s.filters} channels ${s.size}x${s.size}, ${s.filterSize}x${s.filterSize} valid (${c}x${c}), ${s.pool}x${s.pool} max pool, tanh, dense to ${s.classes}, softmax cross-entropy, SGD, float32`;
};

/** W7 for the given implementations; main.ts reports its first call as the row W7-first. */
export const convLayer = (impls: Impl[]): Workload => ({ id: 'W7', title: W7_TITLE, unit: 'ms', firstCall: true, impls });
