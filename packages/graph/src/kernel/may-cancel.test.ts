/** mayCancel: the float a - b (and a + -b) a shader compiler may fold to 0 are those whose operands share a read. */
import { describe, expect, it } from 'vitest';
import type { DType } from '../core/dtype.js';
import type { ApplyExpr, GatherExpr, LoadExpr, ScalarExpr } from './kernel.js';
import { mayCancel } from './may-cancel.js';

const load = (input: number, dtype: DType = 'float32'): LoadExpr => ({ kind: 'load', input, dtype, strides: [1], offset: 0 });
const num = (value: number, dtype: DType = 'float32'): ScalarExpr => ({ kind: 'const', value, dtype });
const apply = (op: string, args: ScalarExpr[], dtype: DType = 'float32'): ApplyExpr => ({ kind: 'apply', op, args, computeDType: dtype, dtype }) as ApplyExpr;

describe('mayCancel', () => {
  const x = load(0);
  const y = load(1);

  it('names a float subtraction whose operands read a common input, however they are written', () => {
    expect(mayCancel(apply('sub', [x, x]))).toBe(true);
    expect(mayCancel(apply('sub', [apply('mul', [x, num(2)]), apply('mul', [num(2), x])]))).toBe(true);
    expect(mayCancel(apply('sub', [apply('switch', [apply('gt', [y, num(0)], 'bool'), x, x]), x]))).toBe(true);
    expect(mayCancel(apply('sub', [apply('maximum', [x, x]), x]))).toBe(true);
    // two loads of one input (other strides) read it too
    expect(mayCancel(apply('sub', [x, { ...load(0), strides: [0] }]))).toBe(true);
  });

  it('names an addition of a negation (- b, or a product with a negative constant) with a shared read', () => {
    expect(mayCancel(apply('add', [x, apply('neg', [x])]))).toBe(true);
    expect(mayCancel(apply('add', [apply('mul', [num(-1), x]), x]))).toBe(true);
    expect(mayCancel(apply('add', [x, x]))).toBe(false);
    expect(mayCancel(apply('add', [x, apply('neg', [y])]))).toBe(false);
  });

  it('leaves operands without a common read, integer arithmetic, and a switch condition alone', () => {
    expect(mayCancel(apply('sub', [x, y]))).toBe(false);
    expect(mayCancel(apply('sub', [load(0, 'int32'), load(0, 'int32')], 'int32'))).toBe(false);
    // a condition only chooses between its arms: switch(x > 0, y, 1) - x cannot be proven 0
    expect(mayCancel(apply('sub', [apply('switch', [apply('gt', [x, num(0)], 'bool'), y, num(1)]), x]))).toBe(false);
  });

  it('counts a gather as a read of its input wherever its index points', () => {
    const g: GatherExpr = { kind: 'gather', input: 0, index: load(2, 'int32'), size: 8, dtype: 'float32' };
    expect(mayCancel(apply('sub', [g, x]))).toBe(true);
    expect(mayCancel(apply('sub', [g, y]))).toBe(false);
  });

  it('walks a chain deeper than the stack allows', () => {
    let e: ScalarExpr = x;
    for (let i = 0; i < 50_000; i++) e = apply('add', [e, num(1)]);
    expect(mayCancel(apply('sub', [e, y]))).toBe(false);
    expect(mayCancel(apply('sub', [e, x]))).toBe(true);
  });
});
