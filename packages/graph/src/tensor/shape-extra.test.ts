/**
 * shape-extra.ts: the pads, join, stacklists, horizontal and vertical
 * stacks, split, roll and the grids, against NumPy 2.4's values (written
 * out), through `both` (compiled CPU program and the ops' reference) where
 * the graph is constant; gradients with verifyGrad.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};
const f64 = (v: sym.NestedArray) => T.constant(sym.array(v, { dtype: 'float64' }));
const value = (v: V) => both(v).toArray();
const run = (inputs: V[], out: V, ...values: sym.NestedArray[]) => (sym.function(inputs, out).sync(...values) as sym.NDArray).toArray();
// q = np.arange(12.0).reshape(3, 4)
const Q = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]];

describe('shapePadleft, shapePadright, shapePadaxis', () => {
  it('add broadcastable dimensions where Theano puts them', () => {
    const x = T.tensor3('x');
    expect(T.shapePadleft(x, 2).broadcastable).toEqual([true, true, false, false, false]);
    expect(T.shapePadright(T.vector('v')).broadcastable).toEqual([false, true]);
    expect(T.shapePadaxis(x, 1).broadcastable).toEqual([false, true, false, false]);
    expect(T.shapePadaxis(x, -1).broadcastable).toEqual([false, false, false, true]);
    expect(T.shapePadaxis(x, 3).broadcastable).toEqual([false, false, false, true]);
    expect(value(T.shapePadaxis(f64([1, 2]), 0))).toEqual([[1, 2]]);
    expect(() => T.shapePadaxis(x, 4)).toThrow(/shapePadaxis: axis 4 is out of range \[-4, 4\)/);
  });
});

describe('join, stacklists, horizontalStack, verticalStack', () => {
  it('join takes the axis first', () => {
    expect(value(T.join(1, f64([[1], [2]]), f64([[3, 4], [5, 6]])))).toEqual([[1, 3, 4], [2, 5, 6]]);
    expect(() => T.join(f64([1]) as unknown as number, f64([2]))).toThrow(/join: the first argument is the axis/);
  });

  it("stacklists keeps the lists' structure (Theano's doc example)", () => {
    const [a, b, c, d] = T.scalars('abcd');
    const f = sym.function([a!, b!, c!, d!], T.stacklists([[a!, b!], [c!, d!]]));
    expect((f.sync(1, 2, 3, 4) as sym.NDArray).toArray()).toEqual([[1, 2], [3, 4]]);
    const m = T.matrices(4);
    expect(T.stacklists([[m[0]!, m[1]!], [m[2]!, m[3]!]]).ndim).toBe(4);
  });

  it('stack matrices side by side or one above the other, refusing other ranks', () => {
    expect(value(T.horizontalStack(f64([[1], [2]]), f64([[3], [4]]), f64([[5], [6]])))).toEqual([[1, 3, 5], [2, 4, 6]]);
    expect(value(T.verticalStack(f64([[1, 2]]), f64([[3, 4]])))).toEqual([[1, 2], [3, 4]]);
    expect(() => T.horizontalStack(f64([1]), f64([2]))).toThrow(/horizontalStack: argument 0 must be a matrix/);
    expect(() => T.verticalStack(f64([[1]]))).toThrow(/verticalStack: expected at least two matrices, got 1/);
  });
});

describe('split', () => {
  it('cuts along an axis into pieces of the given lengths', () => {
    const [a, b] = T.split(f64(Q), [3, 1], 2, 1);
    expect(value(a!)).toEqual([[0, 1, 2], [4, 5, 6], [8, 9, 10]]);
    expect(value(b!)).toEqual([[3], [7], [11]]);
    expect(T.split(f64(Q), [0, 2, 1]).map((p) => both(p).shape)).toEqual([[0, 4], [2, 4], [1, 4]]);
  });

  it('checks that the lengths add up, when building or at run time', () => {
    expect(() => T.split(f64(Q), [1, 1])).toThrow(/split: the sizes \[1,1\] add up to 2 but axis 0 of .* has length 3/);
    const x = T.dmatrix('x');
    const pieces = T.split(x, [1, 2], 2, 0);
    expect(run([x], pieces[1]!, Q)).toEqual([Q[1], Q[2]]);
    expect(() => run([x], pieces[1]!, [[1, 2]])).toThrow(/split: the sizes \[1,2\] add up to 3 but axis 0 of x has length 1/);
    expect(() => T.split(x, [1, 2], 3)).toThrow(/split: nSplits is 3 but 2 sizes were given/);
  });

  it('passes the gradient to each piece', async () => {
    const r = await verifyGrad((x) => { const [p, q] = T.split(x, [2, 1], 2, 1); return p!.mul(2).sum(1).add(q!.exp().sum(1)); }, [[[0.1, 0.2, 0.3], [1, -1, 0.5]]]);
    expect(r.maxAbsErr).toBeLessThan(1e-5);
  });
});

describe('roll', () => {
  it('rolls the flattened array, or along an axis, as np.roll', () => {
    expect(value(T.roll(f64(Q), 5))).toEqual([[7, 8, 9, 10], [11, 0, 1, 2], [3, 4, 5, 6]]);
    expect(value(T.roll(f64(Q), -1, 0))).toEqual([[4, 5, 6, 7], [8, 9, 10, 11], [0, 1, 2, 3]]);
    expect(value(T.roll(f64(Q), 6, 1))).toEqual([[2, 3, 0, 1], [6, 7, 4, 5], [10, 11, 8, 9]]);
    expect(value(T.roll(f64(Q), 4, 1))).toEqual(Q);
    expect(value(T.roll(f64([1, 2, 3]), -4))).toEqual([2, 3, 1]);
  });

  it('takes a symbolic shift and an input of unknown length', () => {
    const x = T.dmatrix('x');
    const s = T.iscalar('s');
    const f = sym.function([x, s], T.roll(x, s, 1));
    expect((f.sync(Q, 6) as sym.NDArray).toArray()).toEqual([[2, 3, 0, 1], [6, 7, 4, 5], [10, 11, 8, 9]]);
    expect((f.sync(Q, -5) as sym.NDArray).toArray()).toEqual([[1, 2, 3, 0], [5, 6, 7, 4], [9, 10, 11, 8]]);
    expect(run([x], T.roll(x, 5), Q)).toEqual([[7, 8, 9, 10], [11, 0, 1, 2], [3, 4, 5, 6]]);
    expect(() => T.roll(x, 1.5)).toThrow(/roll: shift must be an integer or an integer scalar, got 1.5/);
  });

  it('differentiates as a permutation', async () => {
    expect((await verifyGrad((x) => T.roll(x, 1, 1).mul(f64([[1, 2, 3], [4, 5, 6]])), [[[0.1, 0.2, 0.3], [1, -1, 0.5]]])).maxAbsErr).toBeLessThan(1e-5);
    const s = T.constant(2, { dtype: 'int32' });
    expect((await verifyGrad((x) => T.roll(x, s).mul(f64([1, 2, 3, 4])), [[0.1, 0.2, 0.3, 0.4]])).maxAbsErr).toBeLessThan(1e-5);
  });
});

describe('mgrid and ogrid', () => {
  it("give NumPy's mgrid as one tensor per range", () => {
    const [a, b] = T.mgrid('0:3', '1:5:2');
    expect(value(a!)).toEqual([[0, 0], [1, 1], [2, 2]]);
    expect(value(b!)).toEqual([[1, 3], [1, 3], [1, 3]]);
    expect(a!.dtype).toBe('int64');
    const n = T.lscalar('n');
    const [r] = T.mgrid(T.slice(0, n));
    expect(run([n], r!, 4)).toEqual([0, 1, 2, 3]);
  });

  it('ogrid is the open grid, broadcastable across the other axes', () => {
    const [a, b] = T.ogrid('0:3', '0:1:0.25');
    expect(a!.broadcastable).toEqual([false, true]);
    expect(b!.broadcastable).toEqual([true, false]);
    expect(value(b!)).toEqual([[0, 0.25, 0.5, 0.75]]);
    expect(value(T.add(a!, b!))).toEqual([0, 1, 2].map((i) => [0, 0.25, 0.5, 0.75].map((j) => i + j)));
  });

  it('need ranges with a stop', () => {
    expect(() => T.mgrid('0:')).toThrow(/mgrid: range 0 \(0:\) needs a stop/);
    expect(() => T.ogrid('a:b')).toThrow(/ogrid: range 0 "a:b" is not a slice/);
    expect(() => T.mgrid()).toThrow(/mgrid: expected at least one range/);
  });
});

describe('specifyShape', () => {
  it("gives x the shape specified, known to the graph (Theano's specify_shape)", () => {
    const x = T.matrix('x');
    const xs = T.specifyShape(x, [2, 2]);
    expect(xs.staticShape).toEqual([2, 2]);
    expect(xs.pow(2).staticShape).toEqual([2, 2]);
    expect(T.specifyShape(x, [null, 5]).staticShape).toEqual([null, 5]);
    expect(run([x], xs.mul(2), [[1, 2], [3, 4]])).toEqual([[2, 4], [6, 8]]);
  });

  it('checks the shape when a call knows it, naming both', () => {
    const x = T.matrix('x');
    const f = sym.function([x], T.specifyShape(x, [2, 2]).sum());
    expect(() => f.sync([[1, 2, 3], [4, 5, 6]])).toThrow('specifyShape: x has shape (2, 3), but the shape specified is (2, 2)');
    expect(() => T.specifyShape(T.row('r'), [2, 3])).toThrow('specifyShape: r has shape (1, ?), but the shape specified is (2, 3)');
    // an intermediate is named as written, not by its op (was 'Elemwise{mul,no_inplace}.0')
    expect(() => sym.function([x], T.specifyShape(x.mul(2), [2, 2]).sum()).sync([[1, 2, 3]])).toThrow('specifyShape: (x * 2) has shape (1, 3), but the shape specified is (2, 2)');
  });

  it('specifies a length of tens of millions at once (its check holds no list of that many numbers)', () => {
    const start = performance.now();
    const xs = T.specifyShape(T.vector('x'), [30_000_000]);
    expect(xs.staticShape).toEqual([30_000_000]);
    // was about 5 s: a plain array of 3e7 zeros made into the int8 constant the check compares with
    expect(performance.now() - start).toBeLessThan(1500);
  });

  it('refuses a shape of the wrong length or a length that is not a count', () => {
    const x = T.matrix('x');
    expect(() => T.specifyShape(x, [2])).toThrow('specifyShape: the shape must list 2 lengths, one per dimension of x (TensorType(float64, matrix)); got [2]');
    expect(() => T.specifyShape(x, [2, -1])).toThrow('specifyShape: length 1 must be a non-negative integer or null (any length), got -1');
  });

  it('passes the gradient through', async () => {
    const r = await verifyGrad((a) => T.specifyShape(a, [2, 3]).pow(2).sum(), [[[0.5, -1, 2], [1.5, 0.25, -0.75]]]);
    expect(r.maxAbsErr).toBeLessThan(1e-6);
  });
});
