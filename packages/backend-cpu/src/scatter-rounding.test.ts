// Increments of repeated rows in float32: the reference `perform` and the sort-and-scan lowering sum a row's
// increments first and add that sum to the row once, so that small increments to a large row count. The
// scatter-add kernel adds each increment into the row in turn, and in float32 an increment under half the row's
// last place rounds away every time: 1000 increments of 1e-8 to 1 leave it 1 (NumPy's add.at does the same),
// where sym gave 1.00001 before; and the sequential float32 sum of 10^5 normal values drifts past DebugMode's
// tolerance. Known defects of the scatter-add kernel (reported by review; written `it.fails` until fixed).
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

  it.fails('the scatter-add kernel agrees with it (today: the increments round away, row 0 stays 1)', () => {
    expect(run('cpu')).toEqual(run('cpu-rounding-scan'));
  });
});

describe('scatter-add in DebugMode', () => {
  it.fails('10^5 normal float32 increments into 3 rows pass the check against perform (today: differ at the 4th digit)', () => {
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
