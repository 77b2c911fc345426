/**
 * sparse.sparseBlockDot (Theano's sparse_block_dot, SparseBlockGemv)
 * against a NumPy loop over Theano's definition (computed once, written
 * here): out[n, j] = b[oIdx[n, j]] + sum_i h[n, i] @ W[iIdx[n, i],
 * oIdx[n, j]], with a repeated input block and a negative output index.
 * Its gradients are checked in @sym/grad (sparse-block-dot-grad.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const { sparse } = sym;

const W = sym.array(Array.from({ length: 72 }, (_, k) => ((k % 7) - 3) / 4), { dtype: 'float64' }).reshape([3, 4, 2, 3]);
const H = sym.array(Array.from({ length: 8 }, (_, k) => (k - 3) / 2), { dtype: 'float64' }).reshape([2, 2, 2]);
const B = sym.array(Array.from({ length: 12 }, (_, k) => (k - 6) / 8), { dtype: 'float64' }).reshape([4, 3]);
const I_IDX = [[0, 2], [1, 1]];
const O_IDX = [[3, 0], [-1, 2]];
// numpy, the loop above
const OUT = [[[0.75, 0.125, -0.5], [0.0, 0.25, -0.375]], [[-1.125, 0.25, 1.625], [-0.25, 1.125, 2.5]]];

describe('sparse.sparseBlockDot', () => {
  it("is Theano's sum of the picked blocks' products plus the picked bias, batched or not", () => {
    const [w, h, b] = [T.dtensor4('W'), T.dtensor3('h'), T.dmatrix('b')];
    const [i, o] = [T.imatrix('i'), T.imatrix('o')];
    const [hv, iv, ov] = [T.dmatrix('hv'), T.ivector('iv'), T.ivector('ov')];
    const f = sym.function([w, h, i, b, o, hv, iv, ov], [sparse.sparseBlockDot(w, h, i, b, o), sparse.sparseBlockDot(w, hv, iv, b, ov)]);
    const [out, one] = f.sync(W, H, I_IDX, B, O_IDX, (H.toArray() as number[][][])[0]!, I_IDX[0]!, O_IDX[0]!) as sym.NDArray[];
    expect(out!.shape).toEqual([2, 2, 3]);
    Array.from(out!.data).forEach((v, k) => expect(v).toBeCloseTo(OUT.flat(2)[k]!, 14));
    // an unbatched h is a batch of one, as Theano's dimshuffle('x', 0, 1)
    expect(one!.shape).toEqual([1, 2, 3]);
    Array.from(one!.data).forEach((v, k) => expect(v).toBeCloseTo(OUT[0]!.flat()[k]!, 14));
  });

  it('refuses operands of the wrong rank or dtype, naming them, and indices out of range as NumPy', () => {
    const [w, h, b] = [T.dtensor4('W'), T.dtensor3('h'), T.dmatrix('b')];
    const [i, o] = [T.imatrix('i'), T.imatrix('o')];
    expect(() => sparse.sparseBlockDot(T.dtensor3('W3'), h, i, b, o)).toThrow(/sparse\.sparseBlockDot: W must be a tensor of shape \(iBlocks, oBlocks, iSize, oSize\), got W3 of type/);
    expect(() => sparse.sparseBlockDot(w, h, T.dmatrix('fi'), b, o)).toThrow(/sparse\.sparseBlockDot: inputIdx must be an integer tensor of shape \(batch, iWin\), got fi of type/);
    expect(() => sparse.sparseBlockDot(w, h, i, b, T.ivector('ov'))).toThrow(/sparse\.sparseBlockDot: outputIdx must be an integer tensor of shape \(batch, oWin\), got ov of type/);
    const f = sym.function([w, h, i, b, o], sparse.sparseBlockDot(w, h, i, b, o));
    expect(() => f.sync(W, H, I_IDX, B, [[4, 0], [0, 0]])).toThrow(/index 4 \(o\[0, 0\]\) is out of bounds for axis 0 with size 4/);
  });

  it("refuses operands whose lengths disagree, naming both and the length (batch, input window, block sizes), when called or built", () => {
    const [w, h, b] = [T.dtensor4('W'), T.dtensor3('h'), T.dmatrix('b')];
    const [i, o] = [T.imatrix('i'), T.imatrix('o')];
    const f = sym.function([w, h, i, b, o], sparse.sparseBlockDot(w, h, i, b, o));
    const say = (x: string, xs: string, y: string, ys: string, what: string) => `sparse.sparseBlockDot: ${x} of shape ${xs} and ${y} of shape ${ys} must agree in ${what}`;
    expect(() => f.sync(W, H, [[0, 2]], B, O_IDX)).toThrow(say('h (h)', '(2, 2, 2)', 'inputIdx (i)', '(1, 2)', "the batch (h's axis 0, inputIdx's axis 0)"));
    expect(() => f.sync(W, H, I_IDX, B, [[3, 0]])).toThrow(say('h (h)', '(2, 2, 2)', 'outputIdx (o)', '(1, 2)', "the batch (h's axis 0, outputIdx's axis 0)"));
    expect(() => f.sync(W, H, [[0], [1]], B, O_IDX)).toThrow(say('h (h)', '(2, 2, 2)', 'inputIdx (i)', '(2, 1)', "the input window (h's axis 1, inputIdx's axis 1)"));
    expect(() => f.sync(W, sym.array(Array(12).fill(1), { dtype: 'float64' }).reshape([2, 2, 3]), I_IDX, B, O_IDX)).toThrow(say('h (h)', '(2, 2, 3)', 'W (W)', '(3, 4, 2, 3)', "the input block size (h's axis 2, W's axis 2)"));
    expect(() => f.sync(W, H, I_IDX, sym.array(Array(8).fill(1), { dtype: 'float64' }).reshape([4, 2]), O_IDX)).toThrow(say('b (b)', '(4, 2)', 'W (W)', '(3, 4, 2, 3)', "the output block size (b's axis 1, W's axis 3)"));
    // unbatched, lengths known when built
    const hs = T.constant(sym.array([[1, 2, 3]], { dtype: 'float64' }));
    expect(() => sparse.sparseBlockDot(T.constant(W), hs, T.constant(sym.array([0], { dtype: 'int32' })), T.constant(B), T.constant(sym.array([1], { dtype: 'int32' })))).toThrow(/^sparse\.sparseBlockDot: h \(.*\) of shape \(1, 3\) and W \(.*\) of shape \(3, 4, 2, 3\) must agree in the input block size \(h's axis 1, W's axis 2\)$/);
  });
});
