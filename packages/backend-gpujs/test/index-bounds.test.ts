/**
 * An index out of range on gpu.js: NumPy's IndexError before the call's
 * first kernel (its values are checked on the host, no readback), so a
 * failed training step leaves the shared variables as they were; a
 * computed index is checked by a kernel whose flag the call reads before
 * committing, so a failed step leaves them as they were too.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import '../src/index.js';
import { grad } from '@sym/grad';

const T = sym.T;
const i32 = (v: sym.NestedArray) => sym.array(v, { dtype: 'int32' });

describe('index bounds on gpujs', () => {
  it("an embedding's training step raises for an id past the table, leaving it unchanged, sync and async", async () => {
    const emb = sym.shared(sym.array([[1, 2], [3, 4], [5, 6]], { dtype: 'float32' }), { name: 'emb' });
    const ids = T.imatrix('ids');
    const cost = T.mean(T.sqr(T.sum(emb.get(ids), { axis: 1 })));
    const [g] = grad(cost, [emb]);
    const step = sym.function([ids], cost, { device: 'gpujs', updates: [[emb, T.sub(emb, T.mul(0.1, g!))]] });
    step.sync(i32([[0, 1], [2, -1]]));
    const before = emb.getValue().toArray();
    expect(() => step.sync(i32([[0, 1], [3, 1]]))).toThrow('emb[ids]: index 3 (ids[1, 0]) is out of bounds for axis 0 with size 3, indexing emb of shape (3, 2)');
    await expect(step(i32([[-4, 1]]))).rejects.toThrow('emb[ids]: index -4 (ids[0, 0]) is out of bounds for axis 0 with size 3');
    expect(emb.getValue().toArray()).toEqual(before);
  });
  it('a label past the classes in the negative log-likelihood and its gradient; a computed index past its axis, checked by a kernel', () => {
    const z = T.fmatrix('z');
    const y = T.ivector('y');
    const cost = T.neg(T.mean(T.log(T.nnet.softmax(z)).get(T.arange(T.shapeI(y, 0)), y)));
    const f = sym.function([z, y], [cost, ...grad(cost, [z])], { device: 'gpujs' });
    const Z = sym.array([[0, 1, 2], [1, 0, -1]], { dtype: 'float32' });
    const [c] = f.sync(Z, i32([2, 0])) as sym.NDArray[];
    expect(c!.data[0]).toBeCloseTo(0.4076059644443804, 5);
    expect(() => f.sync(Z, i32([2, 3]))).toThrow('index 3 (y[1]) is out of bounds for axis 1 with size 3');
    const x = T.fvector('x');
    const computed = sym.function([x, y], x.get(T.add(y, 1)), { device: 'gpujs' });
    expect(Array.from((computed.sync(sym.array([10, 20, 30], { dtype: 'float32' }), i32([1, -3])) as sym.NDArray).data)).toEqual([30, 20]);
    expect(() => computed.sync(sym.array([10, 20, 30], { dtype: 'float32' }), i32([2, 0]))).toThrow("x[(y + 1)]: index 3 ((y + 1)[0]) is out of bounds for axis 0 with size 3, indexing x of shape (3,) (NumPy's IndexError)");
  });
  it('a training step scattering through a computed index raises after its kernels ran, leaving the table as it was, sync and async', async () => {
    const emb = sym.shared(sym.array([[1, 2], [3, 4], [5, 6]], { dtype: 'float32' }), { name: 'emb' });
    const ids = T.ivector('ids');
    const cost = T.mean(T.sqr(T.sum(emb.get(T.add(ids, 1)), { axis: 1 })));
    const [g] = grad(cost, [emb]);
    const step = sym.function([ids], cost, { device: 'gpujs', updates: [[emb, T.sub(emb, T.mul(0.1, g!))]] });
    step.sync(i32([0, -2]));
    const before = emb.getValue().toArray();
    expect(() => step.sync(i32([0, 2]))).toThrow('emb[(ids + 1)]: index 3 ((ids + 1)[1]) is out of bounds for axis 0 with size 3, indexing emb of shape (3, 2)');
    await expect(step(i32([-5]))).rejects.toThrow('emb[(ids + 1)]: index -4 ((ids + 1)[0]) is out of bounds for axis 0 with size 3');
    expect(emb.getValue().toArray()).toEqual(before);
  });
});
