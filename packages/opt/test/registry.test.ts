import { describe, expect, it } from 'vitest';
import { TensorConstant, toposort } from '@sym/graph';
import { optimizeGraph, registerRewrite, registeredRewrites, selectRewrites } from '../src/index.js';
import { T, sym, opNames } from './helpers.js';

describe('selecting rewrites', () => {
  it('FAST_RUN runs every phase; FAST_COMPILE only merge and constant folding, and no fusion', () => {
    const fast = selectRewrites('FAST_RUN').map((r) => r.phase);
    expect(new Set(fast)).toEqual(new Set(['merge', 'constant_folding', 'canonicalize', 'stabilize', 'specialize', 'fuse', 'inplace']));
    expect(selectRewrites('FAST_COMPILE').map((r) => r.name)).toEqual(['merge', 'constant_folding']);
    const x = T.vector('x');
    const y = T.log(T.sigmoid(x)).mul(2);
    expect(opNames(sym.function([x], y, { mode: 'FAST_COMPILE' }).compiled.graphOutputs)).toContain('Elemwise{sigmoid,no_inplace}');
    expect(sym.function([x], y, { mode: 'FAST_COMPILE' }).compiled.kernelCount([1, 2])).toBe(3);
    expect(sym.function([x], y).compiled.kernelCount([1, 2])).toBe(1);
  });

  it('includes and excludes by name or tag', () => {
    const x = T.vector('x');
    const y = T.log(T.sigmoid(x));
    const has = (o: object) => opNames(sym.function([x], y, o).compiled.graphOutputs);
    expect(has({ mode: 'FAST_COMPILE', optimizer: { including: ['stabilize'] } })).toContain('Elemwise{softplus,no_inplace}');
    expect(has({ optimizer: { excluding: ['log_sigmoid'] } })).toContain('Elemwise{sigmoid,no_inplace}');
    expect(has({ optimizer: { excluding: ['stabilize'] } })).toContain('Elemwise{sigmoid,no_inplace}');
    const z = x.mul(2).add(1).exp();
    expect(sym.function([x], z, { optimizer: { excluding: ['fusion'] } }).compiled.kernelCount([1])).toBe(3);
    expect(sym.function([x], z, { optimizer: { excluding: ['elemwise_fusion'] } }).compiled.kernelCount([1])).toBe(1);
    expect(sym.function([x], z).compiled.kernelCount([1])).toBe(1);
  });

  it('names an unknown rewrite or tag, and bad lists', () => {
    const x = T.vector('x');
    expect(() => sym.function([x], x, { optimizer: { excluding: ['fusoin'] } })).toThrow(/optimizer\.excluding: no rewrite or tag is called "fusoin"; known: .*fusion/);
    expect(() => sym.function([x], x, { optimizer: { including: 'stabilize' as unknown as string[] } })).toThrow(/optimizer\.including: expected a list/);
  });

  it('registers user rewrites, once per name', () => {
    const dup = registeredRewrites()[0]!;
    expect(() => registerRewrite(dup)).toThrow(/already registered/);
    expect(() => registerRewrite({ ...dup, name: 'Bad Name' })).toThrow(/snake_case/);
    registerRewrite({
      kind: 'node',
      name: 'test_tanh_to_sigmoid',
      phase: 'specialize',
      tags: ['test_only'],
      rewrite: (node) => (node.op.toString() === 'Elemwise{tanh,no_inplace}' ? T.sub(T.mul(2, T.sigmoid(T.mul(2, node.inputs[0]!))), 1) : null),
    });
    const x = T.vector('x');
    expect(opNames(optimizeGraph([T.tanh(x)]).outputs)).toContain('Elemwise{tanh,no_inplace}');
    const r = optimizeGraph([T.tanh(x)], 'FAST_RUN', { including: ['test_only'] });
    expect(r.applied.get('test_tanh_to_sigmoid')).toBe(1);
    expect(opNames(r.outputs)).toContain('Elemwise{sigmoid,no_inplace}');
  });

  it('debugprint of a compiled function shows the rewritten graph, keeping output names', () => {
    const x = T.vector('x');
    const y = T.log(T.sigmoid(x));
    y.name = 'logp';
    const f = sym.function([x], y);
    expect(f.debugprint()).toBe(
      ["Elemwise{neg,no_inplace} [id A] 'logp'", " |Elemwise{softplus,no_inplace} [id B] ''", " | |Elemwise{neg,no_inplace} [id C] ''", ' | | |x [id D]'].join('\n'),
    );
    // the user's graph is unchanged
    expect(y.owner!.op.toString()).toBe('Elemwise{log,no_inplace}');
  });
});

describe('merge and constant folding', () => {
  it('merges equal nodes and equal constants', async () => {
    const x = T.vector('x');
    const a = T.exp(x).add(T.constant([1, 2]));
    const b = T.exp(x).add(T.constant([1, 2]));
    const r = optimizeGraph([a.mul(b)], 'FAST_COMPILE');
    expect(opNames(r.outputs).filter((n) => n.includes('exp'))).toHaveLength(1);
    expect(opNames(r.outputs).filter((n) => n.includes('add'))).toHaveLength(1);
    const f = sym.function([x], a.mul(b), { mode: 'FAST_COMPILE' });
    expect(Array.from((await f([0, 1])).data)).toEqual([4, (Math.E + 2) ** 2]);
  });

  it('keeps a weak literal and a strong constant apart (they type their consumers differently)', () => {
    const x = T.vector('x', 'float32');
    const r = optimizeGraph([x.mul(2).add(x.mul(T.constant(2, { dtype: 'int64' })))], 'FAST_COMPILE');
    expect(opNames(r.outputs).filter((n) => n.includes('mul'))).toHaveLength(2);
    expect(r.outputs[0]!.dtype).toBe('float64');
  });

  it('folds constant subgraphs into one constant of the same type', async () => {
    const x = T.vector('x', 'float32');
    const c = T.exp(T.add(T.constant(1, { dtype: 'float32' }), T.constant(1, { dtype: 'float32' })));
    const y = x.mul(c);
    const r = optimizeGraph([y], 'FAST_COMPILE');
    expect(r.applied.get('constant_folding')).toBe(2);
    expect(opNames(r.outputs)).toEqual(['Elemwise{mul,no_inplace}']);
    const folded = toposort(r.outputs)[0]!.inputs[1]!;
    expect(folded).toBeInstanceOf(TensorConstant);
    expect(folded.dtype).toBe('float32');
    expect(r.outputs[0]!.dtype).toBe('float32');
    const f = sym.function([x], y);
    expect((await f([1])).data[0]).toBeCloseTo(Math.exp(2), 5);
  });
});
