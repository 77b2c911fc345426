/**
 * Runs matmul kernels of the kernel IR on the generated WebAssembly SIMD
 * gemm: packs the (possibly strided, transposed, batched) operands into the
 * layout the micro-kernel wants, multiplies, and puts the result through
 * the kernel's output strides. Everything lives in the arena's memory:
 * operands already there are packed where they are (others are copied in
 * first), and a row-major output there with a whole number of panels per
 * row receives C directly.
 */
import type { MatmulKernel, TypedArray } from '@sym/graph';
import { f16round } from '@sym/graph';
import { ROWS, gemmModuleBytes, tileWidth, type GemmType } from './gemm.js';
import { GEMM_TYPES, gemmInstances, type GemmExports } from './gemm-instances.js';
import { MAX_PAGES, Workspace, arena } from './arena.js';
import { gemmJob, helperThread, packOperand, type GemmRound } from './vthreads.js';

/** Whether this engine runs WebAssembly SIMD (checked once by compiling the real module). */
export function wasmSimdAvailable(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(gemmModuleBytes('float32', false, MAX_PAGES));
  } catch {
    return false;
  }
}

/** Below this many multiply-adds a second thread costs more than it saves. */
const THREAD_MIN_WORK = 1 << 21;

const K_BLOCK = 256;
/**
 * Rows of packed A a job takes at a time through all its columns: a 256 x
 * 256 block (256 KB) stays in the core's L2 while every panel of B passes
 * it, where all of a 1024-row A's K block (1 MB) came from L3 for each
 * panel. Best of 40 runs at 1024³ on two threads: 77 -> 80 GFLOP/s.
 */
const M_BLOCK = 256;
/** Jobs a big product is cut into, claimed by either thread: more than two, so that a helper that gets its core late still takes a share. */
const GEMM_JOBS = 8;
const align = (n: number, a: number) => Math.ceil(n / a) * a;

/** Whether the WebAssembly path computes this kernel (same float dtype in and out). */
export function wasmHandles(k: MatmulKernel): boolean {
  return (k.out === 'float32' || k.out === 'float64' || k.out === 'float16') && k.inputs[0] === k.out && k.inputs[1] === k.out;
}

/**
 * The gemm a product runs on: float16 operands live in Float32Arrays (see
 * @sym/graph's dtype.ts), so their products run on the float32 gemm, exact
 * products of halves summed in float32, and the result is rounded to half
 * precision after.
 */
const gemmType = (k: MatmulKernel): GemmType => (k.out === 'float64' ? 'float64' : 'float32');

/** The elements a (rows x cols) operand with these strides reads, relative to its offset: lowest index and count. */
function span(rows: number, rowStride: number, cols: number, colStride: number): { lo: number; length: number } {
  const ends = [rowStride * (rows - 1), colStride * (cols - 1)];
  const lo = Math.min(0, ends[0]!) + Math.min(0, ends[1]!);
  const hi = Math.max(0, ends[0]!) + Math.max(0, ends[1]!);
  return { lo, length: hi - lo + 1 };
}

/** Byte ranges [start, end) intersect. */
const overlaps = (a: TypedArray, b: TypedArray) => a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;

/** The products' packed operands (and C where it cannot go straight to the output), kept up to 32 MB. */
const packing = new Workspace("a matmul's packed operands", 32 << 20);

/**
 * `pack` (see gemm.ts) of a rows x K operand into groups of 2^group rows:
 * whole vectors at a time where the grouped dimension is contiguous
 * (`packRows`) or, for float32, where K is (`packCols`, transposing 4 x 4
 * blocks); element by element otherwise and for the rows past the last
 * whole group, in the loop order that reads the source in order.
 */
/** Elements of the packed A and B, and of C when it cannot go straight into the output (`cIn`). */
function packedLengths(k: MatmulKernel, Np: number, cIn: boolean): { aLen: number; bLen: number; cLen: number } {
  return { aLen: align(k.m, ROWS) * k.k, bLen: k.k * Np, cLen: cIn ? 0 : k.m * Np };
}

/** Tell the packing space what this product will take at its launches (operands in the arena, as a program's are). */
export function expectMatmulWasm(k: MatmulKernel): void {
  const Np = align(k.n, tileWidth(gemmType(k)));
  const { aLen, bLen, cLen } = packedLengths(k, Np, k.outStrides[2] === 1 && k.outStrides[1] === k.n && Np === k.n);
  packing.expect((aLen + bLen + cLen) * (gemmType(k) === 'float32' ? 4 : 8));
}

export function runMatmulWasm(k: MatmulKernel, A: TypedArray, B: TypedArray, out: TypedArray): void {
  const t = gemmType(k);
  const g = gemmInstances()[GEMM_TYPES.indexOf(t)]!;
  const { m: M, n: N, k: K, batch } = k;
  if (K === 0 || M === 0 || N === 0) {
    for (let b = 0; b < batch; b++) for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) out[b * k.outStrides[0] + m * k.outStrides[1] + n * k.outStrides[2]] = 0;
    return;
  }
  const tw = tileWidth(t);
  const es = t === 'float32' ? 4 : 8;
  const Np = align(N, tw);
  const [ab, am, ak] = k.a.strides;
  const [bb, bk, bn] = k.b.strides;
  const [ob, om, on] = k.outStrides;
  const aSpan = span(M, am, K, ak);
  const bSpan = span(K, bk, N, bn);
  const aIn = arena.owns(A);
  const bIn = arena.owns(B);
  // C straight into the output: row-major rows of whole panels, not overlapping an operand (later batches still read them)
  const cIn = arena.owns(out) && on === 1 && om === N && Np === N && !overlaps(out, A) && !overlaps(out, B);
  // scratch, in elements: packed A, packed B, C, and the operands' spans for those outside the arena
  const { aLen, bLen, cLen } = packedLengths(k, Np, cIn);
  const aCopy = aIn ? 0 : align(aSpan.length, 4);
  const bCopy = bIn ? 0 : align(bSpan.length, 4);
  const bytes = (aLen + bLen + cLen + aCopy + bCopy) * es;
  const block = packing.take(bytes);
  try {
    const Ap = block.ptr;
    const Bp = Ap + aLen * es;
    const Cs = Bp + bLen * es;
    const aStage = Cs + cLen * es;
    const bStage = aStage + aCopy * es;
    const mem = t === 'float32' ? new Float32Array(arena.memory.buffer) : new Float64Array(arena.memory.buffer);
    // byte address of an operand's element `base`: where it is, or its span copied to `stage`
    const operandAt = (X: TypedArray, inArena: boolean, base: number, s: { lo: number; length: number }, stage: number): number => {
      if (inArena) return X.byteOffset + base * es;
      mem.set(X.subarray(base + s.lo, base + s.lo + s.length), stage / es);
      return stage - s.lo * es;
    };
    for (let b = 0; b < batch; b++) {
      if (b === 0 || ab !== 0) {
        const src = operandAt(A, aIn, k.a.offset + b * ab, aSpan, aStage);
        // rows past M are zero (the last block's, interleaved with real rows)
        if (M % ROWS !== 0) mem.fill(0, Bp / es - ROWS * K, Bp / es);
        packOperand(g.exports, es, src, am * es, ak * es, M, K, Ap, 2);
      }
      const outBase = b * ob;
      const C = cIn ? out.byteOffset + outBase * es : Cs;
      // Big products are cut into jobs (column ranges, and row ranges where there are few columns) shared with the helper.
      const threaded = M * N * K >= THREAD_MIN_WORK ? helperThread() : null;
      const colParts = threaded ? Math.min(Np / tw, GEMM_JOBS) : 1;
      const colChunk = Math.ceil(Np / tw / colParts) * tw;
      const rowParts = threaded ? Math.max(1, Math.min(Math.floor(M / ROWS), Math.ceil(GEMM_JOBS / Math.ceil(Np / colChunk)))) : 1;
      const rowChunk = align(Math.ceil(M / rowParts), ROWS);
      const jobs = Math.ceil(Np / colChunk) * Math.ceil(M / rowChunk);
      const shared = threaded?.ready() && jobs >= 2;
      let packB: GemmRound['packB'];
      if (b === 0 || bb !== 0) {
        const src = operandAt(B, bIn, k.b.offset + b * bb, bSpan, bStage);
        // shared jobs that each own whole panels of B (one row range each, no padding) pack their own: both threads pack
        if (shared && Math.ceil(M / rowChunk) === 1 && Np === N) packB = { src, rowStride: bn * es, colStride: bk * es };
        else {
          if (Np !== N) mem.fill(0, Bp / es, Bp / es + bLen);
          // Bᵀ (N x K) into panels of tw columns
          packOperand(g.exports, es, src, bn * es, bk * es, N, K, Bp, Math.log2(tw));
        }
      }
      const round: GemmRound = { type: GEMM_TYPES.indexOf(t), A: Ap, B: Bp, C, K, Np, M, rowChunk, rowParts: Math.ceil(M / rowChunk), colChunk, kBlock: K_BLOCK, mBlock: M_BLOCK, jobs, packB };
      // the helper if it has booted (a product never waits for the thread to start)
      if (shared) threaded!.runGemm(round, g.exports);
      else for (let j = 0; j < jobs; j++) gemmJob(g.exports, round, j);
      if (cIn) continue;
      const c0 = Cs / es;
      if (on === 1) for (let m = 0; m < M; m++) out.set(mem.subarray(c0 + m * Np, c0 + m * Np + N), outBase + m * om);
      else for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) out[outBase + m * om + n * on] = mem[c0 + m * Np + n]!;
    }
  } finally {
    packing.give(block);
  }
  if (k.out === 'float16') {
    for (let b = 0; b < batch; b++) {
      for (let m = 0; m < M; m++) {
        for (let n = 0, i = b * ob + m * om; n < N; n++, i += on) out[i] = f16round(out[i]!);
      }
    }
  }
}
