import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { adadelta, adagrad, adam, gradientUpdatesMomentum, momentum, nesterovMomentum, rmsprop, sgd, type Update } from './updates.js';
import { START, TARGET, gradAt, problem } from '../test/quadratic.js';

const T = sym.T;

async function run(w: sym.TensorSharedVariable, cost: sym.TensorVariable, updates: Update[], steps: number): Promise<number[][]> {
  const f = sym.function([], cost, { updates });
  const seen: number[][] = [];
  for (let i = 0; i < steps; i++) {
    await f();
    seen.push(Array.from(w.getValue().data));
  }
  return seen;
}

function expectClose(got: number[][], want: number[][]): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, s) => row.forEach((v, i) => expect(v).toBeCloseTo(want[s]![i]!, 13)));
}

describe('updates', () => {
  it('gradientUpdatesMomentum moves by the previous step, then mixes the gradient into the step', async () => {
    const { w, cost } = problem();
    const updates = gradientUpdatesMomentum(cost, [w], 0.1, 0.9);
    expect(updates.length).toBe(2);
    expect(updates[1]![0].broadcastable).toEqual(w.broadcastable);
    const got = await run(w, cost, updates, 4);
    let p = [...START];
    let step = [0, 0, 0];
    const want: number[][] = [];
    for (let s = 0; s < 4; s++) {
      const g = gradAt(p);
      p = p.map((v, i) => v - 0.1 * step[i]!);
      step = step.map((v, i) => 0.9 * v + 0.1 * g[i]!);
      want.push([...p]);
    }
    // The first call moves nothing: the step starts at zero.
    expect(got[0]).toEqual(START);
    expectClose(got, want);
  });

  it('gradientUpdatesMomentum keeps a broadcastable bias broadcastable', async () => {
    const b = sym.shared(sym.array([[1], [2]], { dtype: 'float64' }), { name: 'b', broadcastable: [false, true] });
    const x = T.matrix('x');
    const cost = T.sum(x.add(b).pow(2));
    const f = sym.function([x], cost, { updates: gradientUpdatesMomentum(cost, [b], 0.5, 0) });
    await f([[0, 0, 0], [1, 1, 1]]);
    await f([[0, 0, 0], [1, 1, 1]]);
    // momentum 0: one step behind plain descent, grad = 2 * sum over columns of (x + b) = [6, 18]
    expect(b.getValue().toArray()).toEqual([[1 - 0.5 * 6], [2 - 0.5 * 18]]);
  });

  it('validates momentum and the learning rate with clear errors', () => {
    const { w, cost } = problem();
    expect(() => gradientUpdatesMomentum(cost, [w], 0.1, 1)).toThrow(/gradientUpdatesMomentum: momentum must be at least 0 and less than 1 \(0 is plain gradient descent\), got 1/);
    expect(() => gradientUpdatesMomentum(cost, [w], 0.1, -0.1)).toThrow(/momentum must be at least 0 and less than 1.*got -0.1/);
    expect(() => gradientUpdatesMomentum(cost, [w], 0, 0.5)).toThrow(/learningRate must be a positive number, got 0/);
    expect(() => gradientUpdatesMomentum(cost, [], 0.1, 0.5)).toThrow(/params must be a non-empty list of shared variables/);
    expect(() => gradientUpdatesMomentum(cost, [T.vector('v') as never], 0.1, 0.5)).toThrow(/params\[0\] must be a shared variable, got v/);
    expect(() => sgd(w.sum().add(T.vector('q')), [w], 0.1)).toThrow(/sgd: cost must be a scalar/);
  });

  it('sgd takes plain gradient steps', async () => {
    const { w, cost } = problem();
    const got = await run(w, cost, sgd(cost, [w], 0.1), 3);
    let p = [...START];
    const want: number[][] = [];
    for (let s = 0; s < 3; s++) {
      const g = gradAt(p);
      p = p.map((v, i) => v - 0.1 * g[i]!);
      want.push([...p]);
    }
    expectClose(got, want);
  });

  it("momentum is Lasagne's (classical): v = m v - lr g, p = p + v, so the first step moves", async () => {
    const { w, cost } = problem();
    const got = await run(w, cost, momentum(cost, [w], 0.05, 0.8), 4);
    let p = [...START];
    let v = [0, 0, 0];
    const want: number[][] = [];
    for (let s = 0; s < 4; s++) {
      const g = gradAt(p);
      v = v.map((vi, i) => 0.8 * vi - 0.05 * g[i]!);
      p = p.map((pi, i) => pi + v[i]!);
      want.push([...p]);
    }
    expectClose(got, want);
    expect(() => momentum(cost, [w], 0.1, 1)).toThrow(/momentum: momentum must be at least 0 and less than 1, got 1/);
  });

  it('nesterovMomentum follows v = m v - lr g, p = p + m v - lr g', async () => {
    const { w, cost } = problem();
    const got = await run(w, cost, nesterovMomentum(cost, [w], 0.05, 0.8), 4);
    let p = [...START];
    let v = [0, 0, 0];
    const want: number[][] = [];
    for (let s = 0; s < 4; s++) {
      const g = gradAt(p);
      v = v.map((vi, i) => 0.8 * vi - 0.05 * g[i]!);
      p = p.map((pi, i) => pi + 0.8 * v[i]! - 0.05 * g[i]!);
      want.push([...p]);
    }
    expectClose(got, want);
  });

  it('adam follows Algorithm 1 with bias-corrected step sizes', async () => {
    const { w, cost } = problem();
    const [lr, b1, b2, eps] = [0.1, 0.9, 0.999, 1e-8];
    const got = await run(w, cost, adam(cost, [w], { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps }), 5);
    let p = [...START];
    let m = [0, 0, 0];
    let v = [0, 0, 0];
    const want: number[][] = [];
    for (let t = 1; t <= 5; t++) {
      const g = gradAt(p);
      m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]!);
      v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i]! * g[i]!);
      const a = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      p = p.map((pi, i) => pi - (a * m[i]!) / (Math.sqrt(v[i]!) + eps));
      want.push([...p]);
    }
    // The first Adam step moves each coordinate by about lr, whatever the gradient's scale.
    got[0]!.forEach((v, i) => expect(Math.abs(v - START[i]!)).toBeCloseTo(lr, 6));
    expectClose(got, want);
    expect(() => adam(cost, [w], { beta1: 1 })).toThrow(/adam: beta1 must be at least 0 and less than 1, got 1/);
  });

  it("adagrad, rmsprop and adadelta follow Lasagne's formulas (lstm.py's adadelta)", async () => {
    const [lr, rho, eps] = [0.1, 0.8, 1e-6];
    const cases: [string, (c: sym.TensorVariable, w: sym.TensorSharedVariable) => Update[], (p: number[], s: number[][]) => number[]][] = [
      [
        'adagrad',
        (c, w) => adagrad(c, [w], { learningRate: lr, epsilon: eps }),
        (p, [a]) => {
          const g = gradAt(p);
          g.forEach((gi, i) => (a![i] = a![i]! + gi * gi));
          return p.map((pi, i) => pi - (lr * g[i]!) / Math.sqrt(a![i]! + eps));
        },
      ],
      [
        'rmsprop',
        (c, w) => rmsprop(c, [w], { learningRate: lr, rho, epsilon: eps }),
        (p, [a]) => {
          const g = gradAt(p);
          g.forEach((gi, i) => (a![i] = rho * a![i]! + (1 - rho) * gi * gi));
          return p.map((pi, i) => pi - (lr * g[i]!) / Math.sqrt(a![i]! + eps));
        },
      ],
      [
        'adadelta',
        (c, w) => adadelta(c, [w], { learningRate: 1, rho, epsilon: eps }),
        (p, [a, d]) => {
          const g = gradAt(p);
          g.forEach((gi, i) => (a![i] = rho * a![i]! + (1 - rho) * gi * gi));
          const u = g.map((gi, i) => (gi * Math.sqrt(d![i]! + eps)) / Math.sqrt(a![i]! + eps));
          u.forEach((ui, i) => (d![i] = rho * d![i]! + (1 - rho) * ui * ui));
          return p.map((pi, i) => pi - u[i]!);
        },
      ],
    ];
    for (const [name, make, step] of cases) {
      const { w, cost } = problem();
      const got = await run(w, cost, make(cost, w), 5);
      let p = [...START];
      const state = [
        [0, 0, 0],
        [0, 0, 0],
      ];
      const want: number[][] = [];
      for (let t = 0; t < 5; t++) want.push((p = step(p, state)));
      expectClose(got, want);
      expect(got[4]!.some((v, i) => v !== START[i]), name).toBe(true);
    }
    const { w, cost } = problem();
    expect(() => rmsprop(cost, [w], { rho: 1 })).toThrow(/rmsprop: rho must be at least 0 and less than 1, got 1/);
    expect(() => adagrad(cost, [w], { rho: 0.5 } as never)).toThrow(/adagrad: unknown option "rho"; the options are learningRate, epsilon/);
    expect(() => adadelta(cost, [w], { learning_rate: 1 } as never)).toThrow(/did you mean learningRate\?/);
    expect(() => adadelta(cost, [w], { epsilon: 1e-50 })).toThrow(/epsilon must be a positive number that float32 holds, got 1e-50/);
  });
});

describe('updates of float16 parameters', () => {
  /** Build under floatX=float16, as a user of float16 would, then restore floatX. */
  async function withFloat16<R>(body: () => Promise<R>): Promise<R> {
    const old = sym.config.floatX;
    sym.config.floatX = 'float16';
    try {
      return await body();
    } finally {
      sym.config.floatX = old;
    }
  }
  const f16 = (v: number): number => sym.castScalar(v, 'float16');

  it('adam stays finite where the gradient is zero (1e-8 is 0 in float16)', async () => {
    const w = await withFloat16(async () => {
      const w = sym.shared(sym.array([1, 2, 3], { dtype: 'float16' }), { name: 'w' });
      const x = T.vector('x');
      const cost = T.sum(w.mul(x));
      const updates = adam(cost, [w]);
      // The step counter and the moments are float32; the parameter stays float16.
      expect(updates.map(([s]) => s.dtype)).toEqual(['float32', 'float32', 'float32', 'float16']);
      await sym.function([x], cost, { updates })([0, 1, 2]);
      return w;
    });
    // The first step moves every coordinate with a gradient by about learningRate (0.001), then rounds to float16.
    expect(Array.from(w.getValue().data)).toEqual([1, f16(2 - 0.001), f16(3 - 0.001)]);
  });

  it('adam steps by the learning rate when the gradient squared overflows float16', async () => {
    const w = await withFloat16(async () => {
      const w = sym.shared(sym.array([1], { dtype: 'float16' }), { name: 'w' });
      // grad = 300, grad^2 = 90000 > 65504, the largest float16
      const cost = T.sum(w.mul(300));
      await sym.function([], cost, { updates: adam(cost, [w], { learningRate: 0.01 }) })();
      return w;
    });
    expect(w.getValue().data[0]).toBe(f16(0.99));
  });

  it('every optimizer follows its float64 run to float16 precision', async () => {
    const rules: [string, (cost: sym.TensorVariable, w: sym.TensorSharedVariable) => Update[]][] = [
      ['gradientUpdatesMomentum', (c, w) => gradientUpdatesMomentum(c, [w], 0.1, 0.9)],
      ['sgd', (c, w) => sgd(c, [w], 0.1)],
      ['nesterovMomentum', (c, w) => nesterovMomentum(c, [w], 0.05, 0.8)],
      ['momentum', (c, w) => momentum(c, [w], 0.05, 0.8)],
      ['adam', (c, w) => adam(c, [w], { learningRate: 0.1 })],
    ];
    for (const [name, rule] of rules) {
      const { w: w64, cost: cost64 } = problem();
      const want = (await run(w64, cost64, rule(cost64, w64), 6)).at(-1)!;
      const got = await withFloat16(async () => {
        const w = sym.shared(sym.array(START, { dtype: 'float16' }), { name: 'w' });
        const cost = T.sum(w.sub(sym.array(TARGET, { dtype: 'float16' })).pow(2));
        return (await run(w, cost, rule(cost, w), 6)).at(-1)!;
      });
      // A float16 ulp is 2^-10 at 1: six steps each rounded once stay within a few of them.
      got.forEach((v, i) => expect(Math.abs(v - want[i]!), `${name}[${i}]: ${v} vs ${want[i]}`).toBeLessThan(4e-3));
    }
  });

  it('adam refuses an epsilon that is 0 in the dtype it is added in', () => {
    const w = sym.shared(sym.array([1], { dtype: 'float32' }), { name: 'w' });
    expect(() => adam(w.sum(), [w], { epsilon: 1e-50 })).toThrow(/adam: epsilon 1e-50 rounds to 0 in float32/);
  });
});
