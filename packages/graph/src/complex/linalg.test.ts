/**
 * sym.complex.solve, matrixInverse (the real block form) and det (a host
 * op): NumPy 2.4's values, written in. Gradients: @sym/grad's
 * eig-grad.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';
import { ComplexArray } from './array.js';
import * as C from './index.js';

const A = ComplexArray.from([[1, 2, 0], [0.5, -1, 3], [2, 1, 1]], [[0.5, -1, 2], [1, 0, -0.5], [0, 3, 1]]);
const b = ComplexArray.from([1, 2, 3], [0, -1, 0.5]);
const B = ComplexArray.from([[1, 0], [2, 1], [3, -1]], [[0, 1], [-1, 0], [0.5, 2]]);

describe('complex linear algebra: solve, matrixInverse, det', () => {
  it("solve of a vector and of a matrix, and the inverse, are NumPy's", async () => {
    const [a, x, X] = [T.zmatrix('a'), T.zvector('x'), T.zmatrix('X')];
    const f = sym.function([a, x, X], [C.solve(a, x), C.solve(a, X), C.matrixInverse(a)]);
    const [s, S, inv] = (await f(A, b, B)) as ComplexArray[];
    expect(s!.toString()).toBe('[0.03080102-0.20793151j 0.33364495-0.4983763j  0.76146428-0.34815981j]');
    expect(S!.toString().split('\n')[0]).toBe('[[ 0.03080102-0.20793151j -0.33871285+0.02460146j]');
    expect(inv!.toString().split('\n')[0]).toBe('[[ 0.32906908-0.28537689j -0.10627829-0.34323952j  0.11907105+0.1993702j ]');
  });

  it('det: its phase, which the block form cannot give (det M = |det A|^2); 1 for 0 x 0, 0 for a singular matrix', async () => {
    const a = T.zmatrix('a');
    const f = sym.function([a], C.det(a));
    const d = (await f(A)) as ComplexArray;
    expect(d.re.data[0]).toBeCloseTo(4.75, 13);
    expect(d.im.data[0]).toBeCloseTo(-24.75, 13);
    const empty = sym.NDArray.zeros([0, 0], 'float64');
    expect(((await f(ComplexArray.from(empty, empty))) as ComplexArray).toString()).toBe('(1+0j)');
    expect(((await f(ComplexArray.from([[1, 2], [1, 2]], [[1, 2], [1, 2]]))) as ComplexArray).toString()).toBe('0j'); // NumPy prints a complex 0 so
  });

  it('complex64 stays complex64; a real operand is complex with imaginary part 0', async () => {
    const a = T.cmatrix('a');
    const x = T.fvector('x');
    const s = C.solve(a, x);
    expect([s.dtype, C.det(a).dtype, C.matrixInverse(a).dtype]).toEqual(['complex64', 'complex64', 'complex64']);
    const got = (await sym.function([a, x], s)(ComplexArray.from([[1, 2, 0], [0.5, -1, 3], [2, 1, 1]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]], 'complex64'), [1, 2, 3])) as ComplexArray;
    // numpy.linalg.solve of the real parts: (1.42857143, -0.21428571, 0.35714286)
    [1.4285714285714286, -0.21428571428571427, 0.35714285714285715].forEach((v, k) => expect(got.re.data[k]).toBeCloseTo(v, 5));
    expect(Array.from(got.im.data)).toEqual([0, 0, 0]);
  });

  it('errors name the matrix: rank, a square shape known now or when called', async () => {
    expect(() => C.solve(T.zvector('v'), T.zvector('w'))).toThrow(/complex.solve: a must be a square matrix, got v with 1 dimensions/);
    expect(() => C.matrixInverse(C.complex(T.zeros([2, 3]), T.zeros([2, 3])))).toThrow(/complex.matrixInverse: a must be a square matrix, got .* of shape \(2, 3\)/);
    expect(() => C.det(T.zvector('v'))).toThrow(/complex.det: a must be a square matrix, got v/);
    const q = T.zmatrix('q');
    const g = sym.function([q], C.matrixInverse(q));
    await expect(g(ComplexArray.from([[1, 2, 3]], [[0, 0, 0]]))).rejects.toThrow(/complex.matrixInverse: a must be a square matrix, got q of shape \(1, 3\)/);
    const h = sym.function([q], C.det(q));
    await expect(h(ComplexArray.from([[1, 2, 3]], [[0, 0, 0]]))).rejects.toThrow(/complex.det: a must be a square matrix, got shape \(1, 3\)/);
  });

  it("solve's b with other rows than a is refused naming both and their own shapes (not the block form's doubled ones), now or when called", async () => {
    const a = T.zmatrix('a');
    expect(() => C.solve(C.complex(T.zeros([2, 2]), T.zeros([2, 2])), T.zeros([3]))).toThrow(/^complex.solve: b \(.*\) must have 2 rows like a \(.*\) of shape \(2, 2\), got shape \(3,\)$/);
    const w = T.zvector('w');
    const g = sym.function([a, w], C.solve(a, w));
    await expect(g(A, ComplexArray.from([1, 2], [0, 0]))).rejects.toThrow('complex.solve: b (w) must have 3 rows like a (a) of shape (3, 3), got shape (2,)');
    const X = T.zmatrix('X');
    const h = sym.function([a, X], C.solve(a, X));
    await expect(h(A, ComplexArray.from([[1], [2]], [[0], [0]]))).rejects.toThrow('complex.solve: b (X) must have 3 rows like a (a) of shape (3, 3), got shape (2, 1)');
  });
});
