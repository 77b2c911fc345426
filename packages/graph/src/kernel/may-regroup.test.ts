/** regroupOperand: the float sums and products a shader compiler may regroup, and which operand a backend holds apart. */
import { describe, expect, it } from 'vitest';
import type { DType } from '../core/dtype.js';
import type { ApplyExpr, LoadExpr, ScalarExpr } from './kernel.js';
import { regroupOperand } from './may-regroup.js';

const load = (input: number, dtype: DType = 'float32'): LoadExpr => ({ kind: 'load', input, dtype, strides: [1], offset: 0 });
const num = (value: number, dtype: DType = 'float32'): ScalarExpr => ({ kind: 'const', value, dtype });
const apply = (op: string, args: ScalarExpr[], dtype: DType = 'float32'): ApplyExpr => ({ kind: 'apply', op, args, computeDType: dtype, dtype }) as ApplyExpr;

describe('regroupOperand', () => {
  const x = load(0);
  const y = load(1);

  it("names mayCancel's differences (the second operand)", () => {
    expect(regroupOperand(apply('sub', [apply('add', [x, num(1)]), x]))).toBe(1);
    expect(regroupOperand(apply('add', [x, apply('neg', [x])]))).toBe(1);
  });

  it('names a nonzero constant (or an expression reading nothing) beside a sum, whichever side and sign', () => {
    expect(regroupOperand(apply('sub', [apply('add', [x, num(1e30)]), num(1e30)]))).toBe(1);
    expect(regroupOperand(apply('add', [apply('add', [x, num(1)]), num(-1)]))).toBe(1);
    expect(regroupOperand(apply('sub', [num(1), apply('sub', [num(1), x])]))).toBe(0);
    // the constant moves into the sum: (x + y) + 2 was x + (y + 2), 0 at x = 1e30, y = -1e30
    expect(regroupOperand(apply('add', [apply('add', [x, y]), num(2)]))).toBe(1);
    expect(regroupOperand(apply('sub', [apply('sub', [x, y]), apply('mul', [num(2), num(1)])]))).toBe(1);
    // a zero moves without changing a value; a constant beside a product is not regrouped
    expect(regroupOperand(apply('add', [num(-0), apply('add', [x, y])]))).toBe(-1);
    expect(regroupOperand(apply('add', [apply('mul', [x, y]), num(2)]))).toBe(-1);
  });

  it('names b in (p - q) + b and b + (p - q) where q and b read a common input, not other sums', () => {
    expect(regroupOperand(apply('add', [apply('sub', [x, y]), y]))).toBe(1);
    expect(regroupOperand(apply('add', [y, apply('sub', [x, y])]))).toBe(0);
    expect(regroupOperand(apply('add', [apply('sub', [x, y]), x]))).toBe(-1);
    // terms of opposite signs a few levels down: y + ((x - y) + z), (z + (y - x)) + x, x + (-x + z)
    const z = load(2);
    expect(regroupOperand(apply('add', [y, apply('add', [apply('sub', [x, y]), z])]))).toBe(0);
    expect(regroupOperand(apply('add', [apply('add', [z, apply('sub', [y, x])]), x]))).toBe(1);
    expect(regroupOperand(apply('add', [x, apply('add', [apply('neg', [x]), z])]))).toBe(0);
    expect(regroupOperand(apply('add', [apply('add', [x, y]), apply('add', [x, z])]))).toBe(-1);
    expect(regroupOperand(apply('sub', [apply('sub', [x, y]), apply('neg', [y])]))).toBe(1); // mayCancel's
    // a dot product's unrolled terms read common inputs and are kept as written
    expect(regroupOperand(apply('add', [apply('mul', [x, y]), apply('mul', [{ ...x, offset: 1 }, { ...y, offset: 1 }])]))).toBe(-1);
  });

  it('names the second of two products with a common factor whose other factors would regroup: (x - y) * 2 + y * 2', () => {
    expect(regroupOperand(apply('add', [apply('mul', [apply('sub', [x, y]), num(2)]), apply('mul', [y, num(2)])]))).toBe(1);
    expect(regroupOperand(apply('add', [apply('mul', [num(2), y]), apply('mul', [apply('sub', [x, y]), num(2)])]))).toBe(1);
    expect(regroupOperand(apply('add', [apply('mul', [apply('sub', [x, y]), y]), apply('mul', [y, { ...y }])]))).toBe(1);
    // factors that differ, or other factors that would not regroup: as written
    expect(regroupOperand(apply('add', [apply('mul', [apply('sub', [x, y]), num(2)]), apply('mul', [y, num(3)])]))).toBe(-1);
    expect(regroupOperand(apply('add', [apply('mul', [x, num(2)]), apply('mul', [y, num(2)])]))).toBe(-1);
  });

  it('names the outer constant of a product of constants out of float32 range, not one in range', () => {
    expect(regroupOperand(apply('mul', [apply('mul', [x, num(1e30)]), num(1e30)]))).toBe(1);
    expect(regroupOperand(apply('mul', [num(1e-30), apply('mul', [num(1e-30), x])]))).toBe(0);
    expect(regroupOperand(apply('mul', [apply('mul', [x, num(1e30)]), num(1e-30)]))).toBe(-1);
    expect(regroupOperand(apply('mul', [apply('mul', [x, num(0)]), num(1e-30)]))).toBe(-1);
    expect(regroupOperand(apply('mul', [apply('mul', [x, num(2)]), y]))).toBe(-1);
  });

  it('leaves integer arithmetic and other ops alone', () => {
    const i = load(0, 'int32');
    expect(regroupOperand(apply('add', [apply('sub', [i, load(1, 'int32')]), load(1, 'int32')], 'int32'))).toBe(-1);
    expect(regroupOperand(apply('mul', [apply('mul', [i, num(65536, 'int32')]), num(65536, 'int32')], 'int32'))).toBe(-1);
    expect(regroupOperand(apply('truediv', [apply('mul', [x, num(2)]), num(2)]))).toBe(-1);
  });
});
