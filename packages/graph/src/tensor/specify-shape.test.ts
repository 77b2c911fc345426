/**
 * specify-shape.ts and shape-claims.ts: a claimed shape is checked once per
 * program in every mode, wherever it stands in the graph (an input, an
 * intermediate, a gradient's graph, conv2d's hints), before any kernel runs;
 * a claimed length is held by the op, not by a constant of that many
 * elements.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { grad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  grad: (cost: V, wrt: V) => V;
};
const MODES = ['FAST_RUN', 'FAST_COMPILE'] as const;
const filled = (shape: number[], v = 1) => sym.array(new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(v), { dtype: 'float64' }).reshape(shape);

describe('specifyShape on an intermediate', () => {
  it('a lying claim read only through the shape is an error in every mode, naming the expression, its shape and the claim', async () => {
    const x = T.matrix('x');
    for (const mode of MODES) {
      const f = sym.function([x], T.specifyShape(x.mul(2), [2, 2]).shape, { mode });
      // was [2, 2] in FAST_RUN: shape_i_constant folded the claimed lengths and the check went with them
      await expect(f(filled([3, 3]))).rejects.toThrow('specifyShape: (x * 2) has shape (3, 3), but the shape specified is (2, 2)');
      expect(() => f.sync(filled([3, 3]))).toThrow('specifyShape: (x * 2) has shape (3, 3), but the shape specified is (2, 2)');
      expect((await f(filled([2, 2]))).map(Number)).toEqual([2, 2]);
      // one length read, mixed with values
      const g = sym.function([x], x.sum().add(T.specifyShape(x.mul(2), [null, 2]).shape[1]!), { mode });
      expect(() => g.sync(filled([3, 3]))).toThrow('specifyShape: (x * 2) has shape (3, 3), but the shape specified is (?, 2)');
      expect(Number(g.sync(filled([3, 2])))).toBe(8);
    }
  });

  it('a failed check runs no kernel: the shared variables an update writes keep their values', () => {
    const x = T.matrix('x');
    const s = sym.shared(sym.array([1, 2, 3], { dtype: 'float64' }), { name: 's' });
    for (const mode of MODES) {
      const f = sym.function([x], T.specifyShape(x.add(1), [2, null]).shape[0]!, { mode, updates: [[s, s.mul(10)]] });
      expect(() => f.sync(filled([3, 3]))).toThrow('specifyShape: (x + 1) has shape (3, 3), but the shape specified is (2, ?)');
      expect(s.getValue().toArray()).toEqual([1, 2, 3]);
    }
  });

  it('a claim inside a gradient graph is checked (the gradient of x * 2 is the claimed shape)', () => {
    const x = T.matrix('x');
    const g = grad(T.specifyShape(x.mul(2), [2, 2]).sum(), x);
    for (const mode of MODES) {
      const f = sym.function([x], g, { mode });
      expect(() => f.sync(filled([3, 3]))).toThrow('specifyShape: (x * 2) has shape (3, 3), but the shape specified is (2, 2)');
      expect(f.sync(filled([2, 2])).toArray()).toEqual([[2, 2], [2, 2]]);
    }
  });

  it("conv2d's inputShape and filterShape hints on intermediates are checked when only the output's shape is read", () => {
    const x = T.dtensor4('x');
    const w = T.dtensor4('w');
    const y = T.nnet.conv2d(x.mul(2), w.mul(3), { inputShape: [7, 3, 5, 5], filterShape: [2, 3, 4, 4] });
    for (const mode of MODES) {
      const f = sym.function([x, w], y.shape, { mode });
      expect(f.sync(filled([7, 3, 5, 5]), filled([2, 3, 4, 4])).map(Number)).toEqual([7, 2, 2, 2]);
      expect(() => f.sync(filled([7, 3, 6, 5]), filled([2, 3, 4, 4]))).toThrow('conv2d: inputShape: (x * 2) has shape (7, 3, 6, 5), but the shape specified is (7, 3, 5, 5)');
      expect(() => f.sync(filled([7, 3, 5, 5]), filled([2, 3, 4, 3]))).toThrow('conv2d: filterShape: (w * 3) has shape (2, 3, 4, 3), but the shape specified is (2, 3, 4, 4)');
    }
  });

  it("a claim inside an opFromGraph's graph is checked, inlined or not", () => {
    const x = T.vector('x');
    const y = T.vector('y');
    for (const inline of [true, false]) {
      const op = sym.opFromGraph([y], [T.specifyShape(y.mul(2), [2]).shape[0]!], { inline });
      for (const mode of MODES) {
        const f = sym.function([x], op(x)[0]!, { mode });
        // was 2 in FAST_RUN
        expect(() => f.sync(filled([3]))).toThrow('specifyShape: (y * 2) has shape (3,), but the shape specified is (2,)');
        expect(Number(f.sync(filled([2])))).toBe(2);
      }
    }
  });

  it('a claim on a claim: each is checked against what it is given', () => {
    const x = T.matrix('x');
    const inner = T.specifyShape(x.mul(2), [2, null]);
    const outer = T.specifyShape(inner.add(1), [null, 3]);
    const f = sym.function([x], outer.shape);
    expect(f.sync(filled([2, 3])).map(Number)).toEqual([2, 3]);
    expect(() => f.sync(filled([3, 3]))).toThrow('specifyShape: (x * 2) has shape (3, 3), but the shape specified is (2, ?)');
    expect(() => f.sync(filled([2, 4]))).toThrow('specifyShape: ((x * 2) + 1) has shape (2, 4), but the shape specified is (?, 3)');
  });
});

describe('specifyShape holds its lengths', () => {
  it('makes no constant of the claimed length (was an int8 vector of n zeros per length)', () => {
    const x = T.vector('x');
    const xs = T.specifyShape(x, [1_000_000]);
    const constants = sym.toposort([xs]).flatMap((n) => n.inputs.filter((v) => v instanceof sym.TensorConstant));
    expect(constants.map((c) => c.value.size)).toEqual([]);
    const f = sym.function([x], xs.mul(2).sum());
    expect(Number(f.sync(filled([1_000_000])))).toBe(2_000_000);
    expect(() => f.sync(filled([3]))).toThrow('specifyShape: x has shape (3,), but the shape specified is (1000000,)');
  });

  it("prints as Theano's SpecifyShape, and its gradient is the identity's", () => {
    const x = T.matrix('x');
    const xs = T.specifyShape(x, [2, null]);
    expect(sym.debugprint(xs)).toBe('SpecifyShape{(2, ?)} [id A] \'\'\n |x [id B]');
    const g = grad(xs.mul(3).sum(), x);
    expect(sym.function([x], g).sync(filled([2, 5])).toArray()).toEqual(filled([2, 5], 3).toArray());
  });
});
