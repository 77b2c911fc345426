/**
 * Transposed float32 gemm operands made row-contiguous by a WebAssembly
 * copy before the gemm packs them. The gemm packs a row-contiguous operand
 * with native block copies, but a transposed one element by element in
 * JavaScript; on a first call that loop still runs in the interpreter and
 * costs more than the product (a training step's backward pass multiplies
 * by transposes: Xᵀ dZ, dZ Wᵀ). The copy here is compiled code from the
 * start, reads and writes the arena in place, and goes eight rows at a
 * time so that both sides stream through the cache.
 */
import type { MatmulKernel, TypedArray } from '@sym/graph';
import { Code, I32, encodeModule, type ValType } from './encoder.js';
import { MAX_PAGES, arena } from './arena.js';
import { runMatmulWasm } from './matmul.js';

const TILE = 8;
/** Operands smaller than this many elements are packed by the gemm as they are. */
const MIN_ELEMENTS = 4096;

type Tile = (src: number, dst: number, cols: number, rs: number, cs: number, i0: number, n: number) => void;
let tileFn: Tile | undefined;

/** tile(src, dst, cols, rs, cs, i0, n): dst[i][j] = src[i * rs + j * cs] for rows i0 <= i < i0 + n, all columns (addresses in bytes, strides in elements). */
function tile(): Tile {
  if (tileFn) return tileFn;
  const [src, dst, cols, rs, cs, i0, n] = [0, 1, 2, 3, 4, 5, 6];
  const [j, i, row] = [7, 8, 9];
  const c = new Code();
  c.i32(0).set(j);
  c.block().loop();
  c.get(j).get(cols).i32GeS().brIf(1);
  c.i32(0).set(i);
  c.block().loop();
  c.get(i).get(n).i32GeS().brIf(1);
  c.get(i0).get(i).i32Add().set(row);
  // address of dst[row][j]
  c.get(dst).get(row).get(cols).i32Mul().get(j).i32Add().i32(4).i32Mul().i32Add();
  // value of src[row * rs + j * cs]
  c.get(src).get(row).get(rs).i32Mul().get(j).get(cs).i32Mul().i32Add().i32(4).i32Mul().i32Add().f32Load();
  c.f32Store();
  c.get(i).i32(1).i32Add().set(i).br(0);
  c.end().end();
  c.get(j).i32(1).i32Add().set(j).br(0);
  c.end().end();
  const params: ValType[] = new Array<ValType>(7).fill(I32);
  const bytes = encodeModule([{ name: 'tile', params, locals: [I32, I32, I32], code: c }], { shared: arena.shared, maximumPages: MAX_PAGES });
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: arena.memory } }).exports as { tile: Tile };
  return (tileFn = exports.tile);
}

/** Copy the (rows x cols) view at `src` (byte address) with strides rs, cs into row-contiguous `dst`. */
function copyRows(src: number, dst: number, rows: number, cols: number, rs: number, cs: number): void {
  const t = tile();
  for (let i0 = 0; i0 < rows; i0 += TILE) t(src, dst, cols, rs, cs, i0, Math.min(TILE, rows - i0));
}

/**
 * Run the copy a few times on a scratch block at start-up: the engine
 * first runs it on its baseline tier and optimises it once it has run for
 * a while (see the gemm's warm-up), and the first products would pay for
 * the baseline code.
 */
export function warmContiguousCopies(): void {
  if (!arena.shared) return;
  const n = 128;
  const b = arena.reserve(2 * n * n * 4);
  if (!b) return;
  try {
    for (let rep = 0; rep < 8; rep++) copyRows(b.ptr, b.ptr + n * n * 4, n, n, 1, n);
  } finally {
    arena.release(b.ptr, b.bytes);
  }
}

/** Whether running through row-contiguous copies pays: a float32 single product with a big transposed operand. */
export function wantsContiguousCopies(k: MatmulKernel): boolean {
  if (!arena.shared || k.out !== 'float32' || k.inputs[0] !== 'float32' || k.inputs[1] !== 'float32' || k.batch !== 1) return false;
  const aT = k.a.strides[2] !== 1 && k.m * k.k >= MIN_ELEMENTS;
  const bT = k.b.strides[2] !== 1 && k.k * k.n >= MIN_ELEMENTS;
  return aT || bT;
}

/** A runner for a kernel `wantsContiguousCopies` accepted: transposed operands copied row-contiguous, then the gemm. */
export function gemmWithContiguousCopies(k: MatmulKernel): (ins: readonly TypedArray[], out: TypedArray) => void {
  const copyA = k.a.strides[2] !== 1 && k.m * k.k >= MIN_ELEMENTS;
  const copyB = k.b.strides[2] !== 1 && k.k * k.n >= MIN_ELEMENTS;
  const contiguous: MatmulKernel = {
    ...k,
    a: copyA ? { strides: [0, k.k, 1], offset: 0 } : k.a,
    b: copyB ? { strides: [0, k.n, 1], offset: 0 } : k.b,
  };
  return (ins, out) => {
    let [A, B] = [ins[0]!, ins[1]!];
    // operands outside the arena (it could not grow) go to the gemm as they are
    if (!arena.owns(A) || !arena.owns(B)) return runMatmulWasm(k, A, B, out);
    const blocks: { ptr: number; bytes: number }[] = [];
    try {
      if (copyA) {
        const b = arena.reserve(k.m * k.k * 4);
        if (!b) return runMatmulWasm(k, A, B, out);
        blocks.push(b);
        copyRows(A.byteOffset + k.a.offset * 4, b.ptr, k.m, k.k, k.a.strides[1], k.a.strides[2]);
      }
      if (copyB) {
        const b = arena.reserve(k.k * k.n * 4);
        if (!b) return runMatmulWasm(k, A, B, out);
        blocks.push(b);
        copyRows(B.byteOffset + k.b.offset * 4, b.ptr, k.k, k.n, k.b.strides[1], k.b.strides[2]);
      }
      const mem = arena.memory.buffer;
      if (copyA) A = new Float32Array(mem, blocks[0]!.ptr, k.m * k.k);
      if (copyB) B = new Float32Array(mem, blocks[blocks.length - 1]!.ptr, k.k * k.n);
      runMatmulWasm(contiguous, A, B, out);
    } finally {
      for (const b of blocks) arena.release(b.ptr, b.bytes);
    }
  };
}
