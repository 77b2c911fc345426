/** Gradient graphs are ordinary graphs: the same ones run on Dawn's WebGPU (software Vulkan) and on the CPU. */
import { afterAll, describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { webgpu } from '../src/index.js';
import { grad, gradClip, hessian, jacobian } from '@sym/grad';

const T = sym.T;
sym.config.floatX = 'float32';
afterAll(() => webgpu.dispose());

async function onBoth(inputs: sym.TensorVariable[], outputs: sym.TensorVariable[], args: unknown[]) {
  const gpu = (await sym.function(inputs, outputs, { device: 'webgpu' })(...args)) as sym.NDArray[];
  const cpu = (await sym.function(inputs, outputs, { device: 'cpu' })(...args)) as sym.NDArray[];
  gpu.forEach((g, i) => {
    const c = cpu[i]!;
    expect(g.shape).toEqual(c.shape);
    expect(g.dtype).toBe(c.dtype);
    for (let k = 0; k < c.size; k++) expect(Math.abs(g.data[k]! - c.data[k]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(c.data[k]!)));
  });
  return gpu;
}

describe('gradients on WebGPU', () => {
  it('the tutorial gradient and Jacobian', async () => {
    const foo = T.scalar('foo');
    const [g] = await onBoth([foo], [grad(foo.pow(2), foo)], [10]);
    expect(g!.toString()).toBe('20.0');
    const A = T.matrix('A');
    const x = T.vector('x');
    const b = T.vector('b');
    const [J] = await onBoth([A, x, b], [jacobian(T.dot(A, x).add(b), x)], [[[1, 2, 3], [4, 5, 6]], [1, 1, 1], [0, 0]]);
    expect(J!.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('an MLP with softmax, flatten of an unknown shape and a clipped gradient', async () => {
    const x = T.tensor3('x');
    const W = T.matrix('W');
    const c = T.vector('c');
    const V = T.matrix('V');
    const y = T.matrix('y');
    const h = gradClip(T.tanh(T.dot(x.flatten(2), W).add(c)), -0.05, 0.05);
    const p = T.softmax(T.dot(h, V));
    const cost = T.mean(T.sum(y.mul(T.log(p)).neg(), 1));
    const gs = grad(cost, [x, W, c, V]);
    const rnd = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + k));
    const xv = [0, 1, 2].map((i) => [rnd(2, i), rnd(2, i + 3)]);
    const Wv = [0, 1, 2, 3].map((i) => rnd(5, i + 7));
    const Vv = [0, 1, 2, 3, 4].map((i) => rnd(3, i + 11));
    const yv = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    const out = await onBoth([x, W, c, V, y], gs, [xv, Wv, rnd(5, 1), Vv, yv]);
    expect(out.map((a) => a.shape)).toEqual([[3, 2, 2], [4, 5], [5], [5, 3]]);
  });

  it('a Hessian', async () => {
    const x = T.vector('x');
    const [H] = await onBoth([x], [hessian(x.pow(3).sum().add(x.prod()), x)], [[1, 2, 3]]);
    expect(H!.toArray()).toEqual([[6, 3, 2], [3, 12, 1], [2, 1, 18]]);
  });
});
