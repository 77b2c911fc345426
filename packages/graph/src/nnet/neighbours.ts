/**
 * Theano's `theano.tensor.nnet.neighbours` (`T.nnet.neighbours`):
 * `images2neibs`, the windows of a 4-d tensor as the rows of a matrix, and
 * `neibs2images`, its inverse for windows side by side. Both are the patch
 * ops of ops/conv.ts (Im2Col, Col2Im) with a transpose and a reshape, so
 * they differentiate in every mode and run on every backend (Theano's
 * Images2Neibs has a gradient only for some modes).
 */
import { asTensor, apply1, type TensorLike } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
import { shapeToString } from '../core/ndarray.js';
import { Col2Im, Im2Col, pairOption, type Pair, type PatchGeometry } from '../ops/conv.js';
import { DimShuffle, MatchLength } from '../ops/shape.js';
import { Subtensor } from '../ops/subtensor.js';
import type { Length } from '../ops/alloc.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from '../tensor/tensor.js';

/**
 * Which windows: `'valid'`, windows inside the image, which must fit it
 * exactly ((rows - neib rows) divisible by the step); `'ignore_borders'`,
 * the same, dropping what is left at the bottom and right; `'half'` and
 * `'full'`, `'valid'` on the image padded with zeros by neib // 2 or
 * neib - 1 on each side; `'wrap_centered'`, one window centred on every
 * step-th pixel, wrapping around the image's edges (odd windows no larger
 * than the image).
 */
export type NeibsMode = 'valid' | 'ignore_borders' | 'wrap_centered' | 'half' | 'full';

const MODES: readonly NeibsMode[] = ['valid', 'ignore_borders', 'wrap_centered', 'half', 'full'];

const known = (n: number | null | undefined): n is number => n !== null && n !== undefined;
const dimshuffle = (x: TensorVariable, pattern: readonly (number | 'x')[]) => apply1(new DimShuffle(x.broadcastable, pattern), [x]);
const all = { kind: 'slice', start: null, stop: null, step: null } as const;

/**
 * x checked along axis `axis` (length n): `ok(n)` when the graph is built
 * where n is known; else, when a function runs, n against the length
 * `expected(n)` (a vector that long is compared with the axis), which
 * equals n exactly when the check passes.
 */
function checkAxis(x: TensorVariable, axis: number, ok: (n: number) => boolean, expected: (n: TensorVariable) => TensorVariable, describe: (n: number | null | undefined) => string, tag: string): TensorVariable {
  const n = x.staticShape[axis];
  if (known(n)) {
    if (!ok(n)) throw new RangeError(describe(n));
    return x;
  }
  const like = T.zeros([T.maximum(expected(T.shapeI(x, axis)), 0)], 'int8');
  return apply1(new MatchLength(axis, 0, (xs) => describe(xs[axis]), tag), [x, like]);
}

/** n >= k, as a length equal to n exactly when it holds. */
const atLeast = (x: TensorVariable, axis: number, k: number, describe: (n: number | null | undefined) => string, tag: string) =>
  checkAxis(x, axis, (n) => n >= k, (n) => T.maximum(n, k), describe, tag);

/**
 * Windows of k at steps of s fit an axis of n padded with P in all exactly:
 * (n + P - k) divisible by s; as a length equal to n exactly when they do.
 */
const fits = (x: TensorVariable, axis: number, k: number, s: number, P: number, describe: (n: number | null | undefined) => string, tag: string) =>
  checkAxis(x, axis, (n) => (n + P - k) % s === 0, (n) => T.add(k - P, T.mul(s, T.intDiv(T.add(n, P - k), s))), describe, tag);

/**
 * Theano's `images2neibs(ten4, neib_shape, neib_step, mode)`: ten4 (a, b,
 * rows, cols) -> a matrix of a b R C rows of neibShape[0] neibShape[1]
 * values, row (i, j, r, c) (in C order) holding the window r-th down and
 * c-th across of image ten4[i, j], flattened row by row. `neibStep`
 * defaults to `neibShape` (windows side by side). The matrix has ten4's
 * dtype.
 */
export function images2neibs(ten4: TensorLike, neibShape: Pair, neibStep?: Pair | null, mode: NeibsMode = 'valid'): TensorVariable {
  const what = 'images2neibs';
  const x0 = asTensor(ten4, `${what}: ten4`);
  if (x0.ndim !== 4) throw new TypeError(`${what}: ten4 must be 4-d (a, b, rows, cols), got ${x0} of type ${x0.type}`);
  const shape = pairOption(what, 'neibShape', neibShape, [1, 1]);
  if (neibShape === undefined) throw new TypeError(`${what}: neibShape (the window's rows and cols) is required`);
  const step = pairOption(what, 'neibStep', neibStep ?? undefined, shape);
  if (!MODES.includes(mode)) throw new RangeError(`${what}: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}`);
  let x = x0;
  const pad: [number, number] = [0, 0];
  for (const a of [0, 1] as const) {
    const axis = 2 + a;
    const k = shape[a];
    const s = step[a];
    const about = (n: number | null | undefined) => `neibShape[${a}]=${k}, neibStep[${a}]=${s} and ten4.shape[${axis}]=${n} (ten4 ${x0})`;
    if (mode === 'wrap_centered') {
      if (k % 2 !== 1) throw new RangeError(`${what}: mode 'wrap_centered' needs windows of odd lengths, got neibShape ${JSON.stringify(shape)}`);
      x = atLeast(x, axis, k, (n) => `${what}: in mode 'wrap_centered' the image must be at least as large as the window: ${about(n)}`, `${what} wrap ${a} ${k}`);
    } else if (mode !== 'ignore_borders') {
      // the windows must fit the (padded) image exactly, and it must hold one, as Theano checks
      const P = mode === 'valid' ? 0 : mode === 'half' ? k - (k % 2) : 2 * (k - 1);
      const describe = (n: number | null | undefined) => `${what}: in mode '${mode}' the windows must fit the image exactly: ${about(n)} are not consistent`;
      x = fits(atLeast(x, axis, k, describe, `${what} ${mode} ${a} ${k}`), axis, k, s, P, describe, `${what} ${mode} ${a} ${k} ${s}`);
      pad[a] = P / 2;
    }
  }
  if (mode === 'wrap_centered') x = wrapped(x, [(shape[0] - 1) / 2, (shape[1] - 1) / 2]);
  const geometry: PatchGeometry = { stride: step, dilation: [1, 1], pad, edges: mode === 'valid' || mode === 'half' || mode === 'full' ? 'strict' : 'drop' };
  const patches = apply1(new Im2Col(geometry, shape), [x]);
  return T.reshape(dimshuffle(patches, [0, 1, 4, 5, 2, 3]), [-1, shape[0] * shape[1]]);
}

/** x with its last `p` rows copied above it and its first `p` below (and the same for the columns): the image on a torus. */
function wrapped(x: TensorVariable, p: Pair): TensorVariable {
  let v = x;
  for (const a of [0, 1] as const) {
    if (p[a] === 0) continue;
    const axis = 2 + a;
    const part = (start: number | null, stop: number | null) => apply1(new Subtensor([all, all, ...(a === 0 ? [{ kind: 'slice', start, stop, step: null } as const, all] : [all, { kind: 'slice', start, stop, step: null } as const])]), [v]);
    v = T.concatenate([part(-p[a], null), v, part(null, p[a])], axis);
  }
  return v;
}

/**
 * Theano's `neibs2images(neibs, neib_shape, original_shape, mode)`: the
 * inverse of `images2neibs` for windows side by side (its default step),
 * each window written back where it was read. `originalShape` is the
 * image's (a, b, rows, cols), numbers or integer scalars. In mode
 * `'valid'` the windows tile the image (rows divisible by neibShape[0]);
 * in `'ignore_borders'` the rows and cols they do not reach are zeros.
 * Other modes are not supported, as in Theano.
 */
export function neibs2images(neibs: TensorLike, neibShape: Pair, originalShape: readonly Length[], mode: NeibsMode = 'valid'): TensorVariable {
  const what = 'neibs2images';
  const g0 = asTensor(neibs, `${what}: neibs`);
  if (g0.ndim !== 2) throw new TypeError(`${what}: neibs must be a matrix (one window per row, as images2neibs gives), got ${g0} of type ${g0.type}`);
  if (neibShape === undefined) throw new TypeError(`${what}: neibShape (the window's rows and cols) is required`);
  const shape = pairOption(what, 'neibShape', neibShape, [1, 1]);
  if (mode !== 'valid' && mode !== 'ignore_borders') throw new RangeError(`${what}: mode must be 'valid' or 'ignore_borders' (Theano's neibs2images has no other), got ${JSON.stringify(mode)}`);
  if (!Array.isArray(originalShape) || originalShape.length !== 4) throw new TypeError(`${what}: originalShape must have four entries (a, b, rows, cols), got ${String(originalShape)}`);
  const cols = g0.staticShape[1];
  if (known(cols) && cols !== shape[0] * shape[1]) throw new RangeError(`${what}: neibs ${g0} of shape ${shapeToString(g0.staticShape)} has ${cols} values per row but windows of ${shape[0]}x${shape[1]} have ${shape[0] * shape[1]}`);
  const [a, b, h, w] = originalShape as [Length, Length, Length, Length];
  for (const [i, n] of [h, w].entries()) {
    const k = shape[i]!;
    if (typeof n === 'number' && mode === 'valid' && n % k !== 0) throw new RangeError(`${what}: in mode 'valid' the windows must tile the image: originalShape[${i + 2}]=${n} is not a multiple of neibShape[${i}]=${k}`);
  }
  const count = (n: Length, k: number): Length => (typeof n === 'number' ? Math.floor(n / k) : T.intDiv(n, k));
  let image: TensorVariable = T.zeros([h, w], 'int8');
  if (mode === 'valid') {
    for (const [i, n] of [h, w].entries()) {
      if (typeof n === 'number') continue;
      const k = shape[i]!;
      image = fits(image, i, k, k, 0, (m) => `${what}: in mode 'valid' the windows must tile the image: originalShape[${i + 2}]=${m} is not a multiple of neibShape[${i}]=${k}`, `${what} valid ${i} ${k}`);
    }
  }
  // (a b R C, KH KW) -> (a, b, R, C, KH, KW) -> (a, b, KH, KW, R, C): the windows Col2Im writes back
  const windows = T.reshape(g0, [a, b, count(h, shape[0]), count(w, shape[1]), shape[0], shape[1]]);
  const geometry: PatchGeometry = { stride: shape, dilation: [1, 1], pad: [0, 0], edges: 'drop' };
  return apply1(new Col2Im(geometry), [dimshuffle(windows, [0, 1, 4, 5, 2, 3]), image]);
}
