import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, verifyGrad } from '../src/index.js';
import { randomPoint, seededRandom } from './helpers.js';

const T = sym.T;
type V = sym.TensorVariable;

async function check(f: (...xs: V[]) => V, shapes: number[][], opts: { seed?: number; bc?: boolean[][]; second?: boolean; domain?: [number, number] } = {}) {
  const rng = seededRandom(opts.seed ?? 3);
  const pts = shapes.map((s) => randomPoint(rng, s, opts.domain ?? [-1.5, 1.5]));
  const r = await verifyGrad(f, pts, { broadcastable: opts.bc });
  expect(r.maxAbsErr).toBeLessThan(1e-4);
  if (opts.second) {
    for (let i = 0; i < shapes.length; i++) {
      const r2 = await verifyGrad((...xs) => grad(f(...xs).sum(), xs[i]!, { disconnectedInputs: 'ignore' }), pts, { broadcastable: opts.bc });
      expect(r2.maxAbsErr).toBeLessThan(1e-4);
    }
  }
}

describe('reductions', () => {
  const shape = [2, 3, 4];
  for (const axis of [null, 0, 1, 2, [0, 2], [1, 2]] as (number | number[] | null)[]) {
    it(`sum, mean, prod, max, min over axis ${JSON.stringify(axis)}`, async () => {
      await check((x) => T.sum(x, axis).mul(T.sum(x, axis)), [shape], { second: true });
      await check((x) => T.mean(x, axis).exp(), [shape], { second: true });
      await check((x) => T.prod(x, axis), [shape], { second: true });
      await check((x) => T.max(x, axis), [shape]);
      await check((x) => T.min(x, axis).mul(2), [shape]);
    });
  }

  it('keepdims, and reductions of broadcastable inputs', async () => {
    await check((x) => x.sub(T.mean(x, { axis: 1, keepdims: true })).pow(2), [[3, 4]], { second: true });
    await check((r) => T.sum(r, 0).mul(3), [[1, 4]], { bc: [[true, false]] });
    await check((x) => T.var_(x, 1).add(T.std(x)), [[3, 4]], { second: true });
  });

  it('prod with zeros: one zero gets the product of the others, two zeros give zero', async () => {
    const x = T.dvector('x');
    const g = sym.function([x], grad(T.prod(x), x));
    expect((await g([2, 0, 3])).toArray()).toEqual([0, 6, 0]);
    expect((await g([0, 0, 3])).toArray()).toEqual([0, 0, 0]);
    expect((await g([2, 5, 3])).toArray()).toEqual([15, 6, 10]);
  });

  it('mean over dimensions unknown at build time divides by the run-time count', async () => {
    const x = T.dmatrix('x');
    const g = sym.function([x], grad(T.mean(x), x));
    expect((await g([[1, 2], [3, 4]])).toArray()).toEqual([[0.25, 0.25], [0.25, 0.25]]);
    expect((await g([[1, 2, 3]])).toArray()).toEqual([[1 / 3, 1 / 3, 1 / 3]]);
  });
});

describe('dot (numpy.dot) for every rank combination', () => {
  const cases: [number[], number[]][] = [
    [[3], [3]],
    [[2, 3], [3]],
    [[3], [3, 4]],
    [[2, 3], [3, 4]],
    [[2, 3, 2, 3], [3, 4]],
    [[2, 2, 3], [3, 4]],
    [[2, 3], [2, 3, 4]],
    [[2, 2, 3], [3]],
    [[3], [2, 3, 2]],
  ];
  for (const [sa, sb] of cases) {
    it(`[${sa}] . [${sb}]`, async () => {
      await check((a, b) => T.dot(a, b), [sa, sb], { second: true });
    });
  }
  it('through a chain with transposes and a 0-d operand', async () => {
    await check((a, b, s) => T.dot(a.T, T.dot(a, b)).mul(s), [[3, 2], [2, 2], []]);
  });
});

describe('shape ops', () => {
  it('dimshuffle: permute, insert and drop broadcastable dimensions', async () => {
    await check((x) => x.dimshuffle(2, 0, 1).mul(x.dimshuffle(2, 0, 1)), [[2, 3, 4]]);
    await check((x) => x.dimshuffle('x', 1, 'x', 0), [[2, 3]]);
    await check((r) => r.dimshuffle(1).mul(r.dimshuffle(1, 'x')), [[1, 3]], { bc: [[true, false]], second: true });
  });

  it('reshape and flatten, with shapes known and unknown at build time', async () => {
    await check((x) => x.reshape([3, 4]).dot(x.reshape([4, 3])), [[2, 6]], { second: true });
    await check((x) => x.flatten().mul(x.flatten()), [[2, 3]]);
    await check((x) => x.flatten(2).sum(1).exp(), [[2, 2, 3]]);
    const m = T.dmatrix('m');
    const g = grad(m.flatten().pow(2).sum(), m);
    expect((await sym.function([m], g)([[1, 2], [3, 4], [5, 6]])).toArray()).toEqual([[2, 4], [6, 8], [10, 12]]);
  });

  it('softmax over the last axis, first and second order', async () => {
    await check((x) => T.softmax(x).mul(T.softmax(x).add(1)), [[3, 4]], { second: true });
    await check((x) => T.softmax(x).log(), [[5]]);
  });

  it('shape_i is disconnected: its input gets no gradient through it', async () => {
    const x = T.dvector('x');
    expect(() => grad(T.cast(T.shapeI(x, 0), 'float64'), x)).toThrow(/does not depend on x/);
    const g = grad(x.sum().div(T.cast(T.shapeI(x, 0), 'float64')), x);
    expect((await g.eval({ x: [1, 2, 3, 4] })).toArray()).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});
