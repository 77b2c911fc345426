/**
 * The graph of a DFT along one axis for lengths known when a program is
 * made (the DftAxis op, fft-op.ts, builds it then): the plan
 * (fft-plan.ts) runs it in stages, or by Bluestein's convolution.
 *
 * Stages are Cooley-Tukey's "four-step" form: for n = f1 f2 write the
 * input index j = j1 f2 + j2 and the output index k = k1 + f1 k2; a DFT
 * of length f1 over j1 (a matrix product with an f1 x f1 table), a
 * twiddle factor w_n^(j2 k1) per (j2, k1), then a DFT of length f2 over
 * j2. Each stage is a `tensordot` over the axis it contracts, kept last
 * but for the (real, imaginary) pair so the product reads its operand in
 * place, and the twiddle pass writes the next stage's layout (its axis
 * moved last): a stage is a matrix product and one elementwise pass. The
 * work is O(n (f1 + f2)) per signal where the DFT matrix's is O(n^2); a
 * length kept whole is one stage, one product.
 *
 * Bluestein's algorithm: with the chirp c_j = w^(sign j^2 / 2),
 * X_k = c_k sum_j (x_j c_j) conj(c_(k - j)), a convolution, done as the
 * product of two transforms of a power of two m >= 2n - 1 (in stages),
 * the kernel's transform a table made on the host.
 */
import type { TensorVariable } from '../core/variable.js';
import { fill, type NDArray } from '../core/ndarray.js';
import { bluesteinKernel, chirpTable, dftPlan, dftTable, type DftPlan, type DftTableForm } from './fft-plan.js';
import { range } from './axes.js';
// a cycle (tensor.ts re-exports fft.ts): used only inside functions, never while the modules load
import * as T from './tensor.js';

/** What a transform reads and writes: complex to complex, real to complex (a real input), complex to its real part. */
export type DftForm = 'c2c' | 'r2c' | 'c2r';

/** A transform along one axis of an input whose shape is known. */
export interface DftSpec {
  readonly axis: number;
  readonly form: DftForm;
  /** -1 forward, +1 inverse. */
  readonly sign: 1 | -1;
  /** What every output is multiplied by (1 / N, 1 / sqrt(N), 1), folded into the last table. */
  readonly scale: number;
  /** How many of the first bins are kept (rfft's n // 2 + 1); all n where null. */
  readonly keep: number | null;
  /** Names the transform in a table's error ("rfft: x along axis 1"). */
  readonly subject: string;
}

const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/**
 * The DFT `spec` says of z, whose shape is `shape`: 'c2c': (L..., n, R..., 2)
 * gives (L..., keep, R..., 2); 'r2c': (L..., n, R...) gives (L..., keep, R..., 2);
 * 'c2r': (L..., n, R..., 2) gives (L..., keep, R...), the real part. `plan`:
 * dftPlan's for n (the tests give another).
 */
export function dftGraph(z: TensorVariable, shape: readonly number[], spec: DftSpec, plan: DftPlan = dftPlan(shape[spec.axis]!)): TensorVariable {
  return plan.kind === 'stages' ? stages(z, shape, spec, plan.factors) : bluestein(z, shape, spec, plan);
}

/**
 * The stages; `raw`: the last stage's output as it comes, (U, p, f_last, 2) with U the other axes as one, where
 * [u, d, c] is bin d + p c (p the stages before the last), for Bluestein's passes to read (one copy fewer each).
 */
function stages(z: TensorVariable, shape: readonly number[], spec: DftSpec, fs: readonly number[], raw = false): TensorVariable {
  const { axis, form, sign, subject } = spec;
  const complexIn = form !== 'r2c';
  const pairIn = complexIn ? [2] : [];
  const lead = shape.slice(0, axis);
  const rest = shape.slice(axis + 1, shape.length - (complexIn ? 1 : 0));
  const [A, C] = [product(lead), product(rest)];
  // the other axes as one, U = A C: the kernels index fewer dimensions
  const U = A * C;
  // m[s]: the length still to transform before stage s, f_s ... f_last; p[s]: the length done, f_0 ... f_{s-1}
  const m = range(fs.length + 1).map((s) => product(fs.slice(s)));
  const p = range(fs.length + 1).map((s) => product(fs.slice(0, s)));
  const last = fs.length - 1;
  // the last stage computes all its bins, those the gather keeps or not: a product of f2 x ceil(keep / p) columns (rfft's
  // 9 of 16 at n = 256) was slower on the CPU than of all 16, its width a whole number of the matmul's tiles
  const cols = fs[last]!;
  // state before stage s: (U, done (k_{s-1} ... k_0), rest of j, j_s, [pair])
  let S = T.reshape(T.reshape(z, [A, fs[0]!, m[1]!, C, ...pairIn]).dimshuffle(0, 3, 2, 1, ...(complexIn ? [4] : [])), [U, 1, m[1]!, fs[0]!, ...pairIn]);
  for (let s = 0; ; s++) {
    const f = fs[s]!;
    const tform: DftTableForm = s === 0 && form === 'r2c' ? 'r2c' : s === last && form === 'c2r' ? 'c2r' : 'c2c';
    const table = T.constant(dftTable(tform, sign, z.dtype, f, f, f, s === last ? spec.scale : 1, subject));
    // (U, done, rest, k_s, [pair])
    const Y = T.tensordot(S, table, s > 0 || complexIn ? [[3, 4], [0, 1]] : [[3], [0]]);
    if (s === last && raw) return T.reshape(Y, [U, p[last]!, cols, 2]);
    if (s === last) return finish(Y, form === 'c2r' ? [] : [2], lead, rest, p[last]!, cols, spec.keep);
    // the twiddles w_{m[s]}^(rest * k_s), written in the next stage's layout: k_s joins the done axes (outermost), j_{s+1} comes last
    const [next, after] = [fs[s + 1]!, m[s + 2]!];
    const W = T.constant(dftTable('twiddle', sign, z.dtype, m[s]!, m[s + 1]!, f));
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
 * a transpose, or for the first `keep` bins alone a window of them (one stage) or one gather of them in order.
 */
function finish(Y: TensorVariable, pair: readonly number[], lead: readonly number[], rest: readonly number[], done: number, cols: number, keep: number | null): TensorVariable {
  const [A, C] = [product(lead), product(rest)];
  const pairAxis = pair.length ? [4] : [];
  const n = done * cols;
  if (keep === null || keep === n) {
    // all bins: a transpose, whose gradient is one too (a gather's is a scatter)
    const bins = T.reshape(Y, [A, C, done, cols, ...pair]).dimshuffle(0, 3, 2, 1, ...pairAxis);
    return T.reshape(bins, [...lead, n, ...rest, ...pair]);
  }
  const bins = T.reshape(Y, [A, C, n, ...pair]).dimshuffle(0, 2, 1, ...(pair.length ? [3] : []));
  const order = done === 1 ? T.slice(0, keep) : T.constant(fill([keep], 'int32', (k) => (k % done) * cols + Math.floor(k / done)));
  return T.reshape(T.get(bins, ':', order), [...lead, keep, ...rest, ...pair]);
}

/** v (..., k..., 2) times a (k..., 2, 2) twiddle table (c, c), (-s, s) broadcast over the leading axes: (re c - im s, re s + im c). */
function complexTimes(v: TensorVariable, table: TensorVariable): TensorVariable {
  const w = table.dimshuffle(...range(v.ndim - table.ndim + 1).map(() => 'x' as const), ...range(table.ndim));
  const at = (which: number) => T.get(w, ...range(v.ndim - 1).map(() => ':'), which, ':');
  const swapped = T.get(v, ...range(v.ndim - 1).map(() => ':'), T.slice(null, null, -1));
  return T.add(T.mul(v, at(0)), T.mul(swapped, at(1)));
}

function bluestein(z: TensorVariable, shape: readonly number[], spec: DftSpec, plan: Extract<DftPlan, { kind: 'bluestein' }>): TensorVariable {
  const { axis, form, sign, subject } = spec;
  const complexIn = form !== 'r2c';
  const pairIn = complexIn ? [2] : [];
  const lead = shape.slice(0, axis);
  const rest = shape.slice(axis + 1, shape.length - (complexIn ? 1 : 0));
  const [A, C, n, m] = [product(lead), product(rest), shape[axis]!, plan.m];
  const U = A * C;
  const out = spec.keep ?? n;
  const dtype = z.dtype;
  // (U, n, [pair]): the axis next to last, the others one
  const Z = T.reshape(T.reshape(z, [A, n, C, ...pairIn]).dimshuffle(0, 2, 1, ...(complexIn ? [3] : [])), [U, n, ...pairIn]);
  // a_j = x_j c_j, zeros from n to m: a gather of x (positions past n read x_0) times the chirp (zeros past n), one
  // elementwise pass with the next stage's layout copy where a concatenation with zeros was two more
  const positions = T.constant(fill([m], 'int32', (j) => (j < n ? j : 0)));
  const read = T.take(Z, positions, 1);
  const a = complexIn ? complexTimes(read, T.constant(chirpTable(sign, dtype, n, m, false, 1, n))) : T.mul(read.dimshuffle(0, 1, 'x'), T.constant(chirpTable(sign, dtype, n, m, true, 1, n)));
  // the transforms' outputs as they come, (U, p, q, 2), [u, d, c] the bin d + p c: each pass reads them so, its tables
  // laid out to match, and the natural order k = c p + d is a view (U, q, p, 2)
  const inner = (v: TensorVariable, s: 1 | -1) => stages(v, [U, m, 2], { axis: 1, form: 'c2c', sign: s, scale: 1, keep: null, subject }, plan.factors, true);
  const q = plan.factors[plan.factors.length - 1]!;
  const p = m / q;
  const asRaw = (table: NDArray) => T.reshape(T.constant(table), [q, p, 2, 2]).dimshuffle(1, 0, 2, 3);
  const natural = (v: TensorVariable) => v.dimshuffle(0, 2, 1, 3);
  // the convolution with conj(c): the product of the transforms (the kernel's, scaled by 1 / m, a table), transformed back
  const conv = natural(inner(natural(complexTimes(inner(a, -1), asRaw(bluesteinKernel(sign, dtype, n, m)))), 1));
  // X_k = c_k conv_k, scaled, for all m (one pass, reading the last stage's output in place), then the first `out`;
  // of c2r its real part alone
  let y: TensorVariable;
  if (form === 'c2r') {
    const c = T.reshape(T.constant(chirpTable(sign, dtype, n, m, true, spec.scale, out)), [q, p, 2]);
    y = T.sub(T.mul(T.get(conv, ':', ':', ':', 0), T.get(c, ':', ':', 0)), T.mul(T.get(conv, ':', ':', ':', 1), T.get(c, ':', ':', 1)));
  } else {
    y = complexTimes(conv, T.reshape(T.constant(chirpTable(sign, dtype, n, m, false, spec.scale, out)), [q, p, 2, 2]));
  }
  y = T.get(T.reshape(y, [U, m, ...(form === 'c2r' ? [] : [2])]), ':', T.slice(0, out));
  const pairOut = form === 'c2r' ? [] : [2];
  const back = T.reshape(y, [A, C, out, ...pairOut]).dimshuffle(0, 2, 1, ...(pairOut.length ? [3] : []));
  return T.reshape(back, [...lead, out, ...rest, ...pairOut]);
}
