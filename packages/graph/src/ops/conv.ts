/**
 * Convolution and pooling, Theano's `T.nnet.conv2d`/`conv3d` and
 * `T.signal.pool.pool_2d`/`pool_3d`, as composites over two ops:
 *
 * - `Im2Col` (Theano's Images2Neibs): the windows of the last N axes
 *   (N, the geometry's, is 2 for images and 3 for volumes),
 *   (..., H, W) -> (..., KH, KW, OH, OW), with padding, stride and
 *   dilation; positions outside the image read as the op's fill value.
 * - `Col2Im` (Neibs2Images, the adjoint): windows summed back into an
 *   image, (..., KH, KW, OH, OW) -> (..., H, W), written as a gather-sum
 *   over the window positions that cover each pixel, so it needs no
 *   scatter.
 *
 * Each op's gradient is the other. Both keep any number of leading axes,
 * so the batch dimensions of `jacobian`/`hessian` pass through them.
 * conv2d and conv3d (../nnet/conv-nd.ts) are a patch extraction, a copy
 * into rows of (channel, window) values and one `dot` with the flattened
 * filters; pooling (pool.ts) is a patch extraction and a reduction, so max
 * pooling's gradient reaches every element equal to its window's maximum,
 * as Theano's MaxPoolGrad does. ../nnet/neighbours.ts builds Theano's
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
import { nameInError } from '../core/error-names.js';

/** Two lengths, one per image axis (rows, cols): a 2-d stride, dilation, window or padding. */
export type Pair = readonly [number, number];
/** Three lengths, one per volume axis (depth, rows, cols): a 3-d stride, dilation, window or padding. */
export type Triple = readonly [number, number, number];

/** Padding of one axis: a number of positions on each side, or Theano's `'full'` (dilated window - 1) or `'half'` (dilated window // 2). */
export type PadSpec = number | 'full' | 'half';

/**
 * Which windows there are along an axis: `'strict'`, those inside the
 * padded image, which must hold one at least (convolution); `'drop'`, the
 * same, none when it is smaller (pooling with `ignoreBorder`); `'keep'`,
 * also the partial windows at the end (pooling without `ignoreBorder`).
 */
export type PatchEdges = 'strict' | 'drop' | 'keep';

/** The windows' placement along each of the last N axes (stride, dilation and pad hold N entries each). */
export interface PatchGeometry {
  /** How far apart consecutive windows start, per axis (integers >= 1; its length is N). */
  readonly stride: readonly number[];
  /** How far apart a window's positions are, per axis (integers >= 1; 1 is a dense window). */
  readonly dilation: readonly number[];
  /** The padding on each side of each axis, read as the op's fill value. */
  readonly pad: readonly PadSpec[];
  /** Which windows there are where the last one would not fit. */
  readonly edges: PatchEdges;
}

/** The number of window axes of a geometry. */
export const axesCount = (g: PatchGeometry) => g.stride.length;

/** Two or three, as words in messages. */
export const countWord = (n: number) => ['none', 'one', 'two', 'three'][n] ?? String(n);

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

function axesOf(g: PatchGeometry, image: readonly number[], window: readonly number[]): Axis[] {
  return image.map((n, a) => {
    const pad = resolvePad(g.pad[a]!, window[a]!, g.dilation[a]!);
    return { n, k: window[a]!, stride: g.stride[a]!, dilation: g.dilation[a]!, pad, count: windowCount(n, window[a]!, g.stride[a]!, g.dilation[a]!, pad, g.edges) };
  });
}

/** Image position of window position `k` of window `o` (may be outside [0, n)). */
const position = (a: Axis, k: number, o: number) => o * a.stride - a.pad + k * a.dilation;

function checkGeometry(what: string, g: PatchGeometry): void {
  const n = axesCount(g);
  const count = countWord(n);
  if (n < 1) throw new RangeError(`${what}: the geometry needs one window axis at least, got ${JSON.stringify(g.stride)}`);
  for (const [name, list, min] of [['stride', g.stride, 1], ['dilation', g.dilation, 1]] as const) {
    if (list.length !== n || list.some((v) => !Number.isInteger(v) || v < min)) throw new RangeError(`${what}: ${name} must be ${count} integers >= ${min}, got ${JSON.stringify(list)}`);
  }
  if (g.pad.length !== n || g.pad.some((p) => p !== 'full' && p !== 'half' && (!Number.isInteger(p) || p < 0))) {
    throw new RangeError(`${what}: padding must be ${count} integers >= 0 (or 'full', 'half'), got ${JSON.stringify(g.pad)}`);
  }
}

/** Every index tuple of `lengths`, in C order. */
function forEachIndex(lengths: readonly number[], f: (idx: readonly number[]) => void): void {
  if (lengths.some((n) => n === 0)) return;
  const idx = lengths.map(() => 0);
  for (;;) {
    f(idx);
    let d = lengths.length - 1;
    while (d >= 0 && ++idx[d]! === lengths[d]) idx[d--] = 0;
    if (d < 0) return;
  }
}

/**
 * The references' walk over the windows, in the windows' C order
 * (..., kh, kw, oh, ow): `f(i, pixel)` with i the window element's flat
 * index and pixel the flat index of the image element it reads, or -1
 * outside the image. Im2Col reads along it, Col2Im sums back along it.
 */
function forEachWindowRead(lead: number, axes: readonly Axis[], f: (i: number, pixel: number) => void): void {
  const n = axes.length;
  const strides = contiguousStrides(axes.map((a) => a.n));
  const imageSize = sizeOf(axes.map((a) => a.n));
  let i = 0;
  for (let l = 0; l < lead; l++)
    forEachIndex([...axes.map((a) => a.k), ...axes.map((a) => a.count)], (idx) => {
      let pixel = l * imageSize;
      for (let a = 0; a < n; a++) {
        const p = position(axes[a]!, idx[a]!, idx[n + a]!);
        if (p < 0 || p >= axes[a]!.n) {
          pixel = -1;
          break;
        }
        pixel += p * strides[a]!;
      }
      f(i++, pixel);
    });
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
 * Windows of the last N axes (N the geometry's; two shown):
 * x (..., H, W) -> (..., KH, KW, OH, OW),
 * out[..., kh, kw, oh, ow] = x[..., oh * sh - ph + kh * dh, ow * sw - pw + kw * dw],
 * or `fill` where that is outside x. The window is the op's (`window`), or
 * the last N dimensions of a second input (conv2d's filters, whose size
 * may be known only at run time; only its shape is read).
 */
export class Im2Col extends Op {
  readonly kind = 'Im2Col' as const;
  constructor(
    /** Where the windows sit; a RangeError if its lists are not N integers in range. */
    readonly geometry: PatchGeometry,
    /** The window's N lengths, or null to take them from the last N dimensions of a second input. */
    readonly window: readonly number[] | null,
    /** The value read outside the image (default 0, as convolution and sum pooling read); max pooling reads its dtype's lowest value (-Infinity for floats). */
    readonly fill = 0,
    /** Errors in the words of the function that built the op. */
    readonly errors: Im2ColErrors = {},
  ) {
    super();
    checkGeometry('Im2Col', geometry);
    const n = axesCount(geometry);
    if (window && (window.length !== n || window.some((k) => !Number.isInteger(k) || k < 1))) throw new RangeError(`Im2Col: the window must be ${countWord(n)} integers >= 1, got ${JSON.stringify(window)}`);
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
    const n = axesCount(this.geometry);
    if (x.ndim < n) throw new TypeError(`Im2Col: expected an input of ${n} dimensions or more (..., ${n === 2 ? 'rows, cols' : n === 3 ? 'depth, rows, cols' : 'spatial axes'}), got ${x} of type ${x.type}`);
    if ((w === undefined) !== (this.window !== null)) throw new TypeError(`Im2Col: the window comes from ${this.window ? 'the op: expected one input' : 'a second input: expected two'}, got ${inputs.length}`);
    if (w && w.ndim < n) throw new TypeError(`Im2Col: the window's input must have ${n} dimensions or more, got ${w} of type ${w.type}`);
    return [new TensorType(x.dtype, [...x.broadcastable.slice(0, -n), ...Array.from({ length: 2 * n }, () => false)])];
  }

  /** The window's size from the op or the second input's shape (null where not known yet). */
  private windowOf(shapes: readonly StaticShape[]): (number | null)[] {
    if (this.window) return [...this.window];
    return shapes[1]!.slice(-axesCount(this.geometry)).map((k) => k ?? null);
  }

  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const s = shapes[0]!;
    const nw = axesCount(this.geometry);
    const window = this.windowOf(shapes);
    const image = s.slice(-nw);
    const counts = image.map((_, a) => {
      const n = image[a];
      const k = window[a];
      if (n === null || k === null || n === undefined || k === undefined) return null;
      try {
        return windowCount(n, k, this.geometry.stride[a]!, this.geometry.dilation[a]!, resolvePad(this.geometry.pad[a]!, k, this.geometry.dilation[a]!), this.geometry.edges);
      } catch (e) {
        throw new RangeError(`${this.toString()}: ${(node.inputs[0] ? nameInError(node.inputs[0]) : 'input')} of shape ${fmtShape(s)} has no ${window.join('x')} window along axis ${s.length - nw + a}: ${(e as Error).message}`);
      }
    });
    const out = [...s.slice(0, -nw), ...window, ...counts];
    // windows there are, and every one of them past the image: an empty image axis under padding
    if (this.errors.emptyWindows && image.some((n) => n === 0) && out.every((n) => n !== null && n !== undefined && n > 0)) throw new RangeError(this.errors.emptyWindows(s));
    return [out];
  }

  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const x = inputs[0]!;
    const nw = axesCount(this.geometry);
    const shape = this.inferShape(inputs.map((v) => v.shape), node)[0] as number[];
    const axes = axesOf(this.geometry, x.shape.slice(-nw), shape.slice(-2 * nw, -nw));
    const lead = sizeOf(x.shape.slice(0, -nw));
    const out = NDArray.zeros(shape, x.dtype);
    const fill = castScalar(this.fill, x.dtype);
    forEachWindowRead(lead, axes, (i, pixel) => (out.data[i] = pixel < 0 ? fill : x.data[pixel]!));
    return [out];
  }

  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const x = inputs[0]!;
    const nw = axesCount(this.geometry);
    const shape = this.inferShape(inputs.map((v) => v.shape), node)[0] as number[];
    const nd = x.shape.length;
    const axes = axesOf(this.geometry, x.shape.slice(-nw), shape.slice(-2 * nw, -nw));
    const lead = x.shape.slice(0, -nw);
    if (sizeOf(shape) === 0 || sizeOf(x.shape) === 0) return [ctx.indexed(shape, x.dtype, [], () => ({ kind: 'const', value: this.fill, dtype: x.dtype }))];
    const inside = (a: Axis) => a.pad === 0 && position(a, a.k - 1, a.count - 1) < a.n;
    // every window inside the image: a strided view of it, no kernel
    if (x.kind === 'buffer' && axes.every(inside)) {
      const spatial = x.strides.slice(-nw);
      return [{ ...x, shape, strides: [...x.strides.slice(0, -nw), ...axes.map((a, d) => a.dilation * spatial[d]!), ...axes.map((a, d) => a.stride * spatial[d]!)] }];
    }
    return [
      ctx.indexed(shape, x.dtype, [x], (at, index) => {
        const pos = (a: Axis, k: ScalarExpr, o: ScalarExpr) => ix.add(ix.sub(ix.mul(o, ix.int(a.stride)), ix.int(a.pad)), ix.mul(k, ix.int(a.dilation)));
        const ps = axes.map((a, d) => pos(a, index(nd - nw + d), index(nd + d)));
        const within = (p: ScalarExpr, n: number) => ix.and(ix.ge(p, ix.int(0)), ix.lt(p, ix.int(n)));
        // the index is clamped so the read stays in x on every element; the fill replaces it outside
        const v = at(0, [...lead.map((_, d) => index(d)), ...ps.map((p, d) => ix.clampIndex(p, axes[d]!.n))]);
        const inImage = ps.map((p, d) => within(p, axes[d]!.n)).reduce((a, b) => ix.and(a, b));
        return ix.select(inImage, v, { kind: 'const', value: this.fill, dtype: x.dtype }, x.dtype);
      }),
    ];
  }
}

/**
 * The adjoint of `Im2Col`: g (..., KH, KW, OH, OW) summed back into an
 * image (..., H, W), each window value added at the pixel it was read
 * from (values read from the padding are dropped). H and W (N lengths, the
 * geometry's) are the last dimensions of the second input (only its shape
 * is read).
 */
export class Col2Im extends Op {
  readonly kind = 'Col2Im' as const;
  constructor(
    /** The geometry of the Im2Col this is the adjoint of; a RangeError if its lists are not N integers in range. */
    readonly geometry: PatchGeometry,
  ) {
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
    const n = axesCount(this.geometry);
    if (inputs.length !== 2) throw new TypeError(`Col2Im: expected two inputs (windows, image-shaped), got ${inputs.length}`);
    if (g.ndim < 2 * n) throw new TypeError(`Col2Im: expected windows of ${2 * n} dimensions or more (..., ${n === 2 ? 'KH, KW, OH, OW' : 'windows, counts'}), got ${g} of type ${g.type}`);
    if (like.ndim < n) throw new TypeError(`Col2Im: expected an image-shaped input of ${n} dimensions or more, got ${like} of type ${like.type}`);
    if (g.dtype === 'bool') throw new TypeError(`Col2Im: cannot sum bool windows ${g}; cast them first`);
    return [new TensorType(g.dtype, [...g.broadcastable.slice(0, -2 * n), ...like.broadcastable.slice(-n)])];
  }

  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const [gs, ls] = shapes as [StaticShape, StaticShape];
    const nw = axesCount(this.geometry);
    const image = ls.slice(-nw);
    image.forEach((n, a) => {
      const k = gs[gs.length - 2 * nw + a];
      const o = gs[gs.length - nw + a];
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
    return [[...gs.slice(0, -2 * nw), ...image]];
  }

  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const [g, like] = inputs as [NDArray, NDArray];
    const nw = axesCount(this.geometry);
    const shape = this.inferShape([g.shape, like.shape], node)[0] as number[];
    const axes = axesOf(this.geometry, like.shape.slice(-nw), g.shape.slice(-2 * nw, -nw));
    const lead = sizeOf(g.shape.slice(0, -2 * nw));
    const sums = new Float64Array(sizeOf(shape));
    forEachWindowRead(lead, axes, (i, pixel) => {
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
   * windows sum each window row (each position along the first window
   * axis) in one kernel, then add the rows.
   */
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const [g, like] = inputs as [TensorView, TensorView];
    const d = node.outputs[0]!.dtype;
    const nw = axesCount(this.geometry);
    const shape = this.inferShape([g.shape, like.shape], node)[0] as number[];
    const window = g.shape.slice(-2 * nw, -nw);
    const axes = axesOf(this.geometry, like.shape.slice(-nw), window);
    if (sizeOf(shape) === 0) return [ctx.indexed(shape, d, [], () => ({ kind: 'const', value: 0, dtype: d }))];
    if (sizeOf(g.shape) === 0) return [ctx.indexed(shape, d, [], () => ({ kind: 'const', value: 0, dtype: d }))];
    if (g.kind === 'buffer' && axes.every(tiles)) return [tiledCol2Im(ctx, g, nw, shape, d)];
    const tables = axes.map((a) => ctx.constant(windowTable(a)));
    const acc: DType = d === 'float16' ? 'float32' : d;
    const lead = shape.slice(0, -nw);
    const nl = lead.length;
    const add = (a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ kind: 'apply', op: 'add', args: [a, b], computeDType: acc, dtype: acc });
    // the window positions past the first axis, each a constant
    const rest: number[][] = [];
    forEachIndex(window.slice(1), (idx) => rest.push([...idx]));
    // the sum over window positions k0 in `k0s` (an expression, or one fixed row) and every position of the other axes
    const sumOver = (at: At, leadIdx: ScalarExpr[], pixel: ScalarExpr[], k0s: readonly ScalarExpr[]) => {
      let sum: ScalarExpr | undefined;
      for (const k0 of k0s)
        for (const ks of rest) {
          const k = [k0, ...ks.map((v) => ix.int(v))];
          const o = k.map((kk, a) => at(1 + a, [kk, pixel[a]!]));
          const v = ix.castTo(at(0, [...leadIdx, ...k, ...o.map((oo, a) => ix.clampIndex(oo, axes[a]!.count))]), acc);
          const read = o.map((oo) => ix.ge(oo, ix.int(0))).reduce((a, b) => ix.and(a, b));
          const term = ix.select(read, v, { kind: 'const', value: 0, dtype: acc }, acc);
          sum = sum ? add(sum, term) : term;
        }
      return sum!;
    };
    if (sizeOf(window) <= 64) {
      const out = ctx.indexed(shape, acc, [g, ...tables], (at, index) =>
        sumOver(
          at,
          lead.map((_, k) => index(k)),
          axes.map((_, a) => index(nl + a)),
          Array.from({ length: window[0]! }, (_, k0) => ix.int(k0)),
        ),
      );
      return [acc === d ? out : ctx.elementwise(shape, d, [out], (l) => ix.castTo(l[0]!, d))];
    }
    const perRow = ctx.indexed([window[0]!, ...shape], acc, [g, ...tables], (at, index) =>
      sumOver(
        at,
        lead.map((_, k) => index(k + 1)),
        axes.map((_, a) => index(nl + 1 + a)),
        [index(0)],
      ),
    );
    return [ctx.reduce({ inputs: [perRow], shape: [window[0]!, ...shape], axes: [0], reducer: 'sum', acc, out: d, build: (l) => l[0]! })];
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
function tiledCol2Im(ctx: LowerContext, g: BufferView, nw: number, shape: readonly number[], d: DType): TensorView {
  const lead = g.shape.slice(0, -2 * nw);
  const [ks, os] = [g.shape.slice(-2 * nw, -nw), g.shape.slice(-nw)];
  const [sk, so] = [g.strides.slice(-2 * nw, -nw), g.strides.slice(-nw)];
  const permuted: BufferView = { ...g, shape: [...lead, ...os.flatMap((o, a) => [o, ks[a]!])], strides: [...g.strides.slice(0, -2 * nw), ...so.flatMap((s, a) => [s, sk[a]!])] };
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

/** n integers >= 1 (strides, dilations, windows), checked; `dflt` when not given. */
export function intsOption<V extends readonly number[]>(what: string, name: string, v: V | undefined, n: number, dflt: V): V {
  if (v === undefined) return dflt;
  if (!Array.isArray(v) || v.length !== n || v.some((x) => !Number.isInteger(x) || x < 1)) throw new RangeError(`${what}: ${name} must be ${countWord(n)} integers >= 1, got ${JSON.stringify(v)}`);
  return v;
}

/** A pair of integers >= 1 (strides, dilations, windows), checked; `dflt` when not given. */
export const pairOption = (what: string, name: string, v: Pair | undefined, dflt: Pair): Pair => intsOption(what, name, v, 2, dflt);
