// Increments of repeated rows in float32: the reference `perform` and the sort-and-scan lowering sum a row's
// increments first and add that sum to the row once, so that small increments to a large row count. The
// scatter-add kernel added each increment into the row in turn, and in float32 an increment under half the row's
// last place rounds away every time: 1000 increments of 1e-8 to 1 left it 1 (NumPy's add.at does the same),
// where sym gives 1.00001 without the kernel; and the sequential float32 sum of 10^5 normal values drifted past
// DebugMode's tolerance. The CPU's float scatter-add (scatter-sums.ts) now sums each row's increments in float64
// first, finding the rows met by a table of every row or by a hash.
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { CpuBackend } from './backend.js';
import './index.js';

const T = sym.T;

/** The CPU without scatter-add kernels (the sort and segmented scan), under a name of its own. */
class ScanCpu extends CpuBackend {
  override describe(): sym.BackendInfo {
    return { ...super.describe(), name: 'cpu-rounding-scan' };
  }
}
sym.registerBackend(new ScanCpu({ scatterKernels: false }));

const x = T.tensor('float32', [false, false], 'x');
const y = T.tensor('float32', [false, false], 'y');
const ids = T.ivector('ids');
const inc = T.incSubtensor(x.get(ids), y);

describe('scatter-add of many small float32 increments to one row', () => {
  const args = [
    sym.array([1, 1, 1, 1], { dtype: 'float32' }).reshape([2, 2]),
    sym.array(new Float32Array(2000).fill(1e-8), { dtype: 'float32' }).reshape([1000, 2]),
    sym.array(new Int32Array(1000), { dtype: 'int32' }),
  ];
  const run = (device: string) => Array.from(sym.function([x, y, ids], inc, { device }).sync(...args).data as Float32Array);

  it('the sort-and-scan lowering sums the increments first: row 0 is 1 + 1000 * 1e-8', () => {
    expect(run('cpu-rounding-scan')).toEqual([Math.fround(1.00001), Math.fround(1.00001), 1, 1]);
  });

  it('the scatter-add kernel agrees with it (they rounded away, leaving row 0 at 1)', () => {
    expect(run('cpu')).toEqual(run('cpu-rounding-scan'));
  });
});

describe('scatter-add of float rows: the rows met found by a table of every row or by a hash', () => {
  const count = (rows: number, K: number, dtype: 'float32' | 'float64') => {
    const xs = T.tensor(dtype, [false, false], 'xs');
    const ys = T.tensor(dtype, [false, false], 'ys');
    // computed indices (checked by a kernel, as an input's are before the call: out of range is an IndexError)
    const out = T.incSubtensor(xs.get(T.maximum(ids, ids)), ys);
    // repeated rows, negative indices, -0 into -0 (stays -0), NaN and inf
    const index = Int32Array.from({ length: K }, (_, i) => (i % 5 === 4 ? -((i * 13) % rows) - 1 : (i * 7919) % rows));
    const xv = Float64Array.from({ length: rows * 3 }, (_, i) => (i % 7 === 0 ? -0 : Math.sin(i)));
    const yv = Float64Array.from({ length: K * 3 }, (_, i) => (i === 5 ? NaN : i === 8 ? Infinity : i % 3 === 0 ? -0 : Math.cos(i) * 1e3));
    const args = [sym.array(xv, { dtype }).reshape([rows, 3]), sym.array(yv, { dtype }).reshape([K, 3]), sym.array(index, { dtype: 'int32' })];
    return ['cpu', 'cpu-rounding-scan'].map((device) => Array.from(sym.function([xs, ys, ids], out, { device }).sync(...args).data as ArrayLike<number>));
  };
  for (const [rows, K] of [
    [7, 40],
    [1000, 40],
    [20_000, 300],
  ] as const) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${rows} rows, ${K} indices, ${dtype}: the scan's values, -0 kept`, () => {
        const [scatter, scan] = count(rows, K, dtype);
        expect(scatter!.length).toBe(scan!.length);
        scatter!.forEach((v, i) => {
          const want = scan![i]!;
          if (Number.isNaN(want) || !Number.isFinite(want) || want === 0) expect(v).toBe(want);
          else expect(Math.abs(v - want)).toBeLessThanOrEqual(1e-4 * Math.abs(want));
        });
      });
    }
  }
});

describe('scatter-add in DebugMode', () => {
  it('10^5 normal float32 increments into 3 rows pass the check against perform (they differed at the 4th digit)', () => {
    let seed = 1;
    const uniform = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const K = 100_000;
    const f = sym.function([x, y, ids], inc, { device: 'cpu', mode: 'DebugMode' });
    for (let call = 0; call < 5; call++) {
      f.sync(
        sym.NDArray.zeros([3, 2], 'float32'),
        sym.array(Float32Array.from({ length: 2 * K }, normal), { dtype: 'float32' }).reshape([K, 2]),
        sym.array(Int32Array.from({ length: K }, (_, i) => i % 3), { dtype: 'int32' }),
      );
    }
    // the scan path passes the same check
    const g = sym.function([x, y, ids], inc, { device: 'cpu-rounding-scan', mode: 'DebugMode' });
    expect(() => g.sync(sym.NDArray.zeros([3, 2], 'float32'), sym.array(Float32Array.from({ length: 2 * K }, normal), { dtype: 'float32' }).reshape([K, 2]), sym.array(Int32Array.from({ length: K }, (_, i) => i % 3), { dtype: 'int32' }))).not.toThrow();
  });
});
