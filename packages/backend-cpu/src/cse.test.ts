import { describe, expect, it } from 'vitest';
import type { DType, DeviceBuffer, ElementwiseKernel, ReduceKernel, ScalarExpr, ScalarOpName, TypedArray } from '@sym/graph';
import { CpuBackend } from './backend.js';
import { commonSubexpressions } from './cse.js';
import { rowModule } from './wasm/vrender.js';
import { compileVectorKernel, vectorizable } from './wasm/vkernel.js';
import { runKernel } from './test-kernels.js';

const js = new CpuBackend({ wasm: false });

const load = (input: number, dtype: DType = 'float64', strides = [1], offset = 0): ScalarExpr => ({ kind: 'load', input, strides, offset, dtype });
const num = (value: number, dtype: DType = 'float64'): ScalarExpr => ({ kind: 'const', value, dtype });
const ap = (op: ScalarOpName, args: ScalarExpr[], dtype: DType = 'float64', computeDType: DType = dtype): ScalarExpr => ({ kind: 'apply', op, args, computeDType, dtype });
/** A fresh gather object each call: the copies are equal in structure only, as lowerings build them. */
const gather = (): ScalarExpr => ({ kind: 'gather', input: 1, index: ap('cast', [load(0)], 'int32', 'float64'), size: 4, dtype: 'float64' });

/** Run `k` with input 1 (the gathered table) wrapped so that every element read is counted. */
function countingRun(k: ElementwiseKernel, index: Float64Array, table: Float64Array): { out: Float64Array; reads: number } {
  let reads = 0;
  const counted = new Proxy(table, {
    get(target, key) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const buffer = (data: TypedArray): DeviceBuffer => ({ dtype: 'float64', size: data.length, data }) as DeviceBuffer;
  const out = new Float64Array(index.length);
  js.run([{ exe: js.compile(k), inputs: [buffer(index), buffer(counted)], output: buffer(out) }]);
  return { out, reads };
}

describe('common subexpressions', () => {
  it('are one node by structure, keeping -0, NaN, dtypes and strides apart', () => {
    const cse = commonSubexpressions(ap('add', [ap('mul', [load(0), load(0)]), ap('mul', [load(0), load(0)])]));
    // load, mul, add
    expect(cse.nodes.length).toBe(3);
    expect(cse.nodes[0]!.uses).toBe(2);
    expect(cse.nodes[1]!.uses).toBe(2);
    expect(cse.shared(1)).toBe(true);
    const apart = [num(0), num(-0), num(NaN), num(0, 'float32'), load(0, 'float64', [2]), load(0, 'float64', [1], 1), load(0, 'float32')];
    const tree = commonSubexpressions(apart.reduceRight((acc, e) => ap('add', [e, acc])));
    expect(new Set(apart.map(tree.id)).size).toBe(apart.length);
    // literals are never worth a local
    const consts = commonSubexpressions(ap('add', [num(2), num(2)]));
    expect(consts.nodes[0]!.uses).toBe(2);
    expect(consts.shared(0)).toBe(false);
  });

  it('render a gather used three times once per element, in the source and in the reads', () => {
    // switch(g < 2, g * g, g + 1): before, each element read the table twice or three times
    const g = () => gather();
    const expr = ap('switch', [ap('lt', [g(), num(2)], 'bool', 'float64'), ap('mul', [g(), g()]), ap('add', [g(), num(1)])]);
    const k: ElementwiseKernel = { kind: 'elementwise', shape: [6], inputs: ['float64', 'float64'], out: 'float64', expr };
    const source = js.compile(k).source;
    expect(source.match(/in1\[/g)?.length).toBe(1);
    const index = Float64Array.from([0, 1, 2, 3, 3, 0]);
    const table = Float64Array.from([-0, 1.5, 2, NaN]);
    const { out, reads } = countingRun(k, index, table);
    expect(reads).toBe(index.length);
    expect(Array.from(out)).toEqual([0, 2.25, 3, NaN, NaN, 0]);
    expect(Object.is(out[0], 0)).toBe(true); // -0 * -0
  });

  it('compute a subtree repeated within one branch of a switch only where that branch is taken', () => {
    // switch(x > 0, g * g, -1): g is read on the elements with x > 0 only, once each
    const expr = ap('switch', [ap('gt', [load(0), num(0)], 'bool', 'float64'), ap('mul', [gather(), gather()]), num(-1)]);
    const k: ElementwiseKernel = { kind: 'elementwise', shape: [5], inputs: ['float64', 'float64'], out: 'float64', expr };
    const { out, reads } = countingRun(k, Float64Array.from([0, 1, 3, 2, -0]), Float64Array.from([5, 6, 7, 8]));
    expect(reads).toBe(3);
    expect(Array.from(out)).toEqual([-1, 36, 64, 49, -1]);
  });

  it('compute what a row shares once per row, a switch inside it included', () => {
    // out[i, j] = switch(x[i] > 0, g[x[i]] * g[x[i]], x[i]) * y[i, j]: the table is read once per row with x[i] > 0, before the row's loop
    const row = () => load(0, 'float64', [1, 0]);
    const g = (): ScalarExpr => ({ kind: 'gather', input: 1, index: ap('cast', [row()], 'int32', 'float64'), size: 4, dtype: 'float64' });
    const picked = ap('switch', [ap('gt', [row(), num(0)], 'bool', 'float64'), ap('mul', [g(), g()]), row()]);
    const k: ElementwiseKernel = { kind: 'elementwise', shape: [4, 3], inputs: ['float64', 'float64', 'float64'], out: 'float64', expr: ap('mul', [picked, load(2, 'float64', [3, 1])]) };
    const x = Float64Array.from([2, 0, 3, 1]);
    const table = Float64Array.from([10, 20, 30, 40]);
    const y = Float64Array.from({ length: 12 }, (_, i) => i + 1);
    let reads = 0;
    const counted = new Proxy(table, {
      get(target, key) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        const v = Reflect.get(target, key, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const buffer = (data: TypedArray): DeviceBuffer => ({ dtype: 'float64', size: data.length, data }) as DeviceBuffer;
    const out = new Float64Array(12);
    js.run([{ exe: js.compile(k), inputs: [buffer(x), buffer(counted), buffer(y)], output: buffer(out) }]);
    expect(reads).toBe(3);
    const want = Array.from(y, (v, e) => {
      const xi = x[Math.floor(e / 3)]!;
      return (xi > 0 ? table[xi]! * table[xi]! : xi) * v;
    });
    expect(Array.from(out)).toEqual(want);
    expect(js.compile(k).source.indexOf('in1[')).toBeLessThan(js.compile(k).source.indexOf('for (let i1'));
    // an empty kernel computes nothing, not even what its rows would share
    const empty = js.compile({ ...k, shape: [0, 3] }).source;
    expect(empty.indexOf('in1[')).toBeGreaterThan(empty.indexOf('for (let i1'));
  });

  it('keep integer wrapping, and serve reductions', () => {
    // int32: (x * x) + (x * x) wraps as each product and the sum do
    const sq = () => ap('mul', [load(0, 'int32'), load(0, 'int32')], 'int32');
    const k: ElementwiseKernel = { kind: 'elementwise', shape: [3], inputs: ['int32'], out: 'int32', expr: ap('add', [sq(), sq()], 'int32') };
    const x = Int32Array.from([3, 65536, 50000]);
    const want = Array.from(x, (v) => (Math.imul(v, v) + Math.imul(v, v)) | 0);
    expect(Array.from(runKernel(js, k, [x], 3, { dtype: 'int32' }))).toEqual(want);
    expect(js.compile(k).source.match(/Math\.imul/g)?.length).toBe(1);
    // sum over rows of exp(x) * exp(x)
    const e = () => ap('exp', [load(0, 'float64', [3, 1])]);
    const r: ReduceKernel = { kind: 'reduce', shape: [2], reduceShape: [3], inputs: ['float64'], out: 'float64', acc: 'float64', reducer: 'sum', expr: ap('mul', [e(), e()]) };
    const v = Float64Array.from([0, 1, -1, 2, 0.5, -3]);
    const sums = [0, 1].map((i) => [0, 1, 2].reduce((s, j) => s + Math.exp(v[i * 3 + j]!) * Math.exp(v[i * 3 + j]!), 0));
    expect(Array.from(runKernel(js, r, [v], 2, { dtype: 'float64' }))).toEqual(sums);
    expect(js.compile(r).source.match(/Math\.exp/g)?.length).toBe(1);
    // sum over j of exp(x[i, 0]) * x[i, j]: the row's exp is computed once, before the loop over j
    const scaled: ReduceKernel = { ...r, expr: ap('mul', [ap('exp', [load(0, 'float64', [3, 0])]), load(0, 'float64', [3, 1])]) };
    const source = js.compile(scaled).source;
    expect(source.match(/Math\.exp/g)?.length).toBe(1);
    expect(source.indexOf('Math.exp')).toBeLessThan(source.indexOf('for (let r0'));
    const rowSums = [0, 1].map((i) => [0, 1, 2].reduce((s, j) => s + Math.exp(v[i * 3]!) * v[i * 3 + j]!, 0));
    expect(Array.from(runKernel(js, scaled, [v], 2, { dtype: 'float64' }))).toEqual(rowSums);
  });

  it('render a repeated subtree once in the SIMD row function', () => {
    const x = load(0, 'float32');
    const y = load(1, 'float32');
    const t = () => ap('exp', [ap('mul', [x, y], 'float32')], 'float32');
    const once: ElementwiseKernel = { kind: 'elementwise', shape: [37], inputs: ['float32', 'float32'], out: 'float32', expr: t() };
    const twice: ElementwiseKernel = { ...once, expr: ap('add', [t(), ap('sin', [t()], 'float32')], 'float32') };
    const sinOnly: ElementwiseKernel = { ...once, expr: ap('sin', [x], 'float32') };
    expect(vectorizable(twice)).toBe(true);
    const loads = [x, y] as Parameters<typeof rowModule>[1];
    const size = (k: ElementwiseKernel) => rowModule(k, loads, false).length;
    // exp's approximation is emitted once: the module of t + sin(t) is that of t plus sin's (with some slack), not twice t's
    expect(size(twice)).toBeLessThan(size(once) + size(sinOnly) + 64);
    // and the value is the single exp's, on both of sin's passes (exp(11) is large enough for sin's JavaScript lanes)
    const a = Float32Array.from({ length: 37 }, (_, i) => (i - 18) * 0.6);
    const b = Float32Array.from({ length: 37 }, (_, i) => (i % 5 === 0 ? 1 : 0.5));
    const one = new Float32Array(37);
    const both = new Float32Array(37);
    compileVectorKernel(once)([a, b], one);
    compileVectorKernel(twice)([a, b], both);
    const sin = new Float32Array(37);
    compileVectorKernel({ ...once, inputs: ['float32'], expr: ap('sin', [load(0, 'float32')], 'float32') })([one], sin);
    expect(Array.from(both)).toEqual(Array.from(one, (v, i) => Math.fround(v + sin[i]!)));
  });
});
