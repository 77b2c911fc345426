/**
 * The int64 emulation (src/int64.ts) over the whole 64-bit range, against
 * BigInt arithmetic with NumPy's int64 semantics (wrapping at 2^64, floor
 * division and remainder, 0 for a zero divisor). The conformance suite
 * reaches int64 only through host data, which is exact to 2^53; here a
 * small shader reads and writes the two words of each value directly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { I64_PRELUDE } from '../src/int64.js';
import { PRELUDE } from '../src/scalar.js';
import { sym, webgpu } from './setup.js';

const TWO_64 = 1n << 64n;
const wrap = (v: bigint) => BigInt.asIntN(64, v);
const words = (v: bigint): [number, number] => {
  const u = BigInt.asUintN(64, v);
  return [Number(u & 0xffffffffn), Number(u >> 32n)];
};
const fromWords = (lo: number, hi: number) => BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));

function floorDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}
function floorMod(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const r = a % b;
  return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r;
}

/** The float32 nearest `v`, ties to even (a double first would round twice). */
function nearestF32(v: bigint): number {
  const neg = v < 0n;
  let m = neg ? -v : v;
  if (m < 1n << 24n) return neg ? -Number(m) : Number(m);
  let shift = 0n;
  while (m >> shift >= 1n << 24n) shift++;
  const kept = m >> shift;
  const rest = m - (kept << shift);
  const half = 1n << (shift - 1n);
  m = rest > half || (rest === half && (kept & 1n) === 1n) ? kept + 1n : kept;
  const r = Number(m) * 2 ** Number(shift);
  return neg ? -r : r;
}

/** Each op's result, as written by the shader: two words, or one word (a bool, an f32's bits). */
const OPS: { name: string; wgsl: string; pair: boolean; want: (a: bigint, b: bigint) => bigint | number }[] = [
  { name: 'add', wgsl: 'i64_add(a, b)', pair: true, want: (a, b) => wrap(a + b) },
  { name: 'sub', wgsl: 'i64_sub(a, b)', pair: true, want: (a, b) => wrap(a - b) },
  { name: 'mul', wgsl: 'i64_mul(a, b)', pair: true, want: (a, b) => wrap(a * b) },
  // INT64_MIN // -1 overflows back to INT64_MIN in NumPy's wrapping arithmetic
  { name: 'floordiv', wgsl: 'i64_floordiv(a, b)', pair: true, want: (a, b) => wrap(floorDiv(a, b)) },
  { name: 'mod', wgsl: 'i64_mod(a, b)', pair: true, want: (a, b) => wrap(floorMod(a, b)) },
  { name: 'max', wgsl: 'i64_max(a, b)', pair: true, want: (a, b) => (a > b ? a : b) },
  { name: 'neg', wgsl: 'i64_neg(a)', pair: true, want: (a) => wrap(-a) },
  { name: 'abs', wgsl: 'i64_abs(a)', pair: true, want: (a) => wrap(a < 0n ? -a : a) },
  { name: 'sign', wgsl: 'i64_sign(a)', pair: true, want: (a) => (a > 0n ? 1n : a < 0n ? -1n : 0n) },
  { name: 'lt', wgsl: 'select(0u, 1u, i64_lt(a, b))', pair: false, want: (a, b) => (a < b ? 1 : 0) },
  { name: 'eq', wgsl: 'select(0u, 1u, i64_eq(a, b))', pair: false, want: (a, b) => (a === b ? 1 : 0) },
  { name: 'to f32', wgsl: 'bitcast<u32>(i64_to_f32(a))', pair: false, want: (a) => new Uint32Array(new Float32Array([nearestF32(a)]).buffer)[0]! },
];

/** Runs every op of OPS on the pairs (a[i], b[i]) in one dispatch; returns the words written. */
async function runOps(as: bigint[], bs: bigint[]): Promise<Uint32Array> {
  const device = webgpu.device;
  const n = as.length;
  const width = OPS.reduce((w, op) => w + (op.pair ? 2 : 1), 0);
  let at = 0;
  const stores = OPS.map((op) => {
    const base = at;
    at += op.pair ? 2 : 1;
    return op.pair
      ? `{ let r = ${op.wgsl}; out[i * ${width}u + ${base}u] = r.lo; out[i * ${width}u + ${base + 1}u] = r.hi; }`
      : `out[i * ${width}u + ${base}u] = ${op.wgsl};`;
  });
  const code = `${PRELUDE}
${I64_PRELUDE}
@group(0) @binding(0) var<storage, read> inA: array<I64>;
@group(0) @binding(1) var<storage, read> inB: array<I64>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= ${n}u) { return; }
  let a = inA[i];
  let b = inB[i];
  ${stores.join('\n  ')}
}`;
  const upload = (values: bigint[]) => {
    const data = new Uint32Array(values.flatMap(words));
    const buffer = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  };
  const [a, b] = [upload(as), upload(bs)];
  const bytes = n * width * 4;
  const out = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
  const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [a, b, out].map((buffer, binding) => ({ binding, resource: { buffer } })) });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(Math.ceil(n / 64));
  pass.end();
  encoder.copyBufferToBuffer(out, 0, staging, 0, bytes);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const result = new Uint32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  for (const x of [a, b, out, staging]) x.destroy();
  return result;
}

describe('int64 emulation over the whole 64-bit range', () => {
  beforeAll(async () => {
    await sym.resolveBackend('webgpu');
  });

  it('matches BigInt with NumPy semantics on edge values and random 64-bit values', async () => {
    const MIN = -(1n << 63n);
    const MAX = (1n << 63n) - 1n;
    const edges = [0n, 1n, -1n, 2n, -7n, MIN, MAX, MIN + 1n, 1n << 32n, (1n << 32n) - 1n, -(1n << 32n), 1n << 31n, -(1n << 31n), (1n << 53n) + 1n, 3n << 40n, -(5n << 50n), 65537n];
    let seed = 12345n;
    const random = () => {
      // a 64-bit linear congruential generator: every bit varies
      seed = (seed * 6364136223846793005n + 1442695040888963407n) % TWO_64;
      const v = BigInt.asIntN(64, seed);
      // a third of them small, a third within 32 bits, the rest anywhere
      const kind = Number(seed >> 61n) % 3;
      return kind === 0 ? v % 1000n : kind === 1 ? v % (1n << 33n) : v;
    };
    const as: bigint[] = [];
    const bs: bigint[] = [];
    for (const a of edges) for (const b of edges) as.push(a), bs.push(b);
    for (let i = 0; i < 3000; i++) as.push(random()), bs.push(random());
    const got = await runOps(as, bs);
    const width = OPS.reduce((w, op) => w + (op.pair ? 2 : 1), 0);
    const wrong: string[] = [];
    as.forEach((a, i) => {
      const b = bs[i]!;
      let at = i * width;
      for (const op of OPS) {
        const want = op.want(a, b);
        const value = op.pair ? fromWords(got[at]!, got[at + 1]!) : got[at]!;
        if (value !== (typeof want === 'bigint' ? wrap(want) : want) && wrong.length < 10) wrong.push(`${op.name}(${a}, ${b}): got ${value}, want ${want}`);
        at += op.pair ? 2 : 1;
      }
    });
    expect(wrong).toEqual([]);
  });
});
