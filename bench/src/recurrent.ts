/**
 * W6: a recurrent net's training step (backpropagation through time),
 * float32. h_t = tanh(x_t U + h_{t-1} W + b) from h_0 = 0 over the
 * sequence, a linear read-out of the last state (h_T V + c), the mean
 * squared error against one target per sequence, and plain SGD on U, W, b,
 * V and c. Every library gets the same data and initial weights, and every
 * step returns its cost as a number (read back each step, as W1/W2 do).
 */
import { tf } from './tf.js';
import type * as TF from '@tensorflow/tfjs-core';
import { numpy as np, jit, valueAndGrad, tree, init as jaxInit, defaultDevice } from '@jax-js/jax';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad } from '@sym/grad';
import { randomF32 } from './timing.js';
import type { SymDevice } from './training.js';
import type { Impl, Workload } from './workloads.js';

const T = sym.T;
/** The SGD step size of W6 and W7. */
export const SGD_LR = 0.01;

export interface RnnSpec {
  readonly steps: number;
  readonly batch: number;
  readonly input: number;
  readonly hidden: number;
}

/** `--quick` keeps the batch and widths and runs 10 steps instead of 50. */
export const w6Spec = (quick: boolean): RnnSpec => ({ steps: quick ? 10 : 50, batch: 32, input: 16, hidden: 64 });

/** One step of a library: runs the training step and returns its cost. */
export type CostStep = () => number | Promise<number>;

/** The same sequences, targets and initial weights for every library; X is (steps, batch, input), time first as scan iterates. */
export function rnnData(s: RnnSpec) {
  return {
    X: randomF32(s.steps * s.batch * s.input, 60),
    y: randomF32(s.batch, 61),
    U: randomF32(s.input * s.hidden, 62, 1 / Math.sqrt(s.input)),
    W: randomF32(s.hidden * s.hidden, 63, 1 / Math.sqrt(s.hidden)),
    b: new Float32Array(s.hidden),
    V: randomF32(s.hidden, 64, 1 / Math.sqrt(s.hidden)),
    c: new Float32Array(1),
  };
}

// ------------------------------------------------------------------ sym

/**
 * sym: `sym.scan` over the sequence, `grad` of the cost through it, one
 * `sym.function` whose updates are the SGD rule. The parameters are shared
 * variables; the batch (X, y) is passed at each call on the CPU (as W1/W2
 * do) and held in shared variables on a GPU (so a step uploads nothing).
 * The function is made on the first call, so that the first call counts
 * building it, unrolling the 50 steps into one program and compiling it.
 */
export function symRnnStep(s: RnnSpec, device: SymDevice): CostStep {
  const d = rnnData(s);
  const resident = device !== 'cpu';
  const Xv = sym.array(d.X, { shape: [s.steps, s.batch, s.input] });
  const yv = sym.array(d.y);
  const X = resident ? sym.shared(Xv, { name: 'X' }) : T.ftensor3('X');
  const y = resident ? sym.shared(yv, { name: 'y' }) : T.fvector('y');
  const U = sym.shared(sym.array(d.U, { shape: [s.input, s.hidden] }), { name: 'U' });
  const W = sym.shared(sym.array(d.W, { shape: [s.hidden, s.hidden] }), { name: 'W' });
  const b = sym.shared(sym.array(d.b), { name: 'b' });
  const V = sym.shared(sym.array(d.V), { name: 'V' });
  const c = sym.shared(sym.array(d.c, { shape: [] }), { name: 'c' });
  const h0 = T.constant(sym.NDArray.zeros([s.batch, s.hidden], 'float32'), { name: 'h0' });
  const [hs] = sym.scan((xt: sym.TensorVariable, h: sym.TensorVariable, U_: sym.TensorVariable, W_: sym.TensorVariable, b_: sym.TensorVariable) => T.tanh(T.dot(xt, U_).add(T.dot(h, W_)).add(b_)), {
    sequences: X,
    outputsInfo: h0,
    nonSequences: [U, W, b],
  });
  const out = T.dot(hs.get(-1), V).add(c);
  const cost = T.mean(out.sub(y).pow(2));
  const params = [U, W, b, V, c];
  return symSgdStep(cost, params, resident ? [] : [X, y], resident ? [] : [Xv, yv], device);
}

/**
 * One SGD step over `params` as one sym function with the updates, made at
 * its first call (so a first call's time includes making it), returning the
 * step's cost; synchronous on the CPU.
 */
export function symSgdStep(cost: sym.TensorVariable, params: readonly sym.TensorSharedVariable[], inputs: sym.TensorVariable[], args: unknown[], device: SymDevice): CostStep {
  const grads = grad(cost, [...params]);
  const updates: [sym.TensorSharedVariable, sym.TensorVariable][] = params.map((p, i) => [p, p.sub(grads[i]!.mul(SGD_LR))]);
  let f: sym.SymFunction<sym.NDArray> | undefined;
  if (device === 'cpu') return () => Number((f ??= sym.function(inputs, cost, { updates, device })).sync(...args).item());
  return async () => Number((await (f ??= sym.function(inputs, cost, { updates, device }))(...args)).item());
}

// ------------------------------------------------------------------ tfjs

/**
 * tfjs without tfjs-layers: the loop as plain ops in JavaScript (one
 * `matMul` pair and a `tanh` per time step) inside the loss that
 * `tf.train.sgd(...).minimize` differentiates (tfjs-core's tape records
 * every step's ops and walks them back). The time steps are sliced once,
 * before timing, as the batch is made before timing.
 */
export async function tfRnnStep(s: RnnSpec, backend: 'cpu' | 'wasm' | 'webgpu'): Promise<CostStep> {
  await tf.setBackend(backend);
  await tf.ready();
  const d = rnnData(s);
  const xs = tf.unstack(tf.tensor3d(d.X, [s.steps, s.batch, s.input]));
  const y = tf.tensor2d(d.y, [s.batch, 1]);
  const U = tf.variable(tf.tensor2d(d.U, [s.input, s.hidden]));
  const W = tf.variable(tf.tensor2d(d.W, [s.hidden, s.hidden]));
  const b = tf.variable(tf.tensor1d(d.b));
  const V = tf.variable(tf.tensor2d(d.V, [s.hidden, 1]));
  const c = tf.variable(tf.tensor1d(d.c));
  const h0 = tf.zeros([s.batch, s.hidden]);
  const sgd = tf.train.sgd(SGD_LR);
  const loss = (): TF.Scalar => {
    let h: TF.Tensor = h0;
    for (const xt of xs) h = tf.tanh(tf.add(tf.add(tf.matMul(xt, U), tf.matMul(h, W)), b));
    return tf.mean(tf.square(tf.sub(tf.add(tf.matMul(h, V), c), y)));
  };
  return async () => {
    const cost = sgd.minimize(loss, true, [U, W, b, V, c])!;
    // tfjs-webgpu reads synchronously only through an OffscreenCanvas (a browser API): await the cost there
    const v = backend === 'webgpu' ? (await cost.data())[0]! : cost.dataSync()[0]!;
    cost.dispose();
    return v;
  };
}

// ------------------------------------------------------------------ jax-js

/**
 * jax-js 0.1.25 has no scan or fori_loop (its `lax` offers convolutions,
 * reduceWindow, dot, linalg): the loop is a JavaScript loop over the time
 * steps inside the loss, which `jit` traces once (unrolling it, as sym's
 * program does) and `valueAndGrad` differentiates. The time steps come in
 * as a list of arrays, sliced before timing.
 */
export async function jaxRnnStep(s: RnnSpec, device: 'wasm' | 'webgpu'): Promise<CostStep> {
  await jaxInit(device);
  defaultDevice(device);
  const d = rnnData(s);
  const xs = Array.from({ length: s.steps }, (_, t) => np.array(d.X.subarray(t * s.batch * s.input, (t + 1) * s.batch * s.input)).reshape([s.batch, s.input]));
  const y = np.array(d.y).reshape([s.batch, 1]);
  let P: np.Array[] = [
    np.array(d.U).reshape([s.input, s.hidden]),
    np.array(d.W).reshape([s.hidden, s.hidden]),
    np.array(d.b),
    np.array(d.V).reshape([s.hidden, 1]),
    np.array(d.c),
  ];
  const loss = (p: np.Array[], x: np.Array[], t: np.Array): np.Array => {
    const [U, W, b, V, c] = p as [np.Array, np.Array, np.Array, np.Array, np.Array];
    let h = np.zeros([s.batch, s.hidden]);
    for (const xt of x) h = np.tanh(np.matmul(xt, U.ref).add(np.matmul(h, W.ref)).add(b.ref));
    U.dispose();
    W.dispose();
    b.dispose();
    return np.mean(np.square(np.matmul(h, V).add(c).sub(t)));
  };
  const step = jit((p: np.Array[], x: np.Array[], t: np.Array) => {
    const [cost, g] = valueAndGrad(loss)(tree.ref(p), x, t);
    const next = tree.map((pp: np.Array, gg: np.Array) => pp.sub(gg.mul(SGD_LR)), p, g);
    return [next, cost] as [np.Array[], np.Array];
  });
  return async () => {
    const [next, cost] = step(P, tree.ref(xs), y.ref);
    P = next;
    return (await cost.data())[0]!;
  };
}

// ------------------------------------------------------------------ the workload

const asImpl = (lib: string, make: (quick: boolean) => CostStep | Promise<CostStep>): Impl => ({ lib, prepare: async (q) => make(q) });

export const symRnn = (device: SymDevice): Impl => asImpl(`sym-${device}`, (q) => symRnnStep(w6Spec(q), device));
export const tfRnn = (backend: 'cpu' | 'wasm' | 'webgpu'): Impl => asImpl(`tfjs-${backend}`, (q) => tfRnnStep(w6Spec(q), backend));
export const jaxRnn = (device: 'wasm' | 'webgpu'): Impl => asImpl(`jax-js-${device}`, (q) => jaxRnnStep(w6Spec(q), device));

export const W6_TITLE = (q: boolean) => {
  const s = w6Spec(q);
  return `RNN training step (BPTT), ${s.steps} steps, batch ${s.batch}, ${s.input}-${s.hidden} tanh, linear read-out, squared error, SGD, float32`;
};

/** W6 for the given implementations; main.ts reports its first call as the row W6-first. */
export const recurrent = (impls: Impl[]): Workload => ({ id: 'W6', title: W6_TITLE, unit: 'ms', firstCall: true, impls });
