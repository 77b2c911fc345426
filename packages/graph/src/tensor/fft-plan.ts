/**
 * The tables of `T.fft`'s factorised transforms (fft-stages.ts): how a
 * length n splits into the lengths of its stages, and the DFT matrices
 * and twiddle factors of each stage. Both are functions of lengths only,
 * which are known when a program is made, so they are computed here on
 * the host, in float64, and enter the program as constants (as `arange`'s
 * values do): no kernel builds them, a program reuses them at every call,
 * and every backend runs the transform with no code of its own.
 *
 * Accuracy: each entry is cos and sin of 2 pi ((j k) mod n) / n, the
 * product reduced mod n in integers so the angle stays below 2 pi, in
 * float64, then cast: a float32 table is correctly rounded, where cos of a
 * float32 angle is off by the angle's own rounding (n = 4096: 4e-7).
 */
import type { DType } from '../core/dtype.js';
import { fill, type NDArray } from '../core/ndarray.js';
import { Op, type Apply } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';
import { checkScalarInts, valueOf } from '../ops/alloc.js';

/** The stages of every factorised transform: two, the first of length 1 for a length kept whole. */
export const STAGES = 2;

/**
 * What a stage costs beyond its multiply-adds, in multiply-adds per
 * element: its kernels (a matrix product, a twiddle pass) read and write
 * the whole signal. A length splits only where the split saves more:
 * 12 stays one DFT of 12 (12 + 32 < (3 + 32) + (4 + 32)), 64 becomes
 * 8 x 8 ((8 + 32) + (8 + 32) < 64 + 32).
 */
const STAGE_COST = 32;

/**
 * The stage lengths of a transform of length n: STAGES factors, in
 * ascending order (the ones first), whose product is n and whose sum of
 * (length + STAGE_COST) over the stages longer than 1 is least: a stage of
 * length f costs f complex multiply-adds per element, so n = 4096 is
 * 64 x 64 (128 per element where the DFT matrix costs 4096) and a
 * prime n is one DFT of n (its matrix, O(n^2); DftTable refuses one past
 * MAX_TABLE_ENTRIES).
 */
export function dftFactors(n: number): number[] {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`dftFactors: a length must be a positive integer, got ${n}`);
  const cost = (fs: readonly number[]) => fs.reduce((c, f) => c + (f > 1 ? f + STAGE_COST : 0), 0);
  let best = [1, n];
  for (let a = 2; a * a <= n; a++) if (n % a === 0 && cost([a, n / a]) < cost(best)) best = [a, n / a];
  return best;
}

/** One stage length of a transform: `dftFactors(n)[stage]`, an int64 scalar. */
export class DftFactor extends Op {
  readonly kind = 'DFT' as const;
  constructor(readonly stage: number) {
    super();
  }
  key(): string {
    return `DftFactor:${this.stage}`;
  }
  override toString(): string {
    return `DftFactor{${this.stage}}`;
  }
  override staticInputs(): number[] {
    return [0];
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    checkScalarInts('DftFactor', inputs);
    return [new TensorType('int64', [])];
  }
  inferShape(): StaticShape[] {
    return [[]];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    return [fill([], 'int64', () => dftFactors(Number(inputs[0]!.data[0]))[this.stage]!)];
  }
  lower(_ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    return [{ kind: 'scalar', value: dftFactors(valueOf('DftFactor', inputs[0]!))[this.stage]!, dtype: 'int64', shape: [] }];
  }
}

/**
 * The forms of a table, entries w = cos(a) + i sign sin(a), a = 2 pi ((j k) mod n) / n,
 * j < rows, k < cols, times the table's scale:
 * - 'c2c' (rows, 2, cols, 2): a complex DFT; contracting a (j, (re, im)) pair of axes with its first two gives (k, (re, im)).
 * - 'r2c' (rows, cols, 2): the same from a real input (its imaginary part 0).
 * - 'c2r' (rows, 2, cols): the real part of the result only.
 * - 'twiddle' (rows, cols, 2, 2): one complex factor per (j, k) as two pairs, (c, c) and (-s, s): the product is
 *   (re, im) times the first plus (im, re) times the second.
 */
export type DftTableForm = 'c2c' | 'r2c' | 'c2r' | 'twiddle';

/** The sine and cosine of 2 pi r / n, exact at the quarter turns (NumPy's FFT gives exact zeros there, where sin(pi) is 1e-16). */
function turn(r: number, n: number): [number, number] {
  if (r === 0) return [1, 0];
  if (2 * r === n) return [-1, 0];
  if (4 * r === n) return [0, 1];
  if (4 * r === 3 * n) return [0, -1];
  const a = (2 * Math.PI * r) / n;
  return [Math.cos(a), Math.sin(a)];
}

/** (j k) mod n without losing digits: j, k < 2^26 keep the product exact in a double; beyond, reduce through BigInt. */
function productMod(j: number, k: number, n: number): number {
  const p = j * k;
  return Number.isSafeInteger(p) ? p % n : Number((BigInt(j) * BigInt(k)) % BigInt(n));
}

/**
 * The most entries a table may have: 2^26, 256 MiB in float32. A prime
 * length has no two stages, and its one complex table of 4 n^2 entries
 * passes this past n = 4096 (65537: 17 G entries; irfft's last, real
 * output, 2 n^2, past 5792), as does 2 x 65537's second stage; NumPy
 * would run Bluestein's transform. A clear error then, not an allocation
 * failing: the CPU backend ran 4093 (a 268 MB table) and could not pack
 * 8191's 1 GiB table for its matrix product (its WebAssembly memory is
 * 2 GiB).
 */
export const MAX_TABLE_ENTRIES = 2 ** 26;

/** How a table is scaled by the count N of its last input: not, 1 / N, or 1 / sqrt(N). */
export type DftScale = 'none' | 'inverse' | 'ortho';

/**
 * A stage's DFT matrix or twiddle factors: inputs n (the angles' modulus), rows, cols and the count N its `scale`
 * divides by (integer scalars). `subject` (the transform, its input and axis) names them in an error only: two
 * tables that differ in it alone are the same table.
 */
export class DftTable extends Op {
  readonly kind = 'DFT' as const;
  constructor(
    readonly form: DftTableForm,
    readonly sign: 1 | -1,
    readonly dtype: DType,
    readonly scale: DftScale = 'none',
    readonly subject = 'T.fft',
  ) {
    super();
  }
  key(): string {
    return `DftTable:${this.form}:${this.sign}:${this.dtype}:${this.scale}`;
  }
  override toString(): string {
    return `DftTable{${this.form}, ${this.sign}${this.scale === 'none' ? '' : `, ${this.scale}`}}`;
  }
  override staticInputs(): number[] {
    return [0, 1, 2, 3];
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    checkScalarInts('DftTable', inputs);
    return [new TensorType(this.dtype, this.layout(null, null).map((d) => d === 1))];
  }
  inferShape(): StaticShape[] {
    return [this.layout(null, null)];
  }
  private layout(rows: number | null, cols: number | null): (number | null)[] {
    return this.form === 'c2c' ? [rows, 2, cols, 2] : this.form === 'r2c' ? [rows, cols, 2] : this.form === 'c2r' ? [rows, 2, cols] : [rows, cols, 2, 2];
  }
  /** The table, laid out as `layout` says: entry (j, q, k, p) of the complex product (q, p: 0 real, 1 imaginary). */
  table(n: number, rows: number, cols: number, count: number): NDArray {
    const scale = this.scale === 'none' ? 1 : this.scale === 'inverse' ? 1 / count : 1 / Math.sqrt(count);
    const shape = this.layout(rows, cols) as number[];
    const entries = shape.reduce((a, b) => a * b, 1);
    if (entries > MAX_TABLE_ENTRIES) {
      // n here is the stage's length (its angles' modulus), the axis's own divisor nearest its square root, or itself when prime
      throw new RangeError(
        `${this.subject}: a stage of length ${n} needs a ${rows} x ${cols} DFT table of ${entries} entries, past the ${MAX_TABLE_ENTRIES} a table may hold ` +
          `(a length is transformed in two stages, its two divisors nearest its square root; a prime length in one); crop or pad the axis to a length with a divisor near its square root, such as a power of two`,
      );
    }
    const out = fill(shape, this.dtype, () => 0);
    const sign = this.sign;
    const d = out.data;
    for (let j = 0; j < rows; j++) {
      for (let k = 0; k < cols; k++) {
        const [c0, s0] = turn(productMod(j, k, n), n);
        // (re + i im)(c + i sign s): re c - im sign s, re sign s + im c
        const [c, s] = [c0 * scale, sign * s0 * scale];
        if (this.form === 'c2c') {
          const at = ((j * 2) * cols + k) * 2;
          [d[at], d[at + 1], d[at + 2 * cols], d[at + 2 * cols + 1]] = [c, s, -s, c];
        } else if (this.form === 'r2c') {
          const at = (j * cols + k) * 2;
          [d[at], d[at + 1]] = [c, s];
        } else if (this.form === 'c2r') {
          [d[j * 2 * cols + k], d[(j * 2 + 1) * cols + k]] = [c, -s];
        } else {
          const at = (j * cols + k) * 4;
          [d[at], d[at + 1], d[at + 2], d[at + 3]] = [c, c, -s, s];
        }
      }
    }
    return out;
  }
  perform(inputs: readonly NDArray[], _node: Apply): NDArray[] {
    const [n, rows, cols, count] = inputs.map((v) => Number(v.data[0]));
    return [this.table(n!, rows!, cols!, count!)];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    const [n, rows, cols, count] = inputs.map((v) => valueOf('DftTable', v));
    return [ctx.constant(this.table(n!, rows!, cols!, count!))];
  }
}

/**
 * Positions (int64) and signs a transform gathers by, from three integer scalars:
 * - 'bins' (p, cols, keep): the last stage's output, laid out (done < p, k_last < cols), read in bin order
 *   k = done + p k_last, the first `keep` bins: position (k mod p) cols + floor(k / p).
 * - 'mirror' (n, h, _): irfft's whole spectrum from its h bins, bin k at k < h, else its conjugate's n - k.
 * - 'conj' (n, h, _): the (real, imaginary) signs of those, (1, -1) for the conjugates (in `dtype`, a float).
 */
export class DftIndex extends Op {
  readonly kind = 'DFT' as const;
  constructor(
    readonly form: 'bins' | 'mirror' | 'conj',
    readonly dtype: DType = 'int64',
  ) {
    super();
  }
  key(): string {
    return `DftIndex:${this.form}:${this.dtype}`;
  }
  override toString(): string {
    return `DftIndex{${this.form}}`;
  }
  override staticInputs(): number[] {
    return [0, 1, 2];
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    checkScalarInts('DftIndex', inputs);
    return [new TensorType(this.dtype, this.form === 'conj' ? [false, false] : [false])];
  }
  inferShape(): StaticShape[] {
    return [this.form === 'conj' ? [null, 2] : [null]];
  }
  values(a: number, b: number, c: number): NDArray {
    if (this.form === 'bins') return fill([c], this.dtype, (k) => (k % a) * b + Math.floor(k / a));
    if (this.form === 'mirror') return fill([a], this.dtype, (k) => (k < b ? k : a - k));
    return fill([a, 2], this.dtype, (i) => (i % 2 === 1 && i >> 1 >= b ? -1 : 1));
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const [a, b, c] = inputs.map((v) => Number(v.data[0]));
    return [this.values(a!, b!, c!)];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    const [a, b, c] = inputs.map((v) => valueOf('DftIndex', v));
    return [ctx.constant(this.values(a!, b!, c!))];
  }
}
