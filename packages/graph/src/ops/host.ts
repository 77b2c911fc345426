/**
 * Ops whose outputs' shapes depend on their inputs' values (Theano's
 * nonzero, unique, bincount's length): no program can be made for them
 * before the values are known, so they never lower. `sym.function` splits
 * the graph at them (`host-stage.ts`): a program computes their inputs,
 * the values are read back, the op's `perform` runs on the host, and its
 * results are inputs of the next program. Their integer outputs carry no
 * gradient (Theano's are disconnected); what users differentiate through
 * (a boolean mask's gather, bincount's weights) is built around them from
 * ordinary ops (`data-dependent.ts`).
 */
import { NDArray, sizeOf } from '../core/ndarray.js';
import { Op, type Apply } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';
import { isInt, MAX_ELEMENTS } from '../core/dtype.js';
import { uniqueElements } from './unique-elements.js';
import { nameInError } from '../core/error-names.js';

/** An op computed on the host between programs, its output shapes known only from its inputs' values. */
export abstract class HostOp extends Op {
  readonly kind = 'HostOp' as const;
  override dataDependentShape(): boolean {
    return true;
  }
  lower(_ctx: LowerContext, _inputs: readonly TensorView[], node: Apply): TensorView[] {
    // sym.function never lowers one (host-stage.ts): reached only by a caller scheduling a graph itself
    throw new Error(
      `${this.toString()}(${node.inputs.map((v) => v.toString()).join(', ')}): its output's shape depends on its input's values, so it runs on the host ` +
        `between programs, which sym.function arranges (a scan whose step holds it runs a step at a time); a hand-made schedule cannot compute it: ` +
        `call a function of the graph instead`,
    );
  }
}

/**
 * `numpy.nonzero(x)` as one int64 matrix (ndim, n): row d holds the
 * positions along axis d of the n non-zero elements, in C order (Theano's
 * `nonzero(x, return_matrix=True)`). NaN is non-zero, as in NumPy.
 * `bounded` (compress's condition): a second input, an integer scalar,
 * bounds the positions of a vector x, a true entry at or past it being
 * NumPy's IndexError.
 */
export class NonZero extends HostOp {
  constructor(
    /** Whether a second input bounds the positions (compress's condition). */
    readonly bounded = false,
  ) {
    super();
  }
  key(): string {
    return this.bounded ? 'NonZero:bounded' : 'NonZero';
  }
  override toString(): string {
    return this.bounded ? 'NonZero{bounded}' : 'NonZero';
  }
  override pp(args: readonly string[]): string {
    return this.bounded ? `nonzero(${args[0]}, bound=${args[1]})` : `nonzero(${args[0]})`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const x = inputs[0]!;
    // NumPy 2 refuses a 0-d array (its nonzero was the 1-d view's)
    if (x.ndim === 0) throw new TypeError(`nonzero: x must have at least one dimension, got ${x} of type ${x.type} (NumPy refuses nonzero of a 0-d array; use x.flatten())`);
    if (this.bounded && (x.ndim !== 1 || inputs[1]?.ndim !== 0)) throw new TypeError(`NonZero{bounded}: expected a vector and an integer scalar, got ${inputs.map((v) => v.type).join(', ')}`);
    return [new TensorType('int64', [x.ndim === 1, false])];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    return [[shapes[0]!.length, null]];
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const x = inputs[0]!;
    const data = x.data;
    const nd = x.ndim;
    // counted first, then written: a mask of a million elements is read twice, not pushed into a growing list
    let n = 0;
    for (let i = 0; i < data.length; i++) if (data[i] !== 0) n++;
    const out = NDArray.zeros([nd, n], 'int64');
    const pos = out.data;
    if (nd === 1) {
      for (let i = 0, k = 0; i < data.length; i++) if (data[i] !== 0) pos[k++] = i;
    } else {
      const last = x.shape[nd - 1]!;
      for (let i = 0, k = 0; i < data.length; i++) {
        if (data[i] === 0) continue;
        // C order: the last axis varies fastest
        pos[(nd - 1) * n + k] = i % last;
        let flat = Math.floor(i / last);
        for (let d = nd - 2; d >= 0; d--) {
          const len = x.shape[d]!;
          pos[d * n + k] = flat % len;
          flat = Math.floor(flat / len);
        }
        k++;
      }
    }
    if (this.bounded) {
      const bound = Number(inputs[1]!.data[0]);
      if (n > 0 && pos[n - 1]! >= bound) {
        let k = 0;
        while (pos[k]! < bound) k++;
        throw new RangeError(`compress: the condition ${nameInError(node.inputs[0]!)} is true at position ${pos[k]}, past the ${bound} slices of x along the axis (NumPy's IndexError)`);
      }
    }
    return [out];
  }
}

/** Which of `numpy.unique`'s extra outputs to compute. */
export interface UniqueOutputs {
  /** The index of each distinct value's first occurrence. */
  readonly returnIndex?: boolean;
  /** Where each element of x is among the distinct values. */
  readonly returnInverse?: boolean;
  /** How many times each distinct value occurs. */
  readonly returnCounts?: boolean;
}

/**
 * `numpy.unique(x, return_index, return_inverse, return_counts, axis)`:
 * the sorted distinct values of x flattened (axis null: NaNs last, counted
 * as one, NumPy 2's equal_nan) or the distinct slices along `axis` (sorted
 * lexicographically, NaN last in each place; slices holding NaN are never
 * equal, as NumPy's, but a vector's along axis 0 are its elements, NaNs
 * one, as NumPy's axis null), then as asked the int64 index of each one's first
 * occurrence, the inverse (x's shape for axis null, as NumPy 2's; a vector
 * along the axis otherwise) and the counts.
 */
export class Unique extends HostOp {
  /** {@link UniqueOutputs.returnIndex}. */
  readonly returnIndex: boolean;
  /** {@link UniqueOutputs.returnInverse}. */
  readonly returnInverse: boolean;
  /** {@link UniqueOutputs.returnCounts}. */
  readonly returnCounts: boolean;
  constructor(
    outputs: UniqueOutputs = {},
    /** The axis whose slices are compared; null: the elements of x flattened. */
    readonly axis: number | null = null,
  ) {
    super();
    this.returnIndex = outputs.returnIndex ?? false;
    this.returnInverse = outputs.returnInverse ?? false;
    this.returnCounts = outputs.returnCounts ?? false;
  }
  key(): string {
    return `Unique:${+this.returnIndex}${+this.returnInverse}${+this.returnCounts}:${this.axis}`;
  }
  #flags(): string[] {
    const flags = [this.returnIndex && 'return_index', this.returnInverse && 'return_inverse', this.returnCounts && 'return_counts'].filter((f): f is string => typeof f === 'string');
    return this.axis === null ? flags : [...flags, `axis=${this.axis}`];
  }
  override toString(): string {
    const flags = this.#flags();
    return flags.length ? `Unique{${flags.join(', ')}}` : 'Unique';
  }
  override pp(args: readonly string[], node: Apply, output = 0): string {
    const call = `unique(${[args[0], ...this.#flags()].join(', ')})`;
    return node.outputs.length > 1 ? `${call}[${output}]` : call;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const x = inputs[0]!;
    const a = this.axis;
    if (a !== null && (!Number.isInteger(a) || a < 0 || a >= x.ndim)) throw new RangeError(`unique: axis ${a} is out of range for ${x} of type ${x.type}`);
    const types = [new TensorType(x.dtype, a === null ? [false] : x.broadcastable.map((b, d) => d !== a && b))];
    if (this.returnIndex) types.push(new TensorType('int64', [false]));
    if (this.returnInverse) types.push(new TensorType('int64', a === null ? x.broadcastable : [false]));
    if (this.returnCounts) types.push(new TensorType('int64', [false]));
    return types;
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    const xs = shapes[0]!;
    const a = this.axis;
    const out: StaticShape[] = [a === null ? [null] : xs.map((d, k) => (k === a ? null : d))];
    if (this.returnIndex) out.push([null]);
    if (this.returnInverse) out.push(a === null ? xs : [xs[a]!]);
    if (this.returnCounts) out.push([null]);
    return out;
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const x = inputs[0]!;
    const data = x.data;
    const a = this.axis;
    if (a === null || x.ndim === 1) return uniqueElements(x, this);
    // slice i along the axis is element (o, k) at data[(o * n + i) * inner + k]; axis null: one element per slice
    const n = a === null ? x.size : x.shape[a]!;
    const inner = a === null ? 1 : sizeOf(x.shape.slice(a + 1));
    const outer = a === null ? 1 : sizeOf(x.shape.slice(0, a));
    const at = (i: number, j: number): number => data[(Math.floor(j / inner) * n + i) * inner + (j % inner)]!;
    const width = outer * inner;
    // stable, NaN last in each place: each slice's first occurrence leads its run (NumPy sorts stably when return_index)
    const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => {
      for (let j = 0; j < width; j++) {
        const u = at(p, j);
        const v = at(q, j);
        const un = u !== u;
        const vn = v !== v;
        if (un || vn) {
          if (un !== vn) return un ? 1 : -1;
        } else if (u !== v) return u < v ? -1 : 1;
      }
      return p - q;
    });
    // NaN equals NaN for elements (equal_nan): axis null, or a vector's axis 0, which NumPy takes as axis null;
    // NumPy compares slices field by field, where NaN != NaN
    const equalNaN = a === null || x.ndim === 1;
    const same = (p: number, q: number): boolean => {
      for (let j = 0; j < width; j++) {
        const u = at(p, j);
        const v = at(q, j);
        if (u !== v && !(equalNaN && u !== u && v !== v)) return false;
      }
      return true;
    };
    const firsts: number[] = [];
    const counts: number[] = [];
    const inverse = NDArray.zeros(a === null ? x.shape : [n], 'int64');
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      if (k === 0 || !same(order[k - 1]!, i)) {
        firsts.push(i);
        counts.push(0);
      }
      counts[counts.length - 1]!++;
      inverse.data[i] = firsts.length - 1;
    }
    const m = firsts.length;
    const values = NDArray.zeros(a === null ? [m] : x.shape.map((d, k) => (k === a ? m : d)), x.dtype);
    firsts.forEach((i, k) => {
      for (let j = 0; j < width; j++) values.data[(Math.floor(j / inner) * m + k) * inner + (j % inner)] = at(i, j);
    });
    const out = [values];
    if (this.returnIndex) out.push(ints(firsts));
    if (this.returnInverse) out.push(inverse);
    if (this.returnCounts) out.push(ints(counts));
    return out;
  }
}

function ints(values: readonly number[]): NDArray {
  const a = NDArray.zeros([values.length], 'int64');
  a.data.set(values);
  return a;
}

/**
 * The length of `numpy.bincount(x, minlength=m)`: max(x) + 1, at least m
 * (m for an empty x), an int64 scalar; a negative element is NumPy's
 * ValueError, naming the input.
 */
export class BincountLength extends HostOp {
  constructor(
    /** The least length returned. */
    readonly minlength: number,
  ) {
    super();
  }
  key(): string {
    return `BincountLength:${this.minlength}`;
  }
  override toString(): string {
    return this.minlength ? `BincountLength{minlength=${this.minlength}}` : 'BincountLength';
  }
  override pp(args: readonly string[]): string {
    return `bincount_length(${args[0]}${this.minlength ? `, minlength=${this.minlength}` : ''})`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const x = inputs[0]!;
    if (x.ndim !== 1 || !isInt(x.dtype)) throw new TypeError(`bincount: x must be a vector of non-negative integers, got ${x} of type ${x.type}`);
    return [new TensorType('int64', [])];
  }
  inferShape(): StaticShape[] {
    return [[]];
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const x = inputs[0]!;
    let max = -1;
    for (let i = 0; i < x.size; i++) {
      const v = x.data[i]!;
      if (v < 0) throw new RangeError(`bincount: x (${nameInError(node.inputs[0]!)}) must have no negative elements, got ${v} at position ${i} (NumPy raises ValueError)`);
      if (v > max) max = v;
    }
    // the output is allocated from this length by the next program: refuse a length no array may hold before anything is allocated
    if (max + 1 > MAX_ELEMENTS) throw new RangeError(`bincount: x (${nameInError(node.inputs[0]!)}) holds ${max}, which would need an output of ${max + 1} elements; the most is ${MAX_ELEMENTS}`);
    const out = NDArray.zeros([], 'int64');
    out.data[0] = Math.max(max + 1, this.minlength);
    return [out];
  }
}
