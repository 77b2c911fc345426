/**
 * Runs matmul kernels of the kernel IR on the generated WebAssembly SIMD
 * gemm: packs the (possibly strided, transposed, batched) operands into the
 * layout the micro-kernel wants, multiplies, and scatters the result
 * through the kernel's output strides.
 */
import type { MatmulKernel, TypedArray } from '@sym/graph';
import { ROWS, gemmModuleBytes, tileWidth, type GemmType } from './gemm.js';
import { GEMM_MAX_PAGES, GEMM_TYPES, gemmInstances } from './gemm-instances.js';
import { gemmJob, helperThread, type GemmRound } from './vthreads.js';

/** Whether this engine runs WebAssembly SIMD (checked once by compiling the real module). */
export function wasmSimdAvailable(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(gemmModuleBytes('float32', false, GEMM_MAX_PAGES));
  } catch {
    return false;
  }
}

/** Below this many multiply-adds a second thread costs more than it saves. */
const THREAD_MIN_WORK = 1 << 21;

const K_BLOCK = 256;
/** Jobs a big product is cut into, claimed by either thread: more than two, so that a helper that gets its core late still takes a share. */
const GEMM_JOBS = 8;
const align = (n: number, a: number) => Math.ceil(n / a) * a;

/** Whether the WebAssembly path computes this kernel (same float dtype in and out). */
export function wasmHandles(k: MatmulKernel): boolean {
  return (k.out === 'float32' || k.out === 'float64') && k.inputs[0] === k.out && k.inputs[1] === k.out;
}

export function runMatmulWasm(k: MatmulKernel, A: TypedArray, B: TypedArray, out: TypedArray): void {
  const t = k.out as GemmType;
  const g = gemmInstances()[GEMM_TYPES.indexOf(t)]!;
  const { m: M, n: N, k: K, batch } = k;
  if (K === 0 || M === 0 || N === 0) {
    for (let b = 0; b < batch; b++) for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) out[b * k.outStrides[0] + m * k.outStrides[1] + n * k.outStrides[2]] = 0;
    return;
  }
  const Np = align(N, tileWidth(t));
  const aLen = align(M * K, 4);
  const bLen = align(K * Np, 4);
  g.ensure((aLen + bLen + M * Np) * (t === 'float32' ? 4 : 8));
  const mem = g.view();
  const bOff = aLen;
  const cOff = aLen + bLen;
  const [ab, am, ak] = k.a.strides;
  const [bb, bk, bn] = k.b.strides;
  const [ob, om, on] = k.outStrides;
  for (let b = 0; b < batch; b++) {
    if (b === 0 || ab !== 0) {
      const base = k.a.offset + b * ab;
      if (ak === 1) for (let m = 0; m < M; m++) mem.set(A.subarray(base + m * am, base + m * am + K), m * K);
      else for (let m = 0; m < M; m++) for (let q = 0; q < K; q++) mem[m * K + q] = A[base + m * am + q * ak]!;
    }
    if (b === 0 || bb !== 0) {
      const base = k.b.offset + b * bb;
      if (Np !== N) mem.fill(0, bOff, bOff + K * Np);
      if (bn === 1) for (let q = 0; q < K; q++) mem.set(B.subarray(base + q * bk, base + q * bk + N), bOff + q * Np);
      else for (let q = 0; q < K; q++) for (let n = 0; n < N; n++) mem[bOff + q * Np + n] = B[base + q * bk + n * bn]!;
    }
    const es = t === 'float32' ? 4 : 8;
    // Big products are cut into jobs (column ranges, and row ranges where there are few columns) shared with the helper.
    const threaded = M * N * K >= THREAD_MIN_WORK ? helperThread() : null;
    const tw = tileWidth(t);
    const colParts = threaded ? Math.min(Np / tw, GEMM_JOBS) : 1;
    const colChunk = Math.ceil(Np / tw / colParts) * tw;
    const rowParts = threaded ? Math.max(1, Math.min(Math.floor(M / ROWS), Math.ceil(GEMM_JOBS / Math.ceil(Np / colChunk)))) : 1;
    const rowChunk = align(Math.ceil(M / rowParts), ROWS);
    const jobs = Math.ceil(Np / colChunk) * Math.ceil(M / rowChunk);
    const round: GemmRound = { type: GEMM_TYPES.indexOf(t), A: 0, B: bOff * es, C: cOff * es, K, Np, M, rowChunk, rowParts: Math.ceil(M / rowChunk), colChunk, kBlock: K_BLOCK, jobs };
    // the helper if it has booted (a product never waits for the thread to start)
    if (threaded?.ready() && jobs >= 2) threaded.runGemm(round, g.exports);
    else for (let j = 0; j < jobs; j++) gemmJob(g.exports, round, j);
    const view = g.view();
    const outBase = b * ob;
    if (on === 1) for (let m = 0; m < M; m++) out.set(view.subarray(cOff + m * Np, cOff + m * Np + N), outBase + m * om);
    else for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) out[outBase + m * om + n * on] = view[cOff + m * Np + n]!;
  }
}
