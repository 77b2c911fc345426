/**
 * The gemm modules (float32 and float64), each compiled once over the
 * arena's memory, on this thread; the helper thread instantiates the same
 * modules over the same (shared) memory. Operands that already live in the
 * arena are packed from where they are, and C is written into the output
 * buffer itself when its layout allows.
 */
import { gemmModuleBytes, relaxedSimdAvailable, tileWidth, type GemmType } from './gemm.js';
import { MAX_PAGES, arena } from './arena.js';

/** Calls of the warm-up product: enough for the engine to optimise the gemm (it counts loop iterations run). */
const WARM_REPS = 8;

export interface GemmExports {
  gemm4(A: number, B: number, C: number, K: number, Np: number, rowStart: number, rowEnd: number, kStart: number, kLen: number, colStart: number, colEnd: number): void;
  gemm1(A: number, B: number, C: number, K: number, Np: number, rowStart: number, rowEnd: number, kStart: number, kLen: number, colStart: number, colEnd: number): void;
  pack(src: number, rowStride: number, colStride: number, rows: number, K: number, dst: number, group: number, rowsOuter: number): void;
  packRows(src: number, colStride: number, groups: number, K: number, dst: number, width: number): void;
  /** float32 only */
  packCols?(src: number, rowStride: number, groups: number, K: number, dst: number, group: number): void;
}

export class GemmInstance {
  /** Compiled once; the helper thread instantiates this same module, so it shares the engine's code for it. */
  readonly module: WebAssembly.Module;
  readonly exports: GemmExports;
  constructor(
    readonly type: GemmType,
    /** Multiply-adds fused (relaxed SIMD), where the engine has it. */
    readonly fused = relaxedSimdAvailable(),
  ) {
    this.module = new WebAssembly.Module(gemmModuleBytes(type, arena.shared, MAX_PAGES, fused));
    this.exports = new WebAssembly.Instance(this.module, { env: { memory: arena.memory } }).exports as unknown as GemmExports;
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
    const block = arena.reserve((rows * K * 2 + K * Np + rows * Np) * es);
    if (!block) return;
    const a = block.ptr;
    const b = a + rows * K * es;
    const c = b + K * Np * es;
    const src = c + rows * Np * es;
    try {
      for (let rep = 0; rep < WARM_REPS; rep++) {
        this.exports.gemm4(a, b, c, K, Np, 0, rows, 0, K, 0, Np);
        this.exports.gemm1(a, b, c, K, Np, 0, 4, 0, K, 0, Np);
        // both loop orders of the packing
        this.exports.pack(src, K * es, es, rows, K, a, 2, 1);
        this.exports.pack(src, es, rows * es, rows, K, a, 2, 0);
        this.exports.packRows(src, rows * es, rows / 4, K, a, 4 * es);
        this.exports.packCols?.(src, K * es, rows / 4, K, a, 2);
      }
    } finally {
      arena.release(block.ptr, block.bytes);
    }
  }
}

export const GEMM_TYPES: readonly GemmType[] = ['float32', 'float64'];
let instances: GemmInstance[] | undefined;

/** Both instances, compiled on first need. */
export function gemmInstances(): readonly GemmInstance[] {
  return (instances ??= GEMM_TYPES.map((t) => new GemmInstance(t)));
}

let warmed = false;

/** Warm both gemms once (see `GemmInstance.warm`). */
export function warmGemms(): void {
  if (warmed) return;
  warmed = true;
  for (const g of gemmInstances()) g.warm();
}
