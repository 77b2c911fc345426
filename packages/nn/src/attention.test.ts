/**
 * MultiHeadAttention against multi-head attention written out in plain
 * TypeScript loops (test/attention-reference.ts) to 1e-12: self- and
 * cross-attention, the causal mask, boolean, integer and additive masks;
 * the causal mask's independence from later inputs; gradients against
 * finite differences; dropout on the weights; drawn weights, names,
 * save/load, float32 and the errors.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { grad, verifyGrad } from '@sym/grad';
import '@sym/backend-cpu';
import { attention, type AttentionWeights, type Mat, type Mat3, type MaskAt } from '../test/attention-reference.js';
import { MultiHeadAttention } from './attention.js';
import { Dense } from './dense.js';
import { RandomState } from './random.js';
import { loadParams, saveParams } from './serialize.js';

const T = sym.T;
type V = sym.TensorVariable;

const normal = (rng: RandomState, shape: number[], std = 0.7): sym.NDArray => rng.normal(shape, { std });
const nested = <A>(a: sym.NDArray): A => JSON.parse(JSON.stringify(a.toArray())) as A;

/** Every weight and bias random, so that a wrong head split or a transposed block shows. */
function randomWeights(seed: number, dims: { query: number; key: number; value: number; keyDim: number; valueDim: number; out: number; heads: number }): AttentionWeights {
  const rng = new RandomState(seed);
  const { heads } = dims;
  const m = (r: number, c: number): Mat => nested(normal(rng, [r, c]));
  const v = (n: number): number[] => nested(normal(rng, [n]));
  return {
    Wq: m(dims.query, heads * dims.keyDim),
    bq: v(heads * dims.keyDim),
    Wk: m(dims.key, heads * dims.keyDim),
    bk: v(heads * dims.keyDim),
    Wv: m(dims.value, heads * dims.valueDim),
    bv: v(heads * dims.valueDim),
    Wo: m(heads * dims.valueDim, dims.out),
    bo: v(dims.out),
  };
}

function layerOf(w: AttentionWeights, heads: number, options: ConstructorParameters<typeof MultiHeadAttention>[2] = {}): MultiHeadAttention {
  const d = (W: Mat, b: number[], name: string) => new Dense(W, b, null, { name });
  return new MultiHeadAttention(heads, { query: d(w.Wq, w.bq, 'q'), key: d(w.Wk, w.bk, 'k'), value: d(w.Wv, w.bv, 'v'), out: d(w.Wo, w.bo, 'o') }, options);
}

function expectClose(got: unknown, want: unknown, tol = 1e-12): void {
  if (Array.isArray(want)) {
    expect((got as unknown[]).length).toBe(want.length);
    want.forEach((w, i) => expectClose((got as unknown[])[i], w, tol));
  } else {
    expect(Math.abs((got as number) - (want as number))).toBeLessThanOrEqual(tol);
  }
}

const SELF = { query: 4, key: 4, value: 4, keyDim: 2, valueDim: 2, out: 4, heads: 2 };
const [B, STEPS] = [2, 4];
const causalAt: MaskAt = (_, t, s) => ({ allowed: s <= t, add: 0 });

describe('MultiHeadAttention against plain TypeScript', () => {
  const w = randomWeights(1, SELF);
  const x = T.tensor3('x');
  const input = normal(new RandomState(2), [B, STEPS, 4], 1);
  const xs = nested<Mat3>(input);

  it('self-attention: the output and every head\'s weights, which sum to 1 over the source', () => {
    const layer = layerOf(w, 2);
    const { output, weights } = layer.attend(x);
    const [out, p] = sym.function([x], [output, weights, layer.output(x)]).sync(input) as sym.NDArray[];
    expect(out!.shape).toEqual([B, STEPS, 4]);
    expect(p!.shape).toEqual([B, 2, STEPS, STEPS]);
    const want = attention(xs, xs, xs, w, 2);
    expectClose(nested(out!), want.output);
    expectClose(nested(p!), want.weights);
    for (const row of (nested(p!) as number[][][][]).flat(2)) expect(Math.abs(row.reduce((a, v) => a + v, 0) - 1)).toBeLessThan(1e-14);
  });

  it('the causal mask: query t attends to s <= t only, a masked weight exactly 0 (the layer\'s option, or a call\'s)', () => {
    const want = attention(xs, xs, xs, w, 2, causalAt);
    for (const [layer, options] of [[layerOf(w, 2, { causal: true }), {}], [layerOf(w, 2), { causal: true }]] as const) {
      const { output, weights } = layer.attend(x, options);
      const [out, p] = sym.function([x], [output, weights]).sync(input) as sym.NDArray[];
      expectClose(nested(out!), want.output);
      expectClose(nested(p!), want.weights);
      (nested(p!) as number[][][][]).forEach((perHead) => perHead.forEach((rows) => rows.forEach((row, t) => row.forEach((v, s) => s > t && expect(v).toBe(0)))));
    }
    // a layer made causal attends everywhere when a call says causal: false
    const [open] = sym.function([x], [layerOf(w, 2, { causal: true }).output(x, { causal: false })]).sync(input) as sym.NDArray[];
    expectClose(nested(open!), attention(xs, xs, xs, w, 2).output);
  });

  it('a boolean padding mask (batch, S), with the causal mask too', () => {
    const pad = [[true, true, true, false], [true, true, false, false]];
    const m = T.tensor('bool', [false, false], 'pad');
    const { output, weights } = layerOf(w, 2, { causal: true }).attend(x, { mask: m });
    const [out, p] = sym.function([x, m], [output, weights]).sync(input, pad) as sym.NDArray[];
    const want = attention(xs, xs, xs, w, 2, (n, t, s) => ({ allowed: pad[n]![s]! && s <= t, add: 0 }));
    expectClose(nested(out!), want.output);
    expectClose(nested(p!), want.weights);
  });

  it('an integer (batch, T, S) mask (nonzero attends) and an additive float one; a broadcastable batch axis applies to every example', () => {
    const ints = [0, 1].map((n) => Array.from({ length: STEPS }, (_, t) => Array.from({ length: STEPS }, (_, s) => ((n + t + 2 * s) % 3 === 0 ? 0 : 7))));
    const im = T.tensor('int8', [false, false, false], 'm');
    const layer = layerOf(w, 2);
    const got = sym.function([x, im], layer.output(x, { mask: im })).sync(input, ints) as sym.NDArray;
    expectClose(nested(got), attention(xs, xs, xs, w, 2, (n, t, s) => ({ allowed: ints[n]![t]![s]! !== 0, add: 0 })).output);

    const bias = Array.from({ length: STEPS }, (_, t) => Array.from({ length: STEPS }, (_, s) => Math.sin(3 * t + s) * 2));
    const fm = T.tensor('float64', [true, false, false], 'bias');
    const added = sym.function([x, fm], layer.output(x, { mask: fm })).sync(input, [bias]) as sym.NDArray;
    expectClose(nested(added), attention(xs, xs, xs, w, 2, (_, t, s) => ({ allowed: true, add: bias[t]![s]! })).output);
  });

  it("plain-number masks: 0/1 integers attend where 1, other integers (PyTorch's additive -1e9) are refused; a float64 additive mask keeps a float32 layer float32", () => {
    const layer = layerOf(w, 2);
    const { weights } = layer.attend(x, { mask: [[1, 0, 1, 1]] });
    const p = nested<number[][][][]>(sym.function([x], weights).sync(input) as sym.NDArray);
    expect(p.flat(3).filter((_, i) => i % STEPS === 1)).toEqual(new Array(B * 2 * STEPS).fill(0));
    expect(() => layer.attend(x, { mask: [[0, -1e9, 0, 0]] })).toThrow(
      /mask given as plain numbers holds -1000000000 at flat position 1; plain integers make an integer mask \(1 attends, 0 does not\)/,
    );
    const prev = sym.config.floatX;
    sym.config.floatX = 'float32';
    try {
      const x32 = T.tensor3('x32');
      const f32 = MultiHeadAttention.create(4, 2, { rng: new RandomState(9) });
      expect(f32.output(x32, { mask: [[0, -0.5, 0, 0]] }).dtype).toBe('float32');
      expect(f32.output(x32, { mask: T.dmatrix('m') }).dtype).toBe('float32');
    } finally {
      sym.config.floatX = prev;
    }
  });

  it('cross-attention: a value sequence of another length and width, keys from a third input', () => {
    const dims = { query: 4, key: 3, value: 6, keyDim: 3, valueDim: 2, out: 5, heads: 2 };
    const wc = randomWeights(3, dims);
    const layer = layerOf(wc, 2);
    expect([layer.keyDim, layer.valueDim]).toEqual([3, 2]);
    const [v, k] = [T.tensor3('v'), T.tensor3('k')];
    const rng = new RandomState(4);
    const [vIn, kIn] = [normal(rng, [B, 5, 6], 1), normal(rng, [B, 5, 3], 1)];
    const { output, weights } = layer.attend(x, { value: v, key: k, causal: true });
    const [out, p] = sym.function([x, v, k], [output, weights]).sync(input, vIn, kIn) as sym.NDArray[];
    expect(out!.shape).toEqual([B, STEPS, 5]);
    expect(p!.shape).toEqual([B, 2, STEPS, 5]);
    const want = attention(xs, nested(vIn), nested(kIn), wc, 2, causalAt);
    expectClose(nested(out!), want.output);
    expectClose(nested(p!), want.weights);
  });
});

describe('MultiHeadAttention: the causal mask and later inputs', () => {
  it('the output at t is the same whatever the inputs after t are, and its gradient with respect to them is exactly 0', () => {
    const layer = MultiHeadAttention.create(4, 2, { rng: new RandomState(5), causal: true });
    const x = T.tensor3('x');
    const out = layer.output(x);
    const f = sym.function([x], out);
    const rng = new RandomState(6);
    const a = nested<Mat3>(normal(rng, [B, 5, 4], 1));
    const outA = nested<Mat3>(f.sync(a) as sym.NDArray);
    for (let t = 0; t < 4; t++) {
      // every input after t changed
      const b = a.map((seq) => seq.map((row, s) => (s > t ? row.map((v) => v * -3 + 1) : row)));
      const outB = nested<Mat3>(f.sync(b) as sym.NDArray);
      for (let n = 0; n < B; n++) {
        for (let s = 0; s <= t; s++) expect(outB[n]![s]).toEqual(outA[n]![s]);
        expect(outB[n]![t + 1]).not.toEqual(outA[n]![t + 1]);
      }
      const g = nested<Mat3>(sym.function([x], grad(T.sum(out.get(':', t)), x)).sync(a) as sym.NDArray);
      g.forEach((seq) => seq.forEach((row, s) => row.forEach((v) => (s > t ? expect(v).toBe(0) : undefined))));
      expect(g[0]![t]!.some((v) => v !== 0)).toBe(true);
    }
  });
});

describe('MultiHeadAttention: gradients', () => {
  it('passes verifyGrad with respect to the input and every projection, with a causal and a padding mask', async () => {
    const layer = layerOf(randomWeights(7, SELF), 2, { causal: true });
    const pad = sym.array([[1, 1, 0], [1, 1, 1]], { dtype: 'int32' });
    const rng = new RandomState(8);
    const points = [normal(rng, [2, 3, 4], 1), ...layer.params.map((p) => p.getValue())];
    const report = await verifyGrad((x, ...ps) => {
      const out = layer.output(x, { mask: pad });
      return sym.cloneReplace([out], new Map(layer.params.map((p, i) => [p as V, ps[i]!])))[0]!;
    }, points);
    expect(report.maxAbsErr).toBeLessThan(1e-7);
  });

  it('passes verifyGrad for cross-attention with respect to query, value and key', async () => {
    const layer = layerOf(randomWeights(9, { query: 4, key: 3, value: 2, keyDim: 2, valueDim: 3, out: 2, heads: 2 }), 2);
    const rng = new RandomState(10);
    const report = await verifyGrad((q, v, k) => layer.attend(q, { value: v, key: k }).output, [normal(rng, [2, 3, 4], 1), normal(rng, [2, 4, 2], 1), normal(rng, [2, 4, 3], 1)]);
    expect(report.maxAbsErr).toBeLessThan(1e-7);
  });
});

describe('MultiHeadAttention: dropout on the weights', () => {
  const w = randomWeights(11, SELF);
  const x = T.tensor3('x');
  const input = normal(new RandomState(12), [B, STEPS, 4], 1);

  it('is the identity in the inference graph; in the training graph it drops weights, draws anew each call, the same for the same seed', () => {
    const plain = sym.function([x], layerOf(w, 2).output(x)).sync(input) as sym.NDArray;
    const layer = layerOf(w, 2, { dropout: 0.5, seed: 3 });
    expect(layer.dropout?.rate).toBe(0.5);
    const inference = sym.function([x], layer.output(x)).sync(input) as sym.NDArray;
    expect(Array.from(inference.data)).toEqual(Array.from(plain.data));
    const train = (l: MultiHeadAttention) => {
      const f = sym.function([x], l.output(x, { training: true }));
      return [0, 1, 2].map(() => Array.from((f.sync(input) as sym.NDArray).data));
    };
    const calls = train(layer);
    expect(calls[0]).not.toEqual(Array.from(plain.data));
    expect(calls[1]).not.toEqual(calls[0]);
    expect(train(layerOf(w, 2, { dropout: 0.5, seed: 3 }))).toEqual(calls);
    expect(train(layerOf(w, 2, { dropout: 0.5, seed: 4 }))).not.toEqual(calls);
  });

  it('keeps the expected output: the mean of many training outputs nears the inference output', () => {
    const layer = layerOf(w, 2, { dropout: 0.3, srng: new sym.RandomStreams(5) });
    const f = sym.function([x], layer.output(x, { training: true }));
    const inference = Array.from((sym.function([x], layer.output(x)).sync(input) as sym.NDArray).data);
    const sum = new Array<number>(inference.length).fill(0);
    const N = 400;
    for (let i = 0; i < N; i++) (f.sync(input) as sym.NDArray).data.forEach((v, k) => (sum[k]! += v));
    const worst = Math.max(...sum.map((s, k) => Math.abs(s / N - inference[k]!)));
    const scale = Math.max(...inference.map(Math.abs));
    expect(worst / scale).toBeLessThan(0.05);
  });
});

describe('MultiHeadAttention.create', () => {
  it('draws query, key, value and out projections named `${name}.query.W`, ..., with keyDim modelDim / heads by default', () => {
    const layer = MultiHeadAttention.create(8, 2, { rng: new RandomState(1), name: 'attn' });
    expect(layer.params.map(String)).toEqual(['attn.query.W', 'attn.query.b', 'attn.key.W', 'attn.key.b', 'attn.value.W', 'attn.value.b', 'attn.out.W', 'attn.out.b']);
    expect(layer.params.map((p) => p.getValue().shape)).toEqual([[8, 8], [8], [8, 8], [8], [8, 8], [8], [8, 8], [8]]);
    expect([layer.heads, layer.keyDim, layer.valueDim, layer.causal, layer.dropout]).toEqual([2, 4, 4, false, null]);
    expect(MultiHeadAttention.create(2, 1).params[0]!.name).toBe('query.W');
    const sized = MultiHeadAttention.create(6, 3, { keyDim: 5, valueDim: 2, sourceDim: 7, rng: new RandomState(1) });
    expect(sized.params.map((p) => p.getValue().shape)).toEqual([[6, 15], [15], [7, 15], [15], [7, 6], [6], [6, 6], [6]]);
    const same = MultiHeadAttention.create(8, 2, { rng: new RandomState(1), name: 'attn' });
    expect(Array.from(same.params[4]!.getValue().data)).toEqual(Array.from(layer.params[4]!.getValue().data));
  });

  it('saves and loads every projection as JSON', async () => {
    const a = MultiHeadAttention.create(4, 2, { rng: new RandomState(1) });
    const b = MultiHeadAttention.create(4, 2, { rng: new RandomState(2) });
    const x = T.tensor3('x');
    const gap = sym.function([x], T.max(T.abs(a.output(x).sub(b.output(x)))));
    const input = normal(new RandomState(3), [2, 3, 4], 1);
    expect((gap.sync(input) as sym.NDArray).item()).toBeGreaterThan(1e-3);
    loadParams(b.params, await saveParams(a.params));
    expect((gap.sync(input) as sym.NDArray).item()).toBe(0);
  });

  it('computes in float32 under floatX=float32, to the float64 reference within float32 precision', () => {
    const old = sym.config.floatX;
    sym.config.floatX = 'float32';
    try {
      const w = randomWeights(13, SELF);
      const layer = layerOf(w, 2, { causal: true });
      expect(layer.params.every((p) => p.dtype === 'float32')).toBe(true);
      const x = T.ftensor3('x');
      const { output, weights } = layer.attend(x);
      expect([output.dtype, weights.dtype]).toEqual(['float32', 'float32']);
      const input = normal(new RandomState(14), [B, STEPS, 4], 1).astype('float32');
      const [out] = sym.function([x], [output]).sync(input) as sym.NDArray[];
      const xs = nested<Mat3>(input);
      expectClose(nested(out!), attention(xs, xs, xs, w, 2, causalAt).output, 1e-5);
    } finally {
      sym.config.floatX = old;
    }
  });
});

describe('MultiHeadAttention: errors', () => {
  const w = randomWeights(15, SELF);
  const d = (W: Mat, b: number[]) => new Dense(W, b, null);

  it('in the constructor and create: names the input, what was expected and what came', () => {
    const projections = { query: d(w.Wq, w.bq), key: d(w.Wk, w.bk), value: d(w.Wv, w.bv), out: d(w.Wo, w.bo) };
    expect(() => new MultiHeadAttention(0, projections)).toThrow('MultiHeadAttention: heads must be a positive integer, got 0');
    expect(() => new MultiHeadAttention(3, projections)).toThrow('MultiHeadAttention: the query projection gives 4 outputs, not a multiple of 3 heads');
    expect(() => new MultiHeadAttention(2, { ...projections, key: d([[1, 2]], [0, 0]) })).toThrow(/the key projection gives 2 outputs but the query projection 4/);
    expect(() => new MultiHeadAttention(2, { ...projections, out: d([[1], [2]], [0]) })).toThrow('MultiHeadAttention: the out projection takes 2 inputs but the value projection gives 4 (2 heads of 2)');
    expect(() => new MultiHeadAttention(2, { ...projections, value: 3 as never })).toThrow('MultiHeadAttention: projections.value must be a Dense layer, got 3');
    expect(() => new MultiHeadAttention(2, { ...projections, output: projections.out } as never)).toThrow(/unknown option "output"; the options are query, key, value, out/);
    expect(() => new MultiHeadAttention(2, projections, { dropout: 1 })).toThrow(/dropout must be a number in \[0, 1\).*got 1/);
    expect(() => new MultiHeadAttention(2, projections, { seed: 1 })).toThrow(/srng and seed are for the dropout on the attention weights; pass a dropout rate above 0/);
    expect(() => new MultiHeadAttention(2, projections, { causal: 'yes' as never })).toThrow('MultiHeadAttention: causal must be a boolean, got yes');
    expect(() => MultiHeadAttention.create(6, 4)).toThrow('MultiHeadAttention.create: modelDim 6 is not a multiple of 4 heads; pass keyDim');
    expect(() => MultiHeadAttention.create(4, 2, { keyDim: 0 })).toThrow('MultiHeadAttention.create: keyDim must be a positive integer, got 0');
    expect(() => MultiHeadAttention.create(4, 2, { numHeads: 2 } as never)).toThrow(/unknown option "numHeads"/);
  });

  it('in a call: the inputs\' ranks, widths and lengths, the masks and the options', () => {
    const layer = new MultiHeadAttention(2, { query: d(w.Wq, w.bq), key: d(w.Wk, w.bk), value: d(w.Wv, w.bv), out: d(w.Wo, w.bo) });
    const x = T.tensor3('x');
    expect(() => layer.output(T.matrix('m'))).toThrow('MultiHeadAttention.attend: query must be a float tensor (batch, steps, features), got m of type TensorType(float64, matrix)');
    expect(() => layer.attend(x, { value: T.tensor('int32', [false, false, false], 'v') })).toThrow(/value must be a float tensor/);
    expect(() => layer.output(x, { mask: T.vector('m') })).toThrow(/mask must be \(batch, S\), a padding mask over the source, or \(batch, T, S\), got m/);
    expect(() => layer.output(x, { value: x } as never)).toThrow(/unknown option "value"; the options are mask, causal, training/);
    expect(() => layer.attend(x, { training: 1 as never })).toThrow('MultiHeadAttention.attend: training must be a boolean, got 1');
    const run = (out: V, inputs: V[], ...values: unknown[]) => () => sym.function(inputs, out).sync(...values);
    expect(run(layer.output(x), [x], [[[1, 2, 3]]])).toThrow('MultiHeadAttention: the query input of shape (1, 1, 3) must have 4 features in its last axis (the query projection\'s inputs)');
    const v = T.tensor3('v');
    expect(run(layer.attend(x, { value: v }).output, [x, v], [[[1, 2, 3, 4]]], [[[1, 2, 3, 4]], [[1, 2, 3, 4]]])).toThrow(
      'MultiHeadAttention.attend: value of shape (2, 1, 4) and query of shape (1, 1, 4) must have the same batch size',
    );
    const m = T.imatrix('m');
    expect(run(layer.output(x, { mask: m }), [x, m], [[[1, 2, 3, 4], [1, 2, 3, 4]]], [[1, 1, 1]])).toThrow(
      'MultiHeadAttention.attend: mask of shape (1, 3) does not fit: its axis 1 must have the length of the source steps (S), 2',
    );
  });
});

describe('MultiHeadAttention.outputShape', () => {
  it("is the real self-attention output's shape: (batch, T, the out projection's outputs)", async () => {
    const rng = new RandomState(4);
    const d = (i: number, o: number) => Dense.create(i, o, { rng });
    const layers = [
      MultiHeadAttention.create(4, 2, { rng }),
      MultiHeadAttention.create(6, 3, { rng, keyDim: 5, valueDim: 2, causal: true }),
      new MultiHeadAttention(2, { query: d(4, 6), key: d(4, 6), value: d(4, 4), out: d(4, 7) }),
    ];
    for (const layer of layers) {
      const x = T.tensor3('x');
      const f = sym.function([x], layer.output(x));
      for (const shape of [[2, 3, layer.query.nInput], [1, 1, layer.query.nInput], [0, 2, layer.query.nInput]]) {
        expect(layer.outputShape(shape)).toEqual(((await f(new RandomState(5).normal(shape))) as sym.NDArray).shape);
      }
      expect(layer.outputShape([null, null, null])).toEqual([null, null, layer.out.nOutput]);
    }
  });
  it('refuses another rank or feature count, and a layer that attends over another sequence, naming the layer', () => {
    const layer = MultiHeadAttention.create(4, 2, { rng: new RandomState(1) });
    expect(() => layer.outputShape([2, 3, 5])).toThrow("MultiHeadAttention.outputShape: the input shape (2, 3, 5) has 5 features (axis 2), expected 4 (the query, key and value projections' inputs)");
    expect(() => layer.outputShape([3, 4])).toThrow('MultiHeadAttention.outputShape: expected an input shape (batch, steps, 4), got (3, 4) (2-d)');
    const cross = MultiHeadAttention.create(4, 2, { sourceDim: 6, rng: new RandomState(1) });
    expect(() => cross.outputShape([2, 3, 4])).toThrow(
      'MultiHeadAttention.outputShape: self-attention gives x to the query, key and value projections, which take 4, 6, 6 features; this layer attends over another sequence: use attend(query, { value })',
    );
  });
});
