/**
 * ComplexVariable: a symbolic complex tensor carried by two real tensors,
 * its real and imaginary parts (complex64 by two float32, complex128 by two
 * float64), as `sym.sparse` carries a sparse matrix by dense ones. Every
 * complex op is a graph of real ops over the parts, so every backend runs
 * complex programs with no code of its own, gradients come through the
 * real graph, and a backend without float64 refuses complex128 with the
 * error it gives for float64.
 */
import { isDType, promote, type DType } from '../core/dtype.js';
import { asTensor, type TensorLike } from '../core/op.js';
import { TensorVariable } from '../core/variable.js';
import type { DimShufflePattern } from '../ops/shape.js';
import type { Length } from '../ops/alloc.js';
// a cycle (tensor.ts re-exports this file): used only inside functions, never while the modules load
import * as T from '../tensor/tensor.js';
import type { Index } from '../tensor/indexing.js';
// a cycle (ops.ts builds on this file): used only inside methods
import * as ops from './ops.js';

/** The complex dtypes: complex64 (float32 parts) and complex128 (float64 parts). */
export type ComplexDType = 'complex64' | 'complex128';

/** The dtype of each part of a complex dtype. */
export function partDType(dtype: ComplexDType): 'float32' | 'float64' {
  return dtype === 'complex64' ? 'float32' : 'float64';
}

/** A complex value, or anything T.asTensor reads (a real value, taken as one with a zero imaginary part). */
export type ComplexLike = ComplexVariable | TensorLike;

/** A symbolic complex tensor (Theano's complex TensorVariable), carried by two real tensors of one float dtype: its parts. */
export class ComplexVariable {
  /** The real part. */
  readonly re: TensorVariable;
  /** The imaginary part. */
  readonly im: TensorVariable;
  /** The name printed and used in errors. */
  name: string | undefined;

  /** re and im must have one float dtype (float32 or float64) and broadcast to one shape; use T.complex to build one from any real pair. */
  constructor(re: TensorVariable, im: TensorVariable, name?: string) {
    if (re.dtype !== im.dtype || (re.dtype !== 'float32' && re.dtype !== 'float64')) {
      throw new TypeError(`ComplexVariable: the parts must both be float32 or both float64, got ${re.dtype} and ${im.dtype} (T.complex(re, im) casts them)`);
    }
    if (re.ndim !== im.ndim) throw new TypeError(`ComplexVariable: the parts must have one rank, got ${re.ndim} and ${im.ndim}`);
    this.re = re;
    this.im = im;
    this.name = name;
  }

  /** complex64 for float32 parts, complex128 for float64 ones. */
  get dtype(): ComplexDType {
    return this.re.dtype === 'float32' ? 'complex64' : 'complex128';
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.re.ndim;
  }

  /** The dimensions both parts broadcast along. */
  get broadcastable(): readonly boolean[] {
    return this.re.broadcastable.map((b, i) => b && this.im.broadcastable[i]!);
  }

  /** The real part (Theano's `z.real`). */
  get real(): TensorVariable {
    return this.re;
  }

  /** The imaginary part (Theano's `z.imag`). */
  get imag(): TensorVariable {
    return this.im;
  }

  /** The same op on both parts (a shape op: reshape, transpose, slicing). */
  map(f: (part: TensorVariable) => TensorVariable): ComplexVariable {
    return new ComplexVariable(f(this.re), f(this.im));
  }

  /** The transpose (reversed dimensions); not conjugated. */
  get T(): ComplexVariable {
    return this.map((p) => T.transpose(p));
  }

  /** Both parts transposed (reversed, or permuted by `axes`); not conjugated. */
  transpose(axes?: readonly number[]): ComplexVariable {
    return this.map((p) => T.transpose(p, axes));
  }

  /** Both parts reshaped, as `x.reshape`. */
  reshape(shape: readonly Length[]): ComplexVariable {
    return this.map((p) => T.reshape(p, shape));
  }

  /** Both parts dimshuffled, as `x.dimshuffle`. */
  dimshuffle(pattern: DimShufflePattern): ComplexVariable {
    return this.map((p) => T.dimshuffle(p, pattern));
  }

  /** Both parts flattened to a vector. */
  flatten(): ComplexVariable {
    return this.map((p) => T.flatten(p));
  }

  /** `z[...]` by integers and T.slice, as T.get. */
  get(...index: Index[]): ComplexVariable {
    const [re, im] = broadcastParts(this);
    return new ComplexVariable(T.get(re, ...index), T.get(im, ...index));
  }

  // the math as methods, as a TensorVariable's (sym.complex.add ...)
  /** `z + other` (a real other has imaginary part 0), broadcasting; complex64 with float64 gives complex128, as NumPy. */
  add(other: ComplexLike): ComplexVariable {
    return ops.add(this, other);
  }

  /** `z - other`, broadcasting. */
  sub(other: ComplexLike): ComplexVariable {
    return ops.sub(this, other);
  }

  /** `z * other` elementwise, broadcasting. */
  mul(other: ComplexLike): ComplexVariable {
    return ops.mul(this, other);
  }

  /** `z / other` elementwise by Smith's algorithm, as NumPy; a zero divisor gives inf or NaN part by part. */
  div(other: ComplexLike): ComplexVariable {
    return ops.div(this, other);
  }

  /** `-z`. */
  neg(): ComplexVariable {
    return ops.neg(this);
  }

  /** `z ** p` for a real exponent p, in polar form (0 ** p is 0 for p > 0). */
  pow(p: TensorLike): ComplexVariable {
    return ops.pow(this, p);
  }

  /** `e ** z` elementwise. */
  exp(): ComplexVariable {
    return ops.exp(this);
  }

  /** The principal logarithm, log|z| + i angle(z) (log 0 is -inf + 0i). */
  log(): ComplexVariable {
    return ops.log(this);
  }

  /** The principal square root (the cut along the negative real axis), as NumPy. */
  sqrt(): ComplexVariable {
    return ops.sqrt(this);
  }

  /** |z|, a real tensor of the parts' dtype, overflow-safe as C's hypot. */
  abs(): TensorVariable {
    return ops.abs(this);
  }

  /** The argument arctan2(im, re), in (-pi, pi], a real tensor (`T.angle`). */
  angle(): TensorVariable {
    return angle(this);
  }

  /** The conjugate, re - i im. */
  conj(): ComplexVariable {
    return new ComplexVariable(this.re, T.neg(this.im));
  }

  /** Each part summed over `axis` (all when null). */
  sum(axis: number | readonly number[] | null = null): ComplexVariable {
    return ops.sum(this, axis);
  }

  /** Each part's mean over `axis` (all when null). */
  mean(axis: number | readonly number[] | null = null): ComplexVariable {
    return ops.mean(this, axis);
  }

  /** The product over `axis` (all when null), in polar form (a few ulp from NumPy's running products). */
  prod(axis: number | readonly number[] | null = null): ComplexVariable {
    return ops.prod(this, axis);
  }

  /** NumPy's `dot` of complex (or real) tensors. */
  dot(other: ComplexLike): ComplexVariable {
    return ops.dot(this, other);
  }

  /** Its name, or `ComplexVariable{complex64}`. */
  toString(): string {
    return this.name ?? `ComplexVariable{${this.dtype}}`;
  }
}

/** Both parts at the variable's full shape (a part may broadcast: the imaginary zeros of a real value). */
export function broadcastParts(z: ComplexVariable): [TensorVariable, TensorVariable] {
  const same = z.re.broadcastable.every((b, i) => b === z.im.broadcastable[i]);
  if (same) return [z.re, z.im];
  return [T.add(z.re, T.zerosLike(z.im)), T.add(z.im, T.zerosLike(z.re))];
}

export function isComplex(x: unknown): x is ComplexVariable {
  return x instanceof ComplexVariable;
}

/** The float dtype complex parts of these real dtypes take, as NumPy's result_type with complex64 (int8/int16/uint8/uint16/float16/float32: float32; int32/int64/float64: float64). */
function complexPart(dtype: DType): 'float32' | 'float64' {
  const p = promote(dtype, 'float32');
  return p === 'float64' ? 'float64' : 'float32';
}

/** Two real tensors as the parts of one complex variable: cast to the parts' common float dtype. */
export function fromParts(re: TensorVariable, im: TensorVariable): ComplexVariable {
  const dt = complexPart(promote(re.dtype, im.dtype));
  return new ComplexVariable(re.dtype === dt ? re : T.cast(re, dt), im.dtype === dt ? im : T.cast(im, dt));
}

/** x as a complex variable: itself, or a real value with imaginary part zero (broadcast like it; float32 zeros, so that a weak JS number keeps a complex64 one). */
export function asComplex(x: ComplexLike, caller: string): ComplexVariable {
  if (x instanceof ComplexVariable) return x;
  const re = asTensor(x, caller);
  return fromPartsWeak(re, T.zerosLike(re, 'float32'));
}

/** Parts that stay as they are when already float (a real operand's re), cast otherwise. */
function fromPartsWeak(re: TensorVariable, im: TensorVariable): ComplexVariable {
  const dt = complexPart(re.dtype);
  return new ComplexVariable(re.dtype === dt ? re : T.cast(re, dt), im.dtype === dt ? im : T.cast(im, dt));
}

/** Results of real ops on the parts: the narrower part cast to the wider (complex64 and float64 give complex128, as NumPy). */
export function unify(re: TensorVariable, im: TensorVariable): ComplexVariable {
  return fromParts(re, im);
}

function complexInput(dtype: ComplexDType, ndim: number, name: string | undefined, caller: string): ComplexVariable {
  if (name !== undefined && typeof name !== 'string') throw new TypeError(`${caller}: name must be a string, got ${typeof name}`);
  const dt = partDType(dtype);
  const broadcastable = new Array<boolean>(ndim).fill(false);
  const part = (what: string) => (name === undefined ? undefined : `${name}.${what}`);
  return new ComplexVariable(T.tensor(dt, broadcastable, part('real')), T.tensor(dt, broadcastable, part('imag')), name);
}

/** Theano's `T.TensorType('complex64' | 'complex128', broadcastable)(name)` without broadcastable dims: a complex function input. */
export function ctensor(dtype: ComplexDType, ndim: number, name?: string): ComplexVariable {
  if (dtype !== 'complex64' && dtype !== 'complex128') {
    throw new TypeError(`T.ctensor: dtype must be 'complex64' or 'complex128', got ${JSON.stringify(dtype)}${isDType(dtype) ? ' (a real dtype: use T.tensor)' : ''}`);
  }
  if (!Number.isInteger(ndim) || ndim < 0) throw new TypeError(`T.ctensor: ndim must be a non-negative integer, got ${String(ndim)}`);
  return complexInput(dtype, ndim, name, 'T.ctensor');
}

/** Theano's `T.cscalar(name)`: a complex64 scalar input. */
export const cscalar = (name?: string): ComplexVariable => complexInput('complex64', 0, name, 'T.cscalar');
/** Theano's `T.cvector(name)`: a complex64 vector input. */
export const cvector = (name?: string): ComplexVariable => complexInput('complex64', 1, name, 'T.cvector');
/** Theano's `T.cmatrix(name)`: a complex64 matrix input. */
export const cmatrix = (name?: string): ComplexVariable => complexInput('complex64', 2, name, 'T.cmatrix');
/** Theano's `T.ctensor3(name)`: a complex64 3-d tensor input. */
export const ctensor3 = (name?: string): ComplexVariable => complexInput('complex64', 3, name, 'T.ctensor3');
/** Theano's `T.ctensor4(name)`: a complex64 4-d tensor input. */
export const ctensor4 = (name?: string): ComplexVariable => complexInput('complex64', 4, name, 'T.ctensor4');
/** Theano's `T.zscalar(name)`: a complex128 scalar input. */
export const zscalar = (name?: string): ComplexVariable => complexInput('complex128', 0, name, 'T.zscalar');
/** Theano's `T.zvector(name)`: a complex128 vector input. */
export const zvector = (name?: string): ComplexVariable => complexInput('complex128', 1, name, 'T.zvector');
/** Theano's `T.zmatrix(name)`: a complex128 matrix input. */
export const zmatrix = (name?: string): ComplexVariable => complexInput('complex128', 2, name, 'T.zmatrix');
/** Theano's `T.ztensor3(name)`: a complex128 3-d tensor input. */
export const ztensor3 = (name?: string): ComplexVariable => complexInput('complex128', 3, name, 'T.ztensor3');
/** Theano's `T.ztensor4(name)`: a complex128 4-d tensor input. */
export const ztensor4 = (name?: string): ComplexVariable => complexInput('complex128', 4, name, 'T.ztensor4');

function realInput(x: TensorLike, caller: string, what: string): TensorVariable {
  if (x instanceof ComplexVariable) throw new TypeError(`${caller}: ${what} must be real, got the complex ${x} of ${x.dtype}`);
  return asTensor(x, `${caller}: ${what}`);
}

/** Theano's `T.complex(real, imag)`: complex64 from parts that fit in float32 (float32, int8, int16, ...), complex128 otherwise, as NumPy's `real + 1j * imag` dtype. */
export function complex(re: TensorLike, im: TensorLike): ComplexVariable {
  const r = realInput(re, 'T.complex', 're');
  const i = realInput(im, 'T.complex', 'im');
  const [br, bi] = [T.add(r, T.zerosLike(i, 'int8')), T.add(i, T.zerosLike(r, 'int8'))];
  return fromParts(br, bi);
}

/** Theano's `T.complex_from_polar(abs, angle)`: abs * (cos(angle) + i sin(angle)). */
export function complexFromPolar(r: TensorLike, theta: TensorLike): ComplexVariable {
  const a = realInput(r, 'T.complexFromPolar', 'r');
  const t = realInput(theta, 'T.complexFromPolar', 'theta');
  return fromParts(T.mul(a, T.cos(t)), T.mul(a, T.sin(t)));
}

/** Theano's `T.real(z)`: the real part (a real x is itself, as NumPy). */
export function real(z: ComplexLike): TensorVariable {
  return z instanceof ComplexVariable ? z.re : asTensor(z, 'T.real');
}

/** Theano's `T.imag(z)`: the imaginary part (zeros of x's dtype for a real x). */
export function imag(z: ComplexLike): TensorVariable {
  return z instanceof ComplexVariable ? z.im : T.zerosLike(asTensor(z, 'T.imag'));
}

/** Theano's `T.conj(z)`: re - i im (a real x is itself). */
export function conj(z: ComplexLike): ComplexLike {
  return z instanceof ComplexVariable ? new ComplexVariable(z.re, T.neg(z.im)) : asTensor(z, 'T.conj');
}

/** Theano's `T.angle(z)`: arctan2(im, re), in (-pi, pi] (0 or pi for a real x, as NumPy's angle). */
export function angle(z: ComplexLike): TensorVariable {
  const c = asComplex(z, 'T.angle');
  return T.arctan2(c.im, c.re);
}

/**
 * The complex tensor of T.fft.rfft's output (or any tensor whose last axis
 * of length 2 holds (real, imaginary) pairs): x[..., 0] + i x[..., 1].
 * `toPairs` is its inverse, the layout T.fft.irfft reads.
 */
export function fromPairs(x: TensorLike): ComplexVariable {
  const t = realInput(x, 'complex.fromPairs', 'x');
  if (t.ndim === 0) throw new TypeError(`complex.fromPairs: x must have a last axis of (real, imaginary) pairs, got the scalar ${t}`);
  const last = t.staticShape[t.ndim - 1];
  if (last !== null && last !== 2) throw new TypeError(`complex.fromPairs: x's last axis must have length 2 (real, imaginary), got ${last}`);
  const lead: Index[] = Array.from({ length: t.ndim - 1 }, () => T.slice(null, null));
  return fromParts(T.get(t, ...lead, 0), T.get(t, ...lead, 1));
}

/** z as a real tensor with a last axis of (real, imaginary) pairs (T.fft.irfft's input layout). */
export function toPairs(z: ComplexVariable): TensorVariable {
  const [re, im] = broadcastParts(z);
  return T.stack([re, im], re.ndim);
}
