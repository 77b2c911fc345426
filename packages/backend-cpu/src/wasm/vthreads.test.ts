// Big vector kernels split their rows with the helper thread: same values as the JavaScript kernels, whatever the row layout.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { ElementwiseKernel, ReduceKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import { CpuBackend } from '../backend.js';
import { helperThread } from './vthreads.js';
import { runKernel } from '../test-kernels.js';

const js = new CpuBackend({ wasm: false });
const simd = new CpuBackend();

function values(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647;
    a[i] = (s / 2147483647) * 8 - 4;
  }
  return a;
}

const load = (input: number, strides: number[]): ScalarExpr => ({ kind: 'load', input, strides, offset: 0, dtype: 'float32' });
const ap = (op: ScalarOpName, ...args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op, args, computeDType: 'float32', dtype: 'float32' });

async function helperReady(): Promise<void> {
  const h = helperThread();
  expect(h).not.toBeNull();
  // a worker boots in well under a second, but the test runner's loaders and a loaded machine can slow it down
  for (let i = 0; i < 3000 && !h!.ready(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(h!.ready()).toBe(true);
}

/** The first element off by more than rtol (relative, absolute below 1), or null. */
function firstMismatch(got: Float32Array, want: Float32Array, rtol: number): string | null {
  for (let i = 0; i < want.length; i++) {
    const ok = Number.isNaN(want[i]!) ? Number.isNaN(got[i]!) : Math.abs(got[i]! - want[i]!) <= rtol * Math.max(1, Math.abs(want[i]!));
    if (!ok) return `[${i}] got ${got[i]}, want ${want[i]}`;
  }
  return null;
}

function close(got: Float32Array, want: Float32Array, rtol: number): void {
  expect(got.length).toBe(want.length);
  expect(firstMismatch(got, want, rtol)).toBeNull();
}

describe('vector kernels on two threads', () => {
  it.each([
    [[1 << 19], 'one long row'],
    [[3, 100_003], 'three rows ending mid-vector'],
    [[1001, 263], 'many short rows of odd length'],
  ])('elementwise over %j (%s)', async (shape) => {
    await helperReady();
    const size = shape.reduce((a, b) => a * b, 1);
    const inner = shape[shape.length - 1]!;
    const x = values(size, 1);
    const b = values(inner, 2);
    const strides = shape.length === 1 ? [1] : [inner, 1];
    const bias = shape.length === 1 ? [1] : [0, 1];
    const k: ElementwiseKernel = { kind: 'elementwise', shape, inputs: ['float32', 'float32'], out: 'float32', expr: ap('exp', ap('add', load(0, strides), load(1, bias))) };
    close((runKernel(simd, k, [x, b], size, { fill: -99 }) as Float32Array), (runKernel(js, k, [x, b], size, { fill: -99 }) as Float32Array), 4e-6);
  });

  it.each([
    ['sum', [], [1 << 19]],
    ['mean', [3], [200_001]],
    ['max', [600], [700]],
    ['min', [2], [4, 70_001]],
  ] as const)('%s keeping %j over %j', async (reducer, shape, reduceShape) => {
    await helperReady();
    const iter = [...shape, ...reduceShape];
    const size = iter.reduce((a, b) => a * b, 1);
    const strides = iter.map((_, d) => iter.slice(d + 1).reduce((a, b) => a * b, 1));
    const x = values(size, 3);
    if (reducer === 'max') x[12345] = Number.NaN;
    const k: ReduceKernel = {
      kind: 'reduce',
      shape: [...shape],
      reduceShape: [...reduceShape],
      reducer,
      inputs: ['float32'],
      acc: reducer === 'sum' || reducer === 'mean' ? 'float64' : 'float32',
      out: 'float32',
      expr: ap('sin', load(0, strides)),
    };
    const outSize = shape.reduce((a: number, b: number) => a * b, 1);
    close((runKernel(simd, k, [x], outSize, { fill: -99 }) as Float32Array), (runKernel(js, k, [x], outSize, { fill: -99 }) as Float32Array), 1e-4);
  });

  it('the helper thread takes part', async () => {
    await helperReady();
    const h = helperThread()!;
    const before = h.helpedJobs();
    const size = 1 << 20;
    const x = values(size, 5);
    const k: ElementwiseKernel = { kind: 'elementwise', shape: [size], inputs: ['float32'], out: 'float32', expr: ap('sin', load(0, [1])) };
    const [a, o] = [simd.alloc('float32', size), simd.alloc('float32', size)];
    simd.write(a, x);
    const exe = simd.compile(k);
    // the threads claim jobs as they come: on a loaded machine the helper may miss a few rounds
    for (let i = 0; i < 200 && h.helpedJobs() === before; i++) {
      simd.run([{ exe, inputs: [a], output: o }]);
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(h.helpedJobs()).toBeGreaterThan(before);
    close(simd.readSync(o) as Float32Array, (runKernel(js, k, [x], size, { fill: -99 }) as Float32Array), 4e-6);
    simd.free(a);
    simd.free(o);
  });

  it('drops the instances of kernels collected in the caller, and helps the next kernel as before', async () => {
    await helperReady();
    const h = helperThread()!;
    const size = 1 << 18;
    const x = values(size, 6);
    const [a, o] = [simd.alloc('float32', size), simd.alloc('float32', size)];
    simd.write(a, x);
    // kernels of their own (another constant each), run once and dropped, in a function whose frame goes
    const runAndDrop = () => {
      for (let i = 0; i < 10; i++) {
        const k: ElementwiseKernel = { kind: 'elementwise', shape: [size], inputs: ['float32'], out: 'float32', expr: ap('mul', load(0, [1]), { kind: 'const', value: i + 0.5, dtype: 'float32' }) };
        simd.run([{ exe: simd.compile(k), inputs: [a], output: o }]);
      }
    };
    runAndDrop();
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    const before = h.helpedJobs();
    const k: ElementwiseKernel = { kind: 'elementwise', shape: [size], inputs: ['float32'], out: 'float32', expr: ap('cos', load(0, [1])) };
    const exe = simd.compile(k);
    for (let i = 0; i < 200 && h.helpedJobs() === before; i++) {
      simd.run([{ exe, inputs: [a], output: o }]);
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(h.helpedJobs()).toBeGreaterThan(before);
    close(simd.readSync(o) as Float32Array, runKernel(js, k, [x], size, { fill: -99 }) as Float32Array, 4e-6);
    simd.free(a);
    simd.free(o);
  });
});

