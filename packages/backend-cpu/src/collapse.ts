/**
 * Flattening a kernel's iteration space: adjacent dimensions that every
 * load (and the C-contiguous output) walks as one run merge into one, and
 * dimensions of length 1 vanish. `x + y` over two contiguous (64, 1000)
 * operands becomes one loop of 64,000; a bias add over (64, 1000) with a
 * broadcast row stays two-dimensional. Kernels then render to fewer, longer
 * loops, and kernels of equal structure but different nesting share code.
 */
import { gathers, loadsOf, mapLeaves, type ElementwiseKernel, type LoadExpr, type ReduceKernel, type ScalarExpr } from '@sym/graph';

/** Rebuild `e` with every load's strides replaced by `f(load)`. */
function mapLoads(e: ScalarExpr, f: (l: LoadExpr) => number[]): ScalarExpr {
  return mapLeaves(e, (l) => ({ ...l, strides: f(l) }));
}


/**
 * Groups of consecutive dimensions of `shape` (between `from` and `to`) that
 * merge: dimension d joins d + 1 when every load has stride[d] = stride[d+1] * shape[d+1].
 * Length-1 dimensions are dropped unless `keepOne` and the range would be empty.
 */
function groups(shape: readonly number[], loads: readonly LoadExpr[], from: number, to: number, keepOne: boolean): number[][] {
  const dims: number[] = [];
  for (let d = from; d < to; d++) if (shape[d] !== 1) dims.push(d);
  if (dims.length === 0) return keepOne && to > from ? [[to - 1]] : [];
  const out: number[][] = [[dims[0]!]];
  for (let i = 1; i < dims.length; i++) {
    const prev = out[out.length - 1]!;
    const outer = prev[prev.length - 1]!;
    const inner = dims[i]!;
    const merges = loads.every((l) => l.strides[outer] === l.strides[inner]! * shape[inner]!);
    if (merges) prev.push(inner);
    else out.push([inner]);
  }
  return out;
}

function apply(shape: readonly number[], gs: readonly number[][]): number[] {
  return gs.map((g) => g.reduce((n, d) => n * shape[d]!, 1));
}

/** The same elementwise kernel over the fewest dimensions. */
export function collapseElementwise(k: ElementwiseKernel): ElementwiseKernel {
  // a gather's address may read any dimension: its kernel keeps the iteration space it was given
  if (gathers(k.expr)) return k;
  const loads = loadsOf(k.expr);
  const gs = groups(k.shape, loads, 0, k.shape.length, false);
  if (gs.length === k.shape.length) return k;
  // a merged group is walked with the stride of its innermost dimension
  return { ...k, shape: apply(k.shape, gs), expr: mapLoads(k.expr, (l) => gs.map((g) => l.strides[g[g.length - 1]!]!)) };
}

/** The same reduce kernel with kept and reduced dimensions each merged (never across the two). */
export function collapseReduce(k: ReduceKernel): ReduceKernel {
  if (gathers(k.expr)) return k;
  const loads = loadsOf(k.expr);
  const iter = [...k.shape, ...k.reduceShape];
  const nk = k.shape.length;
  const kept = groups(iter, loads, 0, nk, false);
  // argmax/argmin count the flat index within reduceShape, which merging in C order keeps
  const reduced = groups(iter, loads, nk, iter.length, true);
  if (kept.length === nk && reduced.length === k.reduceShape.length) return k;
  const all = [...kept, ...reduced];
  return {
    ...k,
    shape: apply(iter, kept),
    reduceShape: apply(iter, reduced),
    expr: mapLoads(k.expr, (l) => all.map((g) => l.strides[g[g.length - 1]!]!)),
  };
}
