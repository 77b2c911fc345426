/**
 * Reads of an indexed kernel (`LowerContext.indexed`) that need no gather:
 * at loop counters and constants a read is affine in the kernel's index,
 * a load with strides, which the optimizer composes (fusion) where it
 * cannot compose a gather.
 */
import type { DType } from '../core/dtype.js';
import { operandUses, type ScalarExpr } from './kernel.js';
import * as ix from './index-expr.js';
import type { BufferView } from './lower.js';

/**
 * A read of `v` at `indices` as strides over an iteration space of `rank`
 * dimensions, where each index is a loop counter (`counters`: the
 * dimension it counts) or a constant; null where one is computed.
 */
function affineRead(v: BufferView, indices: readonly ScalarExpr[], counters: ReadonlyMap<ScalarExpr, number>, rank: number): { strides: number[]; offset: number } | null {
  const strides = new Array<number>(rank).fill(0);
  let offset = v.offset;
  for (let e = 0; e < indices.length; e++) {
    const s = v.strides[e]!;
    // the gather's address skips these too: a length-1 dimension is read at 0
    if (s === 0 || v.shape[e] === 1) continue;
    const i = indices[e]!;
    const d = counters.get(i);
    if (d !== undefined) strides[d] += s;
    else if (i.kind === 'const') offset += i.value * s;
    else return null;
  }
  return { strides, offset };
}

/** An indexed kernel's inputs without those its expression no longer reads (a counter only an affine read used), renumbered. */
export function unusedInputsDropped(expr: ScalarExpr, buffers: number[], dtypes: DType[]): { expr: ScalarExpr; buffers: number[]; dtypes: DType[] } {
  const used = new Set<number>();
  for (const e of operandUses(expr).keys()) if (e.kind === 'load' || e.kind === 'gather') used.add(e.input);
  if (used.size === buffers.length) return { expr, buffers, dtypes };
  const kept = buffers.map((_, i) => i).filter((i) => used.has(i));
  // node by node object, so that the subexpressions the expression shares stay shared (mapLeaves would copy them apart)
  const done = new Map<ScalarExpr, ScalarExpr>();
  const renumber = (e: ScalarExpr): ScalarExpr => {
    let m = done.get(e);
    if (m) return m;
    if (e.kind === 'load') m = { ...e, input: kept.indexOf(e.input) };
    else if (e.kind === 'gather') m = { ...e, input: kept.indexOf(e.input), index: renumber(e.index) };
    else if (e.kind === 'apply') m = { ...e, args: e.args.map(renumber) };
    else m = e;
    done.set(e, m);
    return m;
  };
  return { expr: renumber(expr), buffers: kept.map((i) => buffers[i]!), dtypes: kept.map((i) => dtypes[i]!) };
}

/** `v` (a buffer of `size` elements, kernel input `input`) read at `indices`: a load where the read is affine (`affineRead`), else a gather at the address they compute. */
export function readAt(v: BufferView, indices: readonly ScalarExpr[], counters: ReadonlyMap<ScalarExpr, number>, rank: number, input: number, size: number): ScalarExpr {
  const affine = affineRead(v, indices, counters, rank);
  if (affine) return { kind: 'load', input, ...affine, dtype: v.dtype };
  let address = ix.int(v.offset);
  indices.forEach((e, d) => {
    const s = v.strides[d]!;
    if (s !== 0 && v.shape[d] !== 1) address = ix.add(address, s === 1 ? e : ix.mul(e, ix.int(s)));
  });
  return { kind: 'gather', input, index: address, size, dtype: v.dtype };
}
