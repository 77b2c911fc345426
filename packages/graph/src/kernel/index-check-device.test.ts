/**
 * An integer index the kernels compute is NumPy's IndexError, as one
 * whose values are on the host: a flag kernel finds the first bad
 * position, the call reads it before committing, and the host finds the
 * value again for the message. In range (negatives in [-n, 0) wrap) it
 * computes what NumPy does, and an index the graph bounds costs nothing.
 * (Before index-check-device.ts, `x[i + 1]` with i = [0, 2] on a length-3
 * x gave [2, 3]: the kernels clamped index 3.)
 */
import { describe, expect, it } from 'vitest';
import { T, cpu, sym } from '../../test/helpers.js';

const MODES = ['FAST_RUN', 'FAST_COMPILE', 'DebugMode'] as const;
const x = T.dvector('x');
const i = T.lvector('i');
const X = [1, 2, 3];
const values = (a: sym.NDArray | sym.NDArray[]) => (Array.isArray(a) ? a.map((v) => v.toArray()) : a.toArray());

describe('a computed integer index is checked in every mode', () => {
  it('x[i + 1] past the axis raises, naming x, the index expression, its value and the axis size; sync and async', async () => {
    for (const mode of MODES) {
      const f = sym.function([x, i], x.get(i.add(1)), { mode });
      const error = "x[(i + 1)]: index 3 ((i + 1)[1]) is out of bounds for axis 0 with size 3, indexing x of shape (3,) (NumPy's IndexError)";
      expect(() => f.sync(X, [0, 2])).toThrow(error);
      await expect(f(X, [0, 2])).rejects.toThrow(error);
      expect(values(f.sync(X, [0, 1]))).toEqual([2, 3]);
    }
  });

  it('negative computed indices in [-n, 0) wrap as NumPy; below -n raise', () => {
    for (const mode of MODES) {
      const f = sym.function([x, i], x.get(i.sub(2)), { mode });
      expect(values(f.sync(X, [0, 1, 2, -1]))).toEqual([2, 3, 1, 1]);
      expect(() => f.sync(X, [0, -2])).toThrow(/index -4 \(\(i - 2\)\[1\]\) is out of bounds for axis 0 with size 3/);
    }
  });

  it('a computed index matrix and a computed scalar index', () => {
    const m = T.lmatrix('m');
    const k = T.lscalar('k');
    const f = sym.function([x, m], x.get(m.mul(2)));
    expect(values(f.sync(X, [[0, 1], [1, -1]]))).toEqual([[1, 3], [3, 2]]);
    expect(() => f.sync(X, [[0, 1], [2, 0]])).toThrow(/index 4 \(\(m \* 2\)\[1, 0\]\) is out of bounds for axis 0 with size 3/);
    const g = sym.function([x, k], x.get(k.add(1)));
    expect(values(g.sync(X, 1))).toBe(3);
    expect(() => g.sync(X, 2)).toThrow(/index 3 .* for axis 0 with size 3/);
  });

  it('an index computed by a reduction (argmax) of another length, and pairs x[rows, cols] of computed columns', () => {
    const s = T.dmatrix('s');
    const f = sym.function([x, s], x.get(T.argmax(s, 1)));
    expect(values(f.sync(X, [[0, 1, 0], [0, 0, 1]]))).toEqual([2, 3]);
    expect(() => f.sync(X, [[0, 0, 0, 1]])).toThrow(/index 3 .* for axis 0 with size 3/);
    const M = T.dmatrix('M');
    const c = T.lvector('c');
    const g = sym.function([M, c], M.get(T.arange(2), c.add(1)));
    expect(values(g.sync([[1, 2], [3, 4]], [0, -1]))).toEqual([2, 3]);
    expect(() => g.sync([[1, 2], [3, 4]], [0, 1])).toThrow(/index 2 .* for axis 1 with size 2/);
  });

  it("a scan step's computed index is checked at every step (Theano raises; the kernels gave [2, 3, 3])", () => {
    const n = T.iscalar('n');
    const [rows] = sym.scan((t: sym.TensorVariable) => x.get(t.add(1)), { sequences: [T.arange(n)] }) as sym.TensorVariable[];
    for (const mode of MODES) {
      const f = sym.function([x, n], rows!, { mode });
      expect(values(f.sync(X, 2))).toEqual([2, 3]);
      expect(() => f.sync(X, 3)).toThrow(/index 3 .* out of bounds for axis 0 with size 3/);
    }
  });

  it('a loop ending with sym.until (run on the host a step at a time) checks each step it runs, and none past its stop', () => {
    const k = T.iscalar('k');
    const [[sums]] = sym.scan(
      (t: sym.TensorVariable, acc: sym.TensorVariable) => {
        const next = acc.add(x.get(t.add(1)));
        return [[next], sym.until(next.gt(100))];
      },
      { sequences: [T.arange(k)], outputsInfo: [T.constant(0, { dtype: 'float64' })] },
    ) as unknown as [sym.TensorVariable[]];
    for (const mode of MODES) {
      const f = sym.function([x, k], sums!, { mode });
      expect(values(f.sync(X, 2))).toEqual([2, 5]);
      expect(() => f.sync(X, 3)).toThrow(/index 3 .*out of bounds for axis 0 with size 3/);
      // stopped at its first step: x[3] is never read
      expect(values(f.sync([1, 200, 3], 3))).toEqual([200]);
    }
  });

  it('a scan step that draws random numbers (lowered anew at each step, not replayed) is checked at every step too', () => {
    const n = T.iscalar('n');
    const srng = new sym.RandomStreams(3);
    const [rows] = sym.scan((t: sym.TensorVariable) => x.get(t.add(1)).add(srng.uniform([], { dtype: 'float64' }).mul(0)), { sequences: [T.arange(n)] }) as sym.TensorVariable[];
    const f = sym.function([x, n], rows!);
    expect(values(f.sync(X, 2))).toEqual([2, 3]);
    expect(() => f.sync(X, 3)).toThrow(/index 3 .*out of bounds for axis 0 with size 3/);
  });

  it('a failed training step leaves W as it was (sync and async)', async () => {
    const W = sym.shared(new Float64Array([1, 2, 3]), { name: 'W' });
    const j = T.lvector('j');
    const picked = W.get(j.add(1));
    const step = sym.function([j], picked.sum(), { updates: [[W, W.sub(picked.sum().mul(0.1))]] });
    expect(values(step.sync([0, 1]))).toEqual(5);
    const before = Array.from(W.getValue().data);
    expect(() => step.sync([0, 2])).toThrow(/W\[\(j \+ 1\)\]: index 3/);
    await expect(step([2, 0])).rejects.toThrow(/W\[\(j \+ 1\)\]: index 3/);
    expect(Array.from(W.getValue().data)).toEqual(before);
  });

  it('a scatter of computed rows into a shared table writes it in place, read its flag first: a failed step leaves it as it was', async () => {
    const table = sym.shared(sym.array(Float32Array.from({ length: 40 }, (_, k) => k), { shape: [10, 4] }), { name: 'table' });
    const rows = T.ivector('rows');
    const g = T.fmatrix('g');
    const step = sym.function([rows, g], [], { updates: [[table, T.incSubtensor(table.get(rows.add(1)), g)]] });
    const ones = sym.array(new Float32Array(8).fill(1), { shape: [2, 4] });
    const at = (r: number[]) => sym.array(r, { dtype: 'int32' });
    step.sync(at([0, 8]), ones);
    // in place: the update is written over the table's own buffer (a copy of the table and a second buffer before)
    const buffer = table.deviceBufferSync(cpu);
    step.sync(at([0, 2]), ones);
    expect(table.deviceBufferSync(cpu)).toBe(buffer);
    const before = Array.from(table.getValue().data);
    expect(before.slice(4, 8)).toEqual([6, 7, 8, 9]);
    expect(before.slice(36, 40)).toEqual([37, 38, 39, 40]);
    // a bad row after a good one: the flag is read before the scatter writes any row
    expect(() => step.sync(at([0, 9]), ones)).toThrow(/table\[\(rows \+ 1\)\]: index 10 .* out of bounds for axis 0 with size 10/);
    await expect(step(at([9, 0]), ones)).rejects.toThrow(/table\[\(rows \+ 1\)\]: index 10 /);
    expect(Array.from(table.getValue().data)).toEqual(before);
  });
});

describe('a shared index whose newest value a previous call left on the device', () => {
  it('is read back and checked as an input index: the call raises and leaves it as it was (sync and async)', async () => {
    for (const sync of [true, false]) {
      const ids = sym.shared(sym.array([0, 1], { dtype: 'int32' }), { name: 'ids' });
      const walk = sym.function([x], x.get(ids), { updates: [[ids, ids.add(1)]] });
      const call = async () => values(sync ? walk.sync(X) : await walk(X));
      expect(await call()).toEqual([1, 2]);
      // ids is [1, 2] on the device now, [2, 3] after the next call (the kernels clamped index 3 and gave [3, 3])
      expect(await call()).toEqual([2, 3]);
      await expect(call()).rejects.toThrow(/x\[ids\]: index 3 \(ids\[1\]\) is out of bounds for axis 0 with size 3/);
      expect(values(ids.getValue())).toEqual([2, 3]);
    }
  });
});

describe('what a computed index costs', () => {
  const count = (f: { compiled: { kernelCount(...args: unknown[]): number } }, ...args: unknown[]) => f.compiled.kernelCount(...args);
  // clipped into the axis, the same index is bounded by its graph: the same kernels, less the check
  const clipped = (v: sym.TensorVariable) => T.clip(v, -3, 2);

  it('one reduce kernel per computed index; none for an input, an arange, or an index the graph bounds', () => {
    const computed = count(sym.function([x, i], x.get(i.add(1))), X, [0]);
    expect(computed).toBe(count(sym.function([x, i], x.get(clipped(i.add(1)))), X, [0]) + 1);
    const plain = count(sym.function([x, i], x.get(i)), X, [0]);
    expect(plain).toBe(1);
    expect(count(sym.function([x], x.get(T.arange(3))), X)).toBe(1);
    // an index of a dtype narrower than the axis cannot leave it
    const big = T.dvector('big');
    const bytes = T.bvector('bytes');
    const narrow = count(sym.function([big, bytes], big.get(bytes.add(1))), new Array(300).fill(0), [1]);
    expect(narrow).toBe(count(sym.function([big, bytes], big.get(clipped(bytes.add(1)))), new Array(300).fill(0), [1]));
  });

  it("a scan over a sequence of indices checks the rows it visits once, not a flag per step (an input's on the host, no kernel)", () => {
    const emb = T.dmatrix('emb');
    const ids = T.ivector('ids');
    const walk = (seq: sym.TensorVariable) =>
      sym.function([emb, ids], sym.scan((w: sym.TensorVariable, h: sym.TensorVariable) => h.add(emb.get(w)), { sequences: [seq], outputsInfo: [T.zeros([3], 'float64')] })[0] as sym.TensorVariable);
    const E = [[1, 2, 3], [4, 5, 6]];
    // computed: the input's kernels, the add's and one flag, however many steps (a flag per step's row copy is what this guards against)
    for (const steps of [[0, -2], [0, 0, -1, 0, -2]]) {
      const at = sym.array(steps, { dtype: 'int32' });
      expect(count(walk(ids.add(1)), E, at)).toBe(count(walk(ids), E, at) + 2);
    }
    expect(() => walk(ids.add(1)).sync(E, sym.array([0, 1, 0], { dtype: 'int32' }))).toThrow(/index 2 .* out of bounds for axis 0 with size 2/);
  });

  it("a gather and the scatter into the same window (a gradient's) read one checked index: one check for both", () => {
    const W = sym.shared(new Float64Array([1, 2, 3]), { name: 'W' });
    const j = T.lvector('j');
    const both = (k: sym.TensorVariable) => sym.function([j], [W.get(k).sum(), T.incSubtensor(W.get(k), 1)]);
    expect(count(both(j.add(1)), [0, 1])).toBe(count(both(clipped(j.add(1))), [0, 1]) + 1);
    expect(() => both(j.add(1)).sync([2])).toThrow(/index 3/);
  });
});
