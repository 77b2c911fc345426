/**
 * DebugMode (debug.ts) on what Theano never evaluates: the branch an
 * ifelse does not take, and the steps of a scan ... until after the stop.
 * FAST_RUN returns Theano's values there (index checks are stripped, the
 * kernels clamp, a select drops the result); DebugMode's reference must
 * agree, not raise NumPy's IndexError or a NaN of a value Theano never
 * computed, while still raising for the reads and values that do run.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { grad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as { grad: (c: V, w: V) => V };
const f64 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float64' });
const zero = () => T.constant(0, { dtype: 'float64' });
const modes = ['FAST_RUN', 'DebugMode'] as const;

describe('DebugMode on ifelse (only the branch taken runs, as Theano)', () => {
  it.each(modes)("%s: Theano's guard ifelse(i < n, x[i], 0) with i past the end gives 0, no IndexError", async (mode) => {
    const x = T.dvector('x');
    const i = T.lscalar('i');
    const ids = T.lvector('ids');
    const f = sym.function([x, i, ids], [
      sym.ifelse(T.lt(i, x.shape[0]!), x.get(i), zero()),
      // a vector branch: the else branch's shape is checked against the then branch's, whose values are not read
      sym.ifelse(T.lt(ids.max(), x.shape[0]!), x.get(ids).mul(2), T.zeros([2], 'float64')),
    ], { mode });
    expect((await f([1, 2], 1, [1, 0])).map((a) => a.toArray())).toEqual([2, [4, 2]]);
    expect((await f([1, 2], 5, [0, 5])).map((a) => a.toArray())).toEqual([0, [0, 0]]);
    expect((f.sync([1, 2], 5, [7, 0]) as sym.NDArray[]).map((a) => a.toArray())).toEqual([0, [0, 0]]);
  });

  it.each(modes)('%s: a NaN in the branch not taken is no InvalidValueError (Theano never computes it)', (mode) => {
    const x = T.dscalar('x');
    const f = sym.function([x], sym.ifelse(T.gt(x, 0), T.log(x), zero()), { mode });
    expect((f.sync(-1) as sym.NDArray).item()).toBe(0);
    expect((f.sync(Math.E) as sym.NDArray).item()).toBeCloseTo(1, 12);
  });

  it('still raises for what the branch taken computes, and for a read outside the ifelse', () => {
    const x = T.dscalar('x');
    const c = T.lscalar('c');
    const f = sym.function([c, x], sym.ifelse(c, T.log(x), zero()), { mode: 'DebugMode' });
    expect((f.sync(0, -1) as sym.NDArray).item()).toBe(0);
    expect(() => f.sync(1, -1)).toThrow(sym.InvalidValueError);
    const v = T.dvector('v');
    const i = T.lscalar('i');
    const g = sym.function([v, i], [sym.ifelse(T.lt(i, v.shape[0]!), v.get(i), zero()), v.get(i).add(1)], { mode: 'DebugMode' });
    expect(() => g.sync([1, 2], 5)).toThrow("v[i]: index 5 (i) is out of bounds for axis 0 with size 2, indexing v of shape (2,) (NumPy's IndexError)");
  });

  it.each(modes)('%s: inside a scan step, the guard reads x[k] only where k < n', (mode) => {
    const x = T.dvector('x');
    const ks = T.lvector('ks');
    const [picked] = sym.scan((k: V) => sym.ifelse(T.lt(k, x.shape[0]!), x.get(k), T.constant(-1, { dtype: 'float64' })), { sequences: ks });
    const f = sym.function([x, ks], picked, { mode });
    expect((f.sync(f64([1, 2]), [1, 9, 0]) as sym.NDArray).toArray()).toEqual([2, -1, 1]);
  });
});

describe('the reference of an opFromGraph holding an ifelse', () => {
  it('reads only the branch taken (DebugMode checks a node it keeps against it)', () => {
    const x = T.dvector('x');
    const i = T.lscalar('i');
    const pick = sym.opFromGraph([x, i], sym.ifelse(T.lt(i, x.shape[0]!), x.get(i), zero()), { name: 'pick' });
    const node = (pick(x, i) as V).owner!;
    const lscalar = (v: number) => sym.array(v, { dtype: 'int64' });
    expect(node.op.perform([f64([1, 2]), lscalar(5)], node)[0]!.item()).toBe(0);
    expect(node.op.perform([f64([1, 2]), lscalar(1)], node)[0]!.item()).toBe(2);
  });
});

/** x[k] for each id k of ids, until one exceeds 1.5 (that one the last row). */
function pickUntilAbove(goBackwards: boolean): { x: V; ids: V; picked: V } {
  const x = T.dvector('x');
  const ids = T.lvector('ids');
  const [picked] = sym.scan((k: V) => {
    const v = x.get(k);
    return [v, sym.until(v.gt(1.5))] as const;
  }, { sequences: ids, goBackwards });
  return { x, ids, picked: picked! };
}

describe('DebugMode on scan ... until (the steps after the stop never run, as Theano)', () => {
  it.each(modes)('%s: an index sequence out of range after the stop is no IndexError', async (mode) => {
    const { x, ids, picked } = pickUntilAbove(false);
    const f = sym.function([x, ids], picked, { mode });
    expect((await f(f64([1, 2]), [0, 1, 7, 9])).toArray()).toEqual([1, 2]);
  });

  it.each(modes)('%s: a state summing table entries by id stops before the ids past the table', (mode) => {
    const table = T.dvector('table');
    const ids = T.lvector('ids');
    const [sums] = sym.scan((k: V, acc: V) => {
      const next = acc.add(table.get(k));
      return [next, sym.until(next.gt(2))] as const;
    }, { sequences: ids, outputsInfo: zero() });
    const f = sym.function([table, ids], sums, { mode });
    expect((f.sync(f64([1.5, 2]), [0, 1, 5, -9]) as sym.NDArray).toArray()).toEqual([1.5, 3.5]);
  });

  it.each(modes)('%s: its gradient reads no id past the stop either', (mode) => {
    const table = T.dvector('table');
    const ids = T.lvector('ids');
    const [sums] = sym.scan((k: V, acc: V) => {
      const next = acc.add(table.get(k).mul(table.get(k)));
      return [next, sym.until(next.gt(2))] as const;
    }, { sequences: ids, outputsInfo: zero() });
    const f = sym.function([table, ids], [sums, grad(sums.sum(), table)], { mode });
    // sums = [t0^2, t0^2 + t1^2]: d(sum)/dt = [4 t0, 2 t1]
    const [s, g] = f.sync(f64([1.2, 2]), [0, 1, 5, -9]) as sym.NDArray[];
    expect(Array.from(s!.data, (v) => +v.toFixed(12))).toEqual([1.44, 5.44]);
    expect(Array.from(g!.data, (v) => +v.toFixed(12))).toEqual([4.8, 4]);
  });

  it.each(modes)('%s: going backwards, and over no ids at all', (mode) => {
    const { x, ids, picked } = pickUntilAbove(true);
    const f = sym.function([x, ids], picked, { mode });
    expect((f.sync(f64([1, 2]), [9, 1, 0]) as sym.NDArray).toArray()).toEqual([1, 2]);
    expect((f.sync(f64([1, 2]), sym.array([], { dtype: 'int64' })) as sym.NDArray).toArray()).toEqual([]);
  });

  it('raises for an id out of range in a step that runs, as FAST_RUN does (Theano\'s IndexError)', () => {
    const { x, ids, picked } = pickUntilAbove(false);
    const f = sym.function([x, ids], picked, { mode: 'DebugMode' });
    expect(() => f.sync(f64([1, 2]), [0, 7, 0])).toThrow(/index 7 (\(ids\[t\]\) )?is out of bounds for axis 0 with size 2/);
  });
});
