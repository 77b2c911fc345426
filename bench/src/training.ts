/**
 * Training-step workloads: W1 (the tutorial MLP, 2-4-1 sigmoid, squared
 * error, 1000 points, momentum), W2 (784-1024-1024-10 relu, mean softmax
 * cross-entropy, batch 256, momentum) and W5 (W2's first call against its
 * steady step). Every library runs the tutorial's momentum rule:
 * p <- p - lr * v_old;  v <- m * v_old + (1 - m) * grad.
 */
import { tf } from './tf.js';
import type * as TF from '@tensorflow/tfjs-core';
import { numpy as np, jit, valueAndGrad, nn, tree, init as jaxInit, defaultDevice } from '@jax-js/jax';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad } from '@sym/grad';
import { randomF32 } from './timing.js';
import type { Impl, Workload } from './workloads.js';

const T = sym.T;
export const LR = 0.01;
export const MOMENTUM = 0.9;

export interface Spec {
  /** Layer sizes, input first. */
  sizes: number[];
  batch: number;
  kind: 'tutorial' | 'classifier';
}

export const W1_SPEC: Spec = { sizes: [2, 4, 1], batch: 1000, kind: 'tutorial' };
export const w2Spec = (quick: boolean): Spec => (quick ? { sizes: [784, 256, 256, 10], batch: 64, kind: 'classifier' } : { sizes: [784, 1024, 1024, 10], batch: 256, kind: 'classifier' });

/** The same data and initial weights for every library. Tutorial: column vectors (features x batch); classifier: rows. */
export function data(spec: Spec) {
  const { sizes, batch } = spec;
  const Ws = sizes.slice(1).map((n, i) => randomF32(n * sizes[i]!, 10 + i, Math.sqrt(2 / sizes[i]!)));
  const bs = sizes.slice(1).map((n) => new Float32Array(n).fill(spec.kind === 'tutorial' ? 1 : 0));
  const X = randomF32(sizes[0]! * batch, 99);
  const classes = sizes[sizes.length - 1]!;
  const y = new Float32Array(spec.kind === 'tutorial' ? batch : batch * classes);
  for (let i = 0; i < batch; i++) {
    if (spec.kind === 'tutorial') y[i] = i % 2;
    else y[i * classes + (i % classes)] = 1;
  }
  return { Ws, bs, X, y };
}

// ------------------------------------------------------------------ sym

/** Where sym runs: the CPU backend, or a GPU backend whose data stay on the device. */
export type SymDevice = 'cpu' | 'webgpu' | 'gpujs';

/**
 * The model and its cost. On the CPU the batch is passed at each call, as
 * in the tutorial; on a GPU it lives in shared variables (as the peers keep
 * their tensors on the device), so a step uploads nothing.
 */
function symModel(spec: Spec, resident: boolean) {
  const { sizes, batch, kind } = spec;
  const d = data(spec);
  const params: sym.TensorSharedVariable[] = [];
  const xv = kind === 'tutorial' ? sym.array(d.X, { shape: [sizes[0]!, batch] }) : sym.array(d.X, { shape: [batch, sizes[0]!] });
  const yv = kind === 'tutorial' ? sym.array(d.y) : sym.array(d.y, { shape: [batch, sizes[sizes.length - 1]!] });
  const x = resident ? sym.shared(xv, { name: 'x' }) : T.fmatrix('x');
  const y = resident ? sym.shared(yv, { name: 'y' }) : kind === 'tutorial' ? T.fvector('y') : T.fmatrix('y');
  let h: sym.TensorVariable = x;
  sizes.slice(1).forEach((n, i) => {
    const m = sizes[i]!;
    const last = i === sizes.length - 2;
    if (kind === 'tutorial') {
      const W = sym.shared(sym.array(d.Ws[i]!, { shape: [n, m] }), { name: `W${i}` });
      const b = sym.shared(sym.array(d.bs[i]!, { shape: [n, 1] }), { name: `b${i}`, broadcastable: [false, true] });
      params.push(W, b);
      h = T.sigmoid(T.dot(W, h).add(b));
    } else {
      const W = sym.shared(sym.array(d.Ws[i]!, { shape: [m, n] }), { name: `W${i}` });
      const b = sym.shared(sym.array(d.bs[i]!), { name: `b${i}` });
      params.push(W, b);
      const z = T.dot(h, W).add(b);
      h = last ? z : T.relu(z);
    }
  });
  const cost = kind === 'tutorial' ? T.sum(h.sub(y).pow(2)) : T.mean(T.sum(y.mul(T.log(T.softmax(h))), 1)).neg();
  const inputs = resident ? [] : [x, y];
  const args = resident ? [] : [xv, yv];
  return { inputs, args, cost, params };
}

function symStep(spec: Spec, device: SymDevice): () => unknown {
  const { inputs, args, cost, params } = symModel(spec, device !== 'cpu');
  const grads = grad(cost, params);
  const updates: [sym.TensorSharedVariable, sym.TensorVariable][] = [];
  params.forEach((p, i) => {
    const v = sym.shared(sym.NDArray.zeros(p.valueShape, 'float32'), { broadcastable: p.broadcastable });
    updates.push([p, p.sub(v.mul(LR))]);
    updates.push([v, v.mul(MOMENTUM).add(grads[i]!.mul(1 - MOMENTUM))]);
  });
  // compiled on the first call, so that W5 counts compilation in the first step
  let f: sym.SymFunction<sym.NDArray> | undefined;
  if (device === 'cpu') return () => (f ??= sym.function(inputs, cost, { updates, device })).sync(...args);
  // GPU backends read asynchronously: the awaited cost is the step's one readback
  return () => (f ??= sym.function(inputs, cost, { updates, device }))(...args);
}

/** One training step of sym on `device` (lib `sym-<device>`). */
export function symTraining(spec: (quick: boolean) => Spec, device: SymDevice): Impl {
  return { lib: `sym-${device}`, prepare: async (q) => symStep(spec(q), device) };
}

/** The cost alone (no gradient, no update) of sym on `device`: the forward pass a hand-written kernel is compared with. */
export function symForward(spec: (quick: boolean) => Spec, device: SymDevice): Impl {
  return {
    lib: `sym-${device}`,
    async prepare(q) {
      const { inputs, args, cost } = symModel(spec(q), device !== 'cpu');
      const f = sym.function(inputs, cost, { device });
      return () => f(...args);
    },
  };
}

// ------------------------------------------------------------------ tfjs

function tfStep(spec: Spec, backend: 'cpu' | 'wasm' | 'webgpu'): Impl {
  return {
    lib: `tfjs-${backend}`,
    async prepare() {
      await tf.setBackend(backend);
      await tf.ready();
      const { sizes, batch, kind } = spec;
      const d = data(spec);
      const vars: TF.Variable[] = [];
      sizes.slice(1).forEach((n, i) => {
        const m = sizes[i]!;
        vars.push(tf.variable(kind === 'tutorial' ? tf.tensor2d(d.Ws[i]!, [n, m]) : tf.tensor2d(d.Ws[i]!, [m, n])));
        vars.push(tf.variable(kind === 'tutorial' ? tf.tensor2d(d.bs[i]!, [n, 1]) : tf.tensor1d(d.bs[i]!)));
      });
      const vel = vars.map((v) => tf.variable(tf.zerosLike(v)));
      const X = kind === 'tutorial' ? tf.tensor2d(d.X, [sizes[0]!, batch]) : tf.tensor2d(d.X, [batch, sizes[0]!]);
      const Y = kind === 'tutorial' ? tf.tensor1d(d.y) : tf.tensor2d(d.y, [batch, sizes[sizes.length - 1]!]);
      const loss = (): TF.Scalar => {
        let h: TF.Tensor = X;
        for (let i = 0; i < vars.length / 2; i++) {
          const W = vars[2 * i]!;
          const b = vars[2 * i + 1]!;
          const last = i === vars.length / 2 - 1;
          if (kind === 'tutorial') h = tf.sigmoid(tf.add(tf.matMul(W, h), b));
          else {
            const z = tf.add(tf.matMul(h, W), b);
            h = last ? z : tf.relu(z);
          }
        }
        if (kind === 'tutorial') return tf.sum(tf.square(tf.sub(h, Y))) as TF.Scalar;
        return tf.neg(tf.mean(tf.sum(tf.mul(Y, tf.logSoftmax(h)), 1))) as TF.Scalar;
      };
      return () => {
        const cost = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(loss, vars);
          vars.forEach((p, i) => {
            const v = vel[i]!;
            p.assign(tf.sub(p, tf.mul(v, LR)));
            v.assign(tf.add(tf.mul(v, MOMENTUM), tf.mul(grads[p.name]!, 1 - MOMENTUM)));
          });
          return value;
        });
        // tfjs-webgpu reads synchronously only through an OffscreenCanvas (a browser API): await the cost there
        if (backend === 'webgpu') return cost.data().then(() => cost.dispose());
        cost.dataSync();
        cost.dispose();
      };
    },
  };
}

// ------------------------------------------------------------------ jax-js

type Params = np.Array[];

function jaxStep(spec: Spec, device: 'wasm' | 'webgpu'): Impl {
  return {
    lib: `jax-js-${device}`,
    async prepare() {
      await jaxInit(device);
      defaultDevice(device);
      const { sizes, batch, kind } = spec;
      const d = data(spec);
      let P: Params = [];
      sizes.slice(1).forEach((n, i) => {
        const m = sizes[i]!;
        P.push(np.array(d.Ws[i]!).reshape(kind === 'tutorial' ? [n, m] : [m, n]));
        P.push(kind === 'tutorial' ? np.array(d.bs[i]!).reshape([n, 1]) : np.array(d.bs[i]!));
      });
      let V: Params = P.map((p) => np.zerosLike(p.ref));
      const X = kind === 'tutorial' ? np.array(d.X).reshape([sizes[0]!, batch]) : np.array(d.X).reshape([batch, sizes[0]!]);
      const Y = kind === 'tutorial' ? np.array(d.y) : np.array(d.y).reshape([batch, sizes[sizes.length - 1]!]);
      const loss = (p: Params, x: np.Array, t: np.Array): np.Array => {
        let h = x;
        for (let i = 0; i < p.length / 2; i++) {
          const last = i === p.length / 2 - 1;
          if (kind === 'tutorial') h = nn.sigmoid(np.matmul(p[2 * i]!, h).add(p[2 * i + 1]!));
          else {
            const z = np.matmul(h, p[2 * i]!).add(p[2 * i + 1]!);
            h = last ? z : nn.relu(z);
          }
        }
        if (kind === 'tutorial') return np.sum(np.square(h.sub(t)));
        return np.mean(np.sum(t.mul(nn.logSoftmax(h)), 1)).mul(-1);
      };
      const step = jit((p: Params, v: Params, x: np.Array, t: np.Array) => {
        const [cost, g] = valueAndGrad(loss)(tree.ref(p), x, t);
        const newP = tree.map((pp: np.Array, vv: np.Array) => pp.sub(vv.mul(LR)), p, tree.ref(v));
        const newV = tree.map((vv: np.Array, gg: np.Array) => vv.mul(MOMENTUM).add(gg.mul(1 - MOMENTUM)), v, g);
        return [newP, newV, cost] as [Params, Params, np.Array];
      });
      return async () => {
        const [p2, v2, cost] = step(P, V, X.ref, Y.ref);
        P = p2;
        V = v2;
        await cost.data();
      };
    },
  };
}

/** One training step of TensorFlow.js on `backend` (lib `tfjs-<backend>`). */
export function tfTraining(spec: (quick: boolean) => Spec, backend: 'cpu' | 'wasm' | 'webgpu'): Impl {
  return { lib: `tfjs-${backend}`, prepare: async (q) => tfStep(spec(q), backend).prepare(q) };
}

/** One jitted training step of jax-js on `device` (lib `jax-js-<device>`). */
export function jaxTraining(spec: (quick: boolean) => Spec, device: 'wasm' | 'webgpu'): Impl {
  return { lib: `jax-js-${device}`, prepare: async (q) => jaxStep(spec(q), device).prepare(q) };
}

function impls(spec: (quick: boolean) => Spec): Impl[] {
  return [symTraining(spec, 'cpu'), tfTraining(spec, 'cpu'), tfTraining(spec, 'wasm'), jaxTraining(spec, 'wasm')];
}

export const sizesOf = (s: Spec) => `${s.sizes.join('-')}, batch ${s.batch}`;

export const W1_TITLE = () => `tutorial MLP training step, ${sizesOf(W1_SPEC)}, float32`;
export const W2_TITLE = (q: boolean) => `MLP training step, ${sizesOf(w2Spec(q))}, relu, softmax cross-entropy, float32`;

export const TRAINING: Workload[] = [
  { id: 'W1', title: W1_TITLE, unit: 'ms', impls: impls(() => W1_SPEC) },
  { id: 'W2', title: W2_TITLE, unit: 'ms', impls: impls(w2Spec) },
  { id: 'W5', title: (q) => `first call / steady step of W2 (${sizesOf(w2Spec(q))})`, unit: 'first/steady', impls: impls(w2Spec) },
];
