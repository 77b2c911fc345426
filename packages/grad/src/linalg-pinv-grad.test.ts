/**
 * pinv's own gradient (Golub-Pereyra, packages/graph linalg/pinv.ts) and
 * lstsq's solution's, against central finite differences (verifyGrad,
 * float64): finite where singular values repeat (the identity, orthogonal
 * matrices), where svd's gradient through U and V^T is NaN; on random
 * square, tall and wide matrices; and at a rank-deficient matrix along the
 * directions that keep its rank (the only ones along which pinv is
 * differentiable there).
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, hessianVectorProduct, verifyGrad } from './index.js';

const T = sym.T;
type M = number[][];

function randomMatrix(rows: number, cols: number, seed: number): M {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: rows }, () => Array.from({ length: cols }, u));
}
const I3 = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
/** A rotation: every singular value 1. */
const ROTATION = [[0.6, -0.8, 0], [0.8, 0.6, 0], [0, 0, 1]];
/** 2 x a permutation, then diag(1, 1, 3) scaled rows: s = [3, 2, 2] (one pair repeated, one not). */
const PARTLY_REPEATED = [[0, 2, 0], [2, 0, 0], [0, 0, 3]];
const CASES: readonly [string, M][] = [
  ['the identity', I3],
  ['a rotation', ROTATION],
  ['singular values [3, 2, 2]', PARTLY_REPEATED],
  ['a random square', randomMatrix(4, 4, 1)],
  ['a random tall', randomMatrix(5, 3, 2)],
  ['a random wide', randomMatrix(3, 5, 3)],
];

describe("pinv's gradient against finite differences", () => {
  it.each(CASES)('%s', async (_, a) => {
    await verifyGrad((x) => T.nlinalg.pinv(x), [a]);
    // second order: the gradient's graph reads pinv's output, differentiated by the same rule
    const w = T.constant(randomMatrix(a[0]!.length, a.length, 7));
    await verifyGrad((x) => grad(T.sum(T.nlinalg.pinv(x).mul(w)), x), [a]);
  });
  it('at the identity: -P^T G P^T alone (A P = I, P A = I), so sum(pinv(A)) has gradient -1 everywhere', async () => {
    const a = T.dmatrix('a');
    const g = (await sym.function([a], grad(T.sum(T.nlinalg.pinv(a)), a))(sym.array(I3))) as sym.NDArray;
    expect(Array.from(g.data)).toEqual(Array(9).fill(-1));
  });
  it('a rank-1 matrix u v^T, along the directions that keep its rank (finite differences in u and v)', async () => {
    // any other direction lifts a zero singular value to ~eps, whose reciprocal pinv takes: no derivative there
    const u = [1, -2, 0.5, 3];
    const v = [0.3, 2, -1];
    await verifyGrad((x, y) => T.nlinalg.pinv(T.outer(x, y)), [u, v]);
    // rank 2 of 4 x 3, as a product of 4 x 2 and 2 x 3
    await verifyGrad((x, y) => T.nlinalg.pinv(T.dot(x, y)), [randomMatrix(4, 2, 4), randomMatrix(2, 3, 5)]);
  });
  it('float32: the gradient is float32, and finite at the identity', async () => {
    const a = T.fmatrix('a');
    const g = grad(T.sum(T.nlinalg.pinv(a)), a);
    expect(g.dtype).toBe('float32');
    const value = (await sym.function([a], g)(sym.array(I3, { dtype: 'float32' }))) as sym.NDArray;
    expect(Array.from(value.data)).toEqual(Array(9).fill(-1));
  });
});

describe("lstsq's solution: pinv's gradient for A, P^T gx for b", () => {
  const b = (rows: number): number[] => Array.from({ length: rows }, (_, i) => 1 - i / 2);
  it.each(CASES)('%s, b a vector and a matrix', async (_, a) => {
    await verifyGrad((x, y) => T.nlinalg.lstsq(x, y)[0], [a, b(a.length)]);
    await verifyGrad((x, y) => T.nlinalg.lstsq(x, y)[0], [a, randomMatrix(a.length, 2, 6)]);
    // the residuals go through the solution
    await verifyGrad((x) => T.nlinalg.lstsq(x, T.constant(b(a.length)))[1], [a]);
  });
});

describe('second order at the identity', () => {
  it("hessianVectorProduct of sum(pinv(A)) (reverse over reverse: the override twice) is the central difference of the gradient", async () => {
    const a = T.dmatrix('a');
    const v = T.dmatrix('v');
    const f = sym.function([a, v], hessianVectorProduct(T.sum(T.nlinalg.pinv(a)), a, v));
    const hv = (await f(sym.array(I3), sym.array([[1, 2, 3], [0, 1, 0], [0, 0, 1]]))) as sym.NDArray;
    // numpy: (g(I + e V) - g(I - e V)) / 2e with g the Golub-Pereyra gradient, e = 1e-6
    [7, 2, 2, 9, 4, 4, 10, 5, 5].forEach((want, e) => expect(hv.data[e]).toBeCloseTo(want, 10));
  });
});
