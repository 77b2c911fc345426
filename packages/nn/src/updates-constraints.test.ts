import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { Dense } from './dense.js';
import { adam, adamax, normConstraint, sgd } from './updates.js';
import { START, TARGET, gradAt, problem } from '../test/quadratic.js';

const T = sym.T;
const values = (v: sym.TensorSharedVariable): number[] => Array.from(v.getValue().data);

/** Lasagne's adamax written out in float64: the positions after each of `steps` steps from START. */
function adamaxReference(steps: number, lr: number, b1: number, b2: number, eps: number): number[][] {
  let p = [...START];
  let m = [0, 0, 0];
  let u = [0, 0, 0];
  const seen: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const g = gradAt(p);
    m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]!);
    u = u.map((ui, i) => Math.max(b2 * ui, Math.abs(g[i]!)));
    const a = lr / (1 - b1 ** t);
    p = p.map((pi, i) => pi - (a * m[i]!) / (u[i]! + eps));
    seen.push([...p]);
  }
  return seen;
}

describe('adamax', () => {
  it("follows Lasagne's formula step by step in float64 (defaults: lr 0.002, beta1 0.9, beta2 0.999, eps 1e-8)", async () => {
    for (const [options, [lr, b1, b2, eps]] of [
      [{}, [0.002, 0.9, 0.999, 1e-8]],
      [{ learningRate: 0.1, beta1: 0.8, beta2: 0.5, epsilon: 1e-4 }, [0.1, 0.8, 0.5, 1e-4]],
    ] as const) {
      const { w, cost } = problem();
      const updates = adamax(cost, [w], options);
      // the step counter, then each param's m, u and new value
      expect(updates.map(([s]) => s.name)).toEqual(['adamax.t', 'w.adamax.m', 'w.adamax.u', 'w']);
      const f = sym.function([], cost, { updates });
      const want = adamaxReference(6, lr, b1, b2, eps);
      for (let s = 0; s < 6; s++) {
        await f();
        values(w).forEach((v, i) => expect(v, `step ${s + 1}, w[${i}]`).toBeCloseTo(want[s]![i]!, 14));
      }
    }
  });

  it('the first step moves each coordinate by the learning rate, whatever the gradient', async () => {
    const { w, cost } = problem();
    await sym.function([], cost, { updates: adamax(cost, [w], { learningRate: 0.1 }) })();
    values(w).forEach((v, i) => expect(Math.abs(v - START[i]!)).toBeCloseTo(0.1, 6));
  });

  it('float32 parameters follow the float64 reference to float32 precision, their state float32', async () => {
    const w = sym.shared(sym.array(START, { dtype: 'float32' }), { name: 'w' });
    const cost = T.sum(w.sub(sym.array(TARGET, { dtype: 'float32' })).pow(2));
    const updates = adamax(cost, [w], { learningRate: 0.1 });
    expect(updates.map(([s]) => s.dtype)).toEqual(['float32', 'float32', 'float32', 'float32']);
    const f = sym.function([], cost, { updates });
    const want = adamaxReference(8, 0.1, 0.9, 0.999, 1e-8);
    for (let s = 0; s < 8; s++) {
      await f();
      values(w).forEach((v, i) => expect(Math.abs(v - want[s]![i]!), `step ${s + 1}, w[${i}]`).toBeLessThan(1e-6));
    }
  });

  it('takes the gradients in place of the cost, and a shared learning rate', async () => {
    const a = problem();
    const b = problem();
    const lr = sym.shared(0.05, { name: 'lr' });
    await sym.function([], a.cost, { updates: adamax(a.cost, [a.w], { learningRate: 0.05 }) })();
    const [g] = (await import('@sym/grad')).grad(b.cost, [b.w]);
    await sym.function([], b.cost, { updates: adamax([g!], [b.w], { learningRate: lr }) })();
    expect(values(b.w)).toEqual(values(a.w));
  });

  it('refuses what adam refuses, naming adamax', () => {
    const { w, cost } = problem();
    expect(() => adamax(cost, [w], { beta2: 1 })).toThrow(/adamax: beta2 must be at least 0 and less than 1, got 1/);
    expect(() => adamax(cost, [w], { learning_rate: 0.1 } as never)).toThrow(/adamax: unknown option "learning_rate".*did you mean learningRate\?/);
    expect(() => adamax(cost, [w], { learningRate: 0 })).toThrow(/adamax: learningRate must be a positive number, got 0/);
    const w32 = sym.shared(sym.array([1], { dtype: 'float32' }), { name: 'w32' });
    expect(() => adamax(w32.sum(), [w32], { epsilon: 1e-50 })).toThrow(/adamax: epsilon 1e-50 rounds to 0 in float32/);
    // adam's own messages still name adam after the two share their checks
    expect(() => adam(w32.sum(), [w32], { epsilon: 1e-50 })).toThrow(/^adam: epsilon 1e-50 rounds to 0 in float32/);
  });
});

/** norms along `axes` of a nested array, as NumPy's sqrt(sum(x**2, axis=axes, keepdims=True)), returned per element. */
function referenceConstraint(x: sym.NDArray, axes: number[], maxNorm: number, eps: number): number[] {
  const shape = x.shape;
  const keyOf = (flat: number): string => {
    const idx: number[] = [];
    for (let d = shape.length - 1, r = flat; d >= 0; d--) {
      idx[d] = r % shape[d]!;
      r = Math.floor(r / shape[d]!);
    }
    return idx.map((v, d) => (axes.includes(d) ? '*' : v)).join(',');
  };
  const sums = new Map<string, number>();
  x.data.forEach((v, i) => sums.set(keyOf(i), (sums.get(keyOf(i)) ?? 0) + Number(v) ** 2));
  return Array.from(x.data, (v, i) => {
    const norm = Math.sqrt(sums.get(keyOf(i))!);
    return Number(v) * (Math.min(norm, maxNorm) / (norm + eps));
  });
}

describe('normConstraint', () => {
  const rng = new sym.RandomState(3);
  const draw = (shape: number[]) => rng.normal(shape, { std: 2, dtype: 'float64' });

  it("rescales along Lasagne's default axes: [0] for a matrix, all but the first for 3 to 5 dimensions", async () => {
    for (const [shape, axes] of [
      [[4, 3], [0]],
      [[3, 2, 5], [1, 2]],
      [[3, 2, 2, 3], [1, 2, 3]],
      [[2, 2, 2, 2, 3], [1, 2, 3, 4]],
    ] as [number[], number[]][]) {
      const value = draw(shape);
      const x = T.tensor('float64', shape.map(() => false), 'x');
      const [got] = await sym.function([x], [normConstraint(x, 1.5)])(value);
      expect(got!.shape).toEqual(shape);
      const want = referenceConstraint(value, axes, 1.5, 1e-7);
      Array.from(got!.data).forEach((v, i) => expect(v, `${JSON.stringify(shape)}[${i}]`).toBeCloseTo(want[i]!, 14));
    }
  });

  it('takes normAxes (negative ones too) and epsilon; a slice under the limit is kept up to norm / (norm + epsilon)', async () => {
    const value = draw([3, 4]);
    const x = T.matrix('x');
    const [byRow, byNegative, small] = await sym.function([x], [normConstraint(x, 2, { normAxes: [1] }), normConstraint(x, 2, { normAxes: [-1] }), normConstraint(x, 100, { normAxes: [0, 1], epsilon: 1e-3 })])(value);
    const want = referenceConstraint(value, [1], 2, 1e-7);
    Array.from(byRow!.data).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 14));
    expect(Array.from(byNegative!.data)).toEqual(Array.from(byRow!.data));
    const total = Math.hypot(...Array.from(value.data, Number));
    Array.from(small!.data).forEach((v, i) => expect(v).toBeCloseTo(Number(value.data[i]) * (total / (total + 1e-3)), 14));
    // every row of the constrained matrix has a norm of at most 2
    const rows = byRow!.toArray() as number[][];
    rows.forEach((r) => expect(Math.hypot(...r)).toBeLessThanOrEqual(2 + 1e-12));
  });

  it("keeps a Dense layer's incoming weights under the limit when applied to its new value in the updates", async () => {
    const make = () => Dense.create(3, 2, { rng: new sym.RandomState(0), name: 'd' });
    const [dense, free] = [make(), make()];
    const x = T.matrix('x');
    const y = T.matrix('y');
    const step = (layer: Dense, constrained: boolean) => {
      const cost = T.sum(T.sqr(layer.output(x).sub(y)));
      // Lasagne's updates[W] = norm_constraint(updates[W], max_norm), on sym's list of pairs
      const updates = sgd(cost, [...layer.params], 0.5).map(([v, e]): [sym.TensorSharedVariable, sym.TensorVariable] => [v, constrained && v === layer.W ? normConstraint(e, 0.5) : e]);
      return sym.function([x, y], cost, { updates });
    };
    await step(dense, true)([[10, -4, 3]], [[50, -50]]);
    await step(free, false)([[10, -4, 3]], [[50, -50]]);
    // the constrained W is the unconstrained step's W rescaled: one norm per output unit, down each column of the (nInput, nOutput) W
    const want = referenceConstraint(free.W.getValue().astype('float64'), [0], 0.5, 1e-7);
    Array.from(dense.W.getValue().data).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    const W = dense.W.getValue().toArray() as number[][];
    const unconstrained = free.W.getValue().toArray() as number[][];
    for (let j = 0; j < 2; j++) {
      expect(Math.hypot(...unconstrained.map((r) => r[j]!))).toBeGreaterThan(1);
      expect(Math.hypot(...W.map((r) => r[j]!))).toBeCloseTo(0.5, 5);
    }
    expect(Array.from(dense.b.getValue().data)).toEqual(Array.from(free.b.getValue().data));
  });

  it('keeps float32 float32 and refuses a bad tensor, maxNorm or normAxes, naming them', () => {
    const w = T.fmatrix('w');
    expect(normConstraint(w, 1).dtype).toBe('float32');
    expect(() => normConstraint(T.vector('v'), 1)).toThrow(/normConstraint: tensorVar v has 1 dimensions; the default normAxes are for 2 \(a Dense's W\) to 5 \(convolution filters\): give normAxes/);
    expect(normConstraint(T.vector('v'), 1, { normAxes: [0] }).ndim).toBe(1);
    expect(() => normConstraint(w, 0)).toThrow(/normConstraint: maxNorm must be a positive number, got 0/);
    expect(() => normConstraint(w, 1, { normAxes: [2] })).toThrow(/normConstraint: normAxes must be a non-empty list of axes of tensorVar w \(2 dimensions: integers in \[-2, 2\)\), got \[2\]/);
    expect(() => normConstraint(w, 1, { normAxes: [0, -2] })).toThrow(/normConstraint: normAxes \[0,-2\] names an axis twice/);
    expect(() => normConstraint(T.imatrix('i'), 1)).toThrow(/normConstraint: tensorVar must be a float tensor, got i of type TensorType\(int32, matrix\)/);
    expect(() => normConstraint(w, 1, { axes: [0] } as never)).toThrow(/normConstraint: unknown option "axes"; the options are normAxes, epsilon/);
  });
});
