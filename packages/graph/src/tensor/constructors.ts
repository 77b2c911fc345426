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

/** An int8 row, a (1, n) matrix whose first dimension broadcasts: `T.brow('x')` (Theano's `brow`). */
export const brow = typed('int8', 2, 'row');
/** An int8 column, an (n, 1) matrix whose second dimension broadcasts: `T.bcol('x')` (Theano's `bcol`). */
export const bcol = typed('int8', 2, 'col');
/** A 3-d int8 tensor: `T.btensor3('x')` (Theano's `btensor3`). */
export const btensor3 = typed('int8', 3);
/** A 4-d int8 tensor: `T.btensor4('x')` (Theano's `btensor4`). */
export const btensor4 = typed('int8', 4);
/** A 5-d int8 tensor: `T.btensor5('x')` (Theano's `btensor5`). */
export const btensor5 = typed('int8', 5);
/** A 6-d int8 tensor: `T.btensor6('x')` (Theano's `btensor6`). */
export const btensor6 = typed('int8', 6);
/** A 7-d int8 tensor: `T.btensor7('x')` (Theano's `btensor7`). */
export const btensor7 = typed('int8', 7);
/** An int16 scalar (0-d): `T.wscalar('x')` (Theano's `wscalar`). */
export const wscalar = typed('int16', 0);
/** An int16 vector: `T.wvector('x')` (Theano's `wvector`). */
export const wvector = typed('int16', 1);
/** An int16 row, a (1, n) matrix whose first dimension broadcasts: `T.wrow('x')` (Theano's `wrow`). */
export const wrow = typed('int16', 2, 'row');
/** An int16 column, an (n, 1) matrix whose second dimension broadcasts: `T.wcol('x')` (Theano's `wcol`). */
export const wcol = typed('int16', 2, 'col');
/** An int16 matrix: `T.wmatrix('x')` (Theano's `wmatrix`). */
export const wmatrix = typed('int16', 2);
/** A 3-d int16 tensor: `T.wtensor3('x')` (Theano's `wtensor3`). */
export const wtensor3 = typed('int16', 3);
/** A 4-d int16 tensor: `T.wtensor4('x')` (Theano's `wtensor4`). */
export const wtensor4 = typed('int16', 4);
/** A 5-d int16 tensor: `T.wtensor5('x')` (Theano's `wtensor5`). */
export const wtensor5 = typed('int16', 5);
/** A 6-d int16 tensor: `T.wtensor6('x')` (Theano's `wtensor6`). */
export const wtensor6 = typed('int16', 6);
/** A 7-d int16 tensor: `T.wtensor7('x')` (Theano's `wtensor7`). */
export const wtensor7 = typed('int16', 7);
/** An int32 row, a (1, n) matrix whose first dimension broadcasts: `T.irow('x')` (Theano's `irow`). */
export const irow = typed('int32', 2, 'row');
/** An int32 column, an (n, 1) matrix whose second dimension broadcasts: `T.icol('x')` (Theano's `icol`). */
export const icol = typed('int32', 2, 'col');
/** A 3-d int32 tensor: `T.itensor3('x')` (Theano's `itensor3`). */
export const itensor3 = typed('int32', 3);
/** A 4-d int32 tensor: `T.itensor4('x')` (Theano's `itensor4`). */
export const itensor4 = typed('int32', 4);
/** A 5-d int32 tensor: `T.itensor5('x')` (Theano's `itensor5`). */
export const itensor5 = typed('int32', 5);
/** A 6-d int32 tensor: `T.itensor6('x')` (Theano's `itensor6`). */
export const itensor6 = typed('int32', 6);
/** A 7-d int32 tensor: `T.itensor7('x')` (Theano's `itensor7`). */
export const itensor7 = typed('int32', 7);
/** An int64 row, a (1, n) matrix whose first dimension broadcasts: `T.lrow('x')` (Theano's `lrow`). */
export const lrow = typed('int64', 2, 'row');
/** An int64 column, an (n, 1) matrix whose second dimension broadcasts: `T.lcol('x')` (Theano's `lcol`). */
export const lcol = typed('int64', 2, 'col');
/** A 3-d int64 tensor: `T.ltensor3('x')` (Theano's `ltensor3`). */
export const ltensor3 = typed('int64', 3);
/** A 4-d int64 tensor: `T.ltensor4('x')` (Theano's `ltensor4`). */
export const ltensor4 = typed('int64', 4);
/** A 5-d int64 tensor: `T.ltensor5('x')` (Theano's `ltensor5`). */
export const ltensor5 = typed('int64', 5);
/** A 6-d int64 tensor: `T.ltensor6('x')` (Theano's `ltensor6`). */
export const ltensor6 = typed('int64', 6);
/** A 7-d int64 tensor: `T.ltensor7('x')` (Theano's `ltensor7`). */
export const ltensor7 = typed('int64', 7);
/** A 5-d float32 tensor: `T.ftensor5('x')` (Theano's `ftensor5`). */
export const ftensor5 = typed('float32', 5);
/** A 6-d float32 tensor: `T.ftensor6('x')` (Theano's `ftensor6`). */
export const ftensor6 = typed('float32', 6);
/** A 7-d float32 tensor: `T.ftensor7('x')` (Theano's `ftensor7`). */
export const ftensor7 = typed('float32', 7);
/** A 5-d float64 tensor: `T.dtensor5('x')` (Theano's `dtensor5`). */
export const dtensor5 = typed('float64', 5);
/** A 6-d float64 tensor: `T.dtensor6('x')` (Theano's `dtensor6`). */
export const dtensor6 = typed('float64', 6);
/** A 7-d float64 tensor: `T.dtensor7('x')` (Theano's `dtensor7`). */
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

/** floatX scalars, one per name or a count: `T.scalars('x', 'y')`, `T.scalars(3)` (Theano's `scalars`; always an array). */
export const scalars = many('scalars');
/** floatX vectors, one per name or a count: `T.vectors('x', 'y')`, `T.vectors(3)` (Theano's `vectors`; always an array). */
export const vectors = many('vectors');
/** floatX matrices, one per name or a count: `T.matrices('x', 'y')`, `T.matrices(3)` (Theano's `matrices`; always an array). */
export const matrices = many('matrices');
/** floatX rows (broadcastable first dimension), one per name or a count: `T.rows('x', 'y')`, `T.rows(3)` (Theano's `rows`; always an array). */
export const rows = many('rows');
/** floatX columns (broadcastable second dimension), one per name or a count: `T.cols('x', 'y')`, `T.cols(3)` (Theano's `cols`; always an array). */
export const cols = many('cols');
/** floatX 3-d tensors, one per name or a count: `T.tensor3s('x', 'y')`, `T.tensor3s(3)` (Theano's `tensor3s`; always an array). */
export const tensor3s = many('tensor3s');
/** floatX 4-d tensors, one per name or a count: `T.tensor4s('x', 'y')`, `T.tensor4s(3)` (Theano's `tensor4s`; always an array). */
export const tensor4s = many('tensor4s');
/** floatX 5-d tensors, one per name or a count: `T.tensor5s('x', 'y')`, `T.tensor5s(3)` (Theano's `tensor5s`; always an array). */
export const tensor5s = many('tensor5s');
/** floatX 6-d tensors, one per name or a count: `T.tensor6s('x', 'y')`, `T.tensor6s(3)` (Theano's `tensor6s`; always an array). */
export const tensor6s = many('tensor6s');
/** floatX 7-d tensors, one per name or a count: `T.tensor7s('x', 'y')`, `T.tensor7s(3)` (Theano's `tensor7s`; always an array). */
export const tensor7s = many('tensor7s');
/** float32 scalars, one per name or a count: `T.fscalars('x', 'y')`, `T.fscalars(3)` (Theano's `fscalars`; always an array). */
export const fscalars = many('scalars', 'float32', 'f');
/** float32 vectors, one per name or a count: `T.fvectors('x', 'y')`, `T.fvectors(3)` (Theano's `fvectors`; always an array). */
export const fvectors = many('vectors', 'float32', 'f');
/** float32 matrices, one per name or a count: `T.fmatrices('x', 'y')`, `T.fmatrices(3)` (Theano's `fmatrices`; always an array). */
export const fmatrices = many('matrices', 'float32', 'f');
/** float32 rows (broadcastable first dimension), one per name or a count: `T.frows('x', 'y')`, `T.frows(3)` (Theano's `frows`; always an array). */
export const frows = many('rows', 'float32', 'f');
/** float32 columns (broadcastable second dimension), one per name or a count: `T.fcols('x', 'y')`, `T.fcols(3)` (Theano's `fcols`; always an array). */
export const fcols = many('cols', 'float32', 'f');
/** float32 3-d tensors, one per name or a count: `T.ftensor3s('x', 'y')`, `T.ftensor3s(3)` (Theano's `ftensor3s`; always an array). */
export const ftensor3s = many('tensor3s', 'float32', 'f');
/** float32 4-d tensors, one per name or a count: `T.ftensor4s('x', 'y')`, `T.ftensor4s(3)` (Theano's `ftensor4s`; always an array). */
export const ftensor4s = many('tensor4s', 'float32', 'f');
/** float32 5-d tensors, one per name or a count: `T.ftensor5s('x', 'y')`, `T.ftensor5s(3)` (Theano's `ftensor5s`; always an array). */
export const ftensor5s = many('tensor5s', 'float32', 'f');
/** float32 6-d tensors, one per name or a count: `T.ftensor6s('x', 'y')`, `T.ftensor6s(3)` (Theano's `ftensor6s`; always an array). */
export const ftensor6s = many('tensor6s', 'float32', 'f');
/** float32 7-d tensors, one per name or a count: `T.ftensor7s('x', 'y')`, `T.ftensor7s(3)` (Theano's `ftensor7s`; always an array). */
export const ftensor7s = many('tensor7s', 'float32', 'f');
/** float64 scalars, one per name or a count: `T.dscalars('x', 'y')`, `T.dscalars(3)` (Theano's `dscalars`; always an array). */
export const dscalars = many('scalars', 'float64', 'd');
/** float64 vectors, one per name or a count: `T.dvectors('x', 'y')`, `T.dvectors(3)` (Theano's `dvectors`; always an array). */
export const dvectors = many('vectors', 'float64', 'd');
/** float64 matrices, one per name or a count: `T.dmatrices('x', 'y')`, `T.dmatrices(3)` (Theano's `dmatrices`; always an array). */
export const dmatrices = many('matrices', 'float64', 'd');
/** float64 rows (broadcastable first dimension), one per name or a count: `T.drows('x', 'y')`, `T.drows(3)` (Theano's `drows`; always an array). */
export const drows = many('rows', 'float64', 'd');
/** float64 columns (broadcastable second dimension), one per name or a count: `T.dcols('x', 'y')`, `T.dcols(3)` (Theano's `dcols`; always an array). */
export const dcols = many('cols', 'float64', 'd');
/** float64 3-d tensors, one per name or a count: `T.dtensor3s('x', 'y')`, `T.dtensor3s(3)` (Theano's `dtensor3s`; always an array). */
export const dtensor3s = many('tensor3s', 'float64', 'd');
/** float64 4-d tensors, one per name or a count: `T.dtensor4s('x', 'y')`, `T.dtensor4s(3)` (Theano's `dtensor4s`; always an array). */
export const dtensor4s = many('tensor4s', 'float64', 'd');
/** float64 5-d tensors, one per name or a count: `T.dtensor5s('x', 'y')`, `T.dtensor5s(3)` (Theano's `dtensor5s`; always an array). */
export const dtensor5s = many('tensor5s', 'float64', 'd');
/** float64 6-d tensors, one per name or a count: `T.dtensor6s('x', 'y')`, `T.dtensor6s(3)` (Theano's `dtensor6s`; always an array). */
export const dtensor6s = many('tensor6s', 'float64', 'd');
/** float64 7-d tensors, one per name or a count: `T.dtensor7s('x', 'y')`, `T.dtensor7s(3)` (Theano's `dtensor7s`; always an array). */
export const dtensor7s = many('tensor7s', 'float64', 'd');
/** int32 scalars, one per name or a count: `T.iscalars('x', 'y')`, `T.iscalars(3)` (Theano's `iscalars`; always an array). */
export const iscalars = many('scalars', 'int32', 'i');
/** int32 vectors, one per name or a count: `T.ivectors('x', 'y')`, `T.ivectors(3)` (Theano's `ivectors`; always an array). */
export const ivectors = many('vectors', 'int32', 'i');
/** int32 matrices, one per name or a count: `T.imatrices('x', 'y')`, `T.imatrices(3)` (Theano's `imatrices`; always an array). */
export const imatrices = many('matrices', 'int32', 'i');
/** int32 rows (broadcastable first dimension), one per name or a count: `T.irows('x', 'y')`, `T.irows(3)` (Theano's `irows`; always an array). */
export const irows = many('rows', 'int32', 'i');
/** int32 columns (broadcastable second dimension), one per name or a count: `T.icols('x', 'y')`, `T.icols(3)` (Theano's `icols`; always an array). */
export const icols = many('cols', 'int32', 'i');
/** int32 3-d tensors, one per name or a count: `T.itensor3s('x', 'y')`, `T.itensor3s(3)` (Theano's `itensor3s`; always an array). */
export const itensor3s = many('tensor3s', 'int32', 'i');
/** int32 4-d tensors, one per name or a count: `T.itensor4s('x', 'y')`, `T.itensor4s(3)` (Theano's `itensor4s`; always an array). */
export const itensor4s = many('tensor4s', 'int32', 'i');
/** int32 5-d tensors, one per name or a count: `T.itensor5s('x', 'y')`, `T.itensor5s(3)` (Theano's `itensor5s`; always an array). */
export const itensor5s = many('tensor5s', 'int32', 'i');
/** int32 6-d tensors, one per name or a count: `T.itensor6s('x', 'y')`, `T.itensor6s(3)` (Theano's `itensor6s`; always an array). */
export const itensor6s = many('tensor6s', 'int32', 'i');
/** int32 7-d tensors, one per name or a count: `T.itensor7s('x', 'y')`, `T.itensor7s(3)` (Theano's `itensor7s`; always an array). */
export const itensor7s = many('tensor7s', 'int32', 'i');
/** int64 scalars, one per name or a count: `T.lscalars('x', 'y')`, `T.lscalars(3)` (Theano's `lscalars`; always an array). */
export const lscalars = many('scalars', 'int64', 'l');
/** int64 vectors, one per name or a count: `T.lvectors('x', 'y')`, `T.lvectors(3)` (Theano's `lvectors`; always an array). */
export const lvectors = many('vectors', 'int64', 'l');
/** int64 matrices, one per name or a count: `T.lmatrices('x', 'y')`, `T.lmatrices(3)` (Theano's `lmatrices`; always an array). */
export const lmatrices = many('matrices', 'int64', 'l');
/** int64 rows (broadcastable first dimension), one per name or a count: `T.lrows('x', 'y')`, `T.lrows(3)` (Theano's `lrows`; always an array). */
export const lrows = many('rows', 'int64', 'l');
/** int64 columns (broadcastable second dimension), one per name or a count: `T.lcols('x', 'y')`, `T.lcols(3)` (Theano's `lcols`; always an array). */
export const lcols = many('cols', 'int64', 'l');
/** int64 3-d tensors, one per name or a count: `T.ltensor3s('x', 'y')`, `T.ltensor3s(3)` (Theano's `ltensor3s`; always an array). */
export const ltensor3s = many('tensor3s', 'int64', 'l');
/** int64 4-d tensors, one per name or a count: `T.ltensor4s('x', 'y')`, `T.ltensor4s(3)` (Theano's `ltensor4s`; always an array). */
export const ltensor4s = many('tensor4s', 'int64', 'l');
/** int64 5-d tensors, one per name or a count: `T.ltensor5s('x', 'y')`, `T.ltensor5s(3)` (Theano's `ltensor5s`; always an array). */
export const ltensor5s = many('tensor5s', 'int64', 'l');
/** int64 6-d tensors, one per name or a count: `T.ltensor6s('x', 'y')`, `T.ltensor6s(3)` (Theano's `ltensor6s`; always an array). */
export const ltensor6s = many('tensor6s', 'int64', 'l');
/** int64 7-d tensors, one per name or a count: `T.ltensor7s('x', 'y')`, `T.ltensor7s(3)` (Theano's `ltensor7s`; always an array). */
export const ltensor7s = many('tensor7s', 'int64', 'l');
