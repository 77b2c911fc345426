/** appliesCostly: costly ops outside gathers' indices, each shared subtree once, with a backend's own subset. */
import { describe, expect, it } from 'vitest';
import type { DType } from '../core/dtype.js';
import type { GatherExpr, LoadExpr, ScalarExpr } from './kernel.js';
import { COSTLY_SCALAR_OPS, appliesCostly } from './costly-ops.js';

const load = (input: number, dtype: DType = 'float32'): LoadExpr => ({ kind: 'load', input, dtype, strides: [1], offset: 0 });
const apply = (op: string, args: ScalarExpr[], dtype: DType = 'float32'): ScalarExpr => ({ kind: 'apply', op, args, computeDType: dtype, dtype }) as ScalarExpr;

describe('appliesCostly', () => {
  it('finds a costly op anywhere in the expression, not in a gather index', () => {
    expect(appliesCostly(apply('add', [load(0), apply('mul', [load(1), apply('exp', [load(0)])])]))).toBe(true);
    expect(appliesCostly(apply('add', [load(0), load(1)]))).toBe(false);
    expect(appliesCostly(load(0))).toBe(false);
    // an index's division is integer arithmetic on the gather's position, not the kernel's work
    const g: GatherExpr = { kind: 'gather', input: 0, index: apply('intdiv', [load(1, 'int32'), { kind: 'const', value: 2, dtype: 'int32' }], 'int32'), size: 8, dtype: 'float32' };
    expect(appliesCostly(apply('mul', [g, load(2)]))).toBe(false);
  });

  it('takes a subset (a backend counts only the costly ops it speeds up)', () => {
    const e = apply('log1p', [load(0)]);
    expect(COSTLY_SCALAR_OPS.has('log1p')).toBe(true);
    expect(appliesCostly(e)).toBe(true);
    expect(appliesCostly(e, new Set(['exp']))).toBe(false);
  });

  it('visits a shared subtree once (a deep chain of shared nodes answers at once)', () => {
    let e: ScalarExpr = load(0);
    for (let i = 0; i < 60; i++) e = apply('add', [e, e]);
    expect(appliesCostly(e)).toBe(false);
    expect(appliesCostly(apply('tanh', [e]))).toBe(true);
  });
});
