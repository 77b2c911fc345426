import * as sym from '@sym/graph';
import { grad, jacobian } from '@sym/grad';
import { describe, expect, it } from 'vitest';
import { useFloat64 } from './test-support.js';
import { CA, buildCATrainer } from './ca.js';

const T = sym.T;
type Matrix = number[][];

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

interface Params {
  W: Matrix;
  b: number[];
  bPrime: number[];
}

/** cA.py's forward pass and cost on a minibatch, in float64 loops. */
function forward(p: Params, X: Matrix, contraction: number) {
  const y = X.map((x) => p.b.map((bh, h) => sigmoid(bh + x.reduce((acc, xv, v) => acc + xv * p.W[v]![h]!, 0))));
  const z = y.map((yi) => p.bPrime.map((bv, v) => sigmoid(bv + yi.reduce((acc, yh, h) => acc + yh * p.W[v]![h]!, 0))));
  const J = y.map((yi) => p.W.map((row) => row.map((w, h) => yi[h]! * (1 - yi[h]!) * w)));
  const lRec = X.map((x, i) => -x.reduce((acc, xv, v) => acc + xv * Math.log(z[i]![v]!) + (1 - xv) * Math.log(1 - z[i]![v]!), 0));
  const lJacob = J.reduce((acc, Ji) => acc + Ji.reduce((a, row) => a + row.reduce((s, j) => s + j * j, 0), 0), 0) / X.length;
  const meanRec = lRec.reduce((a, v) => a + v, 0) / X.length;
  return { y, z, J, lRec, lJacob, meanRec, cost: meanRec + contraction * lJacob };
}

/** The gradients of the cost with respect to W, b and b' by hand (backpropagation through both uses of the tied W). */
function gradients(p: Params, X: Matrix, contraction: number) {
  const { y, z } = forward(p, X, contraction);
  const B = X.length;
  const gW = p.W.map((row) => row.map(() => 0));
  const gb = p.b.map(() => 0);
  const gbPrime = p.bPrime.map(() => 0);
  const colNorms = p.b.map((_, h) => p.W.reduce((acc, row) => acc + row[h]! ** 2, 0)); // sum_v W_vh^2
  X.forEach((x, i) => {
    const yi = y[i]!;
    // reconstruction: d mean(L_rec) / d(decoder pre-activation) = (z - x) / B
    const dOut = z[i]!.map((zv, v) => (zv - x[v]!) / B);
    dOut.forEach((d, v) => {
      gbPrime[v]! += d;
      yi.forEach((yh, h) => (gW[v]![h]! += d * yh));
    });
    const dy = yi.map((_, h) => dOut.reduce((acc, d, v) => acc + d * p.W[v]![h]!, 0));
    // contraction: lambda / B * sum_h s_h^2 * colNorm_h, with s_h = y_h (1 - y_h)
    yi.forEach((yh, h) => {
      const s = yh * (1 - yh);
      dy[h]! += (contraction / B) * 2 * s * (1 - 2 * yh) * colNorms[h]!;
      p.W.forEach((row, v) => (gW[v]![h]! += (contraction / B) * s * s * 2 * row[h]!));
    });
    // encoder
    yi.forEach((yh, h) => {
      const dPre = dy[h]! * yh * (1 - yh);
      gb[h]! += dPre;
      x.forEach((xv, v) => (gW[v]![h]! += xv * dPre));
    });
  });
  return { W: gW, b: gb, bPrime: gbPrime };
}

/** The gradients of the penalty alone: those of the cost at contraction 1 less those at contraction 0. */
function gradients0(p: Params, X: Matrix) {
  const [withPenalty, without] = [gradients(p, X, 1), gradients(p, X, 0)];
  return {
    W: withPenalty.W.map((row, v) => row.map((g, h) => g - without.W[v]![h]!)),
    b: withPenalty.b.map((g, h) => g - without.b[h]!),
  };
}

const sgdStep = (p: Params, g: Params, lr: number): Params => ({
  W: p.W.map((row, v) => row.map((w, h) => w - lr * g.W[v]![h]!)),
  b: p.b.map((w, h) => w - lr * g.b[h]!),
  bPrime: p.bPrime.map((w, v) => w - lr * g.bPrime[v]!),
});

/** Binary-ish inputs in [0, 1]: a few prototypes with noise, seeded. */
function dataset(n: number, nVisible: number, seed: number): Matrix {
  const rng = new sym.RandomState(seed);
  const protos = [0, 1, 2].map(() => Array.from(rng.uniform([nVisible]).data, (u) => (u < 0.5 ? 0.1 : 0.9)));
  return Array.from({ length: n }, (_, i) => protos[i % 3]!.map((v) => Math.min(1, Math.max(0, v + 0.1 * (rng.uniform([1]).item() - 0.5)))));
}

const paramsOf = (ca: CA): Params => ({
  W: ca.W.getValue().toArray() as Matrix,
  b: ca.b.getValue().toArray() as number[],
  bPrime: ca.bPrime.getValue().toArray() as number[],
});

const maxAbsDiff = (a: number[] | Matrix, b: number[] | Matrix): number =>
  Math.max(...(a as (number | number[])[]).flatMap((row, i) => (Array.isArray(row) ? row.map((v, j) => Math.abs(v - (b as Matrix)[i]![j]!)) : [Math.abs(row - (b as number[])[i]!)])));

describe("Theano's cA.py", () => {
  useFloat64();

  const nVisible = 8;
  const nHidden = 5;
  const batchSize = 4;
  const contraction = 0.7;
  const data = dataset(12, nVisible, 3);

  it('checks the hand-written reference gradients against central differences of the reference cost', () => {
    const ca = new CA({ numpyRng: new sym.RandomState(1), nVisible, nHidden, nBatchsize: batchSize });
    const p = { ...paramsOf(ca), b: [0.1, -0.2, 0.3, 0, 0.05], bPrime: Array.from({ length: nVisible }, (_, v) => 0.02 * v - 0.05) };
    const X = data.slice(0, batchSize);
    const g = gradients(p, X, contraction);
    const h = 1e-6;
    const bumped = (f: (q: Params) => void) => {
      const q = structuredClone(p);
      f(q);
      return forward(q, X, contraction).cost;
    };
    for (const [v, k] of [[0, 0], [3, 2], [7, 4]] as const) {
      const d = (bumped((q) => (q.W[v]![k]! += h)) - bumped((q) => (q.W[v]![k]! -= h))) / (2 * h);
      expect(g.W[v]![k]).toBeCloseTo(d, 7);
    }
    expect(g.b[1]).toBeCloseTo((bumped((q) => (q.b[1]! += h)) - bumped((q) => (q.b[1]! -= h))) / (2 * h), 7);
    expect(g.bPrime[5]).toBeCloseTo((bumped((q) => (q.bPrime[5]! += h)) - bumped((q) => (q.bPrime[5]! -= h))) / (2 * h), 7);
  });

  it("get_jacobian's broadcast product equals @sym/grad's jacobian of each example's hidden values", async () => {
    const ca = new CA({ numpyRng: new sym.RandomState(2), nVisible, nHidden, nBatchsize: batchSize });
    ca.b.setValue(sym.array([0.3, -0.1, 0.2, 0.4, -0.3]));
    const J = ca.getJacobian(ca.getHiddenValues(ca.x), ca.W);
    const batch = sym.function([ca.x], [J, T.sum(J.pow(2)).div(batchSize)]);
    const X = data.slice(0, batchSize);
    const [gotJ, gotNorm] = await batch(X);
    expect(gotJ!.shape).toEqual([batchSize, nVisible, nHidden]);
    // one example: the hidden values of a vector, differentiated by jacobian (shape (nHidden, nVisible))
    const xi = T.vector('x_i');
    const perExample = sym.function([xi], jacobian(ca.getHiddenValues(xi), xi));
    const reference = forward(paramsOf(ca), X, contraction);
    const rows = gotJ!.toArray() as number[][][];
    for (let i = 0; i < batchSize; i++) {
      const dhdx = (await perExample(X[i]!)).toArray() as Matrix;
      expect(dhdx.length).toBe(nHidden);
      rows[i]!.forEach((row, v) =>
        row.forEach((j, h) => {
          expect(j).toBeCloseTo(dhdx[h]![v]!, 14);
          expect(j).toBeCloseTo(reference.J[i]![v]![h]!, 14);
        }),
      );
    }
    expect(gotNorm!.item()).toBeCloseTo(reference.lJacob, 13);
    expect(reference.lJacob).toBeGreaterThan(0.01); // the penalty is not negligible at these weights
  });

  it('the cost and one SGD step (through updates and givens) equal the float64 reference', async () => {
    const ca = new CA({ numpyRng: new sym.RandomState(4), nVisible, nHidden, nBatchsize: batchSize });
    const before = paramsOf(ca);
    const trainSetX = sym.shared(sym.array(data, { dtype: 'float64' }), { name: 'train_set_x', borrow: true });
    const { train } = buildCATrainer(ca, trainSetX, contraction, 0.5);
    const [meanRec, lJacob, cost] = (await train(1)).map((a) => a.item());
    const X = data.slice(batchSize, 2 * batchSize);
    const want = forward(before, X, contraction);
    expect(meanRec).toBeCloseTo(want.meanRec, 13);
    expect(lJacob).toBeCloseTo(want.lJacob, 13);
    expect(cost).toBeCloseTo(want.cost, 13);
    const after = sgdStep(before, gradients(before, X, contraction), 0.5);
    const got = paramsOf(ca);
    expect(maxAbsDiff(got.W, after.W)).toBeLessThan(1e-13);
    expect(maxAbsDiff(got.b, after.b)).toBeLessThan(1e-13);
    expect(maxAbsDiff(got.bPrime, after.bPrime)).toBeLessThan(1e-13);
    expect(maxAbsDiff(got.W, before.W)).toBeGreaterThan(1e-3); // the step moved W
  });

  it('trains epochs of minibatches step for step as the reference; the contraction penalty shrinks the Jacobian', async () => {
    const run = async (level: number) => {
      const ca = new CA({ numpyRng: new sym.RandomState(5), nVisible, nHidden, nBatchsize: batchSize });
      let ref = paramsOf(ca);
      const trainSetX = sym.shared(sym.array(data, { dtype: 'float64' }), { name: 'train_set_x', borrow: true });
      const { train } = buildCATrainer(ca, trainSetX, level, 0.5);
      const costs: number[] = [];
      for (let epoch = 0; epoch < 15; epoch++) {
        for (let index = 0; index < data.length / batchSize; index++) {
          const X = data.slice(index * batchSize, (index + 1) * batchSize);
          const [, , cost] = (await train(index)).map((a) => a.item());
          expect(cost).toBeCloseTo(forward(ref, X, level).cost, 11);
          costs.push(cost!);
          ref = sgdStep(ref, gradients(ref, X, level), 0.5);
        }
      }
      const got = paramsOf(ca);
      expect(maxAbsDiff(got.W, ref.W)).toBeLessThan(1e-11);
      expect(maxAbsDiff(got.b, ref.b)).toBeLessThan(1e-11);
      expect(maxAbsDiff(got.bPrime, ref.bPrime)).toBeLessThan(1e-11);
      return { costs, lJacob: forward(ref, data, level).lJacob };
    };
    const plain = await run(0);
    const contractive = await run(3);
    expect(plain.costs.at(-1)!).toBeLessThan(plain.costs[0]! * 0.8);
    expect(contractive.costs.at(-1)!).toBeLessThan(contractive.costs[0]!);
    expect(contractive.lJacob).toBeLessThan(plain.lJacob);
  });

  it("the Python 3 edition's `T.sum(J ** 2) // n_batchsize` floors the penalty and, as in Theano, passes it no gradient", async () => {
    const ca = new CA({ numpyRng: new sym.RandomState(6), nVisible, nHidden, nBatchsize: batchSize });
    const y = ca.getHiddenValues(ca.x);
    const J = ca.getJacobian(y, ca.W);
    const floored = T.sum(J.pow(2)).intDiv(batchSize);
    const [gW] = grad(T.mul(contraction, floored), [ca.W]);
    const X = data.slice(0, batchSize).map((row) => row.map((v) => 0.1 * v)); // small inputs: unsaturated hidden units, a penalty past 1
    const [value, g] = await sym.function([ca.x], [floored, gW!])(X);
    const exact = forward(paramsOf(ca), X, contraction).lJacob * batchSize;
    expect(value!.item()).toBe(Math.floor(exact / batchSize));
    expect(value!.item()).toBeGreaterThan(0); // floored, not zeroed: the value is kept, its gradient is not
    expect(Array.from(g!.data).every((v) => v === 0)).toBe(true); // Theano's IntDiv has zero gradients
  });

  it('under floatX=float32 computes in float32 throughout, one step within float32 rounding of the float64 reference', async () => {
    const before = sym.config.floatX;
    try {
      sym.config.floatX = 'float32';
      const ca = new CA({ numpyRng: new sym.RandomState(4), nVisible, nHidden, nBatchsize: batchSize });
      const start = paramsOf(ca);
      const trainSetX = sym.shared(sym.array(data, { dtype: 'float32' }), { name: 'train_set_x', borrow: true });
      const { train, cost, updates } = buildCATrainer(ca, trainSetX, contraction, 0.5);
      const graph = [cost, ca.LJacob!, ...updates.map(([, u]) => u)];
      expect(sym.toposort(graph).flatMap((node) => node.outputs).filter((v) => v.dtype === 'float64').map(String)).toEqual([]);
      expect(updates.every(([p, u]) => p.dtype === 'float32' && u.dtype === 'float32')).toBe(true);
      const [, , got] = await train(1);
      expect(got!.dtype).toBe('float32');
      const X = data.slice(batchSize, 2 * batchSize).map((row) => row.map((v) => Math.fround(v)));
      expect(got!.item()).toBeCloseTo(forward(start, X, contraction).cost, 5);
      const after = sgdStep(start, gradients(start, X, contraction), 0.5);
      expect(maxAbsDiff(paramsOf(ca).W, after.W)).toBeLessThan(1e-5);
    } finally {
      sym.config.floatX = before;
    }
  });

  it('the penalty written with jacobian inside a scan over the examples has the same value and gradients (a gradient of a Jacobian in a scan)', async () => {
    const ca = new CA({ numpyRng: new sym.RandomState(7), nVisible, nHidden, nBatchsize: batchSize });
    const J = ca.getJacobian(ca.getHiddenValues(ca.x), ca.W);
    const broadcast = T.sum(J.pow(2)).div(batchSize);
    const [norms] = sym.scan((xi: sym.TensorVariable) => T.sum(jacobian(ca.getHiddenValues(xi), xi).pow(2)), { sequences: [ca.x] });
    const viaJacobian = T.mean(norms as sym.TensorVariable);
    const [gW1, gb1] = grad(broadcast, [ca.W, ca.b]);
    const [gW2, gb2] = grad(viaJacobian, [ca.W, ca.b]);
    const X = data.slice(0, batchSize);
    const [v1, v2, w1, w2, b1, b2] = await sym.function([ca.x], [broadcast, viaJacobian, gW1!, gW2!, gb1!, gb2!])(X);
    expect(v2!.item()).toBeCloseTo(v1!.item(), 13);
    expect(v1!.item()).toBeCloseTo(forward(paramsOf(ca), X, contraction).lJacob, 13);
    const gradients = gradients0(paramsOf(ca), X);
    expect(maxAbsDiff(w1!.toArray() as Matrix, gradients.W)).toBeLessThan(1e-13);
    expect(maxAbsDiff(w2!.toArray() as Matrix, gradients.W)).toBeLessThan(1e-13);
    expect(maxAbsDiff(b2!.toArray() as number[], b1!.toArray() as number[])).toBeLessThan(1e-13);
    expect(maxAbsDiff(b1!.toArray() as number[], gradients.b)).toBeLessThan(1e-13);
  });
});
