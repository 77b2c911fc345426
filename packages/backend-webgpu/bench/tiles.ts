/**
 * The tiled matmul under several `matmulTile` shapes, at kernel level: for
 * each shape and product, GFLOP/s over back-to-back launches (one submit,
 * one read to wait for them), after checking the product against a float64
 * reference on fresh random data. For tuning DEFAULT_MATMUL_TILE on real
 * hardware: `pnpm bench:tiles` here, or the bundle that bench/device builds.
 *
 * Flags: --quick (256 and 512 only), --tiles=RxCxD:PRxPC,... (replaces the list).
 */
import type { MatmulKernel } from '@sym/graph';
import { DEFAULT_MATMUL_TILE, WebGpuBackend, type MatmulTile } from '../src/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');

function parseTile(s: string): MatmulTile {
  const m = /^(\d+)x(\d+)x(\d+):(\d+)x(\d+)$/.exec(s);
  if (!m) throw new Error(`--tiles: expected RxCxD:PRxPC (for example 64x64x16:4x4), got ${JSON.stringify(s)}`);
  const [rows, cols, depth, perRow, perCol] = m.slice(1).map(Number) as [number, number, number, number, number];
  return { rows, cols, depth, perRow, perCol };
}

const named = args.find((a) => a.startsWith('--tiles='))?.slice(8);
const TILES: MatmulTile[] = named
  ? named.split(',').map(parseTile)
  : [
      DEFAULT_MATMUL_TILE,
      { rows: 32, cols: 32, depth: 32, perRow: 4, perCol: 4 },
      { rows: 64, cols: 64, depth: 16, perRow: 4, perCol: 4 },
      { rows: 64, cols: 64, depth: 16, perRow: 8, perCol: 8 },
      { rows: 128, cols: 64, depth: 16, perRow: 8, perCol: 4 },
      { rows: 128, cols: 128, depth: 8, perRow: 8, perCol: 8 },
    ];

interface Product {
  readonly name: string;
  readonly n: number;
  readonly aT: boolean;
  readonly bT: boolean;
}
const PRODUCTS: Product[] = (quick ? [256, 512] : [1024, 2048, 4096]).flatMap((n) => [
  { name: `${n} A B`, n, aT: false, bT: false },
  ...(n === 1024 || quick ? [{ name: `${n} Aᵀ B`, n, aT: true, bT: false }, { name: `${n} A Bᵀ`, n, aT: false, bT: true }] : []),
]);

function kernelOf(p: Product): MatmulKernel {
  const { n } = p;
  return {
    kind: 'matmul',
    batch: 1,
    m: n,
    n,
    k: n,
    inputs: ['float32', 'float32'],
    acc: 'float32',
    out: 'float32',
    a: { strides: p.aT ? [n * n, 1, n] : [n * n, n, 1], offset: 0 },
    b: { strides: p.bT ? [n * n, 1, n] : [n * n, n, 1], offset: 0 },
    outStrides: [n * n, n, 1],
  };
}

function random(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

/** Relative error of a few sampled outputs against float64 dot products. */
function sampledError(k: MatmulKernel, a: Float32Array, b: Float32Array, got: Float32Array): number {
  const [, am, ak] = k.a.strides;
  const [, bk, bn] = k.b.strides;
  let worst = 0;
  for (let s = 0; s < 64; s++) {
    const i = Math.floor(Math.random() * k.m);
    const j = Math.floor(Math.random() * k.n);
    let want = 0;
    let norm = 0;
    for (let q = 0; q < k.k; q++) {
      const t = a[i * am + q * ak]! * b[q * bk + j * bn]!;
      want += t;
      norm += Math.abs(t);
    }
    worst = Math.max(worst, Math.abs(got[i * k.n + j]! - want) / norm);
  }
  return worst;
}

const label = (t: MatmulTile) => `${t.rows}x${t.cols}x${t.depth}:${t.perRow}x${t.perCol}`;
const fmt = (g: number) => (g < 10 ? g.toFixed(2) : g < 100 ? g.toFixed(1) : g.toFixed(0));

/** One product on one backend: checked once, then timed by `time()` (GFLOP/s, median of 5 batches). */
interface Bench {
  readonly time: () => Promise<number>;
  readonly release: () => void;
}

async function prepare(gpu: WebGpuBackend, p: Product): Promise<Bench> {
  const k = kernelOf(p);
  const a = random(p.n * p.n);
  const b = random(p.n * p.n);
  const [ba, bb, bo] = [gpu.alloc('float32', a.length), gpu.alloc('float32', b.length), gpu.alloc('float32', p.n * p.n)];
  const release = () => [ba, bb, bo].forEach((x) => gpu.free(x));
  gpu.write(ba, a);
  gpu.write(bb, b);
  // poisoned, so an output the kernel never writes shows in the check
  gpu.write(bo, new Float32Array(p.n * p.n).fill(Number.NaN));
  const launch = { exe: gpu.compile(k), inputs: [ba, bb], output: bo };
  gpu.run([launch]);
  const err = sampledError(k, a, b, (await gpu.read(bo)) as Float32Array);
  if (!(err < 1e-4)) {
    release();
    throw new Error(`wrong product: relative error ${err}`);
  }
  const flops = 2 * p.n ** 3;
  const time = async () => {
    // launches per batch: about 150 ms of work, judged from one timed launch, so that reading the product back is a small part
    const t1 = performance.now();
    gpu.run([launch]);
    await gpu.read(bo);
    const per = Math.max(1, Math.min(200, Math.round(150 / (performance.now() - t1))));
    const times: number[] = [];
    // one launch list for every batch: reads after the first sleep through the batch instead of polling (src/wait.ts)
    const batch = Array.from({ length: per }, () => launch);
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      gpu.run(batch);
      await gpu.read(bo);
      times.push((performance.now() - t0) / per);
    }
    times.sort((x, y) => x - y);
    return flops / (times[2]! * 1e6);
  };
  return { time, release };
}

const backends: { tile: MatmulTile; gpu: WebGpuBackend; benches: (Bench | string)[] }[] = [];
let description = '';
for (const tile of TILES) {
  const gpu = new WebGpuBackend({ matmulTile: tile });
  try {
    await gpu.init();
  } catch (e) {
    console.log(`${label(tile)}: refused (${(e as Error).message})`);
    continue;
  }
  description = gpu.describe().device;
  const benches: (Bench | string)[] = [];
  for (const p of PRODUCTS) benches.push(await prepare(gpu, p).catch((e: Error) => `failed: ${e.message.split('\n')[0]}`));
  backends.push({ tile, gpu, benches });
}

// GPUs idle at low clocks: two seconds of products first, or the first tile measured pays for the ramp
const warm = backends[0]?.benches.find((b): b is Bench => typeof b !== 'string');
for (const t0 = performance.now(); warm && performance.now() - t0 < 2000; ) await warm.time();

// two rounds over every tile, interleaved, keeping each cell's better figure: drifting clocks hit every tile alike
const top = backends.map(() => PRODUCTS.map(() => 0));
for (let round = 0; round < 2; round++) {
  for (const [i, { benches }] of backends.entries()) {
    for (const [j, b] of benches.entries()) if (typeof b !== 'string') top[i]![j] = Math.max(top[i]![j]!, await b.time());
  }
}
const results = backends.map(({ tile, benches }, i) => [label(tile), ...benches.map((b, j) => (typeof b === 'string' ? b : fmt(top[i]![j]!)))]);
for (const { gpu, benches } of backends) {
  for (const b of benches) if (typeof b !== 'string') b.release();
  gpu.dispose();
}

console.log(`\nGFLOP/s of the tiled matmul (float32; the better of two interleaved rounds, each the median of 5 batches of back-to-back launches, after a 2 s warm-up) on ${description}\n`);
console.log(`| tile (rows x cols x depth : per invocation) | ${PRODUCTS.map((p) => p.name).join(' | ')} |`);
console.log(`|---|${PRODUCTS.map(() => '---:').join('|')}|`);
for (const r of results) console.log(`| ${r.join(' | ')} |`);
// the tile with the best geometric mean over the products (a failed product counts as zero)
const score = (r: string[]) => r.slice(1).reduce((p, v) => p * (Number(v) || 0), 1) ** (1 / (r.length - 1));
const best = results.reduce<string[] | undefined>((b, r) => (!b || score(r) > score(b) ? r : b), undefined);
if (best) console.log(`\nbest tile: ${best[0]} (geometric mean ${score(best).toFixed(1)} GFLOP/s)`);
process.exit(0);
