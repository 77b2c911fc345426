/**
 * Rewrites on chains deeper than the call stack: the walks that read a
 * product, a sum, a chain of one op or a length through thousands of nodes
 * use explicit stacks. Before, each recursed, and FAST_RUN of a 10,000-deep
 * product (`for (...) y = y.mul(0.9999)`, or a gradient through such a
 * chain) failed with "Maximum call stack size exceeded". Fusion caps a
 * kernel's expression at 256 nodes, so the backends' renderers never see
 * such a chain whole.
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
import { AdvancedIncSubtensor1, TensorConstant, elemwise, schedule, toposort, type ElementwiseKernel, type ScalarExpr, type TensorVariable } from '@sym/graph';
import { hasVariableDivisor, productTerms, uniformValue } from '../src/match.js';
import { combineChainConstants, mulDistributeCancel } from '../src/rewrites/canonicalize.js';
import { pairsScatterElementwise } from '../src/rewrites/pairs-scatter.js';
import { optimizeGraph, optimizeProgram } from '../src/index.js';
import type { RewriteContext } from '../src/registry.js';
import { T } from './helpers.js';

const DEPTH = 21_000;
/** Every variable read once, as in a chain. */
const once: RewriteContext = { clients: () => 1 };

describe('rewrites on deep chains', () => {
  it('productTerms reads a 21,000-deep product of muls, divisions and negations, factors in order', () => {
    const [x, y, z] = [T.vector('x'), T.vector('y'), T.vector('z')];
    let p = x;
    for (let i = 1; i < DEPTH; i++) p = i % 3 === 0 ? p.div(y) : i % 3 === 1 ? p.mul(z) : p.neg();
    const terms = productTerms(p);
    expect(terms.num).toEqual([x, ...Array<TensorVariable>(DEPTH / 3).fill(z)]);
    expect(terms.den).toEqual(Array<TensorVariable>(DEPTH / 3 - 1).fill(y));
    // 7000 negations
    expect(terms.negative).toBe(false);
    expect(hasVariableDivisor(p)).toBe(true);
  });

  it('hasVariableDivisor: none in a 10,000-deep product, nor in one dividing by constants; one found at the bottom', () => {
    const depth = 10_000;
    const x = T.vector('x');
    let [p, r] = [x, x];
    // the divisor y in q is above the bar again in s
    let s = T.vector('z').div(x.div(T.vector('y')));
    for (let i = 0; i < depth; i++) (p = p.mul(1.5)), (r = r.div(1.5)), (s = s.mul(x));
    expect(hasVariableDivisor(p)).toBe(false);
    expect(hasVariableDivisor(r)).toBe(false);
    expect(productTerms(r).den).toHaveLength(depth);
    expect(hasVariableDivisor(s)).toBe(true);
    expect(productTerms(s).den).toEqual([x]);
    // z / (1 / x): x is above the bar, and 1 a constant
    expect(hasVariableDivisor(T.vector('z').div(T.constant(1).div(x)))).toBe(false);
    expect(productTerms(T.vector('z').div(T.constant(1).div(x))).num.map(String)).toEqual(['z', 'x']);
  });

  it('chain_constants combines the two constants at the ends of a 21,000-deep product', () => {
    const x = T.vector('x');
    let p = x.mul(2);
    for (let i = 0; i < DEPTH; i++) p = p.mul(x);
    p = p.mul(3);
    const rewritten = combineChainConstants(p.owner!, once)!;
    const [chain, c] = rewritten.owner!.inputs as [TensorVariable, TensorVariable];
    expect(c).toBeInstanceOf(TensorConstant);
    expect(Number((c as TensorConstant).value.data[0])).toBe(6);
    // the other terms, x first and the chain's 21,000 x
    expect(productTerms(chain).num).toEqual(Array<TensorVariable>(DEPTH + 1).fill(x));
    // no two constants: no rewrite
    expect(combineChainConstants(x.mul(2).mul(x).mul(x).owner!, once)).toBeNull();
  });

  it('mul_distribute_cancel reads a sum of 21,000 terms', () => {
    const [x, s] = [T.vector('x'), T.vector('s')];
    let sum = x.div(s);
    for (let i = 1; i < DEPTH; i++) sum = i % 2 ? sum.add(x.div(s)) : sum.sub(x.div(s));
    const rewritten = mulDistributeCancel(sum.mul(s).owner!, once)!;
    const ops = toposort([rewritten]).map((n) => n.op.toString());
    // (x / s) * s for each term, joined by 10,500 adds and 10,499 subs
    expect(ops.filter((o) => o.startsWith('Elemwise{mul')).length).toBe(DEPTH);
    expect(ops.filter((o) => o.startsWith('Elemwise{add')).length).toBe(DEPTH / 2);
    expect(ops.filter((o) => o.startsWith('Elemwise{sub')).length).toBe(DEPTH / 2 - 1);
  });

  it('uniformValue looks through 21,000 fills', () => {
    const x = T.vector('x');
    let v: TensorVariable = T.constant(7);
    for (let i = 0; i < DEPTH; i++) v = elemwise('second', x, v);
    expect(uniformValue(v)).toBe(7);
  });

  it("pairs_scatter_elementwise finds a matrix's length through 20,000 elementwise ops", () => {
    const [m, y] = [T.matrix('m'), T.ivector('y')];
    let a = m;
    for (let i = 0; i < 20_000; i++) a = i % 2 ? a.mul(0.5) : a.add(1);
    const [g] = grad(T.log(a).get(T.arange(m.shape[0]), y).sum(), [a]);
    const scatter = toposort([g!]).find((n) => n.op instanceof AdvancedIncSubtensor1)!;
    expect(scatter).toBeDefined();
    const rewritten = pairsScatterElementwise(scatter, once);
    expect(rewritten?.owner?.op.toString()).toMatch(/^Reshape/);
  });

  it('FAST_RUN rewrites a 12,000-deep product x * x * ... (nothing to change) as it is', () => {
    const x = T.vector('x');
    let p = x;
    for (let i = 0; i < 12_000; i++) p = p.mul(x);
    const { outputs, converged } = optimizeGraph([p], 'FAST_RUN');
    expect(converged).toBe(true);
    expect(toposort(outputs).filter((n) => n.op.toString().startsWith('Elemwise{mul')).length).toBe(12_000);
  });

  it('fusion cuts a 3000-deep elementwise chain into kernels of at most 256 nodes, so renderers see shallow expressions', () => {
    const x = T.vector('x');
    let y = x;
    for (let i = 0; i < 3000; i++) y = i % 2 ? T.tanh(y) : y.mul(x);
    const program = optimizeProgram(schedule({ inputs: [x], inputShapes: [[4]], outputs: [y] }));
    const kernels = program.steps.map((s) => s.kernel).filter((k): k is ElementwiseKernel => k.kind === 'elementwise');
    expect(kernels.length).toBeGreaterThanOrEqual(Math.ceil(3000 / 256));
    for (const k of kernels) expect(treeSize(k.expr)).toBeLessThanOrEqual(256);
  });
});

/** Nodes of an expression counted as a tree (a shared node once per use), without recursion. */
function treeSize(e: ScalarExpr): number {
  let n = 0;
  const stack = [e];
  while (stack.length) {
    const t = stack.pop()!;
    n++;
    if (t.kind === 'apply') stack.push(...t.args);
    else if (t.kind === 'gather') stack.push(t.index);
  }
  return n;
}
