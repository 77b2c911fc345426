/**
 * Reading a kernel's inputs from elsewhere: what a backend needs to pack
 * inputs past a binding limit into shared buffers (WebGPU's storage
 * buffers, gpu.js's texture units) and rewrite the kernel to read them
 * there.
 */
import type { DType } from '../core/dtype.js';
import { epilogueShape, mapLeaves, walkExpr, type Kernel, type ScalarExpr, type ScatterAddKernel, type SortKernel } from './kernel.js';

/** A kernel with expressions of its own (a sort and a scatter-add read their inputs directly). */
export type ExprKernel = Exclude<Kernel, SortKernel | ScatterAddKernel>;

/** The expressions of `k` with the index space each runs over: an epilogue's loads run over the output only. */
function exprsOf(k: ExprKernel): { expr: ScalarExpr; dims: readonly number[] }[] {
  const out: { expr: ScalarExpr; dims: readonly number[] }[] = [];
  // a matmul has no expression of its own: its operands are read in its inner loop
  if (k.kind !== 'matmul') out.push({ expr: k.expr, dims: k.kind === 'elementwise' ? k.shape : [...k.shape, ...k.reduceShape] });
  if (k.kind !== 'elementwise' && k.epilogue) out.push({ expr: k.epilogue.expr, dims: epilogueShape(k) });
  return out;
}

/**
 * How many elements of input `input` the expressions of `k` read: one past
 * the highest index a load reaches, or a gather's whole input. A load
 * reaching below 0 is a malformed kernel, refused.
 */
export function inputExtent(k: ExprKernel, input: number): number {
  let elements = 0;
  for (const { expr, dims } of exprsOf(k)) {
    walkExpr(expr, (x) => {
      if (x.kind === 'gather' && x.input === input) elements = Math.max(elements, x.size);
      if (x.kind !== 'load' || x.input !== input || dims.some((d) => d === 0)) return;
      let lo = x.offset;
      let hi = x.offset;
      x.strides.forEach((s, d) => {
        const span = (dims[d]! - 1) * s;
        if (span < 0) lo += span;
        else hi += span;
      });
      if (lo < 0) throw new RangeError(`a load of input ${input} reaches index ${lo}`);
      elements = Math.max(elements, hi + 1);
    });
  }
  return elements;
}

/** Where a moved input is read: input `input` of the rewritten kernel, from element `base` (of the moved input's own dtype); `size` is that input's length, for a gather. */
export interface InputPlace {
  /** The index, among the rewritten kernel's inputs, of the buffer the moved input now lives in. */
  readonly input: number;
  /** The element of that buffer where the moved input starts: added to each load's offset and each gather's index. */
  readonly base: number;
  /** The gathers' new bound (the packed buffer's length, say); when absent each gather keeps its own `size`. */
  readonly size?: number;
}

/**
 * `k` reading each input `i >= keep` at `place(i)` (a load's offset and a
 * gather's index move by its base), with the input dtypes `inputs`.
 */
export function moveInputs<K extends ExprKernel>(k: K, keep: number, inputs: readonly DType[], place: (input: number) => InputPlace): K {
  const move = (e: ScalarExpr) =>
    mapLeaves(
      e,
      (l) => (l.input < keep ? l : { ...l, input: place(l.input).input, offset: l.offset + place(l.input).base }),
      undefined,
      (g) => {
        if (g.input < keep) return g;
        const to = place(g.input);
        const base: ScalarExpr = { kind: 'const', value: to.base, dtype: 'int32' };
        return { ...g, input: to.input, size: to.size ?? g.size, index: { kind: 'apply', op: 'add', args: [g.index, base], computeDType: 'int32', dtype: 'int32' } };
      },
    );
  return {
    ...k,
    inputs,
    ...(k.kind !== 'matmul' && { expr: move(k.expr) }),
    ...(k.kind !== 'elementwise' && k.epilogue && { epilogue: { ...k.epilogue, expr: move(k.epilogue.expr) } }),
  } as K;
}
