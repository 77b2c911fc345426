/**
 * An index read only in an ifelse's branch on WebGPU: NumPy's IndexError
 * where that branch is taken (its flag, computed whichever branch runs,
 * sends the call the lazy way), nothing where it is not, and a failed call
 * leaves the shared variables on the device as they were.
 */
import { describe, expect, it } from 'vitest';
import '@sym/opt';
import { T, sym } from './setup.js';

const i32 = (v: sym.NestedArray) => sym.array(v, { dtype: 'int32' });
const values = (r: unknown) => Array.from((r as sym.NDArray).data);

describe('an index read under an ifelse branch on webgpu', () => {
  it('raises for the branch taken, not for the other; a failed call updates nothing', async () => {
    const [c, i] = [T.fscalar('c'), T.ivector('i')];
    const x = sym.shared(sym.array([1, 2, 3, 4, 5], { dtype: 'float32' }), { name: 'x' });
    const acc = sym.shared(sym.array(0, { dtype: 'float32' }), { name: 'acc' });
    const picked = sym.ifelse(c, x.get(i.add(1)).sum(), T.sum(x.get(i)));
    const f = sym.function([c, i], picked, { device: 'webgpu', updates: [[acc, acc.add(picked)]] });
    // i = 4: then reads x[5] (computed: out of range), else x[4]
    await expect(f(1, i32([4]))).rejects.toThrow('x[(i + 1)]: index 5 ((i + 1)[0]) is out of bounds for axis 0 with size 5');
    expect(values(await acc.getValueAsync())).toEqual([0]);
    expect(values(await f(0, i32([4])))).toEqual([5]);
    // i = 5: else reads x[5] (an input: out of range); then's i + 1 = 6 is out of range too, and not taken
    await expect(f(0, i32([5]))).rejects.toThrow('x[i]: index 5 (i[0]) is out of bounds for axis 0 with size 5');
    expect(values(await f(1, i32([-3])))).toEqual([4]);
    expect(values(await acc.getValueAsync())).toEqual([9]);
  });
});
