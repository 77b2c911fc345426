/**
 * Kernels of the kernel IR rendered to WGSL compute shaders. Shapes and
 * strides are concrete, so they are compiled in as constants: one shader
 * per kernel, cached by the caller under `kernelKey`.
 *
 * - elementwise: one invocation per output element.
 * - reduce: small reductions run one invocation per output; larger ones one
 *   workgroup per output, each invocation folding a strided slice, then a
 *   tree over workgroup memory. float64 accumulators run in float32.
 * - matmul: 32x32 output blocks per workgroup (4x4 per invocation), A and B
 *   staged through workgroup memory; transposed operands are other strides.
 *   Small products (under 64^3 multiply-adds) run one invocation per output.
 *
 * Dispatches larger than `maxComputeWorkgroupsPerDimension` fold into a
 * second (and third) grid dimension.
 */
import type { DType, ElementwiseKernel, Kernel, MatmulKernel, ReduceKernel, ScalarExpr } from '@sym/graph';
import { reduceIdentity, isFloat, walkExpr } from '@sym/graph';
import { deviceAcc, storageType, valueType } from './dtypes.js';
import { PRELUDE, convert, literal, renderExpr, wrap } from './scalar.js';

export interface RenderedKernel {
  readonly code: string;
  /** Present when the kernel reads more buffers than the device binds. */
  readonly packing?: Packing;
  /** Workgroups to dispatch in x, y, z; all zero when the kernel writes nothing. */
  readonly dispatch: readonly [number, number, number];
}

export interface RenderLimits {
  readonly maxWorkgroupsPerDimension: number;
  /** Storage buffers a shader stage may bind; kernels reading more get their extra inputs packed into one buffer. */
  readonly maxStorageBuffers?: number;
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

const WG = 64;
/** Matmul: output block per workgroup, invocations per side, outputs per invocation per side. */
const BLOCK = 32;
const THREADS = 8;
const PER = BLOCK / THREADS;

function bindings(k: Kernel, packed = -1): string {
  const ins = k.inputs.map((d, i) => `@group(0) @binding(${i}) var<storage, read> in${i}: array<${i === packed ? 'u32' : storageType(d)}>;`);
  ins.push(`@group(0) @binding(${k.inputs.length}) var<storage, read_write> out: array<${storageType(k.out)}>;`);
  return ins.join('\n');
}

/** The value `code` of dtype `d` as a storage word. */
function store(code: string, d: DType): string {
  return d === 'bool' ? `select(0u, 1u, ${code})` : code;
}

/** Spread `groups` workgroups over x and y (and z) within the per-dimension limit. */
function grid(groups: number, limits: RenderLimits): [number, number, number] {
  if (groups === 0) return [0, 0, 0];
  const max = limits.maxWorkgroupsPerDimension;
  const x = Math.min(groups, max);
  const rest = Math.ceil(groups / x);
  const y = Math.min(rest, max);
  const z = Math.ceil(rest / y);
  if (z > max) throw new RangeError(`webgpu: a kernel needs ${groups} workgroups, more than the device's ${max}^3 grid`);
  return [x, y, z];
}

const ENTRY_ARGS = '@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3<u32>';
const GROUP_INDEX = 'let group = (wid.z * nwg.y + wid.y) * nwg.x + wid.x;';

/** `let <prefix>d = ...` for each dimension of `shape`, decomposing the flat index variable `flat` (C order). */
function decompose(shape: readonly number[], prefix: string, flat: string): string {
  // an empty iteration space never runs; its indices only need to compile (no division by zero)
  if (shape.includes(0)) return shape.map((_, d) => `let ${prefix}${d} = 0;`).join('\n  ');
  const lines: string[] = [];
  let inner = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const div = inner === 1 ? flat : `(${flat} / ${inner})`;
    lines.unshift(d === 0 ? `let ${prefix}${d} = ${div};` : `let ${prefix}${d} = ${div} % ${shape[d]};`);
    inner *= shape[d]!;
  }
  return lines.join('\n  ');
}

function offsetExpr(vars: readonly string[], strides: readonly number[], offset: number): string {
  const terms = strides.flatMap((s, d) => (s === 0 ? [] : s === 1 ? [vars[d]!] : [`${vars[d]} * ${s}`]));
  if (offset) terms.push(String(offset));
  return terms.length ? terms.join(' + ') : '0';
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function renderElementwise(k: ElementwiseKernel, limits: RenderLimits, packed = -1): RenderedKernel {
  const n = size(k.shape);
  const vars = k.shape.map((_, d) => `i${d}`);
  const expr = renderExpr(k.expr, (s, o) => offsetExpr(vars, s, o), packed);
  const code = `${PRELUDE}
${bindings(k, packed)}
@compute @workgroup_size(${WG})
fn main(${ENTRY_ARGS}) {
  ${GROUP_INDEX}
  let flat = i32(group * ${WG}u + lid);
  if (flat >= ${n}) { return; }
  ${decompose(k.shape, 'i', 'flat')}
  out[flat] = ${store(expr, k.out)};
}`;
  return { code, dispatch: grid(Math.ceil(n / WG), limits) };
}

/** The accumulator of a reduction as a WGSL value: bools fold as u32 0/1 (workgroup memory and max/min want numbers). */
function accType(k: ReduceKernel): { dtype: DType; wgsl: 'f32' | 'i32' | 'u32' } {
  const dtype = deviceAcc(k.acc);
  return { dtype, wgsl: dtype === 'bool' ? 'u32' : (valueType(dtype) as 'f32' | 'i32' | 'u32') };
}

function accInit(k: ReduceKernel, acc: DType): string {
  if (k.reducer === 'argmax' || k.reducer === 'argmin') return acc === 'bool' ? '0u' : literal(0, acc);
  let v = reduceIdentity(k.reducer, acc);
  if (acc === 'int64') v = Math.min(Math.max(v, -2147483648), 2147483647);
  return acc === 'bool' ? `${v}u` : literal(v, acc);
}

/** WGSL statements folding value `v` (index `j`) into `acc` (and `best`). */
function fold(k: ReduceKernel, acc: DType, wgsl: string, a: string, ia: string, v: string, j: string): string {
  const isF = wgsl === 'f32';
  switch (k.reducer) {
    case 'sum':
    case 'mean':
      return `${a} = ${wrap(`(${a} + ${v})`, acc)};`;
    case 'prod':
      return `${a} = ${wrap(`(${a} * ${v})`, acc)};`;
    case 'max':
    case 'any':
      return `${a} = ${isF ? 'f_max' : 'max'}(${a}, ${v});`;
    case 'min':
    case 'all':
      return `${a} = ${isF ? 'f_min' : 'min'}(${a}, ${v});`;
    case 'argmax':
    case 'argmin': {
      const cmp = k.reducer === 'argmax' ? '>' : '<';
      // (v, j) replaces (a, ia): first of the extreme values wins, and the first NaN beats everything
      const nanA = isF ? `f_isnan(${a})` : 'false';
      const nanV = isF ? `f_isnan(${v})` : 'false';
      return `if (${ia} < 0 || (${nanA} && ${nanV} && ${j} < ${ia}) || (!${nanA} && (${nanV} || ${v} ${cmp} ${a} || (${v} == ${a} && ${j} < ${ia})))) { ${a} = ${v}; ${ia} = ${j}; }`;
    }
  }
}

function reduceResult(k: ReduceKernel, acc: DType, a: string, ia: string): string {
  const count = size(k.reduceShape);
  switch (k.reducer) {
    case 'argmax':
    case 'argmin':
      return store(convert(`max(${ia}, 0)`, 'int32', k.out), k.out);
    case 'mean':
      if (!isFloat(acc)) throw new Error(`webgpu: mean accumulates in ${acc}; expected a float accumulator`);
      return store(convert(`f_plus_zero(${a} / ${literal(count, acc)})`, acc, k.out), k.out);
    case 'sum':
      // the reference starts from +0, so a sum of zeros is +0; compilers may drop that first addition
      return store(convert(isFloat(acc) ? `f_plus_zero(${a})` : a, acc, k.out), k.out);
    default:
      // bool accumulators hold 0/1 words, already the storage form of bool
      if (acc === 'bool') return k.out === 'bool' ? a : store(convert(`(${a} != 0u)`, 'bool', k.out), k.out);
      return store(convert(a, acc, k.out), k.out);
  }
}

function renderReduce(k: ReduceKernel, limits: RenderLimits, packed = -1): RenderedKernel {
  const n = size(k.shape);
  const r = size(k.reduceShape);
  const { dtype: acc, wgsl } = accType(k);
  const vars = [...k.shape.map((_, d) => `i${d}`), ...k.reduceShape.map((_, d) => `r${d}`)];
  const expr = renderExpr(k.expr, (s, o) => offsetExpr(vars, s, o), packed);
  const value = acc === 'bool' ? `select(0u, 1u, ${convert(expr, k.expr.dtype, 'bool')})` : convert(expr, k.expr.dtype, acc);
  const init = accInit(k, acc);
  const loopBody = (start: string, step: number) => `var acc: ${wgsl} = ${init};
  var best: i32 = -1;
  for (var j: i32 = ${start}; j < ${r}; j = j + ${step}) {
    ${decompose(k.reduceShape, 'r', 'j')}
    let v: ${wgsl} = ${value};
    ${fold(k, acc, wgsl, 'acc', 'best', 'v', 'j')}
  }`;
  const tree = r > WG || (r > 8 && n < 4096);
  // only arg reductions track an index; an invocation that saw nothing holds index -1
  const arg = k.reducer === 'argmax' || k.reducer === 'argmin';
  if (!tree) {
    const code = `${PRELUDE}
${bindings(k, packed)}
@compute @workgroup_size(${WG})
fn main(${ENTRY_ARGS}) {
  ${GROUP_INDEX}
  let flat = i32(group * ${WG}u + lid);
  if (flat >= ${n}) { return; }
  ${decompose(k.shape, 'i', 'flat')}
  ${loopBody('0', 1)}
  out[flat] = ${reduceResult(k, acc, 'acc', 'best')};
}`;
    return { code, dispatch: grid(Math.ceil(n / WG), limits) };
  }
  const code = `${PRELUDE}
${bindings(k, packed)}
var<workgroup> sv: array<${wgsl}, ${WG}>;
var<workgroup> si: array<i32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(${ENTRY_ARGS}) {
  ${GROUP_INDEX}
  let flat = i32(group);
  if (flat >= ${n}) { return; }
  ${decompose(k.shape, 'i', 'flat')}
  ${loopBody('i32(lid)', WG)}
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
    out[flat] = ${reduceResult(k, acc, 'sv[0]', 'si[0]')};
  }
}`;
  return { code, dispatch: grid(n, limits) };
}

/**
 * Tiled matmul: a workgroup of 8x8 invocations computes a 32x32 block of the
 * output, each invocation a 4x4 register block; A and B advance through
 * workgroup memory 32 columns/rows at a time (two barriers per 32 steps of k).
 */
/** Below this many multiply-adds a matmul runs one invocation per output: tiling pays for its longer compile only on large products. */
const TILED_MIN_WORK = 64 * 64 * 64;

/** One invocation per output element, looping over k: small products (and drivers compile it quickly). */
function renderSmallMatmul(k: MatmulKernel, limits: RenderLimits): RenderedKernel {
  const acc = deviceAcc(k.acc);
  const wgsl = acc === 'bool' ? 'u32' : valueType(acc);
  const toAcc = (code: string, d: DType) => (acc === 'bool' ? `select(0u, 1u, ${convert(code, d, 'bool')})` : convert(code, d, acc));
  const load = (i: 0 | 1, idx: string) => (k.inputs[i] === 'bool' ? `(in${i}[${idx}] != 0u)` : `in${i}[${idx}]`);
  const [ab, am, ak] = k.a.strides;
  const [bb, bk, bn] = k.b.strides;
  const [ob, om, on] = k.outStrides;
  const n = k.batch * k.m * k.n;
  const zero = acc === 'bool' ? '0u' : literal(0, acc);
  const code = `${PRELUDE}
${bindings(k)}
@compute @workgroup_size(${WG})
fn main(${ENTRY_ARGS}) {
  ${GROUP_INDEX}
  let flat = i32(group * ${WG}u + lid);
  if (flat >= ${n}) { return; }
  ${decompose([k.batch, k.m, k.n], 'i', 'flat')}
  var s: ${wgsl} = ${zero};
  for (var q: i32 = 0; q < ${k.k}; q = q + 1) {
    let x = ${toAcc(load(0, `${k.a.offset} + i0 * ${ab} + i1 * ${am} + q * ${ak}`), k.inputs[0])};
    let y = ${toAcc(load(1, `${k.b.offset} + i0 * ${bb} + q * ${bk} + i2 * ${bn}`), k.inputs[1])};
    s = ${wrap(`(s + ${wrap('(x * y)', acc)})`, acc)};
  }
  out[i0 * ${ob} + i1 * ${om} + i2 * ${on}] = ${store(convert(acc === 'bool' ? '(s != 0u)' : 's', acc, k.out), k.out)};
}`;
  return { code, dispatch: grid(Math.ceil(n / WG), limits) };
}

function renderMatmul(k: MatmulKernel, limits: RenderLimits): RenderedKernel {
  if (k.m * k.n * k.k < TILED_MIN_WORK) return renderSmallMatmul(k, limits);
  const acc = deviceAcc(k.acc);
  const wgsl = acc === 'bool' ? 'u32' : valueType(acc);
  const toAcc = (code: string, d: DType) => (acc === 'bool' ? `select(0u, 1u, ${convert(code, d, 'bool')})` : convert(code, d, acc));
  const load = (i: 0 | 1, idx: string) => (k.inputs[i] === 'bool' ? `(in${i}[${idx}] != 0u)` : `in${i}[${idx}]`);
  const [ab, am, ak] = k.a.strides;
  const [bb, bk, bn] = k.b.strides;
  const [ob, om, on] = k.outStrides;
  const mTiles = Math.max(1, Math.ceil(k.m / BLOCK));
  const nTiles = Math.ceil(k.n / BLOCK);
  const max = limits.maxWorkgroupsPerDimension;
  if (nTiles > max) throw new RangeError(`webgpu: a matmul with ${k.n} columns needs ${nTiles} workgroups in x, more than the device's ${max}`);
  const rowY = Math.max(1, Math.min(mTiles * k.batch, max));
  const rowZ = Math.ceil((mTiles * k.batch) / rowY);
  if (rowZ > max) throw new RangeError(`webgpu: a matmul of ${k.batch} x ${k.m} rows needs more workgroups than the device's ${max}^2 grid`);
  const zero = acc === 'bool' ? '0u' : literal(0, acc);
  const fma = (s: string, x: string, y: string) => `${s} = ${wrap(`(${s} + ${wrap(`(${x} * ${y})`, acc)})`, acc)};`;
  const result = (v: string) => store(convert(acc === 'bool' ? `(${v} != 0u)` : v, acc, k.out), k.out);
  // the 4x4 register block, unrolled: drivers compile straight-line scalars much faster than indexed arrays
  const range = Array.from({ length: PER }, (_, i) => i);
  const cells = range.flatMap((i) => range.map((j) => [i, j] as const));
  const code = `${PRELUDE}
${bindings(k)}
var<workgroup> ta: array<array<${wgsl}, ${BLOCK}>, ${BLOCK}>;
var<workgroup> tb: array<array<${wgsl}, ${BLOCK}>, ${BLOCK}>;
@compute @workgroup_size(${THREADS}, ${THREADS})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let tileRow = i32(wid.z * nwg.y + wid.y);
  let b = tileRow / ${mTiles};
  if (b >= ${k.batch}) { return; }
  let m0 = (tileRow % ${mTiles}) * ${BLOCK};
  let n0 = i32(wid.x) * ${BLOCK};
  let t = i32(lid.y) * ${THREADS} + i32(lid.x);
  let ly = i32(lid.y) * ${PER};
  let lx = i32(lid.x) * ${PER};
  ${cells.map(([i, j]) => `var s${i}${j}: ${wgsl} = ${zero};`).join(' ')}
  for (var k0: i32 = 0; k0 < ${k.k}; k0 = k0 + ${BLOCK}) {
    for (var l = 0; l < ${(BLOCK * BLOCK) / (THREADS * THREADS)}; l = l + 1) {
      let e = t + l * ${THREADS * THREADS};
      let r = e / ${BLOCK};
      let c = e % ${BLOCK};
      var av: ${wgsl} = ${zero};
      if (m0 + r < ${k.m} && k0 + c < ${k.k}) { av = ${toAcc(load(0, `${k.a.offset} + b * ${ab} + (m0 + r) * ${am} + (k0 + c) * ${ak}`), k.inputs[0])}; }
      ta[r][c] = av;
      var bv: ${wgsl} = ${zero};
      if (k0 + r < ${k.k} && n0 + c < ${k.n}) { bv = ${toAcc(load(1, `${k.b.offset} + b * ${bb} + (k0 + r) * ${bk} + (n0 + c) * ${bn}`), k.inputs[1])}; }
      tb[r][c] = bv;
    }
    workgroupBarrier();
    for (var q = 0; q < ${BLOCK}; q = q + 1) {
      ${range.map((i) => `let a${i} = ta[ly + ${i}][q]; let b${i} = tb[q][lx + ${i}];`).join('\n      ')}
      ${cells.map(([i, j]) => fma(`s${i}${j}`, `a${i}`, `b${j}`)).join('\n      ')}
    }
    workgroupBarrier();
  }
  ${cells
    .map(
      ([i, j]) =>
        `if (m0 + ly + ${i} < ${k.m} && n0 + lx + ${j} < ${k.n}) { out[b * ${ob} + (m0 + ly + ${i}) * ${om} + (n0 + lx + ${j}) * ${on}] = ${result(`s${i}${j}`)}; }`,
    )
    .join('\n  ')}
}`;
  const empty = k.m === 0 || k.n === 0 || k.batch === 0;
  return { code, dispatch: empty ? [0, 0, 0] : [nTiles, rowY, rowZ] };
}

/** Largest element index + 1 that the loads of input `input` reach over iteration space `dims`. */
function extent(e: ScalarExpr, input: number, dims: readonly number[]): number {
  let words = 0;
  walkExpr(e, (x) => {
    if (x.kind !== 'load' || x.input !== input) return;
    if (dims.some((d) => d === 0)) return;
    let lo = x.offset;
    let hi = x.offset;
    x.strides.forEach((s, d) => {
      const span = (dims[d]! - 1) * s;
      if (span < 0) lo += span;
      else hi += span;
    });
    if (lo < 0) throw new RangeError(`webgpu: a load of input ${input} reaches index ${lo}`);
    words = Math.max(words, hi + 1);
  });
  return words;
}

function moveLoads(e: ScalarExpr, keep: number, bases: readonly number[]): ScalarExpr {
  switch (e.kind) {
    case 'const':
      return e;
    case 'load':
      return e.input < keep ? e : { ...e, input: keep, offset: e.offset + bases[e.input - keep]! };
    case 'apply':
      return { ...e, args: e.args.map((a) => moveLoads(a, keep, bases)) };
  }
}

/** The kernel with inputs `keep..` read from one packed buffer (binding `keep`), and that buffer's layout. */
function pack<K extends ElementwiseKernel | ReduceKernel>(k: K, keep: number): { kernel: K; packing: Packing } {
  const dims = k.kind === 'elementwise' ? k.shape : [...k.shape, ...k.reduceShape];
  const inputs: PackedInput[] = [];
  let base = 0;
  for (let input = keep; input < k.inputs.length; input++) {
    const words = extent(k.expr, input, dims);
    inputs.push({ input, base, words });
    base += words;
  }
  const kernel = { ...k, inputs: [...k.inputs.slice(0, keep), 'uint32' as const], expr: moveLoads(k.expr, keep, inputs.map((p) => p.base)) };
  return { kernel, packing: { binding: keep, inputs, words: base } };
}

/** The WGSL compute shader (entry point `main`) and dispatch size of a kernel. */
export function renderKernel(k: Kernel, limits: RenderLimits): RenderedKernel {
  const max = limits.maxStorageBuffers ?? Infinity;
  if (k.kind !== 'matmul' && k.inputs.length + 1 > max) {
    // max - 2 inputs bound directly, one packed buffer, the output
    const { kernel, packing } = pack(k, max - 2);
    const r = kernel.kind === 'elementwise' ? renderElementwise(kernel, limits, max - 2) : renderReduce(kernel as ReduceKernel, limits, max - 2);
    return { ...r, packing };
  }
  switch (k.kind) {
    case 'elementwise':
      return renderElementwise(k, limits);
    case 'reduce':
      return renderReduce(k, limits);
    case 'matmul':
      return renderMatmul(k, limits);
  }
}
