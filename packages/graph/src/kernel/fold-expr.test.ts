import { describe, expect, it } from 'vitest';
import type { ScalarExpr } from './kernel.js';
import { foldExpr } from './fold-expr.js';

const load = (input: number): ScalarExpr => ({ kind: 'load', input, strides: [1], offset: 0, dtype: 'float32' });
const mul = (a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ kind: 'apply', op: 'mul', args: [a, b], computeDType: 'float32', dtype: 'float32' });
const show = (e: ScalarExpr, args: string[]) => (e.kind === 'load' ? `x${e.input}` : `(${args.join(' * ')})`);

describe('foldExpr', () => {
  it('folds operands first, left to right, and tells the root', () => {
    const seen: string[] = [];
    const r = foldExpr<string>(mul(load(0), mul(load(1), load(2))), (e, args, root) => (seen.push(`${show(e, args)}${root ? ' root' : ''}`), show(e, args)), new Map());
    expect(r).toBe('(x0 * (x1 * x2))');
    expect(seen).toEqual(['x0', 'x1', 'x2', '(x1 * x2)', '(x0 * (x1 * x2)) root']);
  });

  it('visits an object once where the memo names it, and a chain past the stack', () => {
    // y = x * x, z = y * y, ...: 2^40 paths, 41 objects
    let e = load(0);
    for (let i = 0; i < 40; i++) e = mul(e, e);
    const memo = new Map<ScalarExpr, number>();
    let visits = 0;
    const depth = foldExpr<number>(e, (n, args) => (visits++, memo.set(n, 1 + Math.max(0, ...args)), 1 + Math.max(0, ...args)), memo);
    expect([depth, visits]).toEqual([41, 41]);
    let chain = load(0);
    for (let i = 0; i < 100000; i++) chain = mul(chain, load(1));
    expect(foldExpr<number>(chain, (_, args) => 1 + Math.max(0, ...args), new Map())).toBe(100001);
  });
});
