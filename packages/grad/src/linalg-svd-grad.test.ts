/**
 * svd's gradient (linalg-svd-grad.ts) against central finite differences
 * (verifyGrad, float64) on random square, tall and wide matrices, through
 * s, U and V^T and what is made of them (pinv, the norms 'nuc', 2 and -2);
 * against NumPy's values for the nuclear norm's (U V^T); where it is not
 * defined; full_matrices (refused through the columns it adds, given
 * through the thin part); and the batched pass behind jacobian.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { Rop, grad, jacobian, verifyGrad } from './index.js';

const T = sym.T;
type M = number[][];

/** rows x cols, uniform in [-1, 1): distinct singular values, none near 0, at these seeds. */
function randomMatrix(rows: number, cols: number, seed: number): M {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: rows }, () => Array.from({ length: cols }, u));
}
const SHAPES: readonly [string, M][] = [
  ['square', randomMatrix(4, 4, 1)],
  ['tall', randomMatrix(5, 3, 2)],
  ['wide', randomMatrix(3, 5, 3)],
];
const run = async (outputs: sym.TensorVariable[], a: sym.TensorVariable, value: M): Promise<sym.NDArray[]> =>
  (await sym.function([a], outputs)(sym.array(value))) as sym.NDArray[];

describe("svd's gradient against finite differences", () => {
  it.each(SHAPES)('singular values alone (computeUv false), and s of the full and the thin SVD: %s', async (_, a) => {
    await verifyGrad((x) => T.nlinalg.svd(x, { computeUv: false }), [a]);
    await verifyGrad((x) => T.nlinalg.svd(x)[1], [a]);
    await verifyGrad((x) => {
      const s = T.nlinalg.svd(x, { fullMatrices: false })[1];
      return s.mul(T.arange(T.shapeI(s, 0)));
    }, [a]);
  });
  it.each(SHAPES)('thin SVD through U, through V^T, and through all three: %s', async (_, a) => {
    // a pair of singular vectors flips sign together, never under a small step: U and V^T themselves are checked
    await verifyGrad((x) => T.nlinalg.svd(x, { fullMatrices: false })[0], [a]);
    await verifyGrad((x) => T.nlinalg.svd(x, { fullMatrices: false })[2], [a]);
    await verifyGrad((x) => {
      const [u, s, vh] = T.nlinalg.svd(x, { fullMatrices: false });
      return T.sum(T.sqr(u).mul(T.arange(T.shapeI(u, 1)))).add(T.sum(s.mul(s))).add(T.sum(T.sin(vh)));
    }, [a]);
  });
  it.each(SHAPES)("pinv, lstsq's solution, the norms 'nuc', 2 and -2, and the nuclear norm's gradient through it: %s", async (_, a) => {
    await verifyGrad((x) => T.nlinalg.pinv(x), [a]);
    for (const ord of ['nuc', 2, -2] as const) await verifyGrad((x) => T.nlinalg.norm(x, ord), [a]);
    // second order: the nuclear norm's gradient U V^T differentiates through U and V^T of the thin SVD it builds
    await verifyGrad((x) => grad(T.nlinalg.norm(x, 'nuc'), x), [a]);
    await verifyGrad((x) => T.nlinalg.lstsq(x, T.constant(a.map((_, i) => 1 - i / 2)))[0], [a]);
  });
  it('a full SVD where the side with a cotangent is square (full equals thin there): U of a wide A, V^T of a tall one', async () => {
    const a = T.specifyShape(T.dmatrix('a'), [3, 5]);
    const b = T.specifyShape(T.dmatrix('b'), [5, 3]);
    const [u] = T.nlinalg.svd(a);
    const [, , vh] = T.nlinalg.svd(b);
    const [thinU] = T.nlinalg.svd(a, { fullMatrices: false });
    const [, , thinVh] = T.nlinalg.svd(b, { fullMatrices: false });
    const w = T.constant(randomMatrix(3, 3, 9));
    const f = sym.function([a, b], [grad(T.sum(u.mul(w)), a), grad(T.sum(thinU.mul(w)), a), grad(T.sum(vh.mul(w)), b), grad(T.sum(thinVh.mul(w)), b)]);
    const [g, gThin, h, hThin] = (await f(sym.array(SHAPES[2]![1]), sym.array(SHAPES[1]![1]))) as sym.NDArray[];
    expect(Array.from(g!.data)).toEqual(Array.from(gThin!.data));
    expect(Array.from(h!.data)).toEqual(Array.from(hThin!.data));
    await verifyGrad((x) => T.nlinalg.svd(T.specifyShape(x, [3, 5]))[0], [SHAPES[2]![1]]);
  });
});

describe('against NumPy, and where the gradient is not defined', () => {
  it("the nuclear norm's gradient is U V^T (numpy.linalg.svd's, printed to 17 digits)", async () => {
    const a = T.dmatrix('a');
    const [g] = await run([grad(T.nlinalg.norm(a, 'nuc'), a)], a, SHAPES[1]![1]);
    const numpy = NUMPY_TALL_UVT;
    numpy.flat().forEach((v, e) => expect(g!.data[e]).toBeCloseTo(v, 12));
  });
  it('repeated singular values: finite through s alone (the identity: U V^T = I), inf or NaN through U or V^T; pinv has its own (linalg-pinv-grad.test.ts)', async () => {
    const a = T.dmatrix('a');
    const I = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    const [nuc, throughU, throughPinv] = await run([grad(T.nlinalg.norm(a, 'nuc'), a), grad(T.sum(T.nlinalg.svd(a, { fullMatrices: false })[0].mul(T.arange(3))), a), grad(T.sum(T.nlinalg.pinv(a)), a)], a, I);
    expect(Array.from(nuc!.data)).toEqual(I.flat());
    expect(Array.from(throughU!.data).some((v) => !Number.isFinite(v))).toBe(true);
    expect(Array.from(throughPinv!.data)).toEqual(Array(9).fill(-1));
  });
  it('a zero singular value: the nuclear norm gets a subgradient (0 for its share); through U, NaN or inf, for a non-square A and a square one', async () => {
    const a = T.dmatrix('a');
    // rank 1, 3 x 2: s = [5, 0]
    const rank1 = [[3, 0], [4, 0], [0, 0]];
    const throughU = (x: sym.TensorVariable) => grad(T.sum(T.nlinalg.svd(x, { fullMatrices: false })[0].mul(T.arange(T.shapeI(x, 1)))), a);
    const [nuc, tall] = await run([grad(T.nlinalg.norm(a, 'nuc'), a), throughU(a)], a, rank1);
    Array.from(nuc!.data).forEach((v, e) => expect(v).toBeCloseTo([0.6, 0, 0.8, 0, 0, 0][e]!, 14));
    expect(Array.from(tall!.data).some((v) => !Number.isFinite(v))).toBe(true);
    // square, s = [1, 0] exactly: sym's second column of U is 0 (without the NaN the gradient came out 0, finite)
    for (const x of [a, T.specifyShape(a, [2, 2])]) {
      const [square] = await run([throughU(x)], a, [[1, 0], [0, 0]]);
      expect(Array.from(square!.data).every((v) => Number.isNaN(v))).toBe(true);
    }
  });
  it('a nearly singular square A (s_min ~ 1e-16) of unknown shape: U and V^T right (the non-square terms, rounding over s_min, are left out when it runs)', async () => {
    const a = [[2, 0, 1], [0, 1, 1], [2, 1, 2]];
    await verifyGrad((x) => T.sum(T.abs(T.nlinalg.svd(x, { fullMatrices: false })[0]).mul(T.arange(9).reshape([3, 3]))), [a]);
    await verifyGrad((x) => T.sum(T.abs(T.nlinalg.svd(x, { fullMatrices: false })[2]).mul(T.arange(9).reshape([3, 3]))), [a]);
  });
  it("full_matrices=true through U or V^T's added columns is refused naming the option; through s alone it is given", async () => {
    const a = T.dmatrix('a');
    expect(() => grad(T.sum(T.nlinalg.svd(a)[0]), a)).toThrow(
      /SVD\{full_matrices=true, compute_uv=true\} has no gradient through U: the columns full_matrices=true adds to the thin U are not unique, and its cotangent is not zero there by its graph; use svd\(a, \{ fullMatrices: false \}\)/,
    );
    expect(() => grad(T.sum(T.nlinalg.svd(a)[2]), a)).toThrow(/has no gradient through V\^T/);
    // a tall A's full U has added columns, its V^T none; a wide A's the reverse
    expect(() => grad(T.sum(T.nlinalg.svd(T.specifyShape(a, [5, 3]))[0]), a)).toThrow(/through U/);
    expect(() => grad(T.sum(T.nlinalg.svd(T.specifyShape(a, [3, 5]))[2]), a)).toThrow(/through V\^T/);
    const [g, thin] = await run([grad(T.sum(T.nlinalg.svd(a)[1]), a), grad(T.sum(T.nlinalg.svd(a, { computeUv: false })), a)], a, SHAPES[1]![1]);
    expect(Array.from(g!.data)).toEqual(Array.from(thin!.data));
  });
});

describe('full_matrices=true with a cotangent on the thin part only (the added columns of U, rows of V^T, get zero)', () => {
  const [tall, wide] = [SHAPES[1]![1], SHAPES[2]![1]];
  const W = T.constant(randomMatrix(5, 2, 9));
  const usesThinU = (u: sym.TensorVariable) => T.sum(u.get(T.slice(), T.slice(null, 2)).mul(W)).add(T.sum(T.abs(u.get(T.slice(), 2))));
  const usesThinVh = (vh: sym.TensorVariable) => T.sum(vh.get(T.slice(null, 2)).mul(W.T)).add(T.sum(T.abs(vh.get(2))));
  it('against finite differences, and equal to the thin SVD’s gradient', async () => {
    await verifyGrad((x) => usesThinU(T.nlinalg.svd(x)[0]), [tall]);
    await verifyGrad((x) => usesThinVh(T.nlinalg.svd(x)[2]), [wide]);
    const a = T.dmatrix('a');
    const [full, thin] = await run([grad(usesThinU(T.nlinalg.svd(a)[0]), a), grad(usesThinU(T.nlinalg.svd(a, { fullMatrices: false })[0]), a)], a, tall);
    Array.from(full!.data).forEach((g, e) => expect(g).toBeCloseTo(thin!.data[e]!, 12));
  });
  it('jacobian and Rop through it agree with the thin SVD’s', async () => {
    const a = T.dmatrix('a');
    const v = T.dmatrix('v');
    const pick = (u: sym.TensorVariable) => T.flatten(u.get(T.slice(), T.slice(null, 2)));
    const [full, thin] = [T.nlinalg.svd(a)[0], T.nlinalg.svd(a, { fullMatrices: false })[0]];
    const f = sym.function([a, v], [jacobian(pick(full), a), jacobian(pick(thin), a), Rop(pick(full), a, v), Rop(pick(thin), a, v)]);
    const [jf, jt, rf, rt] = (await f(sym.array(tall), sym.array(randomMatrix(5, 3, 10)))) as sym.NDArray[];
    expect(jf!.size).toBe(10 * 15);
    Array.from(jf!.data).forEach((g, e) => expect(g).toBeCloseTo(jt!.data[e]!, 12));
    Array.from(rf!.data).forEach((g, e) => expect(g).toBeCloseTo(rt!.data[e]!, 12));
  });
  it('a cotangent on an added column: refused where the shape is static, NaN when the function runs otherwise', async () => {
    const a = T.dmatrix('a');
    const known = T.specifyShape(a, [5, 3]);
    expect(() => grad(T.sum(T.nlinalg.svd(known)[0].get(T.slice(), 3)), a)).toThrow(
      /has no gradient through U: the cotangent reaches U's columns 3 to 3, which full_matrices=true adds to the thin U and are not unique; use svd\(a, \{ fullMatrices: false \}\)/,
    );
    expect(() => grad(T.sum(T.nlinalg.svd(T.specifyShape(a, [3, 5]))[2].get(T.slice(1, 5))), a)).toThrow(/the cotangent reaches V\^T's rows 3 to 4/);
    // within the thin part it is given where the shape is static too
    const [g] = await run([grad(usesThinU(T.nlinalg.svd(known)[0]), a)], a, tall);
    expect(Array.from(g!.data).every(Number.isFinite)).toBe(true);
    const [nan] = await run([grad(T.sum(T.nlinalg.svd(a)[0].get(T.slice(), 3)), a)], a, tall);
    expect(Array.from(nan!.data).every(Number.isNaN)).toBe(true);
  });
});

describe('the batched pass (jacobian) agrees with one gradient per element; Rop with the gradient', () => {
  it("Rop of the nuclear norm in direction V is <its gradient, V>", async () => {
    const a = T.dmatrix('a');
    const v = T.dmatrix('v');
    const f = sym.function([a, v], [Rop(T.nlinalg.norm(a, 'nuc'), a, v), T.sum(grad(T.nlinalg.norm(a, 'nuc'), a).mul(v))]);
    const [r, inner] = (await f(sym.array(SHAPES[1]![1]), sym.array(randomMatrix(5, 3, 8)))) as sym.NDArray[];
    expect(r!.data[0]).toBeCloseTo(inner!.data[0]!, 12);
  });
  it.each(SHAPES)('s, U, V^T, pinv: %s', async (_, value) => {
    const w = T.dmatrix('w');
    for (const f of [(x: sym.TensorVariable) => T.nlinalg.svd(x, { computeUv: false }), (x: sym.TensorVariable) => T.nlinalg.svd(x, { fullMatrices: false })[0], (x: sym.TensorVariable) => T.nlinalg.svd(x, { fullMatrices: false })[2], (x: sym.TensorVariable) => T.nlinalg.pinv(x)]) {
      const out = T.flatten(f(w));
      const [n] = await run([out], w, value);
      const rows = Array.from({ length: n!.size }, (_, k) => grad(out.get(k), w));
      const [j, ...gs] = await run([jacobian(out, w), ...rows], w, value);
      const size = value.length * value[0]!.length;
      gs.forEach((g, k) => {
        for (let e = 0; e < size; e++) expect(j!.data[k * size + e]).toBeCloseTo(g.data[e]!, 10);
      });
    }
  });
});

/** numpy.linalg.svd(a, full_matrices=False)'s u @ vh for SHAPES' tall matrix (repr of its tolist()). */
const NUMPY_TALL_UVT: M = [
  [-0.5909712210156662, -0.14664115261383417, -0.6165030626242964],
  [0.3576928947150089, 0.23031199512430023, -0.5290112434084682],
  [-0.6649807321344616, 0.1932078022899231, 0.015696729842610675],
  [0.2629580461978942, 0.21894594530843425, -0.5592345692132733],
  [-0.10706306940935106, 0.9166167003874878, 0.16456423484883523],
];
