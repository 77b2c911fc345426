/**
 * sym.ifelse against Theano's theano.ifelse.ifelse: the branch taken by a
 * scalar condition (non-zero and NaN true), lists of branches, a number
 * branch taking the other's dtype, gradients to the taken branch only, and
 * the errors for a non-scalar condition, mismatched types and shapes.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { grad, verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  grad: (c: V, w: V | V[]) => V | V[];
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};

describe('sym.ifelse', () => {
  it("is the tutorial's z_lazy: mean(x) where a < b, else mean(y)", () => {
    // Theano's tutorial "Conditions": ifelse(T.lt(a, b), T.mean(x), T.mean(y))
    const [a, b] = [T.scalar('a'), T.scalar('b')];
    const [x, y] = [T.matrix('x'), T.matrix('y')];
    const f = sym.function([a, b, x, y], sym.ifelse(T.lt(a, b), T.mean(x), T.mean(y)));
    const xs = [[1, 2], [3, 4]];
    const ys = [[10, 20], [30, 40]];
    expect((f.sync(1, 2, xs, ys) as sym.NDArray).item()).toBe(2.5);
    expect((f.sync(2, 1, xs, ys) as sym.NDArray).item()).toBe(25);
    expect((f.sync(1, 1, xs, ys) as sym.NDArray).item()).toBe(25);
  });

  it('takes then for any non-zero condition, NaN included (C and NumPy truthiness), else for 0 and -0', () => {
    const c = T.scalar('c');
    const v = T.vector('v');
    const f = sym.function([c, v], sym.ifelse(c, v.mul(2), v.neg()));
    const at = (cv: number) => (f.sync(cv, [1, -3]) as sym.NDArray).toArray();
    expect(at(1)).toEqual([2, -6]);
    expect(at(-0.5)).toEqual([2, -6]);
    expect(at(Number.NaN)).toEqual([2, -6]);
    expect(at(0)).toEqual([-1, 3]);
    expect(at(-0)).toEqual([-1, 3]);
    const i = T.iscalar('i');
    expect((sym.function([i, v], sym.ifelse(i, v, v.add(1))).sync(0, [1]) as sym.NDArray).toArray()).toEqual([2]);
  });

  it('pairs lists of branches in order, and a number branch takes the other branch dtype', () => {
    const c = T.iscalar('c');
    const [u, w] = [T.fscalar('u'), T.imatrix('w')];
    const outs = sym.ifelse(c, [u, w], [0.5, T.zerosLike(w)]);
    expect(outs.map((o) => o.dtype)).toEqual(['float32', 'int32']);
    const f = sym.function([c, u, w], outs);
    const taken = (cv: number) => (f.sync(cv, 2, [[3, 4]]) as sym.NDArray[]).map((r) => r.toArray());
    expect(taken(1)).toEqual([2, [[3, 4]]]);
    expect(taken(0)).toEqual([0.5, [[0, 0]]]);
    // as in Theano, a number is a scalar: it pairs with a scalar branch only
    expect(() => sym.ifelse(c, T.fvector('f'), 0.5)).toThrow(/same dtype and number of dimensions/);
  });

  it("refuses a number branch that the other branch's dtype cannot hold (Theano: the types differ), not truncating or wrapping it", () => {
    const c = T.iscalar('c');
    // were the int32 1 and the uint8 44
    expect(() => sym.ifelse(c, 1.5, T.iscalar('i'))).toThrow(/ifelse: the then branch is the number 1.5, which the other branch's dtype int32 \(i of type TensorType\(int32, scalar\)\) cannot hold/);
    expect(() => sym.ifelse(c, T.scalar('u', 'uint8'), 300)).toThrow(/ifelse: the else branch is the number 300, which the other branch's dtype uint8/);
    expect(() => sym.ifelse(c, T.scalar('u', 'uint8'), -1)).toThrow(/the number -1, which the other branch's dtype uint8/);
    expect(() => sym.ifelse(c, T.scalar('b', 'bool'), 2)).toThrow(/the number 2, which the other branch's dtype bool/);
    expect(() => sym.ifelse(c, [T.iscalar('i')], [NaN])).toThrow(/ifelse: branch 0: the else branch is the number NaN/);
    // what the dtype holds is taken, and a float branch takes any number (rounded to its precision)
    const f = sym.function([c], [sym.ifelse(c, T.constant(sym.array(7, { dtype: 'uint8' })), 255), sym.ifelse(c, 0.1, T.constant(sym.array(2, { dtype: 'float32' })))]);
    const [u, g] = f.sync(0) as sym.NDArray[];
    expect([u!.dtype, u!.toArray(), g!.dtype]).toEqual(['uint8', 255, 'float32']);
    expect((f.sync(1) as sym.NDArray[])[1]!.toArray()).toBeCloseTo(0.1, 7);
  });

  it('sends the gradient to the branch taken and zeros to the other (Theano: ifelse of the gradient and zeros)', () => {
    const c = T.scalar('c');
    const [x, y] = [T.vector('x'), T.vector('y')];
    const cost = T.sum(sym.ifelse(T.gt(c, 0), x.mul(x), y.mul(3)));
    const f = sym.function([c, x, y], grad(cost, [x, y]) as V[]);
    const at = (cv: number) => (f.sync(cv, [1, 2], [5, 6]) as sym.NDArray[]).map((g) => g.toArray());
    expect(at(1)).toEqual([[2, 4], [0, 0]]);
    expect(at(-1)).toEqual([[0, 0], [3, 3]]);
  });

  it('passes verifyGrad through both branches', async () => {
    const pick = (x: V, y: V) => T.sum(sym.ifelse(T.lt(T.sum(x), T.sum(y)), T.tanh(x).mul(y), x.mul(y).mul(y)));
    expect((await verifyGrad(pick, [[0.1, -0.4, 0.3], [0.5, 0.2, 0.7]])).maxAbsErr).toBeLessThan(1e-6);
    expect((await verifyGrad(pick, [[0.9, 0.4, 0.3], [0.5, -0.2, 0.1]])).maxAbsErr).toBeLessThan(1e-6);
  });

  it('refuses a non-scalar condition, branches of other types, unpaired lists, and (at run time) shapes that differ', () => {
    const [v, m] = [T.vector('v'), T.matrix('m')];
    expect(() => sym.ifelse(v, v, v)).toThrow('ifelse: the condition must be a scalar, got v of type TensorType(float64, vector)');
    expect(() => sym.ifelse(1, v, m)).toThrow(/ifelse: the two branches must have the same dtype and number of dimensions .* got v of type TensorType\(float64, vector\) and m of type TensorType\(float64, matrix\)/);
    expect(() => sym.ifelse(1, v, T.fvector('f'))).toThrow(/cast one of them/);
    expect(() => sym.ifelse(1, [v], [v, v])).toThrow('ifelse: then has 1 branches but else has 2; they are paired in order');
    expect(() => sym.ifelse(1, [v], v as never)).toThrow(/both be lists of branches or both single branches/);
    const w = T.vector('w');
    const f = sym.function([v, w], sym.ifelse(1, v, w));
    expect(() => f.sync([1, 2, 3], [1, 2])).toThrow(
      'ifelse: the then branch v has shape (3,) and the else branch w has shape (2,): sym runs both branches and selects one (not lazily, as Theano), so their shapes must be the same',
    );
  });

  it("guards an index as Theano's lazy ifelse: x[i] for an i past the end is no IndexError in the branch not taken", async () => {
    const x = T.dvector('x');
    const i = T.lscalar('i');
    const ids = T.lvector('ids');
    const f = sym.function([x, i, ids], [
      sym.ifelse(T.lt(i, x.shape[0]!), x.get(i), T.constant(0, { dtype: 'float64' })),
      sym.ifelse(T.lt(ids.max(), x.shape[0]!), x.get(ids).sum(), T.constant(-1, { dtype: 'float64' })),
    ]);
    expect((await f([1, 2], 1, [0, 1])).map(Number)).toEqual([2, 3]);
    expect((await f([1, 2], 5, [0, 5])).map(Number)).toEqual([0, -1]);
    // the same index read outside the ifelse is read whatever the condition: still NumPy's IndexError there
    const g = sym.function([x, i], [sym.ifelse(T.lt(i, x.shape[0]!), x.get(i), T.constant(0, { dtype: 'float64' })), x.get(i)]);
    await expect(g([1, 2], 5)).rejects.toThrow("x[i]: index 5 (i) is out of bounds for axis 0 with size 2, indexing x of shape (2,) (NumPy's IndexError)");
    // the gradient scatters into x at i outside the ifelse (Theano's inc_subtensor of the branch's gradient), which
    // Theano evaluates whatever the branch: NumPy's IndexError there too
    const dx = grad(sym.ifelse(T.lt(i, x.shape[0]!), x.get(i).mul(3), T.constant(0, { dtype: 'float64' })), x) as V;
    const h = sym.function([x, i], dx);
    expect((await h([1, 2], 1)).toArray()).toEqual([0, 3]);
    await expect(h([1, 2], 5)).rejects.toThrow("x[i]: index 5 (i) is out of bounds for axis 0 with size 2, indexing x of shape (2,) (NumPy's IndexError)");
  });
});
