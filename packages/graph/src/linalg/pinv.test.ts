/**
 * pinv and lstsq's solution as opFromGraphs with a grad override
 * (pinv.ts): the forward is the SVD composition it was, value for value
 * and kernel for kernel once inlined; FAST_COMPILE (not inlined) agrees.
 * The gradient is checked in @sym/grad's linalg-pinv-grad.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';
import { pinvComposition } from './pinv.js';

const A = [[1, 2, 0.5], [0.3, -1, 2], [0.7, 0.1, 1.5], [2, 0, 1]];
const B = [1, 2, 3, 4];

/** lstsq's solution written out, as lstsq built it before it was an op: V diag(1/s) (U^T b). */
function writtenSolution(a: sym.TensorVariable, b: sym.TensorVariable): sym.TensorVariable {
  const [u, s, vh] = T.nlinalg.svd(a, { fullMatrices: false });
  const factor = T.mul(T.cast(T.maximum(T.shapeI(a, 0), T.shapeI(a, 1)), 'float64'), 2 ** -52);
  const keep = T.gt(s, T.mul(T.max(T.concatenate([s, T.zeros([1], 'float64')])), factor));
  const inverse = T.switch_(keep, T.trueDiv(1, T.switch_(keep, s, 1)), 0);
  return T.dot(T.mul(vh.T, T.dimshuffle(inverse, ['x', 0])), T.dot(u.T, b));
}

describe('pinv: an opFromGraph whose forward is the SVD composition', () => {
  it('the same values and the same kernel count as the composition written out; FAST_COMPILE agrees', async () => {
    const a = T.dmatrix('a');
    const op = sym.function([a], T.nlinalg.pinv(a));
    const written = sym.function([a], pinvComposition(a, 1e-15));
    expect(op.compiled.kernelCount(A)).toBe(written.compiled.kernelCount(A));
    expect(op.debugprint()).not.toMatch(/OpFromGraph/);
    const [p, w] = [(await op(A)) as sym.NDArray, (await written(A)) as sym.NDArray];
    expect(Array.from(p.data)).toEqual(Array.from(w.data));
    const slow = (await sym.function([a], T.nlinalg.pinv(a), { mode: 'FAST_COMPILE' })(A)) as sym.NDArray;
    Array.from(slow.data).forEach((v, e) => expect(v).toBeCloseTo(p.data[e]!, 12));
  });
  it('keeps static shapes, dtypes (float32; integers in float64) and rcond; an empty matrix and a non-matrix as before', async () => {
    expect(T.nlinalg.pinv(T.specifyShape(T.dmatrix('a'), [4, 3])).staticShape).toEqual([3, 4]);
    expect(T.nlinalg.pinv(T.fmatrix('a')).dtype).toBe('float32');
    expect(T.nlinalg.pinv(T.imatrix('a')).dtype).toBe('float64');
    // rcond 0.5: the cut is 0.5 * 2 = 1, so s = 0.5 counts as zero
    const cut = (await T.nlinalg.pinv(T.constant([[2, 0], [0, 0.5]]), 0.5).eval()) as sym.NDArray;
    expect(Array.from(cut.data)).toEqual([0.5, 0, 0, 0]);
    const empty = (await T.nlinalg.pinv(T.constant(sym.array([], { dtype: 'float64' }).reshape([0, 3]))).eval()) as sym.NDArray;
    expect(empty.shape).toEqual([3, 0]);
    // errors name the argument, not the op's placeholder
    expect(() => T.nlinalg.pinv(T.dvector('v'))).toThrow(/got v of type/);
    expect(() => T.nlinalg.pinv(T.matrix('m', 'float16'))).toThrow(/cast m to float32 first/);
  });
});

describe("lstsq's solution: an opFromGraph whose forward is V diag(1/s) (U^T b)", () => {
  it('the same values and kernel count as the solution written out; the outputs s and rank read the same SVD', async () => {
    const a = T.dmatrix('a');
    const b = T.dvector('b');
    const [x, residuals, rank, s] = T.nlinalg.lstsq(a, b);
    const op = sym.function([a, b], [x, residuals, rank, s]);
    const xw = writtenSolution(a, b);
    const written = sym.function([a, b], [xw, T.reshape(T.sum(T.sqr(T.sub(b, T.dot(a, xw)))), [1]), rank, s]);
    expect(op.compiled.kernelCount(A, B)).toBe(written.compiled.kernelCount(A, B));
    const [got, want] = [(await op(A, B)) as sym.NDArray[], (await written(A, B)) as sym.NDArray[]];
    got.forEach((g, i) => expect(Array.from(g.data)).toEqual(Array.from(want[i]!.data)));
    // numpy.linalg.lstsq(A, B, rcond=None)[0]
    [1.6347434945910082, -0.3844454940062522, 0.7852047770056001].forEach((v, e) => expect(got[0]!.data[e]).toBeCloseTo(v, 12));
  });
});
