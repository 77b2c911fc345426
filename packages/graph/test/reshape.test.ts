/** Reshape's two meanings of a 0 in the shape: NumPy's length 0, and the copied input dimension flatten uses. */
import { describe, expect, it } from 'vitest';
import { sym } from './helpers.js';
import { Reshape } from '../src/ops/shape.js';

const T = sym.T;
const reshape = (x: sym.TensorVariable, spec: number[], zeros: 'length' | 'copy') => sym.apply1(new Reshape(spec, { zeros }), [x]);

async function run(out: sym.TensorVariable, inputs: sym.TensorVariable[], values: sym.NDArray[]): Promise<number[]> {
  return ((await sym.function(inputs, out)(...values)) as sym.NDArray).shape as number[];
}

describe("Reshape with zeros: 'length' (NumPy)", () => {
  it('reshapes an empty (2, 0) array to (0, 5), as np.zeros((2, 0)).reshape(0, 5) does', async () => {
    const m = T.matrix('m', 'float32');
    expect(await run(reshape(m, [0, 5], 'length'), [m], [sym.NDArray.zeros([2, 0], 'float32')])).toEqual([0, 5]);
    expect(await run(reshape(m, [3, 0, 2], 'length'), [m], [sym.NDArray.zeros([2, 0], 'float32')])).toEqual([3, 0, 2]);
  });

  it('refuses (0, -1) for a (2, 3) array (NumPy: cannot reshape array of size 6 into shape (0,newaxis))', () => {
    const m = T.constant(sym.array([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' }));
    expect(() => reshape(m, [0, -1], 'length')).toThrow(/cannot reshape .* of shape \(2, 3\) \(size 6\) into \(0, -1\)/);
    expect(() => reshape(m, [0, 6], 'length')).toThrow(/into \(0, 6\) \(size 0\)/);
  });

  it('refuses -1 next to a 0 length even for an empty array, whose -1 could be anything', () => {
    const m = T.matrix('m', 'float32');
    expect(() => sym.function([m], reshape(m, [0, -1], 'length')).sync(sym.NDArray.zeros([2, 0], 'float32'))).toThrow(/cannot reshape m of shape \(2, 0\)/);
  });

  it('makes no output dimension broadcastable from a 0, and is a different node than the copying Reshape', () => {
    const r = T.tensor('float32', [true, false], 'r');
    expect(reshape(r, [0, -1], 'length').broadcastable).toEqual([false, false]);
    expect(reshape(r, [0, -1], 'copy').broadcastable).toEqual([true, false]);
    expect(new Reshape([0, -1], { zeros: 'length' }).key()).not.toBe(new Reshape([0, -1], { zeros: 'copy' }).key());
    // without a 0 the meanings agree, and so do the keys (equal nodes merge)
    expect(new Reshape([3, -1], { zeros: 'length' }).key()).toBe(new Reshape([3, -1], { zeros: 'copy' }).key());
  });
});

describe("Reshape with zeros: 'copy' (flatten's)", () => {
  it('copies the input dimension at the position of each 0', async () => {
    const x = T.tensor3('x', 'float32');
    expect(await run(reshape(x, [0, -1], 'copy'), [x], [sym.NDArray.zeros([2, 3, 4], 'float32')])).toEqual([2, 12]);
    expect(await run(reshape(x, [0, 0, -1], 'copy'), [x], [sym.NDArray.zeros([2, 3, 4], 'float32')])).toEqual([2, 3, 4]);
    expect(await run(reshape(x, [0, 0, 1, 4], 'copy'), [x], [sym.NDArray.zeros([2, 0, 4], 'float32')])).toEqual([2, 0, 1, 4]);
  });

  it("collapses the trailing dimensions of an empty array, as Theano's flatten (not NumPy's reshape(0, -1), which refuses)", async () => {
    const x = T.tensor3('x', 'float32');
    // the collapsed length is the product of the trailing lengths even when a leading one is 0
    expect(await run(x.flatten(2), [x], [sym.NDArray.zeros([0, 3, 4], 'float32')])).toEqual([0, 12]);
    expect(await run(reshape(x, [0, 0, -1], 'copy'), [x], [sym.NDArray.zeros([2, 0, 4], 'float32')])).toEqual([2, 0, 4]);
    expect(await run(x.flatten(2), [x], [sym.NDArray.zeros([2, 0, 4], 'float32')])).toEqual([2, 0]);
    expect(T.constant(sym.NDArray.zeros([0, 5, 2], 'float64')).flatten(2).staticShape).toEqual([0, 10]);
    // -1 beside a 0 that is a length (not a copy) is still refused
    expect(() => reshape(T.constant(sym.NDArray.zeros([0, 3], 'float32')), [0, 2, -1], 'copy')).toThrow(/cannot reshape/);
  });

  it("is flatten's, while T.reshape and the default follow NumPy", () => {
    expect(new Reshape([0, -1]).zeros).toBe('length');
    expect(T.matrix('m').reshape([0, -1]).owner!.op.key()).toBe(new Reshape([0, -1], { zeros: 'length' }).key());
    expect(T.tensor3('x').flatten(2).owner!.op.key()).toBe(new Reshape([0, -1], { zeros: 'copy' }).key());
  });
});

describe('reshape to lengths given by integer scalars', () => {
  it("takes shapes (x.reshape([x.shape[1], -1])) and inputs, as Theano's reshape((n, m))", async () => {
    const x = T.dmatrix('x');
    const k = T.iscalar('k');
    const byShape = x.reshape([x.shape[1]!, -1]);
    expect(byShape.type.toString()).toBe('TensorType(float64, matrix)');
    const f = sym.function([x, k], [byShape, x.reshape([k, -1, 1])]);
    const [a, b] = (await f([[1, 2, 3], [4, 5, 6]], 3)) as sym.NDArray[];
    expect(a!.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(b!.shape).toEqual([3, 2, 1]);
    expect(f.compiled.staticInputs).toEqual([1]);
  });
  it("reads x.shape[-1] from the end, as Theano's symbolic shape (a JavaScript array's [-1] is undefined)", async () => {
    const x = T.tensor3('x');
    const f = sym.function([x], [T.zeros([x.shape[-1]!, x.shape[-3]!]), x.reshape([-1, x.shape[-2]!])]);
    const [z, r] = (await f(sym.NDArray.zeros([2, 3, 4], 'float64'))) as sym.NDArray[];
    expect(z!.shape).toEqual([4, 2]);
    expect(r!.shape).toEqual([8, 3]);
    // the lengths alone are the array's elements: spreads, map and JSON see ndim of them
    expect([...x.shape]).toHaveLength(3);
    expect(Object.keys(x.shape)).toEqual(['0', '1', '2']);
    expect(x.shape[-4]).toBeUndefined();
    expect(T.scalar('s').shape[-1]).toBeUndefined();
  });
  it('knows the lengths read from static shapes when the graph is built', () => {
    const c = T.constant(sym.NDArray.zeros([2, 3], 'float64'));
    expect(c.reshape([c.shape[1]!, -1]).staticShape).toEqual([3, 2]);
    expect(T.dmatrix('m').reshape([T.dmatrix('m').shape[1]!, 2]).staticShape).toEqual([null, 2]);
  });
  it('refuses lengths that do not fit, naming both shapes, and lengths that are not integer scalars', async () => {
    const x = T.dmatrix('x');
    const k = T.iscalar('k');
    await expect(sym.function([x, k], x.reshape([k, 4]))([[1, 2, 3], [4, 5, 6]], 2)).rejects.toThrow('cannot reshape x of shape (2, 3) (size 6) into (2, 4) (size 8)');
    expect(() => x.reshape([T.dscalar('d'), 2])).toThrow('reshape: length 0 (d) must be an integer scalar, got TensorType(float64, scalar)');
  });
  it("names a symbolic shape vector (Theano's T.reshape(x, T.stack([...]))) and says to pass the lengths as an array (was 'got object')", () => {
    const x = T.dmatrix('x');
    const shape = T.stack([x.shape[0]!, 1, x.shape[1]!]);
    const hint = '(a symbolic shape vector is not supported: pass its lengths as an array, such as [x.shape[0], 1, n])';
    expect(() => T.reshape(x, shape as never)).toThrow(`reshape: the shape must be an array of lengths (numbers, or integer scalars such as x.shape[0]), got the variable ${shape} of type TensorType(int64, vector) ${hint}`);
    expect(() => T.zeros(T.lvector('s') as never)).toThrow(`zeros: the shape must be an array of lengths (numbers, or integer scalars such as x.shape[0]), got the variable s of type TensorType(int64, vector) ${hint}`);
    expect(() => T.reshape(x, 6 as never)).toThrow('reshape: the shape must be an array of lengths (numbers, or integer scalars such as x.shape[0]), got number 6');
  });
});
