/**
 * Theano's `theano.shared(sparse_value)`: a sparse variable whose parts are
 * shared variables, read by every function that uses it. Its pattern may
 * change with setValue, its shape may not: the shape is a constant of the
 * graphs (a length the programs are made for is a constant or an input,
 * never a value on the device). A function's updates may write its parts
 * (`[S.data, newData]` trains the stored values, pattern kept).
 */
import { checkOptionNames } from '../core/options.js';
import { constant } from '../core/op.js';
import { shared as denseShared, type TensorSharedVariable } from '../core/shared.js';
import { SparseMatrix } from './matrix.js';
import { SparseVariable } from './variable.js';

const owners = new WeakMap<object, SparseSharedVariable>();

/** The sparse shared variable whose part (data, indices, indptr or majorIds) v is, if any. */
export function sparseOwner(v: unknown): SparseSharedVariable | undefined {
  return v !== null && typeof v === 'object' ? owners.get(v) : undefined;
}

export class SparseSharedVariable extends SparseVariable {
  declare readonly data: TensorSharedVariable;
  declare readonly indices: TensorSharedVariable;
  declare readonly indptr: TensorSharedVariable;
  readonly #shape: readonly [number, number];
  declare readonly majorIds: TensorSharedVariable;

  constructor(value: SparseMatrix, name?: string) {
    if (!(value instanceof SparseMatrix)) throw new TypeError(`sparse.shared${name ? `(${name})` : ''}: the value must be a SparseMatrix (SparseMatrix.csr, .csc or .fromDense), got ${value === null ? 'null' : typeof value}`);
    const part = (what: string) => (name === undefined ? undefined : `${name}.${what}`);
    super(
      value.format,
      {
        data: denseShared(value.data, { name: part('data') }),
        indices: denseShared(value.indices, { name: part('indices') }),
        indptr: denseShared(value.indptr, { name: part('indptr') }),
        nRows: constant(value.shape[0], { dtype: 'int64' }),
        nCols: constant(value.shape[1], { dtype: 'int64' }),
        majorIds: denseShared(value.majorIds(), { name: part(value.format === 'csr' ? 'rowIds' : 'colIds') }),
      },
      name,
    );
    this.#shape = value.shape;
    for (const part of [this.data, this.indices, this.indptr, this.majorIds]) owners.set(part, this);
  }

  /** The value, a SparseMatrix (a copy). */
  getValue(): SparseMatrix {
    return new SparseMatrix(this.format, { data: this.data.getValue(), indices: this.indices.getValue(), indptr: this.indptr.getValue(), shape: this.#shape });
  }

  /** A new value of the same format, dtype and shape (any pattern). */
  setValue(value: SparseMatrix): void {
    const who = `${this.name ?? 'sparse shared variable'}.setValue`;
    if (!(value instanceof SparseMatrix)) throw new TypeError(`${who}: expected a SparseMatrix, got ${value === null ? 'null' : typeof value}`);
    if (value.format !== this.format || value.dtype !== this.dtype) {
      throw new TypeError(`${who}: expected a ${this.format} matrix of ${this.dtype}, got a ${value.format} matrix of ${value.dtype}`);
    }
    if (value.shape[0] !== this.#shape[0] || value.shape[1] !== this.#shape[1]) {
      throw new RangeError(`${who}: expected shape (${this.#shape.join(', ')}), got (${value.shape.join(', ')}); a sparse shared variable keeps its shape (its graphs are made for it)`);
    }
    this.data.setValue(value.data);
    this.indices.setValue(value.indices);
    this.indptr.setValue(value.indptr);
    this.majorIds.setValue(value.majorIds());
  }
}

/** Theano's `theano.shared(value)` for a sparse value (`sparse.shared(value, { name })`). */
export function shared(value: SparseMatrix, options: { name?: string } = {}): SparseSharedVariable {
  checkOptionNames(options, 'sparse.shared', ['name']);
  return new SparseSharedVariable(value, options.name);
}
