/**
 * `sym.complex`: complex tensors carried by their real and imaginary
 * parts (see variable.ts). The constructors and part accessors are also
 * on `T` (T.cvector, T.complex, T.real, ...), as Theano's.
 */
export { ComplexVariable, isComplex, asComplex, ctensor, cscalar, cvector, cmatrix, ctensor3, ctensor4, zscalar, zvector, zmatrix, ztensor3, ztensor4, complex, complexFromPolar, real, imag, conj, angle, partDType, fromPairs, toPairs } from './variable.js';
export type { ComplexDType, ComplexLike } from './variable.js';
export { add, sub, mul, div, neg, abs, exp, log, sqrt, pow, sum, mean, prod, dot, tensordot } from './ops.js';
export { solve, matrixInverse, conjTranspose } from './linalg.js';
export { det, ComplexDet } from './det.js';
export { ComplexArray } from './array.js';
export { ComplexSharedVariable, shared, update, isComplexShared } from './shared.js';
