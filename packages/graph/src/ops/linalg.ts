/**
 * Theano's linear algebra ops on 2-D matrices: MatrixInverse and Det
 * (`theano.tensor.nlinalg`), Cholesky and Solve (`theano.tensor.slinalg`).
 * Each lowers to kernels of the existing IR (see linalg-kernels.ts), so
 * every backend runs them unchanged.
 *
 * Dtypes follow NumPy: float32 and float64 stay, integers and booleans
 * compute in float64, float16 is refused (numpy.linalg refuses it too).
 * Theano keeps an integer input's dtype, truncating the inverse; sym does
 * not give that silent wrong answer.
 *
 * Where NumPy and SciPy raise LinAlgError (a singular matrix to invert or
 * solve with, a matrix that is not positive definite), kernels cannot
 * raise: the results hold NaN or infinities instead, never finite wrong
 * values, as Theano's Cholesky with `on_error='nan'` (a whole NaN factor).
 * `perform`, the reference DebugMode compares with, does the same.
 */
import { castScalar, isFloat, promoteAll, type DType } from '../core/dtype.js';
import { NDArray, shapeToString } from '../core/ndarray.js';
import { Apply, Op } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';
import {
  asMatrix,
  choleskyRef,
  columns,
  detRef,
  gaussJordanRef,
  lowerAugmented,
  lowerCholesky,
  lowerDet,
  lowerGaussJordan,
  lowerTriangularSolve,
  transposed,
  triangularSolveRef,
} from './linalg-kernels.js';
import { nameInError } from '../core/error-names.js';

/** The dtype a linear algebra op computes and returns in, from its inputs' (NumPy's rule). */
export function linalgDType(what: string, inputs: readonly TensorVariable[]): DType {
  const d = promoteAll(inputs.map((v) => v.dtype));
  if (d === 'float16') {
    throw new TypeError(`${what}: float16 is not supported (numpy.linalg refuses it too); cast ${inputs.map((v) => v.toString()).join(', ')} to float32 first`);
  }
  return isFloat(d) ? d : 'float64';
}

export function checkMatrix(what: string, v: TensorVariable, name: string): void {
  if (v.ndim !== 2) throw new TypeError(`${what}: ${name} must be a matrix (2 dimensions), got ${v} of type ${v.type} (${v.ndim} dimensions)`);
}

/** The common length of a square matrix's sides, or an error naming it and its shape. */
function squareSide(what: string, shape: StaticShape, name: string): number | null {
  const [r, c] = shape as [number | null, number | null];
  if (r !== null && c !== null && r !== c) throw new RangeError(`${what}: ${name} must be a square matrix, got shape ${shapeToString(shape)}`);
  return r ?? c;
}

/** The values of a matrix (row-major) as float64. */
export function float64Of(a: NDArray): Float64Array {
  return Float64Array.from(a.data as ArrayLike<number>);
}

export function result(shape: number[], d: DType, values: ArrayLike<number>): NDArray {
  const out = NDArray.zeros(shape, d);
  for (let i = 0; i < values.length; i++) out.data[i] = castScalar(values[i]!, d);
  return out;
}

/** An op of one square matrix whose result is a square matrix of the same size (Det overrides the result). */
abstract class SquareOp extends Op {
  /** The op's name in errors, `debugprint` and its key: `MatrixInverse`, `Det`, `Cholesky{lower=true}`. */
  abstract readonly name: string;
  key(): string {
    return this.name;
  }
  override toString(): string {
    return this.key();
  }
  /** The result's dtype ({@link linalgDType}); a TypeError if the input is not a matrix or is float16. */
  protected checkInput(inputs: readonly TensorVariable[]): DType {
    checkMatrix(this.name, inputs[0]!, 'the input');
    return linalgDType(this.name, inputs);
  }
  /** The matrix's side length (null while unknown); a RangeError naming the input if its two known lengths differ. */
  protected side(shapes: readonly StaticShape[], node: Apply): number | null {
    return squareSide(this.name, shapes[0]!, (node.inputs[0] ? nameInError(node.inputs[0]) : 'the input'));
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    return [new TensorType(this.checkInput(inputs), inputs[0]!.broadcastable)];
  }
  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const n = this.side(shapes, node);
    return [[n, n]];
  }
}

/** `matrix_inverse`: A^-1 by Gauss-Jordan with partial pivoting (1 + 3n kernels). */
export class MatrixInverse extends SquareOp {
  readonly kind = 'MatrixInverse' as const;
  readonly name = 'MatrixInverse';
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const a = inputs[0]!;
    const n = this.side([a.shape], node)!;
    const M = new Float64Array(n * 2 * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) M[i * 2 * n + j] = a.data[i * n + j]!;
      M[i * 2 * n + n + i] = 1;
    }
    const R = gaussJordanRef(M, n, 2 * n);
    const inv = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) inv[i * n + j] = R[i * 2 * n + n + j]!;
    return [result([n, n], node.outputs[0]!.dtype, inv)];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const n = this.side([inputs[0]!.shape], node)!;
    const d = node.outputs[0]!.dtype;
    const M = lowerGaussJordan(ctx, lowerAugmented(ctx, inputs[0]!, 'identity', n, n, d), n, 2 * n, d);
    return [columns(M, n, n)];
  }
}

/** `det`: the product of U's diagonal after LU with partial pivoting; 1 for a 0 x 0 matrix, 0 for an exactly singular one (NumPy's). */
export class Det extends SquareOp {
  readonly kind = 'Det' as const;
  readonly name = 'Det';
  /** A scalar of the input's float dtype ({@link linalgDType}); a TypeError if the input is not a matrix. */
  override outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    return [new TensorType(this.checkInput(inputs), [])];
  }
  /** `[]` (a scalar), after checking that the input's known lengths are equal. */
  override inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    this.side(shapes, node);
    return [[]];
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const a = inputs[0]!;
    const n = this.side([a.shape], node)!;
    return [result([], node.outputs[0]!.dtype, [detRef(float64Of(a), n)])];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const n = this.side([inputs[0]!.shape], node)!;
    const d = node.outputs[0]!.dtype;
    if (n === 0) return [{ kind: 'scalar', value: 1, dtype: d, shape: [] }];
    return [lowerDet(ctx, inputs[0]!, n, d)];
  }
}

/**
 * `cholesky(A, lower)`: L with A = L L^T from A's lower triangle, or U with
 * A = U^T U from its upper triangle (the other triangle is not read, as in
 * LAPACK). Not positive definite: every element NaN (NumPy raises).
 */
export class Cholesky extends SquareOp {
  readonly kind = 'Cholesky' as const;
  readonly name: string;
  /** @param isLower true (Theano's default): L with A = L L^T from A's lower triangle; false: U with A = U^T U from its upper one. */
  constructor(readonly isLower = true) {
    super();
    this.name = `Cholesky{lower=${isLower}}`;
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const a = inputs[0]!;
    const n = this.side([a.shape], node)!;
    const L = choleskyRef(this.isLower ? float64Of(a) : transposeRef(float64Of(a), n, n), n);
    return [result([n, n], node.outputs[0]!.dtype, this.isLower ? L : transposeRef(L, n, n))];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const n = this.side([inputs[0]!.shape], node)!;
    const d = node.outputs[0]!.dtype;
    if (n === 0) return [ctx.indexed([0, 0], d, [], () => ({ kind: 'const', value: 0, dtype: d }))];
    // the upper factor of A is the transpose of the lower one of A^T: views both ways, no kernel
    const L = lowerCholesky(ctx, this.isLower ? inputs[0]! : transposed(inputs[0]!), n, d);
    return [this.isLower ? L : transposed(L)];
  }
}

function transposeRef(a: Float64Array, r: number, c: number): Float64Array {
  const t = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = a[i * c + j]!;
  return t;
}

/**
 * What Solve may assume of A (SciPy's `assume_a`, with Theano's triangular
 * structures): `gen` any square matrix (Gauss-Jordan with partial
 * pivoting), `sym` symmetric, `pos` symmetric positive definite (a
 * Cholesky factorisation and two triangular solves), `lower_triangular` and
 * `upper_triangular` (one substitution).
 */
export type SolveStructure = 'gen' | 'sym' | 'pos' | 'lower_triangular' | 'upper_triangular';
/** Every {@link SolveStructure}, in the order errors list them; `new Solve` refuses any other. */
export const SOLVE_STRUCTURES: readonly SolveStructure[] = ['gen', 'sym', 'pos', 'lower_triangular', 'upper_triangular'];

/**
 * `solve(A, b)`: x with A x = b, b a vector or a matrix of right-hand
 * sides. For `sym` and `pos` only one triangle of A is read, the lower
 * one with `lower`, else the upper one (SciPy's default); a triangular A
 * is read only in its triangle.
 */
export class Solve extends Op {
  readonly kind = 'Solve' as const;
  /** Whether A's lower triangle is read: true for `lower_triangular`, and for `sym` and `pos` constructed with `lower`; false otherwise. */
  readonly isLower: boolean;
  constructor(
    /** What A is assumed to be (default `gen`); a TypeError for a name not in {@link SOLVE_STRUCTURES}. */
    readonly structure: SolveStructure = 'gen',
    lower = false,
  ) {
    super();
    if (!SOLVE_STRUCTURES.includes(structure)) throw new TypeError(`Solve: unknown structure ${JSON.stringify(structure)}; expected one of ${SOLVE_STRUCTURES.join(', ')}`);
    // `lower` picks the triangle read: implied by a triangular structure, meaningless for a general one
    this.isLower = structure === 'lower_triangular' || ((structure === 'sym' || structure === 'pos') && lower);
  }
  key(): string {
    return `Solve{${this.structure}, lower=${this.isLower}}`;
  }
  override toString(): string {
    return this.key();
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const [a, b] = inputs as [TensorVariable, TensorVariable];
    checkMatrix(this.toString(), a, 'A');
    if (b.ndim !== 1 && b.ndim !== 2) throw new TypeError(`${this}: b must be a vector or a matrix, got ${b} of type ${b.type} (${b.ndim} dimensions)`);
    return [new TensorType(linalgDType(this.toString(), inputs), b.broadcastable)];
  }
  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const [sa, sb] = shapes as [StaticShape, StaticShape];
    const n = squareSide(this.toString(), sa, `A (${(node.inputs[0] ? nameInError(node.inputs[0]) : 'A')})`);
    if (n !== null && sb[0] !== null && sb[0] !== n) {
      throw new RangeError(`${this}: b (${(node.inputs[1] ? nameInError(node.inputs[1]) : 'b')}) must have ${n} rows like A of shape ${shapeToString(sa)}, got shape ${shapeToString(sb)}`);
    }
    return [[n ?? sb[0]!, ...sb.slice(1)]];
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const [a, b] = inputs as [NDArray, NDArray];
    const shape = this.inferShape([a.shape, b.shape], node)[0] as number[];
    const n = shape[0]!;
    const m = b.ndim === 2 ? b.shape[1]! : 1;
    const A = float64Of(a);
    const B = float64Of(b);
    let X: Float64Array;
    if (this.structure === 'lower_triangular' || this.structure === 'upper_triangular') X = triangularSolveRef(A, B, n, m, this.isLower);
    else if (this.structure === 'pos') {
      const L = choleskyRef(this.isLower ? A : transposeRef(A, n, n), n);
      X = triangularSolveRef(transposeRef(L, n, n), triangularSolveRef(L, B, n, m, true), n, m, false);
    } else {
      const w = n + m;
      const M = new Float64Array(n * w);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const inside = this.structure !== 'sym' || (this.isLower ? j <= i : j >= i);
          M[i * w + j] = inside ? A[i * n + j]! : A[j * n + i]!;
        }
        for (let c = 0; c < m; c++) M[i * w + n + c] = B[i * m + c]!;
      }
      const R = gaussJordanRef(M, n, w);
      X = new Float64Array(n * m);
      for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) X[i * m + c] = R[i * w + n + c]!;
    }
    return [result(shape, node.outputs[0]!.dtype, X)];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[] {
    const [a, b] = inputs as [TensorView, TensorView];
    const shape = this.inferShape([a.shape, b.shape], node)[0] as number[];
    const n = shape[0]!;
    const m = b.shape.length === 2 ? b.shape[1]! : 1;
    const d = node.outputs[0]!.dtype;
    const B = asMatrix(b.kind === 'scalar' ? ctx.contiguous(b) : b);
    let X: TensorView;
    if (n === 0 || m === 0) X = ctx.indexed([n, m], d, [], () => ({ kind: 'const', value: 0, dtype: d }));
    else if (this.structure === 'lower_triangular' || this.structure === 'upper_triangular') X = lowerTriangularSolve(ctx, a, B, n, m, d, this.isLower);
    else if (this.structure === 'pos') {
      const L = lowerCholesky(ctx, this.isLower ? a : transposed(a), n, d);
      X = lowerTriangularSolve(ctx, transposed(L), lowerTriangularSolve(ctx, L, B, n, m, d, true), n, m, d, false);
    } else {
      const M = lowerAugmented(ctx, a, B, n, m, d, this.structure === 'sym' ? (this.isLower ? 'lower' : 'upper') : undefined);
      X = columns(lowerGaussJordan(ctx, M, n, n + m, d), n, m);
    }
    if (b.shape.length === 2 || X.kind === 'scalar') return [X];
    return [{ ...X, shape: [n], strides: [X.strides[0]!] }];
  }
}
