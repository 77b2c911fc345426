/**
 * How close a backend's result must be to the reference `perform`.
 *
 * Integers and booleans are exact: wrapping, flooring and truncation are
 * semantics, not rounding. Floats get room for what hardware may do
 * differently from the reference (which computes in float64 and rounds
 * once): float32 transcendental functions of GPUs are a few ulps off, and
 * reductions and dot products may add in another order or in float32.
 */
import type { DType } from '@sym/graph';
import { isFloat } from '@sym/graph';

/** How far a result may be from the reference, NumPy `allclose` style. */
export interface Tolerance {
  /** Relative tolerance: |actual - expected| <= atol + rtol * |expected|. */
  readonly rtol: number;
  /** Absolute tolerance (see `rtol`). */
  readonly atol: number;
}

/** Exact equality: integers, booleans, and ops rounded once. */
export const EXACT: Tolerance = { rtol: 0, atol: 0 };

/**
 * Ops where the sign of a zero result is not specified: max/min of 0 and -0
 * may return either (IEEE 754 maxNum/minNum; NumPy's answer depends on the
 * operand order), so -0 is not required there.
 */
export const ZERO_SIGN_UNSPECIFIED: ReadonlySet<string> = new Set(['maximum', 'minimum', 'clip', 'max', 'min']);

/** Ops whose float result is one correctly rounded operation (or a choice between operands). */
const ROUNDED_ONCE = new Set([
  'neg', 'abs', 'sign', 'floor', 'ceil', 'round', 'relu', 'not', 'identity', 'cast',
  'add', 'sub', 'mul', 'maximum', 'minimum', 'second', 'switch', 'clip',
  'eq', 'neq', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'xor',
  'max', 'min', 'argmax', 'argmin', 'any', 'all',
  'dimshuffle', 'transpose', 'reshape', 'flatten',
  'subtensor', 'inc_subtensor', 'join', 'sort',
]);

/** Division and square root: correctly rounded on CPUs, within ~2.5 ulp on GPUs (WGSL, GLSL). */
const NEAR_ROUNDED = new Set(['truediv', 'sqrt', 'intdiv', 'mod']);

/** Accumulations: another summation order is allowed. */
const ACCUMULATING = new Set(['sum', 'prod', 'mean', 'dot', 'outer', 'advanced_inc_subtensor']);

/**
 * Linear algebra (cases/nlinalg.ts): n steps of elimination, each step's
 * rounding carried into the next ones. On the suite's well-conditioned
 * matrices the CPU's float32 results are within 7e-7 of the largest
 * element at n = 100 (relative errors of up to 4e-4 only on elements near
 * zero); float64 agrees with the reference to the last bit there.
 */
const LINALG = new Set(['matrix_inverse', 'det', 'cholesky', 'solve', 'qr', 'eigh', 'eig', 'svd']);

/**
 * A DFT by Bluestein's convolution (cases/fft.ts): two transforms of m >= 2n and three complex products, each bin
 * a sum over all of them, so its float32 rounding follows the largest bins, not its own: at n = 1021 of the suite's
 * small values bins differ by up to 4.4e-5 between two summation orders, on bins near 1 and near 0 alike.
 */
const TRANSFORM = new Set(['fft']);

/**
 * The default tolerance of an op (a scalar op name, a reducer, or one of
 * `dot`, `outer`, `softmax`, `dimshuffle`, `reshape`, `flatten`, `cast`) for
 * results of `dtype`.
 */
export function defaultTolerance(op: string, dtype: DType): Tolerance {
  if (!isFloat(dtype)) return EXACT;
  const f32 = dtype === 'float32';
  if (ROUNDED_ONCE.has(op)) return EXACT;
  // float16 (ulp 2^-10 relative): a few ulps, as a graph's kernels round to half precision after every op
  if (dtype === 'float16') {
    if (NEAR_ROUNDED.has(op)) return { rtol: 2e-3, atol: 0 };
    if (ACCUMULATING.has(op)) return { rtol: 4e-3, atol: 1e-3 };
    return { rtol: 5e-3, atol: 1e-4 };
  }
  if (NEAR_ROUNDED.has(op)) return f32 ? { rtol: 4e-7, atol: 0 } : { rtol: 1e-15, atol: 0 };
  if (ACCUMULATING.has(op)) return f32 ? { rtol: 1e-5, atol: 1e-5 } : { rtol: 1e-12, atol: 1e-12 };
  if (LINALG.has(op)) return f32 ? { rtol: 1e-4, atol: 2e-5 } : { rtol: 1e-12, atol: 1e-13 };
  if (TRANSFORM.has(op)) return f32 ? { rtol: 1e-4, atol: 1e-4 } : { rtol: 1e-12, atol: 1e-12 };
  // exp, log, sin, tanh, sigmoid, softplus, pow, softmax, composite graphs, ...
  return f32 ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-13, atol: 1e-300 };
}

/** The smallest normal float32 and float16. */
const FLT_MIN = 2 ** -126;
const HALF_MIN = 2 ** -14;

/**
 * `defaultTolerance`, with float32 and float16 results allowed to be
 * flushed from the subnormal range to zero: WGSL and GLSL ES let
 * implementations do it, and GPUs (NVIDIA's, SwiftShader, llvmpipe's
 * shaders) do.
 */
export function flushingTolerance(op: string, dtype: DType): Tolerance {
  const t = defaultTolerance(op, dtype);
  if (dtype === 'float32') return { rtol: t.rtol, atol: Math.max(t.atol, FLT_MIN) };
  if (dtype === 'float16') return { rtol: t.rtol, atol: Math.max(t.atol, HALF_MIN) };
  return t;
}
