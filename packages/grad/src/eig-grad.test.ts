/**
 * Gradients of T.nlinalg.eig / eigvals and of sym.complex's linear algebra
 * (solve and matrixInverse through the real block form, det's own rule),
 * against finite differences on a real matrix's entries.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, jacobian, verifyGrad } from './index.js';

const { T, complex: C } = sym;

/** Distinct eigenvalues: a complex pair and a real one. */
const A3 = [[0.3, -1.2, 0.5], [0.9, 0.1, -0.4], [1.1, 0.7, -0.6]];
/** Four distinct real eigenvalues. */
const R4 = [[4, 1, 0.5, 0.2], [0.3, 2, -0.4, 0.1], [0.2, 0.6, -1, 0.7], [0.1, -0.3, 0.2, -3]];
const weights = (n: number, m?: number) => (m === undefined ? T.arange(n).add(1) : T.arange(n * m).reshape([n, m]).sub(3));
const tol = { relTol: 1e-5, absTol: 1e-6 };

describe('grad of eig and eigvals', () => {
  const cases: [string, (a: sym.TensorVariable) => sym.TensorVariable][] = [
    ['the real parts of w', (a) => T.sum(T.nlinalg.eig(a)[0].re.mul(weights(a.staticShape[0] ?? 3)))],
    ['the imaginary parts of w', (a) => T.sum(T.nlinalg.eig(a)[0].im.mul(weights(3)))],
    ['eigvals (V from an eig of a)', (a) => T.sum(T.sqr(T.nlinalg.eigvals(a).re)).add(T.sum(T.nlinalg.eigvals(a).im.mul(weights(3))))],
    ['|v|, blind to the phase', (a) => T.sum(C.abs(T.nlinalg.eig(a)[1]).mul(weights(3, 3)))],
    ["v's real parts (through sym's phase: largest component real, positive)", (a) => T.sum(T.nlinalg.eig(a)[1].re.mul(weights(3, 3)))],
    ["v's imaginary parts", (a) => T.sum(T.nlinalg.eig(a)[1].im.mul(weights(3, 3)))],
    ['w and v together', (a) => { const [w, v] = T.nlinalg.eig(a); return T.sum(C.mul(C.dot(v, w), w).re); }],
  ];
  for (const [name, f] of cases) {
    it(`matches finite differences: ${name}`, async () => {
      await verifyGrad((a) => f(a!), [A3], tol);
    });
  }

  it('matches finite differences for a matrix of real eigenvalues (real vectors: their imaginary parts stay 0)', async () => {
    await verifyGrad((a) => { const [w, v] = T.nlinalg.eig(a); return T.sum(w.re.mul(weights(4))).add(T.sum(v.re.mul(weights(4, 4)))).add(T.sum(v.im)); }, [R4], tol);
  });

  it("the sum of the eigenvalues is the trace: its gradient is I, as eigvalsh's", async () => {
    const a = T.dmatrix('a');
    const S = [[2, 1, 0], [1, 3, 1], [0, 1, 4]];
    const [g, h] = (await sym.function([a], [grad(T.sum(T.nlinalg.eigvals(a).re), a), grad(T.sum(T.nlinalg.eigvalsh(a)), a)])(S)) as sym.NDArray[];
    // the trace's gradient is I either way (eigh's is folded onto the lower triangle, read as symmetric)
    [1, 0, 0, 0, 1, 0, 0, 0, 1].forEach((x, k) => expect(g!.data[k]).toBeCloseTo(x, 12));
    expect(h!.data[0]).toBeCloseTo(1, 12);
  });

  it('of a complex matrix (re + i im from two real ones): w, |v| and eigvals, through both parts', async () => {
    const B3 = [[0.5, 0.2, -0.7], [-0.3, 0.8, 0.1], [0.4, -0.2, 0.6]];
    const zOf = (re: sym.TensorVariable, im: sym.TensorVariable) => C.complex(re, im);
    await verifyGrad((re, im) => { const [w, v] = T.nlinalg.eig(zOf(re!, im!)); return T.sum(w.im.mul(weights(3))).add(T.sum(C.abs(v).mul(weights(3, 3)))).add(T.sum(v.re)); }, [A3, B3], tol);
    await verifyGrad((re, im) => T.sum(T.sqr(T.nlinalg.eigvals(zOf(re!, im!)).re)), [A3, B3], tol);
  });

  it('at a repeated eigenvalue: NaN through v (no derivative), finite through w alone', async () => {
    const a = T.dmatrix('a');
    const [w, v] = T.nlinalg.eig(a);
    const f = sym.function([a], [grad(T.sum(w.re.mul(weights(3))), a), grad(T.sum(C.abs(v).mul(weights(3, 3))), a)]);
    const [gw, gv] = (await f([[2, 0, 0], [0, 2, 0], [0, 0, 5]])) as sym.NDArray[];
    expect(Array.from(gw!.data)).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 3]);
    expect(Array.from(gv!.data).every(Number.isNaN)).toBe(true);
  });

  it("is refused in jacobian's batched pass, naming the op", () => {
    const a = T.dmatrix('a');
    expect(() => jacobian(T.nlinalg.eigvals(a).re, a)).toThrow(/Eig\{values\}'s gradient in jacobian's batched pass is not provided/);
  });
});

describe('grad of complex solve, matrixInverse and det', () => {
  const z = (a: sym.TensorVariable) => C.complex(a, T.transpose(a).mul(0.5).add(0.2));
  const cases: [string, (a: sym.TensorVariable) => sym.TensorVariable][] = [
    ['solve', (a) => T.sum(C.solve(z(a), C.complex(T.constant([1, 2, 3]), T.constant([0.5, 0, -1]))).im)],
    ['matrixInverse', (a) => T.sum(C.abs(C.matrixInverse(z(a))))],
    ['det', (a) => { const d = C.det(z(a)); return d.re.add(d.im.mul(2)); }],
  ];
  for (const [name, f] of cases) {
    it(`matches finite differences: ${name}`, async () => {
      await verifyGrad((a) => f(a!), [A3], tol);
    });
  }
});
