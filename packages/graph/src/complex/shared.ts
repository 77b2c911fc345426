/**
 * Shared complex variables: `complex.shared(value)` keeps a ComplexArray
 * on the device as two shared real tensors, its parts, and
 * `complex.update(z, expr)` gives the updates of the two.
 */
import { shared as sharedTensor, type TensorSharedVariable } from '../core/shared.js';
import { ComplexArray } from './array.js';
import type { TensorVariable } from '../core/variable.js';
import { asComplex, broadcastParts, ComplexVariable, type ComplexLike } from './variable.js';

export class ComplexSharedVariable extends ComplexVariable {
  declare readonly re: TensorSharedVariable;
  declare readonly im: TensorSharedVariable;

  /** The current value, a ComplexArray (of copies of the parts). */
  getValue(): ComplexArray {
    return new ComplexArray(this.re.getValue(), this.im.getValue());
  }

  /** A ComplexArray of the variable's dtype and rank (complex64 into complex128 widens; the other way is refused as a real setValue refuses float64 into float32). */
  setValue(value: ComplexArray): void {
    if (!(value instanceof ComplexArray)) throw new TypeError(`setValue of shared variable ${this}: expected a ComplexArray of ${this.dtype}, got ${value === null ? 'null' : typeof value}`);
    this.re.setValue(value.re);
    this.im.setValue(value.im);
  }
}

/** Theano's `shared(value)` of a complex value: a complex shared variable of the value's dtype. */
export function shared(value: ComplexArray, options: { name?: string } = {}): ComplexSharedVariable {
  if (!(value instanceof ComplexArray)) throw new TypeError(`complex.shared: value must be a ComplexArray (ComplexArray.from(re, im, dtype)), got ${value === null ? 'null' : typeof value}`);
  const part = (what: string) => (options.name === undefined ? {} : { name: `${options.name}.${what}` });
  return new ComplexSharedVariable(sharedTensor(value.re, part('real')), sharedTensor(value.im, part('imag')), options.name);
}

/** Whether `v` is a complex shared variable. */
export function isComplexShared(v: unknown): v is ComplexSharedVariable {
  return v instanceof ComplexSharedVariable;
}

/** The function updates that set the complex shared z to expr (a real expr leaves the imaginary part 0): `{ updates: [...complex.update(z, expr), ...] }`. expr must have z's dtype. */
export function update(z: ComplexSharedVariable, expr: ComplexLike): [[TensorSharedVariable, TensorVariable], [TensorSharedVariable, TensorVariable]] {
  if (!(z instanceof ComplexSharedVariable)) throw new TypeError(`complex.update: z must be a complex shared variable (complex.shared(value)), got ${String(z)}`);
  const v = asComplex(expr, `complex.update: the update of ${z}`);
  if (v.dtype !== z.dtype) throw new TypeError(`complex.update: the update of ${z} (${z.dtype}) is ${v.dtype}; cast its parts (T.complex(T.cast(T.real(e), ...), ...)) to keep the shared variable's dtype`);
  const [re, im] = broadcastParts(v);
  return [
    [z.re, re],
    [z.im, im],
  ];
}
