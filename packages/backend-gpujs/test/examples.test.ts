// The Theano tutorial's cells and its MLP, in float32, on gpujs (HeadlessGLKernel) and on the CPU backend: same results within float32 tolerances.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import '@sym/opt';
import { grad } from '@sym/grad';
import { MLP, RandomState, gradientUpdatesMomentum, twoGaussianClouds } from '@sym/nn';
import { gpujs } from '../src/index.js';
import { mismatches } from './harness.js';

const T = sym.T;
const saved = sym.config.toJSON();
beforeAll(() => sym.config.set({ floatX: 'float32', device: 'cpu' }));
afterAll(() => sym.config.set(saved));

/** Run `cell` once per device, with config.device set, and return both results. */
async function both<R>(cell: () => Promise<R>): Promise<{ cpu: R; gpujs: R }> {
  sym.config.device = 'cpu';
  const cpu = await cell();
  sym.config.device = 'gpujs';
  try {
    return { cpu, gpujs: await cell() };
  } finally {
    sym.config.device = 'cpu';
  }
}

function close(got: sym.NDArray, want: sym.NDArray, rtol = 1e-5, atol = 1e-6): void {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  expect(mismatches(got.data, want.data, rtol, atol)).toEqual([]);
}

describe('the tutorial on gpujs', () => {
  it('evaluates, compiles, uses defaults, shared variables and updates like the CPU', async () => {
    const r = await both(async () => {
      const foo = T.scalar('foo');
      const bar = foo.pow(2);
      const A = T.matrix('A');
      const x = T.vector('x');
      const b = T.vector('b');
      const linearMix = sym.function([A, x, sym.In(b, { value: [0, 0] })], [T.dot(A, x).add(b), T.sum(A.pow(2))]);
      const sharedVar = sym.shared(sym.array([[1, 2], [3, 4]], { dtype: 'float32' }));
      const f1 = sym.function([], sharedVar.pow(2));
      const subtract = T.matrix('subtract');
      const f2 = sym.function([subtract], sharedVar, { updates: [[sharedVar, sharedVar.sub(subtract)]] });
      const before = await f1();
      await f2([[1, 1], [1, 1]]);
      const num = T.scalar('num');
      const den = T.scalar('den');
      const divide = sym.function([num, den], num.div(den));
      const jac = sym.function([A, x, b], grad(T.dot(A, x).add(b).sum(), A));
      return [
        await bar.eval({ foo: 3 }),
        ...((await linearMix([[1, 2, 3], [4, 5, 6]], [1, 2, 3], [4, 5])) as sym.NDArray[]),
        ...((await linearMix([[1, 2, 3], [4, 5, 6]], [1, 2, 3])) as sym.NDArray[]),
        before,
        await sharedVar.getValueAsync(),
        await f1(),
        await divide(10, 2),
        await divide(0, 0),
        await jac([[9, 8, 7], [4, 5, 6]], [1, 2, 3], [4, 5]),
      ];
    });
    expect(r.gpujs.map(String)).toEqual(r.cpu.map(String));
    r.gpujs.forEach((g, i) => close(g, r.cpu[i]!));
    expect(r.gpujs[0]!.toString()).toBe('9.0');
    expect(r.gpujs.at(-2)!.toString()).toBe('nan');
    expect(gpujs.kernelClasses()).toEqual(['HeadlessGLKernel']);
  });

  it('refuses the tutorial in float64 with the floatX hint', async () => {
    const x = T.vector('x', 'float64');
    const f = sym.function([x], x.mul(2), { device: 'gpujs' });
    await expect(f([1, 2])).rejects.toThrow(/float64.*floatX=float32/s);
  });
});

describe('the tutorial MLP on gpujs', () => {
  async function train(iterations: number): Promise<{ costs: number[]; accuracy: number; W: sym.NDArray }> {
    const rng = new RandomState(0);
    const data = twoGaussianClouds(rng, 200);
    const sizes = [2, 4, 1];
    const W = [rng.randn([sizes[1]!, sizes[0]!]), rng.randn([sizes[2]!, sizes[1]!])];
    const b = [new Array<number>(4).fill(1), [1]];
    const mlp = new MLP(W, b, [T.nnet.sigmoid, T.nnet.sigmoid]);
    const input = T.matrix('mlp_input');
    const target = T.vector('mlp_target');
    const cost = mlp.squaredError(input, target);
    const step = sym.function([input, target], cost, { updates: gradientUpdatesMomentum(cost, mlp.params, 0.01, 0.9) });
    const output = sym.function([input], mlp.output(input));
    const costs: number[] = [];
    for (let i = 0; i < iterations; i++) costs.push((await step(data.X, data.y)).item());
    const out = await output(data.X);
    let hits = 0;
    for (let i = 0; i < out.size; i++) if (out.data[i]! > 0.5 === (data.y.data[i] === 1)) hits++;
    return { costs, accuracy: hits / out.size, W: await mlp.params[0]!.getValueAsync() };
  }

  it('trains 30 momentum steps to the CPU costs, accuracy and weights', async () => {
    const r = await both(() => train(30));
    expect(r.gpujs.costs).toHaveLength(30);
    expect(mismatches(r.gpujs.costs, r.cpu.costs, 1e-4, 1e-5)).toEqual([]);
    expect(r.gpujs.costs.at(-1)!).toBeLessThan(r.gpujs.costs[0]!);
    expect(Math.abs(r.gpujs.accuracy - r.cpu.accuracy)).toBeLessThanOrEqual(1 / 200);
    close(r.gpujs.W, r.cpu.W, 1e-4, 1e-5);
  });
});
