/**
 * `T.fft`: Theano's `theano.tensor.fft` module, `rfft(inp, norm)` and
 * `irfft(inp, norm, isOdd)`, in Theano's layout: the first axis is a batch,
 * the transform runs over every other axis, and a complex value is a pair
 * (real, imaginary) along a last axis of length 2.
 *
 * Theano has an op of its own for each (NumPy's FFT on the CPU, cuFFT on
 * the GPU). Here both are compositions of dense ops every backend already
 * runs: along each axis one DftAxis node (fft-op.ts) whose kernels are
 * chosen from the length when a program is made (fft-plan.ts): a DFT in
 * two stages, n = f1 f2 (fft-stages.ts: a matrix product with an f1 x f1
 * DFT table, a twiddle pass, a product with an f2 x f2 table;
 * O(n (f1 + f2)) per signal), a short length one product with its n x n
 * matrix, a prime or badly factored one Bluestein's convolution of two
 * power-of-two transforms; the tables are computed on the host in float64,
 * so no backend needs code of its own; the gradient is the adjoint
 * transform.
 * The last axis is a real DFT to n // 2 + 1 bins; irfft's is the real
 * part of the inverse of the whole (Hermitian) spectrum.
 */
import { isInt } from '../core/dtype.js';
import { config } from '../core/config.js';
import { apply1, asTensor, type TensorLike } from '../core/op.js';
import { MatchLength } from '../ops/shape.js';
import type { TensorVariable } from '../core/variable.js';
import { nameInError } from '../core/error-names.js';
import { withShape } from './specify-shape.js';
import { range } from './axes.js';
import { dftAxis } from './fft-op.js';
import { DftIndex } from './fft-plan.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from './tensor.js';

/** Theano's norm: null (forward unscaled, inverse scaled by 1/N), 'ortho' (both by 1/sqrt(N)), 'no_norm' (neither scaled). */
export type FFTNorm = null | 'ortho' | 'no_norm';

const NORMS: readonly unknown[] = [null, undefined, 'ortho', 'no_norm'];

function checkNorm(what: string, norm: unknown): 'backward' | 'ortho' | 'no_norm' {
  if (!NORMS.includes(norm)) throw new RangeError(`${what}: norm must be null, 'ortho' or 'no_norm', got ${typeof norm === 'string' ? JSON.stringify(norm) : String(norm)}`);
  return norm === null || norm === undefined ? 'backward' : (norm as 'ortho' | 'no_norm');
}

/** A real input of the transforms: a float stays as it is, an integer becomes floatX (as Theano's mean does). */
function floatInput(what: string, inp: TensorLike, minRank: number, expected: string): TensorVariable {
  const x = asTensor(inp, `${what}: inp`);
  if (x.ndim < minRank) throw new TypeError(`${what}: inp must have at least ${minRank} dimensions (${expected}), got ${nameInError(x)} of type ${x.type}`);
  return x.dtype === 'bool' || isInt(x.dtype) ? T.cast(x, config.floatX) : x;
}

/**
 * x, checked when the function runs to have at least `least` entries along
 * `axis`: NumPy refuses a transform of no points ("Invalid number of data
 * points (0) specified"), where the DFT matrices here would give zeros or
 * an empty signal. (A length equal to max(length, least) passes.)
 */
function atLeast(x: TensorVariable, axis: number, least: number, describe: (length: number | null) => string, tag: string): TensorVariable {
  const ruler = T.zeros([T.maximum(T.shapeI(x, axis), least)], 'int8');
  return apply1(new MatchLength(axis, 0, (xs) => describe(xs[axis] ?? null), `fft:${tag}:${axis}:${least}`), [x, ruler]);
}

/** x with at least one point along each of `axes`. */
function withPoints(what: string, x: TensorVariable, name: string, axes: readonly number[]): TensorVariable {
  return axes.reduce(
    (y, d) => atLeast(y, d, 1, (n) => `${what}: ${name} has ${n ?? '?'} points along axis ${d}; a transform needs at least 1 (NumPy: Invalid number of data points (0) specified)`, what),
    x,
  );
}

/** The lengths of axes `axes` of x. */
const lengths = (x: TensorVariable, axes: readonly number[]): TensorVariable[] => axes.map((d) => T.shapeI(x, d));

/** The count N the norms scale by: the product of the transformed lengths. */
const countOf = (ns: readonly TensorVariable[]): TensorVariable => (ns.length === 1 ? ns[0]! : T.mul(...ns));

/**
 * Theano's `rfft(inp, norm=None)`: the real-input DFT of each entry of the
 * batch over all its axes, as NumPy's `rfftn(inp, axes=1..)`, of shape
 * (m, n1, ..., nk // 2 + 1, 2), the last axis (real, imaginary). norm null:
 * unscaled; 'ortho': scaled by 1/sqrt(n1 ... nk); 'no_norm': unscaled.
 */
export function rfft(inp: TensorLike, norm: FFTNorm = null): TensorVariable {
  const mode = checkNorm('rfft', norm);
  const given = floatInput('rfft', inp, 2, 'a batch axis, then the axes to transform');
  const last = given.ndim - 1;
  const name = nameInError(asTensor(inp, 'rfft: inp'));
  const x = withPoints('rfft', given, name, range(last, 1));
  const ns = lengths(x, range(last, 1));
  // the real DFT of the last axis to h = n // 2 + 1 bins, (m, n1, ..., h, 2), the scale in its last stage; then each other axis in place
  let z = dftAxis(x, last, `rfft: ${name} along axis ${last}`, 'r2c', -1, mode === 'ortho' ? 'ortho' : 'none', countOf(ns), true);
  for (let d = 1; d < last; d++) z = dftAxis(z, d, `rfft: ${name} along axis ${d}`, 'c2c', -1);
  return z;
}

/**
 * Theano's `irfft(inp, norm=None, is_odd=False)`: the inverse of `rfft`,
 * as NumPy's `irfftn(inp[..., 0] + 1j inp[..., 1], axes=1..)`: inp of
 * shape (m, n1, ..., h, 2) gives (m, n1, ..., n) with n = 2 (h - 1), or
 * 2 (h - 1) + 1 with `isOdd`. The imaginary parts of the last axis's
 * first bin (and last, n even) are ignored, as NumPy's are. norm null:
 * scaled by 1/(n1 ... n); 'ortho': by 1/sqrt(n1 ... n); 'no_norm': unscaled.
 */
export function irfft(inp: TensorLike, norm: FFTNorm = null, isOdd = false): TensorVariable {
  const mode = checkNorm('irfft', norm);
  if (isOdd !== true && isOdd !== false) throw new TypeError(`irfft: isOdd must be true or false, got ${String(isOdd)}`);
  const given = floatInput('irfft', inp, 3, 'a batch axis, the axes to transform, then a last axis of length 2 holding (real, imaginary)');
  const name = nameInError(asTensor(inp, 'irfft: inp'));
  const pair = given.ndim - 1;
  const bins = pair - 1;
  const least = isOdd ? 1 : 2;
  const counted = (n: number | null) => (n === null ? '?' : `${n} bin${n === 1 ? '' : 's'}`);
  const z0 = atLeast(
    withPoints('irfft', withShape('irfft', given, [...range(pair).map(() => null), 2]), name, range(bins - 1, 1)),
    bins,
    least,
    (h) =>
      isOdd
        ? `irfft: ${name} has ${counted(h)} along axis ${bins}; it needs at least 1 (NumPy: Invalid number of data points (0) specified)`
        : `irfft: ${name} has ${counted(h)} along axis ${bins}, an even output of ${h === null ? '?' : Math.max(0, 2 * (h - 1))} points (2 (bins - 1)); it needs at least 2 bins, or isOdd for 1 point (NumPy: Invalid number of data points (0) specified)`,
    'irfft-bins',
  );
  const ns = lengths(z0, range(pair - 2, 1));
  const h = T.shapeI(z0, pair - 1);
  const n = T.add(T.mul(T.sub(h, 1), 2), isOdd ? 1 : 0);
  let z = z0;
  for (let d = 1; d < bins; d++) z = dftAxis(z, d, `irfft: ${name} along axis ${d}`, 'c2c', 1);
  // the whole spectrum along the last axis, bins h .. n - 1 the conjugates of bins n - h .. 1, then the real part of its
  // inverse DFT; the imaginary parts of bin 0 (and n / 2) reach only the imaginary part, as NumPy ignores them
  const conj = apply1(new DftIndex('conj', z.dtype), [n, h, n]);
  const full = T.mul(T.get(z, ...range(bins).map(() => ':'), apply1(new DftIndex('mirror'), [n, h, n])), conj);
  return dftAxis(full, bins, `irfft: ${name} along axis ${bins}`, 'c2r', 1, mode === 'backward' ? 'inverse' : mode === 'ortho' ? 'ortho' : 'none', countOf([...ns, n]));
}
