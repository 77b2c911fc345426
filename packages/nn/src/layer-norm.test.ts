/**
 * LayerNorm: the normalisation over the last axis against plain
 * TypeScript, with gain, bias and epsilon; gradients against finite
 * differences; float32; save/load; the errors.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { verifyGrad } from '@sym/grad';
import '@sym/backend-cpu';
import { layerNorm, type Mat } from '../test/attention-reference.js';
import { LayerNorm } from './layer-norm.js';
import { RandomState } from './random.js';
import { loadParams, saveParams } from './serialize.js';

const T = sym.T;
type V = sym.TensorVariable;

const normal = (shape: number[], seed: number, std = 1): sym.NDArray => new RandomState(seed).normal(shape, { std });
const rows = (a: sym.NDArray): Mat => (a.toArray() as Mat).map((r) => [...r]);

function expectClose(got: Mat, want: Mat, tol = 1e-12): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - want[i]![j]!)).toBeLessThanOrEqual(tol)));
}

describe('LayerNorm: the normalisation', () => {
  it('normalises each row over its last axis, then scales by gamma and shifts by beta', () => {
    const ln = new LayerNorm(5, { name: 'ln' });
    const gamma = [0.5, 2, -1, 1, 3];
    const beta = [0, 1, -2, 0.25, 0];
    ln.gamma.setValue(sym.array(gamma));
    ln.beta.setValue(sym.array(beta));
    const x = T.matrix('x');
    // rows of different scales and offsets: the normalisation removes both
    const offsets = [10, -4, 0, 1e3];
    const input = rows(normal([4, 5], 1, 3)).map((row, i) => row.map((v) => v + offsets[i]!));
    const got = rows(sym.function([x], ln.output(x)).sync(input) as sym.NDArray);
    expectClose(got, layerNorm(input, gamma, beta, 1e-5));
  });

  it('normalises the last axis of a (batch, steps, features) tensor, and is the same graph with training', () => {
    const ln = new LayerNorm(3, { epsilon: 0.1 });
    const x = T.tensor3('x');
    const input = normal([2, 4, 3], 2);
    const [inference, training] = sym.function([x], [ln.output(x), ln.output(x, { training: true })]).sync(input) as sym.NDArray[];
    expect(inference!.shape).toEqual([2, 4, 3]);
    expect(Array.from(training!.data)).toEqual(Array.from(inference!.data));
    expectClose(rows(inference!.reshape([8, 3])), layerNorm(rows(input.reshape([8, 3])), [1, 1, 1], [0, 0, 0], 0.1));
  });

  it('keeps a constant row finite: the variance 0 meets epsilon', () => {
    const ln = new LayerNorm(4);
    const x = T.matrix('x');
    const out = sym.function([x], ln.output(x)).sync([[2, 2, 2, 2]]) as sym.NDArray;
    expect(Array.from(out.data)).toEqual([0, 0, 0, 0]);
  });

  it('stores gamma (ones) and beta (zeros) as floatX params named `${name}.gamma`, `${name}.beta`', () => {
    const ln = new LayerNorm(3, { name: 'block.norm' });
    expect(ln.params.map(String)).toEqual(['block.norm.gamma', 'block.norm.beta']);
    expect(Array.from(ln.gamma.getValue().data)).toEqual([1, 1, 1]);
    expect(Array.from(ln.beta.getValue().data)).toEqual([0, 0, 0]);
    expect(new LayerNorm(2).params.map(String)).toEqual(['gamma', 'beta']);
    expect(ln.epsilon).toBe(1e-5);
  });
});

describe('LayerNorm: gradients and dtypes', () => {
  it('passes verifyGrad with respect to x, gamma and beta', async () => {
    const ln = new LayerNorm(4);
    const report = await verifyGrad(
      (x, gamma, beta) => sym.cloneReplace([T.tanh(ln.output(x))], new Map([[ln.gamma as V, gamma], [ln.beta as V, beta]]))[0]!,
      [normal([2, 3, 4], 3), normal([4], 4), normal([4], 5)],
    );
    expect(report.maxAbsErr).toBeLessThan(1e-7);
  });

  it('computes in float32 under floatX=float32, to the float64 values within float32 precision', () => {
    const old = sym.config.floatX;
    sym.config.floatX = 'float32';
    try {
      const ln = new LayerNorm(6);
      expect(ln.gamma.dtype).toBe('float32');
      const x = T.fmatrix('x');
      const y = ln.output(x);
      expect(y.dtype).toBe('float32');
      const input = normal([3, 6], 6).astype('float32');
      const got = rows(sym.function([x], y).sync(input) as sym.NDArray);
      expectClose(got, layerNorm(rows(input), [1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0], 1e-5), 1e-5);
    } finally {
      sym.config.floatX = old;
    }
  });

  it('saves and loads gamma and beta as JSON', async () => {
    const a = new LayerNorm(3);
    a.gamma.setValue(sym.array([1.5, -2, 0.25]));
    a.beta.setValue(sym.array([0.1, 0.2, 0.3]));
    const b = new LayerNorm(3);
    loadParams(b.params, await saveParams(a.params));
    expect(Array.from(b.gamma.getValue().data)).toEqual([1.5, -2, 0.25]);
    expect(Array.from(b.beta.getValue().data)).toEqual([0.1, 0.2, 0.3]);
  });
});

describe('LayerNorm: errors', () => {
  it('names the input, what was expected and what came', () => {
    expect(() => new LayerNorm(0)).toThrow('LayerNorm: features must be a positive integer (the length of the last axis), got 0');
    expect(() => new LayerNorm(3, { epsilon: -1 })).toThrow('LayerNorm: epsilon must be a finite number >= 0, got -1');
    expect(() => new LayerNorm(3, { axis: 1 } as never)).toThrow(/unknown option "axis"; the options are epsilon, name/);
    const ln = new LayerNorm(3);
    expect(() => ln.output(T.imatrix('i'))).toThrow('LayerNorm.output: x must be a float tensor whose last axis holds the 3 features, got i of type TensorType(int32, matrix)');
    expect(() => ln.output(T.matrix('x'), { train: true } as never)).toThrow(/unknown option "train"; the options are training/);
    const x = T.matrix('x');
    expect(() => sym.function([x], ln.output(x)).sync([[1, 2, 3, 4]])).toThrow('LayerNorm.output: x x of shape (1, 4) must have 3 features in its last axis');
  });
});

describe('LayerNorm.outputShape', () => {
  it("is the input's shape, the real output's for several ranks", async () => {
    const ln = new LayerNorm(4);
    for (const shape of [[4], [3, 4], [2, 3, 4], [0, 4]]) {
      const x = T.tensor('float64', shape.map(() => false), 'x');
      const got = ((await sym.function([x], ln.output(x))(normal(shape, 1))) as sym.NDArray).shape;
      expect(ln.outputShape(shape)).toEqual(got);
    }
    expect(ln.outputShape([null, null, 4])).toEqual([null, null, 4]);
    expect(ln.outputShape([null, null])).toEqual([null, null]);
  });
  it('refuses a scalar shape or another feature count, naming the layer', () => {
    const ln = new LayerNorm(4);
    expect(() => ln.outputShape([2, 5])).toThrow('LayerNorm.outputShape: the input shape (2, 5) has 5 features (axis 1), expected 4');
    expect(() => ln.outputShape([])).toThrow('LayerNorm.outputShape: expected an input shape (..., 4), got () (0-d)');
    expect(() => ln.outputShape([2, 1.5] as never)).toThrow(/LayerNorm\.outputShape: expected an input shape \(\.\.\., 4\) of lengths/);
  });
});
