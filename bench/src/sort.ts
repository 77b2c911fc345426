/**
 * W8: sorting each row of a (256, 1000) float32 matrix along its last axis.
 * sym: `T.sort` (on the CPU the backend's sort kernel, a radix sort of
 * each row; on WebGPU and gpu.js a bitonic network of elementwise
 * kernels); jax-js:
 * `np.sort` under `jit`; tfjs has no sort, so `tf.topk(x, 1000, true)`:
 * the top k of the whole axis is the axis sorted, largest first. Every
 * library gets the same finite values and returns them sorted, read back
 * on the host; sym's and jax-js's rows ascend, tfjs's descend (the same
 * values reversed: sort.test.ts checks this).
 */
import { tf } from './tf.js';
import { numpy as np, jit, init as jaxInit, defaultDevice } from '@jax-js/jax';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { randomF32 } from './timing.js';
import type { SymDevice } from './training.js';
import type { Impl, Workload } from './workloads.js';

const T = sym.T;

export interface SortSpec {
  readonly rows: number;
  /** The length of the sorted axis. */
  readonly cols: number;
}

/** `--quick` keeps the sorted axis (the network's depth depends on it) and sorts 32 rows instead of 256. */
export const w8Spec = (quick: boolean): SortSpec => ({ rows: quick ? 32 : 256, cols: 1000 });

/** The same values for every library: uniform in (-1, 1), no NaN (tfjs's topk and NumPy's sort would place it differently). */
export const sortData = (s: SortSpec): Float32Array => randomF32(s.rows * s.cols, 80);

/** One call of a library: sorts every row and returns the matrix, row-major, in the library's order. */
export type SortStep = () => Float32Array | Promise<Float32Array>;

/** The order of a library's rows: tfjs's topk gives the largest first. */
export const orderOf = (lib: string): 'ascending' | 'descending' => (lib.startsWith('tfjs-') ? 'descending' : 'ascending');

// ------------------------------------------------------------------ sym

/**
 * sym: one `sym.function` of `T.sort(x, -1)`. The matrix is a function
 * argument on the CPU (as W1/W2/W7's batch; copying its 1 MB in costs well
 * under 0.1 ms) and a shared variable on a GPU (a call uploads nothing).
 * The function is made on the first call, which counts building and
 * compiling it.
 */
export function symSortStep(s: SortSpec, device: SymDevice): SortStep {
  const xv = sym.array(sortData(s), { shape: [s.rows, s.cols] });
  const resident = device !== 'cpu';
  const x = resident ? sym.shared(xv, { name: 'x' }) : T.fmatrix('x');
  const inputs = resident ? [] : [x];
  const args = resident ? [] : [xv];
  let f: sym.SymFunction<sym.NDArray> | undefined;
  const make = () => sym.function(inputs, T.sort(x, -1), { device });
  if (device === 'cpu') return () => (f ??= make()).sync(...args).data as Float32Array;
  return async () => (await (f ??= make())(...args)).data as Float32Array;
}

// ------------------------------------------------------------------ tfjs

/** tfjs: `tf.topk(x, cols, true)`, the whole axis, sorted (largest first); the indices are disposed unread. */
export async function tfSortStep(s: SortSpec, backend: 'cpu' | 'wasm' | 'webgpu'): Promise<SortStep> {
  await tf.setBackend(backend);
  await tf.ready();
  const x = tf.tensor2d(sortData(s), [s.rows, s.cols]);
  return async () => {
    const { values, indices } = tf.topk(x, s.cols, true);
    indices.dispose();
    const out = (backend === 'webgpu' ? await values.data() : values.dataSync()) as Float32Array;
    values.dispose();
    return out;
  };
}

// ------------------------------------------------------------------ jax-js

/** jax-js: `np.sort(x, -1)` under `jit` (jax-js documents its sort as possibly unstable: it does not matter for values). */
export async function jaxSortStep(s: SortSpec, device: 'wasm' | 'webgpu'): Promise<SortStep> {
  await jaxInit(device);
  defaultDevice(device);
  const x = np.array(sortData(s)).reshape([s.rows, s.cols]);
  const f = jit((a: np.Array) => np.sort(a, -1));
  return async () => (await f(x.ref).data()) as Float32Array;
}

// ------------------------------------------------------------------ the workload

const asImpl = (lib: string, make: (quick: boolean) => SortStep | Promise<SortStep>): Impl => ({ lib, prepare: async (q) => make(q) });

export const symSort = (device: SymDevice): Impl => asImpl(`sym-${device}`, (q) => symSortStep(w8Spec(q), device));
export const tfSort = (backend: 'cpu' | 'wasm' | 'webgpu'): Impl => asImpl(`tfjs-${backend}`, (q) => tfSortStep(w8Spec(q), backend));
export const jaxSort = (device: 'wasm' | 'webgpu'): Impl => asImpl(`jax-js-${device}`, (q) => jaxSortStep(w8Spec(q), device));

export const W8_TITLE = (q: boolean) => {
  const s = w8Spec(q);
  return `sort each row of a (${s.rows}, ${s.cols}) float32 matrix (sym T.sort, jax-js np.sort, tfjs topk of the whole axis)`;
};

/** W8 for the given implementations; main.ts reports its first call as the row W8-first. */
export const sorting = (impls: Impl[]): Workload => ({ id: 'W8', title: W8_TITLE, unit: 'ms', firstCall: true, impls });
