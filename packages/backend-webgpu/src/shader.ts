/** Pieces every rendered WGSL kernel shares: bindings, dispatch grids, index arithmetic. */
import type { DType, Kernel } from '@sym/graph';
import { storageType } from './dtypes.js';
import type { MatmulTile } from './matmul.js';
import type { ConstFn } from './scalar.js';

/** The device limits a rendered kernel must respect (from the adapter's `limits`). */
export interface RenderLimits {
  /** Workgroups a dispatch may have along each dimension; larger grids spill into y and z. */
  readonly maxWorkgroupsPerDimension: number;
  /** Storage buffers a shader stage may bind; kernels reading more get their extra inputs packed into one buffer. */
  readonly maxStorageBuffers?: number;
  /** The tiled matmul's work per workgroup; DEFAULT_MATMUL_TILE when absent. */
  readonly matmulTile?: MatmulTile;
}

/** Invocations per workgroup of the one-invocation-per-output kernels. */
export const WG = 64;

export function bindings(k: Kernel, packed = -1): string {
  const ins = k.inputs.map((d, i) => `@group(0) @binding(${i}) var<storage, read> in${i}: array<${i === packed ? 'u32' : storageType(d)}>;`);
  ins.push(`@group(0) @binding(${k.inputs.length}) var<storage, read_write> out: array<${storageType(k.out)}>;`);
  return ins.join('\n');
}

/** The value `code` of dtype `d` as a storage element (a float16 value is already rounded: its conversion is exact). */
export function store(code: string, d: DType): string {
  if (d === 'float16') return `f16(${code})`;
  return d === 'bool' ? `select(0u, 1u, ${code})` : code;
}

/** Spread `groups` workgroups over x and y (and z) within the per-dimension limit. */
export function grid(groups: number, limits: RenderLimits): [number, number, number] {
  if (groups === 0) return [0, 0, 0];
  const max = limits.maxWorkgroupsPerDimension;
  const x = Math.min(groups, max);
  const rest = Math.ceil(groups / x);
  const y = Math.min(rest, max);
  const z = Math.ceil(rest / y);
  if (z > max) throw new RangeError(`webgpu: a kernel needs ${groups} workgroups, more than the device's ${max}^3 grid`);
  return [x, y, z];
}

export const ENTRY_ARGS = '@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3<u32>';
export const GROUP_INDEX = 'let group = (wid.z * nwg.y + wid.y) * nwg.x + wid.x;';

/**
 * How a kernel's integers (lengths, strides, offsets, integer constants)
 * are written into its WGSL: as literals, or (params.ts's
 * `UniformNumbers`) read from the launch's uniform array.
 */
export interface Numbers {
  /** WGSL (i32) of a length, a stride or an offset. */
  int(value: number): string;
  /** WGSL of an expression's constant, or undefined for its literal. */
  readonly constant?: ConstFn;
}

/** Every number compiled in as a literal. */
export const LITERALS: Numbers = { int: (value) => String(value) };

/** `let <prefix>d = ...` for each dimension of `shape`, decomposing the flat index variable `flat` (C order). */
export function decompose(shape: readonly number[], prefix: string, flat: string, nums: Numbers = LITERALS): string {
  // an empty iteration space never runs; its indices only need to compile (no division by zero)
  if (shape.includes(0)) return shape.map((_, d) => `let ${prefix}${d} = 0;`).join('\n  ');
  const lines: string[] = [];
  let inner = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const div = inner === 1 ? flat : `(${flat} / ${nums.int(inner)})`;
    lines.unshift(d === 0 ? `let ${prefix}${d} = ${div};` : `let ${prefix}${d} = ${div} % ${nums.int(shape[d]!)};`);
    inner *= shape[d]!;
  }
  return lines.join('\n  ');
}

/** A load's element index: strides of 0 and 1 and a zero offset stay in the code whatever `nums` is (they shape it). */
export function offsetExpr(vars: readonly string[], strides: readonly number[], offset: number, nums: Numbers = LITERALS): string {
  const terms = strides.flatMap((s, d) => (s === 0 ? [] : s === 1 ? [vars[d]!] : [`${vars[d]} * ${nums.int(s)}`]));
  if (offset) terms.push(nums.int(offset));
  return terms.length ? terms.join(' + ') : '0';
}

export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * A shader of one invocation per element of `shape`: `body` runs with
 * `flat` (the element's C-order index) and `i0`, `i1`, ... in scope. With
 * numbers read from a uniform, `body` is called after the bound and the
 * indices have asked for theirs, which orders the uniform as the code reads.
 */
export function perOutput(k: Kernel, shape: readonly number[], body: string | (() => string), limits: RenderLimits, packed = -1, nums: Numbers = LITERALS): { code: string; dispatch: [number, number, number] } {
  const n = size(shape);
  const head = `if (flat >= ${nums.int(n)}) { return; }\n  ${decompose(shape, 'i', 'flat', nums)}`;
  const code = `${bindings(k, packed)}
@compute @workgroup_size(${WG})
fn main(${ENTRY_ARGS}) {
  ${GROUP_INDEX}
  let flat = i32(group * ${WG}u + lid);
  ${head}
  ${typeof body === 'string' ? body : body()}
}`;
  return { code, dispatch: grid(Math.ceil(n / WG), limits) };
}
