/**
 * The engine settles a chain in one sweep. It used to rewrite in passes
 * in which a node below a replaced one waited for the next pass, and gave
 * up after 64 passes: a rewrite that moves one link down a chain per pass
 * (constant folding, chain_constants, dimshuffle_dimshuffle) left a chain
 * longer than 64 partly unrewritten, silently, so a long graph came out
 * worse optimised than a short one.
 */
import { describe, expect, it } from 'vitest';
import { TensorConstant, elemwise, toposort, type TensorVariable } from '@sym/graph';
import { optimizeGraph, registerRewrite, type RewriteContext } from '../src/index.js';
import { T } from './helpers.js';

const LENGTHS = [10, 65, 300, 3000];

describe('the rewrite engine on long chains', () => {
  it.each(LENGTHS)('folds (((x + 1) + 1) + ...) of %i adds into one add of the sum', (n) => {
    const x = T.vector('x');
    let y = x;
    for (let i = 0; i < n; i++) y = y.add(1);
    const { outputs, converged } = optimizeGraph([y], 'FAST_RUN');
    expect(converged).toBe(true);
    const nodes = toposort(outputs);
    expect(nodes).toHaveLength(1);
    const [a, c] = nodes[0]!.inputs as [TensorVariable, TensorConstant];
    expect(a).toBe(x);
    expect(Number(c.value.data[0])).toBe(n);
  });

  it.each(LENGTHS)('constant-folds a chain of %i ops on a constant', (n) => {
    let c: TensorVariable = T.constant(0.5);
    for (let i = 0; i < n; i++) c = T.cos(c);
    const x = T.scalar('x');
    const { outputs } = optimizeGraph([x.mul(c)], 'FAST_RUN');
    const nodes = toposort(outputs);
    expect(nodes.map((nd) => nd.op.toString())).toEqual(['Elemwise{mul,no_inplace}']);
    let want = 0.5;
    for (let i = 0; i < n; i++) want = Math.cos(want);
    expect(Number((nodes[0]!.inputs[1] as TensorConstant).value.data[0])).toBeCloseTo(want, 12);
  });

  it.each(LENGTHS)('takes away %i transposes of a matrix (an even count: none left)', (n) => {
    const m = T.matrix('m');
    let y = m;
    for (let i = 0; i < n; i++) y = y.T;
    const { outputs } = optimizeGraph([T.exp(y)], 'FAST_RUN');
    const ops = toposort(outputs).map((nd) => nd.op.toString());
    expect(ops).toEqual(n % 2 ? ['DimShuffle{1,0}', 'Elemwise{exp,no_inplace}'] : ['Elemwise{exp,no_inplace}']);
  });

  it('a cycle of rewrites is an error naming them, not a silent stop', () => {
    // x * 2 -> x + x -> x * 2 -> ...: each builds what the other rewrites
    registerRewrite({
      kind: 'node',
      name: 'test_twice_to_sum',
      phase: 'canonicalize',
      tags: ['test_cycle'],
      rewrite: (node) => (node.op.toString().startsWith('Elemwise{mul') && node.inputs[1] instanceof TensorConstant ? T.add(node.inputs[0]!, node.inputs[0]!) : null),
    });
    registerRewrite({
      kind: 'node',
      name: 'test_sum_to_twice',
      phase: 'canonicalize',
      tags: ['test_cycle'],
      rewrite: (node) => (node.op.toString().startsWith('Elemwise{add') && node.inputs[0] === node.inputs[1] ? elemwise('mul', node.inputs[0]!, T.constant(2)) : null),
    });
    const x = T.vector('x');
    expect(() => optimizeGraph([x.mul(2)], 'FAST_RUN', { including: ['test_cycle'] })).toThrow(/did not reach a fixpoint.*test_twice_to_sum.*test_sum_to_twice|test_sum_to_twice.*test_twice_to_sum/);
    // without them, the same graph compiles
    expect(optimizeGraph([x.mul(2)], 'FAST_RUN').converged).toBe(true);
  });

  it('a rewrite that fires again at every sweep is an error naming it after 64 sweeps', () => {
    // a new context is a new sweep: rebuild the first exp node of each sweep, forever; it asks for the use count of
    // what it replaces (which its firing changes), as a rewrite firing one sweep later does: else one sweep is made
    let seen: RewriteContext | undefined;
    let fired = 0;
    registerRewrite({
      kind: 'node',
      name: 'test_once_per_sweep',
      phase: 'canonicalize',
      tags: ['test_sweeps'],
      rewrite: (node, ctx) => {
        if (ctx === seen || !node.op.toString().startsWith('Elemwise{exp') || ctx.clients(node.outputs[0]!) === 0) return null;
        seen = ctx;
        fired++;
        return T.exp(node.inputs[0]!);
      },
    });
    const x = T.vector('x');
    expect(() => optimizeGraph([T.exp(x)], 'FAST_RUN', { including: ['test_sweeps'] })).toThrow(/64 sweeps over the graph each changed it; still firing: test_once_per_sweep \(1x\)/);
    expect(fired).toBe(64);
  });
});
