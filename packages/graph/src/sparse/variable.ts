/**
 * SparseVariable: a symbolic csr or csc matrix, carried by dense tensors
 * (Theano's `csm_properties`: data, indices, indptr, shape) plus each
 * stored value's row (csr) or column (csc), indptr expanded. Every sparse
 * op is a graph of dense ops over these (gathers, scatter-adds, dots), so
 * every backend runs it with no code of its own. The expanded ids are
 * what the scatters need: a function computes them on the host from
 * indptr for a sparse input (O(nnz)), the ops pass them on to their
 * sparse results, and only a matrix built from symbolic parts
 * (`sparse.csr(data, indices, indptr, shape)`) computes them in the graph.
 */
import { config } from '../core/config.js';
import { isDType, isInt, type DType } from '../core/dtype.js';
import { apply1, asTensor, constant, type TensorLike } from '../core/op.js';
import { CheckIndex, type IndexErrorText } from '../ops/check-index.js';
import { MatchLength } from '../ops/shape.js';
import { TensorVariable } from '../core/variable.js';
import * as T from '../tensor/tensor.js';
import { checkFormat, type SparseFormat, type SparseMatrix } from './matrix.js';
import { evalSparse, evalSparseSync, type SparseGivens } from './eval.js';
import * as ops from './ops.js';
import { getItem } from './slice.js';
import type { Slice } from '../tensor/indexing.js';

/** A sparse variable's dense parts, in the order a function takes them. */
export const SPARSE_PARTS = ['data', 'indices', 'indptr', 'nRows', 'nCols', 'majorIds'] as const;

/** The dense tensors a sparse variable is made of (SciPy's csr/csc arrays, and the shape as two scalars). */
export interface SparseComponents {
  /** The stored values, a vector of the matrix's dtype. */
  readonly data: TensorVariable;
  /** Each value's column (csr) or row (csc), int32. */
  readonly indices: TensorVariable;
  /** Where each row's (csr) or column's (csc) values start in data, int32, rows (columns) + 1 long. */
  readonly indptr: TensorVariable;
  /** The number of rows, an int64 scalar. */
  readonly nRows: TensorVariable;
  /** The number of columns, an int64 scalar. */
  readonly nCols: TensorVariable;
  /** Each value's row (csr) or column (csc), int32: indptr expanded. */
  readonly majorIds: TensorVariable;
}

/**
 * A symbolic csr or csc matrix (Theano's sparse variable, `sym.sparse`),
 * carried by dense tensors: its data, indices, indptr and shape.
 */
export class SparseVariable implements SparseComponents {
  /** `'csr'` (compressed rows) or `'csc'` (compressed columns). */
  readonly format: SparseFormat;
  readonly data: TensorVariable;
  readonly indices: TensorVariable;
  readonly indptr: TensorVariable;
  readonly nRows: TensorVariable;
  readonly nCols: TensorVariable;
  readonly majorIds: TensorVariable;
  /** The name printed and used in errors. */
  name: string | undefined;

  constructor(format: SparseFormat, parts: SparseComponents, name?: string) {
    this.format = checkFormat(format, 'SparseVariable');
    ({ data: this.data, indices: this.indices, indptr: this.indptr, nRows: this.nRows, nCols: this.nCols, majorIds: this.majorIds } = parts);
    this.name = name;
  }

  /** The stored values' dtype. */
  get dtype(): DType {
    return this.data.dtype;
  }

  /** [rows, columns], int64 scalars. */
  get shape(): [TensorVariable, TensorVariable] {
    return [this.nRows, this.nCols];
  }

  /** Each stored value's row. */
  get rowIds(): TensorVariable {
    return this.format === 'csr' ? this.majorIds : this.indices;
  }

  /** Each stored value's column. */
  get colIds(): TensorVariable {
    return this.format === 'csr' ? this.indices : this.majorIds;
  }

  /** The same pattern holding other values (a vector as long as data). */
  withData(data: TensorVariable, name?: string): SparseVariable {
    return new SparseVariable(this.format, { ...this, data }, name);
  }

  /** Theano's `x.T`: the transpose, csr as csc and csc as csr (the same arrays). */
  get T(): SparseVariable {
    return ops.transpose(this);
  }

  /** Theano's `x.toarray()`: {@link ops.denseFromSparse}. */
  toDense(): TensorVariable {
    return ops.denseFromSparse(this);
  }

  /** `sparse.spSum(x, axis)`. */
  sum(axis: number | null = null): TensorVariable {
    return ops.spSum(this, axis);
  }

  /**
   * Theano's `x[...]`: `x.get(T.slice(a, b))` and `x.get(T.slice(a, b),
   * T.slice(c, d))` (getItem2d: sparse), `x.get(i, j)` (getItemScalar: a
   * dense scalar), `x.get(idx)` (getItemList: sparse).
   */
  get(rows: Slice, cols?: Slice): SparseVariable;
  get(i: TensorLike, j: TensorLike): TensorVariable;
  get(idx: TensorLike): SparseVariable;
  get(rows: Slice | TensorLike, cols?: Slice | TensorLike): SparseVariable | TensorVariable {
    return getItem(this, rows, cols);
  }

  /** Theano's `x.eval(inputs)`: the value, a SparseMatrix, given the inputs' values in a Map or a list of [variable, value] pairs. Compiled once per set of inputs. */
  eval(inputs?: SparseGivens): Promise<SparseMatrix> {
    return evalSparse(this, inputs);
  }

  /** Synchronous `x.eval`, on backends that have synchronous calls. */
  evalSync(inputs?: SparseGivens): SparseMatrix {
    return evalSparseSync(this, inputs);
  }

  /** `sparse.dot(x, y)`. */
  dot(y: TensorLike): TensorVariable {
    return ops.dot(this, y);
  }

  toString(): string {
    return this.name ?? `SparseVariable{${this.format},${this.dtype}}`;
  }
}

/** Each part of a sparse input, to the input: `x.eval({ X: value })` finds the sparse input X from the parts x's graph reaches. */
const inputOfPart = new WeakMap<TensorVariable, SparseVariable>();

/** The sparse input (made by csrMatrix, cscMatrix or matrix) that `part` is a part of, if any. */
export function sparseInputOf(part: TensorVariable): SparseVariable | undefined {
  return inputOfPart.get(part);
}

function sparseInput(format: SparseFormat, name: string | undefined, dtype: DType | undefined, caller: string): SparseVariable {
  if (name !== undefined && typeof name !== 'string') throw new TypeError(`${caller}: name must be a string, got ${typeof name}`);
  const dt = dtype ?? config.floatX;
  if (!isDType(dt)) throw new TypeError(`${caller}: unknown dtype ${JSON.stringify(dtype)}`);
  const part = (what: string) => (name === undefined ? undefined : `${name}.${what}`);
  const input = new SparseVariable(
    format,
    {
      data: T.tensor(dt, [false], part('data')),
      indices: T.tensor('int32', [false], part('indices')),
      indptr: T.tensor('int32', [false], part('indptr')),
      nRows: T.tensor('int64', [], part('nRows')),
      nCols: T.tensor('int64', [], part('nCols')),
      majorIds: T.tensor('int32', [false], part(format === 'csr' ? 'rowIds' : 'colIds')),
    },
    name,
  );
  for (const p of SPARSE_PARTS) inputOfPart.set(input[p], input);
  return input;
}

/** Theano's `sparse.csr_matrix(name, dtype)`: a symbolic csr matrix, a function input (floatX by default). */
export function csrMatrix(name?: string, dtype?: DType): SparseVariable {
  return sparseInput('csr', name, dtype, 'sparse.csrMatrix');
}

/** Theano's `sparse.csc_matrix(name, dtype)`. */
export function cscMatrix(name?: string, dtype?: DType): SparseVariable {
  return sparseInput('csc', name, dtype, 'sparse.cscMatrix');
}

/** Theano's `sparse.matrix(format, name, dtype)`. */
export function matrix(format: SparseFormat, name?: string, dtype?: DType): SparseVariable {
  return sparseInput(checkFormat(format, 'sparse.matrix'), name, dtype, 'sparse.matrix');
}

/**
 * Theano's `CSM(format)(data, indices, indptr, shape)` (`sparse.CSR`,
 * `sparse.CSC`): a sparse matrix of symbolic (or constant) parts. The
 * values of data carry gradients; indices, indptr and shape do not.
 * shape: two lengths, or an integer vector of two.
 */
export function fromParts(format: SparseFormat, data: TensorLike, indices: TensorLike, indptr: TensorLike, shape: readonly TensorLike[] | TensorVariable): SparseVariable {
  const caller = `sparse.${checkFormat(format, 'sparse.fromParts')}`;
  const d = asTensor(data, `${caller}: data`);
  if (d.ndim !== 1) throw new TypeError(`${caller}: data must be a vector, got ${d} of type ${d.type}`);
  const intVector = (v: TensorLike, what: string) => {
    const t = asTensor(v, `${caller}: ${what}`);
    if (t.ndim !== 1 || !isInt(t.dtype)) throw new TypeError(`${caller}: ${what} must be an integer vector, got ${t} of type ${t.type}`);
    return t.dtype === 'int32' ? t : T.cast(t, 'int32');
  };
  const ix = intVector(indices, 'indices');
  const ptr = intVector(indptr, 'indptr');
  const lengths = shape instanceof TensorVariable ? [T.get(shape, 0), T.get(shape, 1)] : Array.isArray(shape) && shape.length === 2 ? shape.map((s, i) => asTensor(s, `${caller}: shape[${i}]`)) : null;
  if (!lengths) throw new TypeError(`${caller}: shape must be [rows, columns] or an integer vector of two, got ${String(shape)}`);
  const [nRows, nCols] = lengths.map((l, i) => {
    if (l.ndim !== 0 || !l.dtype.startsWith('int')) throw new TypeError(`${caller}: shape[${i}] must be an integer scalar, got ${l} of type ${l.type}`);
    return T.cast(l, 'int64');
  }) as [TensorVariable, TensorVariable];
  const [nMajor, nMinor] = format === 'csr' ? [nRows, nCols] : [nCols, nRows];
  const checked = checkedParts(caller, format, d, ix, ptr, nMajor, nMinor);
  // value k's row (csr): the last i with indptr[i] <= k
  const k = T.arange(T.shape(d)[0]!);
  const majorIds = T.cast(T.sub(T.searchsorted(checked.indptr, k, 'right'), constant(1, { dtype: 'int64' })), 'int32');
  return new SparseVariable(format, { data: d, indices: checked.indices, indptr: checked.indptr, nRows, nCols, majorIds });
}

/**
 * indices and indptr checked in the graph (SciPy's check_format), so that a
 * call with bad parts raises before it commits anything (its updates): the
 * SparseMatrix a function returns would refuse them only after the call.
 * indices: as long as data, each in [0, minor). indptr: major + 1 entries,
 * 0 first, len(data) last, never decreasing: one CheckIndex over a vector
 * of len(data) minus the last entry, the first entry, then each
 * difference (the first two encoded by `offBy` so that only 0 passes),
 * whose tail is summed back into the indptr the outputs read, so that
 * the check is on every path to them.
 */
function checkedParts(caller: string, format: SparseFormat, d: TensorVariable, ix: TensorVariable, ptr: TensorVariable, nMajor: TensorVariable, nMinor: TensorVariable): { indices: TensorVariable; indptr: TensorVariable } {
  const [major, minor] = format === 'csr' ? ['rows', 'columns'] : ['columns', 'rows'];
  const ruler = (n: TensorVariable) => T.alloc(constant(0, { dtype: 'int8' }), n);
  const sameLength = apply1(new MatchLength(0, 0, (is, ds) => `${caller}: indices has ${is[0]} entries but data has ${ds[0]}; they must be as long (one index per stored value)`, `${caller}:indices`), [ix, d]);
  const describeIndex: IndexErrorText = (value, position, xShape) => `${caller}: indices[${position.join(', ')}] = ${value} is out of range for ${xShape[0]} ${minor} (indices must lie in [0, ${xShape[0]}))`;
  const indices = apply1(new CheckIndex(0, describeIndex, true), [sameLength, ruler(nMinor)]);

  const p = apply1(new MatchLength(0, 0, (ps, rs) => `${caller}: indptr must have ${rs[0]} entries (${major} + 1), got ${ps[0]}`, `${caller}:indptr`), [ptr, ruler(T.add(nMajor, 1))]);
  const nnz = T.cast(T.shapeI(d, 0), 'int32');
  const first = T.get(p, T.slice(0, 1));
  const rest = T.sub(T.get(p, T.slice(1, null)), T.get(p, T.slice(null, -1)));
  const steps = T.concatenate([offBy(T.sub(T.reshape(nnz, [1]), T.get(p, T.slice(-1, null)))), offBy(first), rest]);
  const describeSteps: IndexErrorText = (value, position, xShape) => {
    const at = position[0]!;
    const n = xShape[0]! - 1;
    if (at === 0) return `${caller}: indptr must end at len(data) = ${n}, the number of stored values; its last entry is ${n - distance(value)}`;
    if (at === 1) return `${caller}: indptr must start at 0, got indptr[0] = ${distance(value)}`;
    return value < 0 ? `${caller}: indptr must not decrease, but indptr[${at - 1}] < indptr[${at - 2}] (by ${-value})` : `${caller}: indptr[${at - 1}] exceeds len(data) = ${n}, the number of stored values`;
  };
  const checked = apply1(new CheckIndex(0, describeSteps, true), [steps, ruler(T.add(T.shapeI(d, 0), 1))]);
  const indptr = T.cast(T.cumsum(T.get(checked, T.slice(1, null))), 'int32');
  return { indices, indptr };
}

/** v as 0 where it is 0, and a negative number (which `distance` reads back as v) elsewhere: -2|v|, less 1 for a negative v. */
function offBy(v: TensorVariable): TensorVariable {
  return T.sub(T.mul(T.abs(v), -2), T.cast(T.lt(v, 0), v.dtype));
}

/** The v of `offBy(v)`. */
function distance(encoded: number): number {
  return encoded % 2 === 0 ? -encoded / 2 : (encoded + 1) / 2;
}

/** Theano's `sparse.CSR(data, indices, indptr, shape)`. */
export function csr(data: TensorLike, indices: TensorLike, indptr: TensorLike, shape: readonly TensorLike[] | TensorVariable): SparseVariable {
  return fromParts('csr', data, indices, indptr, shape);
}

/** Theano's `sparse.CSC(data, indices, indptr, shape)`. */
export function csc(data: TensorLike, indices: TensorLike, indptr: TensorLike, shape: readonly TensorLike[] | TensorVariable): SparseVariable {
  return fromParts('csc', data, indices, indptr, shape);
}

/** Theano's `csm_properties(x)`: [data, indices, indptr, shape] (shape an int64 vector of two). */
export function csmProperties(x: SparseVariable): [TensorVariable, TensorVariable, TensorVariable, TensorVariable] {
  const s = checkSparse(x, 'sparse.csmProperties');
  return [s.data, s.indices, s.indptr, T.stack([s.nRows, s.nCols])];
}

/** Whether `x` is a sparse variable (Theano's `sparse.basic._is_sparse_variable`). */
export function isSparse(x: unknown): x is SparseVariable {
  return x instanceof SparseVariable;
}

export function checkSparse(x: unknown, caller: string, what = 'x'): SparseVariable {
  if (!(x instanceof SparseVariable)) {
    const got = x instanceof TensorVariable ? `the dense ${x} of type ${x.type}` : x === null ? 'null' : typeof x;
    throw new TypeError(`${caller}: ${what} must be a sparse variable (sparse.csrMatrix, sparse.cscMatrix, sparse.csrFromDense ...), got ${got}`);
  }
  return x;
}
