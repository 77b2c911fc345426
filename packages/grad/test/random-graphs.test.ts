/**
 * Gradient fuzzing: random graphs of many ops (see random-graphs.ts), each
 * gradient compiled with every rewrite (FAST_RUN) and with few
 * (FAST_COMPILE) against central differences of the cost, and a
 * Hessian-vector product on some. Fixed seeds, so a failure names a graph
 * to rebuild with `generate(seed)`; thousands more ran once when this was
 * written (they found small_dot_elemwise's dot(t, t)).
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, seededRandom } from '../src/index.js';
import { generate } from './random-graphs.js';

const T = sym.T;
type A = sym.NDArray;

function direction(shape: readonly number[], rng: () => number): A {
  const d = new Float64Array(shape.reduce((a, b) => a * b, 1)).map(() => rng() * 2 - 1);
  return new sym.NDArray(d, [...shape], 'float64');
}
const dot = (a: readonly A[], b: readonly A[]) => a.reduce((s, x, i) => s + Array.from(x.data, Number).reduce((t, y, j) => t + y * Number(b[i]!.data[j]), 0), 0);
const step = (x: readonly A[], e: number, v: readonly A[]) => x.map((a, i) => new sym.NDArray(Float64Array.from(a.data, (y, j) => Number(y) + e * Number(v[i]!.data[j])), [...a.shape], 'float64'));
const scalar = async (f: sym.SymFunction<A>, args: readonly A[]) => Number(((await f(...args)) as A).data[0]);
const EPS = 1e-5;

describe('gradients of random graphs agree with finite differences', () => {
  const seen = new Set<string>();
  let checked = 0;
  for (let seed = 0; seed < 60; seed++) {
    it(`seed ${seed}`, async () => {
      const g = generate(seed, { maxNodes: 14 });
      const { inputs, values, cost } = g;
      const graph = g.log.join('; ');
      if (g.kinks.length) {
        const at = (await sym.function(inputs, g.kinks.map((k) => k.expr), { mode: 'FAST_COMPILE', onUnusedInput: 'ignore' })(...values)) as A[];
        if (g.kinks.some((k, i) => !(k.margin(at[i]!) > 0.03))) return;
      }
      const fc = sym.function(inputs, cost, { mode: 'FAST_COMPILE', onUnusedInput: 'ignore' });
      const c0 = await scalar(fc, values);
      if (!(Math.abs(c0) < 1e6)) return;
      expect(await scalar(sym.function(inputs, cost, { mode: 'FAST_RUN', onUnusedInput: 'ignore' }), values), graph).toBeCloseTo(c0, 9);
      const gs = grad(cost, inputs, { disconnectedInputs: 'ignore' });
      const rng = seededRandom(seed + 99);
      const dirs = [0, 1].map(() => values.map((v) => direction(v.shape, rng)));
      const numeric = await Promise.all(dirs.map(async (d) => ((await scalar(fc, step(values, EPS, d))) - (await scalar(fc, step(values, -EPS, d)))) / (2 * EPS)));
      for (const mode of ['FAST_RUN', 'FAST_COMPILE'] as const) {
        const analytic = (await sym.function(inputs, gs, { mode, onUnusedInput: 'ignore' })(...values)) as A[];
        const scale = Math.max(1, ...analytic.flatMap((a) => Array.from(a.data, (x) => Math.abs(Number(x)))));
        dirs.forEach((d, k) => expect(Math.abs(dot(analytic, d) - numeric[k]!) / scale, `${mode}, direction ${k}: ${graph}`).toBeLessThan(1e-5));
      }
      if (seed % 3 === 0) {
        // second order: the gradient of grad . v, against differences of the gradient
        const [v, w] = [0, 1].map(() => values.map((x) => direction(x.shape, rng)));
        const gv = gs.map((gi, i) => T.sum(T.mul(gi, T.constant(v![i]!)))).reduce((a, b) => T.add(a, b));
        const hv = (await sym.function(inputs, grad(gv, inputs, { disconnectedInputs: 'ignore' }), { mode: 'FAST_RUN', onUnusedInput: 'ignore' })(...values)) as A[];
        const gf = sym.function(inputs, gs, { mode: 'FAST_COMPILE', onUnusedInput: 'ignore' });
        const num = (dot((await gf(...step(values, EPS, w!))) as A[], v!) - dot((await gf(...step(values, -EPS, w!))) as A[], v!)) / (2 * EPS);
        const scale = Math.max(1, ...hv.flatMap((a) => Array.from(a.data, (x) => Math.abs(Number(x)))));
        expect(Math.abs(dot(hv, w!) - num) / scale, `second order: ${graph}`).toBeLessThan(1e-4);
      }
      checked++;
      for (const line of g.log.slice(inputs.length)) seen.add(line.split(/[ (:]/)[0]!);
    });
  }
  it('checked most seeds, and the graphs used every kind of op', () => {
    expect(checked).toBeGreaterThan(35);
    for (const op of ['dot', 'get', 'concatenate', 'scan', 'opFromGraph', 'sort', 'topk', 'cumsum', 'cumprod', 'softmax', 'logsumexp', 'batchedDot', 'tensordot', 'take', 'setSubtensor', 'incSubtensor', 'reshape', 'dimshuffle', 'min', 'minimum', 'switch', 'prod', 'gemm', 'categoricalCrossentropy']) {
      expect(seen.has(op), op).toBe(true);
    }
  });
});
