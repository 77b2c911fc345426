/**
 * Scans that end on a condition (`sym.until`) on gpu.js: the loop runs on the
 * host, its step one program called once per step until the condition
 * holds; the gradient's programs are made for the count that ran. Values and
 * gradients as the CPU's, sync and async.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import '@sym/backend-cpu';
import '../src/index.js';

const T = sym.T;
type V = sym.TensorVariable;
const f32 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float32' });

describe('scan until on gpujs', () => {
  it("runs Theano's doc example and a Newton iteration with its gradient as the CPU does", async () => {
    const maxValue = T.scalar('maxValue', 'float32');
    const [powers] = sym.scan((previous: V, max: V): [V, sym.Until] => [previous.mul(2), sym.until(previous.mul(2).gt(max))], {
      outputsInfo: T.onesLike(maxValue),
      nonSequences: maxValue,
      nSteps: 64,
    });
    const a = T.scalar('a', 'float32');
    // sqrt(a) from 1 until |x^2 - a| < 1e-4
    const [xs] = sym.scan(
      (x: V, b: V): [V, sym.Until] => {
        const next = x.add(b.div(x)).mul(0.5);
        return [next, sym.until(T.lt(T.abs(next.mul(next).sub(b)), 1e-4))];
      },
      { outputsInfo: T.onesLike(a), nonSequences: a, nSteps: 20 },
    );
    const [g] = grad(T.sum(xs), [a]);
    const gpu = sym.function([maxValue, a], [powers, xs, g!], { device: 'gpujs' });
    const cpu = sym.function([maxValue, a], [powers, xs, g!], { device: 'cpu' });
    for (const [m, av] of [[45, 2], [1000, 9]] as const) {
      const ref = cpu.sync(f32(m), f32(av)) as sym.NDArray[];
      for (const got of [gpu.sync(f32(m), f32(av)) as sym.NDArray[], (await gpu(f32(m), f32(av))) as sym.NDArray[]]) {
        expect(got.map((r) => r.shape)).toEqual(ref.map((r) => r.shape));
        got.forEach((r, i) => Array.from(r.data).forEach((e, j) => expect(e).toBeCloseTo(ref[i]!.data[j]!, 4)));
      }
    }
    const [p, x] = gpu.sync(f32(45), f32(2)) as sym.NDArray[];
    expect(p!.toArray()).toEqual([2, 4, 8, 16, 32, 64]);
    expect(x!.shape).toEqual([3]);
  });
});
