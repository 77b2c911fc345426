/**
 * Expressions of any depth compile: parts of a kernel's expression are
 * computed into variables where it would nest too deep for the GLSL
 * compiler (headless-gl's said "memory exhausted" for a kernel of 100
 * affine steps), and a subexpression object it holds twice (a DAG) is
 * computed once (before, its source doubled per level, and refuseFloat64's
 * walk over the tree took 7 s at 26 levels). Fused chains through
 * sym.function are the conformance suite's composite cases 'deep float32'.
 */
import { describe, expect, it } from 'vitest';
import type { ApplyExpr, DType, Kernel, MatmulKernel, ReduceKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import { GpujsBackend, renderExpr } from '../src/index.js';
import { MAX_NESTING, nesting, renderKernel } from '../src/render.js';
import { gpu, load, mismatches, runKernel, typed } from './harness.js';

const apply = (op: ScalarOpName, ...args: ScalarExpr[]): ApplyExpr => ({ kind: 'apply', op, args, dtype: 'float32', computeDType: 'float32' });
const num = (value: number, dtype: DType = 'float32'): ScalarExpr => ({ kind: 'const', value, dtype });
const reduced: ScalarExpr = { kind: 'reduced', dtype: 'float32' };
const f = Math.fround;
const index = (strides: readonly number[], offset: number) => `i0 * ${strides[0]} + ${offset}`;

/** `steps` affine steps x * 0.9 + 0.1 on `x`: two levels each. */
function affine(x: ScalarExpr, steps: number): ScalarExpr {
  let e = x;
  for (let i = 0; i < steps; i++) e = apply('add', apply('mul', e, num(0.9)), num(0.1));
  return e;
}
const affineRef = (x: number, steps: number) => {
  let v = f(x);
  for (let i = 0; i < steps; i++) v = f(f(v * f(0.9)) + f(0.1));
  return v;
};

/** `levels` squarings y = (y * y) * 0.5 + 0.25, each reading one shared object twice: a tree of 2^levels leaves. */
function squarings(x: ScalarExpr, levels: number): ScalarExpr {
  let e = x;
  for (let i = 0; i < levels; i++) e = apply('add', apply('mul', apply('mul', e, e), num(0.5)), num(0.25));
  return e;
}
const squaringsRef = (x: number, levels: number) => {
  let v = f(x);
  for (let i = 0; i < levels; i++) v = f(f(f(v * v) * f(0.5)) + f(0.25));
  return v;
};

const xs = [0.1, 0.5, -0.3, 2, -1.5, 0, 0.75, -0.05];

describe('rendering', () => {
  it('a shallow expression renders in one piece, as before', () => {
    const lets: string[] = [];
    const e = apply('tanh', apply('add', apply('mul', load(0, [1]), num(2)), apply('switch', apply('gt', load(1, [1]), num(0)), num(1), num(-1))));
    expect(renderExpr(e, index, undefined, lets)).toBe(renderExpr(e, index));
    expect(lets).toEqual([]);
  });

  it("a switch's computed arm is computed first: the switch selects between names and literals (no branch)", () => {
    const lets: string[] = [];
    const e = apply('switch', apply('gt', load(1, [1]), num(0)), load(0, [1]), num(-1));
    expect(renderExpr(e, index)).toBe('((symTruthy(((in1[i0 * 1 + 0] > 0.0) ? 1.0 : 0.0)) > 0.5) ? in0[i0 * 1 + 0] : (-1.0))');
    expect(renderExpr(e, index, undefined, lets)).toBe('((symTruthy(((in1[i0 * 1 + 0] > 0.0) ? 1.0 : 0.0)) > 0.5) ? w0 : (-1.0))');
    expect(lets).toEqual(['const w0 = in0[i0 * 1 + 0];']);
  });

  it('a deep chain is computed in parts, none nesting much past the bound', () => {
    const e = affine(load(0, [1]), 500);
    const lets: string[] = [];
    const value = renderExpr(e, index, undefined, lets);
    expect(nesting(renderExpr(e, index))).toBeGreaterThan(1000);
    expect(lets.length).toBeGreaterThan(20);
    for (const s of [...lets, value]) expect(nesting(s)).toBeLessThanOrEqual(MAX_NESTING + 4);
  });

  it('a 60-level DAG renders in linear size', () => {
    const k: Kernel = { kind: 'elementwise', shape: [8], inputs: ['float32'], out: 'float32', expr: squarings(load(0, [1]), 60) };
    const source = renderKernel(k);
    expect(source.match(/const e\d+ = /g)).toHaveLength(59);
    expect(source.length).toBeLessThan(60 * 150);
  });

  it('a gather renders its index first with lets, and is refused without them naming its input', () => {
    const g: ScalarExpr = { kind: 'gather', input: 2, index: load(1, [1]), size: 10, dtype: 'float32' };
    const e = apply('mul', g, num(2));
    const lets: string[] = [];
    expect(renderExpr(e, index, undefined, lets)).toContain('in2[g0]');
    expect(lets).toEqual([`const g0 = in1[${index([1], 0)}];`]);
    expect(() => renderExpr(e, index)).toThrow(/^gpujs renderExpr: a gather \(of input 2\) needs `lets`/);
  });
});

describe.each([
  ['headlessgl', gpu],
  ['cpu mode', new GpujsBackend({ mode: 'cpu' })],
] as const)('deep kernels (%s)', (_, backend) => {
  const expectNear = (got: ArrayLike<number>, want: readonly number[], label: string) => expect(mismatches(got, want, 1e-5, 1e-6), label).toEqual([]);

  it('an elementwise chain of 400 affine steps (800 levels)', () => {
    const k: Kernel = { kind: 'elementwise', shape: [xs.length], inputs: ['float32'], out: 'float32', expr: affine(load(0, [1]), 400) };
    expectNear(runKernel(backend, k, [typed('float32', xs)]), xs.map((x) => affineRef(x, 400)), 'affine 400');
  });

  it('a 40-level DAG of shared squarings (2^40 leaves as a tree)', () => {
    const x = xs.map((v) => v * 0.5);
    const k: Kernel = { kind: 'elementwise', shape: [x.length], inputs: ['float32'], out: 'float32', expr: squarings(load(0, [1]), 40) };
    expectNear(runKernel(backend, k, [typed('float32', x)]), x.map((v) => squaringsRef(v, 40)), 'squarings 40');
  });

  it('a reduction of a deep expression with a deep epilogue', () => {
    const cols = 5;
    const x = Array.from({ length: 3 * cols }, (_, i) => Math.fround(Math.sin(i) * 0.5));
    const k: ReduceKernel = {
      kind: 'reduce',
      shape: [3],
      reduceShape: [cols],
      reducer: 'sum',
      inputs: ['float32'],
      acc: 'float32',
      out: 'float32',
      expr: affine(load(0, [cols, 1]), 150),
      epilogue: { value: 'float32', expr: affine(apply('mul', reduced, num(1 / cols)), 150) },
    };
    const want = Array.from({ length: 3 }, (_, i) => {
      let s = 0;
      for (let j = 0; j < cols; j++) s = f(s + affineRef(x[i * cols + j]!, 150));
      return affineRef(f(s * f(1 / cols)), 150);
    });
    expectNear(runKernel(backend, k, [typed('float32', x)]), want, 'reduce');
  });

  it('a matmul with a deep epilogue', () => {
    const a = Array.from({ length: 6 }, (_, i) => (i - 2) * 0.25);
    const b = Array.from({ length: 6 }, (_, i) => (3 - i) * 0.125);
    const k: MatmulKernel = {
      kind: 'matmul',
      batch: 1,
      m: 2,
      n: 2,
      k: 3,
      inputs: ['float32', 'float32'],
      a: { strides: [0, 3, 1], offset: 0 },
      b: { strides: [0, 2, 1], offset: 0 },
      acc: 'float32',
      out: 'float32',
      outStrides: [0, 2, 1],
      epilogue: { value: 'float32', expr: affine(reduced, 200) },
    };
    const want = [0, 1].flatMap((m) => [0, 1].map((n) => affineRef(a[m * 3]! * b[n]! + a[m * 3 + 1]! * b[2 + n]! + a[m * 3 + 2]! * b[4 + n]!, 200)));
    expectNear(runKernel(backend, k, [typed('float32', a), typed('float32', b)]), want, 'matmul epilogue');
  });
});
