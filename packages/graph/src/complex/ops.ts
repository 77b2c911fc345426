/**
 * Complex arithmetic as graphs of real ops over the parts, following
 * NumPy's loops (numpy/_core/src/umath/loops*.c.src and npymath): the
 * product by the textbook formula, the quotient by Smith's algorithm (no
 * overflow for parts near the float limit), |z| as an overflow-safe hypot,
 * sqrt on its principal branch. Special values: NaN and inf propagate
 * through these formulas; the C99 Annex G cases of exp/log/sqrt at
 * infinities (which NumPy follows) are not reproduced.
 */
import { asTensor, constant, type TensorLike } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
import * as T from '../tensor/tensor.js';
import type { TensordotAxes } from '../tensor/extra.js';
import { asComplex, broadcastParts, ComplexVariable, unify, type ComplexLike } from './variable.js';

type Parts = [TensorLike, TensorLike];

/** The parts of a binary op's operand: a JS number stays a number (weak, as NumPy's Python scalars: complex64 * 2.5 is complex64). */
function partsOf(a: ComplexLike, caller: string): Parts {
  if (typeof a === 'number') return [a, 0];
  const x = asComplex(a, caller);
  return [x.re, x.im];
}

/** `a + b` of complex (or real) tensors, broadcasting. */
export function add(a: ComplexLike, b: ComplexLike): ComplexVariable {
  const [xr, xi] = partsOf(a, 'complex.add: a');
  const [yr, yi] = partsOf(b, 'complex.add: b');
  return unify(T.add(xr, yr), T.add(xi, yi));
}

/** `a - b` of complex (or real) tensors, broadcasting. */
export function sub(a: ComplexLike, b: ComplexLike): ComplexVariable {
  const [xr, xi] = partsOf(a, 'complex.sub: a');
  const [yr, yi] = partsOf(b, 'complex.sub: b');
  return unify(T.sub(xr, yr), T.sub(xi, yi));
}

/** `-a`. */
export function neg(a: ComplexLike): ComplexVariable {
  const x = asComplex(a, 'complex.neg');
  return new ComplexVariable(T.neg(x.re), T.neg(x.im));
}

/** (a + bi)(c + di) = (ac - bd) + (ad + bc)i, as NumPy (no rescue of inf * 0). */
export function mul(a: ComplexLike, b: ComplexLike): ComplexVariable {
  const [xr, xi] = partsOf(a, 'complex.mul: a');
  const [yr, yi] = partsOf(b, 'complex.mul: b');
  return unify(T.sub(T.mul(xr, yr), T.mul(xi, yi)), T.add(T.mul(xr, yi), T.mul(xi, yr)));
}

/**
 * NumPy's complex division (Smith's algorithm): divide through by the
 * larger part of the divisor, so that no intermediate squares it; a zero
 * divisor gives a/0 and b/0 part by part (inf or nan, as NumPy). Each
 * branch divides by a denominator made safe where the branch is not
 * taken, so that its infinities do not reach the gradient.
 */
export function div(a: ComplexLike, b: ComplexLike): ComplexVariable {
  const [xr, xi] = partsOf(a, 'complex.div: a');
  const [yr, yi] = partsOf(b, 'complex.div: b');
  const [ar, ai] = [xr, xi];
  // a JS number divisor as a constant of the dividend's part dtype (weak, as NumPy's Python scalars)
  const like = typeof xr === 'number' ? 'float64' : asTensor(xr, 'complex.div: a').dtype;
  const part = (v: TensorLike) => (typeof v === 'number' ? constant(v, { dtype: like }) : asTensor(v, 'complex.div: b'));
  const [br, bi] = [part(yr), part(yi)];
  const realBigger = T.ge(T.abs(br), T.abs(bi));
  const zero = T.and(T.eq(br, 0), T.eq(bi, 0));
  const one = (v: TensorVariable, use: TensorVariable) => T.switch(use, v, T.onesLike(v));
  // |br| >= |bi|, not both zero
  const useR = T.and(realBigger, T.not(zero));
  const brS = one(br, useR);
  const ratR = T.trueDiv(bi, brS);
  const sclR = T.trueDiv(1, one(T.add(br, T.mul(bi, ratR)), useR));
  const reR = T.mul(T.add(ar, T.mul(ai, ratR)), sclR);
  const imR = T.mul(T.sub(ai, T.mul(ar, ratR)), sclR);
  // |br| < |bi|
  const useI = T.not(realBigger);
  const biS = one(bi, useI);
  const ratI = T.trueDiv(br, biS);
  const sclI = T.trueDiv(1, one(T.add(bi, T.mul(br, ratI)), useI));
  const reI = T.mul(T.add(T.mul(ar, ratI), ai), sclI);
  const imI = T.mul(T.sub(T.mul(ai, ratI), ar), sclI);
  // both zero: each part over |br| (0), as NumPy
  const absZero = T.abs(br);
  const re = T.switch(zero, T.trueDiv(ar, absZero), T.switch(realBigger, reR, reI));
  const im = T.switch(zero, T.trueDiv(ai, absZero), T.switch(realBigger, imR, imI));
  return unify(re, im);
}

/** A float that is 0 where `mask` holds and v elsewhere, without inf * 0 (for a gradient through switch). */
function safe(v: TensorVariable, mask: TensorVariable, fill: number): TensorVariable {
  return T.switch(mask, full(v, fill), v);
}

/** value at v's shape and dtype (T.fill of a JS number alone would be float64, which a float32-only backend refuses). */
function full(v: TensorVariable, value: number): TensorVariable {
  return T.fill(v, constant(value, { dtype: v.dtype }));
}

/**
 * |z|, overflow-safe as C's hypot (which NumPy calls): m sqrt(1 + (n/m)^2)
 * with m the larger magnitude, so that |3e38 + 4e38i| is 5e38 in float32;
 * an infinite part gives inf even beside a NaN, as hypot.
 */
export function abs(a: ComplexLike): TensorVariable {
  const x = asComplex(a, 'complex.abs');
  const [ar, ai] = [T.abs(x.re), T.abs(x.im)];
  const m = T.maximum(ar, ai);
  const n = T.minimum(ar, ai);
  const isZero = T.eq(m, 0);
  const ratio = T.trueDiv(n, safe(m, isZero, 1));
  const h = T.switch(isZero, T.zerosLike(m), T.mul(m, T.sqrt(T.add(1, T.sqr(ratio)))));
  return T.switch(T.or(T.isinf(x.re), T.isinf(x.im)), full(h, Infinity), h);
}

/** e^z = e^re (cos im + i sin im). */
export function exp(a: ComplexLike): ComplexVariable {
  const x = asComplex(a, 'complex.exp');
  const e = T.exp(x.re);
  return unify(T.mul(e, T.cos(x.im)), T.mul(e, T.sin(x.im)));
}

/** The principal log: log|z| + i angle(z) (log 0 = -inf + 0i). */
export function log(a: ComplexLike): ComplexVariable {
  const x = asComplex(a, 'complex.log');
  return unify(T.log(abs(x)), T.arctan2(x.im, x.re));
}

/**
 * The principal square root (NumPy's npy_csqrt, the C99 csqrt): with
 * t = sqrt((|re| + |z|) / 2), re >= 0 gives t + i im/(2t), re < 0 gives
 * |im|/(2t) + i sign(im) t; the cut runs along the negative real axis,
 * whose imaginary zero's sign (as NumPy's -0.0) is read as +.
 */
export function sqrt(a: ComplexLike): ComplexVariable {
  const x = asComplex(a, 'complex.sqrt');
  const [re, im] = broadcastParts(x);
  const t = T.sqrt(T.mul(T.add(T.abs(re), abs(x)), 0.5));
  const isZero = T.eq(t, 0);
  const twoT = T.mul(safe(t, isZero, 1), 2);
  const nonNeg = T.ge(re, 0);
  const outRe = T.switch(nonNeg, t, T.trueDiv(T.abs(im), twoT));
  const outIm = T.switch(nonNeg, T.trueDiv(im, twoT), T.switch(T.lt(im, 0), T.neg(t), t));
  // sqrt(0 + bi) with b = 0: 0 + bi
  return unify(T.switch(isZero, T.zerosLike(outRe), outRe), T.switch(isZero, im, outIm));
}

/** z ** p for a real exponent p: |z|^p (cos p angle + i sin p angle) (0 ** p = 0 for p > 0). */
export function pow(a: ComplexLike, p: TensorLike): ComplexVariable {
  const x = asComplex(a, 'complex.pow');
  if (p instanceof ComplexVariable) throw new TypeError(`complex.pow: the exponent must be real, got the complex ${p}; a complex exponent is not provided`);
  // a JS number stays weak (complex64 ** 1.5 is complex64)
  const e = typeof p === 'number' ? p : asTensor(p, 'complex.pow: p');
  const r = T.pow(abs(x), e);
  const t = T.mul(T.arctan2(x.im, x.re), e);
  return unify(T.mul(r, T.cos(t)), T.mul(r, T.sin(t)));
}

/** Theano's `T.sum` of a complex tensor: each part summed over `axis` (all when null). */
export function sum(a: ComplexLike, axis: number | readonly number[] | null = null): ComplexVariable {
  const [re, im] = broadcastParts(asComplex(a, 'complex.sum'));
  return unify(T.sum(re, axis as never), T.sum(im, axis as never));
}

/** Theano's `T.mean` of a complex tensor: each part's mean over `axis` (all when null). */
export function mean(a: ComplexLike, axis: number | readonly number[] | null = null): ComplexVariable {
  const [re, im] = broadcastParts(asComplex(a, 'complex.mean'));
  return unify(T.mean(re, axis as never), T.mean(im, axis as never));
}

/**
 * The product along axes, in polar form: prod |z| (cos sum angle + i sin
 * sum angle). Not NumPy's running products (a few ulp apart), but one
 * reduction of each part; a zero factor gives 0.
 */
export function prod(a: ComplexLike, axis: number | readonly number[] | null = null): ComplexVariable {
  const x = asComplex(a, 'complex.prod');
  const [re, im] = broadcastParts(x);
  const full = new ComplexVariable(re, im);
  const r = T.prod(abs(full), axis as never);
  const t = T.sum(T.arctan2(im, re), axis as never);
  return unify(T.mul(r, T.cos(t)), T.mul(r, T.sin(t)));
}

/**
 * `T.dot` of complex (or one complex, one real) operands: four real dots,
 * (ar br - ai bi) + (ar bi + ai br)i. Gauss's three (k1 = br(ar + ai),
 * k2 = ar(bi - br), k3 = ai(br + bi)) would save a product but loses
 * accuracy when the parts differ in size, so it is not used.
 */
export function dot(a: ComplexLike, b: ComplexLike): ComplexVariable {
  return product(a, b, T.dot, 'complex.dot');
}

/** NumPy's `tensordot` of complex (or real) tensors: `axes` as `T.tensordot`'s (default 2). */
export function tensordot(a: ComplexLike, b: ComplexLike, axes: TensordotAxes = 2): ComplexVariable {
  return product(a, b, (x, y) => T.tensordot(x, y, axes), 'complex.tensordot');
}

function product(a: ComplexLike, b: ComplexLike, f: (x: TensorVariable, y: TensorVariable) => TensorVariable, caller: string): ComplexVariable {
  if (!(a instanceof ComplexVariable) && !(b instanceof ComplexVariable)) {
    throw new TypeError(`${caller}: neither operand is complex; use the real T.${caller.slice('complex.'.length)}`);
  }
  // a real operand: two dots, not four
  if (!(a instanceof ComplexVariable)) {
    const x = asTensor(a, `${caller}: a`);
    const y = b as ComplexVariable;
    const [yr, yi] = broadcastParts(y);
    return unify(f(x, yr), f(x, yi));
  }
  if (!(b instanceof ComplexVariable)) {
    const y = asTensor(b, `${caller}: b`);
    const [xr, xi] = broadcastParts(a);
    return unify(f(xr, y), f(xi, y));
  }
  const [xr, xi] = broadcastParts(a);
  const [yr, yi] = broadcastParts(b);
  return unify(T.sub(f(xr, yr), f(xi, yi)), T.add(f(xr, yi), f(xi, yr)));
}
