/** Gradients through indexing, checked against finite differences (verifyGrad), to second order where it applies. */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, hessian, jacobian, verifyGrad } from '../src/index.js';
import { randomPoint, seededRandom } from './helpers.js';

const T = sym.T;
type V = sym.TensorVariable;

async function check(f: (...xs: V[]) => V, shapes: number[][], opts: { second?: boolean; bc?: boolean[][] } = {}) {
  const rng = seededRandom(5);
  const pts = shapes.map((s) => randomPoint(rng, s, [-1.5, 1.5]));
  expect((await verifyGrad(f, pts, { broadcastable: opts.bc })).maxAbsErr).toBeLessThan(1e-4);
  if (opts.second) {
    for (let i = 0; i < shapes.length; i++) {
      const r2 = await verifyGrad((...xs) => grad(f(...xs).sum(), xs[i]!, { disconnectedInputs: 'ignore' }), pts, { broadcastable: opts.bc });
      expect(r2.maxAbsErr).toBeLessThan(1e-4);
    }
  }
}

const rows = (...v: number[]) => T.constant(v, { dtype: 'int64' });

describe('gradients through indexing', () => {
  it('windows: slices of any step, integers', async () => {
    await check((x) => x.get('1:3', '::-1').pow(3), [[4, 3]], { second: true });
    await check((x) => x.get(-1).mul(x.get(0)), [[4, 3]], { second: true });
    await check((x) => x.get(':', '::2').exp().sum(0), [[4, 5]]);
  });
  it('a window of whole and whole-reversed axes (a filter flip): its gradient is the same window of the output gradient', async () => {
    await check((x) => x.get('::-1', ':', '::-1').pow(3), [[3, 4, 2]], { second: true });
    await check((x) => x.get(':', '::-1').mul(x), [[4, 3]], { second: true });
    const x = T.dmatrix('x');
    const kinds = (v: V): Set<string> => {
      const seen = new Set<object>();
      const found = new Set<string>();
      const walk = (u: V): void => {
        const node = u.owner;
        if (!node || seen.has(node)) return;
        seen.add(node);
        found.add(node.op.kind);
        node.inputs.forEach(walk);
      };
      walk(v);
      return found;
    };
    const xs = T.specifyShape(x, [3, 2]);
    const gradOf = (y: V) => grad(y.mul(T.constant([[1, 2], [3, 4], [5, 6]].slice(0, y.staticShape[0] === 2 ? 2 : 3), { dtype: 'float64' })).sum(), x);
    // as built, before any rewrite: no zeros written into, bounds that cover a known length count as whole
    for (const y of [x.get('::-1', '::-1'), x.get(':', '::-1'), xs.get('-9:9', '5::-1'), x.get(':')]) {
      expect(kinds(gradOf(y)).has('IncSubtensor')).toBe(false);
    }
    // a step of 2 or a bound cutting the axis leaves elements out: those get zeros
    for (const y of [x.get('::2'), x.get('1:', '::-1'), xs.get(':2')]) expect(kinds(grad(y.sum(), x)).has('IncSubtensor')).toBe(true);
    const at = [[1, 2], [3, 4], [5, 6]];
    const value = async (y: V) => ((await sym.function([x], gradOf(y))(at)) as sym.NDArray).toArray();
    expect(await value(x.get('::-1', '::-1'))).toEqual([[6, 5], [4, 3], [2, 1]]);
    expect(await value(xs.get('-9:9', '5::-1'))).toEqual([[2, 1], [4, 3], [6, 5]]);
    expect(await value(T.specifyShape(x, [3, 2]).get('1:', '::-1'))).toEqual([[0, 0], [2, 1], [4, 3]]);
  });
  it('a symbolic integer index: the gradient lands on the row it picked', async () => {
    const x = T.dmatrix('x');
    const i = T.lscalar('i');
    const g = await sym.function([x, i], grad(x.get(i).pow(2).sum(), x))([[1, 2], [3, 4], [5, 6]], -2);
    expect((g as sym.NDArray).toArray()).toEqual([
      [0, 0],
      [6, 8],
      [0, 0],
    ]);
    expect(() => grad(x.get(i).sum(), i)).toThrow(/does not depend on i|disconnected/i);
  });
  it("a window from a symbolic start (Theano's minibatch x[i * bs:(i + 1) * bs]): picked, set and incremented", async () => {
    const x = T.dmatrix('x');
    const i = T.lscalar('i');
    const batch = x.get(T.slice(i.mul(2), i.add(1).mul(2)));
    const g = await sym.function([x, i], grad(batch.pow(2).sum(), x))([[1, 2], [3, 4], [5, 6], [7, 8]], 1);
    expect((g as sym.NDArray).toArray()).toEqual([
      [0, 0],
      [0, 0],
      [10, 12],
      [14, 16],
    ]);
    const one = T.constant(1, { dtype: 'int64' });
    await check((m) => m.get(T.slice(one, one.add(2)), '::-1').pow(3), [[4, 3]], { second: true });
    await check((m, y) => T.setSubtensor(m.get(T.slice(one, one.add(2))), y).pow(2), [[4, 3], [2, 3]], { second: true });
    await check((m, y) => T.incSubtensor(m.get(':', T.slice(one, one.add(2))), y).pow(2), [[4, 3], [2]], { second: true });
  });
  it('rows picked by an index matrix, and reshapes to lengths from shapes', async () => {
    await check((m) => m.get(T.constant([[0, 2], [1, 0]], { dtype: 'int64' })).pow(3), [[3, 2]], { second: true });
    await check((m) => m.reshape([m.shape[1]!, -1]).pow(2).mul(T.arange(6).reshape([3, 2]).astype('float64')), [[2, 3]], { second: true });
  });
  it('elements picked by two index vectors (repeated pairs add up)', async () => {
    await check((m) => m.get(rows(0, 2, 1, -1, 0), rows(1, 0, 1, 2, 1)).pow(3), [[3, 3]], { second: true });
  });
  it('set and inc of windows, y broadcast', async () => {
    await check((x, y) => T.setSubtensor(x.get('1:3', ':2'), y).pow(2), [[4, 3], [2, 2]], { second: true });
    await check((x, y) => T.incSubtensor(x.get('::-2'), y).pow(2), [[4, 3], [3]], { second: true });
    await check((x, y) => T.incSubtensor(x.get(':', 1), y).pow(2), [[4, 3], [1]], { bc: [[false, false], [true]] });
  });
  it('rows by an index vector: picked, incremented (repeated rows add up), set', async () => {
    await check((x) => x.get(rows(0, 0, 3)).pow(2), [[4, 3]], { second: true });
    await check((x, y) => T.incSubtensor(x.get(rows(0, 0, -1)), y).pow(2), [[4, 3], [3, 3]], { second: true });
    await check((x, y) => T.setSubtensor(x.get(rows(1, 3)), y).pow(2), [[4, 3], [2, 3]], { second: true });
  });
  it("set at repeated rows: the last write wins (NumPy's), so the rows of y it overwrote get no gradient", async () => {
    // rows 3, 0, 3 and -1 (= 3): y[0] and y[2] are overwritten by y[3]; Theano's rule gave them y[3]'s gradient
    await check((x, y) => T.setSubtensor(x.get(rows(3, 0, 3, -1)), y).pow(2), [[4, 3], [4, 3]], { second: true });
    await check((x, y) => T.setSubtensor(x.get(0, rows(2, 2, 0), '1:3'), y).pow(2), [[2, 3, 4], [3, 2]], { second: true });
    const [x, y] = [T.dmatrix('x'), T.dmatrix('y')];
    const gy = grad(T.setSubtensor(x.get(rows(3, 0, 3, -1)), y).mul(T.arange(8).reshape([4, 2])).sum(), y);
    const value = (await sym.function([x, y], gy)(Array(4).fill([0, 0]), Array(4).fill([1, 1]))) as sym.NDArray;
    expect(value.toArray()).toEqual([[0, 0], [0, 1], [0, 0], [6, 7]]);
    // jacobian's batched pass: the same mask on every row
    const v = T.dvector('v');
    const J = jacobian(T.setSubtensor(v.get(rows(1, 1, 0)), v.mul(2)), v);
    expect(((await sym.function([v], J)([1, 2, 3])) as sym.NDArray).toArray()).toEqual([[0, 0, 2], [0, 2, 0], [0, 0, 1]]);
  });
  it('concatenate and stack, dtypes promoted and cast back', async () => {
    await check((x, y) => T.concatenate([x, y.pow(2)], 1).pow(2), [[4, 3], [4, 2]], { second: true });
    await check((x, y) => T.stack([x, T.sin(y)], 1).pow(3), [[4], [4]], { second: true });
    // the first piece's gradient is a window at the start of a computed buffer: returned whole
    const a = T.dvector('a');
    const b = T.dvector('b');
    const w = T.dvector('w');
    const ga = await sym.function([a, b, w], grad(T.concatenate([a, b]).mul(w.mul(2)).sum(), a))([1, 2], [3, 4, 5], [1, 2, 3, 4, 5]);
    expect((ga as sym.NDArray).toArray()).toEqual([2, 4]);
    const f = T.fvector('f');
    const d = T.dvector('d');
    const g = grad(T.concatenate([f, d]).sum(), f);
    expect(g.dtype).toBe('float32');
  });
  it('jacobian and hessian (batched reverse pass) go through every indexing op', async () => {
    const v = T.dvector('v');
    const idx = rows(2, 0);
    const at = [1, 2, 3];
    const value = async (e: V) => ((await sym.function([v], e)(at)) as sym.NDArray).toArray();
    expect(await value(jacobian(T.concatenate([v.get('1:'), v.get(':1').mul(3)]).pow(2), v))).toEqual([
      [0, 4, 0],
      [0, 0, 6],
      [18, 0, 0],
    ]);
    expect(await value(hessian(T.concatenate([v.get('1:'), v.get(':1').mul(3)]).pow(2).sum(), v))).toEqual([
      [18, 0, 0],
      [0, 2, 0],
      [0, 0, 2],
    ]);
    expect(await value(jacobian(v.get('::-1').pow(2), v))).toEqual([
      [0, 0, 6],
      [0, 4, 0],
      [2, 0, 0],
    ]);
    expect(await value(jacobian(v.get(idx).pow(2), v))).toEqual([
      [0, 0, 6],
      [2, 0, 0],
    ]);
    expect(await value(jacobian(T.incSubtensor(v.get(idx), v.get('0:2').pow(2)), v))).toEqual([
      [1, 4, 0],
      [0, 1, 0],
      [2, 0, 1],
    ]);
    expect(await value(jacobian(T.setSubtensor(v.get('::2'), v.get('1:').pow(2)), v))).toEqual([
      [0, 4, 0],
      [0, 1, 0],
      [0, 0, 6],
    ]);
  });
});
