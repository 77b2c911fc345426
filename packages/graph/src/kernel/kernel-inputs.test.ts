import { describe, expect, it } from 'vitest';
import type { ElementwiseKernel, ScalarExpr } from './kernel.js';
import { inputExtent, moveInputs } from './kernel-inputs.js';

const load = (input: number, strides: number[], offset: number): ScalarExpr => ({ kind: 'load', input, strides, offset, dtype: 'float32' });
const add = (a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ kind: 'apply', op: 'add', args: [a, b], computeDType: 'float32', dtype: 'float32' });
const gather = (input: number, size: number): ScalarExpr => ({ kind: 'gather', input, index: load(0, [1, 0], 0), size, dtype: 'float32' });

// out[i, j] = in0[i] + in1[(2 - i) * 4 + j + 1] (a reversed row view) + in2[in0[i]] (a gather of a 7-element input)
const kernel: ElementwiseKernel = {
  kind: 'elementwise',
  shape: [3, 2],
  inputs: ['float32', 'float32', 'float32'],
  out: 'float32',
  expr: add(add(load(0, [1, 0], 0), load(1, [-4, 1], 9)), gather(2, 7)),
};

describe('inputExtent', () => {
  it('is one past the highest element a load reaches, negative strides included, or a gather input\'s size', () => {
    expect([0, 1, 2].map((i) => inputExtent(kernel, i))).toEqual([3, 11, 7]);
  });

  it('refuses a load that reaches below element 0, and reads nothing over an empty space', () => {
    expect(() => inputExtent({ ...kernel, expr: load(1, [-4, 1], 1) }, 1)).toThrow('a load of input 1 reaches index -7');
    expect(inputExtent({ ...kernel, shape: [0, 2] }, 1)).toBe(0);
  });
});

describe('moveInputs', () => {
  it('moves the loads and gathers of inputs from keep on to their places, and leaves the others', () => {
    const moved = moveInputs(kernel, 1, ['float32', 'float32'], (input) => ({ input: 1, base: input === 1 ? 0 : 11, size: 18 }));
    expect(moved.inputs).toEqual(['float32', 'float32']);
    expect(moved.expr).toEqual(
      add(add(load(0, [1, 0], 0), load(1, [-4, 1], 9)), {
        kind: 'gather',
        input: 1,
        size: 18,
        index: { kind: 'apply', op: 'add', args: [load(0, [1, 0], 0), { kind: 'const', value: 11, dtype: 'int32' }], computeDType: 'int32', dtype: 'int32' },
        dtype: 'float32',
      }),
    );
    const shifted = moveInputs(kernel, 1, kernel.inputs, (input) => ({ input, base: 5 }));
    expect(shifted.expr.kind === 'apply' && shifted.expr.args[0]).toEqual(add(load(0, [1, 0], 0), load(1, [-4, 1], 14)));
  });
});
