import { describe, expect, it } from 'vitest';
import { operandsOf, operandUses, type ScalarExpr } from '../src/index.js';

const load = (input: number): ScalarExpr => ({ kind: 'load', input, strides: [1], offset: 0, dtype: 'float32' });
const mul = (a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ kind: 'apply', op: 'mul', args: [a, b], computeDType: 'float32', dtype: 'float32' });

describe('operandsOf and operandUses', () => {
  it("lists an apply's arguments and a gather's index; leaves have none", () => {
    const x = load(0);
    const idx: ScalarExpr = { kind: 'load', input: 1, strides: [1], offset: 0, dtype: 'int32' };
    const g: ScalarExpr = { kind: 'gather', input: 0, index: idx, size: 4, dtype: 'float32' };
    expect(operandsOf(mul(x, g))).toEqual([x, g]);
    expect(operandsOf(g)).toEqual([idx]);
    expect(operandsOf(x)).toEqual([]);
  });

  it('counts the operand slots holding each object, visiting a shared object once', () => {
    // y = x * x; z = y * y; ... 60 levels: a tree of 2^60 paths, 61 objects
    const x = load(0);
    let e = x;
    for (let i = 0; i < 60; i++) e = mul(e, e);
    const uses = operandUses(e);
    expect(uses.size).toBe(61);
    expect(uses.get(e)).toBe(1);
    expect(uses.get(x)).toBe(2);
  });

  it('walks a chain deeper than the JavaScript stack', () => {
    let e = load(0);
    for (let i = 0; i < 100_000; i++) e = mul(e, load(1));
    expect(operandUses(e).size).toBe(200_001);
  });
});
