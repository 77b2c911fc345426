/** `T.nnet.bn`: Theano's batch normalisation, against plain loops. */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

/** Mean and biased variance of x (flat, row-major, shape `shape`) over `axes`, one per index of the other axes. */
function stats(x: number[], shape: number[], axes: number[]): { mean: number[]; variance: number[]; m: number; key: (i: number) => number } {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const kept = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const key = (i: number) => kept.reduce((k, d) => k * shape[d]! + (Math.floor(i / strides[d]!) % shape[d]!), 0);
  const n = kept.reduce((a, d) => a * shape[d]!, 1);
  const sum = new Array<number>(n).fill(0);
  const sq = new Array<number>(n).fill(0);
  const m = x.length / n;
  x.forEach((v, i) => (sum[key(i)]! += v));
  const mean = sum.map((s) => s / m);
  x.forEach((v, i) => (sq[key(i)]! += (v - mean[key(i)]!) ** 2));
  return { mean, variance: sq.map((s) => s / m), m, key };
}

const data = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 3 + (i % 5));
const closeTo = (a: sym.NDArray, b: number[]) => {
  expect(a.size).toBe(b.length);
  b.forEach((v, i) => expect(a.data[i]).toBeCloseTo(v, 10));
};

describe('T.nnet.bn', () => {
  for (const [mode, shape, axes] of [
    ['per-activation', [5, 3], [0]],
    ['spatial', [2, 3, 2, 2], [0, 2, 3]],
  ] as const) {
    it(`batchNormalizationTrain (${mode}) gives out, mean, invstd and the running averages of Theano's formulas`, () => {
      const xs = data(shape.reduce((a, b) => a * b, 1));
      const g = [0.5, 2, -1];
      const b = [1, 0, 3];
      const rm = [0.1, 0.2, 0.3];
      const rv = [1, 2, 3];
      const x = T.tensor('float64', shape.map(() => false), 'x');
      const [out, mean, invstd, newMean, newVar] = T.nnet.bn.batchNormalizationTrain(x, sym.array(g), sym.array(b), {
        axes: mode,
        epsilon: 1e-3,
        runningAverageFactor: 0.25,
        runningMean: sym.array(rm),
        runningVar: sym.array(rv, { dtype: 'float64' }),
      });
      const f = sym.function([x], [out, mean, invstd, newMean, newVar]);
      const [o, m, s, nm, nv] = f.sync(sym.array(xs).reshape([...shape])) as sym.NDArray[];
      const st = stats(xs, [...shape], [...axes]);
      const inv = st.variance.map((v) => 1 / Math.sqrt(v + 1e-3));
      closeTo(o!, xs.map((v, i) => (v - st.mean[st.key(i)]!) * g[st.key(i)]! * inv[st.key(i)]! + b[st.key(i)]!));
      closeTo(m!, st.mean);
      closeTo(s!, inv);
      closeTo(nm!, rm.map((r, j) => r * 0.75 + st.mean[j]! * 0.25));
      closeTo(nv!, rv.map((r, j) => r * 0.75 + ((st.variance[j]! * st.m) / (st.m - 1)) * 0.25));
    });

    it(`batchNormalizationTest (${mode}) normalises with the given statistics`, () => {
      const xs = data(shape.reduce((a, b) => a * b, 1));
      const x = T.tensor('float64', shape.map(() => false), 'x');
      const [g, b, mu, v] = [[0.5, 2, -1], [1, 0, 3], [0.1, -0.2, 0.3], [1, 2, 0.5]];
      const out = T.nnet.bn.batchNormalizationTest(x, sym.array(g), sym.array(b), sym.array(mu), sym.array(v), { axes: mode });
      const st = stats(xs, [...shape], [...axes]);
      const o = sym.function([x], out).sync(sym.array(xs).reshape([...shape])) as sym.NDArray;
      closeTo(o, xs.map((val, i) => ((val - mu[st.key(i)]!) * g[st.key(i)]!) / Math.sqrt(v[st.key(i)]! + 1e-4) + b[st.key(i)]!));
    });
  }

  it('takes parameters with the inputs dimensions (length 1 on the axes) and returns the statistics that way', () => {
    const x = T.dmatrix('x');
    const g = sym.shared(sym.array([[1, 2]]), { name: 'g' });
    const [, mean, invstd] = T.nnet.bn.batchNormalizationTrain(x, g, sym.array([[0, 0]]));
    expect(mean.ndim).toBe(2);
    const [m, s] = sym.function([x], [mean, invstd]).sync([[1, 2], [3, 4]]) as sym.NDArray[];
    expect(m!.shape).toEqual([1, 2]);
    closeTo(m!, [2, 3]);
    closeTo(s!, [1 / Math.sqrt(1 + 1e-4), 1 / Math.sqrt(1 + 1e-4)]);
  });

  it('refuses gamma of another layout, bad axes and unknown options, naming them', () => {
    const x = T.dtensor3('x');
    expect(() => T.nnet.bn.batchNormalizationTrain(x, T.dmatrix('g').dimshuffle('x', 0, 1).dimshuffle(0, 1, 2, 'x'), T.dvector('b'))).toThrow(
      /batchNormalizationTrain: gamma must have the 3 dimensions of the inputs \(length 1 on axes \[0\]\) or the 2 others/,
    );
    expect(() => T.nnet.bn.batchNormalizationTrain(x, T.dmatrix('g'), T.dmatrix('b'), { axes: [0, 3] })).toThrow(/axes must be .* got \[0,3\]/);
    expect(() => T.nnet.bn.batchNormalizationTest(x, T.dmatrix('g'), T.dmatrix('b'), T.dmatrix('m'), T.dmatrix('v'), { eps: 1 } as never)).toThrow(
      /unknown option "eps"/,
    );
    expect(() => T.nnet.bn.batchNormalizationTrain(T.imatrix('i'), T.dvector('g'), T.dvector('b'))).toThrow(/inputs must be a float tensor/);
    expect(() => T.nnet.bn.batchNormalizationTrain(T.dmatrix('x'), T.dvector('g'), T.dvector('b'), { running_average_factor: 0.5 } as never)).toThrow(
      /unknown option "running_average_factor" \(did you mean runningAverageFactor\?/,
    );
    expect(() => T.nnet.bn.batchNormalizationTrain(T.dmatrix('x'), T.dvector('g'), T.dvector('b'), { runningMean: T.dvector('m'), runningVar: T.lvector('v') })).toThrow(
      /runningVar must be a float tensor \(the new value takes its dtype\), got v of type TensorType\(int64, vector\)/,
    );
  });
});

describe('T.nnet.bn: a batch of one', () => {
  it('moves the running variance towards 0 (the batch variance), not to NaN for good', () => {
    const x = T.dmatrix('x');
    const g = T.dvector('g');
    const b = T.dvector('b');
    const rv = T.dvector('rv');
    const rm = T.dvector('rm');
    const [, , , newMean, newVar] = T.nnet.bn.batchNormalizationTrain(x, g, b, { runningMean: rm, runningVar: rv, runningAverageFactor: 0.5 });
    const [m, v] = sym.function([x, g, b, rm, rv], [newMean, newVar], { onUnusedInput: 'ignore' }).sync([[3, -1]], [1, 1], [0, 0], [0, 0], [2, 4]) as sym.NDArray[];
    expect(m!.toArray()).toEqual([1.5, -0.5]);
    expect(v!.toArray()).toEqual([1, 2]);
  });
});
