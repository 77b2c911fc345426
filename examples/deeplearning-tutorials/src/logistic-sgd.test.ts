import { describe, expect, it } from 'vitest';
import { useFloat64 } from './test-support.js';
import { logisticSgd, type Dataset } from './logistic-sgd.js';

/** Three Gaussian clouds in 4 dimensions, seeded (a small stand-in for MNIST). */
function clouds(n: number, seed: number): Dataset {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const centres = [[2, 0, 0, 1], [0, 2, -1, 0], [-1, -1, 2, 0]];
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    x.push(centres[k]!.map((c) => c + 2 * (rand() - 0.5) * 1.5));
    y.push(k);
  }
  return { x, y };
}

/** The same model and minibatch SGD in plain float64 loops. */
function referenceSgd(data: Dataset, nIn: number, nOut: number, batchSize: number, lr: number, steps: number[]) {
  const W = Array.from({ length: nIn }, () => new Array<number>(nOut).fill(0));
  const b = new Array<number>(nOut).fill(0);
  const costs: number[] = [];
  for (const index of steps) {
    const rows = data.x.slice(index * batchSize, (index + 1) * batchSize);
    const labels = data.y.slice(index * batchSize, (index + 1) * batchSize);
    const gW = Array.from({ length: nIn }, () => new Array<number>(nOut).fill(0));
    const gb = new Array<number>(nOut).fill(0);
    let cost = 0;
    rows.forEach((row, r) => {
      const z = b.map((bj, j) => bj + row.reduce((acc, xi, i) => acc + xi * W[i]![j]!, 0));
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const total = e.reduce((acc, v) => acc + v, 0);
      const p = e.map((v) => v / total);
      cost -= Math.log(p[labels[r]!]!) / rows.length;
      p.forEach((pj, j) => {
        const d = (pj - (j === labels[r] ? 1 : 0)) / rows.length;
        gb[j]! += d;
        row.forEach((xi, i) => (gW[i]![j]! += xi * d));
      });
    });
    costs.push(cost);
    W.forEach((row, i) => row.forEach((_, j) => (row[j]! -= lr * gW[i]![j]!)));
    b.forEach((_, j) => (b[j]! -= lr * gb[j]!));
  }
  return { W, b, costs };
}

describe("Theano's logistic_sgd.py", () => {
  useFloat64();

  const options = { nIn: 4, nOut: 3, batchSize: 20, learningRate: 0.13 };
  const train = clouds(120, 7);
  const valid = clouds(60, 11);

  it('trains by minibatches picked through givens, step for step as the reference loop', async () => {
    const model = logisticSgd(train, valid, options);
    const steps = [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 3, 1];
    const costs: number[] = [];
    for (const index of steps) costs.push(Number(await model.trainModel(index)));
    const reference = referenceSgd(train, options.nIn, options.nOut, options.batchSize, options.learningRate, steps);
    costs.forEach((c, i) => expect(c).toBeCloseTo(reference.costs[i]!, 12));
    expect(costs[0]).toBeCloseTo(Math.log(3), 12); // W = 0: uniform predictions
    const W = model.W.getValue().toArray() as number[][];
    W.forEach((row, i) => row.forEach((w, j) => expect(w).toBeCloseTo(reference.W[i]![j]!, 12)));
    (model.b.getValue().toArray() as number[]).forEach((v, j) => expect(v).toBeCloseTo(reference.b[j]!, 12));
  });

  it('validates by minibatch: the error rate falls from chance to below 10%', async () => {
    const model = logisticSgd(train, valid, options);
    const validError = async () => {
      let total = 0;
      for (let i = 0; i < 3; i++) total += Number(await model.validateModel(i));
      return total / 3;
    };
    expect(await validError()).toBeCloseTo(2 / 3, 12); // argmax of equal scores is class 0
    for (let epoch = 0; epoch < 10; epoch++) for (let i = 0; i < 6; i++) await model.trainModel(i);
    expect(await validError()).toBeLessThan(0.1);
    const [p, yPred] = await model.predict(valid.x.slice(0, 6));
    const rows = p!.toArray() as number[][];
    rows.forEach((row) => expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12));
    expect(yPred!.dtype).toBe('int64');
  });

  it("takes NumPy's rows for the last partial minibatch and none past the data, as Theano (the window's length follows the values)", async () => {
    // 120 rows in batches of 50: batch 2 is rows 100..119 (NumPy's x[100:150]); sym read rows 70..119 before
    const partial = { ...options, batchSize: 50 };
    const model = logisticSgd(train, valid, partial);
    const steps = [2, 0, 2];
    const costs: number[] = [];
    for (const index of steps) costs.push(Number(await model.trainModel(index)));
    const reference = referenceSgd(train, partial.nIn, partial.nOut, partial.batchSize, partial.learningRate, steps);
    costs.forEach((c, i) => expect(c).toBeCloseTo(reference.costs[i]!, 12));
    const W = model.W.getValue().toArray() as number[][];
    W.forEach((row, i) => row.forEach((w, j) => expect(w).toBeCloseTo(reference.W[i]![j]!, 12)));
    // past the data: NumPy's empty batch, whose mean is nan and whose gradient moves nothing
    const past = logisticSgd(train, valid, options);
    expect(Number.isNaN(Number(await past.trainModel(6)))).toBe(true);
    expect(past.W.getValue().toArray()).toEqual(logisticSgd(train, valid, options).W.getValue().toArray());
  });
});
