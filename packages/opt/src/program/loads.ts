/**
 * Composing loads. A consumer kernel reads a producer's C-contiguous output
 * through strides over its own iteration space; when every such read lands
 * on a multi-index of the producer that is itself an affine function of the
 * consumer's index, the producer's expression can be evaluated in place of
 * the load, its own loads re-expressed in the consumer's iteration space.
 */
import { COSTLY_SCALAR_OPS, contiguousStrides, gathers, loadsOf, mapLeaves, operandUses, type GatherExpr, type LoadExpr, type ScalarExpr } from '@sym/graph';

/** producer index j[e] = base[e] + sum over consumer dims d with dims[d] = e of scale[d] * i[d]. */
export interface IndexMap {
  /** For each consumer dimension d, the producer dimension it moves (-1: none). */
  readonly dims: readonly number[];
  /** For each consumer dimension d, the producer index's step per step of i[d]. */
  readonly scale: readonly number[];
  /** For each producer dimension e, the index at the consumer's origin. */
  readonly base: readonly number[];
}

/**
 * How a load (strides over `iter`, offset) of a contiguous array of
 * `shape` maps to that array's multi-index, or null when it does not map
 * dimension by dimension. Every read is checked to stay inside `shape`,
 * which makes the map exact.
 */
export function mapLoad(load: Pick<LoadExpr, 'strides' | 'offset'>, iter: readonly number[], shape: readonly number[]): IndexMap | null {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size === 0 || iter.some((n) => n === 0)) return null;
  if (load.offset < 0 || load.offset >= size) return null;
  const cs = contiguousStrides(shape);
  const base: number[] = [];
  let rest = load.offset;
  for (let e = 0; e < shape.length; e++) {
    base.push(Math.floor(rest / cs[e]!));
    rest -= base[e]! * cs[e]!;
  }
  const dims: number[] = [];
  const scale: number[] = [];
  for (let d = 0; d < iter.length; d++) {
    const s = load.strides[d]!;
    if (s === 0 || iter[d] === 1) {
      dims.push(-1);
      scale.push(0);
      continue;
    }
    if (s < 0) return null;
    // the outermost dimension (largest stride) that divides s: a transposed or reshaped view
    const e = shape.findIndex((n, k) => n > 1 && cs[k]! <= s && s % cs[k]! === 0);
    if (e < 0) return null;
    dims.push(e);
    scale.push(s / cs[e]!);
  }
  for (let e = 0; e < shape.length; e++) {
    let hi = base[e]!;
    dims.forEach((de, d) => {
      if (de === e) hi += scale[d]! * (iter[d]! - 1);
    });
    if (hi >= shape[e]!) return null;
  }
  return { dims, scale, base };
}

/** A producer's load (strides over the producer's dimensions) re-expressed over the consumer's iteration space. */
export function composeLoad(inner: LoadExpr, map: IndexMap, input: number): LoadExpr {
  const strides: number[] = [];
  for (let d = 0; d < map.dims.length; d++) {
    const e = map.dims[d]!;
    strides.push(e < 0 ? 0 : map.scale[d]! * inner.strides[e]!);
  }
  let offset = inner.offset;
  for (let e = 0; e < map.base.length; e++) offset += map.base[e]! * inner.strides[e]!;
  return { kind: 'load', input, strides, offset, dtype: inner.dtype };
}

/**
 * Replace every load by `f(load)` and renumber every gather's input by
 * `gatherInput` (a gather's index is an expression of loads, mapped by `f`
 * as every other load).
 */
export function mapLoads(e: ScalarExpr, f: (l: LoadExpr) => ScalarExpr, gatherInput: (input: number, g: GatherExpr) => number = (i) => i): ScalarExpr {
  return mapLeaves(e, f, undefined, (g) => {
    const input = gatherInput(g.input, g);
    return input === g.input ? g : { ...g, input };
  });
}

/**
 * A gather's own cost: a read at a position known only at run time, which
 * waits on its index's arithmetic and misses the cache more often than a
 * strided load (which costs nothing here: every kernel reads its inputs).
 */
const GATHER_COST = 2;

/** Cost of evaluating an expression once: 1 per cheap scalar op, 8 per transcendental or division, 2 per gather plus its index's. */
export function exprCost(e: ScalarExpr): number {
  if (e.kind === 'gather') return GATHER_COST + exprCost(e.index);
  return e.kind === 'apply' ? (COSTLY_SCALAR_OPS.has(e.op) ? 8 : 1) + e.args.reduce((n, a) => n + exprCost(a), 0) : 0;
}

/** Number of nodes of an expression (its size in generated code). */
export function exprSize(e: ScalarExpr): number {
  let n = sizes.get(e);
  if (n === undefined) sizes.set(e, (n = countNodes(e)));
  return n;
}

function countNodes(e: ScalarExpr): number {
  // a gather is rendered with its index's code
  if (e.kind === 'gather') return 1 + countNodes(e.index);
  if (e.kind !== 'apply') return 1;
  let n = 1;
  for (const a of e.args) n += countNodes(a);
  return n;
}

/*
 * Facts about whole kernel expressions, kept per expression object (the IR
 * is immutable): fusion asks them of the same consumer for every producer
 * it tries, and an unrolled scan has thousands of kernels.
 */
const sizes = new WeakMap<ScalarExpr, number>();
const gathering = new WeakMap<ScalarExpr, boolean>();
const loadLists = new WeakMap<ScalarExpr, readonly LoadExpr[]>();
const gatheredLists = new WeakMap<ScalarExpr, ReadonlySet<number>>();

/** `gathers(e)`, remembered. */
export function gathersOnce(e: ScalarExpr): boolean {
  let g = gathering.get(e);
  if (g === undefined) gathering.set(e, (g = gathers(e)));
  return g;
}

/** The inputs an expression gathers from (reads at computed positions), remembered. */
export function gatheredInputs(e: ScalarExpr): ReadonlySet<number> {
  let g = gatheredLists.get(e);
  if (g === undefined) {
    const found = new Set<number>();
    // each node object once: an expression shares subtrees (a take's index reads its wrapped index thrice)
    if (gathersOnce(e)) for (const x of operandUses(e).keys()) if (x.kind === 'gather') found.add(x.input);
    gatheredLists.set(e, (g = found));
  }
  return g;
}

/** `loadsOf(e)`, remembered (do not modify the list). */
export function loadsOnce(e: ScalarExpr): readonly LoadExpr[] {
  let l = loadLists.get(e);
  if (l === undefined) loadLists.set(e, (l = loadsOf(e)));
  return l;
}

/** Record the loads of an expression a pass built, in `loadsOf`'s order. */
export function noteLoads(e: ScalarExpr, loads: readonly LoadExpr[]): void {
  loadLists.set(e, loads);
}

/** Record what a pass knows of an expression it built: its size and whether it gathers. */
export function noteExpr(e: ScalarExpr, size: number, gathersAny: boolean): void {
  sizes.set(e, size);
  gathering.set(e, gathersAny);
}
