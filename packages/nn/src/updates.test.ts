import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { adam, gradientUpdatesMomentum, nesterovMomentum, sgd, type Update } from './updates.js';

const T = sym.T;
const TARGET = [1, -2, 0.5];
const START = [0.3, 0.7, -1.1];

/** cost = sum((w - target)^2), so grad = 2 (w - target): every step can be written out by hand. */
function problem() {
  const w = sym.shared(sym.array(START, { dtype: 'float64' }), { name: 'w' });
  const cost = T.sum(w.sub(sym.array(TARGET, { dtype: 'float64' })).pow(2));
  return { w, cost };
}
const gradAt = (w: number[]): number[] => w.map((v, i) => 2 * (v - TARGET[i]!));

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
});
