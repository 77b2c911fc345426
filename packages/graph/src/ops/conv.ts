/**
 * Convolution and pooling, Theano's `T.nnet.conv2d` and
 * `T.signal.pool.pool_2d`, as composites over two ops:
 *
 * - `Im2Col` (Theano's Images2Neibs): the windows of the last two axes,
 *   (..., H, W) -> (..., KH, KW, OH, OW), with padding, stride and
 *   dilation; positions outside the image read as the op's fill value.
 * - `Col2Im` (Neibs2Images, the adjoint): windows summed back into an
 *   image, (..., KH, KW, OH, OW) -> (..., H, W), written as a gather-sum
 *   over the window positions that cover each pixel, so it needs no
 *   scatter.
 *
 * Each op's gradient is the other. Both keep any number of leading axes,
 * so the batch dimensions of `jacobian`/`hessian` pass through them.
 * conv2d (../conv2d.ts) is a patch extraction, a copy into rows of
 * (channel, window) values and one `dot` with the flattened filters;
 * pool2d is a patch extraction and a reduction, so max pooling's
 * gradient reaches every element equal to its window's maximum, as
 * Theano's MaxPoolGrad does. ../neighbours.ts builds Theano's
 * images2neibs and neibs2images on the same two ops.
 */
import type { DType } from '../core/dtype.js';
import { castScalar, intRange, isFloat } from '../core/dtype.js';
import { NDArray, contiguousStrides, shapeToString, sizeOf } from '../core/ndarray.js';
import { Apply, Op, apply1, asTensor, type TensorLike } from '../core/op.js';
import { TensorType } from '../core/type.js';
import { TensorConstant, type StaticShape, type TensorVariable } from '../core/variable.js';
import type { At, BufferView, LowerContext, TensorView } from '../kernel/lower.js';
import type { ScalarExpr } from '../kernel/kernel.js';
import * as ix from '../kernel/index-expr.js';
import { checkOptionNames } from '../core/options.js';
import { cast, elemwise } from './elemwise.js';
import { Reduce } from './reduce.js';
import { DimShuffle } from './shape.js';
import { Subtensor } from './subtensor.js';
import { nameInError } from '../core/error-names.js';

export type Pair = readonly [number, number];

/** Padding of one axis: a number of positions on each side, or Theano's `'full'` (dilated window - 1) or `'half'` (dilated window // 2). */
export type PadSpec = number | 'full' | 'half';

/**
 * Which windows there are along an axis: `'strict'`, those inside the
 * padded image, which must hold one at least (convolution); `'drop'`, the
 * same, none when it is smaller (pooling with `ignoreBorder`); `'keep'`,
 * also the partial windows at the end (pooling without `ignoreBorder`).
 */
export type PatchEdges = 'strict' | 'drop' | 'keep';

export interface PatchGeometry {
  readonly stride: Pair;
  readonly dilation: Pair;
  readonly pad: readonly [PadSpec, PadSpec];
  readonly edges: PatchEdges;
}

/** The padding on each side of an axis whose window spans `k` positions at dilation `d`. */
export function resolvePad(p: PadSpec, k: number, d: number): number {
  if (p === 'full') return d * (k - 1);
  // Theano's: half the dilated window, rounded down ((d (k - 1) + 1) // 2; d (k // 2) only for odd k or d = 1)
  if (p === 'half') return Math.floor((d * (k - 1) + 1) / 2);
  return p;
}

/**
 * The number of windows along an axis of length n (Theano's
 * `Pool.out_shape` for `'drop'` and `'keep'`, its convolutions' shape for
 * `'strict'`).
 */
export function windowCount(n: number, k: number, stride: number, dilation: number, pad: number, edges: PatchEdges): number {
  const v = n + 2 * pad;
  const span = dilation * (k - 1) + 1;
  if (edges === 'keep') {
    // an empty axis gets Theano's count too: none for a stride as long as the window, one window (of nothing) for a shorter one
    return stride >= span ? Math.floor((v - 1) / stride) + 1 : Math.max(0, Math.floor((v - 1 - span + stride) / stride)) + 1;
  }
  if (v < span) {
    if (edges === 'drop') return 0;
    throw new RangeError(`the window spans ${span} positions (size ${k}, dilation ${dilation}) but the axis has only ${v} (length ${n}, padding ${pad} on each side)`);
  }
  return Math.floor((v - span) / stride) + 1;
}

const fmtShape = (s: StaticShape) => shapeToString(s);

function geometryKey(g: PatchGeometry): string {
  return `stride=${g.stride.join('x')},dilation=${g.dilation.join('x')},pad=${g.pad.join('x')},${g.edges}`;
}

/** One axis of a geometry with its window: everything a loop or a kernel needs. */
interface Axis {
  readonly n: number;
  readonly k: number;
  readonly stride: number;
  readonly dilation: number;
  readonly pad: number;
  readonly count: number;
}

function axesOf(g: PatchGeometry, image: readonly [number, number], window: readonly [number, number]): [Axis, Axis] {
  const axis = (a: 0 | 1): Axis => {
    const pad = resolvePad(g.pad[a], window[a], g.dilation[a]);
    return { n: image[a], k: window[a], stride: g.stride[a], dilation: g.dilation[a], pad, count: windowCount(image[a], window[a], g.stride[a], g.dilation[a], pad, g.edges) };
  };
  return [axis(0), axis(1)];
}

/** Image position of window position `k` of window `o` (may be outside [0, n)). */
const position = (a: Axis, k: number, o: number) => o * a.stride - a.pad + k * a.dilation;

function checkGeometry(what: string, g: PatchGeometry): void {
  for (const [name, pair, min] of [['stride', g.stride, 1], ['dilation', g.dilation, 1]] as const) {
    if (pair.length !== 2 || pair.some((v) => !Number.isInteger(v) || v < min)) throw new RangeError(`${what}: ${name} must be two integers >= ${min}, got ${JSON.stringify(pair)}`);
  }
  if (g.pad.length !== 2 || g.pad.some((p) => p !== 'full' && p !== 'half' && (!Number.isInteger(p) || p < 0))) {
    throw new RangeError(`${what}: padding must be two integers >= 0 (or 'full', 'half'), got ${JSON.stringify(g.pad)}`);
  }
}

/**
 * The references' walk over the windows, in the windows' C order
 * (..., kh, kw, oh, ow): `f(i, pixel)` with i the window element's flat
 * index and pixel the flat index of the image element it reads, or -1
 * outside the image. Im2Col reads along it, Col2Im sums back along it.
 */
function forEachWindowRead(lead: number, ra: Axis, ca: Axis, f: (i: number, pixel: number) => void): void {
  let i = 0;
  for (let l = 0; l < lead; l++)
    for (let kh = 0; kh < ra.k; kh++)
      for (let kw = 0; kw < ca.k; kw++)
        for (let oh = 0; oh < ra.count; oh++)
          for (let ow = 0; ow < ca.count; ow++) {
            const h = position(ra, kh, oh);
            const w = position(ca, kw, ow);
            f(i++, h >= 0 && h < ra.n && w >= 0 && w < ca.n ? (l * ra.n + h) * ca.n + w : -1);
          }
}

/**
 * What an Im2Col's errors say, when the function that built it words them.
 * An axis too short for one window has the op's own message: conv2d and
 * its adjoints check that before their Im2Col, where each call names its
 * own inputs (a describer here would not be part of the op's key, so a
 * merged op could word one call's error with another's names).
 */
export interface Im2ColErrors {
  /**
   * Set, windows that hold none of the image's values are an error rather
   * than windows of `fill` (max pooling over padding alone, which has no
   * maximum): given the input's shape.
   */
  readonly emptyWindows?: (shape: StaticShape) => string;
}

/**
 * Windows of the last two axes: x (..., H, W) -> (..., KH, KW, OH, OW),
 * out[..., kh, kw, oh, ow] = x[..., oh * sh - ph + kh * dh, ow * sw - pw + kw * dw],
 * or `fill` where that is outside x. The window is the op's (`window`), or
 * the last two dimensions of a second input (conv2d's filters, whose size
 * may be known only at run time; only its shape is read).
 */
export class Im2Col extends Op {
  readonly kind = 'Im2Col' as const;
  constructor(
    readonly geometry: PatchGeometry,
    readonly window: Pair | null,
    readonly fill = 0,
    /** Errors in the words of the function that built the op. */
    readonly errors: Im2ColErrors = {},
  ) {
    super();
    checkGeometry('Im2Col', geometry);
    if (window && (window.length !== 2 || window.some((k) => !Number.isInteger(k) || k < 1))) throw new RangeError(`Im2Col: the window must be two integers >= 1, got ${JSON.stringify(window)}`);
  }
  /** Max pooling fills windows past the image with -inf, which no maximum takes. */
  override infinitiesByDesign(): boolean {
    return !Number.isFinite(this.fill);
  }
  key(): string {
    // windows of padding alone raise or read `fill`: two ops that differ there are not one computation (a uint8
    // max pool's fill is 0, as a sum pool's is: merged, one pool raised the other's error or the max pool did not raise)
    return `Im2Col{window=${this.window ? this.window.join('x') : 'input'},${geometryKey(this.geometry)},fill=${this.fill}${this.errors.emptyWindows ? ',emptyWindows=raise' : ''}}`;
  }
  override toString(): string {
    return `Im2Col{window=${this.window ? this.window.join('x') : 'input'},${geometryKey(this.geometry)},fill=${this.fill}}`;
  }

  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const [x, w] = inputs as [TensorVariable, TensorVariable | undefined];
    if (x.ndim < 2) throw new TypeError(`Im2Col: expected an input of 2 dimensions or more (..., rows, cols), got ${x} of type ${x.type}`);
    if ((w === undefined) !== (this.window !== null)) throw new TypeError(`Im2Col: the window comes from ${this.window ? 'the op: expected one input' : 'a second input: expected two'}, got ${inputs.length}`);
    if (w && w.ndim < 2) throw new TypeError(`Im2Col: the window's input must have 2 dimensions or more, got ${w} of type ${w.type}`);
    return [new TensorType(x.dtype, [...x.broadcastable.slice(0, -2), false, false, false, false])];
  }

  /** The window's size from the op or the second input's shape (null where not known yet). */
  private windowOf(shapes: readonly StaticShape[]): [number | null, number | null] {
    if (this.window) return [this.window[0], this.window[1]];
    const w = shapes[1]!;
    return [w[w.length - 2]!, w[w.length - 1]!];
  }

  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const s = shapes[0]!;
    const window = this.windowOf(shapes);
    const image = s.slice(-2);
    const counts = [0, 1].map((a) => {
      const n = image[a];
      const k = window[a];
      if (n === null || k === null || n === undefined || k === undefined) return null;
      try {
        return windowCount(n, k, this.geometry.stride[a]!, this.geometry.dilation[a]!, resolvePad(this.geometry.pad[a]!, k, this.geometry.dilation[a]!), this.geometry.edges);
      } catch (e) {
        throw new RangeError(`${this.toString()}: ${(node.inputs[0] ? nameInError(node.inputs[0]) : 'input')} of shape ${fmtShape(s)} has no ${window.join('x')} window along axis ${s.length - 2 + a}: ${(e as Error).message}`);
      }
    });
    const out = [...s.slice(0, -2), window[0], window[1], counts[0]!, counts[1]!];
    // windows there are, and every one of them past the image: an empty image axis under padding
    if (this.errors.emptyWindows && image.some((n) => n === 0) && out.every((n) => n !== null && n !== undefined && n > 0)) throw new RangeError(this.errors.emptyWindows(s));
    return [out];
  }

  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const x = inputs[0]!;
    const shape = this.inferShape(inputs.map((v) => v.shape), node)[0] as number[];
    const [KH, KW] = shape.slice(-4, -2) as [number, number];
    const [ra, ca] = axesOf(this.geometry, x.shape.slice(-2) as [number, number], [KH, KW]);
    const lead = sizeOf(x.shape.slice(0, -2));
    const out = NDArray.zeros(shape, x.dtype);
    const fill = castScalar(this.fill, x.dtype);
    forEachWindowRead(lead, ra, ca, (i, pixel) => (out.data[i] = pixel < 0 ? fill : x.data[pixel]!));
    return [out];
  }

  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const x = inputs[0]!;
    const shape = this.inferShape(inputs.map((v) => v.shape), node)[0] as number[];
    const nd = x.shape.length;
    const [ra, ca] = axesOf(this.geometry, x.shape.slice(-2) as [number, number], shape.slice(-4, -2) as [number, number]);
    const lead = x.shape.slice(0, -2);
    if (sizeOf(shape) === 0 || sizeOf(x.shape) === 0) return [ctx.indexed(shape, x.dtype, [], () => ({ kind: 'const', value: this.fill, dtype: x.dtype }))];
    const inside = (a: Axis) => a.pad === 0 && position(a, a.k - 1, a.count - 1) < a.n;
    // every window inside the image: a strided view of it, no kernel
    if (x.kind === 'buffer' && inside(ra) && inside(ca)) {
      const [sh, sw] = x.strides.slice(-2) as [number, number];
      return [{ ...x, shape, strides: [...x.strides.slice(0, -2), ra.dilation * sh, ca.dilation * sw, ra.stride * sh, ca.stride * sw] }];
    }
    return [
      ctx.indexed(shape, x.dtype, [x], (at, index) => {
        const pos = (a: Axis, k: ScalarExpr, o: ScalarExpr) => ix.add(ix.sub(ix.mul(o, ix.int(a.stride)), ix.int(a.pad)), ix.mul(k, ix.int(a.dilation)));
        const h = pos(ra, index(nd - 2), index(nd));
        const w = pos(ca, index(nd - 1), index(nd + 1));
        const within = (p: ScalarExpr, n: number) => ix.and(ix.ge(p, ix.int(0)), ix.lt(p, ix.int(n)));
        // the index is clamped so the read stays in x on every element; the fill replaces it outside
        const v = at(0, [...lead.map((_, d) => index(d)), ix.clampIndex(h, ra.n), ix.clampIndex(w, ca.n)]);
        return ix.select(ix.and(within(h, ra.n), within(w, ca.n)), v, { kind: 'const', value: this.fill, dtype: x.dtype }, x.dtype);
      }),
    ];
  }
}

/**
 * The adjoint of `Im2Col`: g (..., KH, KW, OH, OW) summed back into an
 * image (..., H, W), each window value added at the pixel it was read
 * from (values read from the padding are dropped). H and W are the last two
 * dimensions of the second input (only its shape is read).
 */
export class Col2Im extends Op {
  readonly kind = 'Col2Im' as const;
  constructor(readonly geometry: PatchGeometry) {
    super();
    checkGeometry('Col2Im', geometry);
  }
  key(): string {
    return `Col2Im{${geometryKey(this.geometry)}}`;
  }
  override toString(): string {
    return this.key();
  }

  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const [g, like] = inputs as [TensorVariable, TensorVariable];
    if (inputs.length !== 2) throw new TypeError(`Col2Im: expected two inputs (windows, image-shaped), got ${inputs.length}`);
    if (g.ndim < 4) throw new TypeError(`Col2Im: expected windows of 4 dimensions or more (..., KH, KW, OH, OW), got ${g} of type ${g.type}`);
    if (like.ndim < 2) throw new TypeError(`Col2Im: expected an image-shaped input of 2 dimensions or more, got ${like} of type ${like.type}`);
    if (g.dtype === 'bool') throw new TypeError(`Col2Im: cannot sum bool windows ${g}; cast them first`);
    return [new TensorType(g.dtype, [...g.broadcastable.slice(0, -4), ...like.broadcastable.slice(-2)])];
  }

  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const [gs, ls] = shapes as [StaticShape, StaticShape];
    const [KH, KW, OH, OW] = gs.slice(-4);
    const [H, W] = ls.slice(-2);
    const expected = [
      [H, KH, OH],
      [W, KW, OW],
    ] as const;
    expected.forEach(([n, k, o], a) => {
      if (n === null || k === null || o === null || n === undefined || k === undefined || o === undefined) return;
      let count: number | string;
      try {
        count = windowCount(n, k, this.geometry.stride[a]!, this.geometry.dilation[a]!, resolvePad(this.geometry.pad[a]!, k, this.geometry.dilation[a]!), this.geometry.edges);
      } catch (e) {
        count = (e as Error).message;
      }
      if (count !== o) {
        throw new RangeError(
          `${this.toString()}: windows ${(node.inputs[0] ? nameInError(node.inputs[0]) : 'g')} of shape ${fmtShape(gs)} do not come from an image of shape ${fmtShape(ls)} ` +
            `(${(node.inputs[1] ? nameInError(node.inputs[1]) : 'like')}): along axis ${a} it has ${typeof count === 'number' ? `${count} windows, not ${o}` : `none (${count})`}`,
        );
      }
    });
    return [[...gs.slice(0, -4), H!, W!]];
  }

  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const [g, like] = inputs as [NDArray, NDArray];
    const shape = this.inferShape([g.shape, like.shape], node)[0] as number[];
    const [KH, KW] = g.shape.slice(-4, -2) as [number, number];
    const [ra, ca] = axesOf(this.geometry, like.shape.slice(-2) as [number, number], [KH, KW]);
    const lead = sizeOf(g.shape.slice(0, -4));
    const sums = new Float64Array(sizeOf(shape));
    forEachWindowRead(lead, ra, ca, (i, pixel) => {
      if (pixel >= 0) sums[pixel]! += g.data[i]!;
    });
    const out = NDArray.zeros(shape, g.dtype);
    for (let j = 0; j < sums.length; j++) out.data[j] = castScalar(sums[j]!, g.dtype);
    return [out];
  }

  /**
   * out[..., h, w] = sum over (kh, kw) of g[..., kh, kw, oh, ow] where window
   * (oh, ow) reads pixel (h, w) at (kh, kw). Which window that is comes
   * from a constant table per axis, table[k, h] = oh or -1 (no division in
   * the kernel). Up to 64 window positions are one expression; larger
   * windows sum each window row in one kernel, then add the rows.
   */
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const [g, like] = inputs as [TensorView, TensorView];
    const d = node.outputs[0]!.dtype;
    const shape = this.inferShape([g.shape, like.shape], node)[0] as number[];
    const [KH, KW] = g.shape.slice(-4, -2) as [number, number];
    const [ra, ca] = axesOf(this.geometry, like.shape.slice(-2) as [number, number], [KH, KW]);
    if (sizeOf(shape) === 0) return [ctx.indexed(shape, d, [], () => ({ kind: 'const', value: 0, dtype: d }))];
    if (sizeOf(g.shape) === 0) return [ctx.indexed(shape, d, [], () => ({ kind: 'const', value: 0, dtype: d }))];
    if (g.kind === 'buffer' && tiles(ra) && tiles(ca)) return [tiledCol2Im(ctx, g, shape, d)];
    const rows = ctx.constant(windowTable(ra));
    const cols = ctx.constant(windowTable(ca));
    const acc: DType = d === 'float16' ? 'float32' : d;
    const lead = shape.slice(0, -2);
    const nl = lead.length;
    const add = (a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ kind: 'apply', op: 'add', args: [a, b], computeDType: acc, dtype: acc });
    // the sum over window positions kh in `khs` (an expression, or one fixed row) and every kw
    const sumOver = (at: At, leadIdx: ScalarExpr[], h: ScalarExpr, w: ScalarExpr, khs: readonly ScalarExpr[]) => {
      let sum: ScalarExpr | undefined;
      for (const kh of khs)
        for (let kw = 0; kw < KW; kw++) {
          const oh = at(1, [kh, h]);
          const ow = at(2, [ix.int(kw), w]);
          const v = ix.castTo(at(0, [...leadIdx, kh, ix.int(kw), ix.clampIndex(oh, ra.count), ix.clampIndex(ow, ca.count)]), acc);
          const term = ix.select(ix.and(ix.ge(oh, ix.int(0)), ix.ge(ow, ix.int(0))), v, { kind: 'const', value: 0, dtype: acc }, acc);
          sum = sum ? add(sum, term) : term;
        }
      return sum!;
    };
    if (KH * KW <= 64) {
      const out = ctx.indexed(shape, acc, [g, rows, cols], (at, index) =>
        sumOver(
          at,
          lead.map((_, k) => index(k)),
          index(nl),
          index(nl + 1),
          Array.from({ length: KH }, (_, kh) => ix.int(kh)),
        ),
      );
      return [acc === d ? out : ctx.elementwise(shape, d, [out], (l) => ix.castTo(l[0]!, d))];
    }
    const perRow = ctx.indexed([KH, ...shape], acc, [g, rows, cols], (at, index) =>
      sumOver(
        at,
        lead.map((_, k) => index(k + 1)),
        index(nl + 1),
        index(nl + 2),
        [index(0)],
      ),
    );
    return [ctx.reduce({ inputs: [perRow], shape: [KH, ...shape], axes: [0], reducer: 'sum', acc, out: d, build: (l) => l[0]! })];
  }
}

/** Whether the windows along an axis tile it: every position is read once, by one window (2x2 pooling of an even map). */
const tiles = (a: Axis) => a.pad === 0 && a.dilation === 1 && a.stride === a.k && a.count * a.k === a.n;

/**
 * Col2Im of windows that tile the image is a permutation,
 * out[..., oh * KH + kh, ow * KW + kw] = g[..., kh, kw, oh, ow]: a copy of
 * a permuted view of g into (..., OH, KH, OW, KW), which is (..., H, W) in
 * C order. No gathers and no window tables, so `@sym/opt` fuses the
 * windows' producer (max pooling's gradient) into the copy.
 */
function tiledCol2Im(ctx: LowerContext, g: BufferView, shape: readonly number[], d: DType): TensorView {
  const lead = g.shape.slice(0, -4);
  const [KH, KW, OH, OW] = g.shape.slice(-4) as [number, number, number, number];
  const [skh, skw, soh, sow] = g.strides.slice(-4) as [number, number, number, number];
  const permuted: BufferView = { ...g, shape: [...lead, OH, KH, OW, KW], strides: [...g.strides.slice(0, -4), soh, skh, sow, skw] };
  const out = ctx.elementwise(permuted.shape, d, [permuted], (l) => ix.castTo(l[0]!, d));
  return { ...out, shape, strides: contiguousStrides(shape) };
}

/** table[k, p] = the window whose position k reads image position p along an axis, or -1. */
function windowTable(a: Axis): NDArray {
  const t = NDArray.zeros([a.k, a.n], 'int32');
  t.data.fill(-1);
  for (let k = 0; k < a.k; k++)
    for (let o = 0; o < a.count; o++) {
      const p = position(a, k, o);
      if (p >= 0 && p < a.n) t.data[k * a.n + p] = o;
    }
  return t;
}

/** A pair of integers >= 1 (strides, dilations, windows), checked; `dflt` when not given. */
export function pairOption(what: string, name: string, v: Pair | undefined, dflt: Pair): Pair {
  if (v === undefined) return dflt;
  if (!Array.isArray(v) || v.length !== 2 || v.some((x) => !Number.isInteger(x) || x < 1)) throw new RangeError(`${what}: ${name} must be two integers >= 1, got ${JSON.stringify(v)}`);
  return v;
}

const dimshuffle = (x: TensorVariable, pattern: readonly (number | 'x')[]) => apply1(new DimShuffle(x.broadcastable, pattern), [x]);

// ---------------------------------------------------------------- pool2d

export type PoolMode = 'max' | 'sum' | 'average_inc_pad' | 'average_exc_pad';

export interface Pool2dOptions {
  /** The window (rows, cols). */
  readonly ws: Pair;
  /**
   * true: only whole windows; false (Theano's default): also the partial
   * windows at the bottom and right edges.
   */
  readonly ignoreBorder?: boolean;
  /** Steps between windows (default: `ws`, windows side by side). */
  readonly stride?: Pair;
  /** Padding on each side (default [0, 0]); needs `ignoreBorder` and must be smaller than `ws`, as in Theano. */
  readonly pad?: Pair;
  /** Default `'max'`. */
  readonly mode?: PoolMode;
}

const POOL_MODES: readonly PoolMode[] = ['max', 'sum', 'average_inc_pad', 'average_exc_pad'];

/** The smallest value of a dtype, which no maximum takes from the padding. */
function lowest(d: DType): number {
  if (isFloat(d)) return -Infinity;
  return d === 'bool' ? 0 : intRange(d)[0];
}

/**
 * Theano's `pool_2d` over the last two axes of x (any number of leading
 * axes). Max pooling never takes a value from the padding or beyond the
 * image; `sum` and `average_exc_pad` add only the image's values, and
 * `average_exc_pad` divides by their number; `average_inc_pad` counts the
 * padding (but not what lies past it in partial windows). The result has
 * x's dtype, as Theano's Pool.
 */
export function pool2d(input: TensorLike, options: Pool2dOptions): TensorVariable {
  const x = asTensor(input, 'pool2d');
  if (options === undefined) throw new TypeError('pool2d: options with ws (the window) are required');
  // Theano's pool_2d(input, ws, ...) passes the window second: an array here gets a message saying so
  checkOptionNames(options, Array.isArray(options) ? 'pool2d (the window goes in the options: { ws: [2, 2] })' : 'pool2d', ['ws', 'ignoreBorder', 'stride', 'pad', 'mode']);
  if (x.ndim < 2) throw new TypeError(`pool2d: expected an input of 2 dimensions or more, got ${x} of type ${x.type}`);
  const ws = pairOption('pool2d', 'ws', options.ws, [0, 0]);
  if (options.ws === undefined) throw new TypeError('pool2d: ws (the window) is required');
  const stride = pairOption('pool2d', 'stride', options.stride, ws);
  const pad = options.pad ?? [0, 0];
  if (!Array.isArray(pad) || pad.length !== 2 || pad.some((p) => !Number.isInteger(p) || p < 0)) throw new RangeError(`pool2d: pad must be two integers >= 0, got ${JSON.stringify(pad)}`);
  const mode = options.mode ?? 'max';
  if (!POOL_MODES.includes(mode)) throw new RangeError(`pool2d: mode must be one of ${POOL_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  const ignoreBorder = options.ignoreBorder ?? false;
  const padded = pad[0] > 0 || pad[1] > 0;
  if (padded && !ignoreBorder) throw new RangeError('pool2d: padding works only with ignoreBorder: true (as in Theano)');
  if (pad[0] >= ws[0] || pad[1] >= ws[1]) throw new RangeError(`pool2d: padding ${JSON.stringify(pad)} must be smaller than the window ${JSON.stringify(ws)}`);
  if (mode !== 'max' && x.dtype === 'bool') throw new TypeError(`pool2d: mode '${mode}' needs numbers, got ${x} of type ${x.type}; cast it first`);
  const geometry: PatchGeometry = { stride, dilation: [1, 1], pad: [pad[0], pad[1]], edges: ignoreBorder ? 'drop' : 'keep' };
  const n = x.ndim - 2;
  const windowAxes = [n, n + 1];
  // Theano's max pooling raises where a window holds nothing of an empty image (NumPy's max of nothing): padding
  // alone, or without ignoreBorder the one window Theano's Pool.out_shape keeps on an empty axis for a stride shorter
  // than the window; sum and the averages add nothing there (0, and NaN for a count of 0), as Theano's
  const emptyWindows = (s: StaticShape) =>
    `pool2d: the input ${x} of shape ${fmtShape(s)} has no ${s[s.length - 2] === 0 ? 'rows' : 'cols'}, so its ${ws.join('x')} windows ` +
    `${padded ? `hold only the padding ${JSON.stringify(pad)}, which has` : `(stride ${JSON.stringify(stride)}, ignoreBorder false) hold none of its values, which have`} no maximum; ` +
    `mode 'max' needs at least one row and one col there (as Theano's, which raises)`;
  const patches = apply1(new Im2Col(geometry, ws, mode === 'max' ? lowest(x.dtype) : 0, mode === 'max' && (padded || !ignoreBorder) ? { emptyWindows } : {}), [x]);
  if (mode === 'max') return apply1(new Reduce('max', windowAxes), [patches]);
  const sum = apply1(new Reduce('sum', windowAxes), [patches]);
  if (mode === 'sum') return sum.dtype === x.dtype ? sum : cast(sum, x.dtype);
  // without padding or partial windows every window counts ws[0] * ws[1] values
  const partial = !ignoreBorder || (mode === 'average_exc_pad' && padded);
  const count = partial ? windowSizes(x, geometry, ws, sum.dtype) : ws[0] * ws[1];
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
function windowSizes(x: TensorVariable, geometry: PatchGeometry, ws: Pair, dtype: DType): TensorVariable {
  const n = x.ndim - 2;
  const first = n > 0 ? apply1(new Subtensor(Array.from({ length: n }, () => ({ kind: 'slice', start: 0, stop: 1, step: null }) as const)), [x]) : x;
  const ones = elemwise('second', first, onesOf(dtype));
  const counts = apply1(new Reduce('sum', [n, n + 1]), [apply1(new Im2Col(geometry, ws, 0), [ones])]);
  if (n === 0) return counts;
  const reduced = apply1(new Reduce('sum', Array.from({ length: n }, (_, k) => k)), [counts]);
  return dimshuffle(reduced, [...Array.from({ length: n }, () => 'x' as const), 0, 1]);
}

function onesOf(d: DType): TensorVariable {
  const one = NDArray.zeros([], d);
  one.data[0] = 1;
  return new TensorConstant(new TensorType(d, []), one);
}
