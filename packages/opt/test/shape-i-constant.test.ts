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

  it('still checks the shape specified when only the length is read: an input of another shape is an error, not the claimed length (as FAST_COMPILE)', async () => {
    const x = T.matrix('x');
    const xs = T.specifyShape(x, [2, 2]);
    const wrong = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
    for (const mode of ['FAST_RUN', 'FAST_COMPILE'] as const) {
      const shape = sym.function([x], xs.pow(2).shape, { mode });
      await expect(shape(wrong)).rejects.toThrow('specifyShape: x has shape (3, 3), but the shape specified is (2, 2)');
      // the values read elsewhere, the length from the claim: was 45 + 2 = 47 in FAST_RUN
      const mixed = sym.function([x], x.sum().add(xs.shape[0]!), { mode });
      await expect(mixed(wrong)).rejects.toThrow('specifyShape: x has shape (3, 3), but the shape specified is (2, 2)');
      expect(Number(await mixed([[1, 2], [3, 4]]))).toBe(12);
    }
    // a shared variable's claimed length, checked against its value when the call is made
    const s = sym.shared(sym.array([1, 2, 3], { dtype: 'float64' }), { name: 's' });
    const n = sym.function([], T.specifyShape(s, [3]).shape[0]!);
    expect(Number(await n())).toBe(3);
    s.setValue(sym.array([1, 2], { dtype: 'float64' }));
    await expect(n()).rejects.toThrow('specifyShape: s has shape (2,), but the shape specified is (3,)');
  });
});
