/**
 * A DFT along one axis as Cooley-Tukey's "four-step" form over STAGES
 * factors n = f1 f2 f3 (fft-plan.ts chooses them when a program is made):
 * write the input index j = j1 (f2 f3) + j2 f3 + j3 and the output index
 * k = k1 + f1 k2 + f1 f2 k3; a DFT of length f1 over j1 (a matrix product
 * with an f1 x f1 table), a twiddle factor per (rest of j, k1), then the
 * DFT of length f2 f3 over the rest the same way. Each stage is a
 * `tensordot` over the axis it contracts (kept last but for the
 * (real, imaginary) pair, so the product reads its operand in place), and
 * the twiddle multiply writes the next stage's layout (the contracted
 * axis moved last), so a stage is a matrix product and one elementwise
 * pass. The work is O(n (f1 + f2 + f3)) per signal where the DFT matrix's
 * is O(n^2); a stage of length 1 is a pass over the data that computes
 * nothing (a prime n is one DFT of n, its matrix).
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
 * 1 / sqrt(count), as `scale` says, in the last stage's table) along axis 1 of z, which lands last (before the pair
 * axis), as `tensordot` with the DFT matrix would put it:
 * 'c2c': z (A, n, R..., 2) gives (A, R..., keep, 2); 'r2c': z (A, n, R...)
 * gives (A, R..., keep, 2); 'c2r': z (A, n, R..., 2) gives (A, R..., keep),
 * the real part. `keep` (at most n) is how many of the first bins are
 * kept, null for all n: rfft's n // 2 + 1, whose last stage computes only
 * as many as it needs.
 */
export function dftAxis1(z: TensorVariable, form: DftForm, sign: 1 | -1, scale: DftScale = 'none', count: TensorVariable | null = null, keep: TensorVariable | null = null): TensorVariable {
  const complexIn = form !== 'r2c';
  const pairIn = complexIn ? [2] : [];
  const rest = range(z.ndim - (complexIn ? 3 : 2), 2).map((d) => T.shapeI(z, d));
  const [A, n, C] = [T.shapeI(z, 0), T.shapeI(z, 1), product(rest)];
  // the other axes as one, U = A C: the kernels index fewer dimensions
  const U = T.mul(A, C);
  const fs = range(STAGES).map((s) => apply1(new DftFactor(s), [n]));
  // m[s]: the length still to transform before stage s, f_s ... f_last; p[s]: the length done, f_0 ... f_{s-1}
  const m = range(STAGES + 1).map((s) => product(fs.slice(s)));
  const p = range(STAGES + 1).map((s) => product(fs.slice(0, s)));
  const one = T.constant(1, { dtype: 'int64' });
  const last = STAGES - 1;
  // the last stage's bins k_last: the kept bins k < keep need k_last < ceil(keep / p[last])
  const cols = keep === null ? fs[last]! : T.intDiv(T.add(keep, T.sub(p[last]!, 1)), p[last]!);
  // state before stage s: (U, done (k_{s-1} ... k_0), rest of j, j_s, [pair])
  let S = T.reshape(T.reshape(z, [A, fs[0]!, m[1]!, C, ...pairIn]).dimshuffle(0, 3, 2, 1, ...(complexIn ? [4] : [])), [U, one, m[1]!, fs[0]!, ...pairIn]);
  for (let s = 0; ; s++) {
    const f = fs[s]!;
    const tform: DftTableForm = s === 0 && form === 'r2c' ? 'r2c' : s === last && form === 'c2r' ? 'c2r' : 'c2c';
    const table = s === last ? apply1(new DftTable(tform, sign, z.dtype, scale), [f, f, cols, count ?? one]) : apply1(new DftTable(tform, sign, z.dtype), [f, f, f, one]);
    // (U, done, rest, k_s, [pair])
    const Y = T.tensordot(S, table, s > 0 || complexIn ? [[3, 4], [0, 1]] : [[3], [0]]);
    if (s === last) return finish(Y, form, A, rest, p[last]!, cols, keep);
    // the twiddles w_{m[s]}^(rest * k_s), written in the next stage's layout: k_s joins the done axes (outermost), j_{s+1} comes last
    const [next, after] = [fs[s + 1]!, m[s + 2]!];
    const W = apply1(new DftTable('twiddle', sign, z.dtype), [m[s]!, m[s + 1]!, f, one]);
    const y = T.reshape(Y, [U, p[s]!, next, after, f, 2]).dimshuffle(0, 4, 1, 3, 2, 5);
    const w = T.reshape(W, [next, after, f, 2, 2]).dimshuffle(2, 'x', 1, 0, 3, 4);
    // (re, im) . M = re M[0] + im M[1]: one elementwise pass (a sum over the pair was a reduce of twice the rank)
    const part = (q: number) => T.mul(T.get(y, ':', ':', ':', ':', ':', q).dimshuffle(0, 1, 2, 3, 4, 'x'), T.get(w, ':', ':', ':', ':', q, ':'));
    S = T.reshape(T.add(part(0), part(1)), [U, p[s + 1]!, after, next, 2]);
  }
}

/**
 * The last stage's (U, done, 1, k_last, [pair]) as (A, R..., keep, [pair]), bin k = done + p k_last: one gather
 * of the bins in order (the kept ones only), where a transpose and a slice would be two copies (a slice of a
 * length known only with the shapes is a window found on the host between programs).
 */
function finish(Y: TensorVariable, form: DftForm, A: TensorVariable, rest: readonly TensorVariable[], done: TensorVariable, cols: TensorVariable, keep: TensorVariable | null): TensorVariable {
  const pair = form === 'c2r' ? [] : [2];
  const kept = keep ?? T.mul(done, cols);
  const order = apply1(new DftIndex('bins'), [done, cols, kept]);
  const bins = T.get(T.reshape(Y, [A, product(rest), T.mul(done, cols), ...pair]), ':', ':', order);
  return T.reshape(bins, [A, ...rest, kept, ...pair]);
}
