/**
 * The user's picture of the product on the GPU: the Theano tutorial's cells
 * and the tutorial's MLP (the examples/mlp training run itself), in float32,
 * against the CPU running the same programs in float32.
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
import { setup, TUTORIAL } from '../../../examples/mlp/src/train.js';
import { expectClose, type Tol } from './compare.js';
import { T, sym, webgpu } from './setup.js';

const TOL: Tol = { rtol: 1e-5, atol: 1e-6 };

/** Run `build` (which compiles with config.device) on each device and return both results. */
async function onBoth<R>(build: () => Promise<R>): Promise<{ gpu: R; cpu: R }> {
  const saved = sym.config.device;
  try {
    sym.config.device = 'webgpu';
    const gpu = await build();
    sym.config.device = 'cpu';
    const cpu = await build();
    return { gpu, cpu };
  } finally {
    sym.config.device = saved;
  }
}

describe('the Theano tutorial, float32, on the GPU', () => {
  it('In [3]-[7]: pow, eval, linear_mix with a default', async () => {
    const { gpu, cpu } = await onBoth(async () => {
      const foo = T.scalar('foo');
      const bar = foo.pow(2);
      const f = sym.function([foo], bar);
      const A = T.matrix('A');
      const x = T.vector('x');
      const b = T.vector('b');
      const linearMix = sym.function([A, x, sym.In(b, { value: sym.array([0, 0], { dtype: 'float32' }) })], [T.dot(A, x).add(b), T.sum(A.pow(2))]);
      const a = sym.array([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' });
      const v = sym.array([1, 2, 3], { dtype: 'float32' });
      return [await f(3), await bar.eval({ foo: 3 }), ...(await linearMix(a, v, sym.array([4, 5], { dtype: 'float32' }))), ...(await linearMix(a, v))];
    });
    expect(sym.reprValue(gpu)).toBe(sym.reprValue(cpu));
    expect(sym.reprValue(gpu[2]!)).toBe('array([18., 37.], dtype=float32)');
  });

  it('In [10]-[13]: shared variables, get/set, updates on the device', async () => {
    const { gpu, cpu } = await onBoth(async () => {
      const shared = sym.shared(sym.array([[1, 2], [3, 4]], { dtype: 'float32' }));
      shared.setValue(sym.array([[3, 4], [2, 1]], { dtype: 'float32' }));
      const squared = sym.function([], shared.pow(2));
      const first = await squared();
      const subtract = T.matrix('subtract');
      const f = sym.function([subtract], shared, { updates: [[shared, shared.sub(subtract)]] });
      const before = await f(sym.array([[1, 1], [1, 1]], { dtype: 'float32' }));
      return [first, before, await shared.getValueAsync(), await squared()];
    });
    expect(sym.reprValue(gpu)).toBe(sym.reprValue(cpu));
    expect(gpu[2]!.toString()).toBe('[[2. 3.]\n [1. 0.]]');
  });

  it('In [14]-[16]: gradients, including the logistic function, match the CPU', async () => {
    const { gpu, cpu } = await onBoth(async () => {
      const x = T.vector('x');
      const w = T.vector('w');
      const s = T.sigmoid(T.dot(x, w));
      const cost = T.sum(x.pow(2)).add(s);
      const [gx, gw] = grad(cost, [x, w]);
      const f = sym.function([x, w], [cost, gx!, gw!]);
      return f(sym.array([1, -2, 0.5], { dtype: 'float32' }), sym.array([0.3, 0.1, -2], { dtype: 'float32' }));
    });
    gpu.forEach((g, i) => expectClose(g, cpu[i]!, TOL, `output ${i}`));
  });

  it('In [17]-[18]: 0/0 is nan; DebugMode raises on it, naming the op, on the GPU too', async () => {
    const num = T.scalar('num');
    const den = T.scalar('den');
    const divide = sym.function([num, den], num.div(den), { device: 'webgpu' });
    expect((await divide(10, 2)).toString()).toBe('5.0');
    expect((await divide(0, 0)).toString()).toBe('nan');
    const debug = sym.function([num, den], num.div(den), { mode: 'DebugMode', device: 'webgpu' });
    await expect(debug(0, 0)).rejects.toThrow(/nan/i);
  });
});

describe('the tutorial MLP (examples/mlp), float32', () => {
  it(`trains ${TUTORIAL.iterations} iterations on the GPU with the CPU's costs, accuracies and outputs`, async () => {
    const { gpu, cpu } = await onBoth(async () => {
      const run = setup(TUTORIAL);
      const results = [];
      for (let i = 0; i < TUTORIAL.iterations; i++) results.push(await run.step());
      return results;
    });
    const tol: Tol = { rtol: 1e-4, atol: 1e-5 };
    gpu.forEach((g, i) => {
      const c = cpu[i]!;
      expect(Math.abs(g.cost - c.cost), `cost of iteration ${i + 1}`).toBeLessThanOrEqual(tol.atol + tol.rtol * Math.abs(c.cost));
      expect(g.accuracy, `accuracy of iteration ${i + 1}`).toBeCloseTo(c.accuracy, 2);
      expectClose(g.output, c.output, tol, `output of iteration ${i + 1}`);
    });
    expect(webgpu.describe().device).toMatch(/WebGPU/);
  });
});
