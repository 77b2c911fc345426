/**
 * Gathering kernels on the SIMD path. WebAssembly SIMD has no gathers, so
 * a kernel that gathers runs in JavaScript, its transcendental work too
 * (Math.tanh, Math.exp: 10 ns an element where the SIMD approximations
 * take 1). A large one is run here in two passes instead: JavaScript
 * writes each gather's values into a scratch array over the kernel's
 * iteration space, and the rest of the kernel, which now reads them as
 * loads, runs on the SIMD path. The scratch pass is the gather the
 * unfused program ran as a kernel of its own, without its launch, so a
 * gather fused into costly work costs the CPU no more than kept apart
 * (what lets the optimizer fuse them whatever the kernel's size).
 *
 * A kernel whose leading axis is an output axis runs in chunks of its
 * rows (GATHER_CHUNK elements of gathered values at most): each chunk's
 * gathers, then the rest over that chunk, so that the scratch is 256 KB
 * a gather, where the whole iteration space's took 16 MB at 4M elements. A chunk is the same
 * kernel over fewer rows, reading each input through a view advanced by
 * the rows before it, which needs every input read at one stride along
 * that axis (a gathered one at none).
 */
import { COSTLY_SCALAR_OPS, appliesCostly, contiguousStrides, gathers, type ElementwiseKernel, type GatherExpr, type LoadExpr, type ReduceKernel, type ScalarExpr } from '@sym/graph';
import { VECTOR_OPS } from './wasm/vrender.js';

/** The passes of a split gathering kernel over an iteration space: `gathers[j]` writes input `kernel.inputs.length + j` of `rest`. */
export interface GatherPasses {
  /** Elementwise kernels over the iteration space, each computing one gather (its index included) from the kernel's inputs. */
  readonly gathers: ElementwiseKernel[];
  /** The kernel with each gather a load of its scratch array (contiguous over the iteration space). */
  readonly rest: ElementwiseKernel | ReduceKernel;
  /** Elements of each scratch array. */
  readonly size: number;
}

/** How a split kernel runs in chunks of the rows of its leading axis. */
export interface GatherChunks {
  /** Rows a chunk takes (the last may take fewer). */
  readonly rows: number;
  /** Rows of the leading axis in all. */
  readonly total: number;
  /** Elements each input's view advances by a row (0: read whole, as a gathered or broadcast input). */
  readonly inputSteps: readonly number[];
  /** Output elements of a row. */
  readonly outStep: number;
  /** The passes over `rows` rows. */
  readonly over: (rows: number) => GatherPasses;
}

/** The passes of a split gathering kernel over its whole iteration space, and its chunks where it runs in chunks. */
export interface GatherSplit extends GatherPasses {
  readonly chunks: GatherChunks | null;
}

/** Smallest kernel (in elements) that is split: below it the second pass over memory costs more than the SIMD code saves. */
export const GATHER_SPLIT_MIN = 256;

/**
 * Most gathered values a chunk holds (per gather): 256 KB of float32.
 * Measured against the whole (4M values, calls alternating in one
 * process, CPU time): chunks this size cost the same; chunks of 1 MB,
 * whose rest the SIMD path shares with its helper thread (a handoff a
 * chunk), cost 6-18% more at a load of 11-16 on two cores.
 */
export const GATHER_CHUNK = 1 << 16;

/**
 * Ops the SIMD path computes far faster than JavaScript: the costly ops
 * (@sym/graph's list, which the optimizer's cost model uses too) that it
 * vectorizes (vmath.ts's approximations, a division, a square root, four
 * lanes a step). A costly op it does not vectorize (log1p, pow) keeps the
 * rest in JavaScript, where a split would only add a pass.
 */
const SIMD_COSTLY: ReadonlySet<string> = new Set([...COSTLY_SCALAR_OPS].filter((op) => VECTOR_OPS.has(op)));

/** The gathers outside other gathers' indices, each replaced by `f`'s load; shared subtrees stay shared. */
function replaceGathers(e: ScalarExpr, f: (g: GatherExpr) => LoadExpr, done = new Map<ScalarExpr, ScalarExpr>()): ScalarExpr {
  let r = done.get(e);
  if (r) return r;
  if (e.kind === 'gather') r = f(e);
  else if (e.kind !== 'apply') r = e;
  else {
    const args = e.args.map((a) => replaceGathers(a, f, done));
    r = args.every((a, i) => a === e.args[i]) ? e : { ...e, args };
  }
  done.set(e, r);
  return r;
}

/**
 * How far each input's view advances by a row of the leading axis: its
 * loads' stride there, 0 for a gathered input (read whole at computed
 * indices); null when an input is read at two strides, gathered and
 * loaded along the axis, or backwards (no view starts before an array).
 */
function inputSteps(e: ScalarExpr, nInputs: number): number[] | null {
  const steps: (number | undefined)[] = new Array<number | undefined>(nInputs).fill(undefined);
  const seen = new Set<ScalarExpr>();
  const visit = (x: ScalarExpr): boolean => {
    if (seen.has(x)) return true;
    seen.add(x);
    let step: number;
    if (x.kind === 'load') step = x.strides[0] ?? 0;
    else if (x.kind === 'gather') step = 0;
    else return x.kind !== 'apply' || x.args.every(visit);
    if (step < 0 || (steps[x.input] !== undefined && steps[x.input] !== step)) return false;
    steps[x.input] = step;
    return x.kind !== 'gather' || visit(x.index);
  };
  return visit(e) ? steps.map((s) => s ?? 0) : null;
}

/** `k` as gather passes and the rest, or null when it gathers nothing, or is too small or too cheap to gain. */
export function splitGathers(k: ElementwiseKernel | ReduceKernel): GatherSplit | null {
  // a kernel that only gathers (the gather passes' own) has nothing for the SIMD path
  if (!gathers(k.expr) || (k.kind === 'elementwise' && k.expr.kind === 'gather')) return null;
  const iter = k.kind === 'elementwise' ? k.shape : [...k.shape, ...k.reduceShape];
  const size = iter.reduce((a, b) => a * b, 1);
  if (size < GATHER_SPLIT_MIN) return null;
  const strides = contiguousStrides(iter);
  const found: GatherExpr[] = [];
  const loads: LoadExpr[] = [];
  const expr = replaceGathers(k.expr, (g) => {
    let j = found.indexOf(g);
    if (j < 0) {
      found.push(g);
      loads.push({ kind: 'load', input: k.inputs.length + found.length - 1, dtype: g.dtype, strides, offset: 0 });
      j = found.length - 1;
    }
    return loads[j]!;
  });
  // cheap arithmetic runs in the gathering JavaScript loop as fast as in a second pass
  if (!appliesCostly(expr, SIMD_COSTLY)) return null;
  // the same passes over `rows` rows of the leading axis (a scratch load's strides do not depend on that axis's length)
  const over = (rows: number): GatherPasses => {
    const it = [rows, ...iter.slice(1)];
    return {
      gathers: found.map((g) => ({ kind: 'elementwise', shape: it, inputs: k.inputs, out: g.dtype, expr: g })),
      rest: k.kind === 'elementwise' ? { ...k, shape: it, inputs: [...k.inputs, ...found.map((g) => g.dtype)], expr } : { ...k, shape: it.slice(0, k.shape.length), inputs: [...k.inputs, ...found.map((g) => g.dtype)], expr },
      size: it.reduce((a, b) => a * b, 1),
    };
  };
  // the whole iteration space is the passes over all its rows
  return { ...over(iter[0]!), chunks: chunksOf(k, iter, over) };
}

/** The chunks of rows `k` runs in, or null where it runs whole: no output axis leads, one chunk would do, or an input cannot be viewed a chunk at a time. */
function chunksOf(k: ElementwiseKernel | ReduceKernel, iter: readonly number[], over: (rows: number) => GatherPasses): GatherChunks | null {
  if (k.shape.length === 0) return null;
  const total = iter[0]!;
  const rowSize = iter.slice(1).reduce((a, b) => a * b, 1);
  const rows = Math.max(1, Math.floor(GATHER_CHUNK / Math.max(1, rowSize)));
  if (rows >= total) return null;
  const steps = inputSteps(k.expr, k.inputs.length);
  if (!steps) return null;
  return { rows, total, inputSteps: steps, outStep: k.shape.slice(1).reduce((a, b) => a * b, 1), over };
}
