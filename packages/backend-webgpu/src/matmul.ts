/**
 * Matmul kernels in WGSL.
 *
 * Large products run a tiled kernel. A workgroup computes a `rows` x `cols`
 * block of the output; each invocation holds `perRow` x `perCol` outputs in
 * registers, spread over the block with a stride so that neighbouring
 * invocations read neighbouring words of workgroup memory and write
 * neighbouring outputs. A and B pass through workgroup memory `depth` steps
 * of k at a time, loaded along whichever of the operand's strides is 1, so
 * the transposed operands that gradients produce (Aᵀ B, A Bᵀ) are read
 * coalesced as well. Where the sizes divide the tile, the bound checks are
 * left out of the shader.
 *
 * Small products run one invocation per output, looping over k: their
 * shaders compile faster and a tile would be mostly empty.
 *
 * The device's tile is the most a product gets (`planMatmul`): a side of
 * the product that fills less than half of the tile's side gets a tile
 * halved on that side, so that a 36864x20 product does not run 128x128
 * blocks that are six-sevenths empty, and a product with few blocks but a
 * long k splits k into slices whose partial products a reduction sums
 * (split-K), so that the device has more than a handful of workgroups to
 * run.
 *
 * An epilogue (gemm's `alpha * A B + beta * C`, a bias and an activation)
 * runs where each output's final sum is stored, in the invocation that
 * holds it: the product never goes through memory, and the launch that
 * would read it back is saved. Its loads index (batch, m, n) of that output.
 *
 * Rendered parametric (params.ts), a matmul reads its sizes, strides,
 * offsets and split from the uniform, checks its bounds whatever its
 * sizes, and keeps its tile, its operands' staging and its epilogue in the
 * code: products that differ only in sizes share one shader.
 */
import type { DType, MatmulKernel, ReduceKernel } from '@sym/graph';
import { isContiguousOver } from '@sym/graph';
import { deviceAcc, valueType } from './dtypes.js';
import { convert, literal, wrap } from './scalar.js';
import { renderStatements, statements } from './statements.js';
import { LITERALS, bindings, offsetExpr, perOutput, store, type Numbers, type RenderLimits } from './shader.js';

/** The shape of the tiled matmul's work: a backend option, for tuning to a device. */
export interface MatmulTile {
  /** Output rows per workgroup. */
  readonly rows: number;
  /** Output columns per workgroup. */
  readonly cols: number;
  /** Steps of k staged through workgroup memory at a time. */
  readonly depth: number;
  /** Output rows per invocation (divides `rows`). */
  readonly perRow: number;
  /** Output columns per invocation (divides `cols`). */
  readonly perCol: number;
}

/**
 * 64x128 blocks of 4x8 per invocation (256 invocations), 16 steps of k per
 * stage: 12.3 KiB of workgroup memory (with `bankPad`), within every device's
 * core limits.
 * Chosen on an NVIDIA H200 (bench/device's sweep: the best geometric mean of
 * eight shapes over 1024^3 A B, Aᵀ B and A Bᵀ; docs/benchmarks.md).
 */
export const DEFAULT_MATMUL_TILE: MatmulTile = { rows: 64, cols: 128, depth: 16, perRow: 4, perCol: 8 };

/**
 * The tile for Mesa's lavapipe, the software Vulkan driver. It runs a
 * workgroup on one CPU thread, its invocations side by side in SIMD lanes,
 * and pays for every barrier: fewer invocations with more outputs each win
 * there. 128x128 blocks of 16x16 per invocation (64 invocations), 8 steps of
 * k per stage: 7.1 GFLOP/s against DEFAULT_MATMUL_TILE's 3.3 on lavapipe on
 * 2 cores, the best of 17 shapes (`pnpm bench:tiles --quick --tiles=...`,
 * products of 256 and 512; docs/benchmarks.md). Not for SwiftShader, the
 * other software adapter: in Chromium it spent three minutes compiling this
 * tile's shader for a 64x96 by 96x80 product and lost the device; with the
 * default tile the product took two seconds. Measured again once reads
 * stopped polling a core away (wait.ts): 12.1-12.8 GFLOP/s, still the best
 * of eight shapes; 256x128 blocks of 32x16 reached 14.2, but a sweep of
 * four tiles with it took 7.5 minutes against 3.5 for seven tiles without
 * (its shaders compile slowly), and every first call would pay that.
 */
export const SOFTWARE_MATMUL_TILE: MatmulTile = { rows: 128, cols: 128, depth: 8, perRow: 16, perCol: 16 };

/** The tile a backend uses when none is given: lavapipe's, or the default. */
export function defaultMatmulTile(lavapipe: boolean): MatmulTile {
  return lavapipe ? SOFTWARE_MATMUL_TILE : DEFAULT_MATMUL_TILE;
}

/** The device limits a tile must fit. */
export interface TileLimits {
  readonly maxComputeInvocationsPerWorkgroup: number;
  readonly maxComputeWorkgroupSizeX: number;
  readonly maxComputeWorkgroupSizeY: number;
  readonly maxComputeWorkgroupStorageSize: number;
}

/** A clear error unless `tile` is well formed and fits `limits`. */
export function checkMatmulTile(tile: MatmulTile, limits: TileLimits): void {
  const what = `webgpu matmulTile ${JSON.stringify(tile)}`;
  for (const key of ['rows', 'cols', 'depth', 'perRow', 'perCol'] as const) {
    const v = tile[key];
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${what}: ${key} must be a positive integer, got ${v}`);
  }
  if (tile.rows % tile.perRow || tile.cols % tile.perCol) {
    throw new RangeError(`${what}: perRow must divide rows and perCol must divide cols`);
  }
  const x = tile.cols / tile.perCol;
  const y = tile.rows / tile.perRow;
  if (x * y > limits.maxComputeInvocationsPerWorkgroup || x > limits.maxComputeWorkgroupSizeX || y > limits.maxComputeWorkgroupSizeY) {
    throw new RangeError(`${what}: needs a ${x}x${y} workgroup, over this device's limit of ${limits.maxComputeInvocationsPerWorkgroup} invocations (${limits.maxComputeWorkgroupSizeX}x${limits.maxComputeWorkgroupSizeY})`);
  }
  // the padding counted as if both operands were staged along k (the most a product's shader takes)
  const bytes = 4 * tile.depth * (tile.rows + bankPad(tile.rows, tile.depth) + tile.cols + bankPad(tile.cols, tile.depth));
  if (bytes > limits.maxComputeWorkgroupStorageSize) {
    throw new RangeError(`${what}: needs ${bytes} bytes of workgroup memory, over this device's ${limits.maxComputeWorkgroupStorageSize}`);
  }
}

/** Below this many multiply-adds a matmul runs one invocation per output: tiling pays for its longer compile only on large products. */
const TILED_MIN_WORK = 64 * 64 * 64;

/** The narrowest side `planMatmul` halves a tile to. */
const MIN_TILE_SIDE = 16;

/**
 * Workgroups below which a tiled product splits k (`planMatmul`). A GPU
 * runs dozens of workgroups at once (an H200 has 132 multiprocessors),
 * lavapipe one per CPU thread; 64 keeps either busy, and a product that
 * already has 64 blocks of the device's tile is not split.
 */
const SPLIT_K_WORKGROUPS = 64;

/**
 * The shortest slice of k a split product computes: each slice writes a
 * partial product of m x n that the reduction reads back, which pays only
 * when the slice's own reads, (m + n) x slice, are larger.
 */
const SPLIT_K_MIN_SLICE = 256;

/** How a tiled product runs: the tile, and the slices of k it is split into (1 when it is not). */
export interface MatmulPlan {
  readonly tile: MatmulTile;
  /** Slices of k computed by separate workgroups into partial products, summed by a reduction after. */
  readonly splits: number;
  /** Steps of k per slice: a multiple of the tile's depth; the last slice may be shorter. */
  readonly slice: number;
}

/**
 * Halve one side of a tile (its size and the outputs per invocation
 * along it, so its invocations stay as many) while half of it still
 * covers the product's side `length`: a 20-column product gets 32-column
 * blocks instead of 128.
 */
function fitSide(size: number, per: number, length: number): [number, number] {
  while (per % 2 === 0 && size % 2 === 0 && size / 2 >= Math.max(length, MIN_TILE_SIDE)) {
    size /= 2;
    per /= 2;
  }
  return [size, per];
}

/**
 * The tile and split of a tiled product `k` on a device whose tile is
 * `base` (undefined for a product that runs one invocation per output).
 *
 * - The tile is `base` where the product covers at least half of it on
 *   both sides (W2's and W3's 256-1024-row products keep lavapipe's
 *   128x128 blocks of 16x16). A side of the product shorter than that
 *   halves the tile's side and its outputs per invocation together
 *   (`fitSide`), down to 16: lavapipe's 128x128:16x16 becomes 128x32:16x4
 *   for a 36864x20 product, the default 64x128:4x8 becomes 64x32:4x2. A
 *   smaller tile also compiles faster: lavapipe's 256 unrolled
 *   accumulators took about 10 s of LLVM each.
 * - k is split when it dwarfs the output (k >= m x n, and at least two
 *   slices of SPLIT_K_MIN_SLICE) and the product has fewer than
 *   SPLIT_K_WORKGROUPS blocks: into enough slices to reach that many
 *   workgroups, each at least that long, and a whole number of depth
 *   steps (only the last slice may end inside one). A filters' gradient
 *   of 25x20 over k = 36864 then runs 64 workgroups of 576 steps instead
 *   of one of 36864. Products whose output is larger than k keep one pass
 *   over k: W2's 256x1024 by 784 has 16 of lavapipe's blocks, enough for
 *   its threads, and splitting it would move figures measured on real
 *   GPUs without a measurement there. Only products whose partial sums
 *   add as the whole sum does are split: float32, int32 and uint32
 *   accumulators (integer sums wrap alike in any order), with a
 *   C-contiguous output (the reduction writes it so).
 */
export function planMatmul(k: MatmulKernel, base: MatmulTile): MatmulPlan | undefined {
  if (!isTiled(k)) return undefined;
  const [rows, perRow] = fitSide(base.rows, base.perRow, k.m);
  const [cols, perCol] = fitSide(base.cols, base.perCol, k.n);
  const tile = rows === base.rows && cols === base.cols ? base : { ...base, rows, cols, perRow, perCol };
  const blocks = k.batch * Math.ceil(k.m / rows) * Math.ceil(k.n / cols);
  const acc = deviceAcc(k.acc);
  const splittable = (acc === 'float32' || acc === 'int32' || acc === 'uint32') && isContiguousOver([k.batch, k.m, k.n], k.outStrides);
  const long = k.k >= 2 * SPLIT_K_MIN_SLICE && k.k >= k.m * k.n;
  if (!splittable || !long || blocks >= SPLIT_K_WORKGROUPS) return { tile, splits: 1, slice: k.k };
  const wanted = Math.min(Math.ceil(SPLIT_K_WORKGROUPS / blocks), Math.floor(k.k / SPLIT_K_MIN_SLICE));
  const slice = Math.ceil(Math.ceil(k.k / wanted) / tile.depth) * tile.depth;
  const splits = Math.ceil(k.k / slice);
  return splits > 1 ? { tile, splits, slice } : { tile, splits: 1, slice: k.k };
}

/**
 * The accumulator's WGSL pieces: bools accumulate as u32 0/1 words.
 * `packed`: the binding holding the epilogue's inputs past the device's
 * limit (render.ts's `pack`), or -1.
 */
function accumulator(k: MatmulKernel, packed: number, nums: Numbers) {
  const acc = deviceAcc(k.acc);
  const isBool = acc === 'bool';
  const value = (v: string, to: DType) => convert(isBool ? `(${v} != 0u)` : v, acc, to);
  return {
    acc,
    wgsl: isBool ? 'u32' : valueType(acc),
    zero: isBool ? '0u' : literal(0, acc),
    toAcc: (code: string, d: DType) => (isBool ? `select(0u, 1u, ${convert(code, d, 'bool')})` : convert(code, d, acc)),
    load: (i: 0 | 1, idx: string) => (k.inputs[i] === 'bool' ? `(in${i}[${idx}] != 0u)` : k.inputs[i] === 'float16' ? `f32(in${i}[${idx}])` : `in${i}[${idx}]`),
    fma: (s: string, x: string, y: string) =>
      acc === 'int64' ? `${s} = i64_add(${s}, i64_mul(${x}, ${y}));` : `${s} = ${wrap(`(${s} + ${wrap(`(${x} * ${y})`, acc)})`, acc)};`,
    /**
     * The statement storing the final sum `v` at `out[at]`, through the
     * epilogue if there is one; `bmn` are WGSL expressions of the output's
     * (batch, m, n), which the epilogue's loads index.
     */
    storeSum: (v: string, at: string, bmn: readonly [string, string, string]): string => {
      const ep = k.epilogue;
      if (!ep) return `out[${at}] = ${store(value(v, k.out), k.out)};`;
      const expr = renderStatements(ep.expr, (s, o) => offsetExpr(bmn, s, o, nums), packed, 'reduced', nums.constant, 'ep_');
      // a block of its own: the tiled kernel stores several sums, each with its `reduced`
      return `{ let reduced: ${valueType(ep.value)} = ${value(v, ep.value)}; ${statements(expr.lets, ' ')}out[${at}] = ${store(convert(expr.value, ep.expr.dtype, k.out), k.out)}; }`;
    },
  };
}

/** Outputs per invocation up to which a tiled matmul writes its epilogue out in the shader (DEFAULT_MATMUL_TILE's 32). */
const INLINE_EPILOGUE_CELLS = 32;

/**
 * Whether the shader of `k` computes its epilogue itself. A tiled shader
 * writes the epilogue out once per output an invocation holds; with
 * lavapipe's tile (256 outputs) that took 30-55 s to compile for a bias and
 * a relu (a loop over an indexed copy of the sums, 8 s, but dynamic indexing
 * of a private array is slow on GPUs). Those products are large, so the
 * backend runs their epilogue as a second dispatch.
 */
export function inlinesEpilogue(k: MatmulKernel, tile: MatmulTile): boolean {
  const plan = planMatmul(k, tile);
  return !plan || plan.tile.perRow * plan.tile.perCol <= INLINE_EPILOGUE_CELLS;
}

/** int64 products run untiled: their emulated multiply-adds, not memory, bound them, and their tiles would be twice the size. */
function isTiled(k: MatmulKernel): boolean {
  return k.m * k.n * k.k >= TILED_MIN_WORK && deviceAcc(k.acc) !== 'int64';
}

/**
 * `packed`: the binding of the epilogue inputs packed past the device's
 * limit, or -1. `split`: render the partial products of `planMatmul`'s
 * slices of k (into an output of splits x batch x m x n, C-contiguous in
 * the accumulator's dtype, which the backend then sums: `splitKReduce`);
 * without it the product is computed whole, however the plan splits it.
 */
export function renderMatmul(k: MatmulKernel, limits: RenderLimits, packed = -1, split = false, nums: Numbers = LITERALS): { code: string; dispatch: [number, number, number] } {
  const plan = planMatmul(k, limits.matmulTile ?? DEFAULT_MATMUL_TILE);
  if (!plan) return renderSmallMatmul(k, limits, packed, nums);
  if (!split) return renderTiledMatmul(k, limits, plan.tile, packed, nums);
  if (k.epilogue || k.out !== deviceAcc(k.acc)) throw new Error(`webgpu: a split matmul's partial products are stored without an epilogue, in its accumulator's dtype (${deviceAcc(k.acc)}); got out ${k.out}${k.epilogue ? ' and an epilogue' : ''}`);
  return renderTiledMatmul(k, limits, plan.tile, packed, nums, plan);
}

/**
 * The kernel summing the partial products of `k` split as `plan` says:
 * a sum over the splits of the partials (read from the input after `k`'s
 * own, as a split epilogue reads the product), that stores into `k`'s
 * output through `k`'s epilogue, whose loads index (batch, m, n) as the
 * reduction's output does. The launch binds `k`'s inputs, then the partials.
 */
export function splitKReduce(k: MatmulKernel, plan: MatmulPlan): ReduceKernel {
  const acc = deviceAcc(k.acc);
  const outputs = k.batch * k.m * k.n;
  const partials = k.inputs.length;
  return {
    kind: 'reduce',
    shape: [k.batch, k.m, k.n],
    reduceShape: [plan.splits],
    reducer: 'sum',
    inputs: [...k.inputs, acc],
    acc,
    out: k.out,
    expr: { kind: 'load', input: partials, strides: [k.m * k.n, k.n, 1, outputs], offset: 0, dtype: acc },
    ...(k.epilogue && { epilogue: k.epilogue }),
  };
}

/** One invocation per output element, looping over k. */
function renderSmallMatmul(k: MatmulKernel, limits: RenderLimits, packed: number, nums: Numbers): { code: string; dispatch: [number, number, number] } {
  const { wgsl, zero, toAcc, load, fma, storeSum } = accumulator(k, packed, nums);
  // called after perOutput's bound and indices have asked for their numbers (the uniform's order)
  const body = () => {
    const [ab, am, ak] = k.a.strides.map((s) => nums.int(s));
    const [bb, bk, bn] = k.b.strides.map((s) => nums.int(s));
    const [ob, om, on] = k.outStrides.map((s) => nums.int(s));
    return `var s: ${wgsl} = ${zero};
  for (var q: i32 = 0; q < ${nums.int(k.k)}; q = q + 1) {
    let x = ${toAcc(load(0, `${nums.int(k.a.offset)} + i0 * ${ab} + i1 * ${am} + q * ${ak}`), k.inputs[0])};
    let y = ${toAcc(load(1, `${nums.int(k.b.offset)} + i0 * ${bb} + q * ${bk} + i2 * ${bn}`), k.inputs[1])};
    ${fma('s', 'x', 'y')}
  }
  ${storeSum('s', `i0 * ${ob} + i1 * ${om} + i2 * ${on}`, ['i0', 'i1', 'i2'])}`;
  };
  return perOutput(k, [k.batch, k.m, k.n], body, limits, packed, nums);
}

/** Banks of workgroup memory on the GPUs that matter (NVIDIA, AMD, Intel, Apple): 32 of 4 bytes. */
const BANKS = 32;

/**
 * Words of padding after each of the `depth` rows of a workgroup tile whose
 * operand is staged along k (`stage`'s `fastK`: A of A B, B of A Bᵀ). There
 * consecutive invocations store consecutive k of one row of the operand, so
 * their words in `tile[k][row]` lie a row of the tile apart: with `outer` a
 * multiple of 32, as every tile's side is, a warp's 32 stores fell into the
 * two banks of its two rows (a 16-way conflict at depth 16), where the Aᵀ B
 * form's stores fill 32 banks. A row stride of ceil(32 / depth) words
 * (modulo 32) gives the invocations of a warp 32 different banks. The
 * reads of the inner loop (a word per row of the invocation, broadcast) are
 * unaffected. On an H200 Aᵀ B ran 2.1-2.3x A B's GFLOP/s
 * (docs/benchmarks.md), and their shaders differ only in how A is staged;
 * what the padding gains there is not yet measured.
 */
export function bankPad(outer: number, depth: number): number {
  const stride = depth >= BANKS ? 1 : Math.ceil(BANKS / depth);
  return (((stride - outer) % BANKS) + BANKS) % BANKS;
}

/**
 * WGSL statements staging one operand's `outer` x `depth` slice into
 * workgroup memory `tile[q][r]`, every invocation loading its share.
 * `fastK`: consecutive invocations take consecutive k (the operand's k
 * stride is 1), else consecutive rows/columns.
 */
function stage(o: {
  tile: string;
  outer: number;
  depth: number;
  threads: number;
  fastK: boolean;
  guard: (r: string, c: string) => string | undefined;
  value: (r: string, c: string) => string;
  zero: string;
}): string {
  const count = o.outer * o.depth;
  const lines: string[] = [];
  for (let l = 0; l * o.threads < count; l++) {
    const e = l === 0 ? 't' : `(t + ${l * o.threads})`;
    const [r, c] = o.fastK ? [`${e} / ${o.depth}`, `${e} % ${o.depth}`] : [`${e} % ${o.outer}`, `${e} / ${o.outer}`];
    const guard = o.guard('r', 'c');
    const body = guard
      ? `let r = ${r}; let c = ${c}; var v = ${o.zero}; if (${guard}) { v = ${o.value('r', 'c')}; } ${o.tile}[c][r] = v;`
      : `let r = ${r}; let c = ${c}; ${o.tile}[c][r] = ${o.value('r', 'c')};`;
    lines.push((l + 1) * o.threads > count ? `if (${e} < ${count}) { ${body} }` : `{ ${body} }`);
  }
  return lines.join('\n    ');
}

/**
 * `split`: the product's slices of k, each workgroup computing one
 * slice's partial product into `out` at (slice, batch, m, n), C-contiguous.
 */
function renderTiledMatmul(k: MatmulKernel, limits: RenderLimits, tile: MatmulTile, packed: number, nums: Numbers, split?: MatmulPlan): { code: string; dispatch: [number, number, number] } {
  const { wgsl, zero, toAcc, load, fma, storeSum } = accumulator(k, packed, nums);
  const { rows, cols, depth, perRow, perCol } = tile;
  const tx = cols / perCol;
  const ty = rows / perRow;
  const threads = tx * ty;
  // the kernel's numbers: literals, or (parametric) names of values read from the uniform once, at the top of main
  const fixed = nums === LITERALS;
  const reads: string[] = [];
  const num = (name: string, value: number): string => {
    if (fixed) return String(value);
    reads.push(`let ${name} = ${nums.int(value)};`);
    return name;
  };
  // which of an operand's strides is 1 decides how it is staged (`fastK`): that stays in the code
  const fastA = k.a.strides[2] === 1 && k.a.strides[1] !== 1;
  const fastB = k.b.strides[1] === 1 && k.b.strides[2] !== 1;
  const [ab, am, ak] = k.a.strides.map((s, d) => num(`pa${d}`, s));
  const [bb, bk, bn] = k.b.strides.map((s, d) => num(`pb${d}`, s));
  const [ob, om, on] = (split ? [k.m * k.n, k.n, 1] : k.outStrides).map((s, d) => num(`po${d}`, s));
  const splits = split?.splits ?? 1;
  const mTiles = Math.max(1, Math.ceil(k.m / rows));
  const nTiles = Math.ceil(k.n / cols);
  const [M, N, K, batch, aOffset, bOffset, rowTiles] = [num('pM', k.m), num('pN', k.n), num('pK', k.k), num('pBatch', k.batch), num('paOffset', k.a.offset), num('pbOffset', k.b.offset), num('pmTiles', mTiles)];
  const [splitRows, splitCount, sliceLength, partialSize] = split ? [num('pSplitRows', mTiles * k.batch), num('pSplits', splits), num('pSlice', split.slice), num('pPartial', k.batch * k.m * k.n)] : [];
  const max = limits.maxWorkgroupsPerDimension;
  if (nTiles > max) throw new RangeError(`webgpu: a matmul with ${k.n} columns needs ${nTiles} workgroups in x, more than the device's ${max}`);
  // rows of blocks: every (slice, batch, block row), folded over y and z
  const blockRows = mTiles * k.batch * splits;
  const rowY = Math.max(1, Math.min(blockRows, max));
  const rowZ = Math.ceil(blockRows / rowY);
  if (rowZ > max) throw new RangeError(`webgpu: a matmul of ${k.batch} x ${k.m} rows needs more workgroups than the device's ${max}^2 grid`);
  // a parametric shader serves every size: its bounds are always checked
  const wholeM = fixed && k.m % rows === 0;
  const wholeN = fixed && k.n % cols === 0;
  const wholeK = fixed && k.k % depth === 0;
  const stageA = stage({
    tile: 'ta',
    outer: rows,
    depth,
    threads,
    fastK: fastA,
    guard: wholeM && wholeK ? () => undefined : (r, c) => `m0 + ${r} < ${M} && k0 + ${c} < ${K}`,
    value: (r, c) => toAcc(load(0, `aBase + (m0 + ${r}) * ${am} + (k0 + ${c}) * ${ak}`), k.inputs[0]),
    zero,
  });
  const stageB = stage({
    tile: 'tb',
    outer: cols,
    depth,
    threads,
    fastK: fastB,
    guard: wholeN && wholeK ? () => undefined : (r, c) => `n0 + ${r} < ${N} && k0 + ${c} < ${K}`,
    value: (r, c) => toAcc(load(1, `bBase + (k0 + ${c}) * ${bk} + (n0 + ${r}) * ${bn}`), k.inputs[1]),
    zero,
  });
  const is = Array.from({ length: perRow }, (_, i) => i);
  const js = Array.from({ length: perCol }, (_, j) => j);
  const cells = is.flatMap((i) => js.map((j) => [i, j] as const));
  const bounded = (row: string, col: string, write: string) => {
    const bounds = [wholeM ? '' : `${row} < ${M}`, wholeN ? '' : `${col} < ${N}`].filter(Boolean);
    return bounds.length ? `if (${bounds.join(' && ')}) { ${write} }` : write;
  };
  const storeAt = (sum: string, row: string, col: string) => storeSum(sum, `oBase + (${row}) * ${om} + (${col}) * ${on}`, ['b', `(${row})`, `(${col})`]);
  // registers unrolled as named scalars: drivers compile straight-line scalars much faster than indexed arrays
  // (an epilogue is written out once per register: see inlinesEpilogue)
  const stores = cells.map(([i, j]) => bounded(`m0 + ly + ${i * ty}`, `n0 + lx + ${j * tx}`, storeAt(`s${i}_${j}`, `m0 + ly + ${i * ty}`, `n0 + lx + ${j * tx}`))).join('\n  ');
  const code = `${bindings(k, packed)}
var<workgroup> ta: array<array<${wgsl}, ${rows + (fastA ? bankPad(rows, depth) : 0)}>, ${depth}>;
var<workgroup> tb: array<array<${wgsl}, ${cols + (fastB ? bankPad(cols, depth) : 0)}>, ${depth}>;
@compute @workgroup_size(${tx}, ${ty})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  ${reads.length ? `${reads.join(' ')}\n  ` : ''}let tileRow = i32(wid.z * nwg.y + wid.y);
  ${split ? `let slice = tileRow / ${splitRows};
  if (slice >= ${splitCount}) { return; }
  let b = (tileRow / ${rowTiles}) % ${batch};
  let kBegin = slice * ${sliceLength};
  let kEnd = min(kBegin + ${sliceLength}, ${K});` : `let b = tileRow / ${rowTiles};
  if (b >= ${batch}) { return; }`}
  let m0 = (tileRow % ${rowTiles}) * ${rows};
  let n0 = i32(wid.x) * ${cols};
  let lx = i32(lid.x);
  let ly = i32(lid.y);
  let t = ly * ${tx} + lx;
  let aBase = ${aOffset} + b * ${ab};
  let bBase = ${bOffset} + b * ${bb};
  let oBase = ${split ? `slice * ${partialSize} + ` : ''}b * ${ob};
  ${cells.map(([i, j]) => `var s${i}_${j}: ${wgsl} = ${zero};`).join(' ')}
  for (var k0: i32 = ${split ? 'kBegin' : '0'}; k0 < ${split ? 'kEnd' : K}; k0 = k0 + ${depth}) {
    ${stageA}
    ${stageB}
    workgroupBarrier();
    for (var q = 0; q < ${depth}; q = q + 1) {
      ${is.map((i) => `let a${i} = ta[q][ly + ${i * ty}];`).join(' ')}
      ${js.map((j) => `let b${j} = tb[q][lx + ${j * tx}];`).join(' ')}
      ${cells.map(([i, j]) => fma(`s${i}_${j}`, `a${i}`, `b${j}`)).join('\n      ')}
    }
    workgroupBarrier();
  }
  ${stores}
}`;
  const empty = k.m === 0 || k.n === 0 || k.batch === 0;
  return { code, dispatch: empty ? [0, 0, 0] : [nTiles, rowY, rowZ] };
}
