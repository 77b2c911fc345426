/**
 * A DFT along one axis as Cooley-Tukey's "four-step" form over STAGES
 * factors (two: n = f1 f2, fft-plan.ts chooses them when a program is
 * made): write the input index j = j1 f2 + j2 and the output index
 * k = k1 + f1 k2; a DFT of length f1 over j1 (a matrix product with an
 * f1 x f1 table), a twiddle factor w_n^(j2 k1) per (j2, k1), then a DFT of
 * length f2 over j2. Each stage is a `tensordot` over the axis it
 * contracts, kept last but for the (real, imaginary) pair so the product
 * reads its operand in place, and the twiddle pass writes the next
 * stage's layout (its axis moved last): a stage is a matrix product and
 * one elementwise pass. The work is O(n (f1 + f2)) per signal where the
 * DFT matrix's is O(n^2); a length kept whole (f1 = 1) passes once over
 * the data in a stage that computes nothing.
 */
import type { TensorVariable } from '../core/variable.js';
import { apply1 } from '../core/op.js';
import { DftFactor, DftIndex, DftTable, STAGES, type DftScale, type DftTableForm } from './fft-plan.js';
import { range } from './axes.js';
// a cycle (tensor.ts re-exports fft.ts): used only inside functions, never while the modules load
import * as T from './tensor.js';

/** What a transform reads and writes: complex to complex, real to complex (a real input), complex to its real part. */
export type DftForm = 'c2c' | 'r2c' | 'c2r';

const product = (xs: readonly TensorVariable[]): TensorVariable => (xs.length === 0 ? T.constant(1, { dtype: 'int64' }) : xs.length === 1 ? xs[0]! : T.mul(...xs));

/**
 * The DFT (sign -1 forward, +1 inverse; scaled by 1 / count, or
 * 1 / sqrt(count), as `scale` says, in the last stage's table) along
 * `axis` of z, which stays where it is: 'c2c': z (L..., n, R..., 2) gives
 * (L..., keep, R..., 2); 'r2c': z (L..., n, R...) gives
 * (L..., keep, R..., 2); 'c2r': z (L..., n, R..., 2) gives
 * (L..., keep, R...), the real part. `keep` (at most n) is how many of
 * the first bins are kept, null for all n (rfft's n // 2 + 1). `subject`
 * ("rfft: x along axis 1") names the transform in a table's error.
 */
export function dftAxis(z: TensorVariable, axis: number, subject: string, form: DftForm, sign: 1 | -1, scale: DftScale = 'none', count: TensorVariable | null = null, keep: TensorVariable | null = null): TensorVariable {
  const complexIn = form !== 'r2c';
  const pairIn = complexIn ? [2] : [];
  const lead = range(axis).map((d) => T.shapeI(z, d));
  const rest = range(z.ndim - (complexIn ? 1 : 0) - axis - 1, axis + 1).map((d) => T.shapeI(z, d));
  const [A, n, C] = [product(lead), T.shapeI(z, axis), product(rest)];
  // the other axes as one, U = A C: the kernels index fewer dimensions
  const U = T.mul(A, C);
  const fs = range(STAGES).map((s) => apply1(new DftFactor(s), [n]));
  // m[s]: the length still to transform before stage s, f_s ... f_last; p[s]: the length done, f_0 ... f_{s-1}
  const m = range(STAGES + 1).map((s) => product(fs.slice(s)));
  const p = range(STAGES + 1).map((s) => product(fs.slice(0, s)));
  const one = T.constant(1, { dtype: 'int64' });
  const last = STAGES - 1;
  // the last stage computes all its bins, those the gather keeps or not: a product of f2 x ceil(keep / p) columns (rfft's
  // 9 of 16 at n = 256) was slower on the CPU than of all 16, its width a whole number of the matmul's tiles
  const cols = fs[last]!;
  // state before stage s: (U, done (k_{s-1} ... k_0), rest of j, j_s, [pair])
  let S = T.reshape(T.reshape(z, [A, fs[0]!, m[1]!, C, ...pairIn]).dimshuffle(0, 3, 2, 1, ...(complexIn ? [4] : [])), [U, one, m[1]!, fs[0]!, ...pairIn]);
  for (let s = 0; ; s++) {
    const f = fs[s]!;
    const tform: DftTableForm = s === 0 && form === 'r2c' ? 'r2c' : s === last && form === 'c2r' ? 'c2r' : 'c2c';
    const table = s === last ? apply1(new DftTable(tform, sign, z.dtype, scale, subject), [f, f, cols, count ?? one]) : apply1(new DftTable(tform, sign, z.dtype, 'none', subject), [f, f, f, one]);
    // (U, done, rest, k_s, [pair])
    const Y = T.tensordot(S, table, s > 0 || complexIn ? [[3, 4], [0, 1]] : [[3], [0]]);
    if (s === last) return finish(Y, form === 'c2r' ? [] : [2], lead, rest, p[last]!, cols, keep);
    // the twiddles w_{m[s]}^(rest * k_s), written in the next stage's layout: k_s joins the done axes (outermost), j_{s+1} comes last
    const [next, after] = [fs[s + 1]!, m[s + 2]!];
    const W = apply1(new DftTable('twiddle', sign, z.dtype), [m[s]!, m[s + 1]!, f, one]);
    const y = T.reshape(Y, [U, p[s]!, next, after, f, 2]).dimshuffle(0, 4, 1, 3, 2, 5);
    const w = T.reshape(W, [next, after, f, 2, 2]).dimshuffle(2, 'x', 1, 0, 3, 4);
    // (re, im) (c, c) + (im, re) (-s, s): one elementwise pass, whose gradient is one too (a sum over the pair's
    // products was a reduce, and its gradient two)
    const swapped = T.get(y, ':', ':', ':', ':', ':', T.slice(null, null, -1));
    const times = (v: TensorVariable, which: number) => T.mul(v, T.get(w, ':', ':', ':', ':', which, ':'));
    S = T.reshape(T.add(times(y, 0), times(swapped, 1)), [U, p[s + 1]!, after, next, 2]);
  }
}

/**
 * The last stage's (U, done, 1, k_last, [pair]) back in place, (L..., keep, R..., [pair]), bin k = done + p k_last:
 * a transpose, or for the first `keep` bins alone one gather of them in order (a slice of a length known only
 * with the shapes is a window found on the host between programs, and a second copy).
 */
function finish(Y: TensorVariable, pair: readonly number[], lead: readonly TensorVariable[], rest: readonly TensorVariable[], done: TensorVariable, cols: TensorVariable, keep: TensorVariable | null): TensorVariable {
  const [A, C] = [product(lead), product(rest)];
  const pairAxis = pair.length ? [4] : [];
  if (keep === null) {
    // all bins: a transpose, whose gradient is one too (a gather's is a scatter)
    const bins = T.reshape(Y, [A, C, done, cols, ...pair]).dimshuffle(0, 3, 2, 1, ...pairAxis);
    return T.reshape(bins, [...lead, T.mul(done, cols), ...rest, ...pair]);
  }
  const order = apply1(new DftIndex('bins'), [done, cols, keep]);
  const bins = T.reshape(Y, [A, C, T.mul(done, cols), ...pair]).dimshuffle(0, 2, 1, ...(pair.length ? [3] : []));
  return T.reshape(T.get(bins, ':', order), [...lead, keep, ...rest, ...pair]);
}
