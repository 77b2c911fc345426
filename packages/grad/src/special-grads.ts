/**
 * Gradient rules of the composite scalar ops (erf, gammaln, arctan2...):
 * ELEMWISE_GRADS in rules.ts takes them in, so a composite without a rule
 * is a compile error there as a primitive is. Theano's formulas; trigamma
 * has none (Theano's tri_gamma raises too).
 */
import { T, type CompositeScalarOp } from '@sym/graph';
import { ZERO, notDifferentiable, type OpGrad } from './types.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const SQRT_PI_OVER_TWO = Math.sqrt(Math.PI) / 2;

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
};
