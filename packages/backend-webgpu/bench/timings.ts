/**
 * Rough timings of the WebGPU backend against the CPU backend (run with
 * `pnpm bench` in this package, after `source ../../.cache/mesa/env.sh` on a
 * machine without a GPU). On a software driver only the ratios mean
 * anything. Each figure is the median of several warm calls (compile
 * excluded), reading the result back.
 */
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { webgpu } from '../src/index.js';

sym.config.floatX = 'float32';
const T = sym.T;

function random(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 12.9898) * 0.5;
  return a;
}

async function median(f: () => Promise<unknown>, runs = 7): Promise<number> {
  await f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[runs >> 1]!;
}

async function row(name: string, build: (device: string) => () => Promise<unknown>): Promise<void> {
  const cpu = await median(build('cpu'));
  const gpu = await median(build('webgpu'));
  console.log(`${name.padEnd(36)} cpu ${cpu.toFixed(1).padStart(8)} ms   webgpu ${gpu.toFixed(1).padStart(8)} ms`);
}

const x = T.fvector('x');
const m = T.fmatrix('m');
const big = random(1 << 20);
const mat = sym.fromTyped(random(512 * 512), [512, 512], 'float32');

console.log(`webgpu: ${(await sym.resolveBackend('webgpu')).describe().device}`);
await row('x * 2 + 1, 1M float32', (device) => {
  const f = sym.function([x], x.mul(2).add(1), { device });
  return () => f(big);
});
await row('sum(exp(x)), 1M float32', (device) => {
  const f = sym.function([x], T.sum(T.exp(x)), { device });
  return () => f(big);
});
await row('dot(m, m), 512x512 float32', (device) => {
  const f = sym.function([m], T.dot(m, m), { device });
  return () => f(mat);
});
await row('dot(m.T, m), 512x512 float32', (device) => {
  const f = sym.function([m], T.dot(m.transpose(), m), { device });
  return () => f(mat);
});
await row('softmax rows, 512x512 float32', (device) => {
  const f = sym.function([m], T.softmax(m), { device });
  return () => f(mat);
});
webgpu.dispose();
