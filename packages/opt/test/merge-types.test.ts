/**
 * Merge's copy takes each copied node's types and static shapes from the
 * node it copies: the copy applies the same op to twins of its inputs, so
 * inferring them again (outputTypes and inferShape of every node above a
 * merged constant) computed what was known; it was most of a merge's time.
 * Above a checked twin (a CheckIndex between the node and its index) the
 * inputs differ, and those copies are inferred again. Both ways, every
 * copied node has the types and static shapes inference gives it.
 */
import { describe, expect, it, vi } from 'vitest';
import type { TensorVariable } from '@sym/graph';
import { grad } from '@sym/grad';
import { merge } from '../src/index.js';
import { T, sym } from './helpers.js';

/** Spy on the inference of every op in the graph; returns the number of calls so far. */
function countInference(outs: readonly TensorVariable[]): () => number {
  const spies = new Set<ReturnType<typeof vi.spyOn>>();
  for (const n of sym.toposort(outs)) spies.add(vi.spyOn(n.op, 'outputTypes'));
  return () => [...spies].reduce((a, s) => a + s.mock.calls.length, 0);
}

/** Every node of `outs` has the output types and static shapes a fresh inference gives it. */
function expectInferred(outs: readonly TensorVariable[]): void {
  for (const n of sym.toposort(outs)) {
    const fresh = sym.applyNode(n.op, n.inputs);
    expect(n.outputs.map((o) => [o.dtype, o.broadcastable, o.staticShape])).toEqual(fresh.outputs.map((o) => [o.dtype, o.broadcastable, o.staticShape]));
  }
}

describe('merge keeps the types of the nodes it copies', () => {
  it('copies the nodes above a merged constant without inferring their types again', () => {
    // t_i = exp(t_{i-1} + c_i) * (t_{i-1} + c_i): each c_i made twice, so every level above the first is copied
    let t: TensorVariable = T.dvector('x').add(T.constant([1, 2, 3], { dtype: 'float64' }));
    for (let i = 1; i <= 20; i++) t = T.exp(t.add(T.constant(i))).mul(t.add(T.constant(i)).dimshuffle('x', 0).sum(0));
    const outs = [t, t.sum()];
    const calls = countInference(outs);
    const merged = merge(outs);
    expect(sym.toposort(merged).length).toBeLessThan(sym.toposort(outs).length);
    expect(merged[0]!.staticShape).toEqual([3]);
    expect(calls()).toBe(0);
    expectInferred(merged);
  });

  it('infers again the nodes above a checked twin', () => {
    const x = T.dmatrix('x');
    const ids = T.lvector('ids');
    const zero = T.constant(0, { dtype: 'float64' });
    const outs = [sym.ifelse(T.lt(ids.max(), x.shape[0]!), x.get(ids).sum(), zero), x.get(ids).mul(2).exp()];
    const calls = countInference(outs);
    const merged = merge(outs);
    expect(calls()).toBeGreaterThan(0);
    expectInferred(merged);
  });

  it('leaves a gradient graph computing the same values', () => {
    const x = T.dmatrix('x');
    const W = sym.shared(sym.array([[0.5, -1], [2, 0.25]], { dtype: 'float64' }));
    const cost = T.mean(T.sum(T.nnet.softmax(T.dot(x, W).add(1)).add(1).log(), 1));
    const outs = [cost, ...grad(cost, [W])];
    const merged = merge(outs);
    expectInferred(merged);
    const X = sym.array([[1, 2], [3, 4]], { dtype: 'float64' });
    const a = sym.function([x], merged, { optimizer: { excluding: ['fast_run'] } }).sync(X) as sym.NDArray[];
    const b = sym.function([x], outs, { optimizer: { excluding: ['fast_run'] } }).sync(X) as sym.NDArray[];
    expect(a.map((v) => v.toArray())).toEqual(b.map((v) => v.toArray()));
  });
});
