/**
 * Where W3T's time goes on a hardware GPU. On the H200, 16 products as 16
 * calls of a sym function ran at 4.3 TFLOP/s while the kernel alone, 16
 * launches in one submit, ran at 14.7: a call cost about 0.5 ms against a
 * 0.14 ms product. This times the steps between the two, one change at a
 * time, each as ms per product over `PRODUCTS` products and one read:
 *
 * - one run: every launch in one submit (the kernel alone, as bench:tiles);
 * - a run each: one submit per launch, into the same output;
 * - a run each, alternating: one submit per launch, into two outputs in
 *   turn (the double buffering of an update);
 * - sym calls: `await f()` per product (W3T's sym loop);
 * - sym calls, not awaited: the calls made back to back, awaited together;
 * - host only: the sym calls without the final read (what the host spends).
 *
 * `node w3t.mjs [--n=1024] [--products=16] [--rounds=5]`; prints the median
 * of the rounds for each.
 */
import * as sym from '@sym/graph';
import { webgpu } from '@sym/backend-webgpu';
import type { Launch, MatmulKernel } from '@sym/graph';

const flag = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const n = flag('n', 1024);
const products = flag('products', 16);
const rounds = flag('rounds', 5);

sym.config.floatX = 'float32';
await webgpu.init();
const random = (len: number) => Float32Array.from({ length: len }, (_, i) => Math.sin(i * 12.9898) * 0.5);
const a = random(n * n);
const b = random(n * n).reverse();

// the raw backend: the tiled product as sym compiles it
const kernel: MatmulKernel = {
  kind: 'matmul',
  batch: 1,
  m: n,
  n,
  k: n,
  inputs: ['float32', 'float32'],
  acc: 'float32',
  out: 'float32',
  a: { strides: [n * n, n, 1], offset: 0 },
  b: { strides: [n * n, n, 1], offset: 0 },
  outStrides: [n * n, n, 1],
};
const exe = webgpu.compile(kernel);
const [ba, bb, c0, c1] = [webgpu.alloc('float32', n * n), webgpu.alloc('float32', n * n), webgpu.alloc('float32', n * n), webgpu.alloc('float32', n * n)];
webgpu.write(ba, a);
webgpu.write(bb, b);
const launchInto = (out: typeof c0): Launch => ({ exe, inputs: [ba, bb], output: out });
const batch = Array.from({ length: products }, () => launchInto(c0));
const single = [launchInto(c0)];
const alternate = [[launchInto(c0)], [launchInto(c1)]];

// sym: W3T's function, an update of C by A B
const A = sym.shared(sym.array(a, { shape: [n, n] }));
const B = sym.shared(sym.array(b, { shape: [n, n] }));
const C = sym.shared(sym.array(new Float32Array(n * n), { shape: [n, n] }));
const f = sym.function([], [], { updates: [[C, sym.T.dot(A, B)]], device: 'webgpu' });

const ways: Record<string, () => Promise<unknown>> = {
  'one run': async () => {
    webgpu.run(batch);
    await webgpu.read(c0);
  },
  'a run each': async () => {
    for (let i = 0; i < products; i++) webgpu.run(single);
    await webgpu.read(c0);
  },
  'a run each, alternating': async () => {
    for (let i = 0; i < products; i++) webgpu.run(alternate[i % 2]!);
    await webgpu.read(c0);
  },
  'sym calls': async () => {
    for (let i = 0; i < products; i++) await f();
    await C.getValueAsync();
  },
  'sym calls, not awaited': async () => {
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < products; i++) calls.push(f());
    await Promise.all(calls);
    await C.getValueAsync();
  },
  'host only': async () => {
    for (let i = 0; i < products; i++) await f();
  },
};

const flops = 2 * n ** 3;
console.log(`W3T's steps on ${webgpu.describe().device}: ${n}³ A B, ${products} products per round, median of ${rounds} rounds`);
for (const [name, way] of Object.entries(ways)) {
  await way(); // warm: pipelines, bind groups, the read's staging buffer
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    await way();
    times.push((performance.now() - t) / products);
  }
  // the host-only way leaves work queued: drain it before the next way is timed
  await C.getValueAsync();
  times.sort((x, y) => x - y);
  const ms = times[rounds >> 1]!;
  // the host's share has no GPU time in it: a rate would mean nothing
  const rate = name === 'host only' ? '' : `  ${(flops / (ms * 1e6)).toFixed(0).padStart(7)} GFLOP/s`;
  console.log(`${name.padEnd(26)} ${ms.toFixed(3).padStart(8)} ms per product${rate}`);
}
webgpu.dispose();
process.exit(0);
