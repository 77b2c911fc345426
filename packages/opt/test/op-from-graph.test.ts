/**
 * opFromGraph in the optimizer: inlined before constant folding by default
 * (so stabilisation and fusion see through it, and its gradient's copy of
 * the forward graph merges with it), kept with `inline: false` (its inner
 * graph rewritten on its own, as a scan's step), and not inlined where
 * the rewrite is excluded (FAST_COMPILE): lowered in place there.
 */
import { describe, expect, it } from 'vitest';
import { OpFromGraph } from '@sym/graph';
import { grad } from '@sym/grad';
import { inlineOpFromGraph, optimizeGraph } from '../src/index.js';
import { opNames, sym, T, values } from './helpers.js';

const x = T.dvector('x');
// log(sigmoid(x)) overflows to -inf at x = -800; stabilize rewrites it to -softplus(-x)
const logSigmoid = sym.opFromGraph([x], T.log(T.sigmoid(x)), { name: 'log_sigmoid' });
const kept = sym.opFromGraph([x], T.log(T.sigmoid(x)), { name: 'log_sigmoid_kept', inline: false });

describe('inline_op_from_graph', () => {
  it('replaces the node by its inner graph on the node’s inputs, nested ones too, and carries the output’s name', () => {
    const u = T.dvector('u');
    const outer = sym.opFromGraph([u], logSigmoid(u).mul(2), { name: 'outer' });
    const a = T.dvector('a');
    const y = outer(a);
    y.name = 'y';
    const [r] = inlineOpFromGraph([y]);
    expect(opNames(r!)).toEqual(['Elemwise{sigmoid,no_inplace}', 'Elemwise{log,no_inplace}', 'Elemwise{mul,no_inplace}']);
    expect(r!.name).toBe('y');
    expect(sym.graphLeaves([r!]).filter((v) => !(v instanceof sym.TensorConstant))).toEqual([a]);
    // inline: false stays
    expect(opNames(inlineOpFromGraph([kept(a)])[0]!)).toEqual(['OpFromGraph{log_sigmoid_kept}']);
  });

  it('carries the output’s name to no variable of the user’s graph: an identity op’s argument, an inner node reading no input', () => {
    const u = T.dvector('u');
    const ident = sym.opFromGraph([u], [u, T.constant([1, 2], { dtype: 'float64' }).exp()], { name: 'ident' });
    const e = T.dvector('a').exp();
    const [o, c] = ident(e);
    o!.name = 'o';
    c!.name = 'c';
    inlineOpFromGraph([o!, c!]);
    // e was renamed 'o' by compiling a function of ident(e)
    expect(e.name).toBeUndefined();
    expect(ident.op.outputs[1]!.name).toBeUndefined();
  });

  it('lets stabilisation see through it; an inline: false node’s inner graph is rewritten on its own; FAST_COMPILE lowers the written graph', async () => {
    const a = T.dvector('a');
    const inlined = sym.function([a], logSigmoid(a));
    expect(inlined.debugprint()).not.toMatch(/OpFromGraph/);
    expect(values(await inlined([-800, 0]))[0]).toEqual([-800, Math.log(0.5)]);
    const report = optimizeGraph([kept(a)]);
    const op = report.outputs[0]!.owner!.op as OpFromGraph;
    expect(op).toBeInstanceOf(OpFromGraph);
    expect(opNames(op.outputs).join(' ')).toMatch(/softplus/);
    expect(opNames(kept.op.outputs)).toContain('Elemwise{log,no_inplace}'); // the user's op keeps its graph
    expect(values(await sym.function([a], kept(a))([-800, 0]))[0]).toEqual([-800, Math.log(0.5)]);
    const fastCompile = sym.function([a], logSigmoid(a), { mode: 'FAST_COMPILE' });
    expect(fastCompile.debugprint()).toMatch(/^OpFromGraph\{log_sigmoid\}/);
    expect(values(await fastCompile([-800, 0]))[0]![0]).toBe(-Infinity);
  });

  it('fuses the inlined graph with its neighbours into the kernels the written-out graph gets', () => {
    const u = T.dvector('u');
    const affine = sym.opFromGraph([u], T.tanh(u.mul(3).add(1)), { name: 'affine' });
    const a = T.dvector('a');
    const args = [[0.1, 0.2, 0.3]];
    const wrapped = sym.function([a], affine(a).mul(a).sum());
    const written = sym.function([a], T.tanh(a.mul(3).add(1)).mul(a).sum());
    expect(wrapped.compiled.kernelCount(...args)).toBe(written.compiled.kernelCount(...args));
    expect(wrapped.compiled.kernelCount(...args)).toBe(1);
  });

  it('folds the constants of the inlined graph as those of the written-out one (inlined after constant folding, a T.zeros stayed an Alloc)', () => {
    const u = T.dvector('u');
    const padMax = sym.opFromGraph([u], T.max(T.concatenate([u, T.zeros([1], 'float64')])), { name: 'pad_max' });
    const a = T.dvector('a');
    const inlined = optimizeGraph([padMax(a)]).outputs;
    expect(opNames(inlined[0]!)).not.toContain('Alloc');
    expect(opNames(inlined[0]!)).toEqual(opNames(optimizeGraph([T.max(T.concatenate([a, T.zeros([1], 'float64')]))]).outputs[0]!));
  });

  it('merges the forward graph with the copy its gradient reads', () => {
    const u = T.dvector('u');
    const sm = sym.opFromGraph([u], T.exp(u).div(T.exp(u).sum()), { name: 'sm' });
    const a = T.dvector('a');
    const y = sm(a);
    const [r, g] = optimizeGraph([y, grad(y.mul(a).sum(), [a])[0]!], 'FAST_RUN', { excluding: ['fusion'] }).outputs;
    const exps = sym.toposort([r!, g!]).filter((n) => n.op.toString().startsWith('Elemwise{exp'));
    expect(exps).toHaveLength(1);
  });
});
