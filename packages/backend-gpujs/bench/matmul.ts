/**
 * Speed of gpujs (headless WebGL on the machine's GL driver) against the CPU
 * backend: a 256x256 float32 matmul, a fused elementwise chain and a sum,
 * each called repeatedly after a warm-up (compile excluded), plus the
 * first-call cost (shader compile). Run: pnpm --filter @sym/backend-gpujs bench
 */
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import '@sym/opt';
import '../src/index.js';
import { gpujs } from '../src/index.js';

const T = sym.T;

function data(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
}

async function time(f: () => Promise<unknown>, reps: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await f();
  return (performance.now() - t0) / reps;
}

async function bench(name: string, build: (device: string) => { call: () => Promise<unknown> }, reps: number): Promise<void> {
  const row: Record<string, number> = {};
  for (const device of ['cpu', 'gpujs']) {
    const { call } = build(device);
    const t0 = performance.now();
    await call();
    row[`${device} first call ms`] = performance.now() - t0;
    await call();
    row[`${device} ms`] = await time(call, reps);
  }
  const ratio = row['gpujs ms']! / row['cpu ms']!;
  console.log(
    `${name.padEnd(34)} cpu ${row['cpu ms']!.toFixed(2).padStart(8)} ms   gpujs ${row['gpujs ms']!.toFixed(2).padStart(8)} ms   gpujs/cpu ${ratio.toFixed(2).padStart(6)}   first call: cpu ${row['cpu first call ms']!.toFixed(0)} ms, gpujs ${row['gpujs first call ms']!.toFixed(0)} ms`,
  );
}

const n = 256;
const a = sym.fromTyped(data(n * n, 1), [n, n], 'float32');
const b = sym.fromTyped(data(n * n, 2), [n, n], 'float32');
const v = sym.fromTyped(data(1 << 20, 3), [1 << 20], 'float32');

console.log(`gpujs device: ${gpujs.describe().device}`);
await bench('matmul 256x256 @ 256x256', (device) => {
  const x = T.matrix('x', 'float32');
  const y = T.matrix('y', 'float32');
  const f = sym.function([x, y], T.dot(x, y), { device });
  return { call: () => f(a, b) };
}, 10);
await bench('matmul 256x256 @ (256x256).T', (device) => {
  const x = T.matrix('x', 'float32');
  const y = T.matrix('y', 'float32');
  const f = sym.function([x, y], T.dot(x, y.T), { device });
  return { call: () => f(a, b) };
}, 10);
await bench('fused exp(x)*2+1 over 1M', (device) => {
  const x = T.vector('x', 'float32');
  const f = sym.function([x], T.exp(x).mul(2).add(1), { device });
  return { call: () => f(v) };
}, 10);
await bench('sum over 1M', (device) => {
  const x = T.vector('x', 'float32');
  const f = sym.function([x], x.sum(), { device });
  return { call: () => f(v) };
}, 5);
console.log(`kernel classes that ran: ${gpujs.kernelClasses().join(', ')}`);
process.exit(0);
