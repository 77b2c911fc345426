/**
 * An index out of range on WebGPU: NumPy's IndexError before the call's
 * first kernel (its values are checked on the host, no readback), so a
 * failed training step leaves the shared variables on the device as they
 * were; a computed index is checked by a kernel whose flag the call reads
 * before committing, so a failed step leaves them as they were too.
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
import '@sym/opt';
import { T, sym } from './setup.js';

const i32 = (v: sym.NestedArray) => sym.array(v, { dtype: 'int32' });

describe('index bounds on webgpu', () => {
  it("an embedding's training step raises for an id past the table, leaving it unchanged", async () => {
    const emb = sym.shared(sym.array([[1, 2], [3, 4], [5, 6]], { dtype: 'float32' }), { name: 'emb' });
    const ids = T.imatrix('ids');
    const cost = T.mean(T.sqr(T.sum(emb.get(ids), { axis: 1 })));
    const [g] = grad(cost, [emb]);
    const step = sym.function([ids], cost, { device: 'webgpu', updates: [[emb, T.sub(emb, T.mul(0.1, g!))]] });
    await step(i32([[0, 1], [2, -1]]));
    const before = (await emb.getValueAsync()).toArray();
    await expect(step(i32([[0, 1], [3, 1]]))).rejects.toThrow('emb[ids]: index 3 (ids[1, 0]) is out of bounds for axis 0 with size 3, indexing emb of shape (3, 2)');
    expect((await emb.getValueAsync()).toArray()).toEqual(before);
  });
  it('a label past the classes in the negative log-likelihood and its gradient; a computed index past its axis, checked by a kernel', async () => {
    const z = T.fmatrix('z');
    const y = T.ivector('y');
    const cost = T.neg(T.mean(T.log(T.nnet.softmax(z)).get(T.arange(T.shapeI(y, 0)), y)));
    const f = sym.function([z, y], [cost, ...grad(cost, [z])], { device: 'webgpu' });
    const Z = sym.array([[0, 1, 2], [1, 0, -1]], { dtype: 'float32' });
    const [c] = (await f(Z, i32([2, 0]))) as sym.NDArray[];
    expect(c!.data[0]).toBeCloseTo(0.4076059644443804, 5);
    await expect(f(Z, i32([2, 3]))).rejects.toThrow('index 3 (y[1]) is out of bounds for axis 1 with size 3');
    const x = T.fvector('x');
    const computed = sym.function([x, y], x.get(T.add(y, 1)), { device: 'webgpu' });
    expect(Array.from(((await computed(sym.array([10, 20, 30], { dtype: 'float32' }), i32([1, -3]))) as sym.NDArray).data)).toEqual([30, 20]);
    await expect(computed(sym.array([10, 20, 30], { dtype: 'float32' }), i32([2, 0]))).rejects.toThrow("x[(y + 1)]: index 3 ((y + 1)[0]) is out of bounds for axis 0 with size 3, indexing x of shape (3,) (NumPy's IndexError)");
  });
  it('a training step scattering through a computed index raises after its kernels ran, leaving the table on the device as it was', async () => {
    const emb = sym.shared(sym.array([[1, 2], [3, 4], [5, 6]], { dtype: 'float32' }), { name: 'emb' });
    const ids = T.ivector('ids');
    const cost = T.mean(T.sqr(T.sum(emb.get(T.add(ids, 1)), { axis: 1 })));
    const [g] = grad(cost, [emb]);
    const step = sym.function([ids], cost, { device: 'webgpu', updates: [[emb, T.sub(emb, T.mul(0.1, g!))]] });
    await step(i32([0, -2]));
    const before = (await emb.getValueAsync()).toArray();
    await expect(step(i32([0, 2]))).rejects.toThrow('emb[(ids + 1)]: index 3 ((ids + 1)[1]) is out of bounds for axis 0 with size 3, indexing emb of shape (3, 2)');
    expect((await emb.getValueAsync()).toArray()).toEqual(before);
  });

  it('a shared index a previous call updated on the device is read back and checked (the kernels clamped it)', async () => {
    const x = T.fvector('x');
    const ids = sym.shared(i32([0, 1]), { name: 'ids' });
    const walk = sym.function([x], x.get(ids), { device: 'webgpu', updates: [[ids, T.add(ids, 1)]] });
    const X = sym.array([1, 2, 3], { dtype: 'float32' });
    expect(((await walk(X)) as sym.NDArray).toArray()).toEqual([1, 2]);
    expect(((await walk(X)) as sym.NDArray).toArray()).toEqual([2, 3]);
    await expect(walk(X)).rejects.toThrow('x[ids]: index 3 (ids[1]) is out of bounds for axis 0 with size 3');
    expect((await ids.getValueAsync()).toArray()).toEqual([2, 3]);
  });

  it("a window whose start the kernels compute gives NumPy's rows (its flag sends the call the by-value way); in a scan's step it raises, and a read in an ifelse's branch there raises only where the branch is taken", async () => {
    const x = T.fmatrix('x');
    const v = T.fvector('v');
    const start = T.argmax(v);
    const X = sym.array(Array.from({ length: 10 }, (_, r) => [r, 10 * r]), { dtype: 'float32' });
    const at = (k: number) => sym.array(Array.from({ length: 9 }, (_, j) => (j === k ? 1 : 0)), { dtype: 'float32' });
    const window = sym.function([x, v], x.get(T.slice(start, start.add(4))), { device: 'webgpu' });
    // NumPy's X[8:12] is rows 8 and 9 (the kernels clamped the start to 6)
    expect(((await window(X, at(8))) as sym.NDArray).toArray()).toEqual([[8, 80], [9, 90]]);
    expect(((await window(X, at(1))) as sym.NDArray).toArray()).toEqual([[1, 10], [2, 20], [3, 30], [4, 40]]);
    const batches = T.ivector('batches');
    const [sums] = sym.scan((b: sym.TensorVariable) => x.get(T.slice(b.mul(4), b.add(1).mul(4))).sum(), { sequences: [batches] }) as sym.TensorVariable[];
    const f = sym.function([x, batches], sums!, { device: 'webgpu' });
    expect(((await f(X, i32([0, 1]))) as sym.NDArray).toArray()).toEqual([66, 242]);
    await expect(f(X, i32([0, 2]))).rejects.toThrow(/the window of 4 elements from 8 \(computed on the device\) does not fit axis 0 of size 10: NumPy \(and Theano\) would return 2 elements, not 4\. This window lies in a scan's step/);
    const y = T.fvector('y');
    const k = T.iscalar('k');
    const [picked] = sym.scan((t: sym.TensorVariable) => sym.ifelse(t.lt(k), y.get(t.add(1)), T.constant(-1, { dtype: 'float32' })), { sequences: [batches] }) as sym.TensorVariable[];
    const g = sym.function([y, batches, k], picked!, { device: 'webgpu' });
    const Y = sym.array([1, 2, 3], { dtype: 'float32' });
    expect(((await g(Y, i32([0, 1, 2]), 2)) as sym.NDArray).toArray()).toEqual([2, 3, -1]);
    await expect(g(Y, i32([0, 1, 2]), 3)).rejects.toThrow(/index 3 .* is out of bounds for axis 0 with size 3, indexing y of shape \(3,\)/);
  });

  it("an index cast from a computed float that is NaN raises NumPy's IndexError (INT_MIN), where the cast gave row 0", async () => {
    const x = T.fvector('x');
    const f = T.fvector('f');
    const g = sym.function([x, f], x.get(T.cast(T.exp(f), 'int32')), { device: 'webgpu' });
    const X = sym.array([1, 2, 3], { dtype: 'float32' });
    expect(((await g(X, sym.array([0, Math.log(2.5)], { dtype: 'float32' }))) as sym.NDArray).toArray()).toEqual([2, 3]);
    await expect(g(X, sym.array([0, NaN], { dtype: 'float32' }))).rejects.toThrow(/index -2147483648 \(.*\[1\]\) is out of bounds for axis 0 with size 3/);
  });
});
