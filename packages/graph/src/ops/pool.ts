/**
 * Theano's `T.signal.pool.pool_2d` and `pool_3d` over the patch op of
 * conv.ts: a patch extraction of the last two (or three) axes and a
 * reduction over the window axes, so max pooling's gradient reaches every
 * element equal to its window's maximum, as Theano's MaxPoolGrad does.
 */
import type { DType } from '../core/dtype.js';
import { intRange, isFloat } from '../core/dtype.js';
import { NDArray, shapeToString } from '../core/ndarray.js';
import { apply1, asTensor, type TensorLike } from '../core/op.js';
import { TensorType } from '../core/type.js';
import { TensorConstant, type StaticShape, type TensorVariable } from '../core/variable.js';
import { checkOptionNames } from '../core/options.js';
import { Im2Col, countWord, intsOption, type Pair, type PatchGeometry, type Triple } from './conv.js';
import { cast, elemwise } from './elemwise.js';
import { Reduce } from './reduce.js';
import { DimShuffle } from './shape.js';
import { Subtensor } from './subtensor.js';

/**
 * Theano's pooling `mode`: each window's maximum, its sum, or its mean
 * with the padding counted (`average_inc_pad`) or not (`average_exc_pad`).
 */
export type PoolMode = 'max' | 'sum' | 'average_inc_pad' | 'average_exc_pad';

/**
 * Theano's `pool_2d` / `pool_3d` keyword arguments (`ws`, `ignore_border`,
 * `stride`, `pad`, `mode`); W holds one length per pooled axis.
 */
export interface PoolOptions<W extends readonly number[]> {
  /** The window, one length per pooled axis. */
  readonly ws: W;
  /**
   * true: only whole windows; false (Theano's default): also the partial
   * windows at the far edges.
   */
  readonly ignoreBorder?: boolean;
  /** Steps between windows (default: `ws`, windows side by side). */
  readonly stride?: W;
  /** Padding on each side (default zeros); needs `ignoreBorder` and must be smaller than `ws`, as in Theano. */
  readonly pad?: W;
  /** Default `'max'`. */
  readonly mode?: PoolMode;
}

/** pool2d's options: ws, stride and pad are (rows, cols). */
export type Pool2dOptions = PoolOptions<Pair>;
/** pool3d's options: ws, stride and pad are (depth, rows, cols). */
export type Pool3dOptions = PoolOptions<Triple>;

const POOL_MODES: readonly PoolMode[] = ['max', 'sum', 'average_inc_pad', 'average_exc_pad'];

/** The pooled axes' names, for messages. */
const AXIS_NAMES: Record<number, readonly string[]> = { 2: ['rows', 'cols'], 3: ['depth', 'rows', 'cols'] };

/** The smallest value of a dtype, which no maximum takes from the padding. */
function lowest(d: DType): number {
  if (isFloat(d)) return -Infinity;
  return d === 'bool' ? 0 : intRange(d)[0];
}

const dimshuffle = (x: TensorVariable, pattern: readonly (number | 'x')[]) => apply1(new DimShuffle(x.broadcastable, pattern), [x]);

/**
 * Theano's `pool_2d` over the last two axes of x (any number of leading
 * axes). Max pooling never takes a value from the padding or beyond the
 * image; `sum` and `average_exc_pad` add only the image's values, and
 * `average_exc_pad` divides by their number; `average_inc_pad` counts the
 * padding (but not what lies past it in partial windows). The result has
 * x's dtype, as Theano's Pool.
 */
export function pool2d(input: TensorLike, options: Pool2dOptions): TensorVariable {
  return poolNd('pool2d', 2, input, options);
}

/**
 * Theano's `pool_3d` over the last three axes of x (depth, rows, cols;
 * any number of leading axes), as pool2d over two: the same modes, partial
 * windows, strides and padding.
 */
export function pool3d(input: TensorLike, options: Pool3dOptions): TensorVariable {
  return poolNd('pool3d', 3, input, options);
}

function poolNd(what: string, nw: 2 | 3, input: TensorLike, options: PoolOptions<readonly number[]>): TensorVariable {
  const x = asTensor(input, what);
  const zeros = Array.from({ length: nw }, () => 0);
  const example = JSON.stringify(Array.from({ length: nw }, () => 2)).replace(/,/g, ', ');
  if (options === undefined) throw new TypeError(`${what}: options with ws (the window) are required`);
  // Theano's pool_2d(input, ws, ...) passes the window second: an array here gets a message saying so
  checkOptionNames(options, Array.isArray(options) ? `${what} (the window goes in the options: { ws: ${example} })` : what, ['ws', 'ignoreBorder', 'stride', 'pad', 'mode']);
  if (x.ndim < nw) throw new TypeError(`${what}: expected an input of ${nw} dimensions or more, got ${x} of type ${x.type}`);
  const ws = intsOption(what, 'ws', options.ws, nw, zeros);
  if (options.ws === undefined) throw new TypeError(`${what}: ws (the window) is required`);
  const stride = intsOption(what, 'stride', options.stride, nw, ws);
  const pad = options.pad ?? zeros;
  if (!Array.isArray(pad) || pad.length !== nw || pad.some((p) => !Number.isInteger(p) || p < 0)) throw new RangeError(`${what}: pad must be ${countWord(nw)} integers >= 0, got ${JSON.stringify(pad)}`);
  const mode = options.mode ?? 'max';
  if (!POOL_MODES.includes(mode)) throw new RangeError(`${what}: mode must be one of ${POOL_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  const ignoreBorder = options.ignoreBorder ?? false;
  if (typeof ignoreBorder !== 'boolean') throw new TypeError(`${what}: ignoreBorder must be true or false, got ${JSON.stringify(ignoreBorder)}`);
  const padded = pad.some((p) => p > 0);
  if (padded && !ignoreBorder) throw new RangeError(`${what}: padding works only with ignoreBorder: true (as in Theano)`);
  if (pad.some((p, a) => p >= ws[a]!)) throw new RangeError(`${what}: padding ${JSON.stringify(pad)} must be smaller than the window ${JSON.stringify(ws)}`);
  if (mode !== 'max' && x.dtype === 'bool') throw new TypeError(`${what}: mode '${mode}' needs numbers, got ${x} of type ${x.type}; cast it first`);
  const geometry: PatchGeometry = { stride, dilation: ws.map(() => 1), pad: [...pad], edges: ignoreBorder ? 'drop' : 'keep' };
  const n = x.ndim - nw;
  const windowAxes = Array.from({ length: nw }, (_, a) => n + a);
  const names = AXIS_NAMES[nw]!;
  // Theano's max pooling raises where a window holds nothing of an empty image (NumPy's max of nothing): padding
  // alone, or without ignoreBorder the one window Theano's Pool.out_shape keeps on an empty axis for a stride shorter
  // than the window; sum and the averages add nothing there (0, and NaN for a count of 0), as Theano's
  const emptyWindows = (s: StaticShape) => {
    const empty = names[s.slice(-nw).findIndex((k) => k === 0)] ?? names[0];
    return (
      `${what}: the input ${x} of shape ${shapeToString(s)} has no ${empty}, so its ${ws.join('x')} windows ` +
      `${padded ? `hold only the padding ${JSON.stringify(pad)}, which has` : `(stride ${JSON.stringify(stride)}, ignoreBorder false) hold none of its values, which have`} no maximum; ` +
      `mode 'max' needs at least one ${nw === 2 ? 'row and one col' : 'of each'} there (as Theano's, which raises)`
    );
  };
  const patches = apply1(new Im2Col(geometry, ws, mode === 'max' ? lowest(x.dtype) : 0, mode === 'max' && (padded || !ignoreBorder) ? { emptyWindows } : {}), [x]);
  if (mode === 'max') return apply1(new Reduce('max', windowAxes), [patches]);
  const sum = apply1(new Reduce('sum', windowAxes), [patches]);
  if (mode === 'sum') return sum.dtype === x.dtype ? sum : cast(sum, x.dtype);
  // without padding or partial windows every window counts the window's size of values
  const partial = !ignoreBorder || (mode === 'average_exc_pad' && padded);
  const count = partial ? windowSizes(x, geometry, ws, sum.dtype) : ws.reduce((a, b) => a * b, 1);
  if (!isFloat(x.dtype)) return cast(truncatedMean(sum, count), x.dtype);
  const mean = elemwise('truediv', sum, count);
  return mean.dtype === x.dtype ? mean : cast(mean, x.dtype);
}

/**
 * An integer image's window mean as Theano stores it, the float mean cast to the image's dtype: trunc(sum / count).
 * Integer division gives it exactly (a float64 quotient of sums below 2^53 truncates to the same integer) and needs
 * no float64, which WebGPU lacks; a count of 0 gives 0.
 */
function truncatedMean(sum: TensorVariable, count: TensorVariable | number): TensorVariable {
  const down = elemwise('intdiv', sum, count);
  const up = elemwise('neg', elemwise('intdiv', elemwise('neg', sum), count));
  return elemwise('switch', elemwise('ge', sum, 0), down, up);
}

/**
 * How many of the image's values each window holds: (OH, OW), with the
 * leading axes broadcastable, from the windows of a ones image as long as
 * one of x's (a view: x's first element along each leading axis).
 */
function windowSizes(x: TensorVariable, geometry: PatchGeometry, ws: readonly number[], dtype: DType): TensorVariable {
  const nw = ws.length;
  const n = x.ndim - nw;
  const first = n > 0 ? apply1(new Subtensor(Array.from({ length: n }, () => ({ kind: 'slice', start: 0, stop: 1, step: null }) as const)), [x]) : x;
  const ones = elemwise('second', first, onesOf(dtype));
  const counts = apply1(new Reduce('sum', Array.from({ length: nw }, (_, a) => n + a)), [apply1(new Im2Col(geometry, ws, 0), [ones])]);
  if (n === 0) return counts;
  const reduced = apply1(new Reduce('sum', Array.from({ length: n }, (_, k) => k)), [counts]);
  return dimshuffle(reduced, [...Array.from({ length: n }, () => 'x' as const), ...Array.from({ length: nw }, (_, a) => a)]);
}

function onesOf(d: DType): TensorVariable {
  const one = NDArray.zeros([], d);
  one.data[0] = 1;
  return new TensorConstant(new TensorType(d, []), one);
}
