/**
 * A WebAssembly SIMD matrix multiply, generated at run time: C = A B with
 * both operands packed (O(n^2) next to O(n^3)) into the order the
 * micro-kernel reads them:
 *
 * - A in blocks of 4 rows, each block K x 4 with its 4 rows interleaved:
 *   element (m, k) at `((m >> 2) * K + k) * 4 + (m & 3)`;
 * - B in panels of `tileWidth` columns, each panel K x tileWidth:
 *   element (k, n) at `((n / W) * K + k) * W + n % W`;
 * - C (M x Np) row-major, Np a multiple of the panel width.
 *
 * The micro-kernel keeps an R x 2-vector tile of C in registers (R = 4 or
 * 1) and reads both operands sequentially: per step of k, two vectors of
 * B and R splat loads of A. Eight accumulators, two B vectors and one A
 * value fit x64's 16 vector registers; wider tiles spill and run slower,
 * and unpacked B rows (one page apart for n = 1024) thrash the L1 cache.
 * A call covers rows rowStart..rowEnd (a multiple of R apart) and columns
 * colStart..colEnd (whole panels) over K steps kStart..kStart+kLen, so that
 * threads can share a product.
 *
 * Where the engine has relaxed SIMD (Node 22+, Chrome 114+; Node 20 with
 * --experimental-wasm-relaxed-simd), each multiply and add is one
 * `relaxed_madd`, which x64 engines compile to an FMA: on this machine's
 * cores the one-thread ceiling rises from 46.8 to 58.6 GFLOP/s
 * (`pnpm bench:peak`). Sums then round once per step instead of twice, as
 * BLAS's FMA kernels do.
 */
import { Code, F32, F64, I32, V128, encodeModule, localsAfter, type FuncDef, type ValType } from './encoder.js';

export type GemmType = 'float32' | 'float64';

const PARAMS = { A: 0, B: 1, C: 2, K: 3, Np: 4, rowStart: 5, rowEnd: 6, kStart: 7, kLen: 8, colStart: 9, colEnd: 10 } as const;
const NPARAMS = 11;
/** Vectors of C per row of the register tile. */
const VECTORS = 2;

/** Columns of one packed panel of B (and of C's register tile): 2 vectors of 4 (f32) or 2 (f64) lanes. */
export function tileWidth(t: GemmType): number {
  return (VECTORS * 16) / elementSize(t);
}

function elementSize(t: GemmType): number {
  return t === 'float32' ? 4 : 8;
}

function gemmFunction(t: GemmType, R: number, fused: boolean): FuncDef {
  const es = elementSize(t);
  const W = tileWidth(t);
  const c = new Code();
  const { locals, local } = localsAfter(NPARAMS);
  const i = local(I32);
  const j = local(I32);
  const k = local(I32);
  const pa = local(I32);
  const pb = local(I32);
  const pc = local(I32);
  const npBytes = local(I32);
  const acc = Array.from({ length: R * VECTORS }, () => local(V128));
  const b = Array.from({ length: VECTORS }, () => local(V128));
  const a = local(V128);
  const splatLoad = (offset: number) => (t === 'float32' ? c.v128Load32Splat(offset) : c.v128Load64Splat(offset));
  const mul = () => (t === 'float32' ? c.f32x4Mul() : c.f64x2Mul());
  const add = () => (t === 'float32' ? c.f32x4Add() : c.f64x2Add());
  const madd = () => (t === 'float32' ? c.f32x4RelaxedMadd() : c.f64x2RelaxedMadd());

  c.get(PARAMS.Np).i32(es).i32Mul().set(npBytes);
  // Panels outer, rows inner: a panel's K block (kLen x W) stays in L1 for all rows.
  c.get(PARAMS.colStart).set(j);
  c.block().loop(); // panels
  {
    c.get(j).get(PARAMS.colEnd).i32GeS().brIf(1);
    c.get(PARAMS.rowStart).set(i);
    c.block().loop(); // rows
    {
      c.get(i).get(PARAMS.rowEnd).i32GeS().brIf(1);
      // pc = C + (i * Np + j) * es
      c.get(PARAMS.C).get(i).get(PARAMS.Np).i32Mul().get(j).i32Add().i32(es).i32Mul().i32Add().set(pc);
      // the first K block starts from zero, later ones accumulate onto C
      c.get(PARAMS.kStart).if_();
      for (let r = 0; r < R; r++) for (let q = 0; q < VECTORS; q++) c.get(pc).get(npBytes).i32(r).i32Mul().i32Add().v128Load(q * 16).set(acc[r * VECTORS + q]!);
      c.else_();
      for (const v of acc) c.v128Zero().set(v);
      c.end();
      // pa = A + (((i >> 2) * K + kStart) * 4 + (i & 3)) * es
      c.get(PARAMS.A).get(i).i32(2).i32ShrU().get(PARAMS.K).i32Mul().get(PARAMS.kStart).i32Add().i32(4).i32Mul();
      c.get(i).i32(3).i32And().i32Add().i32(es).i32Mul().i32Add().set(pa);
      // pb = B + (j * K + kStart * W) * es
      c.get(PARAMS.B).get(j).get(PARAMS.K).i32Mul().get(PARAMS.kStart).i32(W).i32Mul().i32Add().i32(es).i32Mul().i32Add().set(pb);
      c.get(PARAMS.kLen).set(k);
      c.loop(); // k
      {
        for (let q = 0; q < VECTORS; q++) c.get(pb).v128Load(q * 16).set(b[q]!);
        for (let r = 0; r < R; r++) {
          c.get(pa);
          splatLoad(r * es);
          c.set(a);
          for (let q = 0; q < VECTORS; q++) {
            const sum = acc[r * VECTORS + q]!;
            if (fused) {
              c.get(a).get(b[q]!).get(sum);
              madd();
            } else {
              c.get(sum).get(a).get(b[q]!);
              mul();
              add();
            }
            c.set(sum);
          }
        }
        c.get(pa).i32(4 * es).i32Add().set(pa);
        c.get(pb).i32(W * es).i32Add().set(pb);
        c.get(k).i32(1).i32Sub().tee(k).brIf(0);
      }
      c.end();
      for (let r = 0; r < R; r++) {
        for (let q = 0; q < VECTORS; q++) c.get(pc).get(acc[r * VECTORS + q]!).v128Store(q * 16);
        c.get(pc).get(npBytes).i32Add().set(pc);
      }
      c.get(i).i32(R).i32Add().set(i);
      c.br(0);
    }
    c.end().end();
    c.get(j).i32(W).i32Add().set(j);
    c.br(0);
  }
  c.end().end();
  return { name: `gemm${R}`, params: new Array<ValType>(NPARAMS).fill(I32), locals, code: c };
}

const PACK = { src: 0, rowStride: 1, colStride: 2, rows: 3, K: 4, dst: 5, group: 6, rowsOuter: 7 } as const;
const NPACK = 8;

/**
 * `pack(src, rowStride, colStride, rows, K, dst, g, rowsOuter)`: the rows x K matrix
 * whose element (r, q) is at byte `src + r * rowStride + q * colStride`
 * into groups of G = 2^g rows, each group K x G with its rows interleaved:
 * element (r, q) to `dst + (((r >> g) * K + q) * G + (r & (G - 1))) * es`.
 * That is A's layout with G = 4 and B's (as Bᵀ, rows = columns of B) with
 * G = tileWidth. The caller picks the loop order (`rowsOuter` when the
 * column stride is the smaller one), so that row-major and transposed
 * operands are both read in order.
 */
function packFunction(t: GemmType): FuncDef {
  const es = elementSize(t);
  const c = new Code();
  const { locals, local } = localsAfter(NPACK);
  const r = local(I32);
  const q = local(I32);
  const ps = local(I32);
  const pd = local(I32);
  const mask = local(I32);
  const copy = () => {
    c.get(pd).get(ps);
    if (t === 'float32') c.f32Load().f32Store();
    else c.f64Load().f64Store();
  };
  // dst + (((r >> g) * K + q) << g | (r & mask)) * es
  const dstOf = () => {
    c.get(PACK.dst).get(r).get(PACK.group).i32ShrU().get(PACK.K).i32Mul().get(q).i32Add().get(PACK.group).i32Shl();
    c.get(r).get(mask).i32And().i32Add().i32(es).i32Mul().i32Add().set(pd);
  };
  c.i32(1).get(PACK.group).i32Shl().i32(1).i32Sub().set(mask);
  c.get(PACK.rowsOuter).if_();
  {
    c.i32(0).set(r);
    c.block().loop();
    {
      c.get(r).get(PACK.rows).i32GeS().brIf(1);
      c.i32(0).set(q);
      dstOf();
      c.get(PACK.src).get(r).get(PACK.rowStride).i32Mul().i32Add().set(ps);
      c.block().loop();
      {
        c.get(q).get(PACK.K).i32GeS().brIf(1);
        copy();
        c.get(ps).get(PACK.colStride).i32Add().set(ps);
        c.get(pd).i32(es).get(PACK.group).i32Shl().i32Add().set(pd);
        c.get(q).i32(1).i32Add().set(q);
        c.br(0);
      }
      c.end().end();
      c.get(r).i32(1).i32Add().set(r);
      c.br(0);
    }
    c.end().end();
  }
  c.else_();
  {
    c.i32(0).set(q);
    c.block().loop();
    {
      c.get(q).get(PACK.K).i32GeS().brIf(1);
      c.i32(0).set(r);
      c.get(PACK.src).get(q).get(PACK.colStride).i32Mul().i32Add().set(ps);
      c.block().loop();
      {
        c.get(r).get(PACK.rows).i32GeS().brIf(1);
        dstOf();
        copy();
        c.get(ps).get(PACK.rowStride).i32Add().set(ps);
        c.get(r).i32(1).i32Add().set(r);
        c.br(0);
      }
      c.end().end();
      c.get(q).i32(1).i32Add().set(q);
      c.br(0);
    }
    c.end().end();
  }
  c.end();
  return { name: 'pack', params: new Array<ValType>(NPACK).fill(I32), locals, code: c };
}

const PACK_ROWS = { src: 0, colStride: 1, groups: 2, K: 3, dst: 4, width: 5 } as const;
const NPACK_ROWS = 6;
/** Steps of K packed per pass over the groups: reads stay within a few rows of the source, writes within runs of `K_CHUNK * width` bytes. */
const K_CHUNK = 8;

/**
 * `packRows(src, colStride, groups, K, dst, width)`: `pack` for a source
 * whose grouped dimension is contiguous (row stride = element size), as B
 * is when row-major and A when transposed. Each of the `groups` groups'
 * rows at step q are `width` (16 or 32) contiguous bytes, copied as whole
 * vectors instead of element by element: element (r, q) from
 * `src + r * es + q * colStride` to the same place `pack` puts it. The
 * scalar `pack` would walk the destination one group-row per source row
 * (a page apart for K = 1024); this walks K in chunks so both sides stay
 * in few pages.
 */
function packRowsFunction(): FuncDef {
  const c = new Code();
  const { locals, local } = localsAfter(NPACK_ROWS);
  const [k0, kn, p, q, ps, pd] = [local(I32), local(I32), local(I32), local(I32), local(I32), local(I32)];
  const { src, colStride, groups, K, dst, width } = PACK_ROWS;
  c.i32(0).set(k0);
  c.block().loop(); // chunks of K
  {
    c.get(k0).get(K).i32GeS().brIf(1);
    c.get(K).get(k0).i32Sub().set(kn);
    c.get(kn).i32(K_CHUNK).i32GeS().if_().i32(K_CHUNK).set(kn).end();
    c.i32(0).set(p);
    c.block().loop(); // groups
    {
      c.get(p).get(groups).i32GeS().brIf(1);
      // ps = src + p * width + k0 * colStride; pd = dst + (p * K + k0) * width
      c.get(src).get(p).get(width).i32Mul().i32Add().get(k0).get(colStride).i32Mul().i32Add().set(ps);
      c.get(dst).get(p).get(K).i32Mul().get(k0).i32Add().get(width).i32Mul().i32Add().set(pd);
      c.get(kn).set(q);
      c.loop(); // steps of K within the chunk
      {
        c.get(pd).get(ps).v128Load(0).v128Store(0);
        c.get(width).i32(32).i32GeS().if_().get(pd).get(ps).v128Load(16).v128Store(16).end();
        c.get(ps).get(colStride).i32Add().set(ps);
        c.get(pd).get(width).i32Add().set(pd);
        c.get(q).i32(1).i32Sub().tee(q).brIf(0);
      }
      c.end();
      c.get(p).i32(1).i32Add().set(p);
      c.br(0);
    }
    c.end().end();
    c.get(k0).i32(K_CHUNK).i32Add().set(k0);
    c.br(0);
  }
  c.end().end();
  return { name: 'packRows', params: new Array<ValType>(NPACK_ROWS).fill(I32), locals, code: c };
}

const PACK_COLS = { src: 0, rowStride: 1, groups: 2, K: 3, dst: 4, group: 5 } as const;
const NPACK_COLS = 6;

/** Byte lanes of `i8x16.shuffle` taking float32 lanes `l` (0-3 from the first operand, 4-7 from the second). */
const f32Lanes = (...l: number[]) => l.flatMap((x) => [4 * x, 4 * x + 1, 4 * x + 2, 4 * x + 3]);

/**
 * `packCols(src, rowStride, groups, K, dst, group)`: float32 `pack` for a
 * source whose K dimension is contiguous (column stride = 4 bytes), as A
 * is when row-major and B when transposed: 4 rows x 4 steps of K are
 * loaded as four vectors, transposed with shuffles and stored as four
 * group-rows, instead of element by element. Whole groups of 2^group (4
 * or 8) rows only; the last K % 4 steps go element by element.
 */
function packColsFunction(): FuncDef {
  const c = new Code();
  const { locals, local } = localsAfter(NPACK_COLS);
  const [p, k, sub, ps, pd, G, K4, i] = Array.from({ length: 8 }, () => local(I32)) as [number, number, number, number, number, number, number, number];
  const v = Array.from({ length: 4 }, () => local(V128));
  const t = Array.from({ length: 4 }, () => local(V128));
  const { src, rowStride, groups, K, dst, group } = PACK_COLS;
  c.i32(1).get(group).i32Shl().set(G);
  c.get(K).get(K).i32(3).i32And().i32Sub().set(K4);
  c.i32(0).set(p);
  c.block().loop(); // groups
  {
    c.get(p).get(groups).i32GeS().brIf(1);
    c.i32(0).set(k);
    c.block().loop(); // steps of K, four at a time
    {
      c.get(k).get(K4).i32GeS().brIf(1);
      c.i32(0).set(sub);
      c.loop(); // blocks of 4 rows within the group
      {
        // ps = src + (p * G + sub) * rowStride + k * 4
        c.get(src).get(p).get(G).i32Mul().get(sub).i32Add().get(rowStride).i32Mul().i32Add().get(k).i32(4).i32Mul().i32Add().set(ps);
        for (let r = 0; r < 4; r++) c.get(ps).get(rowStride).i32(r).i32Mul().i32Add().v128Load(0).set(v[r]!);
        c.get(v[0]!).get(v[1]!).shuffle(f32Lanes(0, 4, 1, 5)).set(t[0]!);
        c.get(v[0]!).get(v[1]!).shuffle(f32Lanes(2, 6, 3, 7)).set(t[1]!);
        c.get(v[2]!).get(v[3]!).shuffle(f32Lanes(0, 4, 1, 5)).set(t[2]!);
        c.get(v[2]!).get(v[3]!).shuffle(f32Lanes(2, 6, 3, 7)).set(t[3]!);
        // pd = dst + ((p * K + k) * G + sub) * 4; step q of the four at pd + q * G * 4
        c.get(dst).get(p).get(K).i32Mul().get(k).i32Add().get(G).i32Mul().get(sub).i32Add().i32(4).i32Mul().i32Add().set(pd);
        const store = (q: number, a: number, b: number, lanes: number[]) => {
          c.get(pd).get(G).i32(4 * q).i32Mul().i32Add();
          c.get(a).get(b).shuffle(f32Lanes(...lanes)).v128Store(0);
        };
        store(0, t[0]!, t[2]!, [0, 1, 4, 5]);
        store(1, t[0]!, t[2]!, [2, 3, 6, 7]);
        store(2, t[1]!, t[3]!, [0, 1, 4, 5]);
        store(3, t[1]!, t[3]!, [2, 3, 6, 7]);
        c.get(sub).i32(4).i32Add().tee(sub).get(G).i32LtS().brIf(0);
      }
      c.end();
      c.get(k).i32(4).i32Add().set(k);
      c.br(0);
    }
    c.end().end();
    // the last K % 4 steps, element by element
    c.block().loop();
    {
      c.get(k).get(K).i32GeS().brIf(1);
      c.i32(0).set(i);
      c.loop();
      {
        c.get(dst).get(p).get(K).i32Mul().get(k).i32Add().get(G).i32Mul().get(i).i32Add().i32(4).i32Mul().i32Add();
        c.get(src).get(p).get(G).i32Mul().get(i).i32Add().get(rowStride).i32Mul().i32Add().get(k).i32(4).i32Mul().i32Add().f32Load().f32Store();
        c.get(i).i32(1).i32Add().tee(i).get(G).i32LtS().brIf(0);
      }
      c.end();
      c.get(k).i32(1).i32Add().set(k);
      c.br(0);
    }
    c.end().end();
    c.get(p).i32(1).i32Add().set(p);
    c.br(0);
  }
  c.end().end();
  return { name: 'packCols', params: new Array<ValType>(NPACK_COLS).fill(I32), locals, code: c };
}

/** Rows per register tile of the main micro-kernel (and per packed block of A). */
export const ROWS = 4;

/** The gemm module; `fused`: multiply-adds as relaxed SIMD's `relaxed_madd` (see {@link relaxedSimdAvailable}). */
export function gemmModuleBytes(t: GemmType, shared: boolean, maximumPages: number, fused = false): Uint8Array<ArrayBuffer> {
  const functions = [gemmFunction(t, ROWS, fused), gemmFunction(t, 1, fused), packFunction(t), packRowsFunction()];
  // packCols transposes float32 lanes; float64 operands with a contiguous K go through `pack`
  if (t === 'float32') functions.push(packColsFunction());
  return encodeModule(functions, { shared, maximumPages });
}

/** Whether this engine accepts relaxed SIMD's multiply-add (checked by validating the fused module). */
export function relaxedSimdAvailable(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(gemmModuleBytes('float32', false, 1, true));
  } catch {
    return false;
  }
}

export { F32, F64 };
