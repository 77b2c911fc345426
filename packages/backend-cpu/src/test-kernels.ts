/** Test support (not exported): running one kernel on a backend, and seeded operands. */
import type { DType, Kernel, TypedArray } from '@sym/graph';
import type { CpuBackend } from './backend.js';

/**
 * Run `kernel` on `backend` over host operands and read its output of
 * `size` elements; every buffer is freed again. The output buffer is first
 * filled with `fill` (when given) so that unwritten elements show.
 */
export function runKernel(backend: CpuBackend, kernel: Kernel, inputs: readonly TypedArray[], size: number, options: { dtype?: DType; fill?: number } = {}): TypedArray {
  const dtype = options.dtype ?? 'float32';
  const bufs = inputs.map((a, i) => {
    const b = backend.alloc(kernel.inputs[i] ?? dtype, a.length);
    backend.write(b, a);
    return b;
  });
  const out = backend.alloc(dtype, size);
  if (options.fill !== undefined) backend.write(out, backend.readSync(out).fill(options.fill));
  backend.run([{ exe: backend.compile(kernel), inputs: bufs, output: out }]);
  const result = backend.readSync(out);
  for (const b of [...bufs, out]) backend.free(b);
  return result;
}

/** n values in [-1, 1) from a linear congruential generator. */
export function seeded(n: number, seed: number, Ctor: Float32ArrayConstructor | Float64ArrayConstructor = Float32Array): Float32Array {
  const a = new Ctor(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    a[i] = s / 1073741824 - 1;
  }
  return a as Float32Array;
}
