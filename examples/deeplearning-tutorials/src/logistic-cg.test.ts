import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { useFloat64 } from './test-support.js';
import { logisticCg, type Dataset } from './logistic-cg.js';

/** Three Gaussian clouds in 4 dimensions, seeded, overlapping enough that W = 0 is far from optimal. */
function clouds(n: number, seed: number): Dataset {
  const rng = new sym.RandomState(seed);
  const centres = [[1.5, 0, 0, 1], [0, 1.5, -1, 0], [-1, -1, 1.5, 0]];
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = (i * 7) % 3;
    x.push(centres[k]!.map((c) => c + 2.4 * (rng.random() - 0.5)));
    y.push(k);
  }
  return { x, y };
}

/** logistic_cg.py's mean over minibatches of the batch cost and its gradient w.r.t. the flat theta, in float64 loops. */
function reference(data: Dataset, theta: ArrayLike<number>, nIn: number, nOut: number, batchSize: number) {
  const W = (i: number, j: number) => theta[i * nOut + j]!;
  const b = (j: number) => theta[nIn * nOut + j]!;
  const nBatches = Math.floor(data.x.length / batchSize);
  const gradient = new Float64Array(theta.length);
  let cost = 0;
  for (let batch = 0; batch < nBatches; batch++) {
    for (let r = batch * batchSize; r < (batch + 1) * batchSize; r++) {
      const row = data.x[r]!;
      const z = Array.from({ length: nOut }, (_, j) => row.reduce((acc, xi, i) => acc + xi * W(i, j), b(j)));
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const total = e.reduce((acc, v) => acc + v, 0);
      const p = e.map((v) => v / total);
      const scale = 1 / (batchSize * nBatches);
      cost -= Math.log(p[data.y[r]!]!) * scale;
      p.forEach((pj, j) => {
        const d = (pj - (j === data.y[r] ? 1 : 0)) * scale;
        gradient[nIn * nOut + j]! += d;
        row.forEach((xi, i) => (gradient[i * nOut + j]! += xi * d));
      });
    }
  }
  return { cost, gradient };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/**
 * A small stand-in for scipy's fmin_cg: nonlinear conjugate gradients,
 * Polak-Ribière (clipped at 0, i.e. PR+) with a backtracking Armijo line
 * search, restarting along the steepest descent when the direction is not
 * one of descent. `callback` sees theta after every iteration, as fmin_cg's.
 */
async function fminCg(
  f: (theta: Float64Array) => Promise<number>,
  fprime: (theta: Float64Array) => Promise<Float64Array>,
  x0: Float64Array,
  maxiter: number,
  callback: (theta: Float64Array) => Promise<void>,
): Promise<Float64Array> {
  let x = Float64Array.from(x0);
  let fx = await f(x);
  let g = await fprime(x);
  let d = g.map((v) => -v);
  for (let iter = 0; iter < maxiter; iter++) {
    let slope = dot(g, d);
    if (slope >= 0) {
      d = g.map((v) => -v);
      slope = dot(g, d);
    }
    let step = 1;
    let next = x.map((v, i) => v + step * d[i]!);
    let fNext = await f(next);
    while (fNext > fx + 1e-4 * step * slope && step > 1e-10) {
      step /= 2;
      next = x.map((v, i) => v + step * d[i]!);
      fNext = await f(next);
    }
    const gNext = await fprime(next);
    const beta = Math.max(0, dot(gNext, gNext.map((v, i) => v - g[i]!)) / dot(g, g));
    d = gNext.map((v, i) => -v + beta * d[i]!);
    x = next;
    fx = fNext;
    g = gNext;
    await callback(x);
  }
  return x;
}

describe("Theano's logistic_cg.py", () => {
  useFloat64();

  const options = { nIn: 4, nOut: 3, batchSize: 10 };
  const size = options.nIn * options.nOut + options.nOut;
  const train = clouds(40, 5);
  const valid = clouds(30, 9);
  const thetaOf = (seed: number): Float64Array => {
    const rng = new sym.RandomState(seed);
    return Float64Array.from({ length: size }, () => 2 * rng.random() - 1);
  };

  it('train_fn and train_fn_grad give the mean cost and gradient w.r.t. the flat theta of the reference, for each theta set before the call', async () => {
    const model = logisticCg(train, valid, options);
    expect(model.classifier.theta.getValue().shape).toEqual([size]);
    // theta = 0: uniform predictions; then theta values set one after the other, each picked up
    expect(await model.trainFn(new Float64Array(size))).toBeCloseTo(Math.log(3), 14);
    for (const seed of [1, 2, 3]) {
      const theta = thetaOf(seed);
      const ref = reference(train, theta, options.nIn, options.nOut, options.batchSize);
      expect(await model.trainFn(theta)).toBeCloseTo(ref.cost, 13);
      const g = await model.trainFnGrad(theta);
      expect(g.length).toBe(size);
      g.forEach((v, i) => expect(v).toBeCloseTo(ref.gradient[i]!, 13));
      // by synchronous calls, as fmin_cg calls f and fprime
      expect(model.sync.trainFn(theta)).toBe(await model.trainFn(theta));
      expect(Array.from(model.sync.trainFnGrad(theta))).toEqual(Array.from(g));
      // the shared theta holds what was set; W is its first nIn * nOut entries row by row, b the last nOut
      expect(Array.from(model.classifier.theta.getValue().toArray() as number[])).toEqual(Array.from(theta));
      const W = (await sym.function([], model.classifier.W)()).toArray() as number[][];
      W.forEach((row, i) => row.forEach((w, j) => expect(w).toBe(theta[i * options.nOut + j])));
      const b = (await sym.function([], model.classifier.b)()).toArray() as number[];
      expect(b).toEqual(Array.from(theta.slice(options.nIn * options.nOut)));
    }
  });

  it('under floatX=float32 computes the cost and gradient in float32 and takes float32 theta values only', async () => {
    sym.config.floatX = 'float32';
    try {
      const model = logisticCg(train, valid, options);
      const graph = model.batchCost.compiled.graphOutputs.concat(model.batchGrad.compiled.graphOutputs);
      const float64 = sym.toposort(graph).flatMap((node) => node.outputs).filter((v) => v.dtype === 'float64');
      expect(float64.map(String)).toEqual([]);
      const theta = Float32Array.from(thetaOf(5));
      const ref = reference(train, theta, options.nIn, options.nOut, options.batchSize);
      expect(Math.abs((await model.trainFn(theta)) - ref.cost)).toBeLessThan(1e-5);
      (await model.trainFnGrad(theta)).forEach((v, i) => expect(Math.abs(v - ref.gradient[i]!)).toBeLessThan(1e-5));
      expect(model.classifier.theta.getValue().dtype).toBe('float32');
      // as Theano's set_value, a float64 array is not silently rounded into a float32 shared variable
      expect(() => model.classifier.theta.setValue(thetaOf(5))).toThrow(/setValue of shared variable theta: .*casting float64 to float32 may lose data/);
    } finally {
      sym.config.floatX = 'float64';
    }
  });

  it("the gradient matches central differences of train_fn", async () => {
    const model = logisticCg(train, valid, options);
    const theta = thetaOf(4);
    const g = await model.trainFnGrad(theta);
    const h = 1e-5;
    for (let i = 0; i < size; i++) {
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[i]! += h;
      minus[i]! -= h;
      const numeric = ((await model.trainFn(plus)) - (await model.trainFn(minus))) / (2 * h);
      expect(Math.abs(g[i]! - numeric)).toBeLessThan(1e-8);
    }
  });

  it('conjugate gradients driven by train_fn/train_fn_grad lower the cost and the validation error (the callback sets theta too)', async () => {
    const model = logisticCg(train, valid, options);
    const x0 = new Float64Array(size);
    const startCost = await model.trainFn(x0);
    const startError = await model.validationError(x0);
    expect(startError).toBeCloseTo(2 / 3, 12); // argmax of equal scores is class 0
    const validationErrors: number[] = [];
    const costs: number[] = [startCost];
    const best = await fminCg(model.trainFn, model.trainFnGrad, x0, 12, async (theta) => {
      validationErrors.push(await model.validationError(theta));
      costs.push(await model.trainFn(theta));
    });
    costs.slice(1).forEach((c, i) => expect(c).toBeLessThanOrEqual(costs[i]!));
    expect(validationErrors).toHaveLength(12);
    const endCost = await model.trainFn(best);
    expect(endCost).toBeLessThan(0.2 * startCost);
    expect(endCost).toBeCloseTo(reference(train, best, options.nIn, options.nOut, options.batchSize).cost, 13);
    expect(await model.validationError(best)).toBeLessThan(0.1);
  });
});
