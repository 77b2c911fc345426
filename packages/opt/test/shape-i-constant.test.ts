import { describe, expect, it } from 'vitest';
import { opNames, sym, T } from './helpers.js';

/**
 * shape_i_constant: a length known when the graph is built (specifyShape,
 * a broadcastable dimension, a constant) compiles to that number, as
 * Theano's shape feature makes `(specify_shape(x, (2, 2)) ** 2).shape` the
 * constant [2 2]; an unknown length is still read from the value.
 */
describe('shape_i_constant', () => {
  it("makes the shape of specifyShape(x, [2, 2]) ** 2 two constants, nothing computed (Theano's shape_info page)", async () => {
    const x = T.matrix('x');
    const f = sym.function([x], T.specifyShape(x, [2, 2]).pow(2).shape);
    expect(opNames(f.compiled.graphOutputs)).toEqual([]);
    expect(f.debugprint()).toBe('TensorConstant{2} [id A]\nTensorConstant{2} [id A]');
    expect((await f([[1, 2], [3, 4]])).map(Number)).toEqual([2, 2]);
  });

  it('folds only the known lengths: a row\'s first, a specified null stays read from the value', async () => {
    const r = T.row('r');
    const x = T.matrix('x');
    const f = sym.function([r, x], [...r.shape, ...T.specifyShape(x, [null, 3]).shape]);
    expect(f.compiled.graphOutputs.map((o) => o instanceof sym.TensorConstant)).toEqual([true, false, false, true]);
    expect((await f([[1, 2, 3, 4]], [[1, 2, 3], [4, 5, 6]])).map(Number)).toEqual([1, 4, 2, 3]);
  });

  it('is not applied without the fast_run rewrites', () => {
    const x = T.matrix('x');
    const f = sym.function([x], T.specifyShape(x, [2, 2]).shape[0]!, { optimizer: { excluding: ['fast_run'] } });
    expect(f.compiled.graphOutputs[0]).not.toBeInstanceOf(sym.TensorConstant);
  });
});
