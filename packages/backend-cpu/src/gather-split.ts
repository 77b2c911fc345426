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
 */
import { COSTLY_SCALAR_OPS, appliesCostly, contiguousStrides, gathers, type ElementwiseKernel, type GatherExpr, type LoadExpr, type ReduceKernel, type ScalarExpr } from '@sym/graph';
import { VECTOR_OPS } from './wasm/vrender.js';

/** The passes of a split gathering kernel: `gathers[j]` writes input `kernel.inputs.length + j` of `rest`. */
export interface GatherSplit {
  /** Elementwise kernels over the iteration space, each computing one gather (its index included) from the kernel's inputs. */
  readonly gathers: ElementwiseKernel[];
  /** The kernel with each gather a load of its scratch array (contiguous over the iteration space). */
  readonly rest: ElementwiseKernel | ReduceKernel;
  /** Elements of each scratch array. */
  readonly size: number;
}

/** Smallest kernel (in elements) that is split: below it the second pass over memory costs more than the SIMD code saves. */
export const GATHER_SPLIT_MIN = 256;

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
  return {
    gathers: found.map((g) => ({ kind: 'elementwise', shape: [...iter], inputs: k.inputs, out: g.dtype, expr: g })),
    rest: { ...k, inputs: [...k.inputs, ...found.map((g) => g.dtype)], expr },
    size,
  };
}
