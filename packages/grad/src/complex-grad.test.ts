/**
 * Gradients through complex intermediates (sym.complex): a real cost's
 * gradient with respect to a complex z is Theano's dC/dRe(z) + i dC/dIm(z),
 * checked in closed form and against finite differences on the parts.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, verifyGrad } from './index.js';

const { T, complex: C, ComplexArray } = sym;

describe('grad through complex variables', () => {
  it('gives dC/dRe + i dC/dIm: sum |z|^2 has gradient 2z', async () => {
    const z = T.zvector('z');
    const cost = T.sum(T.sqr(C.abs(z)));
    const g = grad(cost, z);
    expect(g).toBeInstanceOf(sym.ComplexVariable);
    expect(g.dtype).toBe('complex128');
    const v = (await sym.function([z], g)(ComplexArray.from([1, -2, 0.5], [3, 0.25, -1]))) as InstanceType<typeof ComplexArray>;
    [2, -4, 1].forEach((x, k) => expect(v.re.data[k]).toBeCloseTo(x, 12));
    [6, 0.5, -2].forEach((x, k) => expect(v.im.data[k]).toBeCloseTo(x, 12));
  });

  it('of a holomorphic f, Re f has gradient conj(f\'(z)): Re(z^2) at 1+2i is 2 - 4i', async () => {
    const z = T.zscalar('z');
    const g = grad(T.real(C.mul(z, z)), z);
    const v = (await sym.function([z], g)(ComplexArray.from(1, 2))) as InstanceType<typeof ComplexArray>;
    expect(v.toString()).toBe('(2-4j)');
  });

  const points = [
    [0.3, -1.2, 2.0],
    [0.7, 0.4, -0.5],
  ];
  const cases: [string, (z: sym.ComplexVariable, w: sym.ComplexVariable) => sym.TensorVariable][] = [
    ['mul, div', (z, w) => T.sum(T.real(C.div(C.mul(z, w), C.add(w, 2))))],
    ['exp, log', (z) => T.sum(T.imag(C.exp(C.log(C.add(z, 3)))))],
    ['sqrt, abs', (z) => T.sum(C.abs(C.sqrt(C.sub(z, 0.1))))],
    ['angle, dot', (z, w) => T.add(T.sum(T.angle(z)), T.real(C.dot(z, C.conj(w) as sym.ComplexVariable)))],
    ['pow, prod, mean', (z) => T.real(C.mean(C.pow(z, 2.5))) as sym.TensorVariable],
  ];
  for (const [name, f] of cases) {
    it(`matches finite differences on the parts: ${name}`, async () => {
      // z = a + ib, w = b + ia (two complex inputs from two real vectors)
      await verifyGrad((a, b) => f(T.complex(a!, b!), T.complex(b!, a!)), points, { relTol: 1e-6 });
    });
  }

  it('refuses a complex cost', () => {
    const z = T.zscalar('z');
    expect(() => grad(C.mul(z, z) as never, z)).toThrow(/the cost must be a real scalar, got the complex/);
  });
});
