/**
 * Gradients of T.nlinalg and T.slinalg against central finite differences
 * (verifyGrad, float64, well-conditioned random matrices), and the batched
 * pass behind jacobian against one gradient per output element. svd's
 * (and pinv's, lstsq's and the singular-value norms') are checked in
 * linalg-svd-grad.test.ts.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, jacobian, verifyGrad } from './index.js';

const T = sym.T;
type M = number[][];

/** Uniform in [-1, 1) plus `shift` on the diagonal (well conditioned for shift ~ n); with `spd`, R R^T + n I. */
function randomMatrix(n: number, seed: number, options: { shift?: number; spd?: boolean; cols?: number } = {}): M {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const cols = options.cols ?? n;
  const r: M = Array.from({ length: n }, (_, i) => Array.from({ length: cols }, (_, j) => u() + (i === j ? (options.shift ?? n) : 0)));
  if (!options.spd) return r;
  return r.map((x, i) => r.map((y, j) => x.reduce((acc, v, k) => acc + v * y[k]!, 0) + (i === j ? n : 0)));
}
const vector = (n: number, seed: number): number[] => randomMatrix(1, seed, { cols: n, shift: 0 })[0]!;

describe('gradients against finite differences', () => {
  it('matrixInverse: -Z^T gZ Z^T', async () => {
    await verifyGrad((a) => T.nlinalg.matrixInverse(a), [randomMatrix(4, 1)]);
  });
  it('det: gz det(A) A^-T', async () => {
    await verifyGrad((a) => T.nlinalg.det(a), [randomMatrix(4, 2)]);
    await verifyGrad((a) => T.nlinalg.det(a), [randomMatrix(1, 3)]);
  });
  it('trace and matrixDot', async () => {
    await verifyGrad((a) => T.nlinalg.trace(a), [randomMatrix(3, 4)]);
    await verifyGrad((a, b, c) => T.nlinalg.matrixDot(a, b, c), [randomMatrix(2, 5, { cols: 3 }), randomMatrix(3, 6), randomMatrix(3, 7, { cols: 2 })]);
  });
  it('matrixPower (through the products and the inverse) and norm', async () => {
    for (const n of [2, 3, 5, -1, -2]) await verifyGrad((a) => T.nlinalg.matrixPower(a, n), [randomMatrix(3, 30 + n)]);
    const m = randomMatrix(3, 40, { cols: 4, shift: 0.5 });
    for (const ord of [null, 'fro', 1, -1, Infinity, -Infinity] as const) await verifyGrad((a) => T.nlinalg.norm(a, ord), [m]);
    for (const ord of [null, 1, 3, Infinity] as const) await verifyGrad((v) => T.nlinalg.norm(v, ord), [vector(5, 41)]);
  });
  it("qr: PyTensor's gradient (modes 'reduced' and 'r', tall and square A); 'complete' refused naming the op", async () => {
    const tall = randomMatrix(5, 70, { cols: 3, shift: 1 });
    const square = randomMatrix(4, 71);
    for (const a of [tall, square]) {
      await verifyGrad((x) => T.nlinalg.qr(x)[0], [a]);
      await verifyGrad((x) => T.nlinalg.qr(x)[1], [a]);
      await verifyGrad((x) => T.nlinalg.qr(x, 'r'), [a]);
      await verifyGrad((x) => {
        const [q, r] = T.nlinalg.qr(x);
        return T.sum(T.sqr(q).mul(T.arange(T.shapeI(q, 1)))).add(T.sum(r.mul(r)));
      }, [a]);
    }
    const a = T.dmatrix('a');
    // qr's input is a scaled by a power of two (see graph's linalg.ts, scaledToUnit), computed from a
    expect(() => grad(T.sum(T.nlinalg.qr(a, 'complete')[0]), a)).toThrow(/QR\{complete\} is not differentiable with respect to its input 0 \(Elemwise\{true_div,no_inplace\}\.0 \(computed from a\) \(TensorType\(float64, matrix\)\)\): QR\{complete\} has no gradient: the last m - n columns of a complete Q are not unique/);
  });
  it("eigh: Theano's EighGrad, through the eigenvalues, the eigenvectors and both, either triangle", async () => {
    // a random matrix (not symmetric: eigh reads one triangle, the other gets no gradient); distinct eigenvalues
    const a = randomMatrix(4, 50, { shift: 0 });
    await verifyGrad((x) => T.nlinalg.eigh(x)[0], [a]);
    await verifyGrad((x) => T.nlinalg.eigh(x)[1], [a]);
    await verifyGrad((x) => T.nlinalg.eigh(x, 'U')[1], [a]);
    await verifyGrad((x) => {
      const [w, v] = T.nlinalg.eigh(x, 'U');
      return T.sum(w.mul(w)).add(T.sum(T.sqr(v).mul(T.arange(5))));
    }, [randomMatrix(5, 51, { shift: 0 })]);
    await verifyGrad((x) => T.nlinalg.eigvalsh(x), [randomMatrix(1, 52)]);
  });
  it('tensorinv and tensorsolve (through the inverse and the solve)', async () => {
    const a = randomMatrix(6, 60);
    await verifyGrad((x) => T.nlinalg.tensorinv(T.reshape(x, [2, 3, 6]), 2), [a]);
    await verifyGrad((x, b) => T.nlinalg.tensorsolve(T.reshape(x, [2, 3, 2, 3]), T.reshape(b, [2, 3])), [a, vector(6, 61)]);
  });
  it('solve, general: with a vector b and with a matrix b', async () => {
    await verifyGrad((a, b) => T.slinalg.solve(a, b), [randomMatrix(4, 8), vector(4, 9)]);
    await verifyGrad((a, b) => T.slinalg.solve(a, b), [randomMatrix(4, 10), randomMatrix(4, 11, { cols: 3, shift: 0 })]);
  });
  it('solve, triangular: the gradient stays in the triangle read', async () => {
    for (const assumeA of ['lower_triangular', 'upper_triangular'] as const) {
      await verifyGrad((a, b) => T.slinalg.solve(a, b, { assumeA }), [randomMatrix(4, 12), vector(4, 13)]);
      await verifyGrad((a, b) => T.slinalg.solve(a, b, { assumeA }), [randomMatrix(3, 14), randomMatrix(3, 15, { cols: 2, shift: 0 })]);
    }
    const a = T.dmatrix('a');
    const b = T.dvector('b');
    const g = (await sym.function([a, b], grad(T.sum(T.slinalg.solveLowerTriangular(a, b)), a))(sym.array(randomMatrix(3, 16)), sym.array(vector(3, 17)))) as sym.NDArray;
    const upper = [0, 1, 2].flatMap((i) => [0, 1, 2].filter((j) => j > i).map((j) => g.data[i * 3 + j]));
    expect(upper).toEqual([0, 0, 0]);
    expect([0, 3, 4, 6, 7, 8].every((e) => g.data[e] !== 0)).toBe(true);
  });
  it('solve, symmetric and positive definite: one triangle read, both halves folded onto it', async () => {
    for (const assumeA of ['sym', 'pos'] as const) {
      for (const lower of [false, true]) {
        await verifyGrad((a, b) => T.slinalg.solve(a, b, { assumeA, lower }), [randomMatrix(4, 16, { spd: true }), vector(4, 17)]);
        await verifyGrad((a, b) => T.slinalg.solve(a, b, { assumeA, lower }), [randomMatrix(3, 18, { spd: true }), randomMatrix(3, 19, { cols: 2, shift: 0 })]);
      }
    }
  });
  it('cholesky: Murray (2016), through A = R R^T + n I as Theano tests it, and directly on the triangle read', async () => {
    for (const lower of [true, false]) {
      const n = 4;
      await verifyGrad((r) => T.slinalg.cholesky(T.dot(r, r.T).add(T.eye(n, null, 0, 'float64').mul(n)), { lower }), [randomMatrix(n, 20, { shift: 0 })]);
      await verifyGrad((a) => T.slinalg.cholesky(a, { lower }), [randomMatrix(5, 21, { spd: true })]);
      await verifyGrad((a) => T.slinalg.cholesky(a, { lower }), [randomMatrix(1, 22, { spd: true })]);
    }
  });
  it('a GP log marginal likelihood: -1/2 y^T K^-1 y - sum(log diag(L)), in K\'s entries', async () => {
    const y = vector(5, 23);
    await verifyGrad(
      (k) => {
        const L = T.slinalg.cholesky(k);
        const alpha = T.slinalg.solveUpperTriangular(L.T, T.slinalg.solveLowerTriangular(L, T.constant(y)));
        return T.dot(T.constant(y), alpha).mul(-0.5).sub(T.sum(T.log(T.diagonal(L))));
      },
      [randomMatrix(5, 24, { spd: true })],
    );
  });
});

describe('the batched pass (jacobian) agrees with one gradient per element', () => {
  /** jacobian(f(w), w)[k] against grad(f(w).flatten()[k], w), at `value`. */
  async function check(f: (w: sym.TensorVariable) => sym.TensorVariable, value: M): Promise<void> {
    const w = T.dmatrix('w');
    const out = T.flatten(f(w));
    const J = jacobian(out, w);
    const n = (await sym.function([w], out)(sym.array(value))) as sym.NDArray;
    const rows = Array.from({ length: n.size }, (_, k) => grad(out.get(k), w));
    const [j, ...gs] = (await sym.function([w], [J, ...rows])(sym.array(value))) as sym.NDArray[];
    const size = value.length * value[0]!.length;
    gs.forEach((g, k) => {
      for (let e = 0; e < size; e++) expect(j!.data[k * size + e]).toBeCloseTo(g.data[e]!, 10);
    });
  }
  it('inverse, det, solve (vector and matrix b), cholesky', async () => {
    const a = randomMatrix(3, 30);
    const s = randomMatrix(3, 31, { spd: true });
    await check((w) => T.nlinalg.matrixInverse(w), a);
    await check((w) => T.nlinalg.det(w).dimshuffle('x'), a);
    await check((w) => T.slinalg.solve(w, T.constant(vector(3, 32))), a);
    await check((w) => T.slinalg.solve(w, T.constant(randomMatrix(3, 33, { cols: 2 }))), a);
    await check((w) => T.slinalg.solve(w, T.constant(vector(3, 34)), { assumeA: 'pos', lower: true }), s);
    await check((w) => T.slinalg.solveUpperTriangular(w, T.constant(randomMatrix(3, 35, { cols: 2 }))), a);
    await check((w) => T.slinalg.cholesky(w), s);
    await check((w) => T.slinalg.cholesky(w, { lower: false }), s);
  });
  it('eigh (eigenvalues, eigenvectors, both triangles) and matrixPower', async () => {
    const a = randomMatrix(3, 36, { shift: 0 });
    await check((w) => T.nlinalg.eigh(w)[0], a);
    await check((w) => T.nlinalg.eigh(w)[1], a);
    await check((w) => T.nlinalg.eigh(w, 'U')[1].add(T.dimshuffle(T.nlinalg.eigh(w, 'U')[0], ['x', 0])), a);
    await check((w) => T.nlinalg.matrixPower(w, -3), randomMatrix(3, 37));
    await check((w) => T.nlinalg.qr(w)[0], randomMatrix(3, 38));
    await check((w) => T.nlinalg.qr(w, 'r'), randomMatrix(3, 39));
  });
});
