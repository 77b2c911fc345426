/**
 * Theano's `T.nnet.conv2d` with `num_groups`, and its two adjoints from
 * `theano.tensor.nnet.abstract_conv`: `conv2d_grad_wrt_inputs` (the
 * transposed convolution) and `conv2d_grad_wrt_weights`. All three are the
 * same product written three ways over the patch ops of ops/conv.ts:
 *
 *   rows (batch, OH, OW, C KH KW) = Im2Col(x), moved and flattened
 *   out  (batch, OH, OW, O)       = rows . filtersᵀ        (conv2d)
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
import { isFloat, isInt, promote } from '../core/dtype.js';
import { config } from '../core/config.js';
import { shapeToString } from '../core/ndarray.js';
import { nameInError } from '../core/error-names.js';
import { Col2Im, Im2Col, pairOption, resolvePad, windowCount, type Pair, type PadSpec, type PatchGeometry } from '../ops/conv.js';
import { DOT } from '../ops/dot.js';
import { BATCHED_DOT } from '../ops/batched-dot.js';
import { DimShuffle, MatchLength, Reshape, SpecifyShape } from '../ops/shape.js';
import { Subtensor } from '../ops/subtensor.js';
import { Alloc, lengths, type Length } from '../ops/alloc.js';
import { lengthOf } from '../tensor/axes.js';
import { withShape } from '../tensor/specify-shape.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from '../tensor/tensor.js';

/** Theano's `border_mode`: `'valid'` (no padding), `'full'`, `'half'`, or a padding for both axes or each. */
export type BorderMode = 'valid' | 'full' | 'half' | number | Pair;

export interface Conv2dOptions {
  /** Padding (default `'valid'`). */
  readonly borderMode?: BorderMode;
  /** Strides of the output (default [1, 1]). */
  readonly subsample?: Pair;
  /** true (the default): convolution, filters flipped; false: cross-correlation. */
  readonly filterFlip?: boolean;
  /** Dilation of the filters (default [1, 1]). */
  readonly filterDilation?: Pair;
  /**
   * Theano's `num_groups` (default 1): the input channels and the filters
   * split into this many groups, each group of filters seeing only its
   * group's channels; filters are (out_channels, in_channels / numGroups,
   * rows, cols). numGroups = in_channels is a depthwise convolution.
   */
  readonly numGroups?: number;
}

/**
 * A shape given to the adjoints (Theano's `input_shape`, `filter_shape`):
 * four entries, the last two required (numbers or integer scalars), the
 * first two numbers that are checked, or null.
 */
export type ConvShape = readonly [number | null, number | null, Length, Length];

/** conv2d's shape hints (Theano's `input_shape`, `filter_shape`): four lengths each (null: any), checked and known to the graph, as `T.specifyShape`. */
export interface Conv2dShapes {
  /** The input's (batch, channels, rows, cols). */
  readonly inputShape?: readonly (number | null)[];
  /** The filters' (out_channels, in_channels / numGroups, rows, cols). */
  readonly filterShape?: readonly (number | null)[];
}

const OPTION_NAMES = ['borderMode', 'subsample', 'filterFlip', 'filterDilation', 'numGroups'];

interface Setup {
  readonly geometry: PatchGeometry;
  readonly groups: number;
  readonly flip: boolean;
}

function padOf(what: string, mode: BorderMode): readonly [PadSpec, PadSpec] {
  if (mode === 'valid') return [0, 0];
  if (mode === 'full' || mode === 'half') return [mode, mode];
  const pair = typeof mode === 'number' ? [mode, mode] : mode;
  if (!Array.isArray(pair) || pair.length !== 2 || pair.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new RangeError(`${what}: borderMode must be 'valid', 'full', 'half', an integer >= 0 or two of them, got ${JSON.stringify(mode)}`);
  }
  return [pair[0]!, pair[1]!];
}

function setup(what: string, options: Conv2dOptions, extra: readonly string[] = []): Setup {
  if (!options || typeof options !== 'object') throw new TypeError(`${what}: options must be an object, got ${JSON.stringify(options)}`);
  const names = [...OPTION_NAMES, ...extra];
  const unknown = Object.keys(options).filter((k) => !names.includes(k));
  if (unknown.length > 0) throw new TypeError(`${what}: unknown option ${unknown.map((k) => JSON.stringify(k)).join(', ')} (known: ${names.join(', ')})`);
  const groups = options.numGroups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${what}: numGroups must be an integer >= 1, got ${JSON.stringify(options.numGroups)}`);
  if (options.filterFlip !== undefined && typeof options.filterFlip !== 'boolean') throw new TypeError(`${what}: filterFlip must be true or false, got ${JSON.stringify(options.filterFlip)}`);
  return {
    geometry: {
      stride: pairOption(what, 'subsample', options.subsample, [1, 1]),
      dilation: pairOption(what, 'filterDilation', options.filterDilation, [1, 1]),
      pad: padOf(what, options.borderMode ?? 'valid'),
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
const oriented = (w: TensorVariable, flip: boolean) => (flip ? apply1(new Subtensor([all, all, reversed, reversed]), [w]) : w);

function fourD(what: string, name: string, v: TensorVariable, axes: string): void {
  if (v.ndim !== 4) throw new TypeError(`${what}: ${name} must be 4-d ${axes}, got ${v} of type ${v.type}`);
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
  const sw = (d: number) => lengthOf(w, d);
  const expected = T.zeros([sw(0), T.mul(groups, T.shapeI(w, 1)), sw(2), sw(3), 0], 'int8');
  const filterShape = (es: readonly (number | null)[]) => [es[0]!, known(es[1]) ? es[1] / groups : null, es[2]!, es[3]!];
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
function leastLength(g: PatchGeometry, a: 0 | 1, k: Length): Length {
  const d = g.dilation[a];
  const spec = g.pad[a];
  const reach = timesL(d, plusL(k, -1));
  const pad = spec === 'full' ? reach : spec === 'half' ? halfL(plusL(reach, 1)) : spec;
  return plusL(plusL(reach, 1), timesL(-2, pad));
}

/**
 * x (..., rows, cols) checked to hold one window of `window` along its
 * last two axes, as a convolution's 'strict' edges need: when built where
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
  window: readonly [Length, Length],
  describe: (a: 0 | 1, shape: readonly (number | null)[], least: number | null, window: readonly (number | null)[], running: boolean) => string,
  tag: string,
): TensorVariable {
  let checked = x;
  const axis0 = x.ndim - 2;
  for (const a of [0, 1] as const) {
    const least = leastLength(g, a, window[a]);
    const n = x.staticShape[axis0 + a];
    if (typeof least === 'number') {
      if (least <= 0) continue;
      if (known(n)) {
        if (n < least) throw new RangeError(describe(a, x.staticShape, least, window.map((k) => (typeof k === 'number' ? k : null)), false));
        continue;
      }
    }
    const length = known(n) ? n : T.shapeI(x, axis0 + a);
    const expected = T.zeros([T.maximum(length, least), window[0], window[1], 0], 'int8');
    checked = apply1(new MatchLength(axis0 + a, 0, (xs, es) => describe(a, xs, es[0] ?? null, es.slice(1, 3), true), `${tag} window fits ${a}`), [checked, expected]);
  }
  return checked;
}

/** Rows or cols, axis a of an image. */
const axisName = (a: 0 | 1) => (a === 0 ? 'rows' : 'cols');

/**
 * An image too small for one window, described: `subject` (the input x)
 * of its shape is too small for one window of `whose` along axis a, the
 * least length it needs and its own.
 */
function tooSmall(what: string, subject: string, a: 0 | 1, shape: readonly (number | null)[], least: number | null, window: readonly (number | null)[], whose: string): string {
  const n = shape[shape.length - 2 + a];
  return `${what}: ${subject} of shape ${shapeToString(shape)} is too small for one ${window.map((k) => k ?? '?').join('x')} window of ${whose} with these options: expected at least ${least ?? '?'} ${axisName(a)}, got ${n}`;
}

/** The windows of x (batch, C, H, W) as rows (batch, OH, OW, C KH KW); the window from `window` or a tensor's last two axes. */
function patchRows(x: TensorVariable, g: PatchGeometry, window: Pair | null, windowLike: TensorVariable): TensorVariable {
  const patches = apply1(new Im2Col(g, window), window ? [x] : [x, windowLike]);
  return reshapeCopy(dimshuffle(patches, [0, 4, 5, 1, 2, 3]), [0, 0, 0, -1]);
}

/** The static window (KH, KW) of lengths, or null when one is symbolic. */
function staticPair(a: Length, b: Length): Pair | null {
  return typeof a === 'number' && typeof b === 'number' ? [a, b] : null;
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
const groupsFirst = (v: TensorVariable, groups: number) =>
  dimshuffle(T.reshape(v, [lengthOf(v, 0), lengthOf(v, 1), lengthOf(v, 2), groups, lengthOver(lengthOf(v, 3), groups)]), [3, 0, 1, 2, 4]);
/** (G, batch, OH, OW, n) -> (batch, OH, OW, G n), the inverse of groupsFirst. */
const groupsLast = (v: TensorVariable) => reshapeCopy(dimshuffle(v, [1, 2, 3, 0, 4]), [0, 0, 0, -1]);
/** The filter matrix (O, K) as (G, K, O / G): group g's filters as the columns of one matrix. */
const filterColumns = (m: TensorVariable, groups: number) => dimshuffle(reshapeCopy(dimshuffle(m, [1, 0]), [0, groups, -1]), [1, 0, 2]);

/**
 * Theano's `T.nnet.conv2d(input, filters)`: input (batch, in_channels,
 * rows, cols), filters (out_channels, in_channels / numGroups, f_rows,
 * f_cols), output (batch, out_channels, out_rows, out_cols), where out_rows
 * is (rows + 2 pad - dilation (f_rows - 1) - 1) // subsample + 1. With
 * numGroups G, output channels [g O/G, (g+1) O/G) see only input channels
 * [g C/G, (g+1) C/G).
 */
export function conv2d(input: TensorLike, filters: TensorLike, options: Conv2dOptions & Conv2dShapes = {}): TensorVariable {
  const what = 'conv2d';
  const x0 = asTensor(input, what);
  const w1 = asTensor(filters, what);
  fourD(what, 'the input', x0, '(batch, channels, rows, cols)');
  fourD(what, 'the filters', w1, '(out_channels, in_channels / numGroups, rows, cols)');
  const { geometry, groups, flip } = setup(what, options, ['inputShape', 'filterShape']);
  // Theano's shape hints: checked, and known to the graph (a shape computed from the output is a constant)
  const x = options.inputShape === undefined ? x0 : withShape(`${what}: inputShape`, x0, options.inputShape);
  const w0 = options.filterShape === undefined ? w1 : withShape(`${what}: filterShape`, w1, options.filterShape);
  const w = checkFilterGroups(what, w0, groups);
  // checked now where the shapes are known, and again when a function runs
  const image = checkChannels(what, 'the input', x, w0, groups);
  const [kh, kw] = w0.staticShape.slice(2);
  // an image too small for the filters names the input (its run-time check, like the channels', is this call's)
  const fits = checkWindowFits(
    image,
    geometry,
    [lengthOf(w0, 2), lengthOf(w0, 3)],
    // the filters named where their window is symbolic (their own shape in the check) or the check is not merged
    (a, xs, least, window, running) => tooSmall(what, `the input ${x}`, a, xs, least, window, running && known(kh) && known(kw) ? 'the filters' : `the filters ${w0}`),
    what,
  );
  // rows (batch, OH, OW, C * KH * KW): the copy is the im2col matrix
  const rows = patchRows(fits, geometry, known(kh) && known(kw) ? [kh, kw] : null, w);
  const matrix = reshapeCopy(oriented(w, flip), [0, -1]);
  const out = groups === 1 ? apply1(DOT, [rows, dimshuffle(matrix, [1, 0])]) : groupsLast(T.batchedDot(groupsFirst(rows, groups), filterColumns(matrix, groups)));
  return dimshuffle(out, [0, 3, 1, 2]);
}

/** A ConvShape's four entries, checked: the last two lengths, the first two numbers or null. */
function convShape(what: string, name: string, shape: ConvShape): [number | null, number | null, Length, Length] {
  if (!Array.isArray(shape) || shape.length !== 4) throw new TypeError(`${what}: ${name} must have four entries (the last two the rows and cols), got ${String(shape)}`);
  const [a, b, r, c] = shape as unknown as [unknown, unknown, unknown, unknown];
  for (const [i, v] of [a, b].entries()) {
    if (v !== null && v !== undefined && !(Number.isInteger(v) && (v as number) >= 0)) throw new TypeError(`${what}: ${name}[${i}] must be an integer >= 0 or null, got ${String(v)}`);
  }
  for (const [i, v] of [r, c].entries()) {
    if (typeof v === 'number' ? !Number.isInteger(v) || v < 1 : !(v instanceof TensorVariable && v.ndim === 0 && isInt(v.dtype))) {
      throw new TypeError(`${what}: ${name}[${i + 2}] must be an integer >= 1 or an integer scalar, got ${String(v)}`);
    }
  }
  return [(a as number | null | undefined) ?? null, (b as number | null | undefined) ?? null, r as Length, c as Length];
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
function outputLength(g: PatchGeometry, a: 0 | 1, n: Length, k: number | null | undefined): number | string | null {
  if (typeof n !== 'number' || !known(k)) return null;
  try {
    return windowCount(n, k, g.stride[a], g.dilation[a], resolvePad(g.pad[a], k, g.dilation[a]), g.edges);
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Theano's `conv2d_grad_wrt_inputs(output_grad, filters, input_shape)`
 * (`T.nnet.abstractConv.conv2dGradWrtInputs`): the gradient of
 * `conv2d(x, filters, options)` with respect to x, given the gradient of
 * its output; a transposed convolution. `inputShape` is x's shape
 * (batch, channels, rows, cols): rows and cols are required, as several
 * input sizes give one output size when subsample > 1; the first two may
 * be null. outputGrad is (batch, out_channels, out_rows, out_cols).
 */
export function conv2dGradWrtInputs(outputGrad: TensorLike, filters: TensorLike, inputShape: ConvShape, options: Conv2dOptions = {}): TensorVariable {
  const what = 'conv2dGradWrtInputs';
  const gz0 = asTensor(outputGrad, `${what}: outputGrad`);
  const w0 = asTensor(filters, `${what}: filters`);
  fourD(what, 'outputGrad', gz0, '(batch, out_channels, out_rows, out_cols)');
  fourD(what, 'the filters', w0, '(out_channels, in_channels / numGroups, rows, cols)');
  const [batch, channels, rows, cols] = convShape(what, 'inputShape', inputShape);
  const { geometry, groups, flip } = setup(what, options);
  const w = checkFilterGroups(what, w0, groups);
  const [o, cg, kh, kw] = w0.staticShape;
  expectLength(what, `outputGrad ${gz0} of shape ${fmt(gz0)} has one channel per filter of ${w0} (shape ${fmt(w0)})`, o ?? null, gz0.staticShape[1]);
  expectLength(what, `inputShape[0] is the batch of outputGrad ${gz0} of shape ${fmt(gz0)}`, batch, gz0.staticShape[0]);
  if (known(channels) && known(cg)) expectLength(what, `inputShape[1] must be numGroups ${groups} x the filters' ${cg} channels per group (filters ${w0} of shape ${fmt(w0)})`, groups * cg, channels);
  if (known(channels) && channels % groups !== 0) throw new RangeError(`${what}: inputShape[1]=${channels} channels, which numGroups ${groups} does not divide`);
  for (const a of [0, 1] as const) {
    const count = outputLength(geometry, a, [rows, cols][a]!, [kh, kw][a]);
    const got = gz0.staticShape[2 + a];
    if (count !== null && known(got) && count !== got) {
      throw new RangeError(`${what}: an input of ${[rows, cols][a]} ${a === 0 ? 'rows' : 'cols'} (inputShape) gives ${typeof count === 'number' ? `${count} output ${a === 0 ? 'rows' : 'cols'}` : `no output (${count})`} with these options, but outputGrad ${gz0} of shape ${fmt(gz0)} has ${got}`);
    }
  }
  // the gradient flows through the filters' orientation and the product as in conv2d's backward pass
  let gz = apply1(new MatchLength(1, 0, (gs, ws) => `${what}: outputGrad ${gz0} of shape ${shapeToString(gs)} has ${gs[1]} channels but there are ${ws[0]} filters (${w0})`, `${what} channels`), [gz0, w]);
  let wc = w;
  // what the build could not check, checked when the function runs (the inputShape the result takes must be the one outputGrad comes from)
  if (known(batch)) gz = expectAxis(gz, 0, batch, (gs) => `${what}: inputShape[0]=${batch} is the batch of outputGrad ${gz0}, of shape ${shapeToString(gs)}`, `${what} batch`);
  if (known(channels)) wc = expectAxis(wc, 1, channels / groups, (ws) => `${what}: inputShape[1]=${channels} must be numGroups ${groups} x the channels per group of the filters ${w0}, of shape ${shapeToString(ws)}`, `${what} input channels ${groups}`);
  // an empty (0, KH, KW, OH, OW) tensor (nothing allocated): the output rows and cols that inputShape's rows and cols give
  const staticWindow: Pair | null = known(kh) && known(kw) ? [kh, kw] : null;
  // symbolic rows and cols below 1 are the caller's too (numbers are checked when built): the allocs of their shape name inputShape
  const sized = (shape: readonly Length[]) => {
    const first = shape.length - 2;
    const describe = (d: number, n: number) =>
      d >= first && n < 1 ? `${what}: inputShape[${d - first + 2}] (the input's ${d === first ? 'rows' : 'cols'}) must be an integer >= 1, got ${n}` : null;
    const alloc = new Alloc({ describe, tag: `${what} inputShape ${first}` });
    return apply1(alloc, [constant(0, { dtype: 'int8' }), ...lengths(what, shape)]);
  };
  // an inputShape too small for one window is the caller's, not the op's: the error names it (when built where rows, cols and the window are known)
  const shaped = checkWindowFits(
    sized([0, rows, cols]),
    geometry,
    [lengthOf(w0, 2), lengthOf(w0, 3)],
    (a, cs, least, win, running) =>
      `${what}: inputShape[${2 + a}] must be at least ${least ?? '?'} ${axisName(a)} for one ${win.join('x')} window of the filters${running && staticWindow ? '' : ` ${w0}`} with these options, got ${cs[1 + a]}`,
    what,
  );
  const counts = apply1(new Im2Col(geometry, staticWindow), staticWindow ? [shaped] : [shaped, w0]);
  for (const a of [0, 1] as const) {
    const name = a === 0 ? 'rows' : 'cols';
    const given = [rows, cols][a]!;
    gz = apply1(
      new MatchLength(2 + a, 3 + a, (gs, cs) => `${what}: an input of ${typeof given === 'number' ? given : `inputShape[${2 + a}]`} ${name} gives ${cs[3 + a]} output ${name} with these options, but outputGrad ${gz0} of shape ${shapeToString(gs)} has ${gs[2 + a]}`, `${what} output ${name}`),
      [gz, counts],
    );
  }
  const matrix = reshapeCopy(oriented(wc, flip), [0, -1]);
  const gzRows = dimshuffle(gz, [0, 2, 3, 1]);
  const gRows =
    groups === 1
      ? apply1(DOT, [gzRows, matrix])
      : groupsLast(T.batchedDot(groupsFirst(gzRows, groups), dimshuffle(filterColumns(matrix, groups), [0, 2, 1])));
  // (batch, OH, OW, C KH KW) -> (batch, C, KH, KW, OH, OW), the windows Col2Im sums back into the image
  const window = [lengthOf(w0, 2), lengthOf(w0, 3)];
  // the channels spelled out (G Cg), not -1, which an empty batch leaves undetermined
  const windows = T.reshape(gRows, [lengthOf(gRows, 0), lengthOf(gRows, 1), lengthOf(gRows, 2), lengthTimes(lengthOf(w0, 1), groups), window[0]!, window[1]!]);
  const image = sized([rows, cols]);
  return apply1(new Col2Im(geometry), [dimshuffle(windows, [0, 3, 4, 5, 1, 2]), image]);
}

/**
 * Theano's `conv2d_grad_wrt_weights(input, output_grad, filter_shape)`
 * (`T.nnet.abstractConv.conv2dGradWrtWeights`): the gradient of
 * `conv2d(input, w, options)` with respect to the filters w, given the
 * gradient of its output. `filterShape` is w's shape (out_channels,
 * in_channels / numGroups, rows, cols): rows and cols are required, the
 * first two may be null.
 */
export function conv2dGradWrtWeights(input: TensorLike, outputGrad: TensorLike, filterShape: ConvShape, options: Conv2dOptions = {}): TensorVariable {
  const what = 'conv2dGradWrtWeights';
  let x0 = asTensor(input, `${what}: input`);
  let gz0 = asTensor(outputGrad, `${what}: outputGrad`);
  fourD(what, 'the input', x0, '(batch, channels, rows, cols)');
  fourD(what, 'outputGrad', gz0, '(batch, out_channels, out_rows, out_cols)');
  const [o, cg, kh, kw] = convShape(what, 'filterShape', filterShape);
  const { geometry, groups, flip } = setup(what, options);
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
  const window = staticPair(kh, kw);
  // an input too small for filterShape's window names the input, not the patch op after it
  x0 = checkWindowFits(x0, geometry, [kh, kw], (a, xs, least, win) => tooSmall(what, `the input ${xName}`, a, xs, least, win, 'filterShape'), what);
  const rows0 = patchRows(x0, geometry, window, window ? x0 : T.zeros([kh, kw], 'int8'));
  // the windows of the input must be as many as outputGrad's positions, which the product pairs with them
  const matched = (axis: number, name: string) => (v: TensorVariable) =>
    apply1(
      new MatchLength(axis, axis + 1, (rs, gs) => `${what}: the input ${xName} has ${rs[axis]} windows along its ${name} with filters of ${String(kh)}x${String(kw)} and these options, but outputGrad ${gzName} of shape ${shapeToString(gs)} has ${gs[axis + 1]} output ${name}`, `${what} ${name}`),
      [v, gz0],
    );
  const rows = matched(2, 'cols')(matched(1, 'rows')(rows0));
  let matrix: TensorVariable;
  if (groups === 1) {
    // (O, batch OH OW) . (batch OH OW, C KH KW)
    const gzM = reshapeCopy(dimshuffle(gz0, [1, 0, 2, 3]), [0, -1]);
    const rowsM = dimshuffle(reshapeCopy(dimshuffle(rows, [3, 0, 1, 2]), [0, -1]), [1, 0]);
    matrix = apply1(DOT, [gzM, rowsM]);
  } else {
    // per group: (Cg KH KW, batch OH OW) . (batch OH OW, O / G), then (O, Cg KH KW)
    const rowsG = reshapeCopy(dimshuffle(groupsFirst(rows, groups), [0, 4, 1, 2, 3]), [0, 0, -1]);
    const gzT = dimshuffle(reshapeCopy(dimshuffle(gz0, [1, 0, 2, 3]), [0, -1]), [1, 0]);
    const gzG = dimshuffle(T.reshape(gzT, [lengthOf(gzT, 0), groups, lengthOver(lengthOf(gzT, 1), groups)]), [1, 0, 2]);
    const perGroup = apply1(BATCHED_DOT, [rowsG, gzG]);
    matrix = dimshuffle(reshapeCopy(dimshuffle(perGroup, [1, 0, 2]), [0, -1]), [1, 0]);
  }
  const w = T.reshape(matrix, [lengthOf(matrix, 0), -1, kh, kw]);
  return oriented(w, flip);
}

/**
 * Theano's `bilinear_upsampling(input, ratio)`
 * (`T.nnet.abstractConv.bilinearUpsampling`): each image of input (batch,
 * channels, rows, cols) upsampled to (rows ratio, cols ratio) by bilinear
 * interpolation, as Theano computes it: the image's first and last rows
 * and cols repeated once outside it (so the edges interpolate towards
 * themselves), then a transposed convolution along the rows and one along
 * the cols with the kernel [1, 2, ..., ratio, ..., 2, 1] / ratio at stride
 * ratio. With an even ratio the last row and col are repeated once more
 * than the first, as Theano notes. `ratio` is an integer >= 1 (Theano's
 * later `frac_ratio` is not supported). The result is floatX, the dtype
 * of Theano's kernel (a float32 input gives float64 under
 * floatX=float64, an integer one floatX), or the input's float dtype
 * where that is wider (float64 under floatX=float32).
 */
export function bilinearUpsampling(input: TensorLike, ratio: number): TensorVariable {
  const what = 'bilinearUpsampling';
  const x = asTensor(input, `${what}: input`);
  fourD(what, 'the input', x, '(batch, channels, rows, cols)');
  if (!Number.isInteger(ratio) || ratio < 1) throw new RangeError(`${what}: ratio must be an integer >= 1, got ${JSON.stringify(ratio)} (fractional ratios are not supported)`);
  // Theano's kernel is floatX and the result takes the kernel's dtype; a wider float input keeps its own (NumPy's promotion of the two)
  const d = isFloat(x.dtype) ? promote(x.dtype, config.floatX) : config.floatX;
  const [rows, cols] = [lengthOf(x, 2), lengthOf(x, 3)];
  const times = (n: Length, k: number): Length => (typeof n === 'number' ? n * k : T.mul(n, k));
  const plus = (n: Length, k: number): Length => (typeof n === 'number' ? n + k : T.add(n, k));
  // batch x channels spelled out: -1 is undetermined when either is 0
  const [batch, channels] = [lengthOf(x, 0), lengthOf(x, 1)];
  const images = T.reshape(x.dtype === d ? x : T.cast(x, d), [typeof batch === 'number' && typeof channels === 'number' ? batch * channels : T.mul(batch, channels), 1, rows, cols]);
  // the edges repeated once outside the image, rows then cols
  const edge = (v: TensorVariable, axis: 2 | 3, start: number | null, stop: number | null) =>
    v.get(...Array.from({ length: axis }, () => T.slice(null, null)), T.slice(start, stop));
  const tall = T.concatenate([edge(images, 2, null, 1), images, edge(images, 2, -1, null)], 2);
  const padded = T.concatenate([edge(tall, 3, null, 1), tall, edge(tall, 3, -1, null)], 3);
  const kernel = Array.from({ length: 2 * ratio - 1 }, (_, i) => (ratio - Math.abs(i - ratio + 1)) / ratio);
  const pad = 2 * ratio - Math.floor((ratio - 1) / 2) - 1;
  const upRows = conv2dGradWrtInputs(padded, T.constant(kernel, { dtype: d }).reshape([1, 1, 2 * ratio - 1, 1]), [null, 1, times(rows, ratio), plus(cols, 2)], { borderMode: [pad, 0], subsample: [ratio, 1] });
  const up = conv2dGradWrtInputs(upRows, T.constant(kernel, { dtype: d }).reshape([1, 1, 1, 2 * ratio - 1]), [null, 1, times(rows, ratio), times(cols, ratio)], { borderMode: [0, pad], subsample: [1, ratio] });
  return T.reshape(up, [lengthOf(x, 0), lengthOf(x, 1), times(rows, ratio), times(cols, ratio)]);
}
