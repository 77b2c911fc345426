/**
 * Large float matmuls in three passes over operands packed four to a
 * texel. On a software GL driver (Mesa's llvmpipe) a matmul's time is its
 * texture fetches: one per operand per step of the k loop, whatever the
 * index arithmetic around them costs. Packing each operand's k axis into
 * the four channels of a float texture (A as [batch, m, k/4] vec4s, B as
 * [batch, n, k/4]) makes one fetch bring four steps, and lays both operands
 * out contiguously along k whatever their strides were (a transposed
 * operand costs nothing extra). The packing passes fetch each element once,
 * so they are cheap next to the product, which fetches each one m or n
 * times.
 *
 * The product's loop is GLSL, added to the gpu.js kernel as a native
 * function: it walks both packed textures texel by texel with integer-valued
 * float coordinates (a step is two additions and a wrap at the row's end)
 * instead of gpu.js's per-fetch index-to-texel division, which was most of
 * what remained once the fetches were fewer. gpu.js emits a kernel's own
 * functions after its argument declarations, so the native function reads
 * the kernel's samplers (`user_in0`) and their texture sizes, which gpu.js
 * compiles in as constants, by name.
 *
 * Only for GL modes with WebGL 1 shaders, where it is tested (headlessgl);
 * only for float operands and accumulators (integer products wrap at every
 * step, which the packed loop does not do); only where the work amortises
 * the two extra launches.
 */
import type { MatmulKernel } from '@sym/graph';
import { isFloat } from '@sym/graph';
import { MATMUL_VARS, decompose, epilogueReturn, matmulIndex, num, offsetExpr } from './render.js';

/** Values packed in one texel: the four channels of an RGBA float texture. */
const LANES = 4;

/** The shortest k axis worth packing: below it the product is a few fetches per thread and launches dominate. */
export const PACK_MIN_K = 16;

/** The least work (multiply-adds) worth the two packing launches (each ~0.05-0.1 ms on llvmpipe). */
export const PACK_MIN_WORK = 1 << 16;

/** Steps of k per texel, rounded up: the last texel is padded with zeros (0 * 0 adds nothing, not even to a NaN). */
export function packedK(k: number): number {
  return Math.ceil(k / LANES);
}

/**
 * Whether `k` runs as packed passes: float operands, accumulator and
 * product (an epilogue may read and store any dtype), long enough, and a
 * product loop of at most `maxLoop` texels.
 */
export function usesPackedMatmul(k: MatmulKernel, maxLoop: number): boolean {
  const floats = k.inputs[0] === 'float32' && k.inputs[1] === 'float32' && (k.epilogue?.value ?? k.out) === 'float32' && isFloat(k.acc);
  const work = k.batch * k.m * k.n * k.k;
  return floats && k.k >= PACK_MIN_K && work >= PACK_MIN_WORK && packedK(k.k) <= maxLoop;
}

/**
 * The packing pass of one operand: texel t of the output holds, for the
 * operand's row r (an (b, m) pair of A, an (b, n) pair of B) and texel
 * column j, the elements k = 4j .. 4j + 3 of that row (zeros past the end).
 * `rowStrides` are the operand's strides for (b, row), `kStride` its
 * stride along k.
 */
function renderPack(rows: readonly [number, number], rowStrides: readonly [number, number], kStride: number, offset: number, k: number): string {
  const k4 = packedK(k);
  const base = offsetExpr(['bx', 'rx'], rowStrides, offset);
  const lane = (c: number) => {
    const q = `(jx * ${num(LANES)} + ${num(c)})`;
    const at = kStride === 0 ? base : `${base} + ${q} * ${num(kStride)}`;
    // the guard keeps the padding zero: a fetch past the row could read another row, or past the texture
    const full = c < k - (k4 - 1) * LANES;
    return full ? `in0[${at}]` : `(${q} < ${num(k)} ? in0[${at}] : 0.0)`;
  };
  return `function (in0) {
${decompose([...rows, k4], ['bx', 'rx', 'jx'], 't')}
return [${[0, 1, 2, 3].map(lane).join(', ')}];
}`;
}

/** The packing pass of A: [batch, m, k/4] texels. */
export function renderPackA(mm: MatmulKernel): string {
  const [ab, am, ak] = mm.a.strides;
  return renderPack([mm.batch, mm.m], [ab, am], ak, mm.a.offset, mm.k);
}

/** The packing pass of B: [batch, n, k/4] texels. */
export function renderPackB(mm: MatmulKernel): string {
  const [bb, bk, bn] = mm.b.strides;
  return renderPack([mm.batch, mm.n], [bb, bn], bk, mm.b.offset, mm.k);
}

/** The GLSL name of the product loop; unique within its kernel, which is all a native function needs. */
const DOT = 'symPackedDot';

/** GLSL statements declaring `v`, the texel (x, y) of flat index `i` in a texture `w` wide; exact below 2^24 (the float quotient is corrected by its remainder). */
function texelOf(v: string, i: string, w: string): string {
  return `vec2 ${v} = vec2(0.0, floor((${i} + 0.5) / ${w}));
  ${v}.x = ${i} - ${v}.y * ${w};
  if (${v}.x < 0.0) { ${v} += vec2(${w}, -1.0); }
  if (${v}.x >= ${w}) { ${v} += vec2(-${w}, 1.0); }`;
}

/**
 * The product loop in GLSL (WebGL 1): the sum over `k4` texels of the
 * channel-wise products of packed rows starting at flat texel indices `pa`
 * (in `user_in0`) and `pb` (in `user_in1`). Four running sums, one per
 * channel, added at the end. One function: gpu.js does not trace calls
 * between native functions.
 */
export function packedDotSource(k4: number): string {
  return `float ${DOT}(float pa, float pb) {
  vec2 sa = vec2(user_in0Size);
  vec2 sb = vec2(user_in1Size);
  vec2 ia = 1.0 / sa;
  vec2 ib = 1.0 / sb;
  ${texelOf('a', 'pa', 'sa.x')}
  ${texelOf('b', 'pb', 'sb.x')}
  vec4 s = vec4(0.0);
  for (int q = 0; q < ${k4}; q++) {
    s += texture2D(user_in0, (a + 0.5) * ia) * texture2D(user_in1, (b + 0.5) * ib);
    a.x += 1.0;
    float wa = step(sa.x, a.x);
    a += vec2(-wa * sa.x, wa);
    b.x += 1.0;
    float wb = step(sb.x, b.x);
    b += vec2(-wb * sb.x, wb);
  }
  return (s.x + s.y) + (s.z + s.w);
}`;
}

/** The native function the product pass calls, as gpu.js's `nativeFunctions` setting takes it. */
export function packedDotNatives(k: number): { name: string; source: string }[] {
  return [{ name: DOT, source: packedDotSource(packedK(k)) }];
}

/**
 * The product pass: one thread per output element, in the output's memory
 * order (as `renderMatmul`), reading packed A (`in0`) and packed B (`in1`);
 * a matmul with an epilogue applies it here, its kernel inputs passed
 * after the packed operands (kernel input i is `in<i + 2>`).
 */
export function renderPackedProduct(mm: MatmulKernel): string {
  const k4 = num(packedK(mm.k));
  const ins = mm.epilogue ? mm.inputs.map((_, i) => `, in${i + 2}`).join('') : '';
  const dot = `${DOT}((bx * ${num(mm.m)} + mx) * ${k4}, (bx * ${num(mm.n)} + nx) * ${k4})`;
  return `function (in0, in1${ins}) {
${matmulIndex(mm)}
${epilogueReturn(mm.epilogue, mm.out, dot, MATMUL_VARS, (e, index) => `in${e.input + 2}[${index}]`)}
}`;
}
