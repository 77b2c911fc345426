/**
 * Kernels of the kernel IR rendered to WGSL compute shaders. Shapes and
 * strides are concrete, so they are compiled in as constants, except in a
 * small elementwise or reduce kernel or a matmul rendered `parametric`,
 * which reads them (and its integer constants) from a uniform: kernels that
 * differ only in those then render to one shader (params.ts). The backend keeps one
 * pipeline per distinct shader.
 *
 * - elementwise: one invocation per output element.
 * - reduce: small reductions run one invocation per output; larger ones one
 *   workgroup per output, each invocation folding a strided slice, then a
 *   tree over workgroup memory. float64 accumulators run in float32. An
 *   epilogue runs on each reduced value just before it is stored, in the
 *   invocation that stores it.
 * - matmul: tiled through workgroup memory (matmul.ts); transposed operands
 *   are other strides. An epilogue runs where each output's sum is stored;
 *   its inputs past the binding limit are packed as for the other kernels.
 *
 * Dispatches larger than `maxComputeWorkgroupsPerDimension` fold into a
 * second (and third) grid dimension.
 */
import type { DType, ElementwiseKernel, Kernel, ReduceKernel, ScatterAddKernel, SortKernel } from '@sym/graph';
import { reduceIdentity, isFloat, inputExtent, moveInputs } from '@sym/graph';
import { deviceAcc, perWord, valueType } from './dtypes.js';
import { convert, literal, wrap, type IndexFn } from './scalar.js';
import { renderStatements, statements } from './statements.js';
import { INT64_MAX_LITERAL, INT64_MIN_LITERAL } from './int64.js';
import { linkPrelude } from './prelude.js';
import { renderMatmul } from './matmul.js';
import { ENTRY_ARGS, GROUP_INDEX, LITERALS, WG, bindings, decompose, grid, offsetExpr, perOutput, size, store, type Numbers, type RenderLimits } from './shader.js';
import { UniformNumbers, parametrizable } from './params.js';

export type { RenderLimits } from './shader.js';

/** A kernel rendered to WGSL by {@link renderKernel}, with what it takes to dispatch it. */
export interface RenderedKernel {
  /** The WGSL module: bindings (inputs in order, then the output), one `main` entry point. */
  readonly code: string;
  /** Present when the kernel reads more buffers than the device binds. */
  readonly packing?: Packing;
  /** Workgroups to dispatch in x, y, z; all zero when the kernel writes nothing. */
  readonly dispatch: readonly [number, number, number];
  /**
   * Present when the kernel reads its integers at run time (`parametric`,
   * params.ts): the contents of the uniform bound after the output.
   */
  readonly params?: Int32Array;
}

/** How {@link renderKernel} renders; both default to false. */
export interface RenderOptions {
  /**
   * Read the lengths, strides, offsets and integer constants of a small
   * elementwise or reduce kernel, or a matmul, from a uniform (params.ts), so that
   * kernels differing only in those share one shader.
   */
  readonly parametric?: boolean;
  /**
   * Render a matmul as the partial products of its slices of k
   * (matmul.ts's `planMatmul` and `splitKReduce`), for a backend that sums
   * them after.
   */
  readonly matmulSplit?: boolean;
}


/** Where each packed input's words start in the packed buffer, and how many are copied there. */
export interface PackedInput {
  readonly input: number;
  readonly base: number;
  readonly words: number;
}

/**
 * Inputs beyond what the device can bind are copied, before the launch,
 * into one buffer bound in their place: `binding` is its binding number
 * (the inputs before it are bound directly), `inputs` its layout.
 */
export interface Packing {
  readonly binding: number;
  readonly inputs: readonly PackedInput[];
  readonly words: number;
}

function renderElementwise(k: ElementwiseKernel, limits: RenderLimits, packed = -1, nums: Numbers = LITERALS): RenderedKernel {
  const vars = k.shape.map((_, d) => `i${d}`);
  const body = () => {
    const { lets, value } = renderStatements(k.expr, (s, o) => offsetExpr(vars, s, o, nums), packed, undefined, nums.constant);
    return `${statements(lets, '\n  ')}out[flat] = ${store(convert(value, k.expr.dtype, k.out), k.out)};`;
  };
  return perOutput(k, k.shape, body, limits, packed, nums);
}

/** The accumulator of a reduction as a WGSL value: bools fold as u32 0/1 (workgroup memory and max/min want numbers). */
function accType(k: ReduceKernel): { dtype: DType; wgsl: 'f32' | 'i32' | 'u32' | 'I64' } {
  const dtype = deviceAcc(k.acc);
  return { dtype, wgsl: dtype === 'bool' ? 'u32' : (valueType(dtype) as 'f32' | 'i32' | 'u32' | 'I64') };
}

function accInit(k: ReduceKernel, acc: DType): string {
  if (k.reducer === 'argmax' || k.reducer === 'argmin') return acc === 'bool' ? '0u' : literal(0, acc);
  // int64's own extremes: wrapped values may lie past the host's +-2^53 (an empty reduction keeps the reference's)
  if (acc === 'int64' && size(k.reduceShape) > 0 && (k.reducer === 'max' || k.reducer === 'min')) {
    return k.reducer === 'max' ? INT64_MIN_LITERAL : INT64_MAX_LITERAL;
  }
  const v = reduceIdentity(k.reducer, acc);
  return acc === 'bool' ? `${v}u` : literal(v, acc);
}

/** `x < y` (or `x > y`) of WGSL type `wgsl`, as a WGSL bool. */
function less(wgsl: string, x: string, y: string): string {
  return wgsl === 'I64' ? `i64_lt(${x}, ${y})` : `(${x} < ${y})`;
}

/** WGSL statements folding value `v` (index `j`) into `acc` (and `best`). */
function fold(k: ReduceKernel, acc: DType, wgsl: string, a: string, ia: string, v: string, j: string): string {
  const isF = wgsl === 'f32';
  const int64 = wgsl === 'I64';
  switch (k.reducer) {
    case 'sum':
    case 'mean':
      return `${a} = ${int64 ? `i64_add(${a}, ${v})` : wrap(`(${a} + ${v})`, acc)};`;
    case 'prod':
      return `${a} = ${int64 ? `i64_mul(${a}, ${v})` : wrap(`(${a} * ${v})`, acc)};`;
    case 'max':
    case 'any':
      return `${a} = ${isF ? 'f_max' : int64 ? 'i64_max' : 'max'}(${a}, ${v});`;
    case 'min':
    case 'all':
      return `${a} = ${isF ? 'f_min' : int64 ? 'i64_min' : 'min'}(${a}, ${v});`;
    case 'argmax':
    case 'argmin': {
      const beats = k.reducer === 'argmax' ? less(wgsl, a, v) : less(wgsl, v, a);
      const equal = int64 ? `i64_eq(${v}, ${a})` : `${v} == ${a}`;
      // (v, j) replaces (a, ia): first of the extreme values wins, and the first NaN beats everything
      const nanA = isF ? `f_isnan(${a})` : 'false';
      const nanV = isF ? `f_isnan(${v})` : 'false';
      return `if (${ia} < 0 || (${nanA} && ${nanV} && ${j} < ${ia}) || (!${nanA} && (${nanV} || ${beats} || (${equal} && ${j} < ${ia})))) { ${a} = ${v}; ${ia} = ${j}; }`;
    }
  }
}

/** The reduced value of accumulator `a` (index `ia`) as a WGSL value of dtype `to`, converted as storing it would. */
function reduceValue(k: ReduceKernel, acc: DType, a: string, ia: string, to: DType): string {
  switch (k.reducer) {
    case 'argmax':
    case 'argmin':
      return convert(`max(${ia}, 0)`, 'int32', to);
    case 'mean':
      if (!isFloat(acc)) throw new Error(`webgpu: mean accumulates in ${acc}; expected a float accumulator`);
      return convert(`f_plus_zero(${a} / ${literal(size(k.reduceShape), acc)})`, acc, to);
    case 'sum':
      // the reference starts from +0, so a sum of zeros is +0; compilers may drop that first addition
      return convert(isFloat(acc) ? `f_plus_zero(${a})` : a, acc, to);
    default:
      // bool accumulators hold 0/1 words
      return acc === 'bool' ? convert(`(${a} != 0u)`, 'bool', to) : convert(a, acc, to);
  }
}

/**
 * The statement storing the reduced value of `a` (index `ia`) at
 * `out[flat]`. An epilogue runs on that value before the one store, in the
 * same invocation: the reduced values never go through memory, and the
 * launch that would have read them back is saved. Its loads' strides cover
 * the output dimensions only, which `index` maps to the leading `i`
 * variables.
 */
function storeReduced(k: ReduceKernel, acc: DType, a: string, ia: string, index: IndexFn, packed: number, nums: Numbers): string {
  const ep = k.epilogue;
  if (!ep) return `out[flat] = ${store(reduceValue(k, acc, a, ia, k.out), k.out)};`;
  const reducedValue = reduceValue(k, acc, a, ia, ep.value);
  const { lets, value } = renderStatements(ep.expr, index, packed, 'reduced', nums.constant, 'ep_');
  return `let reduced: ${valueType(ep.value)} = ${reducedValue};
    ${statements(lets, '\n    ')}out[flat] = ${store(convert(value, ep.expr.dtype, k.out), k.out)};`;
}

function renderReduce(k: ReduceKernel, limits: RenderLimits, packed = -1, nums: Numbers = LITERALS): RenderedKernel {
  const n = size(k.shape);
  const r = size(k.reduceShape);
  const { dtype: acc, wgsl } = accType(k);
  const vars = [...k.shape.map((_, d) => `i${d}`), ...k.reduceShape.map((_, d) => `r${d}`)];
  // every number below is asked for in the order the code is written, which orders a uniform's
  const index: IndexFn = (s, o) => offsetExpr(vars, s, o, nums);
  const split = (shape: readonly number[], prefix: string, flat: string) => decompose(shape, prefix, flat, nums);
  const init = accInit(k, acc);
  const loopBody = (start: string, step: number) => {
    const bound = nums.int(r);
    const indices = split(k.reduceShape, 'r', 'j');
    const expr = renderStatements(k.expr, index, packed, undefined, nums.constant);
    const value = acc === 'bool' ? `select(0u, 1u, ${convert(expr.value, k.expr.dtype, 'bool')})` : convert(expr.value, k.expr.dtype, acc);
    return `var acc: ${wgsl} = ${init};
  var best: i32 = -1;
  for (var j: i32 = ${start}; j < ${bound}; j = j + ${step}) {
    ${indices}
    ${statements(expr.lets, '\n    ')}let v: ${wgsl} = ${value};
    ${fold(k, acc, wgsl, 'acc', 'best', 'v', 'j')}
  }`;
  };
  const tree = r > WG || (r > 8 && n < 4096);
  // only arg reductions track an index; an invocation that saw nothing holds index -1
  const arg = k.reducer === 'argmax' || k.reducer === 'argmin';
  if (!tree) {
    const body = () => `${loopBody('0', 1)}\n  ${storeReduced(k, acc, 'acc', 'best', index, packed, nums)}`;
    return perOutput(k, k.shape, body, limits, packed, nums);
  }
  const bound = nums.int(n);
  const indices = split(k.shape, 'i', 'flat');
  const loop = loopBody('i32(lid)', WG);
  const code = `${bindings(k, packed)}
var<workgroup> sv: array<${wgsl}, ${WG}>;
var<workgroup> si: array<i32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(${ENTRY_ARGS}) {
  ${GROUP_INDEX}
  let flat = i32(group);
  if (flat >= ${bound}) { return; }
  ${indices}
  ${loop}
  sv[lid] = acc;
  si[lid] = best;
  workgroupBarrier();
  for (var s: u32 = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      var a = sv[lid];
      var ia = si[lid];
      let v = sv[lid + s];
      let jv = si[lid + s];
      ${arg ? `if (jv >= 0) { ${fold(k, acc, wgsl, 'a', 'ia', 'v', 'jv')} }` : fold(k, acc, wgsl, 'a', 'ia', 'v', 'jv')}
      sv[lid] = a;
      si[lid] = ia;
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    ${storeReduced(k, acc, 'sv[0]', 'si[0]', index, packed, nums)}
  }
}`;
  return { code, dispatch: grid(n, limits) };
}

/** The kernel with inputs `keep..` read from one packed buffer (binding `keep`), and that buffer's layout. */
function pack<K extends Exclude<Kernel, SortKernel | ScatterAddKernel>>(k: K, keep: number): { kernel: K; packing: Packing } {
  const inputs: PackedInput[] = [];
  let base = 0;
  for (let input = keep; input < k.inputs.length; input++) {
    const elements = inputExtent(k, input);
    const per = perWord(k.inputs[input]!);
    // an int64 input starts on an even word, so that its offsets count whole elements
    if (per < 1) base += base % 2;
    const words = Math.ceil(elements / per);
    inputs.push({ input, base, words });
    base += words;
  }
  // a load's offset in the packed buffer counts its own elements: words, halves for float16, word pairs for int64
  const kernel = moveInputs(k, keep, [...k.inputs.slice(0, keep), 'uint32'], (input) => ({ input: keep, base: inputs[input - keep]!.base * perWord(k.inputs[input]!) }));
  return { kernel, packing: { binding: keep, inputs, words: base } };
}

/** The WGSL compute shader (entry point `main`) and dispatch size of a kernel. */
export function renderKernel(k: Kernel, limits: RenderLimits, options: RenderOptions = {}): RenderedKernel {
  if (k.kind === 'sort') throw new Error(NO_SORT);
  if (k.kind === 'scatterAdd') throw new Error(NO_SCATTER);
  const max = limits.maxStorageBuffers ?? Infinity;
  const nums = options.parametric && parametrizable(k) ? new UniformNumbers() : undefined;
  // the uniform of a parametric kernel is bound after its output
  const withParams = (kernel: Kernel, r: Omit<RenderedKernel, 'params'>): RenderedKernel => {
    // the helpers the kernel calls go in front of it, `enable f16;` in front of all
    const code = enableF16(kernel, linkPrelude(r.code));
    return nums ? { ...r, code: `${code}\n${nums.declaration(kernel.inputs.length + 1)}`, params: nums.data() } : { ...r, code };
  };
  if (k.inputs.length + 1 > max) {
    // max - 2 inputs bound directly, one packed buffer, the output
    const keep = max - 2;
    // a matmul's operands are read in its inner loop, through typed bindings of their own
    if (k.kind === 'matmul' && keep < 2) {
      throw new RangeError(`webgpu: a matmul with ${k.inputs.length} inputs needs at least 4 storage buffers per shader stage; this device binds ${max}`);
    }
    const { kernel, packing } = pack(k, keep);
    return { ...withParams(kernel, renderUnpacked(kernel, limits, keep, nums ?? LITERALS, options.matmulSplit)), packing };
  }
  return withParams(k, renderUnpacked(k, limits, -1, nums ?? LITERALS, options.matmulSplit));
}

/** A shader binding float16 storage starts with `enable f16;` (the device has `shader-f16` when it holds float16). */
function enableF16(k: Kernel, code: string): string {
  return k.out === 'float16' || k.inputs.includes('float16') ? `enable f16;\n${code}` : code;
}

/** Sort kernels run as several dispatches (sort.ts's planSort, through the backend's compile), not as one rendered shader. */
const NO_SORT = 'webgpu: a sort kernel is not one shader: it compiles through planSort (sort.ts) into its passes';

/** Scatter-add kernels run as two dispatches (scatter.ts, through the backend's compile), not as one rendered shader. */
const NO_SCATTER = 'webgpu: a scatter-add kernel is not one shader: it compiles through scatter.ts into its passes';

function renderUnpacked(k: Kernel, limits: RenderLimits, packed = -1, nums: Numbers = LITERALS, matmulSplit = false): RenderedKernel {
  switch (k.kind) {
    case 'elementwise':
      return renderElementwise(k, limits, packed, nums);
    case 'reduce':
      return renderReduce(k, limits, packed, nums);
    case 'matmul':
      return renderMatmul(k, limits, packed, matmulSplit, nums);
    case 'sort':
      throw new Error(NO_SORT);
    case 'scatterAdd':
      throw new Error(NO_SCATTER);
  }
}
