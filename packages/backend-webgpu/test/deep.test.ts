/**
 * Expressions of any depth compile: a kernel's expression renders as `let`
 * statements where it would nest too deep for Tint's parser (128 levels),
 * and a subexpression object it holds twice (a DAG) is computed once.
 * Before, a fused chain of 64 affine steps failed with "maximum parser
 * recursive depth reached", and a DAG's shader doubled per level.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kernelOutputSize } from '@sym/graph';
import type { ApplyExpr, DType, Kernel, LoadExpr, MatmulKernel, ReduceKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import { renderExpr } from '../src/index.js';
import { LITERALS } from '../src/shader.js';
import { MAX_NESTING, nesting, renderStatements } from '../src/statements.js';
import { T, sym, webgpu } from './setup.js';

beforeAll(() => webgpu.init());
beforeEach(() => expect.hasAssertions());

const load = (input: number, strides: number[] = [1]): LoadExpr => ({ kind: 'load', input, strides, offset: 0, dtype: 'float32' });
const apply = (op: ScalarOpName, ...args: ScalarExpr[]): ApplyExpr => ({ kind: 'apply', op, args, dtype: 'float32', computeDType: 'float32' });
const num = (value: number, dtype: DType = 'float32'): ScalarExpr => ({ kind: 'const', value, dtype });
const reduced: ScalarExpr = { kind: 'reduced', dtype: 'float32' };
const f = Math.fround;

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

const index = (strides: readonly number[], offset: number) => `i0 * ${strides[0]} + ${offset}`;

async function launch(kernel: Kernel, inputs: Float32Array[]): Promise<number[]> {
  const bufs = inputs.map((data, i) => {
    const b = webgpu.alloc(kernel.inputs[i]!, data.length);
    webgpu.write(b, data);
    return b;
  });
  const output = webgpu.alloc(kernel.out, kernelOutputSize(kernel));
  webgpu.run([{ exe: webgpu.compile(kernel), inputs: bufs, output }]);
  const out = [...(await webgpu.read(output))];
  [...bufs, output].forEach((b) => webgpu.free(b));
  return out;
}

function expectNear(got: readonly number[], want: readonly number[], label: string): void {
  expect(got).toHaveLength(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i]! - w), `${label} [${i}]: got ${got[i]}, expected ${w}`).toBeLessThan(1e-5 * (1 + Math.abs(w))));
}

const xs = Float32Array.from([0.1, 0.5, -0.3, 2, -1.5, 0, 0.75, -0.05]);

describe('renderStatements', () => {
  it('renders a shallow tree exactly as renderExpr does, without lets', () => {
    const e = apply('tanh', apply('add', apply('mul', load(0), num(2)), apply('switch', apply('gt', load(1), num(0)), load(0), num(-1))));
    const r = renderStatements(e, index);
    expect(r.lets).toEqual([]);
    expect(r.value).toBe(renderExpr(e, index));
  });

  it('binds a deep chain to lets, none nesting much past the bound', () => {
    const e = affine(load(0), 500);
    expect(nesting(renderExpr(e, index))).toBeGreaterThan(1000);
    const r = renderStatements(e, index);
    expect(r.lets.length).toBeGreaterThan(20);
    for (const s of [...r.lets, r.value]) expect(nesting(s)).toBeLessThanOrEqual(MAX_NESTING + 4);
    expect(r.lets[0]).toMatch(/^let e_0 = /);
  });

  it('computes a subexpression object used twice once: a 60-level DAG renders in linear size', () => {
    const r = renderStatements(squarings(load(0), 60), index);
    // one let per shared square's operand, each a line of its own
    expect(r.lets).toHaveLength(59);
    expect([...r.lets, r.value].join('\n').length).toBeLessThan(60 * 120);
  });

  it('asks for constants in renderExpr order, once per use of a leaf', () => {
    const asked: number[] = [];
    const constant = (v: number) => (asked.push(v), undefined);
    const c = num(7, 'int32');
    const e: ScalarExpr = { kind: 'apply', op: 'add', args: [c, { kind: 'apply', op: 'mul', args: [c, num(3, 'int32')], dtype: 'int32', computeDType: 'int32' }], dtype: 'int32', computeDType: 'int32' };
    renderStatements(e, index, -1, undefined, constant);
    expect(asked).toEqual([7, 7, 3]);
  });
});

describe('deep kernels on the device', () => {
  it('an elementwise chain of 400 affine steps (800 levels) gives the float32 reference', async () => {
    const k: Kernel = { kind: 'elementwise', shape: [xs.length], inputs: ['float32'], out: 'float32', expr: affine(load(0), 400) };
    expectNear(await launch(k, [xs]), [...xs].map((x) => affineRef(x, 400)), 'affine 400');
  });

  it('a 40-level DAG of shared squarings (2^40 leaves as a tree) compiles and gives the reference', async () => {
    const x = Float32Array.from(xs, (v) => v * 0.5);
    const k: Kernel = { kind: 'elementwise', shape: [x.length], inputs: ['float32'], out: 'float32', expr: squarings(load(0), 40) };
    expectNear(await launch(k, [x]), [...x].map((v) => squaringsRef(v, 40)), 'squarings 40');
  });

  it('a reduction of a deep expression with a deep epilogue, per output and through the workgroup tree', async () => {
    for (const cols of [4, 300]) {
      const x = Float32Array.from({ length: 3 * cols }, (_, i) => Math.sin(i) * 0.5);
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
        for (let j = 0; j < cols; j++) s += affineRef(x[i * cols + j]!, 150);
        return affineRef(f(f(s) * f(1 / cols)), 150);
      });
      expectNear(await launch(k, [x]), want, `reduce over ${cols}`);
    }
  });

  it('a matmul with a deep epilogue', async () => {
    const a = Float32Array.from({ length: 6 }, (_, i) => (i - 2) * 0.25);
    const b = Float32Array.from({ length: 6 }, (_, i) => (3 - i) * 0.125);
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
    expectNear(await launch(k, [a, b]), want, 'matmul epilogue');
  });

  // their values are the conformance suite's composite cases 'deep float32: ...'
  it('a function repeating x = x * 0.9 + 0.1 100 times fuses into deep kernels', () => {
    const x = T.vector('x');
    let y = x;
    for (let i = 0; i < 100; i++) y = y.mul(0.9).add(0.1);
    expect(sym.function([x], y, { device: 'webgpu' }).compiled.kernelCount([...xs])).toBeLessThan(4);
  });

  it('a join of 300 pieces is a tree of small joins (one kernel of 300 took lavapipe 24-34 s to compile)', () => {
    const pieces = Array.from({ length: 300 }, (_, i) => T.fvector(`p${i}`));
    const args = pieces.map((_, i) => [i, -i / 4]);
    // 19 joins of at most 16 pieces, 2 of those, 1 at the top
    expect(sym.function(pieces, T.concatenate(pieces), { device: 'webgpu' }).compiled.kernelCount(...args)).toBe(22);
  });
});
