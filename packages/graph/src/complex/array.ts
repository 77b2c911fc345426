/**
 * ComplexArray: a complex value on the host, its real and imaginary parts
 * as two NDArrays of one float dtype and shape (complex64: float32 parts,
 * complex128: float64). What a complex function input takes and a complex
 * output gives; prints as NumPy prints a complex array.
 */
import { NDArray, array, type ArrayLike, type Shape } from '../core/ndarray.js';
import { formatComplexArray } from '../printing/format.js';
import { partDType, type ComplexDType } from './variable.js';

/** A complex value on the host (NumPy's complex ndarray): two NDArrays of one float dtype and shape. */
export class ComplexArray {
  /** The real parts. */
  readonly re: NDArray;
  /** The imaginary parts. */
  readonly im: NDArray;

  constructor(re: NDArray, im: NDArray) {
    if (re.dtype !== im.dtype || (re.dtype !== 'float32' && re.dtype !== 'float64')) {
      throw new TypeError(`ComplexArray: the parts must both be float32 (complex64) or both float64 (complex128), got ${re.dtype} and ${im.dtype}`);
    }
    if (re.shape.length !== im.shape.length || re.shape.some((n, i) => n !== im.shape[i])) {
      throw new RangeError(`ComplexArray: the parts must have one shape, got (${re.shape.join(', ')}) and (${im.shape.join(', ')})`);
    }
    this.re = re;
    this.im = im;
  }

  /** From parts as nested arrays or NDArrays; dtype complex128 unless given. `ComplexArray.from([1, 3], [2, -1], 'complex64')` is NumPy's `np.array([1+2j, 3-1j], np.complex64)`. */
  static from(re: ArrayLike, im: ArrayLike, dtype: ComplexDType = 'complex128'): ComplexArray {
    if (dtype !== 'complex64' && dtype !== 'complex128') throw new TypeError(`ComplexArray.from: dtype must be 'complex64' or 'complex128', got ${JSON.stringify(dtype)}`);
    const dt = partDType(dtype);
    return new ComplexArray(array(re, { dtype: dt }), array(im, { dtype: dt }));
  }

  /** complex64 for float32 parts, complex128 for float64 ones. */
  get dtype(): ComplexDType {
    return this.re.dtype === 'float32' ? 'complex64' : 'complex128';
  }

  /** The shape (both parts'). */
  get shape(): Shape {
    return this.re.shape;
  }

  /** Number of complex elements. */
  get size(): number {
    return this.re.data.length;
  }

  /** Element k (flat, C order) as [re, im]. */
  at(k: number): [number, number] {
    return [this.re.data[k]!, this.im.data[k]!];
  }

  /** NumPy's `str(z)`: `[1.+2.j 3.-1.j]`. */
  toString(): string {
    return formatComplexArray(this.re.data, this.im.data, this.shape, this.re.dtype);
  }
}
