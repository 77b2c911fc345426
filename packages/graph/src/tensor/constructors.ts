/**
 * The rest of Theano's fully typed constructors (`itensor3`, `lrow`,
 * `wmatrix`, `dtensor5`, `ltensor7`, ...; b is int8, w int16, i int32, l int64, f
 * float32, d float64) and its plural constructors (`dmatrices('x', 'y')`,
 * `scalars(3)`). `tensor.ts` re-exports them as part of `T`; the ones it
 * defines itself (`fmatrix`, `ivector`, ...) are not repeated here.
 */
import type { DType } from '../core/dtype.js';
import type { TensorVariable } from '../core/variable.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from './tensor.js';

/** A constructor of one dtype and pattern: `T.itensor3('x')`. */
export type TypedConstructor = (name?: string) => TensorVariable;
/** A constructor of floatX or `dtype`: `T.tensor5('x', 'int32')`. */
export type GenericConstructor = (name?: string, dtype?: DType) => TensorVariable;

const bcOf = (ndim: number, kind: 'row' | 'col' | null = null): boolean[] =>
  kind === 'row' ? [true, false] : kind === 'col' ? [false, true] : new Array<boolean>(ndim).fill(false);
const typed =
  (dtype: DType, ndim: number, kind: 'row' | 'col' | null = null): TypedConstructor =>
  (name) =>
    T.tensor(dtype, bcOf(ndim, kind), name);

/** A 5-d tensor of floatX (or `dtype`). */
export const tensor5: GenericConstructor = (name, dtype) => T.tensor(dtype, bcOf(5), name);
/** A 6-d tensor of floatX (or `dtype`). */
export const tensor6: GenericConstructor = (name, dtype) => T.tensor(dtype, bcOf(6), name);
/** A 7-d tensor of floatX (or `dtype`). */
export const tensor7: GenericConstructor = (name, dtype) => T.tensor(dtype, bcOf(7), name);

export const brow = typed('int8', 2, 'row');
export const bcol = typed('int8', 2, 'col');
export const btensor3 = typed('int8', 3);
export const btensor4 = typed('int8', 4);
export const btensor5 = typed('int8', 5);
export const btensor6 = typed('int8', 6);
export const btensor7 = typed('int8', 7);
export const wscalar = typed('int16', 0);
export const wvector = typed('int16', 1);
export const wrow = typed('int16', 2, 'row');
export const wcol = typed('int16', 2, 'col');
export const wmatrix = typed('int16', 2);
export const wtensor3 = typed('int16', 3);
export const wtensor4 = typed('int16', 4);
export const wtensor5 = typed('int16', 5);
export const wtensor6 = typed('int16', 6);
export const wtensor7 = typed('int16', 7);
export const irow = typed('int32', 2, 'row');
export const icol = typed('int32', 2, 'col');
export const itensor3 = typed('int32', 3);
export const itensor4 = typed('int32', 4);
export const itensor5 = typed('int32', 5);
export const itensor6 = typed('int32', 6);
export const itensor7 = typed('int32', 7);
export const lrow = typed('int64', 2, 'row');
export const lcol = typed('int64', 2, 'col');
export const ltensor3 = typed('int64', 3);
export const ltensor4 = typed('int64', 4);
export const ltensor5 = typed('int64', 5);
export const ltensor6 = typed('int64', 6);
export const ltensor7 = typed('int64', 7);
export const ftensor5 = typed('float32', 5);
export const ftensor6 = typed('float32', 6);
export const ftensor7 = typed('float32', 7);
export const dtensor5 = typed('float64', 5);
export const dtensor6 = typed('float64', 6);
export const dtensor7 = typed('float64', 7);

/**
 * Theano's plural constructors: `f(n)` makes n unnamed variables, `f('x',
 * 'y')` one per name, and one string of several characters one per
 * character (`scalars('abcd')` is a, b, c and d, as in Theano). Always an
 * array, where Theano returns a single variable for a single name.
 */
export type Plural = (...names: [number] | string[]) => TensorVariable[];

function plural(what: string, make: (name?: string) => TensorVariable): Plural {
  return (...names) => {
    if (names.length === 1 && typeof names[0] === 'number') {
      const n = names[0];
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what}: a count of variables must be a non-negative integer, got ${n}`);
      return Array.from({ length: n }, () => make());
    }
    const bad = names.find((s) => typeof s !== 'string');
    if (bad !== undefined) throw new TypeError(`${what}: expected a count or names (strings), got ${typeof bad}`);
    const list = names.length === 1 && (names[0] as string).length > 1 ? [...(names[0] as string)] : (names as string[]);
    return list.map((name) => make(name));
  };
}

const shapes = { scalars: 0, vectors: 1, matrices: 2, rows: 2, cols: 2, tensor3s: 3, tensor4s: 4, tensor5s: 5, tensor6s: 6, tensor7s: 7 } as const;
type PluralName = keyof typeof shapes;
const kindOf = (name: PluralName) => (name === 'rows' ? 'row' : name === 'cols' ? 'col' : null);
/** A plural constructor of floatX (the generic ones) or of one dtype. */
const many = (name: PluralName, dtype?: DType, prefix = ''): Plural =>
  plural(`${prefix}${name}`, (n) => T.tensor(dtype, bcOf(shapes[name], kindOf(name)), n));

export const scalars = many('scalars');
export const vectors = many('vectors');
export const matrices = many('matrices');
export const rows = many('rows');
export const cols = many('cols');
export const tensor3s = many('tensor3s');
export const tensor4s = many('tensor4s');
export const tensor5s = many('tensor5s');
export const tensor6s = many('tensor6s');
export const tensor7s = many('tensor7s');
export const fscalars = many('scalars', 'float32', 'f');
export const fvectors = many('vectors', 'float32', 'f');
export const fmatrices = many('matrices', 'float32', 'f');
export const frows = many('rows', 'float32', 'f');
export const fcols = many('cols', 'float32', 'f');
export const ftensor3s = many('tensor3s', 'float32', 'f');
export const ftensor4s = many('tensor4s', 'float32', 'f');
export const ftensor5s = many('tensor5s', 'float32', 'f');
export const ftensor6s = many('tensor6s', 'float32', 'f');
export const ftensor7s = many('tensor7s', 'float32', 'f');
export const dscalars = many('scalars', 'float64', 'd');
export const dvectors = many('vectors', 'float64', 'd');
export const dmatrices = many('matrices', 'float64', 'd');
export const drows = many('rows', 'float64', 'd');
export const dcols = many('cols', 'float64', 'd');
export const dtensor3s = many('tensor3s', 'float64', 'd');
export const dtensor4s = many('tensor4s', 'float64', 'd');
export const dtensor5s = many('tensor5s', 'float64', 'd');
export const dtensor6s = many('tensor6s', 'float64', 'd');
export const dtensor7s = many('tensor7s', 'float64', 'd');
export const iscalars = many('scalars', 'int32', 'i');
export const ivectors = many('vectors', 'int32', 'i');
export const imatrices = many('matrices', 'int32', 'i');
export const irows = many('rows', 'int32', 'i');
export const icols = many('cols', 'int32', 'i');
export const itensor3s = many('tensor3s', 'int32', 'i');
export const itensor4s = many('tensor4s', 'int32', 'i');
export const itensor5s = many('tensor5s', 'int32', 'i');
export const itensor6s = many('tensor6s', 'int32', 'i');
export const itensor7s = many('tensor7s', 'int32', 'i');
export const lscalars = many('scalars', 'int64', 'l');
export const lvectors = many('vectors', 'int64', 'l');
export const lmatrices = many('matrices', 'int64', 'l');
export const lrows = many('rows', 'int64', 'l');
export const lcols = many('cols', 'int64', 'l');
export const ltensor3s = many('tensor3s', 'int64', 'l');
export const ltensor4s = many('tensor4s', 'int64', 'l');
export const ltensor5s = many('tensor5s', 'int64', 'l');
export const ltensor6s = many('tensor6s', 'int64', 'l');
export const ltensor7s = many('tensor7s', 'int64', 'l');
