/** The benchmark workloads (issue W1-W5; W6-W9 in their own files), each implemented once per library on the same data. */
import { tf } from './tf.js';
import { numpy as np, jit, init as jaxInit, defaultDevice, blockUntilReady } from '@jax-js/jax';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { randomF32 } from './timing.js';
import { TRAINING, type SymDevice } from './training.js';
import { jaxRnn, recurrent, symRnn, tfRnn } from './recurrent.js';
import { convLayer, jaxConv, symConv, tfConv } from './conv.js';
import { jaxSort, sorting, symSort, tfSort } from './sort.js';
import { jaxTransformer, symTransformer, tfTransformer, transformer } from './transformer.js';

const T = sym.T;

export interface Impl {
  readonly lib: string;
  /** Build everything; return the function to time (one step). */
  prepare(quick: boolean): Promise<() => unknown>;
}

export interface Workload {
  readonly id: string;
  readonly title: (quick: boolean) => string;
  readonly unit: 'ms' | 'GFLOP/s' | 'first/steady';
  readonly flops?: (quick: boolean) => number;
  /** Also report each implementation's first call (ms), from the same measurement, as the row `<id>-first`. */
  readonly firstCall?: boolean;
  readonly impls: readonly Impl[];
}

async function jax(device: 'wasm' | 'webgpu'): Promise<void> {
  await jaxInit(device);
  defaultDevice(device);
}

async function tfBackend(name: 'cpu' | 'wasm' | 'webgpu'): Promise<void> {
  await tf.setBackend(name);
  await tf.ready();
}

// ------------------------------------------------------------------ W3: matmul

export type Form = 'AB' | 'ATB' | 'ABT';
export const FORMS: readonly Form[] = ['AB', 'ATB', 'ABT'];
export const matN = (quick: boolean) => (quick ? 256 : 1024);

/** The same two random n x n matrices for every library. */
export const matData = (quick: boolean) => {
  const n = matN(quick);
  return { n, a: randomF32(n * n, 1), b: randomF32(n * n, 2) };
};

/** sym's `dot` in one form; on a GPU the operands are shared variables (resident, as the peers' tensors are). */
export function symMatmul(form: Form, device: SymDevice): Impl {
  return {
    lib: `sym-${device}`,
    async prepare(quick) {
      const { n, a, b } = matData(quick);
      const av = sym.array(a, { shape: [n, n] });
      const bv = sym.array(b, { shape: [n, n] });
      const resident = device !== 'cpu';
      const A = resident ? sym.shared(av, { name: 'A' }) : T.fmatrix('A');
      const B = resident ? sym.shared(bv, { name: 'B' }) : T.fmatrix('B');
      const inputs = resident ? [] : [A, B];
      const args = resident ? [] : [av, bv];
      const f = sym.function(inputs, T.dot(form === 'ATB' ? A.T : A, form === 'ABT' ? B.T : B), { device });
      return device === 'cpu' ? () => f.sync(...args) : () => f(...args);
    },
  };
}

export function tfMatmul(form: Form, backend: 'cpu' | 'wasm' | 'webgpu'): Impl {
  return {
    lib: `tfjs-${backend}`,
    async prepare(quick) {
      await tfBackend(backend);
      const { n, a, b } = matData(quick);
      const A = tf.tensor2d(a, [n, n]);
      const B = tf.tensor2d(b, [n, n]);
      return async () => {
        const c = tf.matMul(A, B, form === 'ATB', form === 'ABT');
        // a GPU backend cannot read synchronously without stalling; the CPU backends read as before
        if (backend === 'webgpu') await c.data();
        else c.dataSync();
        c.dispose();
      };
    },
  };
}

export function jaxMatmul(form: Form, device: 'wasm' | 'webgpu'): Impl {
  return {
    lib: `jax-js-${device}`,
    async prepare(quick) {
      await jax(device);
      const { n, a, b } = matData(quick);
      const A = np.array(a).reshape([n, n]);
      const B = np.array(b).reshape([n, n]);
      const mm = jit((x: np.Array, y: np.Array) => np.matmul(form === 'ATB' ? x.transpose() : x, form === 'ABT' ? y.transpose() : y));
      return async () => {
        const c = mm(A.ref, B.ref);
        await c.data();
      };
    },
  };
}

/** W3 in one form, for the given implementations. */
export const matmul = (form: Form, impls: Impl[]): Workload => ({
  id: `W3-${form}`,
  title: (q) => `${form === 'AB' ? 'A B' : form === 'ATB' ? 'Aᵀ B' : 'A Bᵀ'}, ${matN(q)}x${matN(q)} float32`,
  unit: 'GFLOP/s',
  flops: (q) => 2 * matN(q) ** 3,
  impls,
});

// ------------------------------------------------------------------ W3T: matmul throughput on a GPU

/**
 * Products per W3T call. A W3 call reads its 4 MB product back, and on a
 * real GPU that read takes longer than the product itself. W3T runs
 * PRODUCTS products back to back and reads back only the last one, so the
 * figure measures the kernels.
 */
export const PRODUCTS = 16;

/** sym: the product as the update of a shared variable (a call with no outputs reads nothing back); the last call reads it. */
export function symMatmulThroughput(form: Form, device: Exclude<SymDevice, 'cpu'>): Impl {
  return {
    lib: `sym-${device}`,
    async prepare(quick) {
      const { n, a, b } = matData(quick);
      const A = sym.shared(sym.array(a, { shape: [n, n] }), { name: 'A' });
      const B = sym.shared(sym.array(b, { shape: [n, n] }), { name: 'B' });
      const C = sym.shared(sym.array(new Float32Array(n * n), { shape: [n, n] }), { name: 'C' });
      const f = sym.function([], [], { updates: [[C, T.dot(form === 'ATB' ? A.T : A, form === 'ABT' ? B.T : B)]], device });
      return async () => {
        for (let i = 0; i < PRODUCTS; i++) await f();
        await C.getValueAsync();
      };
    },
  };
}

export function tfMatmulThroughput(form: Form): Impl {
  return {
    lib: 'tfjs-webgpu',
    async prepare(quick) {
      await tfBackend('webgpu');
      const { n, a, b } = matData(quick);
      const A = tf.tensor2d(a, [n, n]);
      const B = tf.tensor2d(b, [n, n]);
      return async () => {
        for (let i = 1; i < PRODUCTS; i++) tf.matMul(A, B, form === 'ATB', form === 'ABT').dispose();
        const c = tf.matMul(A, B, form === 'ATB', form === 'ABT');
        await c.data();
        c.dispose();
      };
    },
  };
}

export function jaxMatmulThroughput(form: Form): Impl {
  return {
    lib: 'jax-js-webgpu',
    async prepare(quick) {
      await jax('webgpu');
      const { n, a, b } = matData(quick);
      const A = np.array(a).reshape([n, n]);
      const B = np.array(b).reshape([n, n]);
      const mm = jit((x: np.Array, y: np.Array) => np.matmul(form === 'ATB' ? x.transpose() : x, form === 'ABT' ? y.transpose() : y));
      return async () => {
        // jax-js computes lazily (an array disposed unread is never computed): realize all of them together, read back the last
        const cs = Array.from({ length: PRODUCTS }, () => mm(A.ref, B.ref));
        await blockUntilReady(cs.slice(0, -1));
        cs.slice(0, -1).forEach((c) => c.dispose());
        await cs[PRODUCTS - 1]!.data();
      };
    },
  };
}

/** W3T in one form: PRODUCTS products per call, one readback. */
export const matmulThroughput = (form: Form, impls: Impl[]): Workload => ({
  id: `W3T-${form}`,
  title: (q) => `${PRODUCTS} x ${form === 'AB' ? 'A B' : form === 'ATB' ? 'Aᵀ B' : 'A Bᵀ'} back to back, ${matN(q)}x${matN(q)} float32, one readback`,
  unit: 'GFLOP/s',
  flops: (q) => PRODUCTS * 2 * matN(q) ** 3,
  impls,
});

const cpuMatmul = (form: Form) => matmul(form, [symMatmul(form, 'cpu'), tfMatmul(form, 'cpu'), tfMatmul(form, 'wasm'), jaxMatmul(form, 'wasm')]);

// ------------------------------------------------------------------ W4: fused elementwise + sum

const w4N = (quick: boolean) => (quick ? 1_000_000 : 10_000_000);

const W4: Workload = {
  id: 'W4',
  title: (q) => `sum(exp(x) * y + sin(x) * 0.5), ${w4N(q).toExponential(0)} float32`,
  unit: 'ms',
  impls: [
    {
      lib: 'sym-cpu',
      async prepare(quick) {
        const n = w4N(quick);
        // the data lives in the library, as the peers' tensors do (shared variables are Theano's way to say so);
        // passed as arguments instead, each call would first copy 80 MB into the WebAssembly memory (~6 ms here)
        const x = sym.shared(sym.array(randomF32(n, 3)), { name: 'x' });
        const y = sym.shared(sym.array(randomF32(n, 4)), { name: 'y' });
        const f = sym.function([], T.sum(T.exp(x).mul(y).add(T.sin(x).mul(0.5))));
        return () => f.sync();
      },
    },
    ...(['cpu', 'wasm'] as const).map(
      (backend): Impl => ({
        lib: `tfjs-${backend}`,
        async prepare(quick) {
          await tfBackend(backend);
          const n = w4N(quick);
          const x = tf.tensor1d(randomF32(n, 3));
          const y = tf.tensor1d(randomF32(n, 4));
          return () => tf.tidy(() => tf.sum(tf.add(tf.mul(tf.exp(x), y), tf.mul(tf.sin(x), 0.5))).dataSync());
        },
      }),
    ),
    {
      lib: 'jax-js-wasm',
      async prepare(quick) {
        await jax('wasm');
        const n = w4N(quick);
        const x = np.array(randomF32(n, 3));
        const y = np.array(randomF32(n, 4));
        const f = jit((a: np.Array, b: np.Array) => np.sum(np.exp(a.ref).mul(b).add(np.sin(a).mul(0.5))));
        return async () => {
          const r = f(x.ref, y.ref);
          await r.data();
        };
      },
    },
  ],
};

// W5 runs first: its first call must find no compiled kernel in any cache.
export const WORKLOADS: Workload[] = [
  TRAINING[2]!,
  ...TRAINING.slice(0, 2),
  ...FORMS.map(cpuMatmul),
  W4,
  recurrent([symRnn('cpu'), tfRnn('cpu'), tfRnn('wasm'), jaxRnn('wasm')]),
  convLayer([symConv('cpu'), tfConv('cpu'), tfConv('wasm'), jaxConv('wasm')]),
  sorting([symSort('cpu'), tfSort('cpu'), tfSort('wasm'), jaxSort('wasm')]),
  transformer([symTransformer('cpu'), tfTransformer('cpu'), tfTransformer('wasm'), jaxTransformer('wasm')]),
];
