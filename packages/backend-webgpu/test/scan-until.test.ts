/**
 * Scans that end on a condition (`sym.until`) on WebGPU: the loop runs on the
 * host, its step one program called once per step until the condition
 * holds; the gradient's programs are made for the count that ran. Values and
 * gradients as the CPU's.
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
import { T, both, sym } from './setup.js';

type V = sym.TensorVariable;
const f32 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float32' });

describe('scan until on WebGPU', () => {
  it("runs Theano's doc example and a Newton iteration with its gradient as the CPU does", async () => {
    const maxValue = T.scalar('maxValue');
    const [powers] = sym.scan((previous: V, max: V): [V, sym.Until] => [previous.mul(2), sym.until(previous.mul(2).gt(max))], {
      outputsInfo: T.onesLike(maxValue),
      nonSequences: maxValue,
      nSteps: 64,
    });
    const a = T.scalar('a');
    // sqrt(a) from 1 until |x^2 - a| < 1e-4
    const [xs] = sym.scan(
      (x: V, b: V): [V, sym.Until] => {
        const next = x.add(b.div(x)).mul(0.5);
        return [next, sym.until(T.lt(T.abs(next.mul(next).sub(b)), 1e-4))];
      },
      { outputsInfo: T.onesLike(a), nonSequences: a, nSteps: 20 },
    );
    const [g] = grad(T.sum(xs), [a]);
    for (const [m, av] of [[45, 2], [1000, 9]] as const) {
      const { gpu, ref } = await both([maxValue, a], [powers, xs, g!], [f32(m), f32(av)]);
      expect(gpu.map((r) => r.shape)).toEqual(ref.map((r) => r.shape));
      gpu.forEach((r, i) => Array.from(r.data).forEach((e, j) => expect(e).toBeCloseTo(ref[i]!.data[j]!, 4)));
    }
    const { gpu } = await both([maxValue, a], [powers, xs], [f32(45), f32(2)]);
    expect(gpu[0]!.toArray()).toEqual([2, 4, 8, 16, 32, 64]);
    expect(gpu[1]!.shape).toEqual([3]);
  });
});
