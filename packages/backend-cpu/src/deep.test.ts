/**
 * Deep expressions: a node whose expression, rendered in one piece down to
 * the nearest local, would be MAX_INLINE_DEPTH deep is computed into a
 * local of its own (cse.ts's `deep`), in the JavaScript kernels and the
 * SIMD ones. Before, a 500-step affine chain (1000 levels) overflowed V8's
 * parser, and 750 steps the SIMD renderer's recursion ("Maximum call stack
 * size exceeded"). Fusion stops at 256 nodes, so its kernels render as
 * before. (@sym/graph's kernelKey, JSON, still stops CpuBackend.compile
 * near 2000 levels.)
 */
import { describe, expect, it } from 'vitest';
import type { ElementwiseKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import { CpuBackend } from './backend.js';
import { MAX_INLINE_DEPTH, commonSubexpressions } from './cse.js';
import { renderKernel } from './render.js';
import { runKernel } from './test-kernels.js';

const load: ScalarExpr = { kind: 'load', input: 0, strides: [1], offset: 0, dtype: 'float32' };
const num = (value: number): ScalarExpr => ({ kind: 'const', value, dtype: 'float32' });
const ap = (op: ScalarOpName, ...args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op, args, dtype: 'float32', computeDType: 'float32' });
const f = Math.fround;

/** `steps` affine steps x * 0.9 + 0.1: two levels each. */
function affine(steps: number): ElementwiseKernel {
  let e = load;
  for (let i = 0; i < steps; i++) e = ap('add', ap('mul', e, num(0.9)), num(0.1));
  return { kind: 'elementwise', shape: [8], inputs: ['float32'], out: 'float32', expr: e };
}
const xs = Float32Array.from([0.1, 0.5, -0.3, 2, -1.5, 0, 0.75, -0.05]);
const affineRef = (steps: number) =>
  [...xs].map((x) => {
    let v = f(x);
    for (let i = 0; i < steps; i++) v = f(f(v * f(0.9)) + f(0.1));
    return v;
  });

function expectNear(got: ArrayLike<number>, want: readonly number[]): void {
  expect(got).toHaveLength(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i]! - w), `[${i}]: got ${got[i]}, expected ${w}`).toBeLessThan(1e-6));
}

describe('deep expressions', () => {
  it('cuts a chain every MAX_INLINE_DEPTH levels, and nothing at the depths fusion makes', () => {
    expect(commonSubexpressions(affine(120).expr).deep).toEqual([]);
    const cse = commonSubexpressions(affine(1000).expr);
    expect(cse.deep.length).toBe(Math.floor(2000 / MAX_INLINE_DEPTH));
    for (const id of cse.deep) expect(cse.shared(id)).toBe(true);
  });

  it('a 1200-level chain runs on the SIMD path and in JavaScript, computed in parts (JavaScript failed from 1000)', () => {
    const k = affine(600);
    for (const backend of [new CpuBackend(), new CpuBackend({ wasm: false })]) expectNear(runKernel(backend, k, [xs], 8), affineRef(600));
    expect(renderKernel(k).match(/const t\d+ = /g)).toHaveLength(4);
  });

  it('a 10,000-level chain renders to JavaScript that V8 compiles', () => {
    // rendered and compiled directly: @sym/graph's kernelKey (JSON) and loadsOf recurse through the expression
    const source = renderKernel(affine(5000));
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const fn = new Function('ins', 'out', 'H', `"use strict";\n${source}`) as (ins: Float32Array[], out: Float32Array, h: unknown) => void;
    const out = new Float32Array(8);
    fn([xs], out, {});
    expectNear(out, affineRef(5000));
  });
});
