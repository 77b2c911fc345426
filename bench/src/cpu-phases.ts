/**
 * `tsx --conditions=@sym/source src/cpu-phases.ts [--quick] [--w1] [--excluding=rewrite,...]`: where the CPU
 * backend's first call of the W2 (or W1) training step goes: building the
 * function (rewrites), the first call (schedule, fusion, kernel compile,
 * cold run), the second call and the steady step; plus the kernel count
 * and how many distinct compiled kernels it took.
 */
import * as sym from '@sym/graph';
import { cpu } from '@sym/backend-cpu';
import { grad } from '@sym/grad';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { randomF32 } from './timing.js';

const T = sym.T;
const quick = process.argv.includes('--quick');
const w1 = process.argv.includes('--w1');
const sizes = w1 ? [2, 4, 1] : quick ? [784, 256, 256, 10] : [784, 1024, 1024, 10];
const batch = w1 ? 1000 : quick ? 64 : 256;

const params: sym.TensorSharedVariable[] = [];
const x = T.fmatrix('x');
let h: sym.TensorVariable = x;
sizes.slice(1).forEach((n, i) => {
  const m = sizes[i]!;
  const last = i === sizes.length - 2;
  if (w1) {
    const W = sym.shared(sym.array(randomF32(n * m, 10 + i), { shape: [n, m] }));
    const b = sym.shared(sym.array(new Float32Array(n).fill(1), { shape: [n, 1] }), { broadcastable: [false, true] });
    params.push(W, b);
    h = T.sigmoid(T.dot(W, h).add(b));
  } else {
    const W = sym.shared(sym.array(randomF32(n * m, 10 + i, Math.sqrt(2 / m)), { shape: [m, n] }));
    const b = sym.shared(sym.array(new Float32Array(n)));
    params.push(W, b);
    const z = T.dot(h, W).add(b);
    h = last ? z : T.relu(z);
  }
});
const classes = sizes[sizes.length - 1]!;
const y = w1 ? T.fvector('y') : T.fmatrix('y');
const cost = w1 ? T.sum(h.sub(y).pow(2)) : T.mean(T.sum(y.mul(T.log(T.softmax(h))), 1)).neg();
const xv = sym.array(randomF32(sizes[0]! * batch, 99), { shape: w1 ? [sizes[0]!, batch] : [batch, sizes[0]!] });
const yd = new Float32Array(w1 ? batch : batch * classes);
for (let i = 0; i < batch; i++) (w1 ? (yd[i] = i % 2) : (yd[i * classes + (i % classes)] = 1));
const yv = w1 ? sym.array(yd) : sym.array(yd, { shape: [batch, classes] });

const t0 = performance.now();
const grads = grad(cost, params);
const updates: [sym.TensorSharedVariable, sym.TensorVariable][] = [];
params.forEach((p, i) => {
  const v = sym.shared(sym.NDArray.zeros(p.valueShape, 'float32'), { broadcastable: p.broadcastable });
  updates.push([p, p.sub(v.mul(0.01))]);
  updates.push([v, v.mul(0.9).add(grads[i]!.mul(0.1))]);
});
// time the backend's compile and run separately
let compileMs = 0;
let compiled = 0;
let runMs = 0;
const compile0 = cpu.compile.bind(cpu);
const run0 = cpu.run.bind(cpu);
cpu.compile = (k) => {
  const s = performance.now();
  const e = compile0(k);
  compileMs += performance.now() - s;
  compiled++;
  return e;
};
// --first-kernels: the slowest launches of the first call
const firstKernels = process.argv.includes('--first-kernels');
let firstCall = true;
const launchTimes: [number, string][] = [];
cpu.run = (l) => {
  const s = performance.now();
  if (firstKernels && firstCall) {
    for (const x of l) {
      const t = performance.now();
      run0([x]);
      const k = x.exe.kernel;
      const what = k.kind === 'matmul' ? `matmul ${k.m}x${k.n}x${k.k}` : `${k.kind} ${k.shape}`;
      launchTimes.push([performance.now() - t, `${what} ${(x.exe as unknown as { source: string }).source.slice(0, 40)}`]);
    }
  } else run0(l);
  runMs += performance.now() - s;
};
// --prof-first=FILE: a CPU profile of function() and the first call only
const profFile = process.argv.find((a) => a.startsWith('--prof-first='))?.slice(13);
const session = profFile ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
// CPU time (all threads of the process): less disturbed than wall time on a shared machine
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
// resident memory: pages first touched (WebAssembly memory grows untouched; each first write faults a page in)
const rssMB = () => process.memoryUsage().rss / 2 ** 20;
const rss1 = rssMB();
const c1 = cpuMs();
const t1 = performance.now();
// --excluding=a,b: rewrites left out (A/B of one rewrite against the rest)
const excluding = process.argv.find((a) => a.startsWith('--excluding='))?.slice(12).split(',');
const f = sym.function([x, y], cost, { updates, ...(excluding && { optimizer: { excluding } }) });
const t2 = performance.now();
const rss2 = rssMB();
f.sync(xv, yv);
const t3 = performance.now();
const rss3 = rssMB();
const c3 = cpuMs();
const first = { compileMs, compiled, runMs };
firstCall = false;
if (firstKernels) for (const [ms, what] of launchTimes.sort((x, y) => y[0] - x[0]).slice(0, 8)) console.log(`first-call launch ${ms.toFixed(1).padStart(7)} ms ${what}`);
if (session) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profFile!, JSON.stringify(profile));
}
runMs = 0;
f.sync(xv, yv);
const t4 = performance.now();
const rss4 = rssMB();
const second = runMs;
const times: number[] = [];
const cpuTimes: number[] = [];
const n = w1 ? Number(process.env.W1_RUNS ?? 2000) : 10;
for (let i = 0; i < n; i++) {
  const s = performance.now();
  const cs = cpuMs();
  f.sync(xv, yv);
  times.push(performance.now() - s);
  cpuTimes.push(cpuMs() - cs);
}
// --calls: each step's time in call order (how many calls the engine takes to reach its optimised code)
if (process.argv.includes('--calls')) console.log(`calls        ${times.map((t) => t.toFixed(1)).join(' ')}`);
times.sort((a, b) => a - b);
// --kernels: time each launch of one more call, with its kind and path
if (process.argv.includes('--kernels')) {
  cpu.run = (ls) => {
    for (const l of ls) {
      // --reps: the mean of 200 launches (kernels of a step may run twice: they recompute the same values)
      const reps = process.argv.includes('--reps') ? 200 : 1;
      const s = performance.now();
      for (let r = 0; r < reps; r++) run0([l]);
      const e = l.exe as unknown as { source: string; kernel: sym.Kernel };
      const k = e.kernel;
      const shape = k.kind === 'matmul' ? `${k.batch}x${k.m}x${k.n}x${k.k} a${k.a.strides} b${k.b.strides}` : k.kind === 'reduce' ? `${k.shape}|${k.reduceShape} ${k.reducer}` : `${k.shape}`;
      console.log(`${((performance.now() - s) / reps).toFixed(4).padStart(9)} ms ${k.kind.padEnd(11)} ${e.source.startsWith('(') ? e.source : '(JS)'} ${shape} ${k.out}`);
      if (process.argv.includes('--source') && !e.source.startsWith('(')) console.log(e.source);
    }
  };
  f.sync(xv, yv);
}
const steady = times[times.length >> 1]!;
cpuTimes.sort((a, b) => a - b);
const steadyCpu = cpuTimes[cpuTimes.length >> 1]!;
const ms = (v: number) => `${v.toFixed(3)} ms`;
console.log(`grad graph   ${ms(t1 - t0)}`);
console.log(`function()   ${ms(t2 - t1)}`);
console.log(`first call   ${ms(t3 - t2)}`);
console.log(`  compile    ${ms(first.compileMs)} (${first.compiled} kernels compiled)`);
console.log(`  run        ${ms(first.runMs)}`);
console.log(`second call  ${ms(t4 - t3)}`);
console.log(`  run        ${ms(second)}`);
console.log(`steady       ${ms(steady)} (median of ${n})`);
console.log(`kernels      ${f.compiled.kernelCount(xv, yv)}`);
console.log(`CPU time     first ${ms(c3 - c1)}, steady ${ms(steadyCpu)}: ratio ${((c3 - c1) / steadyCpu).toFixed(2)}`);
console.log(`W5 ratio     ${((t3 - t1) / steady).toFixed(2)} (function() + first call over steady)`);
const mb = (x: number) => `${x.toFixed(1)} MB`;
console.log(`memory       resident growth: function() ${mb(rss2 - rss1)}, first call ${mb(rss3 - rss2)}, second call ${mb(rss4 - rss3)}`);
process.exit(0);
