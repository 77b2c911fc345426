import { describe, expect, it } from 'vitest';
import type { ElementwiseKernel, Kernel, LoadExpr, ReduceKernel, ScalarExpr, ScalarOpName } from '@sym/graph';
import * as sym from '@sym/graph';
import { CpuBackend } from '../backend.js';
import { compileVectorKernel, vectorizable } from './vkernel.js';
import { runKernel } from '../test-kernels.js';

const js = new CpuBackend({ wasm: false });

function runWasm(k: Kernel, ins: Float32Array[], size: number): Float32Array {
  expect(vectorizable(k)).toBe(true);
  const out = new Float32Array(size).fill(NaN);
  compileVectorKernel(k as ElementwiseKernel).call(null, ins, out);
  return out;
}

function values(n: number, lo: number, hi: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647;
    a[i] = lo + ((hi - lo) * s) / 2147483647;
  }
  return a;
}

/** |a - b| within rtol relative (atol near zero), NaN where NaN, infinities equal. */
function expectClose(got: Float32Array, want: Float32Array, rtol: number, atol: number, label: string): void {
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      expect(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `${label} [${i}]: got ${g}, want ${w}`).toBe(true);
      continue;
    }
    expect(Math.abs(g - w) <= atol + rtol * Math.abs(w), `${label} [${i}]: got ${g}, want ${w}`).toBe(true);
  }
}

const load = (input: number, strides: number[], offset = 0): ScalarExpr => ({ kind: 'load', input, strides, offset, dtype: 'float32' });
const ap = (op: ScalarOpName, ...args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op, args, computeDType: 'float32', dtype: 'float32' });

const RANGES: Record<string, [number, number]> = {
  exp: [-100, 100],
  log: [0, 1e6],
  sin: [-20000, 20000],
  cos: [-20000, 20000],
  tanh: [-12, 12],
  sigmoid: [-100, 100],
  sqrt: [0, 1e4],
};

describe('float32 SIMD kernels', () => {
  for (const op of ['exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'sqrt', 'abs', 'neg', 'relu'] as const) {
    for (const n of [1, 3, 4, 5, 17, 1000]) {
      it(`${op} over ${n} elements matches the JavaScript kernel`, () => {
        const [lo, hi] = RANGES[op] ?? [-50, 50];
        const x = values(n, lo, hi, 7 + n);
        if (n >= 5) x.set([0, -0, Number.NaN, Infinity, -Infinity].slice(0, n), 0);
        const k: ElementwiseKernel = { kind: 'elementwise', shape: [n], inputs: ['float32'], out: 'float32', expr: ap(op, load(0, [1])) };
        expectClose(runWasm(k, [x], n), (runKernel(js, k, [x], n) as Float32Array), 4e-6, 1e-30, op);
      });
    }
    it(`${op} near zero keeps accuracy`, () => {
      const x = values(64, -1e-3, 1e-3, 3);
      const k: ElementwiseKernel = { kind: 'elementwise', shape: [64], inputs: ['float32'], out: 'float32', expr: ap(op, load(0, [1])) };
      expectClose(runWasm(k, [x], 64), (runKernel(js, k, [x], 64) as Float32Array), 4e-6, 1e-37, op);
    });
  }

  it('fuses binary ops with broadcast (row vector) and scalar-constant operands', () => {
    const a = values(6 * 7, -3, 3, 1);
    const b = values(7, -3, 3, 2);
    const expr = ap('add', ap('mul', load(0, [7, 1]), load(1, [0, 1])), ap('truediv', { kind: 'const', value: 0.1, dtype: 'float64' }, ap('maximum', load(1, [0, 1]), load(0, [7, 1]))));
    const k: ElementwiseKernel = { kind: 'elementwise', shape: [6, 7], inputs: ['float32', 'float32'], out: 'float32', expr };
    expectClose(runWasm(k, [a, b], 42), (runKernel(js, k, [a, b], 42) as Float32Array), 1e-6, 1e-6, 'fused');
  });

  it('reads column-broadcast operands (stride 0 in the inner dimension)', () => {
    const a = values(5 * 9, -3, 3, 4);
    const c = values(5, -3, 3, 5);
    const k: ElementwiseKernel = { kind: 'elementwise', shape: [5, 9], inputs: ['float32', 'float32'], out: 'float32', expr: ap('sub', load(0, [9, 1]), load(1, [1, 0])) };
    expectClose(runWasm(k, [a, c], 45), (runKernel(js, k, [a, c], 45) as Float32Array), 0, 0, 'column broadcast');
  });

  // the rows along the second innermost dimension run in one call (vrender's `rows`), each one's pointers moved along it
  for (const [d0, d1, d2] of [[3, 5, 7], [2, 4, 8], [1, 1, 5], [4, 3, 1]] as const) {
    it(`runs a ${d0} x ${d1} x ${d2} kernel's rows with a broadcast bias, a column and an offset, strided outer loads`, () => {
      const x = values(d1 * d0 * d2 + 3, -3, 3, 6);
      const bias = values(d2, -1, 1, 7);
      const col = values(d1, -1, 1, 8);
      // x read transposed in its two outer dimensions (strides d2, d0 * d2, 1) from offset 3
      const xs: ScalarExpr = { kind: 'load', input: 0, strides: [d2, d0 * d2, 1], offset: 3, dtype: 'float32' };
      const expr = ap('tanh', ap('add', ap('mul', xs, load(2, [0, 1, 0])), load(1, [0, 0, 1])));
      const k: ElementwiseKernel = { kind: 'elementwise', shape: [d0, d1, d2], inputs: ['float32', 'float32', 'float32'], out: 'float32', expr };
      const n = d0 * d1 * d2;
      const got = runWasm(k, [x, bias, col], n);
      expectClose(got, runKernel(js, k, [x, bias, col], n) as Float32Array, 4e-6, 1e-6, 'rows');
      // the same kernel through the backend: its operands in the WebAssembly memory, read in place (the backend
      // collapses its length-1 dimensions first: the 4 x 3 x 1 kernel's rows become strided and run as JavaScript)
      expectClose(runKernel(new CpuBackend(), k, [x, bias, col], n) as Float32Array, got, 4e-6, 1e-6, 'rows, in place');
    });
  }

  for (const reducer of ['sum', 'mean', 'max', 'min'] as const) {
    for (const [shape, reduceShape, strides] of [
      [[], [1001], [1]],
      [[], [8], [1]],
      [[2], [3], [3, 1]],
      [[3], [7], [7, 1]],
      [[4], [3, 6], [18, 6, 1]],
      [[2, 3], [5], [15, 5, 1]],
    ] as const) {
      it(`${reducer} of exp(x) over ${JSON.stringify(reduceShape)} keeping ${JSON.stringify(shape)}`, () => {
        const size = [...shape, ...reduceShape].reduce((p, q) => p * q, 1);
        const x = values(size, -5, 5, 11);
        const k: ReduceKernel = {
          kind: 'reduce',
          shape: [...shape],
          reduceShape: [...reduceShape],
          reducer,
          inputs: ['float32'],
          acc: reducer === 'sum' || reducer === 'mean' ? 'float64' : 'float32',
          out: 'float32',
          expr: ap('exp', load(0, [...strides])),
        };
        const outSize = shape.reduce((p: number, q: number) => p * q, 1);
        expectClose(runWasm(k, [x], outSize), (runKernel(js, k, [x], outSize) as Float32Array), 4e-6, 1e-6, reducer);
      });
    }
  }

  // reductions over a strided axis run along the output's rows instead (a bias gradient: sum over the batch)
  for (const reducer of ['sum', 'mean', 'max', 'min'] as const) {
    for (const [shape, count, xStrides, bStrides] of [
      [[1024], 256, [1, 1024], [0, 0]],
      [[10], 7, [1, 10], [1, 0]],
      [[3], 5, [1, 3], [0, 1]],
      [[2, 6], 4, [24, 1, 6], [0, 1, 0]],
      [[5, 9], 3, [9, 1, 45], [1, 0, 0]],
    ] as const) {
      it(`${reducer} of x * b over a strided axis of ${count}, keeping ${JSON.stringify(shape)}`, () => {
        const size = shape.reduce((p: number, q: number) => p * q, count);
        const x = values(size, -5, 5, 13 + count);
        const b = values(size, 0.5, 2, 17);
        // b broadcast along the output's rows (a splat per step of the reduced axis) or constant along the axis
        const expr = ap('mul', load(0, [...xStrides]), load(1, [...bStrides]));
        const k: ReduceKernel = { kind: 'reduce', shape: [...shape], reduceShape: [count], reducer, inputs: ['float32', 'float32'], acc: reducer === 'sum' || reducer === 'mean' ? 'float64' : 'float32', out: 'float32', expr };
        const outSize = shape.reduce((p: number, q: number) => p * q, 1);
        expectClose(runWasm(k, [x, b], outSize), runKernel(js, k, [x, b], outSize) as Float32Array, 4e-7, 1e-6, reducer);
      });
    }
  }

  // float16: float32 lanes rounded to half precision after every op, as the JavaScript kernels round with f16round
  it('runs float16 kernels on float32 lanes, rounding every op to half precision', () => {
    // loads and ops in float16; literals stay float64 (weak), converted to half precision where they are used
    const half = (e: ScalarExpr): ScalarExpr => (e.kind === 'apply' ? { ...e, dtype: 'float16', computeDType: 'float16', args: e.args.map(half) } : e.kind === 'load' ? { ...e, dtype: 'float16' } : e);
    const n = 1001;
    const x = Float32Array.from(values(n, -12, 12, 5), (v) => sym.f16round(v));
    const y = Float32Array.from(values(n, 0.5, 3, 6), (v) => sym.f16round(v));
    // exact ops (rounded once each) must agree bit for bit; x + 1000.1 and x * 0.1 round their literal and their result
    const exact = half(ap('mul', ap('add', load(0, [1]), { kind: 'const', value: 1000.1, dtype: 'float64' }), ap('sub', load(1, [1]), { kind: 'const', value: 0.1, dtype: 'float64' })));
    const ew: ElementwiseKernel = { kind: 'elementwise', shape: [n], inputs: ['float16', 'float16'], out: 'float16', expr: exact };
    expectClose(runWasm(ew, [x, y], n), runKernel(js, ew, [x, y], n) as Float32Array, 0, 0, 'float16 arithmetic');
    // x * y / 2^14 reaches the subnormal halves (below 2^-14, steps of 2^-24); x * y * 4096 overflows past 65504
    const tiny: ElementwiseKernel = { ...ew, expr: half(ap('truediv', ap('mul', load(0, [1]), load(1, [1])), { kind: 'const', value: 2 ** 14, dtype: 'float64' })) };
    const t = runWasm(tiny, [x, y], n);
    expect(t.some((v) => v !== 0 && Math.abs(v) < 2 ** -14)).toBe(true);
    expectClose(t, runKernel(js, tiny, [x, y], n) as Float32Array, 0, 0, 'float16 subnormals');
    const huge: ElementwiseKernel = { ...ew, expr: half(ap('mul', ap('mul', load(0, [1]), load(1, [1])), { kind: 'const', value: 4096, dtype: 'float64' })) };
    const g = runWasm(huge, [x, y], n);
    expect(g.some((v) => v === Infinity) && g.some((v) => v === -Infinity)).toBe(true);
    expectClose(g, runKernel(js, huge, [x, y], n) as Float32Array, 0, 0, 'float16 overflow');
    const big: ElementwiseKernel = { ...ew, expr: half(ap('exp', load(0, [1]))) };
    const e = runWasm(big, [x, y], n);
    expect(e.some((v) => v === Infinity)).toBe(true);
    expectClose(e, runKernel(js, big, [x, y], n) as Float32Array, 2e-3, 0, 'float16 exp');
    for (const [shape, reduceShape, strides] of [[[7], [143], [143, 1]], [[143], [7], [1, 143]]] as const) {
      const r: ReduceKernel = { kind: 'reduce', shape: [...shape], reduceShape: [...reduceShape], reducer: 'sum', inputs: ['float16'], acc: 'float64', out: 'float16', expr: load(0, [...strides]) };
      const s16 = { ...r, expr: { ...(r.expr as LoadExpr), dtype: 'float16' } } as ReduceKernel;
      expectClose(runWasm(s16, [x], shape[0]!), runKernel(js, s16, [x], shape[0]!) as Float32Array, 1e-3, 0, `float16 sum over ${reduceShape[0]}`);
    }
  });

  it('propagates NaN through max and min over a strided axis, and sums in float64', () => {
    // column 2 holds a NaN; column 1 sums 1e8, then 1 and 1 ... which float32 accumulation would lose
    const x = new Float32Array(4 * 6).fill(1);
    x[2 * 4 + 2] = Number.NaN;
    x[1] = 1e8;
    for (const reducer of ['max', 'min', 'sum'] as const) {
      const k: ReduceKernel = { kind: 'reduce', shape: [4], reduceShape: [6], reducer, inputs: ['float32'], acc: 'float32', out: 'float32', expr: load(0, [1, 4]) };
      const got = runWasm(k, [x], 4);
      expect(Number.isNaN(got[2]!)).toBe(true);
      if (reducer === 'sum') expect(got[1]).toBe(Math.fround(1e8 + 5));
    }
  });

  it('computes again, with JavaScript, only the rows whose sin/cos arguments are big', () => {
    // 4 rows of 11: row 1 has an argument far past 8192 (the polynomial's reduction is wrong there), row 3 another in a tail lane and an infinity
    const x = values(44, -6, 6, 21);
    x[11 + 5] = 1.2345678e7;
    x[33 + 9] = -3.3e5;
    x[33 + 10] = -Infinity;
    const expr = ap('sub', ap('sin', load(0, [11, 1])), ap('cos', load(0, [11, 1])));
    const ew: ElementwiseKernel = { kind: 'elementwise', shape: [4, 11], inputs: ['float32'], out: 'float32', expr };
    expectClose(runWasm(ew, [x], 44), runKernel(js, ew, [x], 44) as Float32Array, 4e-6, 1e-6, 'elementwise');
    for (const reducer of ['sum', 'max'] as const) {
      const finite = Float32Array.from(x, (v) => (Number.isFinite(v) ? v : 9000.5));
      const k: ReduceKernel = { kind: 'reduce', shape: [4], reduceShape: [11], reducer, inputs: ['float32'], acc: reducer === 'sum' ? 'float64' : 'float32', out: 'float32', expr };
      expectClose(runWasm(k, [finite], 4), runKernel(js, k, [finite], 4) as Float32Array, 4e-6, 1e-5, reducer);
    }
  });

  it('propagates NaN through max and min', () => {
    const x = values(9, -1, 1, 3);
    x[6] = Number.NaN;
    for (const reducer of ['max', 'min'] as const) {
      const k: ReduceKernel = { kind: 'reduce', shape: [], reduceShape: [9], reducer, inputs: ['float32'], acc: 'float32', out: 'float32', expr: load(0, [1]) };
      expect(Number.isNaN(runWasm(k, [x], 1)[0]!)).toBe(true);
    }
  });

  it('leaves other kernels to the JavaScript renderer', () => {
    const f64: ElementwiseKernel = { kind: 'elementwise', shape: [4], inputs: ['float64'], out: 'float64', expr: { ...load(0, [1]), dtype: 'float64' } };
    expect(vectorizable(f64)).toBe(false);
    const strided: ElementwiseKernel = { kind: 'elementwise', shape: [4, 4], inputs: ['float32'], out: 'float32', expr: ap('exp', load(0, [1, 4])) };
    expect(vectorizable(strided)).toBe(false);
    // strided along both the output's rows and the reduced axis
    const transposed: ReduceKernel = { kind: 'reduce', shape: [4], reduceShape: [4], reducer: 'sum', inputs: ['float32'], acc: 'float64', out: 'float32', expr: load(0, [4, 2]) };
    expect(vectorizable(transposed)).toBe(false);
    const pow: ElementwiseKernel = { kind: 'elementwise', shape: [4], inputs: ['float32'], out: 'float32', expr: ap('pow', load(0, [1]), load(0, [1])) };
    expect(vectorizable(pow)).toBe(false);
  });
});
