/**
 * A WebAssembly SIMD matrix multiply, generated at run time: C = A B for
 * packed row-major A (M x K), B (K x Np) and C (M x Np), Np a multiple of
 * the tile width; a call covers rows rowStart..rowEnd and columns
 * colStart..colEnd (whole tiles), so that threads can share a product by
 * column ranges. The micro-kernel keeps an R x 4-vector tile of C in
 * registers and streams one row of B per step of k; strided and transposed
 * operands are packed into this layout by the caller (O(n^2) next to O(n^3)).
 */
import { Code, F32, F64, I32, V128, encodeModule, type FuncDef, type ValType } from './encoder.js';

export type GemmType = 'float32' | 'float64';

const PARAMS = { A: 0, B: 1, C: 2, K: 3, Np: 4, rowStart: 5, rowEnd: 6, kStart: 7, kLen: 8, colStart: 9, colEnd: 10 } as const;
const NPARAMS = 11;

/** Columns of C one tile covers: 4 vectors of 4 (f32) or 2 (f64) lanes. */
export function tileWidth(t: GemmType): number {
  return t === 'float32' ? 16 : 8;
}

function gemmFunction(t: GemmType, R: number): FuncDef {
  const es = t === 'float32' ? 4 : 8;
  const c = new Code();
  const locals: ValType[] = [];
  const local = (type: ValType): number => {
    locals.push(type);
    return NPARAMS + locals.length - 1;
  };
  const i = local(I32);
  const j = local(I32);
  const k = local(I32);
  const pb = local(I32);
  const pc = local(I32);
  const rowBytes = local(I32);
  const npBytes = local(I32);
  const pa = Array.from({ length: R }, () => local(I32));
  const acc = Array.from({ length: R * 4 }, () => local(V128));
  const b = Array.from({ length: 4 }, () => local(V128));
  const a = local(V128);
  const splat = () => (t === 'float32' ? c.f32x4Splat() : c.f64x2Splat());
  const load = () => (t === 'float32' ? c.f32Load() : c.f64Load());
  const mul = () => (t === 'float32' ? c.f32x4Mul() : c.f64x2Mul());
  const add = () => (t === 'float32' ? c.f32x4Add() : c.f64x2Add());

  c.get(PARAMS.K).i32(es).i32Mul().set(rowBytes);
  c.get(PARAMS.Np).i32(es).i32Mul().set(npBytes);
  // Column tiles outer, rows inner: one K-block panel of B (kLen x tile) stays in cache for all rows.
  c.get(PARAMS.colStart).set(j);
  c.block().loop(); // column tiles
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
      for (let r = 0; r < R; r++) for (let q = 0; q < 4; q++) c.get(pc).get(npBytes).i32(r).i32Mul().i32Add().v128Load(q * 16).set(acc[r * 4 + q]!);
      c.else_();
      for (const v of acc) c.v128Zero().set(v);
      c.end();
      // pa[r] = A + (i + r) * rowBytes + kStart * es
      for (let r = 0; r < R; r++) {
        c.get(PARAMS.A).get(i).i32(r).i32Add().get(rowBytes).i32Mul().i32Add().get(PARAMS.kStart).i32(es).i32Mul().i32Add().set(pa[r]!);
      }
      // pb = B + (kStart * Np + j) * es
      c.get(PARAMS.B).get(PARAMS.kStart).get(PARAMS.Np).i32Mul().get(j).i32Add().i32(es).i32Mul().i32Add().set(pb);
      c.get(PARAMS.kLen).set(k);
      c.loop(); // k
      {
        for (let q = 0; q < 4; q++) c.get(pb).v128Load(q * 16).set(b[q]!);
        for (let r = 0; r < R; r++) {
          c.get(pa[r]!);
          load();
          splat();
          c.set(a);
          for (let q = 0; q < 4; q++) {
            c.get(acc[r * 4 + q]!).get(a).get(b[q]!);
            mul();
            add();
            c.set(acc[r * 4 + q]!);
          }
          c.get(pa[r]!).i32(es).i32Add().set(pa[r]!);
        }
        c.get(pb).get(npBytes).i32Add().set(pb);
        c.get(k).i32(1).i32Sub().tee(k).brIf(0);
      }
      c.end();
      for (let r = 0; r < R; r++) {
        for (let q = 0; q < 4; q++) c.get(pc).get(acc[r * 4 + q]!).v128Store(q * 16);
        c.get(pc).get(npBytes).i32Add().set(pc);
      }
      c.get(i).i32(R).i32Add().set(i);
      c.br(0);
    }
    c.end().end();
    c.get(j).i32(tileWidth(t)).i32Add().set(j);
    c.br(0);
  }
  c.end().end();
  return { name: `gemm${R}`, params: new Array<ValType>(NPARAMS).fill(I32), locals, code: c };
}

/** Rows per register tile of the main micro-kernel. */
export const ROWS = 4;

export function gemmModuleBytes(t: GemmType, shared: boolean, maximumPages: number): Uint8Array<ArrayBuffer> {
  return encodeModule([gemmFunction(t, ROWS), gemmFunction(t, 1)], { shared, maximumPages });
}

export { F32, F64 };
