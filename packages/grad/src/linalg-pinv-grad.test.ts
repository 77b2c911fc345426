/**
 * pinv's own gradient (Golub-Pereyra, packages/graph linalg/pinv.ts) and
 * lstsq's solution's, against central finite differences (verifyGrad,
 * float64): finite where singular values repeat (the identity, orthogonal
 * matrices), where svd's gradient through U and V^T is NaN; on random
 * square, tall and wide matrices; and at a rank-deficient matrix along the
 * directions that keep its rank (the only ones along which pinv is
 * differentiable there). Their R-operator (Rop, forward) is the same
 * derivative: against central differences along a direction, against the
 * SVD composition's Rop where that is finite, and finite at the identity.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { Rop, grad, hessianVectorProduct, verifyGrad } from './index.js';

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

/** (f(a + e v) - f(a - e v)) / 2e, elementwise, for f of one or two matrices/vectors (float64). */
async function centralDifference(f: sym.SymFunction, points: readonly (M | number[])[], directions: readonly (M | number[])[], e = 1e-6): Promise<number[]> {
  const move = (x: M | number[], d: M | number[], t: number): M | number[] =>
    (x as unknown[]).map((r, i) => (Array.isArray(r) ? (r as number[]).map((y, j) => y + t * (d as M)[i]![j]!) : (r as number) + t * (d as number[])[i]!)) as M | number[];
  const at = async (t: number) => ((await f(...points.map((x, k) => sym.array(move(x, directions[k]!, t))))) as sym.NDArray).data;
  const [plus, minus] = [await at(e), await at(-e)];
  return Array.from(plus, (p, k) => (p - minus[k]!) / (2 * e));
}

/** V diag(1/s) U^T of the thin SVD: pinv without its op (full rank), whose Rop goes through svd's derivative. */
const throughSvd = (x: sym.TensorVariable): sym.TensorVariable => {
  const [u, s, vh] = T.nlinalg.svd(x, { fullMatrices: false });
  return T.dot(vh.T.mul(T.dimshuffle(T.trueDiv(1, s), ['x', 0])), u.T);
};

describe("Rop of pinv and of lstsq's solution: Golub-Pereyra forward", () => {
  const a = T.dmatrix('a');
  const v = T.dmatrix('v');
  const forward = sym.function([a], T.nlinalg.pinv(a));
  const rop = sym.function([a, v], [Rop(T.nlinalg.pinv(a), a, v), Rop(throughSvd(a), a, v)]);
  it.each(CASES)('%s: central differences; the SVD route where its Rop is finite', async (name, value) => {
    const direction = randomMatrix(value.length, value[0]!.length, 11);
    const [r, svdRoute] = (await rop(sym.array(value), sym.array(direction))) as sym.NDArray[];
    const want = await centralDifference(forward, [value], [direction]);
    want.forEach((w, k) => expect(r!.data[k]).toBeCloseTo(w, 8));
    const repeated = name === 'the identity' || name === 'a rotation' || name.startsWith('singular values');
    // the SVD's derivative through U and V^T divides by s_j^2 - s_i^2: NaN or infinite where two are equal
    expect(Array.from(svdRoute!.data).every(Number.isFinite)).toBe(!repeated);
    if (!repeated) Array.from(svdRoute!.data).forEach((w, k) => expect(r!.data[k]).toBeCloseTo(w, 10));
  });
  it('a rank-2 4 x 3 product, along directions that keep the rank', async () => {
    const x = T.dmatrix('x');
    const y = T.dmatrix('y');
    const [dx, dy] = [T.dmatrix('dx'), T.dmatrix('dy')];
    const f = sym.function([x, y], T.nlinalg.pinv(T.dot(x, y)));
    const r = sym.function([x, y, dx, dy], Rop(T.nlinalg.pinv(T.dot(x, y)), [x, y], [dx, dy]));
    const points = [randomMatrix(4, 2, 4), randomMatrix(2, 3, 5)];
    const directions = [randomMatrix(4, 2, 12), randomMatrix(2, 3, 13)];
    const got = (await r(...[...points, ...directions].map((m) => sym.array(m)))) as sym.NDArray;
    (await centralDifference(f, points, directions)).forEach((w, k) => expect(got.data[k]).toBeCloseTo(w, 7));
  });
  it.each(CASES)("lstsq's solution, b a vector and a matrix: %s", async (_, value) => {
    for (const b of [Array.from({ length: value.length }, (_, i) => 1 - i / 2), randomMatrix(value.length, 2, 6)]) {
      const y = b[0] instanceof Array ? T.dmatrix('y') : T.dvector('y');
      const dy = b[0] instanceof Array ? T.dmatrix('dy') : T.dvector('dy');
      const db = b[0] instanceof Array ? randomMatrix(value.length, 2, 14) : Array.from({ length: value.length }, (_, i) => 0.3 * i - 0.2);
      const direction = randomMatrix(value.length, value[0]!.length, 15);
      const f = sym.function([a, y], T.nlinalg.lstsq(a, y)[0]);
      const r = sym.function([a, y, v, dy], Rop(T.nlinalg.lstsq(a, y)[0], [a, y], [v, dy]));
      const got = (await r(sym.array(value), sym.array(b), sym.array(direction), sym.array(db))) as sym.NDArray;
      (await centralDifference(f, [value, b], [direction, db])).forEach((w, k) => expect(got.data[k]).toBeCloseTo(w, 8));
    }
  });
  it('Hessian-vector product as Rop of the gradient (forward over reverse) at the identity: the same as reverse over reverse', async () => {
    const hv = sym.function([a, v], [Rop(grad(T.sum(T.nlinalg.pinv(a)), a), a, v), hessianVectorProduct(T.sum(T.nlinalg.pinv(a)), a, v)]);
    const [forwardOverReverse, reverseOverReverse] = (await hv(sym.array(I3), sym.array([[1, 2, 3], [0, 1, 0], [0, 0, 1]]))) as sym.NDArray[];
    [7, 2, 2, 9, 4, 4, 10, 5, 5].forEach((want, e) => {
      expect(forwardOverReverse!.data[e]).toBeCloseTo(want, 10);
      expect(reverseOverReverse!.data[e]).toBeCloseTo(want, 10);
    });
  });
  it('float32: the R-operator is float32, and finite at the identity', async () => {
    const x = T.fmatrix('x');
    const d = T.fmatrix('d');
    const r = Rop(T.nlinalg.pinv(x), x, d);
    expect(r.dtype).toBe('float32');
    const value = (await sym.function([x, d], r)(sym.array(I3, { dtype: 'float32' }), sym.array(I3, { dtype: 'float32' }))) as sym.NDArray;
    // at the identity along the identity: -I I I + 0 + 0
    expect(Array.from(value.data)).toEqual([-1, 0, 0, 0, -1, 0, 0, 0, -1]);
  });
});
