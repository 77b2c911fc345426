/**
 * Theano's convolutions over N = 2 or 3 spatial axes (`T.nnet.conv2d`,
 * `conv3d`) with `num_groups`, and their two adjoints from
 * `theano.tensor.nnet.abstract_conv` (`conv2d_grad_wrt_inputs`, the
 * transposed convolution, and `conv2d_grad_wrt_weights`; the 3-d ones
 * alike). conv2d.ts and conv3d.ts name them. All three are the same
 * product written three ways over the patch ops of ops/conv.ts (two axes
 * shown; a volume has depth before rows):
 *
 *   rows (batch, OH, OW, C KH KW) = Im2Col(x), moved and flattened
 *   out  (batch, OH, OW, O)       = rows . filtersᵀ        (conv)
 *   rows                           = gz . filters           (wrt inputs, then Col2Im)
 *   filters (O, C KH KW)           = gzᵀ . rows             (wrt weights)
 *
 * With G groups the channel axis of rows and the filters' first axis are
 * split into G blocks and each block is one matrix of a BatchedDot, so a
 * grouped (or depthwise) convolution is one batched matmul rather than G
 * convolutions. Being compositions of differentiable ops, the adjoints have
 * gradients and run on every backend.
 */
import { asTensor, apply1, constant, type TensorLike } from '../core/op.js';
import { TensorVariable } from '../core/variable.js';
import { isInt } from '../core/dtype.js';
import { shapeToString } from '../core/ndarray.js';
import { nameInError } from '../core/error-names.js';
import { Col2Im, Im2Col, countWord, intsOption, resolvePad, windowCount, type PadSpec, type PatchGeometry } from '../ops/conv.js';
import { DOT } from '../ops/dot.js';
import { BATCHED_DOT } from '../ops/batched-dot.js';
import { DimShuffle, MatchLength, Reshape, SpecifyShape } from '../ops/shape.js';
import { Subtensor } from '../ops/subtensor.js';
import { Alloc, lengths, type Length } from '../ops/alloc.js';
import { lengthOf } from '../tensor/axes.js';
import { withShape } from '../tensor/specify-shape.js';
// a cycle (tensor.ts re-exports conv2d.ts and conv3d.ts): used only inside functions, never while the modules load
import * as T from '../tensor/tensor.js';

/** The number of spatial axes: 2 (rows, cols) or 3 (depth, rows, cols). */
export type SpatialAxes = 2 | 3;

/** conv2d's and conv3d's options, with one entry per spatial axis where a list is given. */
export interface ConvNdOptions {
  readonly borderMode?: 'valid' | 'full' | 'half' | number | readonly number[];
  readonly subsample?: readonly number[];
  readonly filterFlip?: boolean;
  readonly filterDilation?: readonly number[];
  readonly numGroups?: number;
}

/** Shape hints: n + 2 lengths each (null: any). */
export interface ConvNdShapes {
  readonly inputShape?: readonly (number | null)[];
  readonly filterShape?: readonly (number | null)[];
}

/** An adjoint's shape: n + 2 entries, the spatial ones required (numbers or integer scalars), the first two numbers that are checked, or null. */
export type ConvNdShape = readonly (number | null | Length)[];

const OPTION_NAMES = ['borderMode', 'subsample', 'filterFlip', 'filterDilation', 'numGroups'];

const AXIS_NAMES: Record<SpatialAxes, readonly string[]> = { 2: ['rows', 'cols'], 3: ['depth', 'rows', 'cols'] };
/** 'rows and cols', 'depth, rows and cols'. */
const joinAnd = (names: readonly string[]) => `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

interface Setup {
  readonly geometry: PatchGeometry;
  readonly groups: number;
  readonly flip: boolean;
}

function padOf(what: string, mode: NonNullable<ConvNdOptions['borderMode']>, n: SpatialAxes): readonly PadSpec[] {
  if (mode === 'valid') return range(0, n).map(() => 0);
  if (mode === 'full' || mode === 'half') return range(0, n).map(() => mode);
  const list = typeof mode === 'number' ? range(0, n).map(() => mode) : mode;
  if (!Array.isArray(list) || list.length !== n || list.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new RangeError(`${what}: borderMode must be 'valid', 'full', 'half', an integer >= 0 or ${countWord(n)} of them, got ${JSON.stringify(mode)}`);
  }
  return [...list];
}

function setup(what: string, n: SpatialAxes, options: ConvNdOptions, extra: readonly string[] = []): Setup {
  if (!options || typeof options !== 'object') throw new TypeError(`${what}: options must be an object, got ${JSON.stringify(options)}`);
  const names = [...OPTION_NAMES, ...extra];
  const unknown = Object.keys(options).filter((k) => !names.includes(k));
  if (unknown.length > 0) throw new TypeError(`${what}: unknown option ${unknown.map((k) => JSON.stringify(k)).join(', ')} (known: ${names.join(', ')})`);
  const groups = options.numGroups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${what}: numGroups must be an integer >= 1, got ${JSON.stringify(options.numGroups)}`);
  if (options.filterFlip !== undefined && typeof options.filterFlip !== 'boolean') throw new TypeError(`${what}: filterFlip must be true or false, got ${JSON.stringify(options.filterFlip)}`);
  const ones = range(0, n).map(() => 1);
  return {
    geometry: {
      stride: intsOption(what, 'subsample', options.subsample, n, ones),
      dilation: intsOption(what, 'filterDilation', options.filterDilation, n, ones),
      pad: padOf(what, options.borderMode ?? 'valid', n),
      edges: 'strict',
    },
    groups,
    flip: options.filterFlip !== false,
  };
}

const dimshuffle = (x: TensorVariable, pattern: readonly (number | 'x')[]) => apply1(new DimShuffle(x.broadcastable, pattern), [x]);
/** Reshape where each 0 keeps the input's length at that position (no shape arithmetic in the graph). */
const reshapeCopy = (x: TensorVariable, spec: readonly number[]) => apply1(new Reshape(spec, { zeros: 'copy' }), [x]);
const known = (n: number | null | undefined): n is number => n !== null && n !== undefined;
const fmt = (v: TensorVariable) => shapeToString(v.staticShape);

const all = { kind: 'slice', start: null, stop: null, step: null } as const;
const reversed = { kind: 'slice', start: null, stop: null, step: -1 } as const;
/** The filters with their window reversed (a convolution), or as they are (a cross-correlation). */
const oriented = (w: TensorVariable, flip: boolean, n: SpatialAxes) => (flip ? apply1(new Subtensor([all, all, ...range(0, n).map(() => reversed)]), [w]) : w);

/** The axes of an image, of filters and of an output gradient, for messages. */
const axesOfImage = (n: SpatialAxes) => `(batch, channels, ${AXIS_NAMES[n].join(', ')})`;
const axesOfFilters = (n: SpatialAxes) => `(out_channels, in_channels / numGroups, ${AXIS_NAMES[n].join(', ')})`;
const axesOfOutput = (n: SpatialAxes) => `(batch, out_channels, ${AXIS_NAMES[n].map((a) => `out_${a}`).join(', ')})`;

function checkRank(what: string, name: string, v: TensorVariable, n: SpatialAxes, axes: string): void {
  if (v.ndim !== n + 2) throw new TypeError(`${what}: ${name} must be ${n + 2}-d ${axes}, got ${v} of type ${v.type}`);
}

/**
 * The filters (O, Cg, KH, KW) checked against G groups: O divisible by G,
 * when the graph is built where O is known, else when the function runs.
 */
function checkFilterGroups(what: string, w: TensorVariable, groups: number): TensorVariable {
  if (groups === 1) return w;
  const describe = (ws: readonly (number | null)[]) => `${what}: the filters ${w} of shape ${shapeToString(ws)} have ${ws[0]} output channels, which numGroups ${groups} does not divide (each group needs as many filters)`;
  const o = w.staticShape[0];
  if (known(o)) {
    if (o % groups !== 0) throw new RangeError(describe(w.staticShape));
    return w;
  }
  // a vector of G (O // G) entries: as long as the filters' first axis exactly when G divides O
  const whole = T.zeros([T.mul(groups, T.intDiv(T.shapeI(w, 0), groups))], 'int8');
  return apply1(new MatchLength(0, 0, (ws) => describe(ws), `${what} filter groups ${groups}`), [w, whole]);
}

/**
 * The image-shaped x (axis 1 its channels) checked against the filters'
 * Cg channels per group: C = G Cg, when built where both are known, else
 * when the function runs.
 */
function checkChannels(what: string, name: string, x: TensorVariable, w: TensorVariable, groups: number): TensorVariable {
  type S = readonly (number | null)[];
  const describe = (xs: S, ws: S | null, cg: number | null | undefined) =>
    `${what}: ${name} ${nameInError(x)} of shape ${shapeToString(xs)} has ${xs[1]} channels but the filters ${nameInError(w)}${ws ? ` of shape ${shapeToString(ws)}` : ''} expect ` +
    (groups === 1 ? `${cg}` : `numGroups ${groups} x ${cg} per group = ${known(cg) ? groups * cg : '?'}`);
  const [c, cg] = [x.staticShape[1], w.staticShape[1]];
  if (known(c) && known(cg)) {
    if (c !== groups * cg) throw new RangeError(describe(x.staticShape, w.staticShape, cg));
    if (groups > 1) return x;
  }
  if (groups === 1) return apply1(new MatchLength(1, 1, (xs, ws) => describe(xs, ws, ws[1]), `${what} channels`), [x, w]);
  // an empty (O, G Cg, KH, KW, 0) int8 tensor (nothing allocated): its axis 1 is as long as x's channel
  // axis exactly when the channels fit the groups, and its shape gives the message the filters' shape
  const spatial = range(2, w.ndim);
  const expected = T.zeros([lengthOf(w, 0), T.mul(groups, T.shapeI(w, 1)), ...spatial.map((d) => lengthOf(w, d)), 0], 'int8');
  const filterShape = (es: readonly (number | null)[]) => [es[0]!, known(es[1]) ? es[1] / groups : null, ...spatial.map((d) => es[d]!)];
  return apply1(new MatchLength(1, 1, (xs, es) => describe(xs, filterShape(es), known(es[1]) ? es[1] / groups : null), `${what} channels ${groups}`), [x, expected]);
}

/** Lengths as numbers where both are known, else symbolic scalars. */
const plusL = (a: Length, b: Length): Length => (typeof a === 'number' && typeof b === 'number' ? a + b : T.add(a, b));
const timesL = (a: Length, b: Length): Length => (typeof a === 'number' && typeof b === 'number' ? a * b : T.mul(a, b));
const halfL = (a: Length): Length => (typeof a === 'number' ? Math.floor(a / 2) : T.intDiv(a, 2));

/**
 * The fewest positions along axis a of an image that hold one window of
 * k positions ('strict' edges): the dilated window less the padding on
 * both sides (a number where k is one, else a symbolic scalar; <= 0 when
 * any length does).
 */
function leastLength(g: PatchGeometry, a: number, k: Length): Length {
  const d = g.dilation[a]!;
  const spec = g.pad[a]!;
  const reach = timesL(d, plusL(k, -1));
  const pad = spec === 'full' ? reach : spec === 'half' ? halfL(plusL(reach, 1)) : spec;
  return plusL(plusL(reach, 1), timesL(-2, pad));
}

/**
 * x (..., rows, cols) checked to hold one window of `window` along its
 * last N axes, as a convolution's 'strict' edges need: when built where
 * the lengths are known, else when the function runs. The check belongs to
 * the call, not to the Im2Col after it, so that the error names what the
 * caller was given (the Im2Col may be merged with another call's): a
 * MatchLength of each axis against an empty (max(n, least), KH, KW, 0)
 * tensor, as long as the axis exactly when it is long enough, whose shape
 * also gives the message the window. `describe(a, shape, least, window,
 * running)`: running, the message may be another call's whose check
 * merged with this one (same image, same least length, same window), so
 * it names only what those share.
 */
function checkWindowFits(
  x: TensorVariable,
  g: PatchGeometry,
  window: readonly Length[],
  describe: (a: number, shape: readonly (number | null)[], least: number | null, window: readonly (number | null)[], running: boolean) => string,
  tag: string,
): TensorVariable {
  let checked = x;
  const nw = window.length;
  const axis0 = x.ndim - nw;
  for (let a = 0; a < nw; a++) {
    const least = leastLength(g, a, window[a]!);
    const n = x.staticShape[axis0 + a];
    if (typeof least === 'number') {
      if (least <= 0) continue;
      if (known(n)) {
        if (n < least) throw new RangeError(describe(a, x.staticShape, least, window.map((k) => (typeof k === 'number' ? k : null)), false));
        continue;
      }
    }
    const length = known(n) ? n : T.shapeI(x, axis0 + a);
    const expected = T.zeros([T.maximum(length, least), ...window, 0], 'int8');
    checked = apply1(new MatchLength(axis0 + a, 0, (xs, es) => describe(a, xs, es[0] ?? null, es.slice(1, 1 + nw), true), `${tag} window fits ${a}`), [checked, expected]);
  }
  return checked;
}

/**
 * An image too small for one window, described: `subject` (the input x)
 * of its shape is too small for one window of `whose` along axis a, the
 * least length it needs and its own.
 */
function tooSmall(what: string, subject: string, a: number, shape: readonly (number | null)[], least: number | null, window: readonly (number | null)[], whose: string): string {
  const nw = window.length as SpatialAxes;
  const n = shape[shape.length - nw + a];
  return `${what}: ${subject} of shape ${shapeToString(shape)} is too small for one ${window.map((k) => k ?? '?').join('x')} window of ${whose} with these options: expected at least ${least ?? '?'} ${AXIS_NAMES[nw][a]}, got ${n}`;
}

/** The windows of x (batch, C, H, W) as rows (batch, OH, OW, C KH KW); the window from `window` or a tensor's last N axes. */
function patchRows(x: TensorVariable, g: PatchGeometry, window: readonly number[] | null, windowLike: TensorVariable): TensorVariable {
  const n = g.stride.length;
  const patches = apply1(new Im2Col(g, window), window ? [x] : [x, windowLike]);
  return reshapeCopy(dimshuffle(patches, [0, ...range(n + 2, 2 * n + 2), ...range(1, n + 2)]), [0, ...range(0, n).map(() => 0), -1]);
}

/** The static window of lengths, or null when one is symbolic. */
function staticWindow(ks: readonly (Length | null | undefined)[]): number[] | null {
  return ks.every((k) => typeof k === 'number') ? (ks as number[]) : null;
}

/** A length divided by k (which divides it). */
const lengthOver = (n: Length, k: number): Length => (typeof n === 'number' ? n / k : T.intDiv(n, k));
/** A length times k. */
const lengthTimes = (n: Length, k: number): Length => (typeof n === 'number' ? n * k : T.mul(n, k));
/**
 * (batch, OH, OW, G n) -> (G, batch, OH, OW, n): one block per group, the
 * group axis first for BatchedDot. n is spelled out, not -1: with a batch
 * (or an output axis) of 0 a -1 could be anything, and Reshape refuses it.
 */
function groupsFirst(v: TensorVariable, groups: number): TensorVariable {
  const last = v.ndim - 1;
  return dimshuffle(T.reshape(v, [...range(0, last).map((d) => lengthOf(v, d)), groups, lengthOver(lengthOf(v, last), groups)]), [last, ...range(0, last), last + 1]);
}
/** (G, batch, OH, OW, n) -> (batch, OH, OW, G n), the inverse of groupsFirst. */
const groupsLast = (v: TensorVariable) => reshapeCopy(dimshuffle(v, [...range(1, v.ndim - 1), 0, v.ndim - 1]), [...range(1, v.ndim - 1).map(() => 0), -1]);
/** The filter matrix (O, K) as (G, K, O / G): group g's filters as the columns of one matrix. */
const filterColumns = (m: TensorVariable, groups: number) => dimshuffle(reshapeCopy(dimshuffle(m, [1, 0]), [0, groups, -1]), [1, 0, 2]);

/**
 * A convolution over the last n axes: input (batch, in_channels, ...),
 * filters (out_channels, in_channels / numGroups, ...), output (batch,
 * out_channels, ...), each output length (len + 2 pad - dilation (k - 1) -
 * 1) // subsample + 1. With numGroups G, output channels [g O/G, (g+1) O/G)
 * see only input channels [g C/G, (g+1) C/G).
 */
export function convNd(what: string, n: SpatialAxes, input: TensorLike, filters: TensorLike, options: ConvNdOptions & ConvNdShapes): TensorVariable {
  const x0 = asTensor(input, what);
  const w1 = asTensor(filters, what);
  checkRank(what, 'the input', x0, n, axesOfImage(n));
  checkRank(what, 'the filters', w1, n, axesOfFilters(n));
  const { geometry, groups, flip } = setup(what, n, options, ['inputShape', 'filterShape']);
  // Theano's shape hints: checked, and known to the graph (a shape computed from the output is a constant)
  const x = options.inputShape === undefined ? x0 : withShape(`${what}: inputShape`, x0, options.inputShape);
  const w0 = options.filterShape === undefined ? w1 : withShape(`${what}: filterShape`, w1, options.filterShape);
  const w = checkFilterGroups(what, w0, groups);
  // checked now where the shapes are known, and again when a function runs
  const image = checkChannels(what, 'the input', x, w0, groups);
  const ks = staticWindow(w0.staticShape.slice(2));
  // an image too small for the filters names the input (its run-time check, like the channels', is this call's)
  const fits = checkWindowFits(
    image,
    geometry,
    range(2, n + 2).map((d) => lengthOf(w0, d)),
    // the filters named where their window is symbolic (their own shape in the check) or the check is not merged
    (a, xs, least, window, running) => tooSmall(what, `the input ${x}`, a, xs, least, window, running && ks ? 'the filters' : `the filters ${w0}`),
    what,
  );
  // rows (batch, OH, OW, C * KH * KW): the copy is the im2col matrix
  const rows = patchRows(fits, geometry, ks, w);
  const matrix = reshapeCopy(oriented(w, flip, n), [0, -1]);
  const out = groups === 1 ? apply1(DOT, [rows, dimshuffle(matrix, [1, 0])]) : groupsLast(T.batchedDot(groupsFirst(rows, groups), filterColumns(matrix, groups)));
  return dimshuffle(out, [0, n + 1, ...range(1, n + 1)]);
}

/** An adjoint's shape of n + 2 entries, checked: the spatial lengths, the first two numbers or null. */
function convShape(what: string, name: string, shape: ConvNdShape, n: SpatialAxes): [number | null, number | null, ...Length[]] {
  if (!Array.isArray(shape) || shape.length !== n + 2) {
    throw new TypeError(`${what}: ${name} must have ${['four', 'five'][n - 2]} entries (the last ${countWord(n)} the ${joinAnd(AXIS_NAMES[n])}), got ${String(shape)}`);
  }
  const [a, b, ...spatial] = shape as unknown[];
  for (const [i, v] of [a, b].entries()) {
    if (v !== null && v !== undefined && !(Number.isInteger(v) && (v as number) >= 0)) throw new TypeError(`${what}: ${name}[${i}] must be an integer >= 0 or null, got ${String(v)}`);
  }
  for (const [i, v] of spatial.entries()) {
    if (typeof v === 'number' ? !Number.isInteger(v) || v < 1 : !(v instanceof TensorVariable && v.ndim === 0 && isInt(v.dtype))) {
      throw new TypeError(`${what}: ${name}[${i + 2}] must be an integer >= 1 or an integer scalar, got ${String(v)}`);
    }
  }
  return [(a as number | null | undefined) ?? null, (b as number | null | undefined) ?? null, ...(spatial as Length[])];
}

/** An expected length against a static one, when both are known. */
function expectLength(what: string, message: string, expected: number | null, got: number | null | undefined): void {
  if (known(expected) && known(got) && expected !== got) throw new RangeError(`${what}: ${message}: expected ${expected}, got ${got}`);
}

/**
 * v whose axis `axis` must be n long: checked when built where that length
 * is known (by the caller), else when the function runs.
 */
function expectAxis(v: TensorVariable, axis: number, n: number, describe: (vs: readonly (number | null)[]) => string, tag: string): TensorVariable {
  if (known(v.staticShape[axis])) return v;
  return apply1(new SpecifyShape(v.staticShape.map((_, d) => (d === axis ? n : null)), describe, `${tag} ${n}`), [v]);
}

/** Along axis a of a geometry, the output length an input of length n gives with window k (null where unknown or none). */
function outputLength(g: PatchGeometry, a: number, n: Length, k: number | null | undefined): number | string | null {
  if (typeof n !== 'number' || !known(k)) return null;
  try {
    return windowCount(n, k, g.stride[a]!, g.dilation[a]!, resolvePad(g.pad[a]!, k, g.dilation[a]!), g.edges);
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * The gradient of `convNd(x, filters, options)` with respect to x, given
 * the gradient of its output; a transposed convolution. `inputShape` is
 * x's shape: the spatial lengths are required, as several input sizes give
 * one output size when subsample > 1; the first two may be null.
 */
export function convGradWrtInputsNd(what: string, n: SpatialAxes, outputGrad: TensorLike, filters: TensorLike, inputShape: ConvNdShape, options: ConvNdOptions): TensorVariable {
  const names = AXIS_NAMES[n];
  const gz0 = asTensor(outputGrad, `${what}: outputGrad`);
  const w0 = asTensor(filters, `${what}: filters`);
  checkRank(what, 'outputGrad', gz0, n, axesOfOutput(n));
  checkRank(what, 'the filters', w0, n, axesOfFilters(n));
  const [batch, channels, ...spatial] = convShape(what, 'inputShape', inputShape, n);
  const { geometry, groups, flip } = setup(what, n, options);
  const w = checkFilterGroups(what, w0, groups);
  const [o, cg, ...ks] = w0.staticShape;
  expectLength(what, `outputGrad ${gz0} of shape ${fmt(gz0)} has one channel per filter of ${w0} (shape ${fmt(w0)})`, o ?? null, gz0.staticShape[1]);
  expectLength(what, `inputShape[0] is the batch of outputGrad ${gz0} of shape ${fmt(gz0)}`, batch, gz0.staticShape[0]);
  if (known(channels) && known(cg)) expectLength(what, `inputShape[1] must be numGroups ${groups} x the filters' ${cg} channels per group (filters ${w0} of shape ${fmt(w0)})`, groups * cg, channels);
  if (known(channels) && channels % groups !== 0) throw new RangeError(`${what}: inputShape[1]=${channels} channels, which numGroups ${groups} does not divide`);
  for (let a = 0; a < n; a++) {
    const count = outputLength(geometry, a, spatial[a]!, ks[a]);
    const got = gz0.staticShape[2 + a];
    if (count !== null && known(got) && count !== got) {
      throw new RangeError(`${what}: an input of ${spatial[a]} ${names[a]} (inputShape) gives ${typeof count === 'number' ? `${count} output ${names[a]}` : `no output (${count})`} with these options, but outputGrad ${gz0} of shape ${fmt(gz0)} has ${got}`);
    }
  }
  // the gradient flows through the filters' orientation and the product as in the convolution's backward pass
  let gz = apply1(new MatchLength(1, 0, (gs, ws) => `${what}: outputGrad ${gz0} of shape ${shapeToString(gs)} has ${gs[1]} channels but there are ${ws[0]} filters (${w0})`, `${what} channels`), [gz0, w]);
  let wc = w;
  // what the build could not check, checked when the function runs (the inputShape the result takes must be the one outputGrad comes from)
  if (known(batch)) gz = expectAxis(gz, 0, batch, (gs) => `${what}: inputShape[0]=${batch} is the batch of outputGrad ${gz0}, of shape ${shapeToString(gs)}`, `${what} batch`);
  if (known(channels)) wc = expectAxis(wc, 1, channels / groups, (ws) => `${what}: inputShape[1]=${channels} must be numGroups ${groups} x the channels per group of the filters ${w0}, of shape ${shapeToString(ws)}`, `${what} input channels ${groups}`);
  // an empty (0, KH, KW, OH, OW) tensor (nothing allocated): the output lengths that inputShape's lengths give
  const window = staticWindow(ks);
  // symbolic lengths below 1 are the caller's too (numbers are checked when built): the allocs of their shape name inputShape
  const sized = (shape: readonly Length[]) => {
    const first = shape.length - n;
    const describe = (d: number, len: number) => (d >= first && len < 1 ? `${what}: inputShape[${d - first + 2}] (the input's ${names[d - first]}) must be an integer >= 1, got ${len}` : null);
    const alloc = new Alloc({ describe, tag: `${what} inputShape ${first}` });
    return apply1(alloc, [constant(0, { dtype: 'int8' }), ...lengths(what, shape)]);
  };
  // an inputShape too small for one window is the caller's, not the op's: the error names it (when built where the lengths and the window are known)
  const shaped = checkWindowFits(
    sized([0, ...spatial]),
    geometry,
    range(2, n + 2).map((d) => lengthOf(w0, d)),
    (a, cs, least, win, running) =>
      `${what}: inputShape[${2 + a}] must be at least ${least ?? '?'} ${names[a]} for one ${win.join('x')} window of the filters${running && window ? '' : ` ${w0}`} with these options, got ${cs[1 + a]}`,
    what,
  );
  const counts = apply1(new Im2Col(geometry, window), window ? [shaped] : [shaped, w0]);
  for (let a = 0; a < n; a++) {
    const given = spatial[a]!;
    gz = apply1(
      new MatchLength(2 + a, 1 + n + a, (gs, cs) => `${what}: an input of ${typeof given === 'number' ? given : `inputShape[${2 + a}]`} ${names[a]} gives ${cs[1 + n + a]} output ${names[a]} with these options, but outputGrad ${gz0} of shape ${shapeToString(gs)} has ${gs[2 + a]}`, `${what} output ${names[a]}`),
      [gz, counts],
    );
  }
  const matrix = reshapeCopy(oriented(wc, flip, n), [0, -1]);
  const gzRows = dimshuffle(gz, [0, ...range(2, n + 2), 1]);
  const gRows =
    groups === 1
      ? apply1(DOT, [gzRows, matrix])
      : groupsLast(T.batchedDot(groupsFirst(gzRows, groups), dimshuffle(filterColumns(matrix, groups), [0, 2, 1])));
  // (batch, OH, OW, C KH KW) -> (batch, C, KH, KW, OH, OW), the windows Col2Im sums back into the image;
  // the channels spelled out (G Cg), not -1, which an empty batch leaves undetermined
  const windows = T.reshape(gRows, [...range(0, n + 1).map((d) => lengthOf(gRows, d)), lengthTimes(lengthOf(w0, 1), groups), ...range(2, n + 2).map((d) => lengthOf(w0, d))]);
  const image = sized(spatial);
  return apply1(new Col2Im(geometry), [dimshuffle(windows, [0, n + 1, ...range(n + 2, 2 * n + 2), ...range(1, n + 1)]), image]);
}

/**
 * The gradient of `convNd(input, w, options)` with respect to the filters
 * w, given the gradient of its output. `filterShape` is w's shape: the
 * spatial lengths are required, the first two may be null.
 */
export function convGradWrtWeightsNd(what: string, n: SpatialAxes, input: TensorLike, outputGrad: TensorLike, filterShape: ConvNdShape, options: ConvNdOptions): TensorVariable {
  const names = AXIS_NAMES[n];
  let x0 = asTensor(input, `${what}: input`);
  let gz0 = asTensor(outputGrad, `${what}: outputGrad`);
  checkRank(what, 'the input', x0, n, axesOfImage(n));
  checkRank(what, 'outputGrad', gz0, n, axesOfOutput(n));
  const [o, cg, ...ks] = convShape(what, 'filterShape', filterShape, n);
  const { geometry, groups, flip } = setup(what, n, options);
  expectLength(what, `filterShape[0] is the number of filters, one per channel of outputGrad ${gz0} of shape ${fmt(gz0)}`, o, gz0.staticShape[1]);
  const [c, gc] = [x0.staticShape[1], gz0.staticShape[1]];
  if (known(c) && c % groups !== 0) throw new RangeError(`${what}: the input ${x0} of shape ${fmt(x0)} has ${c} channels, which numGroups ${groups} does not divide`);
  if (known(gc) && gc % groups !== 0) throw new RangeError(`${what}: outputGrad ${gz0} of shape ${fmt(gz0)} has ${gc} channels, which numGroups ${groups} does not divide`);
  if (known(c)) expectLength(what, `filterShape[1] is the input's channels per group (input ${x0} of shape ${fmt(x0)}, numGroups ${groups})`, cg, c / groups);
  expectLength(what, `the input ${x0} of shape ${fmt(x0)} and outputGrad ${gz0} of shape ${fmt(gz0)} have different batches`, x0.staticShape[0] ?? null, gz0.staticShape[0]);
  // what the build could not check, checked when the function runs (the filterShape the result takes must be the one outputGrad comes from)
  const [xName, gzName] = [String(x0), String(gz0)];
  if (known(o)) gz0 = expectAxis(gz0, 1, o, (gs) => `${what}: filterShape[0]=${o} is the number of filters, one per channel of outputGrad ${gzName}, of shape ${shapeToString(gs)}`, `${what} filters`);
  if (known(cg)) x0 = expectAxis(x0, 1, groups * cg, (xs) => `${what}: filterShape[1]=${cg} is the input's channels per group, but the input ${xName} of shape ${shapeToString(xs)} has ${xs[1]} channels (numGroups ${groups})`, `${what} channels ${groups}`);
  const window = staticWindow(ks);
  // an input too small for filterShape's window names the input, not the patch op after it
  x0 = checkWindowFits(x0, geometry, ks, (a, xs, least, win) => tooSmall(what, `the input ${xName}`, a, xs, least, win, 'filterShape'), what);
  const rows0 = patchRows(x0, geometry, window, window ? x0 : T.zeros(ks, 'int8'));
  // the windows of the input must be as many as outputGrad's positions, which the product pairs with them
  const matched = (axis: number, name: string) => (v: TensorVariable) =>
    apply1(
      new MatchLength(axis, axis + 1, (rs, gs) => `${what}: the input ${xName} has ${rs[axis]} windows along its ${name} with filters of ${ks.map(String).join('x')} and these options, but outputGrad ${gzName} of shape ${shapeToString(gs)} has ${gs[axis + 1]} output ${name}`, `${what} ${name}`),
      [v, gz0],
    );
  const rows = names.reduce((v, name, a) => matched(1 + a, name)(v), rows0);
  const channelsFirst = [1, 0, ...range(2, n + 2)];
  let matrix: TensorVariable;
  if (groups === 1) {
    // (O, batch OH OW) . (batch OH OW, C KH KW)
    const gzM = reshapeCopy(dimshuffle(gz0, channelsFirst), [0, -1]);
    const rowsM = dimshuffle(reshapeCopy(dimshuffle(rows, [n + 1, ...range(0, n + 1)]), [0, -1]), [1, 0]);
    matrix = apply1(DOT, [gzM, rowsM]);
  } else {
    // per group: (Cg KH KW, batch OH OW) . (batch OH OW, O / G), then (O, Cg KH KW)
    const rowsG = reshapeCopy(dimshuffle(groupsFirst(rows, groups), [0, n + 2, ...range(1, n + 2)]), [0, 0, -1]);
    const gzT = dimshuffle(reshapeCopy(dimshuffle(gz0, channelsFirst), [0, -1]), [1, 0]);
    const gzG = dimshuffle(T.reshape(gzT, [lengthOf(gzT, 0), groups, lengthOver(lengthOf(gzT, 1), groups)]), [1, 0, 2]);
    const perGroup = apply1(BATCHED_DOT, [rowsG, gzG]);
    matrix = dimshuffle(reshapeCopy(dimshuffle(perGroup, [1, 0, 2]), [0, -1]), [1, 0]);
  }
  const w = T.reshape(matrix, [lengthOf(matrix, 0), -1, ...ks]);
  return oriented(w, flip, n);
}
