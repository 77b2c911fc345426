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

class GemmInstance {
  readonly memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: SHARED });
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly exports: GemmExports;
  constructor(readonly type: GemmType) {
    this.bytes = gemmModuleBytes(type, SHARED, MAX_PAGES);
    this.exports = new WebAssembly.Instance(new WebAssembly.Module(this.bytes), { env: { memory: this.memory } }).exports as unknown as GemmExports;
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

/** The helper thread, started on first need (null where there are no threads). */
function gemmHelper(): GemmHelper | null {
  if (helper === undefined) {
    instance('float32');
    helper = SHARED ? GemmHelper.create(instances!.map((g) => g.bytes), instances!.map((g) => g.memory)) : null;
  }
  return helper;
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
    const h = M >= 2 * ROWS && M * N * K >= THREAD_MIN_WORK ? gemmHelper() : null;
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
