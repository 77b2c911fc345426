/** Shared helpers of the tests: run one kernel on a backend, compare with the CPU backend. */
import type { Backend, DType, Kernel, ScalarExpr, TypedArray } from '@sym/graph';
import { allocate, kernelOutputSize } from '@sym/graph';
import { CpuBackend } from '@sym/backend-cpu';
import { GpujsBackend } from '../src/index.js';

export const cpu = new CpuBackend();
export const gpu = new GpujsBackend({ mode: 'headlessgl' });

/** Allocate, upload, compile, run, read back, free: one kernel on one backend. */
export function runKernel(backend: Backend, kernel: Kernel, inputs: readonly TypedArray[]): TypedArray {
  const bufs = inputs.map((data, i) => {
    const b = backend.alloc(kernel.inputs[i]!, data.length);
    backend.write(b, data);
    return b;
  });
  const out = backend.alloc(kernel.out, kernelOutputSize(kernel));
  const exe = backend.compile(kernel);
  backend.run([{ exe, inputs: bufs, output: out }]);
  const result = backend.readSync!(out);
  for (const b of [...bufs, out]) backend.free(b);
  return result;
}

export const load = (input: number, strides: readonly number[], dtype: DType = 'float32', offset = 0): ScalarExpr => ({ kind: 'load', input, strides, offset, dtype });

export function typed(dtype: DType, values: readonly number[]): TypedArray {
  const a = allocate(dtype, values.length);
  a.set(values);
  return a;
}

/** Deterministic pseudo-random values in [lo, hi). */
export function values(n: number, seed = 1, lo = -2, hi = 2): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return lo + ((s >>> 0) / 4294967296) * (hi - lo);
  });
}

/** Largest difference, NaN/Inf matched exactly; values within atol + rtol*|want| pass. */
export function mismatches(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number): string[] {
  const bad: string[] = [];
  if (got.length !== want.length) return [`length ${got.length} vs ${want.length}`];
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      if (!Object.is(g, w) && !(Number.isNaN(g) && Number.isNaN(w))) bad.push(`[${i}] got ${g}, want ${w}`);
      continue;
    }
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) bad.push(`[${i}] got ${g}, want ${w}`);
  }
  return bad.slice(0, 8);
}

/** GL draws (shader launches) of `backend` while `f` runs. */
export async function draws(backend: GpujsBackend, f: () => unknown): Promise<number> {
  const gl = (backend.gpu() as unknown as { context: { drawArrays: (...a: unknown[]) => void } }).context;
  const original = gl.drawArrays;
  let n = 0;
  gl.drawArrays = function (this: unknown, ...a: unknown[]) {
    n++;
    return original.apply(this, a);
  };
  try {
    await f();
  } finally {
    gl.drawArrays = original;
  }
  return n;
}
