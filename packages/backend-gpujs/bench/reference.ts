/**
 * sym's gpujs backend against hand-written gpu.js kernels doing the same
 * work, and against sym's CPU backend, in one run (issue #7: "no slower than
 * the hand-written gpu.js kernel"). Every timed call is a full call: the
 * host inputs are uploaded, the kernel runs, the result is read back.
 *
 * The hand-written kernels are what a gpu.js user writes: a 2-D output
 * indexed by `this.thread.x/y`, inputs given as `new Input(flat, [n, n])`
 * (no host-side reshaping), constant sizes; the sum is the usual two-pass
 * reduction (1024 partial sums in a pipeline texture, then their sum). They
 * run on the backend's own gpu.js instance, so both share one GL context.
 *
 * Rounds interleave the implementations (hand, gpujs, cpu, hand, ...) and
 * each row reports medians, so a load change on the machine hits all three
 * alike; on a software GL driver only the ratios mean anything.
 *
 * Run: pnpm --filter @sym/backend-gpujs bench [-- --rounds=15 --big]
 */
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import '@sym/opt';
import { Input, type IKernelRunShortcut, type Texture } from 'gpu.js';
import { gpujs } from '../src/index.js';

const T = sym.T;
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}`))?.split('=')[1];
const rounds = Number(arg('rounds') ?? 11);
const big = process.argv.includes('--big');

function data(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
}

const gpu = gpujs.gpu();
const kernel = (source: string, output: [number] | [number, number], pipeline = false): IKernelRunShortcut =>
  gpu.createKernel(source, { output, precision: 'single', tactic: 'precision', pipeline, immutable: pipeline });

interface Row {
  name: string;
  hand: () => unknown;
  sym: (device: 'gpujs' | 'cpu') => () => unknown;
  /** The largest difference allowed between hand and sym results (float32 orders of summation differ). */
  atol: number;
}

function flat(result: unknown): Float32Array {
  if (typeof result === 'number') return Float32Array.of(result);
  if (result instanceof Float32Array) return result;
  if (Array.isArray(result)) {
    const rows = result as Float32Array[];
    const out = new Float32Array(rows.length * rows[0]!.length);
    rows.forEach((r, i) => out.set(r, i * r.length));
    return out;
  }
  return Float32Array.from((result as sym.NDArray).data as ArrayLike<number>);
}

function matmulRow(n: number, transposeB: boolean): Row {
  const a = data(n * n, 1);
  const b = data(n * n, 2);
  const k = kernel(
    `function (a, b) {
      let s = 0.0;
      for (let i = 0; i < ${n}; i++) { s += a[this.thread.y][i] * ${transposeB ? 'b[this.thread.x][i]' : 'b[i][this.thread.x]'}; }
      return s;
    }`,
    [n, n],
  );
  const an = sym.fromTyped(a, [n, n], 'float32');
  const bn = sym.fromTyped(b, [n, n], 'float32');
  return {
    name: `matmul ${n}x${n} @ ${transposeB ? `(${n}x${n}).T` : `${n}x${n}`}`,
    hand: () => k(new Input(a as unknown as number[], [n, n]), new Input(b as unknown as number[], [n, n])),
    sym: (device) => {
      const x = T.matrix('x', 'float32');
      const y = T.matrix('y', 'float32');
      const f = sym.function([x, y], T.dot(x, transposeB ? y.T : y), { device });
      return () => f.sync(an, bn);
    },
    atol: 1e-3,
  };
}

function fusedRow(len: number): Row {
  const v = data(len, 3);
  const k = kernel('function (x) { return Math.exp(x[this.thread.x]) * 2.0 + 1.0; }', [len]);
  const vn = sym.fromTyped(v, [len], 'float32');
  return {
    name: `fused exp(x)*2+1 over ${len}`,
    hand: () => k(v),
    sym: (device) => {
      const x = T.vector('x', 'float32');
      const f = sym.function([x], T.exp(x).mul(2).add(1), { device });
      return () => f.sync(vn);
    },
    atol: 1e-5,
  };
}

function sumRow(len: number, chunk: number): Row {
  const v = data(len, 4);
  const parts = len / chunk;
  const partial = kernel(
    `function (x) {
      let s = 0.0;
      for (let i = 0; i < ${chunk}; i++) { s += x[this.thread.x * ${chunk} + i]; }
      return s;
    }`,
    [parts],
    true,
  );
  const total = kernel(`function (p) { let s = 0.0; for (let i = 0; i < ${parts}; i++) { s += p[i]; } return s; }`, [1]);
  const vn = sym.fromTyped(v, [len], 'float32');
  return {
    name: `sum over ${len}`,
    hand: () => {
      const p = partial(v) as Texture;
      const r = total(p);
      p.delete();
      return r;
    },
    sym: (device) => {
      const x = T.vector('x', 'float32');
      const f = sym.function([x], x.sum(), { device });
      return () => f.sync(vn);
    },
    atol: 2e-2,
  };
}

const median = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1]!;

function time(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

console.log(`gpujs device: ${gpujs.describe().device}; ${rounds} interleaved rounds, medians, full calls (upload, run, read back)`);
const rows: Row[] = [matmulRow(256, false), matmulRow(256, true), fusedRow(1 << 20), sumRow(1 << 20, 1024)];
if (big) rows.push(matmulRow(512, false), matmulRow(1024, false));

const table: string[] = [
  '| work | hand-written gpu.js ms | sym gpujs ms | sym cpu ms | gpujs / hand | gpujs / cpu | gpujs first call ms |',
  '|---|---:|---:|---:|---:|---:|---:|',
];
for (const row of rows) {
  const g = row.sym('gpujs');
  const c = row.sym('cpu');
  const first = time(g);
  // warm-up: every shader built, and the results agree
  const want = flat(row.hand());
  const got = flat(g());
  const diff = want.reduce((m, w, i) => Math.max(m, Math.abs(w - got[i]!)), 0);
  if (want.length !== got.length || !(diff <= row.atol)) {
    throw new Error(`${row.name}: sym gpujs and the hand-written kernel disagree (max difference ${diff}, lengths ${got.length} and ${want.length})`);
  }
  c();
  const t = { hand: [] as number[], gpujs: [] as number[], cpu: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    t.hand.push(time(row.hand));
    t.gpujs.push(time(g));
    t.cpu.push(time(c));
  }
  const [h, s, p] = [median(t.hand), median(t.gpujs), median(t.cpu)];
  const line = `| ${row.name} | ${h.toFixed(1)} | ${s.toFixed(1)} | ${p.toFixed(1)} | ${(s / h).toFixed(2)} | ${(s / p).toFixed(2)} | ${first.toFixed(0)} |`;
  table.push(line);
  console.log(line);
}
console.log(`\n${table.join('\n')}\n\nkernel classes that ran: ${gpujs.kernelClasses().join(', ')}`);
process.exit(0);
