/**
 * The WebGPU scatter-add kernel (`ScatterAddKernel`) as up to three
 * dispatches, recorded in the run's one compute pass (which orders their
 * storage accesses):
 *
 * 1. the base converted to the accumulator, into the output (an
 *    elementwise kernel, rendered and cached as any other); for float32,
 *    -0 (the additive identity) into a scratch buffer of the output's
 *    size instead, which the adds go into, and a fourth dispatch adds it
 *    to the base once: a row's increments summed first, as the reference
 *    perform, the sort-and-scan lowering and the CPU do (added into the
 *    base one by one, increments under half the base's last place round
 *    away: 1000 increments of 1e-8 to 1 left it 1);
 * 2. where the values are not of the accumulator's storage already (int8,
 *    uint16, float16 ...), the words they span converted into a scratch
 *    buffer (another elementwise kernel), so that the adding pass reads
 *    one storage type only;
 * 3. one invocation per (index, element of its row), in that order, so
 *    that neighbouring invocations add into neighbouring words: int32 and
 *    uint32 by `atomicAdd`; float32 by a compare-exchange loop on the
 *    word's bits (WGSL has no float atomics), so a float sum goes in
 *    whatever order the invocations meet; int64 (two u32 words, low word
 *    first) adds the low words atomically and the high words plus the
 *    carry out of that low add, which sums exactly in any order.
 *
 * Atomics on storage buffers are in WebGPU's core and compatibility
 * levels alike; the passes bind three storage buffers at most.
 */
import type { ElementwiseKernel, ScalarExpr, ScatterAddKernel } from '@sym/graph';
import { ENTRY_ARGS, GROUP_INDEX, grid, type RenderLimits } from './shader.js';

/** Invocations per workgroup of the adding pass. */
const ADD_WG = 256;

/** A scatter-add kernel as {@link planScatter} plans it: up to four dispatches, in the order listed in scatter.ts's header (init, convert, add, finish). */
export interface ScatterPlan {
  /** The base converted into the output; with `finish`, -0 into the scratch buffer the adds go into. */
  readonly init: ElementwiseKernel;
  /** float32: the base plus the scratch buffer's sums (input 1), into the output. */
  readonly finish?: ElementwiseKernel;
  /** The values converted to the accumulator, when they are not of it: its output (shape[0] elements) replaces input 1. */
  readonly convert?: ElementwiseKernel;
  /** The adding pass: binds the values (or their conversion), the indices and the output. */
  readonly add: {
    /** The adding pass's WGSL module (atomic adds; a compare-exchange loop for float32). */
    readonly code: string;
    /** Workgroups to dispatch in x, y, z: one invocation per (index, element of its row). */
    readonly dispatch: [number, number, number];
  };
}

const cast = (e: ScalarExpr, k: ScatterAddKernel): ScalarExpr => (e.dtype === k.out ? e : { kind: 'apply', op: 'cast', args: [e], computeDType: e.dtype, dtype: k.out });

/** One more than the highest element of the values the kernel reads (none: 0). */
function valuesExtent(k: ScatterAddKernel, row: number): number {
  if (k.count === 0 || row === 0) return 0;
  const [s0, s1] = k.values.strides;
  return k.values.offset + Math.max(0, (k.count - 1) * s0) + Math.max(0, (row - 1) * s1) + 1;
}

/**
 * Plans a scatter-add kernel (the increments of repeated indices) as WebGPU
 * dispatches: the base into the output (float32: -0 into scratch, `finish`
 * adding it to the base), the values converted when they are not of the
 * accumulator, then the atomic adding pass.
 */
export function planScatter(k: ScatterAddKernel, limits: RenderLimits): ScatterPlan {
  const rows = k.shape[0]!;
  const row = k.shape.slice(1).reduce((a, b) => a * b, 1);
  const size = rows * row;
  const base = cast({ kind: 'load', input: 0, strides: [k.base.stride], offset: k.base.offset, dtype: k.inputs[0] }, k);
  const sumsFirst = k.out === 'float32';
  const init: ElementwiseKernel = sumsFirst
    ? { kind: 'elementwise', shape: [size], inputs: [], out: k.out, expr: { kind: 'const', value: -0, dtype: k.out } }
    : { kind: 'elementwise', shape: [size], inputs: [k.inputs[0]], out: k.out, expr: base };
  const finish: ElementwiseKernel | undefined = sumsFirst
    ? {
        kind: 'elementwise',
        shape: [size],
        inputs: [k.inputs[0], k.out],
        out: k.out,
        expr: { kind: 'apply', op: 'add', args: [base, { kind: 'load', input: 1, strides: [1], offset: 0, dtype: k.out }], computeDType: k.out, dtype: k.out },
      }
    : undefined;
  const extent = valuesExtent(k, row);
  const convert: ElementwiseKernel | undefined =
    k.inputs[1] === k.out || extent === 0
      ? undefined
      : { kind: 'elementwise', shape: [extent], inputs: [k.inputs[1]], out: k.out, expr: cast({ kind: 'load', input: 0, strides: [1], offset: 0, dtype: k.inputs[1] }, k) };
  const total = k.count * row;
  return { init, ...(finish && { finish }), ...(convert && { convert }), add: { code: addShader(k, rows, row, total), dispatch: grid(Math.ceil(total / ADD_WG), limits) } };
}

function addShader(k: ScatterAddKernel, rows: number, row: number, total: number): string {
  const [s0, s1] = k.values.strides;
  const wide = k.out === 'int64';
  const valueType = k.out === 'float32' ? 'f32' : k.out === 'int32' ? 'i32' : 'u32';
  const atomicType = k.out === 'int32' ? 'i32' : 'u32';
  const i32 = (n: number) => `${n | 0}i`;
  const element = `${i32(k.values.offset)} + i32(q) * ${i32(s0)} + i32(r) * ${i32(s1)}`;
  const add = wide
    ? `let e = u32(${element});
  let lo = vals[2u * e];
  let old = atomicAdd(&out[2u * o], lo);
  atomicAdd(&out[2u * o + 1u], vals[2u * e + 1u] + select(0u, 1u, old + lo < old));`
    : k.out === 'float32'
      ? `let v = vals[u32(${element})];
  var old = atomicLoad(&out[o]);
  loop {
    let swap = atomicCompareExchangeWeak(&out[o], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (swap.exchanged) { break; }
    old = swap.old_value;
  }`
      : `atomicAdd(&out[o], vals[u32(${element})]);`;
  return `@group(0) @binding(0) var<storage, read> vals: array<${valueType}>;
@group(0) @binding(1) var<storage, read> idx: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<atomic<${atomicType}>>;

@compute @workgroup_size(${ADD_WG})
fn main(${ENTRY_ARGS}) {
  ${GROUP_INDEX}
  let t = group * ${ADD_WG}u + lid;
  if (t >= ${total >>> 0}u) { return; }
  let q = t / ${row >>> 0}u;
  let r = t % ${row >>> 0}u;
  var j = idx[u32(${i32(k.indices.offset)} + i32(q) * ${i32(k.indices.stride)})];
  if (j < 0i) { j = j + ${i32(rows)}; }
  j = clamp(j, 0i, ${i32(rows - 1)});
  let o = u32(j) * ${row >>> 0}u + r;
  ${add}
}`;
}
