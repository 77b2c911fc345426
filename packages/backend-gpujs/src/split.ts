/**
 * Long loops split into passes. A shader thread that folds many elements
 * serially is slow (one thread works while the others idle) and, on Mesa's
 * llvmpipe, wrong: llvmpipe ends any loop nest after 65,535 iterations
 * without an error, so a sum over 2^20 elements returned the sum of the
 * first 65,535. A reduction or matmul whose per-thread loop exceeds
 * `MAX_THREAD_LOOP` therefore runs in two passes: the first computes `parts`
 * partial results per output element (one thread each, over one chunk of
 * the long axis), the second folds the partials and applies the kernel's
 * epilogue, which needs the whole reduced value or dot product. Both loops
 * stay at most `MAX_THREAD_LOOP` long for every size below 2^24.
 */
import type { Kernel, MatmulKernel, ReduceKernel } from '@sym/graph';
import { kernelOutputSize, reduceIdentity } from '@sym/graph';
import { MATMUL_VARS, decompose, matmulIndex, num, reduceResult, reduceUpdate, reduceValue, renderKernel, renderMatmul } from './render.js';
import { packedDotNatives, packedK, renderPackA, renderPackB, renderPackedProduct, usesPackedMatmul } from './packed.js';

/** The most loop iterations one thread runs before the loop is split into passes. */
export const MAX_THREAD_LOOP = 4096;

/** Tensors and textures hold at most this many elements (float32 indices are exact below it). */
const MAX_ELEMENTS = 16777216;

/**
 * One shader launch of a kernel's plan. `args[i]` names where argument i
 * comes from: `{ input: n }` the launch's input n, `{ pass: n }` the output
 * of an earlier pass n of the same plan. The last pass writes the kernel's
 * output.
 */
export interface Pass {
  readonly source: string;
  readonly size: number;
  readonly args: readonly ({ readonly input: number } | { readonly pass: number })[];
  /** Set where each output element is four values (a packed operand, `packed.ts`): gpu.js's `returnType: 'Array(4)'`. */
  readonly vec4?: boolean;
  /** GLSL functions the source calls (gpu.js's `nativeFunctions` setting). */
  readonly natives?: readonly { readonly name: string; readonly source: string }[];
}

/** What the plan may use besides gpu.js's JavaScript kernels. */
export interface PlanOptions {
  /** WebGL 1 GLSL native functions and four-channel outputs: large float matmuls run packed (`packed.ts`). */
  readonly glsl?: boolean;
}

/** How a long axis of `count` elements is cut: `parts` chunks of `chunk` (the last may be shorter, none is empty). */
export function splitOf(count: number): { parts: number; chunk: number } {
  const chunk = Math.max(Math.ceil(Math.sqrt(count)), Math.ceil(count / MAX_THREAD_LOOP));
  return { parts: Math.ceil(count / chunk), chunk };
}

function params(n: number): string {
  return Array.from({ length: n }, (_, i) => `in${i}`).join(', ');
}

const inputs = (n: number) => Array.from({ length: n }, (_, i) => ({ input: i }));

function checkPartials(what: string, outputs: number, parts: number): void {
  if (outputs * parts > MAX_ELEMENTS) {
    throw new RangeError(
      `gpujs: a ${what} of ${outputs} outputs split into ${parts} parts needs ${outputs * parts} partial results, beyond the ${MAX_ELEMENTS} elements gpujs addresses exactly.`,
    );
  }
}

/**
 * Pass 1 of a split reduction: thread (i, part) folds the flat reduce
 * indices [part * chunk, (part + 1) * chunk) of output element i. It
 * returns the accumulator, or with `index` the flat reduce index that
 * argmax/argmin picked.
 */
function renderPartialReduce(k: ReduceKernel, count: number, parts: number, chunk: number, index: boolean): string {
  const ivars = k.shape.map((_, d) => `i${d}`);
  const rvars = k.reduceShape.map((_, d) => `r${d}`);
  const locate = k.reduceShape.length === 1 ? 'const r0 = j;' : decompose(k.reduceShape, rvars, 'u', 'j');
  return `function (${params(k.inputs.length)}) {
${decompose([...k.shape, parts], [...ivars, 'part'], 't')}
const first = part * ${num(chunk)};
let acc = ${num(reduceIdentity(k.reducer, k.acc))};
let best = 0.0;
for (let cn = 0; cn < ${chunk}; cn++) {
const c = cn + 0.0;
const j = first + c;
if (j < ${num(count)}) {
${locate}
${reduceValue(k, [...ivars, ...rvars])}
${reduceUpdate(k.reducer, k.acc, 'j', 'first')}
}
}
return ${index ? 'best' : 'acc'};
}`;
}

/**
 * Pass 2: output element i folds its `parts` partials (`pval`, laid out
 * [outputs, parts]) with the kernel's reducer; argmax/argmin find the best
 * part, then read that part's index from `pidx`. A kernel's epilogue runs
 * here, on the folded value: this pass also takes the kernel's inputs,
 * first, under their own names, and `index` (statements) declares the
 * output index `vars` its loads read.
 */
function renderCombine(
  k: Pick<ReduceKernel, 'reducer' | 'acc' | 'out' | 'inputs' | 'epilogue'>,
  count: number,
  parts: number,
  index: { readonly code: string; readonly vars: readonly string[] },
): string {
  const arg = k.reducer === 'argmax' || k.reducer === 'argmin';
  const ins = k.epilogue ? params(k.inputs.length) : '';
  return `function (${[ins, 'pval', arg ? 'pidx' : ''].filter(Boolean).join(', ')}) {
${k.epilogue ? index.code : ''}
const base = (this.thread.x + 0.0) * ${num(parts)};
let acc = ${num(reduceIdentity(k.reducer, k.acc))};
let best = 0.0;
for (let pn = 0; pn < ${parts}; pn++) {
const p = pn + 0.0;
const v = pval[base + p];
${reduceUpdate(k.reducer, k.acc, 'p', '0.0')}
}
${arg ? 'best = pidx[base + best];' : ''}
${reduceResult(k, count, index.vars)}
}`;
}

/** The three passes of a packed matmul: pack A, pack B, their product (and the epilogue, reading the kernel's inputs). */
function packedPlan(k: MatmulKernel, size: number): Pass[] {
  const k4 = packedK(k.k);
  const args = [{ pass: 0 }, { pass: 1 }, ...(k.epilogue ? inputs(k.inputs.length) : [])];
  return [
    { source: renderPackA(k), size: k.batch * k.m * k4, args: inputs(1), vec4: true },
    { source: renderPackB(k), size: k.batch * k.n * k4, args: [{ input: 1 }], vec4: true },
    { source: renderPackedProduct(k), size, args, natives: packedDotNatives(k.k) },
  ];
}

/**
 * The passes computing `k`: one, or two (three for argmax/argmin) when its
 * per-thread loop is long; large float matmuls three (packed) where
 * `options.glsl` allows. The last pass applies the kernel's epilogue.
 */
export function planKernel(k: Kernel, options: PlanOptions = {}): Pass[] {
  const size = kernelOutputSize(k);
  const single = (): Pass[] => [{ source: renderKernel(k), size, args: inputs(k.inputs.length) }];
  if (k.kind === 'reduce') {
    const count = k.reduceShape.reduce((a, b) => a * b, 1);
    if (count <= MAX_THREAD_LOOP || size === 0) return single();
    const { parts, chunk } = splitOf(count);
    checkPartials('reduction', size, parts);
    const partial = (index: boolean): Pass => ({ source: renderPartialReduce(k, count, parts, chunk, index), size: size * parts, args: inputs(k.inputs.length) });
    const arg = k.reducer === 'argmax' || k.reducer === 'argmin';
    const partials = arg ? [partial(false), partial(true)] : [partial(false)];
    const args = [...(k.epilogue ? inputs(k.inputs.length) : []), ...partials.map((_, pass) => ({ pass }))];
    const vars = k.shape.map((_, d) => `i${d}`);
    return [...partials, { source: renderCombine(k, count, parts, { code: decompose(k.shape, vars, 't'), vars }), size, args }];
  }
  if (k.kind === 'matmul') {
    if (options.glsl && size > 0 && usesPackedMatmul(k, MAX_THREAD_LOOP)) return packedPlan(k, size);
    if (k.k <= MAX_THREAD_LOOP || size === 0) return single();
    const split = splitOf(k.k);
    checkPartials('matmul', size, split.parts);
    const combine = { reducer: 'sum' as const, acc: k.acc, out: k.out, inputs: k.inputs, epilogue: k.epilogue };
    return [
      { source: renderMatmul(k, split), size: size * split.parts, args: inputs(2) },
      { source: renderCombine(combine, k.k, split.parts, { code: matmulIndex(k), vars: MATMUL_VARS }), size, args: [...(k.epilogue ? inputs(k.inputs.length) : []), { pass: 0 }] },
    ];
  }
  return single();
}
