/**
 * The start and length of a slice whose length depends on values
 * (`x[i:]`, `x[:n]`, `x[i:j]`, a symbolic step): Python's
 * `slice(start, stop, step).indices(n)` on the host, between programs
 * (host-stage.ts), so that the length is a later program's static value
 * (`T.arange(length)`, programs cached per length) and the start an
 * ordinary input of it. indexing.ts gathers the window by those positions.
 */
import { NDArray } from '../core/ndarray.js';
import type { Apply } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import { isInt } from '../core/dtype.js';
import { HostOp } from './host.js';
import { MatchLength } from './shape.js';

/** Python's `slice(start, stop, step).indices(n)`: the first position and how many, a step of 0 being an error. */
export function sliceIndices(n: number, start: number | null, stop: number | null, step: number): { start: number; length: number } {
  const [lower, upper] = step < 0 ? [-1, n - 1] : [0, n];
  const clamp = (b: number | null, omitted: number): number => (b === null ? omitted : b < 0 ? Math.max(b + n, lower) : Math.min(b, upper));
  const first = clamp(start, step < 0 ? upper : lower);
  const end = clamp(stop, step < 0 ? lower : upper);
  const span = step > 0 ? end - first : first - end;
  return { start: first, length: span > 0 ? Math.floor((span - 1) / Math.abs(step)) + 1 : 0 };
}

/**
 * Inputs: the axis' length, then the bounds given (start, stop, step, in
 * that order, each present when `given` says so). Outputs: the first
 * position and the count (int64 scalars), as `sliceIndices`.
 */
export class SliceWindow extends HostOp {
  constructor(
    /** Which of start, stop and step are inputs (after the axis' length); the others are omitted (null), a step of 1. */
    readonly given: readonly [boolean, boolean, boolean],
    /** Where the slice stands in the user's index, for errors. */
    readonly position: number,
  ) {
    super();
  }
  key(): string {
    return `SliceWindow:${this.given.map(Number).join('')}:${this.position}`;
  }
  override toString(): string {
    return `SliceWindow{${this.given.map((g, k) => (g ? ['start', 'stop', 'step'][k] : '')).join(':')}}`;
  }
  /** `slice_indices(i::s, n=x.shape[0]).start` (output 0) or `.length` (output 1): the two read apart in a printed graph. */
  override pp(args: readonly string[], _node?: Apply, index = 0): string {
    let k = 1;
    const parts = this.given.map((g) => (g ? args[k++]! : ''));
    return `slice_indices(${parts.join(':')}, n=${args[0]}).${index === 0 ? 'start' : 'length'}`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const want = 1 + this.given.filter(Boolean).length;
    if (inputs.length !== want || inputs.some((v) => v.ndim !== 0 || !isInt(v.dtype))) {
      throw new TypeError(`get: index ${this.position}: slice bounds must be integer scalars, got ${inputs.slice(1).map((v) => `${v} of type ${v.type}`).join(', ')}`);
    }
    return [new TensorType('int64', []), new TensorType('int64', [])];
  }
  inferShape(): StaticShape[] {
    return [[], []];
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const values = inputs.map((a) => Number(a.data[0]));
    let k = 1;
    const [start, stop, step] = this.given.map((g) => (g ? values[k++]! : null));
    if (step === 0) throw new RangeError(`get: index ${this.position}: the slice step (${node.inputs[node.inputs.length - 1]}) cannot be zero, as Python's ValueError says`);
    const { start: first, length } = sliceIndices(values[0]!, start ?? null, stop ?? null, step ?? 1);
    const out = (v: number) => {
      const a = NDArray.zeros([], 'int64');
      a.data[0] = v;
      return a;
    };
    return [out(first), out(length)];
  }
}

/**
 * y, checked against the window of a value-length slice it is written into
 * (inputs y, window) once shapes are known: an identity that costs no
 * kernel (a MatchLength, whose gradient passes through to y), so that a y
 * that does not fit is reported as the user wrote the window, not by the
 * scatter along an axis moved first (which names an intermediate and
 * transposed shapes).
 */
export class FitsWindow extends MatchLength {
  // y may broadcast to the window: a length 1 passes
  override readonly equalLengths = false;
  constructor(
    /** 'setSubtensor into x' (the call and the user's x). */
    readonly what: string,
    /** y as printed, and which of its axes are broadcastable. */
    readonly yName: string,
    readonly yBroadcastable: readonly boolean[],
  ) {
    super(0, 0, () => '', `fits ${what} ${yName} ${yBroadcastable.map(Number).join('')}`);
  }
  override toString(): string {
    return 'FitsWindow';
  }
  override inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    const [ys, ws] = shapes as [StaticShape, StaticShape];
    const fmt = (sh: StaticShape) => `(${sh.map((d) => d ?? '?').join(', ')}${sh.length === 1 ? ',' : ''})`;
    const bad = ys.flatMap((n, k) => {
      const t = ws[ws.length - ys.length + k];
      return n === null || n === undefined || t === null || t === undefined || n === t || (n === 1 && this.yBroadcastable[k]) ? [] : [k];
    });
    if (bad.length === 0) return [ys];
    // the hint only when every axis that does not fit would, broadcast
    const hint = bad.every((k) => ys[k] === 1) ? ` Its dimension ${bad[0]} has length 1 but is not broadcastable: mark it so (dimshuffle with 'x', or shared(..., { broadcastable })).` : '';
    throw new RangeError(`${this.what}: ${this.yName} of shape ${fmt(ys)} does not broadcast to the window's shape ${fmt(ws)}.${hint}`);
  }
}
