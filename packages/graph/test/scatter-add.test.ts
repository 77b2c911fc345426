/**
 * AdvancedIncSubtensor1's inc as one scatter-add kernel, for a backend that
 * lists `'scatterAdd'` (the CPU's default): which increments take it, what
 * the kernel reads, and its values against the sort-and-scan lowering of
 * backends without it and against the reference `perform`.
 */
import { describe, expect, it } from 'vitest';
import { T, cpu, sym } from './helpers.js';

const Cpu = cpu.constructor as new (options: { scatterKernels: boolean }) => sym.Backend;
/** The CPU backend without scatter-add kernels, under a name of its own. */
class ScanCpu extends Cpu {
  override describe(): sym.BackendInfo {
    return { ...super.describe(), name: 'cpu-scan' };
  }
}
sym.registerBackend(new ScanCpu({ scatterKernels: false }));

/** The kinds of the kernels a program for these inputs runs, with and without scatter-add kernels. */
function kinds(inputs: sym.TensorVariable[], shapes: number[][], out: sym.TensorVariable, kernels: sym.OptionalKernel[] = ['sort', 'scatterAdd']): string[] {
  return sym.schedule({ inputs, inputShapes: shapes, outputs: [out], kernels }).steps.map((s) => s.kernel.kind);
}
const scatters = (inputs: sym.TensorVariable[], shapes: number[][], out: sym.TensorVariable): sym.ScatterAddKernel[] =>
  sym
    .schedule({ inputs, inputShapes: shapes, outputs: [out], kernels: ['scatterAdd'] })
    .steps.map((s) => s.kernel)
    .filter((k): k is sym.ScatterAddKernel => k.kind === 'scatterAdd');

describe('the lowering of inc with scatter-add kernels', () => {
  const x = T.fmatrix('x');
  const y = T.fmatrix('y');
  const ids = T.ivector('ids');
  const shapes = [
    [6, 4],
    [5, 4],
    [5],
  ];

  it('is one scatter-add kernel for a float increment, with no sort and no scan', () => {
    expect(kinds([x, y, ids], shapes, T.incSubtensor(x.get(ids), y))).toEqual(['scatterAdd']);
    const [k] = scatters([x, y, ids], shapes, T.incSubtensor(x.get(ids), y));
    expect(k).toEqual({
      kind: 'scatterAdd',
      shape: [6, 4],
      count: 5,
      inputs: ['float32', 'float32', 'int32'],
      base: { offset: 0, stride: 1 },
      values: { offset: 0, strides: [4, 1] },
      indices: { offset: 0, stride: 1 },
      out: 'float32',
    });
    // plain data: its key is its JSON
    expect(sym.kernelKey(k!)).toBe(JSON.stringify(k));
  });

  it('is the sort and the scan without them, and for set', () => {
    const without = kinds([x, y, ids], shapes, T.incSubtensor(x.get(ids), y), ['sort']);
    expect(without).not.toContain('scatterAdd');
    expect(without).toContain('sort');
    expect(kinds([x, y, ids], shapes, T.setSubtensor(x.get(ids), y))).not.toContain('scatterAdd');
  });

  it('reads broadcast rows in place: one row for every index, a value per index, one value', () => {
    const row = T.fvector('row');
    const col = T.tensor('float32', [false, true], 'col');
    expect(scatters([x, row, ids], [[6, 4], [4], [5]], T.incSubtensor(x.get(ids), row))[0]!.values).toEqual({ offset: 0, strides: [0, 1] });
    expect(scatters([x, col, ids], [[6, 4], [5, 1], [5]], T.incSubtensor(x.get(ids), col))[0]!.values).toEqual({ offset: 0, strides: [1, 0] });
    const [k] = scatters([x, ids], [[6, 4], [5]], T.incSubtensor(x.get(ids), 2));
    expect([k!.values.strides, k!.inputs]).toEqual([[0, 0], ['float32', 'float32', 'int32']]);
  });

  it('accumulates float16 in float32 and a narrow integer in 32 bits, converting back after', () => {
    const h = T.tensor('float16', [false, false], 'h');
    const hy = T.tensor('float16', [false, false], 'hy');
    const half = kinds([h, hy, ids], shapes, T.incSubtensor(h.get(ids), hy));
    expect(half).toEqual(['scatterAdd', 'elementwise']);
    expect(scatters([h, hy, ids], shapes, T.incSubtensor(h.get(ids), hy))[0]!.out).toBe('float32');
    const b = T.tensor('int8', [false, false], 'b');
    const by = T.tensor('int8', [false, false], 'by');
    expect(scatters([b, by, ids], shapes, T.incSubtensor(b.get(ids), by))[0]!.out).toBe('int32');
    const u = T.tensor('uint16', [false, false], 'u');
    const uy = T.tensor('uint16', [false, false], 'uy');
    expect(scatters([u, uy, ids], shapes, T.incSubtensor(u.get(ids), uy))[0]!.out).toBe('uint32');
  });

  it("scatters integer rows and integer counts (one row for every index: bincount's), which take the count path without it", () => {
    const n = T.imatrix('n');
    const ny = T.imatrix('ny');
    expect(kinds([n, ny, ids], shapes, T.incSubtensor(n.get(ids), ny))).toEqual(['scatterAdd']);
    expect(kinds([n, ids], [[6, 4], [5]], T.incSubtensor(n.get(ids), 1))).toEqual(['scatterAdd']);
    // without: a sort, the binary searches, and one kernel adding each run's length times the row (no scan)
    const counts = kinds([n, ids], [[6, 4], [5]], T.incSubtensor(n.get(ids), 1), ['sort']);
    expect(counts.filter((k) => k === 'sort')).toHaveLength(1);
    // the wrapped indices, the sort, the sorted rows, 3 binary search steps (5 indices), the counted rows
    expect(counts).toHaveLength(3 + 3 + 1);
  });

  it('wraps int64 indices in their own dtype before the kernel; int32 ones go in as they are', () => {
    const lids = T.lvector('lids');
    expect(kinds([x, y, lids], shapes, T.incSubtensor(x.get(lids), y))).toEqual(['elementwise', 'scatterAdd']);
  });

  it("scatters an embedding's gradient and x.get(rows, cols) incremented", async () => {
    const { grad } = (await import(/* @vite-ignore */ new URL('../../grad/src/index.ts', import.meta.url).href)) as { grad: (c: sym.TensorVariable, w: sym.TensorVariable) => sym.TensorVariable };
    const W = T.fmatrix('W');
    expect(kinds([W, ids], [[6, 4], [5]], grad(T.sum(W.get(ids)), W))).toContain('scatterAdd');
    const rows = T.ivector('rows');
    const cols = T.ivector('cols');
    const v = T.fvector('v');
    expect(kinds([x, rows, cols, v], [[6, 4], [3], [3], [3]], T.incSubtensor(x.get(rows, cols), v))).toContain('scatterAdd');
  });
});

describe('inc with and without scatter-add kernels', () => {
  it("raises NumPy's IndexError for an out-of-range index, computed (checked by a kernel) or an input's (before the call), with and without scatter-add kernels", () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const ids = T.ivector('ids');
    const args = [sym.array([0, 0, 0], { dtype: 'float64' }), sym.array([1, 2, 4, 8], { dtype: 'float64' }), sym.array([3, 9, -4, -9], { dtype: 'int32' })];
    for (const device of ['cpu', 'cpu-scan']) {
      // computed on the device: checked by a kernel before the call commits (the kernels clamped it)
      expect(() => sym.function([x, y, ids], T.incSubtensor(x.get(T.maximum(ids, ids)), y), { device }).sync(...args), device).toThrow(/index 3 \(.*\[0\]\) is out of bounds for axis 0 with size 3/);
      const inRange = [args[0]!, args[1]!, sym.array([2, 0, -1, -3], { dtype: 'int32' })];
      expect((sym.function([x, y, ids], T.incSubtensor(x.get(T.maximum(ids, ids)), y), { device }).sync(...inRange) as sym.NDArray).toArray(), device).toEqual([10, 0, 5]);
      expect(() => sym.function([x, y, ids], T.incSubtensor(x.get(ids), y), { device }).sync(...args), device).toThrow('x[ids]: index 3 (ids[0]) is out of bounds for axis 0 with size 3');
    }
  });

  it('a weighted bincount (float32, and integer weights in float64) and plain counts agree', () => {
    const v = T.ivector('v');
    const w = T.fvector('w');
    const iw = T.ivector('iw');
    const outs = [T.bincount(v, w), T.bincount(v, iw), T.bincount(v)];
    const args = [sym.array([3, 0, 3, 7, 3], { dtype: 'int32' }), sym.array([0.5, 1, 0.25, -2, 1], { dtype: 'float32' }), sym.array([1, 2, 3, 4, 5], { dtype: 'int32' })];
    const want = [
      [1, 0, 0, 1.75, 0, 0, 0, -2],
      [2, 0, 0, 9, 0, 0, 0, 4],
      [1, 0, 0, 3, 0, 0, 0, 1],
    ];
    for (const device of ['cpu', 'cpu-scan']) {
      expect((sym.function([v, w, iw], outs, { device }).sync(...args) as sym.NDArray[]).map((a) => a.toArray())).toEqual(want);
    }
  });

  const cases: [sym.DType, sym.DType][] = [
    ['float64', 'float64'],
    ['float32', 'float32'],
    ['float16', 'float16'],
    ['int8', 'int8'],
    ['int32', 'int16'],
    ['uint8', 'uint8'],
    ['int64', 'int64'],
  ];
  for (const [d, yd] of cases) {
    it(`${d} (+= ${yd}): repeated and negative indices, broadcast rows, no indices agree with perform`, () => {
      const x = T.tensor(d, [false, false], 'x');
      const y = T.tensor(yd, [false, false], 'y');
      const row = T.tensor(yd, [false], 'row');
      const ids = T.ivector('ids');
      const outs = [T.incSubtensor(x.get(ids), y), T.incSubtensor(x.get(ids), row), T.incSubtensor(x.get(ids), T.constant(3, { dtype: yd }))];
      const xv = sym.array(Array.from({ length: 5 }, (_, i) => [i, -i, 2 * i]), { dtype: d });
      const yv = (k: number) => (k ? sym.array(Array.from({ length: k }, (_, i) => [i + 1, 100 - i, d.startsWith('uint') ? 7 : -7]), { dtype: yd }) : sym.NDArray.zeros([0, 3], yd));
      const rv = sym.array([1, 120, -3].map((v) => (d.startsWith('uint') ? Math.abs(v) : v)), { dtype: yd });
      for (const idv of [[4, -1, 0, -5, 4, 2], []]) {
        const iv = sym.array(idv, { dtype: 'int32' });
        const args = [xv, yv(idv.length), rv, iv];
        // each output is one AdvancedIncSubtensor1 of x, its y, ids: its reference perform on the same values
        const expected = outs.map((o, i) => o.owner!.op.perform([xv, i === 2 ? (o.owner!.inputs[1] as sym.TensorConstant).value : args[i + 1]!, iv], o.owner!)[0]!.toArray());
        for (const device of ['cpu', 'cpu-scan']) {
          const got = (sym.function([x, y, row, ids], outs, { device }).sync(...args) as sym.NDArray[]).map((a) => a.toArray());
          expect(got, device).toEqual(expected);
        }
      }
    });
  }
});
