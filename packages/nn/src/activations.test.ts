import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import { describe, expect, it } from 'vitest';
import '@sym/backend-cpu';
import { ACTIVATIONS, Dense, Layer, Nonlinearity, RandomState, resolveActivation, type ActivationName } from './index.js';

const T = sym.T;
const xs = [-3, -1, -0.5, 0, 0.5, 1, 3];
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

// float64 references from the definitions (Lasagne's, Keras's, Theano's)
const reference: Record<Exclude<ActivationName, 'softmax'>, (v: number) => number> = {
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  tanh: Math.tanh,
  relu: (v) => Math.max(v, 0),
  linear: (v) => v,
  leakyRelu: (v) => (v > 0 ? v : 0.01 * v),
  elu: (v) => (v > 0 ? v : Math.expm1(v)),
  selu: (v) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v)),
  softplus: (v) => Math.log1p(Math.exp(v)),
  softsign: (v) => v / (1 + Math.abs(v)),
  hardSigmoid: (v) => Math.min(1, Math.max(0, 0.2 * v + 0.5)),
  swish: (v) => v / (1 + Math.exp(-v)),
  gelu: (v) => v * normalCdf(v),
};

/** The standard normal CDF, `(1 + erf(v / sqrt 2)) / 2`, erf by its Taylor series (to about 1e-15 for |v| <= 3). */
function normalCdf(v: number): number {
  const z = v * Math.SQRT1_2;
  let term = z;
  let sum = z;
  for (let n = 1; n < 60; n++) {
    term *= (-z * z) / n;
    sum += term / (2 * n + 1);
  }
  return 0.5 * (1 + (2 / Math.sqrt(Math.PI)) * sum);
}

describe('named activations', () => {
  it('gives each name its definition (float64, to 1e-12), and names every one in ActivationName', async () => {
    // the series against tabulated values of Phi
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(normalCdf(-3)).toBeCloseTo(1 - 0.9986501019683699, 14);
    expect(Object.keys(ACTIVATIONS).sort()).toEqual([...Object.keys(reference), 'softmax'].sort());
    const x = T.dvector('x');
    for (const [name, f] of Object.entries(reference)) {
      const out = await sym.function([x], ACTIVATIONS[name as ActivationName](x))(sym.array(xs, { dtype: 'float64' }));
      expect(out.dtype, name).toBe('float64');
      Array.from(out.data).forEach((v, i) => expect(v, `${name}(${xs[i]})`).toBeCloseTo(f(xs[i]!), 12));
    }
  });

  it('differentiates each, as the finite difference of its reference does (gelu through erf)', async () => {
    const x = T.dvector('x');
    const at = [-1.3, -0.4, 0.7, 2.1]; // away from the kinks of relu, leakyRelu, elu, selu and hardSigmoid
    for (const [name, f] of Object.entries(reference)) {
      const g = grad(T.sum(ACTIVATIONS[name as ActivationName](x)), [x])[0]!;
      const out = await sym.function([x], g)(sym.array(at, { dtype: 'float64' }));
      const h = 1e-6;
      Array.from(out.data).forEach((v, i) => expect(v, `${name}'(${at[i]})`).toBeCloseTo((f(at[i]! + h) - f(at[i]! - h)) / (2 * h), 6));
    }
  });

  it('are what Dense, Layer and Nonlinearity take by name', async () => {
    const x = T.matrix('x');
    const dense = new Dense([[1, -1]], [0, 0], 'gelu');
    const layer = new Layer([[1], [-1]], [0, 0], 'leakyRelu');
    const input = sym.array([[2]], { dtype: sym.config.floatX });
    // Phi(2) = 0.9772498680518208
    expect(Array.from((await sym.function([x], dense.output(x))(input)).data)).toEqual([expect.closeTo(2 * 0.9772498680518208, 6), expect.closeTo(-2 * (1 - 0.9772498680518208), 6)]);
    expect(Array.from((await sym.function([x], layer.output(x))(input)).data)).toEqual([2, expect.closeTo(-0.02, 6)]);
    expect(Array.from((await sym.function([x], new Nonlinearity('selu').output(x))(sym.array([[-1, 1]], { dtype: sym.config.floatX }))).data)).toEqual([expect.closeTo(SELU_SCALE * SELU_ALPHA * Math.expm1(-1), 6), expect.closeTo(SELU_SCALE, 6)]);
    expect(Dense.create(3, 2, { activation: 'elu', rng: new RandomState(1) }).activation).toBe(ACTIVATIONS.elu);
  });

  it("refuses an unknown name, listing the names, and points another library's spelling to ours", () => {
    const names = 'sigmoid, tanh, relu, softmax, linear, leakyRelu, elu, selu, softplus, softsign, hardSigmoid, swish, gelu';
    expect(() => resolveActivation('mish' as never)).toThrow(`activation: expected a function or one of ${names}, got "mish"`);
    expect(() => Dense.create(2, 2, { activation: 'leaky_relu' as never })).toThrow(`Dense: activation: expected a function or one of ${names}, got "leaky_relu" (here "leaky_relu" is "leakyRelu")`);
    expect(() => new Layer([[1]], [1], 'rectify' as never)).toThrow(/got "rectify" \(here "rectify" is "relu"\)$/);
    expect(() => new Nonlinearity('hard_sigmoid' as never)).toThrow(/got "hard_sigmoid" \(here "hard_sigmoid" is "hardSigmoid"\)$/);
    expect(() => new Nonlinearity('SiLU' as never)).toThrow(/got "SiLU" \(here "SiLU" is "swish"\)$/);
    expect(() => new Nonlinearity('GELU' as never)).toThrow(/got "GELU" \(here "GELU" is "gelu"\)$/);
    expect(() => resolveActivation('constructor' as never)).toThrow(/got "constructor"$/);
    expect(() => new Nonlinearity(null as never)).toThrow(`Nonlinearity: expected an activation (a function or one of ${names}), got null`);
  });
});
