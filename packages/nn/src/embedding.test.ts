/**
 * Embedding: the lookup against plain TypeScript for ids of several
 * ranks, the gradient as a scatter-add (against sums written out, and
 * finite differences), drawn tables, save/load, and the errors.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { grad, verifyGrad } from '@sym/grad';
import '@sym/backend-cpu';
import { embed, type Mat } from '../test/attention-reference.js';
import { Embedding } from './embedding.js';
import { RandomState } from './random.js';
import { loadParams, saveParams } from './serialize.js';

const T = sym.T;
type V = sym.TensorVariable;

const table = (rows: number, cols: number, seed = 1): Mat => (new RandomState(seed).normal([rows, cols]).toArray() as Mat).map((r) => [...r]);

function expectClose(got: unknown, want: unknown, tol = 1e-12): void {
  if (Array.isArray(want)) {
    expect((got as unknown[]).length).toBe(want.length);
    want.forEach((w, i) => expectClose((got as unknown[])[i], w, tol));
  } else {
    expect(Math.abs((got as number) - (want as number))).toBeLessThanOrEqual(tol);
  }
}

describe('Embedding: the lookup', () => {
  it.each([
    ['a scalar id', T.iscalar('ids'), 3],
    ['a vector of ids', T.ivector('ids'), [4, 0, 4, 2]],
    ['a (batch, steps) matrix', T.imatrix('ids'), [[0, 1, 1], [4, 2, 0]]],
    ['a 3-d tensor of int64 ids', T.tensor('int64', [false, false, false], 'ids'), [[[1], [2]], [[3], [3]]]],
  ] as const)('%s gives the rows the ids name, ids.shape + (outputDim,)', (_, ids, values) => {
    const W = table(5, 3);
    const emb = new Embedding(W);
    const out = emb.output(ids as V);
    expect(out.ndim).toBe((ids as V).ndim + 1);
    const got = (sym.function([ids as V], out).sync(values) as sym.NDArray).toArray();
    expectClose(got, embed(W, values));
  });

  it('takes ids as values (a constant), ignores training, and stores the table as floatX named `${name}.W`', () => {
    const emb = new Embedding(table(4, 2), { name: 'tokens' });
    expect(emb.params.map(String)).toEqual(['tokens.W']);
    expect([emb.inputDim, emb.outputDim]).toEqual([4, 2]);
    expect(emb.W.dtype).toBe(sym.config.floatX);
    expect(new Embedding(table(4, 2)).W.name).toBe('W');
    const out = emb.output(sym.array([3, 0], { dtype: 'int32' }), { training: true });
    expectClose((sym.function([], out).sync() as sym.NDArray).toArray(), embed(table(4, 2), [3, 0]));
  });
});

describe('Embedding: the gradient', () => {
  it('is a scatter-add into the rows the ids name (a repeated id adds twice), not a product with one-hot vectors', () => {
    const W = table(5, 3);
    const emb = new Embedding(W);
    const ids = T.imatrix('ids');
    const c = T.tensor3('c');
    const g = grad(T.sum(emb.output(ids).mul(c)), emb.W);
    expect(g.owner?.op).toBeInstanceOf(sym.AdvancedIncSubtensor1);
    const idValues = [[0, 1, 1], [4, 1, 0]];
    const cValues = idValues.map((row, n) => row.map((_, t) => [n + t, 1 - t, 0.5 * n]));
    const got = (sym.function([ids, c], g).sync(idValues, cValues) as sym.NDArray).toArray() as Mat;
    const want: Mat = W.map((row) => row.map(() => 0));
    idValues.forEach((row, n) => row.forEach((id, t) => cValues[n]![t]!.forEach((v, j) => (want[id]![j]! += v))));
    expectClose(got, want);
    // row 3 is named by no id: its gradient is exactly 0
    expect(got[3]).toEqual([0, 0, 0]);
  });

  it('passes verifyGrad with respect to the table', async () => {
    const emb = new Embedding(table(6, 4), { name: 'emb' });
    const ids = sym.array([[5, 0, 2], [2, 2, 1]], { dtype: 'int32' });
    const report = await verifyGrad((W) => sym.cloneReplace([T.tanh(emb.output(ids))], new Map([[emb.W as V, W]]))[0]!, [table(6, 4, 2)]);
    expect(report.maxAbsErr).toBeLessThan(1e-7);
  });
});

describe('Embedding.create', () => {
  it('draws the (inputDim, outputDim) table from rng, N(0, 1) by default, or with init', () => {
    const a = Embedding.create(50, 40, { rng: new RandomState(3), name: 'e' });
    const b = Embedding.create(50, 40, { rng: new RandomState(3), name: 'e' });
    const wa = a.W.getValue();
    expect(wa.shape).toEqual([50, 40]);
    expect(Array.from(wa.data)).toEqual(Array.from(b.W.getValue().data));
    const xs = Array.from(wa.data as Float64Array);
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length);
    // 2000 draws of N(0, 1): the mean's standard deviation is 0.022
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.abs(std - 1)).toBeLessThan(0.1);
    expect(Array.from(Embedding.create(3, 2, { init: 'zeros', rng: new RandomState(0) }).W.getValue().data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('saves and loads its table as JSON', async () => {
    const a = Embedding.create(7, 3, { rng: new RandomState(1) });
    const b = Embedding.create(7, 3, { rng: new RandomState(2) });
    loadParams(b.params, await saveParams(a.params));
    expect(Array.from(b.W.getValue().data)).toEqual(Array.from(a.W.getValue().data));
  });
});

describe('Embedding: errors', () => {
  it('names the input, what was expected and what came', () => {
    const emb = new Embedding(table(5, 3), { name: 'tokens' });
    expect(() => emb.output(T.matrix('x'))).toThrow(
      'Embedding.output: ids must be an integer tensor (one id per position), got x of type TensorType(float64, matrix)',
    );
    expect(() => emb.output(sym.array([[0, 7]], { dtype: 'int32' }))).toThrow(
      'Embedding.output: ids (a constant of shape (1, 2)) holds 7 at flat position 1, outside [0, 5) (the table tokens.W has 5 rows)',
    );
    expect(() => emb.output(T.constant(-1, { dtype: 'int8', name: 'bos' }))).toThrow('Embedding.output: ids bos holds -1, outside [0, 5)');
    expect(() => emb.output(T.imatrix('ids'), { train: true } as never)).toThrow(/unknown option "train"; the options are training/);
    expect(() => new Embedding([1, 2, 3])).toThrow('Embedding: W_init must be a matrix of shape (inputDim, outputDim) with at least one row, got shape (3,)');
    expect(() => new Embedding([[1]], { rng: new RandomState(0) } as never)).toThrow(/unknown option "rng"; the options are name/);
    expect(() => Embedding.create(0, 3)).toThrow('Embedding.create: inputDim must be a positive integer, got 0');
    expect(() => Embedding.create(3, 2.5)).toThrow('Embedding.create: outputDim must be a positive integer, got 2.5');
    expect(() => Embedding.create(3, 2, { init: 'uniform' as never })).toThrow(/Embedding.create: init: expected a function or one of normal, glorotUniform/);
  });

  it("an id out of range is NumPy's IndexError: given to the function, before the call; computed on the device, by a kernel before the call commits (the kernels clamped it)", () => {
    const emb = new Embedding(table(5, 3));
    const ids = T.ivector('ids');
    expect(() => sym.function([ids], emb.output(ids)).sync([1, 7])).toThrow('W[ids]: index 7 (ids[1]) is out of bounds for axis 0 with size 5, indexing W of shape (5, 3)');
    const out = emb.output(T.add(ids, 1));
    expect((sym.function([ids], out).sync([3]) as sym.NDArray).toArray()).toEqual(embed(table(5, 3), [4]));
    for (const mode of ['FAST_RUN', 'DebugMode'] as const) {
      expect(() => sym.function([ids], out, { mode }).sync([6])).toThrow(/W\[\(ids \+ 1\)\]: index 7 \(\(ids \+ 1\)\[0\]\) is out of bounds for axis 0 with size 5/);
    }
  });
});

describe('Embedding.outputShape', () => {
  it("is the ids' shape and outputDim, the real output's for ids of several ranks", async () => {
    const emb = Embedding.create(6, 3, { rng: new RandomState(2) });
    for (const shape of [[], [5], [2, 4], [2, 0], [2, 3, 2]]) {
      const ids = T.tensor('int32', shape.map(() => false), 'ids');
      const got = ((await sym.function([ids], emb.output(ids))(sym.fill(shape, 'int32', (i) => i % 6))) as sym.NDArray).shape;
      expect(emb.outputShape(shape)).toEqual(got);
    }
    expect(emb.outputShape([null, null])).toEqual([null, null, 3]);
  });
  it('refuses what is not a shape, naming the layer', () => {
    expect(() => Embedding.create(6, 3).outputShape([2, null, -1])).toThrow("Embedding.outputShape: expected an input shape (the ids' shape, any rank) of lengths (integers >= 0, or null where unknown), got [2,null,-1]");
  });
});
