/**
 * T.sort, T.argsort, T.topk, T.argtopk and T.topkAndArgtopk: expected
 * values are NumPy's (numpy 2.4), written out with the one-liner that
 * gave them; constant graphs run through `both`, the compiled CPU program
 * (the bitonic network) and the reference `perform`, which must agree
 * exactly (NaN equals NaN, the sign of zero counts).
 */
import { describe, expect, it } from 'vitest';
import { T, both, cpu, sym } from './helpers.js';

type V = sym.TensorVariable;

/** The CPU backend with its sort kernels off: the sorting network every backend without them runs. */
const NETWORK = 'cpu-network';
const Cpu = cpu.constructor as new (options: { sortKernels: boolean }) => sym.Backend;
class NetworkCpu extends Cpu {
  override describe(): sym.BackendInfo {
    return { ...super.describe(), name: NETWORK };
  }
}
sym.registerBackend(new NetworkCpu({ sortKernels: false }));
const c = (v: sym.NestedArray, dtype: sym.DType = 'float64') => T.constant(sym.array(v, { dtype }));
const value = (v: V) => both(v).toArray();
const signs = (v: V) => Array.from(both(v).data, (e) => Object.is(e, -0));

// x = np.array([3., np.nan, -np.inf, 0., -0., 2., np.inf, 2., -1.])
const X = [3, NaN, -Infinity, 0, -0, 2, Infinity, 2, -1];
// m = np.array([[3, 1, 2, 1], [0, -5, 7, 7], [4, 4, 4, -1]], dtype=np.int32)
const M = [
  [3, 1, 2, 1],
  [0, -5, 7, 7],
  [4, 4, 4, -1],
];

describe('sort and argsort', () => {
  it('sorts NaN last, -0 and 0 as equal in input order, infinities at the ends (np.sort(x, kind="stable"))', () => {
    const x = c(X);
    expect(value(T.sort(x))).toEqual([-Infinity, -1, 0, -0, 2, 2, 3, Infinity, NaN]);
    // np.signbit(np.sort(x, kind='stable')): 0 (index 3) comes before -0 (index 4), as in x
    expect(signs(T.sort(x))).toEqual([false, false, false, true, false, false, false, false, false]);
    // np.argsort(x, kind='stable').tolist()
    const a = both(T.argsort(x));
    expect(a.dtype).toBe('int64');
    expect(a.toArray()).toEqual([2, 8, 3, 4, 5, 7, 0, 6, 1]);
  });

  it('sorts each line along an axis, int32 (np.sort(m, axis=0), np.argsort(m, axis=0/1, kind="stable"))', () => {
    const m = c(M, 'int32');
    const s = both(T.sort(m, 0));
    expect(s.dtype).toBe('int32');
    expect(s.toArray()).toEqual([
      [0, -5, 2, -1],
      [3, 1, 4, 1],
      [4, 4, 7, 7],
    ]);
    expect(value(T.argsort(m, 0))).toEqual([
      [1, 1, 0, 2],
      [0, 0, 2, 0],
      [2, 2, 1, 1],
    ]);
    expect(value(T.argsort(m))).toEqual([
      [1, 3, 2, 0],
      [1, 0, 2, 3],
      [3, 0, 1, 2],
    ]);
    expect(value(T.argsort(m, -1))).toEqual(value(T.argsort(m, 1)));
  });

  it('axis null sorts the flattened array, and argsort indexes into it (np.sort(m, axis=None))', () => {
    const m = c(M, 'int32');
    expect(value(T.sort(m, null))).toEqual([-5, -1, 0, 1, 1, 2, 3, 4, 4, 4, 7, 7]);
    expect(value(T.argsort(m, null))).toEqual([5, 11, 4, 1, 3, 2, 0, 8, 9, 10, 6, 7]);
  });

  it('sorts bool and unsigned dtypes (np.sort(b), np.argsort(u, kind="stable"))', () => {
    const b = both(T.sort(c([true, false, true, false], 'bool')));
    expect(b.dtype).toBe('bool');
    expect(b.toArray()).toEqual([false, false, true, true]);
    expect(value(T.argsort(c([true, false, true, false], 'bool')))).toEqual([1, 3, 0, 2]);
    expect(value(T.sort(c([200, 3, 255, 0, 3], 'uint8')))).toEqual([0, 3, 3, 200, 255]);
    expect(value(T.argsort(c([200, 3, 255, 0, 3], 'uint8')))).toEqual([3, 1, 4, 0, 2]);
  });

  it("keeps ties in input order where NumPy's default quicksort need not", () => {
    const ties = [1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0];
    // np.argsort(ties, kind='stable'); the default kind gives [3, 4, 5, 9, 15, 11, 10, 16, 7, 6, 1, 2, 8, 12, 13, 0, 14]
    expect(value(T.argsort(c(ties)))).toEqual([3, 4, 5, 9, 10, 11, 15, 16, 0, 1, 2, 6, 7, 8, 12, 13, 14]);
    // every kind gives the stable order
    for (const kind of sym.SORT_KINDS) expect(value(T.argsort(c(ties), -1, kind))).toEqual(value(T.argsort(c(ties))));
  });

  it('sorts lengths that are not powers of two, and long ones, as the reference does', () => {
    for (const n of [1, 2, 3, 5, 8, 33, 1000]) {
      const data = Array.from({ length: 3 * n }, (_, i) => ((i * 7919) % 13) - 6 + (i % 5 === 0 ? 0.5 : 0));
      const x = T.constant(sym.array(data, { dtype: 'float32', shape: [3, n] }));
      const sorted = both(T.sort(x));
      const rows = sorted.toArray() as number[][];
      for (const row of rows) for (let i = 1; i < row.length; i++) expect(row[i]!).toBeGreaterThanOrEqual(row[i - 1]!);
      both(T.argsort(x, 0));
    }
  });

  const countAll = (dtype: sym.DType, f: (x: V) => V, shape: number[], device = 'cpu') => {
    const x = T.tensor(dtype, [false, false], 'x');
    return sym.function([x], f(x), { device }).compiled.kernelCount(sym.array(new Float32Array(shape[0]! * shape[1]!), { shape, dtype }));
  };

  it('on a backend without sort kernels, launches log2(N)(log2(N)+1)/2 passes over the padded axis, none along a length-1 axis', () => {
    const count = (dtype: sym.DType, f: (x: V) => V, shape: number[]) => countAll(dtype, f, shape, NETWORK);
    // N = 1024: 55 passes, after the keys (floats: NaN's) and before the values read through the order
    expect(count('float32', T.sort, [4, 1000])).toBe(57);
    // the order's slots to positions, as int64
    expect(count('float32', T.argsort, [4, 1000])).toBe(57);
    // integers of a length 2^k: no keys, and the last pass writes the int64 indices
    expect(count('int32', T.argsort, [4, 1024])).toBe(55);
    expect(count('int32', T.sort, [4, 1024])).toBe(56);
    // padded integers: the line's maximum (the padding's key) and the keys first
    expect(count('int32', T.sort, [4, 1000])).toBe(58);
    expect(count('float32', T.sort, [4, 8])).toBe(8);
    expect(count('float32', T.sort, [4, 2])).toBe(3);
    expect(count('float32', (x) => T.sort(x).mul(2), [4, 1])).toBe(1);
    expect(count('float32', T.sort, [0, 5])).toBe(0);
  });

  it('on the CPU (which runs sort kernels), launches one sort kernel, then the gather of the values or the int64 cast of the indices', () => {
    expect(countAll('float32', T.sort, [4, 1000])).toBe(2);
    expect(countAll('float32', T.argsort, [4, 1000])).toBe(2);
    expect(countAll('int32', T.argsort, [4, 1024])).toBe(2);
    expect(countAll('int8', (x) => T.topk(x, 3, -1, { idxDType: 'int32' }), [4, 9])).toBe(2);
    expect(countAll('int8', (x) => T.argtopk(x, 3, -1, { idxDType: 'int32' }), [4, 9])).toBe(1);
    expect(countAll('float32', (x) => T.sort(x).mul(2), [4, 1])).toBe(1);
    expect(countAll('float32', T.sort, [0, 5])).toBe(0);
  });

  it('gives the same values and indices with the sort kernel as with the network, bit for bit', () => {
    // NaN, infinities, signed zeros and ties, in lines of several lengths; every dtype, both directions, either axis, strided views
    const data = (n: number, i: number) => [NaN, 1.5, -0, 0, -Infinity, 2, 1.5, Infinity, -2, 0, NaN, 7][(i * 5 + n) % 12]!;
    for (const dtype of sym.DTYPES) {
      const long = dtype === 'float32' || dtype === 'float64' ? [[1, 300] as const] : [];
      for (const [rows, n] of [[3, 1], [3, 5], [2, 33], ...long] as const) {
        const values = Array.from({ length: rows * n }, (_, i) => data(n, i));
        const xv = sym.array(values, { dtype: 'float64', shape: [rows, n] }).astype(dtype);
        // an input, not a constant: the optimizer would fold a sort of constants on the host
        const x = T.tensor(dtype, [false, false], 'x');
        const k = Math.min(3, n);
        const graphs = [T.sort(x), T.argsort(x), T.argsort(x, 0), T.sort(x.T, 0), T.argsort(x, null), ...T.topkAndArgtopk(x, k), T.argtopk(x, -k), T.topk(x.T, -Math.min(2, n), 0)];
        const on = (device: string) => sym.function([x], graphs, { device }).sync(xv);
        const [a, b] = [on('cpu'), on(NETWORK)];
        a.forEach((v, i) => {
          expect(v.dtype).toBe(b[i]!.dtype);
          expect(Array.from(v.data).map(String), `${dtype} (${rows}, ${n}) output ${i}`).toEqual(Array.from(b[i]!.data).map(String));
          expect(Array.from(v.data).map((e) => Object.is(e, -0))).toEqual(Array.from(b[i]!.data).map((e) => Object.is(e, -0)));
        });
      }
    }
  });

  it('is a fluent method, and prints as Theano names it (stable)', () => {
    const x = T.matrix('x');
    expect(sym.debugprint(x.sort(0))).toBe("SortOp{stable, axis=0} [id A] ''\n |x [id B]");
    expect(sym.debugprint(x.argsort())).toBe("ArgSortOp{stable, axis=1} [id A] ''\n |x [id B]");
    expect(sym.pp(x.argsort(null))).toMatch(/^argsort\(.*, axis=0\)$/);
    expect(x.argsort().dtype).toBe('int64');
  });

  it('refuses a bad axis, a 0-d input along an axis, and an unknown kind, saying what came', () => {
    const x = T.matrix('x');
    expect(() => T.sort(x, 2)).toThrow(/sort: axis 2 is out of range \[-2, 2\) for x of type TensorType\(float\d+, matrix\)/);
    // a non-integer is called that (1.5 was 'out of range', '1' 'got string')
    expect(() => T.argsort(x, 1.5)).toThrow(/argsort: axis must be an integer in \[-2, 2\), got 1.5 for x/);
    expect(() => T.sort(x, '1' as never)).toThrow(/sort: axis must be an integer in \[-2, 2\), got "1" for x/);
    expect(() => T.topk(x, 1, 0.5)).toThrow(/topk: axis must be an integer in \[-2, 2\), got 0.5 for x/);
    expect(() => T.sort(T.scalar('s'))).toThrow(/sort: cannot sort the 0-d s .*pass axis null/);
    expect(() => T.sort(x, -1, 'bubble' as sym.SortKind)).toThrow(/sort: kind must be one of quicksort, mergesort, heapsort, stable, got "bubble"/);
    // axis null sorts a 0-d value as a vector of one, as NumPy does
    expect(value(T.sort(c(4), null))).toEqual([4]);
  });
});

describe('topk', () => {
  it('gives the k largest, largest first, NaN as the largest and ties in input order; k < 0 the smallest, smallest first', () => {
    const x = c(X);
    // o = np.lexsort((np.arange(9), -np.nan_to_num(x, nan=np.inf, posinf=1e308, neginf=-1e308))): [1, 6, 0, 5, 7, 3, 4, 8, 2]
    expect(value(T.topk(x, 5))).toEqual([NaN, Infinity, 3, 2, 2]);
    expect(value(T.argtopk(x, 5))).toEqual([1, 6, 0, 5, 7]);
    // the set of np.partition(x, -3)[-3:]
    expect(value(T.topk(x, 3))).toEqual([NaN, Infinity, 3]);
    expect(value(T.topk(x, -4))).toEqual([-Infinity, -1, 0, -0]);
    expect(signs(T.topk(x, -4))).toEqual([false, false, false, true]);
    expect(value(T.argtopk(x, -4))).toEqual([2, 8, 3, 4]);
    // the whole axis: the descending order, zeros still in input order
    expect(value(T.argtopk(x, 9))).toEqual([1, 6, 0, 5, 7, 3, 4, 8, 2]);
  });

  it('works along either axis of an int32 matrix, both outputs from one op (np.argsort(-m, axis=1, kind="stable")[:, :2])', () => {
    const m = c(M, 'int32');
    const [v, i] = T.topkAndArgtopk(m, 2);
    expect(v.owner).toBe(i.owner);
    expect(value(v)).toEqual([
      [3, 2],
      [7, 7],
      [4, 4],
    ]);
    expect(value(i)).toEqual([
      [0, 2],
      [2, 3],
      [0, 1],
    ]);
    expect(value(T.topk(m, -2, 0))).toEqual([
      [0, -5, 2, -1],
      [3, 1, 4, 1],
    ]);
    expect(value(T.argtopk(m, 3, null))).toEqual([6, 7, 8]);
  });

  it('takes k as an integer scalar, whose value makes the program, and an idxDType', () => {
    const x = T.vector('x');
    const k = T.iscalar('k');
    const f = sym.function([x, k], T.topkAndArgtopk(x, k, -1, { idxDType: 'int32' }));
    const [v, i] = f.sync([5, 1, 4, 2], 2) as sym.NDArray[];
    expect(v!.toArray()).toEqual([5, 4]);
    expect(i!.dtype).toBe('int32');
    expect(i!.toArray()).toEqual([0, 2]);
    const [w] = f.sync([5, 1, 4, 2], -3) as sym.NDArray[];
    expect(w!.toArray()).toEqual([1, 2, 4]);
    expect(() => f.sync([5, 1, 4, 2], 5)).toThrow(/k must be a non-zero integer with \|k\| <= 4, the length of the sorted axis of x of shape \(4,\); got k = 5/);
    expect(() => f.sync([5, 1, 4, 2], 0)).toThrow(/got k = 0/);
  });

  it('refuses at run time an idxDType that cannot hold the indices of an axis whose length the type does not say', () => {
    const x = T.matrix('x');
    const long = sym.array(Array.from({ length: 300 }, (_, i) => i), { dtype: x.dtype, shape: [1, 300] });
    // 299 in int8 wrapped to 43: the indices came back [43, 42, 41]
    const f = sym.function([x], T.argtopk(x, 3, -1, { idxDType: 'int8' }));
    expect(() => f.sync(long)).toThrow(/idxDType int8 cannot hold the indices 0\.\.299 of x of shape \(1, 300\)/);
    // the values too: the gradient gathers with such indices
    expect(() => sym.function([x], T.topk(x, 3, -1, { idxDType: 'int8' })).sync(long)).toThrow(/int8 cannot hold the indices 0\.\.299/);
    expect(() => sym.function([x], T.topk(x, 3, -1, { idxDType: 'int8' }), { mode: 'DebugMode' }).sync(long)).toThrow(/int8 cannot hold the indices 0\.\.299/);
    // an axis int8 holds is still sorted: 127 is its largest index
    const fits = sym.array(Array.from({ length: 128 }, (_, i) => i), { dtype: x.dtype, shape: [1, 128] });
    expect((f.sync(fits) as sym.NDArray).toArray()).toEqual([[127, 126, 125]]);
  });

  it('refuses k out of range when the length is known, options it does not know, and a 0-d input', () => {
    const x = c([1, 2, 3]);
    expect(() => T.topk(x, 4)).toThrow(/topk: k must be a non-zero integer with \|k\| <= 3, .*got k = 4/);
    expect(() => T.topk(x, 0)).toThrow(/topk: k must be a non-zero integer.*got k = 0/);
    expect(() => T.argtopk(x, -4)).toThrow(/argtopk: .*got k = -4/);
    expect(() => T.topk(x, 1, -1, { idx_dtype: 'int32' } as sym.TopKOptions)).toThrow(/topk: unknown option "idx_dtype"; the options are sorted, idxDType/);
    expect(() => T.topk(x, 1, -1, { idxDType: 'float32' })).toThrow(/topk: idxDType must be an integer dtype, got "float32"/);
    expect(() => T.topk(T.scalar('s'), 1)).toThrow(/topk: cannot sort the 0-d s/);
    expect(() => T.topk(x, T.scalar('k'))).toThrow(/k must be an integer scalar, got k of type TensorType\(float\d+, scalar\)/);
  });

  it('prints as TopKOp, and sorted: false is accepted (the sorted order is one Theano allows)', () => {
    const x = T.vector('x');
    expect(sym.debugprint(T.topk(x, 2, -1, { sorted: false }))).toBe("TopKOp{axis=0, sorted=True, returns=values} [id A] ''\n |x [id B]\n |TensorConstant{2} [id C]");
    expect(value(T.topk(c([1, 3, 2]), 2, -1, { sorted: false }))).toEqual([3, 2]);
  });
});

describe('TakeAlongAxis (the gather of the gradients)', () => {
  it('reads x along the axis at the indices, 0 where an index is out of range, over extra leading dimensions', () => {
    const x = c([
      [10, 20, 30],
      [40, 50, 60],
    ]);
    const idx = c([2, 0, 3, -1], 'int64');
    const inv = c([1, -1, 0], 'int64');
    const g = sym.apply1(new sym.TakeAlongAxis(0), [x, idx, inv]);
    expect(value(g)).toEqual([
      [30, 10, 0, 0],
      [60, 40, 0, 0],
    ]);
  });

  it('refuses indices whose other dimensions differ from x', () => {
    const x = c([
      [1, 2],
      [3, 4],
    ]);
    const idx = c([[0], [1], [0]], 'int64');
    expect(() => sym.apply1(new sym.TakeAlongAxis(1), [x, idx, idx])).toThrow(/TakeAlongAxis\{axis=1\}: .* of shape \(2, 2\) and the indices .* of shape \(3, 1\) differ along axis 0/);
  });
});
