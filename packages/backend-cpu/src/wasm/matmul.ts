/**
 * Runs matmul kernels of the kernel IR on the generated WebAssembly SIMD
 * gemm: packs the (possibly strided, transposed, batched) operands into the
 * layout the micro-kernel wants, multiplies, and scatters the result
 * through the kernel's output strides.
 */
import type { MatmulKernel, TypedArray } from '@sym/graph';
import { ROWS, gemmModuleBytes, tileWidth, type GemmType } from './gemm.js';
import { GemmHelper } from './worker.js';

const PAGE = 65536;
const MAX_PAGES = 32768; // 2 GiB

interface GemmExports {
  gemm4(A: number, B: number, C: number, K: number, Np: number, rowStart: number, rowEnd: number, kStart: number, kLen: number): void;
  gemm1(A: number, B: number, C: number, K: number, Np: number, rowStart: number, rowEnd: number, kStart: number, kLen: number): void;
}

/** Whether this engine runs WebAssembly SIMD (checked once by compiling the real module). */
export function wasmSimdAvailable(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(gemmModuleBytes('float32', false, MAX_PAGES));
  } catch {
    return false;
  }
}

const SHARED = typeof SharedArrayBuffer !== 'undefined';
/** Calls of the warm-up product: enough for the engine to optimise the gemm (it counts loop iterations run). */
const WARM_REPS = 8;

class GemmInstance {
  readonly memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: SHARED });
  /** Compiled once; the helper thread instantiates this same module, so it shares the engine's code for it. */
  readonly module: WebAssembly.Module;
  readonly exports: GemmExports;
  constructor(readonly type: GemmType) {
    this.module = new WebAssembly.Module(gemmModuleBytes(type, SHARED, MAX_PAGES));
    this.exports = new WebAssembly.Instance(this.module, { env: { memory: this.memory } }).exports as unknown as GemmExports;
  }
  /**
   * Run a small product a few times. Engines first run WebAssembly with a
   * baseline compiler whose gemm is about half as fast, and optimise a
   * function only once it has run for a while; warming it here lets the
   * optimised code be ready (compiled in the background) before the first
   * real product, instead of that product paying for the baseline code.
   */
  warm(): void {
    const rows = 64;
    const K = 256;
    const Np = tileWidth(this.type);
    const es = this.type === 'float32' ? 4 : 8;
    const b = rows * K * es;
    const c = b + K * Np * es;
    this.ensure(c + rows * Np * es);
    for (let rep = 0; rep < WARM_REPS; rep++) {
      this.exports.gemm4(0, b, c, K, Np, 0, rows, 0, K);
      this.exports.gemm1(0, b, c, K, Np, 0, 4, 0, K);
    }
  }
  ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
  }
  view(): Float32Array | Float64Array {
    return this.type === 'float32' ? new Float32Array(this.memory.buffer) : new Float64Array(this.memory.buffer);
  }
}

const TYPES: readonly GemmType[] = ['float32', 'float64'];
let instances: GemmInstance[] | undefined;
let helper: GemmHelper | null | undefined;

function instance(t: GemmType): GemmInstance {
  instances ??= TYPES.map((x) => new GemmInstance(x));
  return instances[TYPES.indexOf(t)]!;
}

/**
 * The helper thread (null where there are no threads). Starting it is
 * cheap for the caller, but the thread takes tens of milliseconds to boot:
 * the backend starts it when it is created, and products run on the
 * calling thread alone until it is ready.
 */
export function gemmHelper(): GemmHelper | null {
  if (helper === undefined) {
    instance('float32');
    for (const g of instances!) g.warm();
    helper = SHARED ? GemmHelper.create(instances!.map((g) => g.module), instances!.map((g) => g.memory)) : null;
  }
  return helper;
}

/** The helper if it has booted, else null: a product never waits for the thread to start. */
function readyHelper(): GemmHelper | null {
  const h = gemmHelper();
  return h?.ready() ? h : null;
}

/** Below this many multiply-adds a second thread costs more than it saves. */
const THREAD_MIN_WORK = 1 << 21;

const K_BLOCK = 256;
const align = (n: number, a: number) => Math.ceil(n / a) * a;

/** Whether the WebAssembly path computes this kernel (same float dtype in and out). */
export function wasmHandles(k: MatmulKernel): boolean {
  return (k.out === 'float32' || k.out === 'float64') && k.inputs[0] === k.out && k.inputs[1] === k.out;
}

export function runMatmulWasm(k: MatmulKernel, A: TypedArray, B: TypedArray, out: TypedArray): void {
  const t = k.out as GemmType;
  const g = instance(t);
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
    // Split rows between this thread and the helper for big products.
    const h = M >= 2 * ROWS && M * N * K >= THREAD_MIN_WORK ? readyHelper() : null;
    const split = h ? Math.floor(M / (2 * ROWS)) * ROWS : M;
    if (h) h.start({ type: TYPES.indexOf(t), A: 0, B: bOff * es, C: cOff * es, K, Np, rowStart: split, rowEnd: M, kBlock: K_BLOCK });
    const full = split - (split % ROWS);
    // K in blocks so that a block of B's column panel stays in L1 across rows
    for (let k0 = 0; k0 < K; k0 += K_BLOCK) {
      const kl = Math.min(K_BLOCK, K - k0);
      if (full > 0) g.exports.gemm4(0, bOff * es, cOff * es, K, Np, 0, full, k0, kl);
      if (full < split) g.exports.gemm1(0, bOff * es, cOff * es, K, Np, full, split, k0, kl);
    }
    h?.wait();
    const view = g.view();
    const outBase = b * ob;
    if (on === 1) for (let m = 0; m < M; m++) out.set(view.subarray(cOff + m * Np, cOff + m * Np + N), outBase + m * om);
    else for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) out[outBase + m * om + n * on] = view[cOff + m * Np + n]!;
  }
}
