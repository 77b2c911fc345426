/**
 * The engine makes a second sweep over a phase that rewrote only where a
 * rewrite asked how often a variable is used and that count changed since:
 * every node of the rewritten graph was already tried as it is, so nothing
 * else can fire (a confirming sweep took 10-20 ms of a training step's
 * first call, three per model).
 */
import { describe, expect, it } from 'vitest';
import { elemwise, toposort, type Apply, type TensorVariable } from '@sym/graph';
import { runGraphRewrites, type NodeRewrite, type NodeRewriter } from '../src/index.js';
import { T } from './helpers.js';

const isOp = (node: Apply, name: string): boolean => node.op.toString() === `Elemwise{${name},no_inplace}`;
const rewrite = (name: string, f: NodeRewriter): NodeRewrite => ({ kind: 'node', name, phase: 'canonicalize', tags: [], rewrite: f });
/** cos(v) -> x: the cos node's use of v goes away. */
const dropCos = (x: TensorVariable) => rewrite('test_drop_cos', (node) => (isOp(node, 'cos') ? x : null));

describe('sweeps of a phase', () => {
  it('a phase that rewrote is not swept again when nothing asked for a use count', () => {
    const x = T.vector('x');
    const tries: Apply[] = [];
    const count = rewrite('test_count', (node) => {
      tries.push(node);
      return null;
    });
    const { outputs } = runGraphRewrites([T.exp(T.cos(x))], [count, dropCos(x)]);
    expect(toposort(outputs).map((n) => n.op.toString())).toEqual(['Elemwise{exp,no_inplace}']);
    // the cos node, then exp rebuilt on x; a second sweep would try exp(x) again
    expect(tries.map((n) => n.op.toString())).toEqual(['Elemwise{cos,no_inplace}', 'Elemwise{exp,no_inplace}']);
  });

  it('a rewrite that asked for a use count the sweep changed fires in the next sweep', () => {
    const x = T.vector('x');
    const a = x.add(1);
    // exp(a) -> sin(a) once a has one use: exp is tried before cos(a) goes (2 uses then), so it fires one sweep later
    const expOfSingleUse = rewrite('test_exp_single_use', (node, ctx) => (isOp(node, 'exp') && ctx.clients(node.inputs[0]!) === 1 ? elemwise('sin', node.inputs[0]!) : null));
    const { outputs } = runGraphRewrites([T.exp(a), T.cos(a)], [expOfSingleUse, dropCos(x)]);
    expect(outputs[0]!.owner!.op.toString()).toBe('Elemwise{sin,no_inplace}');
    expect(outputs[0]!.owner!.inputs[0]).toBe(a);
    expect(outputs[1]).toBe(x);
  });
});
