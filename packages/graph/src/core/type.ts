import type { DType } from './dtype.js';
import { isDType } from './dtype.js';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

const PATTERN_NAMES: Record<string, string> = {
  '': 'scalar',
  F: 'vector',
  T: 'vector', // printed as (True,) by Theano; see below
  FF: 'matrix',
  TF: 'row',
  FT: 'col',
  FFF: '3D',
  FFFF: '4D',
};

/**
 * The type of a symbolic tensor: a dtype and, for each dimension, whether it
 * is broadcastable (known to be of length 1). As in Theano, only broadcastable
 * dimensions broadcast.
 */
export class TensorType {
  /** The elements' dtype. */
  readonly dtype: DType;
  /** For each dimension, whether it is known to be of length 1 (and broadcasts). */
  readonly broadcastable: readonly boolean[];

  constructor(dtype: DType, broadcastable: readonly boolean[]) {
    if (!isDType(dtype)) throw new TypeError(`TensorType: unknown dtype ${JSON.stringify(dtype)}`);
    this.dtype = dtype;
    this.broadcastable = Object.freeze([...broadcastable]);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.broadcastable.length;
  }

  /** The same dtype and broadcastable pattern. */
  equals(other: TensorType): boolean {
    return (
      this.dtype === other.dtype &&
      this.ndim === other.ndim &&
      this.broadcastable.every((b, i) => b === other.broadcastable[i])
    );
  }

  /** This pattern with another dtype. */
  withDType(dtype: DType): TensorType {
    return new TensorType(dtype, this.broadcastable);
  }

  /** Theano's short name of the broadcastable pattern: scalar, vector, matrix, row, col, ... */
  patternName(): string {
    const key = this.broadcastable.map((b) => (b ? 'T' : 'F')).join('');
    if (key !== 'T' && PATTERN_NAMES[key]) return PATTERN_NAMES[key]!;
    return `(${this.broadcastable.map((b) => (b ? 'True' : 'False')).join(', ')}${this.ndim === 1 ? ',' : ''})`;
  }

  /** Theano's form: `TensorType(float64, matrix)`. */
  toString(): string {
    return `TensorType(${this.dtype}, ${this.patternName()})`;
  }

  /** How Node's `util.inspect` shows it: as `toString` does. */
  [inspectSymbol](): string {
    return this.toString();
  }
}
