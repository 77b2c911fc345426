// Windows copied by cloneReplace stay writable, with the write going to the copy of their tensor.
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

describe('cloneReplace of windows made of several ops', () => {
  const x = T.dmatrix('x');
  const z = T.dmatrix('z');
  const idx = T.lvector('idx');
  const zv = sym.array([[1, -2, 3], [4, 5, -6], [7, 8, 9]], { dtype: 'float64' });
  const windows: [string, sym.TensorVariable][] = [
    ["x.get(':', idx) (an index array on axis 1)", x.get(':', idx)],
    ['x.get(idx, cols) (pairs from x flattened)', x.get(idx, T.constant([0, 1], { dtype: 'int64' }))],
    ['x.get(x.gt(0)) (a mask of two dimensions)', x.get(x.gt(0))],
    ["x.get('...', 1)", x.get('...', 1)],
    ['x.get(idx)', x.get(idx)],
  ];
  for (const [what, window] of windows) {
    it(`${what}: set and inc through the copy equal set and inc through the original with x given z`, async () => {
      const [copy] = sym.cloneReplace([window], new Map([[x, z]]));
      for (const write of [T.setSubtensor, T.incSubtensor]) {
        const cloned = sym.function([z, idx], write(copy!, 10), { onUnusedInput: 'ignore' });
        const original = sym.function([x, idx], write(window, 10), { onUnusedInput: 'ignore' });
        const got = await cloned(zv, [0, 2]);
        expect(got.shape).toEqual([3, 3]);
        expect(got.toArray()).toEqual((await original(zv, [0, 2])).toArray());
      }
    });
  }

  it('the write reads the copy of every replaced variable, not the original', async () => {
    const j = T.lvector('j');
    const [copy] = sym.cloneReplace([x.get(':', idx)], new Map<sym.TensorVariable, sym.TensorVariable>([[x, z], [idx, j]]));
    const f = sym.function([z, j], T.setSubtensor(copy!, 0));
    expect((await f(zv, [1])).toArray()).toEqual([[1, 0, 3], [4, 0, -6], [7, 0, 9]]);
  });
});
