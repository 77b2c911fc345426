/**
 * Reductions (serial and workgroup-tree kernels, every reducer, every axis)
 * and matmuls (tiled, with transposed operands, odd sizes) against the CPU.
 * float32 sums and dots accumulate in float32 here (float64 on the CPU):
 * tolerance 1e-5 relative plus 1e-5 absolute.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Reducer } from '@sym/graph';
import { EXACT, expectClose, gridData as data, type Tol } from './compare.js';
import { T, both, sym } from './setup.js';

const ACC: Tol = { rtol: 1e-5, atol: 1e-5 };

beforeEach(() => expect.hasAssertions());

const REDUCERS: [Reducer, Tol][] = [
  ['sum', ACC],
  ['prod', { rtol: 1e-4, atol: 1e-30 }],
  ['mean', ACC],
  ['max', EXACT],
  ['min', EXACT],
  ['argmax', EXACT],
  ['argmin', EXACT],
  ['any', EXACT],
  ['all', EXACT],
];

const reduceFn = (r: Reducer) => T[r] as (x: sym.TensorVariable, o?: { axis?: number | number[] | null }) => sym.TensorVariable;

describe('reductions', () => {
  // (3, 5, 7) takes the per-output loop; (4, 300, 2) and a full reduction of 3000 take the workgroup tree
  for (const shape of [[3, 5, 7], [4, 300, 2]] as const) {
    for (const [reducer, tol] of REDUCERS) {
      it(`${reducer} over each axis, pairs of axes and everything of a ${shape.join('x')} tensor`, async () => {
        const x = T.ftensor3('x');
        const f = reduceFn(reducer);
        const axes: (number | number[] | null)[] = [0, 1, 2, [0, 2], null];
        const outs = axes.filter((a) => !(reducer.startsWith('arg') && Array.isArray(a))).map((axis) => f(x, { axis }));
        const value = sym.fromTyped(data(shape[0] * shape[1] * shape[2]).map((v) => (reducer === 'prod' ? 1 + v / 8 : v)), [...shape], 'float32');
        const { gpu, ref } = await both([x], outs, [value]);
        outs.forEach((_, i) => expectClose(gpu[i]!, ref[i]!, tol, `${reducer} #${i}`));
      });
    }
  }

  it('a full reduction of 100000 elements (tree kernel) and softmax rows', async () => {
    const v = T.fvector('v');
    const m = T.fmatrix('m');
    const outs = [T.sum(v), T.max(v), T.argmax(v), T.mean(v), T.softmax(m)];
    const { gpu, ref } = await both([v, m], outs, [data(100000, 7), sym.fromTyped(data(300 * 10, 3), [300, 10], 'float32')]);
    outs.forEach((_, i) => expectClose(gpu[i]!, ref[i]!, i === 4 ? { rtol: 1e-5, atol: 1e-6 } : ACC, `output ${i}`));
  });

  it('NaN propagates through max and argmax takes the first NaN; ties take the first index', async () => {
    const m = T.fmatrix('m');
    const outs = [T.max(m, { axis: 1 }), T.argmax(m, { axis: 1 }), T.argmin(m, { axis: 1 }), T.min(m, { axis: 1 })];
    const rows = [
      [1, 3, 3, 2, 3],
      [1, NaN, 5, NaN, 0],
      [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
      [0, -1, -1, 7, 7],
    ];
    const wide = rows.map((r) => Array.from({ length: 200 }, (_, i) => r[i % r.length]!));
    for (const value of [rows, wide]) {
      const { gpu, ref } = await both([m], outs, [sym.array(value, { dtype: 'float32' })]);
      outs.forEach((_, i) => expectClose(gpu[i]!, ref[i]!, EXACT, `output ${i} (${value[0]!.length} columns)`));
    }
  });

  it('integer sums are int64, bool any/all, and reductions of int8', async () => {
    const x = T.imatrix('x');
    const b = T.tensor('bool', [false, false], 'b');
    const s = T.bmatrix('s');
    const outs = [T.sum(x, { axis: 0 }), T.prod(T.clip(x, -2, 2), { axis: 0 }), T.max(x), T.any(b, { axis: 1 }), T.all(b, { axis: 0 }), T.sum(b), T.max(s, { axis: 1 }), T.sum(s)];
    const X = sym.fromTyped(new Int32Array(Array.from({ length: 12 * 70 }, (_, i) => ((i * 7919) % 201) - 100)), [12, 70], 'int32');
    const B = sym.fromTyped(new Uint8Array(Array.from({ length: 12 * 70 }, (_, i) => (i % 13 === 0 ? 0 : 1))), [12, 70], 'bool');
    const S = sym.fromTyped(new Int8Array(Array.from({ length: 12 * 70 }, (_, i) => ((i * 31) % 256) - 128)), [12, 70], 'int8');
    const { gpu, ref } = await both([x, b, s], outs, [X, B, S]);
    outs.forEach((_, i) => expectClose(gpu[i]!, ref[i]!, EXACT, `output ${i}`));
  });
});

describe('int64 past 32 bits', () => {
  it('tree reductions (sum, max, argmin over 300) and a product large enough to tile in float32', async () => {
    const x = T.lmatrix('x');
    const a = T.lmatrix('a');
    const b = T.lmatrix('b');
    const outs = [T.sum(x, { axis: 1 }), T.max(x, { axis: 1 }), T.argmin(x, { axis: 1 }), T.dot(a, b)];
    // +-2^40 scale: row sums of 300 pass 2^32 many times over, within 2^53
    const X = sym.array(Array.from({ length: 4 * 300 }, (_, i) => (((i * 7919) % 2001) - 1000) * 2 ** 30 + i), { dtype: 'int64', shape: [4, 300] });
    // 70x80x50 (tiled for float32), entries up to 2^20: every sum passes 2^32
    const entry = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (((i + seed) * 40503) % 2097152) - 1048576);
    const A = sym.array(entry(70 * 80, 1), { dtype: 'int64', shape: [70, 80] });
    const B = sym.array(entry(80 * 50, 5), { dtype: 'int64', shape: [80, 50] });
    const { gpu, ref } = await both([x, a, b], outs, [X, A, B]);
    outs.forEach((_, i) => expectClose(gpu[i]!, ref[i]!, EXACT, `output ${i}`));
    expect(Math.max(...[...gpu[0]!.data].map(Math.abs))).toBeGreaterThan(2 ** 32);
    expect(Math.max(...[...gpu[3]!.data].map(Math.abs))).toBeGreaterThan(2 ** 32);
  });
});

describe('matmul', () => {
  const forms: [string, (a: sym.TensorVariable, b: sym.TensorVariable) => sym.TensorVariable, [number, number], [number, number]][] = [
    // 70x80x50 runs the tiled kernel (over 64^3 multiply-adds), 37x50x21 the per-output one
    ['A.B', (a, b) => T.dot(a, b), [70, 80], [80, 50]],
    ['A^T.B', (a, b) => T.dot(a.transpose(), b), [80, 70], [80, 50]],
    ['A.B^T', (a, b) => T.dot(a, b.transpose()), [70, 80], [50, 80]],
    ['A^T.B^T', (a, b) => T.dot(a.transpose(), b.transpose()), [80, 70], [50, 80]],
    ['small A.B^T', (a, b) => T.dot(a, b.transpose()), [37, 50], [21, 50]],
    ['(A.B)^T', (a, b) => T.dot(a, b).transpose(), [16, 32], [32, 48]],
    ['1x1 . 1x1', (a, b) => T.dot(a, b), [1, 1], [1, 1]],
  ];
  for (const [name, f, sa, sb] of forms) {
    it(`${name} with A ${sa.join('x')} and B ${sb.join('x')}`, async () => {
      const a = T.fmatrix('a');
      const b = T.fmatrix('b');
      const args = [sym.fromTyped(data(sa[0] * sa[1], 2), sa, 'float32'), sym.fromTyped(data(sb[0] * sb[1], 5), sb, 'float32')];
      const { gpu, ref } = await both([a, b], f(a, b), args);
      expectClose(gpu[0]!, ref[0]!, ACC, name);
    });
  }

  it('matrix-vector, vector-matrix, vector-vector, outer and a batched (3d . 2d) dot', async () => {
    const m = T.fmatrix('m');
    const v = T.fvector('v');
    const t = T.ftensor3('t');
    const outs = [T.dot(m, v), T.dot(v, m.transpose()), T.dot(v, v), T.outer(v, v), T.dot(t, m.transpose())];
    const args = [sym.fromTyped(data(20 * 33, 4), [20, 33], 'float32'), sym.fromTyped(data(33, 9), [33], 'float32'), sym.fromTyped(data(2 * 5 * 33, 8), [2, 5, 33], 'float32')];
    const { gpu, ref } = await both([m, v, t], outs, args);
    outs.forEach((_, i) => expectClose(gpu[i]!, ref[i]!, ACC, `output ${i}`));
  });

  it('int32 dot wraps like the CPU, and a 256x256 float32 product stays within tolerance', async () => {
    const a = T.imatrix('a');
    const x = T.fmatrix('x');
    const A = sym.fromTyped(new Int32Array(Array.from({ length: 70 * 70 }, (_, i) => (i * 104729) % 65536)), [70, 70], 'int32');
    const X = sym.fromTyped(data(256 * 256, 11), [256, 256], 'float32');
    const { gpu, ref } = await both([a, x], [T.dot(a, a), T.dot(x, x)], [A, X]);
    expectClose(gpu[0]!, ref[0]!, EXACT, 'int32');
    expectClose(gpu[1]!, ref[1]!, ACC, 'float32 256');
  });
});
