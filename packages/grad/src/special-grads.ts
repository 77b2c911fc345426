/**
 * Gradient rules of the composite scalar ops (erf, gammaln, arctan2...):
 * ELEMWISE_GRADS in rules.ts takes them in, so a composite without a rule
 * is a compile error there as a primitive is. Theano's formulas; trigamma
 * has none (Theano's tri_gamma raises too), nor have the incomplete gamma
 * functions with respect to a, chi2sf with respect to k, and jv, iv with
 * respect to their order (Theano's grad_not_implemented).
 */
import { T, type CompositeScalarOp, type TensorVariable } from '@sym/graph';
import { ZERO, notDifferentiable, type OpGrad } from './types.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** Theano's reason for the order and the shape arguments: no gradient (Theano's grad_not_implemented). */
const noGradWrt = (fn: string, arg: string) => notDifferentiable(`${fn} has no gradient with respect to ${arg} (as in Theano; it would need derivatives of the series in ${arg})`);

/** Stirling's series of log Gamma beyond its leading terms, B_2k / (2k (2k - 1)), k = 8 down to 1: a >= 13 to a float64 ulp. */
const STIRLING = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];

/**
 * log(x / a) - s for s = (x - a) / a, as the kernels' log1pmx (@sym/graph special-gammainc.ts): for |s| <= 0.5
 * -t s + 2 t^3 (1 / 3 + t^2 / 5 + ...), t = s / (2 + s), where log1p(s) - s would cancel.
 */
function log1pmx(s: TensorVariable, x: TensorVariable, a: TensorVariable): TensorVariable {
  const t = s.div(s.add(2));
  const t2 = t.mul(t);
  let sum: TensorVariable | number = 2 / 35;
  for (let j = 15; j >= 0; j--) sum = t2.mul(sum).add(2 / (2 * j + 3));
  const series = t.mul(t2).mul(sum).sub(t.mul(s));
  return T.switch(T.le(T.abs(s), 0.5), series, T.log(x.div(a)).sub(s));
}

/**
 * x^(a - 1) e^-x / Gamma(a): d P(a, x) / dx, Theano's formula below a = 13; from there as the forward kernels'
 * D / x = exp(a log1pmx(s) - S(a)) sqrt(a / (2 pi)) / x (S Stirling's correction): (a - 1) log x - x - log Gamma(a)
 * cancels a log a ulps away (float32's gradient at a = x = 1e6 was 2.3 times the true one, float64's 7e-10 off).
 */
function incompleteGammaDensity(a: TensorVariable, x: TensorVariable): TensorVariable {
  const theano = T.exp(x.neg().add(powerExponent(a, x)).sub(T.gammaln(a)));
  const r = T.trueDiv(1, a);
  const r2 = r.mul(r);
  let stirling: TensorVariable | number = STIRLING[0]!;
  for (const c of STIRLING.slice(1)) stirling = r2.mul(stirling).add(c);
  // Stirling's form where it is taken, else of x = a (finite there, with finite derivatives): the switch below
  // multiplies the derivative of the form it does not take by 0, and 0 times its inf at a tiny x (its 1 / x) made
  // the second derivative NaN for a < 13 (d2 P / dx2 at a = 0.3, x = 1e-5)
  // from a = 13 the density is taken as 0 below an x where it and its derivative are 0 in the dtype anyway (at most
  // x^12 / 12! and x^11 / 11!): Stirling's form's second derivative there is 0 times its 1 / x^2 overflowed, NaN
  // below x = 1e-162 (float64) or 2e-23 (float32). x = 0 is such an x (the form is 0 / 0 there); NaN and negative x are not
  const vanishing = T.and(T.ge(x, 0), T.lt(x, theano.dtype === 'float64' ? 1e-30 : 1e-5));
  const unused = T.or(T.lt(a, 13), vanishing);
  const xs = T.switch(unused, a, x);
  const s = xs.sub(a).div(a);
  const large = T.exp(a.mul(log1pmx(s, xs, a)).sub(r.mul(stirling))).mul(T.sqrt(a.mul(1 / (2 * Math.PI)))).div(xs);
  // the ends, where P and Q have their values: at x = 0 Stirling's form is 0 / 0 (the density is 0 for a > 1), and at
  // x = inf both forms are inf - inf in the exponent (the density is 0 for every finite a > 0)
  const density = T.switch(T.lt(a, 13), theano, T.switch(vanishing, 0, large));
  return T.switch(T.and(T.eq(x, Infinity), T.and(T.gt(a, 0), T.lt(a, Infinity))), 0, density);
}
const SQRT_PI_OVER_TWO = Math.sqrt(Math.PI) / 2;

/**
 * (a - 1) log x, 0 at a = 1 (x^0 = 1 at every x; 0 * log 0 would be NaN at x = 0, where the density is e^0 = 1);
 * the log of 1 there, so that its derivative (a - 1) / x, which the switch multiplies by 0, is not 0 / 0 at x = 0.
 */
function powerExponent(a: TensorVariable, x: TensorVariable): TensorVariable {
  const one = T.eq(a, 1);
  return T.switch(one, 0, a.sub(1).mul(T.log(T.switch(one, 1, x))));
}

export const COMPOSITE_GRADS: { readonly [S in CompositeScalarOp]: OpGrad } = {
  erf: ({ x: [a], gz }) => [gz.mul(T.exp(a!.mul(a!).neg())).mul(TWO_OVER_SQRT_PI)],
  erfc: ({ x: [a], gz }) => [gz.mul(T.exp(a!.mul(a!).neg())).mul(-TWO_OVER_SQRT_PI)],
  // erfinv'(x) = 1 / erf'(erfinv(x))
  erfinv: ({ z, gz }) => [gz.mul(T.exp(z.mul(z))).mul(SQRT_PI_OVER_TWO)],
  erfcinv: ({ z, gz }) => [gz.mul(T.exp(z.mul(z))).mul(-SQRT_PI_OVER_TWO)],
  gammaln: ({ x: [a], gz }) => [gz.mul(T.psi(a!))],
  gamma: ({ x: [a], z, gz }) => [gz.mul(z).mul(T.psi(a!))],
  psi: ({ x: [a], gz }) => [gz.mul(T.triGamma(a!))],
  trigamma: () => [notDifferentiable('tri_gamma has no gradient (it would need polygamma(2, x)), as in Theano')],
  // atan2(y, x): d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2)
  arctan2: ({ x: [y, x], gz }) => {
    const r2 = x!.mul(x!).add(y!.mul(y!));
    return [gz.mul(x!).div(r2), gz.mul(y!).div(r2).neg()];
  },
  arcsinh: ({ x: [a], gz }) => [gz.div(T.sqrt(a!.mul(a!).add(1)))],
  arccosh: ({ x: [a], gz }) => [gz.div(T.sqrt(a!.mul(a!).sub(1)))],
  arctanh: ({ x: [a], gz }) => [gz.div(T.sub(1, a!.mul(a!)))],
  deg2rad: ({ gz }) => [gz.mul(Math.PI / 180)],
  rad2deg: ({ gz }) => [gz.mul(180 / Math.PI)],
  trunc: () => [ZERO],
  // erfcx' = 2 x erfcx(x) - 2 / sqrt(pi)
  erfcx: ({ x: [a], z, gz }) => [gz.mul(a!.mul(z).mul(2).sub(TWO_OVER_SQRT_PI))],
  gammainc: ({ x: [a, x], gz }) => [noGradWrt('gammainc', 'a'), gz.mul(incompleteGammaDensity(a!, x!))],
  gammaincc: ({ x: [a, x], gz }) => [noGradWrt('gammaincc', 'a'), gz.mul(incompleteGammaDensity(a!, x!)).neg()],
  // Gamma(a) times the density: x^(a - 1) e^-x
  gammau: ({ x: [a, x], gz }) => [noGradWrt('gammau', 'a'), gz.mul(T.exp(x!.neg().add(powerExponent(a!, x!)))).neg()],
  gammal: ({ x: [a, x], gz }) => [noGradWrt('gammal', 'a'), gz.mul(T.exp(x!.neg().add(powerExponent(a!, x!))))],
  // d/dx Q(k / 2, x / 2) = -density(k / 2, x / 2) / 2 (Theano's chi2sf has no gradient at all)
  chi2sf: ({ x: [x, k], gz }) => [gz.mul(incompleteGammaDensity(k!.mul(0.5), x!.mul(0.5))).mul(-0.5), noGradWrt('chi2sf', 'k')],
  j0: ({ x: [a], gz }) => [gz.mul(T.j1(a!)).neg()],
  // j1' = (j0 - j2) / 2, i1' = (i0 + i2) / 2: Theano's, finite at 0 where j0 - j1 / x is not
  j1: ({ x: [a], gz }) => [gz.mul(T.j0(a!).sub(T.jv(2, a!))).mul(0.5)],
  jv: ({ x: [v, x], gz }) => [noGradWrt('jv', 'the order v'), gz.mul(T.jv(v!.sub(1), x!).sub(T.jv(v!.add(1), x!))).mul(0.5)],
  i0: ({ x: [a], gz }) => [gz.mul(T.i1(a!))],
  i1: ({ x: [a], gz }) => [gz.mul(T.i0(a!).add(T.iv(2, a!))).mul(0.5)],
  iv: ({ x: [v, x], gz }) => [noGradWrt('iv', 'the order v'), gz.mul(T.iv(v!.sub(1), x!).add(T.iv(v!.add(1), x!))).mul(0.5)],
};
