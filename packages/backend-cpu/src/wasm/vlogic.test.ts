// Comparisons, logic and switch in the float32 SIMD kernels (bool lanes hold 0 or 1; NaN is true), against the JavaScript kernels.
import { describe, expect, it } from 'vitest';
import type { DType, ElementwiseKernel, ReduceKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import { CpuBackend } from '../backend.js';
import { compileVectorKernel, vectorizable } from './vkernel.js';
import { runKernel } from '../test-kernels.js';

const js = new CpuBackend({ wasm: false });

function runWasm(k: ElementwiseKernel | ReduceKernel, ins: Float32Array[], size: number): Float32Array {
  expect(vectorizable(k)).toBe(true);
  const out = new Float32Array(size).fill(-7);
  compileVectorKernel(k)(ins, out);
  return out;
}

const load = (input: number): ScalarExpr => ({ kind: 'load', input, strides: [1], offset: 0, dtype: 'float32' });
const ap = (op: ScalarOpName, dtype: DType, computeDType: DType, ...args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op, args, computeDType, dtype });
const toF32 = (e: ScalarExpr): ScalarExpr => ap('cast', 'float32', 'float32', e);

const SPECIAL = [0, -0, 1, -1, 0.5, Number.NaN, Infinity, -Infinity, 3, 3];
const x = Float32Array.from([...SPECIAL, ...SPECIAL.slice().reverse(), 2, -2, 0]);
const y = Float32Array.from([...SPECIAL.slice().reverse(), ...SPECIAL, 2, 0, Number.NaN]);
const n = x.length;
const ew = (expr: ScalarExpr): ElementwiseKernel => ({ kind: 'elementwise', shape: [n], inputs: ['float32', 'float32'], out: 'float32', expr });

function same(got: Float32Array, want: Float32Array): void {
  for (let i = 0; i < want.length; i++) expect(Object.is(got[i], want[i]) || (Number.isNaN(got[i]!) && Number.isNaN(want[i]!)), `[${i}] got ${got[i]}, want ${want[i]}`).toBe(true);
}

describe('float32 SIMD kernels: comparisons, logic, switch', () => {
  for (const op of ['eq', 'neq', 'lt', 'le', 'gt', 'ge'] as const) {
    it(`${op} of two operands, as float32`, () => {
      const k = ew(toF32(ap(op, 'bool', 'float32', load(0), load(1))));
      same(runWasm(k, [x, y], n), (runKernel(js, k, [x, y], n) as Float32Array));
    });
  }
  for (const op of ['and', 'or', 'xor'] as const) {
    it(`${op} of float operands converted to bool (NaN is true)`, () => {
      const k = ew(toF32(ap(op, 'bool', 'bool', load(0), load(1))));
      same(runWasm(k, [x, y], n), (runKernel(js, k, [x, y], n) as Float32Array));
    });
  }
  it('not of a float operand', () => {
    const k = ew(toF32(ap('not', 'bool', 'bool', load(0))));
    same(runWasm(k, [x, y], n), (runKernel(js, k, [x, y], n) as Float32Array));
  });
  it('switch on a float condition and on a comparison (the relu gradient)', () => {
    const onFloat = ew(ap('switch', 'float32', 'float32', load(0), load(1), { kind: 'const', value: -3, dtype: 'float32' }));
    same(runWasm(onFloat, [x, y], n), (runKernel(js, onFloat, [x, y], n) as Float32Array));
    const gt = ap('gt', 'bool', 'float32', load(0), { kind: 'const', value: 0, dtype: 'float32' });
    const reluGrad = ew(ap('mul', 'float32', 'float32', load(1), toF32(gt)));
    same(runWasm(reluGrad, [x, y], n), (runKernel(js, reluGrad, [x, y], n) as Float32Array));
  });
  it('bool results of arithmetic are normalised to 0 or 1', () => {
    const k = ew(toF32(ap('add', 'bool', 'bool', load(0), load(1))));
    same(runWasm(k, [x, y], n), (runKernel(js, k, [x, y], n) as Float32Array));
  });
  it('counts with a sum of comparisons', () => {
    const k: ReduceKernel = {
      kind: 'reduce',
      shape: [],
      reduceShape: [n],
      reducer: 'sum',
      inputs: ['float32', 'float32'],
      acc: 'float64',
      out: 'float32',
      expr: toF32(ap('lt', 'bool', 'float32', load(0), load(1))),
    };
    same(runWasm(k, [x, y], 1), (runKernel(js, k, [x, y], 1) as Float32Array));
  });
});
