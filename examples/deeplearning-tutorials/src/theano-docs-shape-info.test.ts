/**
 * Theano's documentation page "How Shape Information is Handled by Theano"
 * (tutorial/shape_info.html): the shape of a computation asked alone,
 * the join whose shape Theano infers from its first input without raising,
 * `specify_shape`, and conv2d's shape hints.
 *
 * Where sym differs, by design: `x.shape` is a list of integer scalars (so
 * `x.shape[0]` is one), not an int64 vector: the page's function of
 * `(x ** 2).shape` returns two scalars. Theano's debugprint of that
 * function has no power and no multiplication; sym's keeps the square as
 * the scalars' input but launches no kernel for it (the lengths are read
 * from the input's shape). And sym checks a join's shapes even when only
 * its shape is asked for, in every mode: the page's "DOES NOT RAISE AN
 * ERROR AS SHOULD BE" raises here.
 */
import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';

const T = sym.T;

describe("Theano's shape information page", () => {
  it('the shape of x ** 2 alone: its lengths, with no kernel for the square', async () => {
    const x = T.matrix('x');
    const f = sym.function([x], x.pow(2).shape);
    const value = [[1, 2, 3], [4, 5, 6]];
    const shape = await f(value);
    expect(shape.map(Number)).toEqual([2, 3]);
    expect(shape.map((s) => s.dtype)).toEqual(['int64', 'int64']);
    // MakeVector(Shape_i{0}(x), Shape_i{1}(x)) in Theano: the lengths of x itself
    expect(f.debugprint()).toMatch(/^Shape_i\{0\} .*\n(.*\n)*Shape_i\{1\} /);
    // the square costs nothing: as many kernels as the lengths of x alone (one copy per output)
    expect(f.compiled.kernelCount(value)).toBe(sym.function([x], x.shape).compiled.kernelCount(value));
    const profiled = sym.function([x], x.pow(2).shape, { profile: true });
    await profiled(value);
    expect(profiled.profile!.summary()).not.toMatch(/Elemwise\{mul|Elemwise\{pow|Elemwise\{sqr/);
  });

  describe('the shape inference problem: join of x (5, 4) and y (3, 3)', () => {
    const x = T.matrix('x');
    const y = T.matrix('y');
    const z = T.join(0, x, y);
    const rng = new sym.RandomState(0);
    const xv = rng.randomSample([5, 4]);
    const yv = rng.randomSample([3, 3]);
    const mismatch = 'Join{axis=0}: y has length 3 along axis 1, but x has 4; only axis 0 may differ';

    it('asking only for the shape raises, in FAST_RUN as in FAST_COMPILE and DebugMode (Theano answers [8, 4])', async () => {
      for (const mode of ['FAST_RUN', 'FAST_COMPILE', 'DebugMode'] as const) {
        const f = sym.function([x, y], z.shape, { mode });
        await expect(f(xv, yv), mode).rejects.toThrow(mismatch);
      }
      // the lengths are right where the inputs agree
      const f = sym.function([x, y], z.shape);
      expect((await f(xv, rng.randomSample([3, 4]))).map(Number)).toEqual([8, 4]);
    });

    it('the join itself raises the dimensions mismatch, its debugprint a Join of x and y', async () => {
      const f = sym.function([x, y], z);
      expect(f.debugprint()).toBe("Join{axis=0} [id A] ''\n |x [id B]\n |y [id C]");
      await expect(f(xv, yv)).rejects.toThrow(mismatch);
    });
  });

  it('specify_shape(x, (2, 2)): the shape of its square compiles to constants', async () => {
    const x = T.matrix();
    const xSpecifyShape = T.specifyShape(x, [2, 2]);
    const f = sym.function([x], xSpecifyShape.pow(2).shape);
    // Theano: [2 2] [@72791376], one constant vector
    expect(f.debugprint()).toBe('TensorConstant{2} [id A]\nTensorConstant{2} [id A]');
    expect((await f([[1, 2], [3, 4]])).map(Number)).toEqual([2, 2]);
    // where the value is computed, the shape is checked
    const g = sym.function([x], xSpecifyShape.pow(2));
    expect((await g([[1, 2], [3, 4]])).toArray()).toEqual([[1, 4], [9, 16]]);
    await expect(g([[1, 2, 3], [4, 5, 6]])).rejects.toThrow(/^specifyShape: .* has shape \(2, 3\), but the shape specified is \(2, 2\)$/);
  });

  it("conv2d's shape hints: the output's shape known when the graph is built, the input checked", async () => {
    const input = T.dtensor4('input');
    const filters = T.dtensor4('filters');
    // theano.tensor.nnet.conv2d(..., input_shape=(7, 3, 5, 5), filter_shape=(2, 3, 4, 4))
    const out = T.nnet.conv2d(input, filters, { inputShape: [7, 3, 5, 5], filterShape: [2, 3, 4, 4] });
    expect(out.staticShape).toEqual([7, 2, 2, 2]);
    const f = sym.function([input, filters], out.shape);
    expect(f.compiled.graphOutputs.every((o) => o instanceof sym.TensorConstant)).toBe(true);
    const ones = (shape: number[]) => sym.array(new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(1), { dtype: 'float64' }).reshape(shape);
    const conv = sym.function([input, filters], out);
    const y = await conv(ones([7, 3, 5, 5]), ones([2, 3, 4, 4]));
    expect(y.shape).toEqual([7, 2, 2, 2]);
    expect(y.toArray()).toEqual(new Array(7).fill(new Array(2).fill([[48, 48], [48, 48]])));
    await expect(conv(ones([7, 3, 6, 6]), ones([2, 3, 4, 4]))).rejects.toThrow('conv2d: inputShape: input has shape (7, 3, 6, 6), but the shape specified is (7, 3, 5, 5)');
  });
});
