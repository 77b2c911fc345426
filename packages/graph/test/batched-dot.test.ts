/**
 * BatchedDot: (B, M, K) x (B, K, N) -> (B, M, N) as one matmul kernel.
 * Values against a plain loop (np.einsum('bmk,bkn->bmn')) and against the
 * op's reference `perform` (`both`), the kernel it lowers to (operand batch
 * strides, transposed views read in place, a C-contiguous output), static
 * shapes and errors, and T.batchedDot's higher ranks reshaped around it.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from './helpers.js';

type V = sym.TensorVariable;
const BD = new sym.BatchedDot();

/** A deterministic array of small integers (exact in every dtype tested), offset so that some are negative. */
const ints = (shape: number[], dtype: sym.DType, seed: number) => sym.fill(shape, dtype, (i) => ((i * 7 + seed * 13) % 11) - 5);
const c = (a: sym.NDArray) => T.constant(a);

/** einsum('bmk,bkn->bmn') of two C-contiguous arrays, in doubles. */
function einsum(a: sym.NDArray, b: sym.NDArray): number[][][] {
  const [B, M, K] = a.shape as [number, number, number];
  const N = b.shape[2]!;
  return Array.from({ length: B }, (_, bb) =>
    Array.from({ length: M }, (_, m) =>
      Array.from({ length: N }, (_, n) => {
        let s = 0;
        for (let k = 0; k < K; k++) s += a.data[(bb * M + m) * K + k]! * b.data[(bb * K + k) * N + n]!;
        return s;
      }),
    ),
  );
}

/** Values with -0 read as 0: a one-term sum of 0 * -3 is -0 (as NumPy's matmul gives), where the loop's 0 + -0 is 0. */
const zeroSignless = (v: sym.NestedArray): unknown => JSON.parse(JSON.stringify(v));

/** T.batchedDot of two 3-d inputs, compiled for the CPU and called on `a` and `b` (a graph of constants may be folded before it runs). */
function run(a: sym.NDArray, b: sym.NDArray): sym.NestedArray {
  const x = T.tensor(a.dtype, [false, false, false], 'x');
  const y = T.tensor(b.dtype, [false, false, false], 'y');
  return (sym.function([x, y], T.batchedDot(x, y)).sync(a, b) as sym.NDArray).toArray();
}

/** The kernels a graph of inputs `ins` (with these shapes) lowers to, before any optimization. */
const kernels = (ins: V[], shapes: number[][], out: V) => sym.schedule({ inputs: ins, inputShapes: shapes, outputs: [out] }).steps.map((s) => s.kernel);

describe('BatchedDot', () => {
  it("is one matmul per batch entry (np.einsum('bmk,bkn->bmn')), compiled and by its reference", () => {
    for (const [B, M, K, N] of [[1, 3, 4, 5], [3, 2, 5, 4], [4, 1, 3, 1], [2, 6, 1, 3]] as const) {
      const a = ints([B, M, K], 'float64', 1);
      const b = ints([B, K, N], 'float64', 2);
      const z = T.batchedDot(c(a), c(b));
      expect(z.owner!.op.kind).toBe('BatchedDot');
      const r = both(z);
      expect(r.shape).toEqual([B, M, N]);
      expect(r.toArray()).toEqual(einsum(a, b));
      expect(zeroSignless(run(a, b))).toEqual(einsum(a, b));
    }
  });

  it('lowers to one matmul kernel with both batch strides and a C-contiguous (B, M, N) output', () => {
    const a = T.tensor3('a', 'float32');
    const b = T.tensor3('b', 'float32');
    const ks = kernels([a, b], [[3, 4, 5], [3, 5, 6]], T.batchedDot(a, b));
    expect(ks).toHaveLength(1);
    expect(ks[0]).toMatchObject({ kind: 'matmul', batch: 3, m: 4, n: 6, k: 5, acc: 'float64', out: 'float32', a: { strides: [20, 5, 1] }, b: { strides: [30, 6, 1] }, outStrides: [24, 6, 1] });
  });

  it('reads transposed views through their strides, with no copy', () => {
    // a given as (B, K, M) and b as (B, N, K): a.T . b.T per batch entry (attention's q kᵀ is the second)
    const at = T.tensor3('at');
    const bt = T.tensor3('bt');
    const z = T.batchedDot(at.dimshuffle(0, 2, 1), bt.dimshuffle(0, 2, 1));
    const ks = kernels([at, bt], [[2, 4, 3], [2, 5, 4]], z);
    expect(ks).toHaveLength(1);
    expect(ks[0]).toMatchObject({ kind: 'matmul', a: { strides: [12, 1, 3] }, b: { strides: [20, 1, 4] }, outStrides: [15, 5, 1] });
    const av = ints([2, 4, 3], 'float64', 3);
    const bv = ints([2, 5, 4], 'float64', 4);
    const got = (sym.function([at, bt], z).sync(av, bv) as sym.NDArray).toArray();
    const transpose = (x: sym.NDArray) => both(T.dimshuffle(c(x), [0, 2, 1]));
    expect(got).toEqual(einsum(transpose(av), transpose(bv)));
    // a window with an offset (every other batch entry, from the second) is a view too
    const w = T.tensor3('w');
    const win = w.get('1::2');
    const wks = kernels([w, bt], [[4, 3, 4], [2, 5, 4]], T.batchedDot(win, bt.dimshuffle(0, 2, 1)));
    expect(wks).toHaveLength(1);
    expect(wks[0]).toMatchObject({ kind: 'matmul', a: { strides: [24, 4, 1], offset: 12 } });
  });

  it("keeps dot's dtypes: int32 products wrap as NumPy's, float32 sums in float64, bool gives int8", () => {
    // 100000 * 100000 = 10^10 wraps to 1410065408 in int32, twice: 2820130816 wraps to -1474836480
    const big = sym.fill([1, 1, 2], 'int32', () => 100000);
    const z = T.batchedDot(c(big), c(sym.fill([1, 2, 1], 'int32', () => 100000)));
    expect(z.dtype).toBe('int32');
    expect(both(z).toArray()).toEqual([[[-1474836480]]]);
    const i = ints([2, 3, 4], 'int32', 5);
    const j = ints([2, 4, 2], 'int32', 6);
    expect(both(T.batchedDot(c(i), c(j))).toArray()).toEqual(einsum(i, j));
    expect(run(i, j)).toEqual(einsum(i, j));
    expect(run(big, sym.fill([1, 2, 1], 'int32', () => 100000))).toEqual([[[-1474836480]]]);
    expect(T.batchedDot(T.ftensor3('f'), T.ftensor3('g')).dtype).toBe('float32');
    expect(T.batchedDot(T.ftensor3('f'), T.dtensor3('g')).dtype).toBe('float64');
    const bools = sym.fill([1, 2, 2], 'bool', (k) => (k === 3 ? 0 : 1));
    const zb = T.batchedDot(c(bools), c(bools));
    expect(zb.dtype).toBe('int8');
    expect(both(zb).toArray()).toEqual([[[2, 1], [1, 1]]]);
    expect(run(bools, bools)).toEqual([[[2, 1], [1, 1]]]);
  });

  it('gives zeros where K is 0 and empty results where B, M or N is 0', () => {
    const ones = (shape: number[]) => sym.fill(shape, 'float64', () => 1);
    const z = both(T.batchedDot(c(ones([2, 3, 0])), c(ones([2, 0, 4]))));
    expect(z.shape).toEqual([2, 3, 4]);
    expect([...z.data]).toEqual(new Array(24).fill(0));
    expect(run(ones([2, 3, 0]), ones([2, 0, 4]))).toEqual(z.toArray());
    for (const [sa, sb] of [[[0, 3, 2], [0, 2, 4]], [[2, 0, 2], [2, 2, 4]], [[2, 3, 2], [2, 2, 0]]]) {
      expect(both(T.batchedDot(c(ones(sa!)), c(ones(sb!)))).shape).toEqual([sa![0], sa![1], sb![2]]);
      expect(run(ones(sa!), ones(sb!))).toEqual(sym.NDArray.zeros([sa![0]!, sa![1]!, sb![2]!], 'float64').toArray());
    }
  });

  it('infers static shapes and broadcastable dimensions', () => {
    const z = sym.apply1(BD, [c(ints([2, 3, 4], 'float64', 0)), T.tensor3('b')]);
    expect(z.staticShape).toEqual([2, 3, null]);
    const row = T.tensor('float64', [true, false, false], 'r');
    expect(sym.apply1(BD, [T.tensor3('a'), row]).broadcastable).toEqual([true, false, false]);
    expect(sym.apply1(BD, [T.tensor('float64', [false, true, false], 'v'), T.tensor('float64', [false, false, true], 'u')]).broadcastable).toEqual([false, true, true]);
    expect(sym.pp(sym.apply1(BD, [T.tensor3('a'), T.tensor3('b')]))).toBe('batched_dot(a, b)');
  });

  it('names both shapes when the batch or K lengths differ, at build time and at run time, and refuses other ranks', () => {
    const a = c(ints([2, 3, 4], 'float64', 0));
    expect(() => sym.apply1(BD, [a, c(ints([3, 4, 5], 'float64', 0))])).toThrow(/BatchedDot: shapes \(2, 3, 4\) .* and \(3, 4, 5\) .* do not match: batch \(dimension 0 of both\) 2 != 3/);
    expect(() => sym.apply1(BD, [a, c(ints([2, 5, 5], 'float64', 0))])).toThrow(/BatchedDot: shapes .* do not match: K \(last dimension of a, dimension 1 of b\) 4 != 5/);
    const x = T.tensor3('x');
    const y = T.tensor3('y');
    const f = sym.function([x, y], sym.apply1(BD, [x, y]));
    expect(() => f.sync(ints([2, 3, 4], 'float64', 0), ints([2, 3, 5], 'float64', 0))).toThrow(/BatchedDot: shapes \(2, 3, 4\) \(x\) and \(2, 3, 5\) \(y\) do not match: K/);
    // through T.batchedDot the length checks name the function the user called
    const g = sym.function([x, y], T.batchedDot(x, y));
    expect(() => g.sync(ints([2, 3, 4], 'float64', 0), ints([1, 4, 5], 'float64', 0))).toThrow(/batchedDot: a \(x\) has 2 entries along its batch axis \(0\) but b \(y\) has 1/);
    expect(() => sym.apply1(BD, [T.matrix('m'), y])).toThrow(/BatchedDot: operand a must be 3-d \(batch, M, K\), got m of type/);
    expect(() => sym.apply1(BD, [x, T.tensor4('t')])).toThrow(/BatchedDot: operand b must be 3-d \(batch, K, N\), got t of type/);
  });
});

describe('T.batchedDot of higher ranks', () => {
  /** batched_dot by loops: (B, A..., K) x (B, Bt..., K, N) -> (B, A..., Bt..., N), flattened. */
  function reference(a: sym.NDArray, b: sym.NDArray): number[] {
    const B = a.shape[0]!;
    const K = a.shape[a.ndim - 1]!;
    const N = b.shape[b.ndim - 1]!;
    const rows = a.size / B / K;
    const cols = b.size / B / K / N;
    const out: number[] = [];
    for (let bb = 0; bb < B; bb++)
      for (let r = 0; r < rows; r++)
        for (let t = 0; t < cols; t++)
          for (let n = 0; n < N; n++) {
            let s = 0;
            for (let k = 0; k < K; k++) s += a.data[(bb * rows + r) * K + k]! * b.data[((bb * cols + t) * K + k) * N + n]!;
            out.push(s);
          }
    return out;
  }

  it('flattens the middle axes of a into rows and of b into columns around one BatchedDot', () => {
    for (const [sa, sb] of [
      [[2, 3, 2, 4], [2, 4, 5]],
      [[2, 3, 4], [2, 2, 4, 5]],
      [[3, 2, 2, 4], [3, 3, 4, 2]],
    ]) {
      const a = ints(sa!, 'float64', 7);
      const b = ints(sb!, 'float64', 8);
      const x = T.tensor('float64', sa!.map(() => false), 'x');
      const y = T.tensor('float64', sb!.map(() => false), 'y');
      const z = T.batchedDot(x, y);
      const r = sym.function([x, y], z).sync(a, b) as sym.NDArray;
      expect(r.shape).toEqual([sa![0], ...sa!.slice(1, -1), ...sb!.slice(1, -2), sb![sb!.length - 1]]);
      expect([...r.data]).toEqual(reference(a, b));
      // and the constant graph agrees with the ops' references
      expect([...both(T.batchedDot(c(a), c(b))).data]).toEqual(reference(a, b));
      const kinds = sym.schedule({ inputs: [x, y], inputShapes: [sa!, sb!], outputs: [z] }).steps.map((s) => s.kernel.kind);
      expect(kinds.filter((k) => k === 'matmul')).toHaveLength(1);
      expect(kinds).not.toContain('reduce');
    }
  });

  it('keeps products with a vector per batch entry as a reduction (no one-column matmul)', () => {
    const x = T.tensor3('x');
    const v = T.matrix('v');
    const kinds = sym.schedule({ inputs: [x, v], inputShapes: [[2, 3, 4], [2, 4]], outputs: [T.batchedDot(x, v)] }).steps.map((s) => s.kernel.kind);
    expect(kinds).not.toContain('matmul');
  });
});
