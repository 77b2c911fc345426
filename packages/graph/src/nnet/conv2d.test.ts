/**
 * conv2d's numGroups and its adjoints (Theano's abstract_conv
 * conv2d_grad_wrt_inputs and conv2d_grad_wrt_weights), against loops
 * written from the definitions: a grouped convolution loop, and each adjoint
 * as <conv2d(x, w), gz> differentiated by linearity (one basis image or
 * filter at a time), so no code is shared with the implementation. The
 * hand-written values come from NumPy (.audit/conv-extras/ref.py).
 */
import { describe, expect, it } from 'vitest';
import { T, sym, val } from '../../test/helpers.js';
import type { Conv2dOptions } from './conv2d.js';

type V = sym.TensorVariable;

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}
const random = (shape: number[], seed: number) => {
  const r = seeded(seed);
  return sym.fill(shape, 'float64', () => Math.round((r() * 4 - 2) * 64) / 64);
};

const padOf = (m: Conv2dOptions['borderMode'], a: 0 | 1, k: number, d: number): number => {
  if (m === undefined || m === 'valid') return 0;
  if (m === 'full') return d * (k - 1);
  if (m === 'half') return Math.floor((d * (k - 1) + 1) / 2);
  return typeof m === 'number' ? m : m[a];
};

/** out[b, o, i, j] = sum over the Cg channels of o's group, window (p, q): x[b, g Cg + c, i s + p d - pad, ...] f[o, c, p, q] (f flipped for a convolution). */
function directConv(x: sym.NDArray, f: sym.NDArray, o: Conv2dOptions): sym.NDArray {
  const [B, C, H, W] = x.shape as [number, number, number, number];
  const [O, Cg, KH, KW] = f.shape as [number, number, number, number];
  const G = o.numGroups ?? 1;
  const [sh, sw] = o.subsample ?? [1, 1];
  const [dh, dw] = o.filterDilation ?? [1, 1];
  const [ph, pw] = [padOf(o.borderMode, 0, KH, dh), padOf(o.borderMode, 1, KW, dw)];
  expect(C).toBe(G * Cg);
  const OH = Math.floor((H + 2 * ph - dh * (KH - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + 2 * pw - dw * (KW - 1) - 1) / sw) + 1;
  const out = sym.NDArray.zeros([B, O, OH, OW], 'float64');
  for (let b = 0; b < B; b++)
    for (let k = 0; k < O; k++)
      for (let i = 0; i < OH; i++)
        for (let j = 0; j < OW; j++) {
          let s = 0;
          const g = Math.floor(k / (O / G));
          for (let c = 0; c < Cg; c++)
            for (let p = 0; p < KH; p++)
              for (let q = 0; q < KW; q++) {
                const h = i * sh - ph + p * dh;
                const w = j * sw - pw + q * dw;
                if (h < 0 || h >= H || w < 0 || w >= W) continue;
                const [fp, fq] = o.filterFlip === false ? [p, q] : [KH - 1 - p, KW - 1 - q];
                s += x.data[((b * C + g * Cg + c) * H + h) * W + w]! * f.data[((k * Cg + c) * KH + fp) * KW + fq]!;
              }
          out.data[((b * O + k) * OH + i) * OW + j] = s;
        }
  return out;
}

/** The adjoint of a linear map at gz: entry e of the result is <map(basis e), gz>. */
function adjoint(shape: number[], gz: sym.NDArray, map: (basis: sym.NDArray) => sym.NDArray): sym.NDArray {
  const out = sym.NDArray.zeros(shape, 'float64');
  const e = sym.NDArray.zeros(shape, 'float64');
  for (let i = 0; i < e.size; i++) {
    e.data[i] = 1;
    const y = map(e);
    let s = 0;
    for (let k = 0; k < y.size; k++) s += y.data[k]! * gz.data[k]!;
    out.data[i] = s;
    e.data[i] = 0;
  }
  return out;
}

function expectClose(a: sym.NDArray, b: sym.NDArray, tol = 1e-9): void {
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  for (let i = 0; i < a.size; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  expect(m).toBeLessThan(tol);
}

const run = async (inputs: V[], out: V, ...values: sym.NDArray[]) => (await sym.function(inputs, out)(...values)) as sym.NDArray;

const cases: [string, number[], number[], Conv2dOptions][] = [
  ['two groups', [2, 4, 6, 5], [6, 2, 3, 2], { numGroups: 2 }],
  ['depthwise, half padding, strided', [1, 3, 5, 5], [3, 1, 3, 3], { numGroups: 3, borderMode: 'half', subsample: [2, 1] }],
  ['depthwise x2 filters per channel, full padding, dilated, cross-correlation', [2, 4, 7, 6], [8, 1, 2, 3], { numGroups: 4, borderMode: 'full', filterDilation: [2, 1], filterFlip: false }],
  ['two groups, explicit padding, strided', [1, 6, 6, 6], [4, 3, 2, 2], { numGroups: 2, borderMode: [1, 2], subsample: [2, 3] }],
  ['one group, padded and strided', [2, 3, 5, 4], [2, 3, 2, 2], { borderMode: 1, subsample: [2, 2] }],
];

describe('T.nnet.conv2d with numGroups', () => {
  for (const [what, xs, ws, o] of cases) {
    it(`${what}: matches a grouped convolution loop, filters known at build time or not`, async () => {
      const x = random(xs, 3);
      const w = random(ws, 4);
      const X = T.dtensor4('x');
      const W = T.dtensor4('w');
      const expected = directConv(x, w, o);
      expectClose(await run([X, W], T.nnet.conv2d(X, W, o), x, w), expected);
      expectClose(await run([X], T.nnet.conv2d(X, T.constant(w), o), x), expected);
    });
  }
  it('hand-computed (NumPy): a depthwise convolution of two channels', async () => {
    const x = sym.fill([1, 2, 3, 3], 'float64', (i) => i);
    const w = sym.array([1, 2, 3, 4, -1, 0, 1, 2], { shape: [2, 1, 2, 2], dtype: 'float64' });
    const y = await run([], T.nnet.conv2d(T.constant(x), T.constant(w), { numGroups: 2 }));
    expect(y.toArray()).toEqual([
      [
        [
          [13, 23],
          [43, 53],
        ],
        [
          [15, 17],
          [21, 23],
        ],
      ],
    ]);
  });
  it('refuses channels numGroups does not divide, when built and when run, naming the shapes', async () => {
    const x = T.dtensor4('x');
    expect(() => T.nnet.conv2d(T.constant(random([1, 4, 3, 3], 1)), T.constant(random([3, 2, 2, 2], 2)), { numGroups: 2 })).toThrow(/3 output channels, which numGroups 2 does not divide/);
    expect(() => T.nnet.conv2d(T.constant(random([1, 5, 3, 3], 1)), T.constant(random([4, 2, 2, 2], 2)), { numGroups: 2 })).toThrow(/has 5 channels but the filters .* expect numGroups 2 x 2 per group = 4/);
    expect(() => T.nnet.conv2d(x, T.dtensor4('w'), { numGroups: 0 })).toThrow(/numGroups must be an integer >= 1, got 0/);
    expect(() => T.nnet.conv2d(x, T.dtensor4('w'), { groups: 2 } as never)).toThrow(/unknown option "groups"/);
    const W = T.dtensor4('w');
    const f = sym.function([x, W], T.nnet.conv2d(x, W, { numGroups: 2 }));
    // when run, both shapes are the run's (the filters' too, not the build's (?, ?, ?, ?))
    await expect(f(random([1, 6, 3, 3], 1), random([4, 2, 2, 2], 2))).rejects.toThrow(/conv2d: the input x of shape \(1, 6, 3, 3\) has 6 channels but the filters w of shape \(4, 2, 2, 2\) expect numGroups 2 x 2 per group = 4/);
    await expect(f(random([1, 5, 3, 3], 1), random([4, 2, 2, 2], 2))).rejects.toThrow(/conv2d: the input x of shape \(1, 5, 3, 3\) has 5 channels but the filters w of shape \(4, 2, 2, 2\) expect numGroups 2 x 2 per group = 4/);
    await expect(f(random([1, 4, 3, 3], 1), random([3, 2, 2, 2], 2))).rejects.toThrow(/conv2d: the filters w of shape \(3, 2, 2, 2\) have 3 output channels, which numGroups 2 does not divide/);
  });
  it('an empty batch gives an empty output, grouped or not, shapes known or not', async () => {
    const [X, W] = [T.dtensor4('x'), T.dtensor4('w')];
    for (const numGroups of [1, 2, 4]) {
      const w = random([4, 4 / numGroups, 2, 2], 2);
      const x = sym.NDArray.zeros([0, 4, 5, 5], 'float64');
      expect((await run([], T.nnet.conv2d(T.constant(x), T.constant(w), { numGroups, subsample: [2, 1] }))).shape).toEqual([0, 4, 2, 4]);
      expect((await run([X, W], T.nnet.conv2d(X, W, { numGroups, borderMode: 'full' }), x, w)).shape).toEqual([0, 4, 6, 6]);
    }
  });
});

describe('T.nnet.abstractConv: conv2dGradWrtInputs and conv2dGradWrtWeights', () => {
  for (const [what, xs, ws, o] of cases) {
    it(`${what}: each is the adjoint of conv2d, input shape and filter shape as numbers or symbolic`, async () => {
      const x = random(xs, 5);
      const w = random(ws, 6);
      const y = directConv(x, w, o);
      const gz = random([...y.shape], 7);
      const [G, W, X] = [T.dtensor4('gz'), T.dtensor4('w'), T.dtensor4('x')];
      const gx = adjoint(xs, gz, (e) => directConv(e, w, o));
      expectClose(await run([G, W], T.nnet.abstractConv.conv2dGradWrtInputs(G, W, [xs[0]!, xs[1]!, xs[2]!, xs[3]!], o), gz, w), gx);
      expectClose(await run([G, W, X], T.nnet.conv2dGradWrtInputs(G, W, [null, null, X.shape[2]!, X.shape[3]!], o), gz, w, x), gx);
      const gw = adjoint(ws, gz, (e) => directConv(x, e, o));
      expectClose(await run([X, G], T.nnet.abstractConv.conv2dGradWrtWeights(X, G, [ws[0]!, ws[1]!, ws[2]!, ws[3]!], o), x, gz), gw);
      expectClose(await run([X, G, W], T.nnet.conv2dGradWrtWeights(X, G, [null, null, W.shape[2]!, W.shape[3]!], o), x, gz, w), gw);
    });
  }
  it('hand-computed (NumPy): a transposed convolution with stride 2 spreads each value over a flipped 2x2 window', async () => {
    const gz = T.constant(sym.array([1, 2, 3, 4], { shape: [1, 1, 2, 2], dtype: 'float64' }));
    const w = T.constant(sym.array([1, 10, 100, 1000], { shape: [1, 1, 2, 2], dtype: 'float64' }));
    const up = await run([], T.nnet.conv2dGradWrtInputs(gz, w, [1, 1, 4, 4], { subsample: [2, 2] }));
    expect(up.toArray()).toEqual([
      [
        [
          [1000, 100, 2000, 200],
          [10, 1, 20, 2],
          [3000, 300, 4000, 400],
          [30, 3, 40, 4],
        ],
      ],
    ]);
    const gw = await run([], T.nnet.conv2dGradWrtWeights(T.constant(sym.fill([1, 1, 3, 3], 'float64', (i) => i)), T.constant(sym.array([1, -1, 2, 0], { shape: [1, 1, 2, 2], dtype: 'float64' })), [1, 1, 2, 2]));
    expect(gw.toArray()).toEqual([
      [
        [
          [13, 11],
          [7, 5],
        ],
      ],
    ]);
  });
  it('an input shape that stride 2 maps to the same output takes its extra row as zeros', async () => {
    const gz = T.constant(random([1, 1, 2, 2], 1));
    const w = T.constant(random([1, 1, 3, 3], 2));
    const five = await run([], T.nnet.conv2dGradWrtInputs(gz, w, [null, null, 5, 5], { subsample: [2, 2] }));
    const six = await run([], T.nnet.conv2dGradWrtInputs(gz, w, [null, null, 6, 6], { subsample: [2, 2] }));
    expect(six.shape).toEqual([1, 1, 6, 6]);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(six.data[i * 6 + j]).toBe(five.data[i * 5 + j]);
    for (let k = 0; k < 6; k++) expect([six.data[5 * 6 + k], six.data[k * 6 + 5]]).toEqual([0, 0]);
  });
  it('refuses shapes that do not fit, naming the inputs, what was expected and what came', async () => {
    const [G, W, X] = [T.dtensor4('gz'), T.dtensor4('w'), T.dtensor4('x')];
    const gz = T.constant(random([2, 3, 4, 4], 1));
    const w = T.constant(random([3, 2, 3, 3], 2));
    expect(() => T.nnet.conv2dGradWrtInputs(gz, w, [null, null, 7, 6])).toThrow(/an input of 7 rows \(inputShape\) gives 5 output rows with these options, but outputGrad .* has 4/);
    expect(() => T.nnet.conv2dGradWrtInputs(gz, w, [3, null, 6, 6])).toThrow(/inputShape\[0\] is the batch of outputGrad .*: expected 3, got 2/);
    expect(() => T.nnet.conv2dGradWrtInputs(gz, w, [null, 3, 6, 6])).toThrow(/inputShape\[1\] must be numGroups 1 x the filters' 2 channels per group .*: expected 2, got 3/);
    expect(() => T.nnet.conv2dGradWrtInputs(G, W, [null, null, 6] as never)).toThrow(/inputShape must have four entries/);
    expect(() => T.nnet.conv2dGradWrtInputs(G, W, [null, null, 6, 1.5])).toThrow(/inputShape\[3\] must be an integer >= 1 or an integer scalar, got 1.5/);
    expect(() => T.nnet.conv2dGradWrtWeights(X, gz, [4, 2, 3, 3])).toThrow(/filterShape\[0\] is the number of filters, one per channel of outputGrad .*: expected 4, got 3/);
    expect(() => T.nnet.conv2dGradWrtWeights(T.constant(random([2, 5, 6, 6], 3)), gz, [3, null, 3, 3], { numGroups: 3 })).toThrow(/the input .* has 5 channels, which numGroups 3 does not divide/);
    const f = sym.function([X, G], T.nnet.conv2dGradWrtWeights(X, G, [null, null, 3, 3]));
    await expect(f(random([1, 2, 7, 6], 1), random([1, 3, 4, 4], 2))).rejects.toThrow(/conv2dGradWrtWeights: the input x has 5 windows along its rows with filters of 3x3 and these options, but outputGrad gz of shape \(1, 3, 4, 4\) has 4 output rows/);
    const g = sym.function([G, W], T.nnet.conv2dGradWrtInputs(G, W, [null, null, 6, 6]));
    await expect(g(random([1, 3, 4, 4], 1), random([2, 2, 3, 3], 2))).rejects.toThrow(/outputGrad gz of shape \(1, 3, 4, 4\) has 3 channels but there are 2 filters/);
  });
  it('checks when run what the build could not: inputShape and filterShape against the shapes that come', async () => {
    const [G, W, X] = [T.dtensor4('gz'), T.dtensor4('w'), T.dtensor4('x')];
    const [r, c] = [T.iscalar('r'), T.iscalar('c')];
    const gz = random([1, 2, 3, 3], 1);
    const w = random([2, 1, 3, 3], 2);
    // stride 2: 7 and 8 rows give 3 output rows; 10 gives 4, which is not outputGrad's
    const byRows = sym.function([G, W, r, c], T.nnet.conv2dGradWrtInputs(G, W, [null, null, r, c], { subsample: [2, 2] }));
    expect(((await byRows(gz, w, 8, 7)) as sym.NDArray).shape).toEqual([1, 1, 8, 7]);
    await expect(byRows(gz, w, 10, 7)).rejects.toThrow(/conv2dGradWrtInputs: an input of inputShape\[2\] rows gives 4 output rows with these options, but outputGrad gz of shape \(1, 2, 3, 3\) has 3/);
    await expect(byRows(gz, w, 7, 4)).rejects.toThrow(/conv2dGradWrtInputs: an input of inputShape\[3\] cols gives 1 output cols with these options, but outputGrad gz of shape \(1, 2, 3, 3\) has 3/);
    // the batch and channels inputShape gives were ignored when run (a (1, 1, 7, 7) result for [5, 3, 7, 7])
    const byNumbers = sym.function([G, W], T.nnet.conv2dGradWrtInputs(G, W, [5, 3, 7, 7], { subsample: [2, 2] }));
    await expect(byNumbers(gz, w)).rejects.toThrow(/conv2dGradWrtInputs: inputShape\[0\]=5 is the batch of outputGrad gz, of shape \(1, 2, 3, 3\)/);
    const byChannels = sym.function([G, W], T.nnet.conv2dGradWrtInputs(G, W, [1, 3, 7, 7], { subsample: [2, 2] }));
    await expect(byChannels(gz, w)).rejects.toThrow(/conv2dGradWrtInputs: inputShape\[1\]=3 must be numGroups 1 x the channels per group of the filters w, of shape \(2, 1, 3, 3\)/);
    expect(() => T.nnet.conv2dGradWrtInputs(G, W, [1, 3, 7, 7], { numGroups: 2 })).toThrow(/inputShape\[1\]=3 channels, which numGroups 2 does not divide/);
    // and filterShape's first two, which conv2dGradWrtWeights returns as the result's shape
    const x = random([1, 1, 7, 7], 3);
    const byFilters = sym.function([X, G], T.nnet.conv2dGradWrtWeights(X, G, [3, 1, 3, 3], { subsample: [2, 2] }));
    await expect(byFilters(x, gz)).rejects.toThrow(/conv2dGradWrtWeights: filterShape\[0\]=3 is the number of filters, one per channel of outputGrad gz, of shape \(1, 2, 3, 3\)/);
    const byFilterChannels = sym.function([X, G], T.nnet.conv2dGradWrtWeights(X, G, [2, 2, 3, 3], { subsample: [2, 2] }));
    await expect(byFilterChannels(x, gz)).rejects.toThrow(/conv2dGradWrtWeights: filterShape\[1\]=2 is the input's channels per group, but the input x of shape \(1, 1, 7, 7\) has 1 channels \(numGroups 1\)/);
    const ok = sym.function([X, G], T.nnet.conv2dGradWrtWeights(X, G, [2, 1, 3, 3], { subsample: [2, 2] }));
    expect(((await ok(x, gz)) as sym.NDArray).shape).toEqual([2, 1, 3, 3]);
  });
  it('an inputShape too small for one window is refused naming inputShape, the least length and what came, built or run', async () => {
    const [G, W] = [T.dtensor4('gz'), T.dtensor4('w')];
    const [r, c] = [T.iscalar('r'), T.iscalar('c')];
    const w = random([1, 1, 3, 3], 2);
    const f = sym.function([G, W, r, c], T.nnet.conv2dGradWrtInputs(G, W, [null, null, r, c]));
    expect(((await f(random([1, 1, 1, 1], 1), w, 3, 3)) as sym.NDArray).shape).toEqual([1, 1, 3, 3]);
    // the error came from the Im2Col inside, naming neither inputShape nor the function called
    const rows = /^conv2dGradWrtInputs: inputShape\[2\] must be at least 3 rows for one 3x3 window of the filters w with these options, got 2$/;
    await expect(f(random([1, 1, 1, 1], 1), w, 2, 3)).rejects.toThrow(rows);
    await expect(f(random([1, 1, 0, 1], 1), w, 2, 3)).rejects.toThrow(rows);
    // padding 1 each side: one row is enough; dilation 2 spans 5 cols, so 3 with that padding
    const padded = sym.function([G, W, r, c], T.nnet.conv2dGradWrtInputs(G, W, [null, null, r, c], { borderMode: [1, 1], filterDilation: [1, 2] }));
    expect(((await padded(random([1, 1, 1, 1], 1), w, 1, 3)) as sym.NDArray).shape).toEqual([1, 1, 1, 3]);
    await expect(padded(random([1, 1, 1, 1], 1), w, 1, 2)).rejects.toThrow(/^conv2dGradWrtInputs: inputShape\[3\] must be at least 3 cols for one 3x3 window of the filters w with these options, got 2/);
    // numbers and filters known at build time: refused when built
    expect(() => T.nnet.conv2dGradWrtInputs(G, T.constant(w), [null, null, 3, 2])).toThrow(/^conv2dGradWrtInputs: inputShape\[3\] must be at least 3 cols for one 3x3 window of the filters TensorConstant\{.*\} with these options, got 2/);
  });
  it('a symbolic inputShape row or col count below 1 is refused naming inputShape, what it must be and what came', async () => {
    const [G, W] = [T.dtensor4('gz'), T.dtensor4('w')];
    const [r, c] = [T.iscalar('r'), T.iscalar('c')];
    const f = sym.function([G, W, r, c], T.nnet.conv2dGradWrtInputs(G, W, [null, null, r, c], { borderMode: 'full' }));
    expect(((await f(random([1, 1, 3, 3], 1), random([1, 1, 3, 3], 2), 1, 1)) as sym.NDArray).shape).toEqual([1, 1, 1, 1]);
    // the error came from the alloc inside: "alloc: length 1 must be a non-negative integer, got -1"
    await expect(f(random([1, 1, 3, 3], 1), random([1, 1, 3, 3], 2), -1, 1)).rejects.toThrow(/^conv2dGradWrtInputs: inputShape\[2\] \(the input's rows\) must be an integer >= 1, got -1$/);
    await expect(f(random([1, 1, 3, 3], 1), random([1, 1, 3, 3], 2), 1, -4)).rejects.toThrow(/^conv2dGradWrtInputs: inputShape\[3\] \(the input's cols\) must be an integer >= 1, got -4$/);
    await expect(f(random([1, 1, 2, 3], 1), random([1, 1, 3, 3], 2), 0, 1)).rejects.toThrow(/^conv2dGradWrtInputs: inputShape\[2\] \(the input's rows\) must be an integer >= 1, got 0$/);
  });
  it('an empty batch gives zeros (wrt weights) and an empty gradient (wrt inputs), grouped or not', async () => {
    const [G, W, X] = [T.dtensor4('gz'), T.dtensor4('w'), T.dtensor4('x')];
    for (const numGroups of [1, 2]) {
      const o: Conv2dOptions = { numGroups, subsample: [2, 2], borderMode: 'half' };
      const gz = sym.NDArray.zeros([0, 4, 3, 3], 'float64');
      const w = random([4, 4 / numGroups, 3, 3], 2);
      expect((await run([G, W], T.nnet.conv2dGradWrtInputs(G, W, [null, 4, 6, 5], o), gz, w)).shape).toEqual([0, 4, 6, 5]);
      expect((await run([], T.nnet.conv2dGradWrtInputs(T.constant(gz), T.constant(w), [0, 4, 6, 5], o))).shape).toEqual([0, 4, 6, 5]);
      const gw = await run([X, G], T.nnet.conv2dGradWrtWeights(X, G, [4, 4 / numGroups, 3, 3], o), sym.NDArray.zeros([0, 4, 6, 5], 'float64'), gz);
      expect(val(gw)).toEqual(val(sym.NDArray.zeros([4, 4 / numGroups, 3, 3], 'float64')));
    }
  });
});

describe('T.nnet.abstractConv.bilinearUpsampling', () => {
  // NumPy (.audit/conv-extras/ref.py), from Theano's procedure: the edges repeated once, then a transposed convolution per axis
  const x = sym.fill([1, 1, 2, 3], 'float64', (i) => i);
  it('ratio 2: the last row and col repeated once more than the first, as Theano notes; shapes known or not', async () => {
    const expected = [
      [0, 0.5, 1, 1.5, 2, 2],
      [1.5, 2, 2.5, 3, 3.5, 3.5],
      [3, 3.5, 4, 4.5, 5, 5],
      [3, 3.5, 4, 4.5, 5, 5],
    ];
    expect(((await run([], T.nnet.abstractConv.bilinearUpsampling(T.constant(x), 2))).toArray() as number[][][][])[0]![0]).toEqual(expected);
    const X = T.dtensor4('x');
    const y = await run([X], T.nnet.abstractConv.bilinearUpsampling(X, 2), sym.fill([2, 3, 2, 3], 'float64', (i) => i % 6));
    expect(y.shape).toEqual([2, 3, 4, 6]);
    expect((y.toArray() as number[][][][])[1]![2]).toEqual(expected);
  });
  it('ratio 3 (odd: both edges repeated once) and ratio 1 (the image itself)', async () => {
    const y = await run([], T.nnet.abstractConv.bilinearUpsampling(T.constant(x), 3));
    const third = [0, 0, 1 / 3, 2 / 3, 1, 4 / 3, 5 / 3, 2, 2];
    const rows = [third, third, third.map((v) => v + 1), third.map((v) => v + 2), third.map((v) => v + 3), third.map((v) => v + 3)];
    expectClose(y, sym.array([rows], { shape: [1, 1, 6, 9], dtype: 'float64' }), 1e-12);
    expect((await run([], T.nnet.abstractConv.bilinearUpsampling(T.constant(x), 1))).toArray()).toEqual(x.toArray());
  });
  it("gives floatX, the dtype of Theano's kernel, or a wider input's float dtype; refuses a fractional ratio", async () => {
    const up = (v: sym.TensorVariable) => T.nnet.abstractConv.bilinearUpsampling(v, 2);
    const floatX = sym.config.floatX;
    try {
      sym.config.floatX = 'float64';
      // Theano: the result is the float64 kernel's dtype; it was float32
      expect([up(T.ftensor4('f')).dtype, up(T.dtensor4('d')).dtype, up(T.itensor4('i')).dtype, up(T.tensor4('h', 'float16')).dtype]).toEqual(['float64', 'float64', 'float64', 'float64']);
      const y = await run([], up(T.constant(sym.array(x.toArray() as number[][][][], { dtype: 'float32' }))));
      expect([y.dtype, (y.toArray() as number[][][][])[0]![0]![1]]).toEqual(['float64', [1.5, 2, 2.5, 3, 3.5, 3.5]]);
      sym.config.floatX = 'float32';
      expect([up(T.ftensor4('f')).dtype, up(T.dtensor4('d')).dtype, up(T.itensor4('i')).dtype, up(T.tensor4('h', 'float16')).dtype]).toEqual(['float32', 'float64', 'float32', 'float32']);
    } finally {
      sym.config.floatX = floatX;
    }
    expect(() => T.nnet.abstractConv.bilinearUpsampling(T.dtensor4('d'), 1.5)).toThrow(/ratio must be an integer >= 1, got 1.5 \(fractional ratios are not supported\)/);
    expect(() => T.nnet.abstractConv.bilinearUpsampling(T.dmatrix('m'), 2)).toThrow(/the input must be 4-d/);
  });
  it('an empty batch or no channels give an empty output', async () => {
    const X = T.dtensor4('x');
    for (const shape of [[0, 2, 2, 3], [2, 0, 2, 3]]) {
      expect((await run([X], T.nnet.abstractConv.bilinearUpsampling(X, 2), sym.NDArray.zeros(shape, 'float64'))).shape).toEqual([shape[0], shape[1], 4, 6]);
    }
  });
});

describe('an image too small for the filters, found when the function runs, names the caller', () => {
  const [X, W] = [T.dtensor4('x'), T.dtensor4('w')];
  it("conv2d names the input, its shape, the filters' window, the least length and what came", async () => {
    const f = sym.function([X, W], T.nnet.conv2d(X, W));
    await expect(f(random([1, 1, 2, 5], 1), random([1, 1, 3, 3], 2))).rejects.toThrow(
      /^conv2d: the input x of shape \(1, 1, 2, 5\) is too small for one 3x3 window of the filters w with these options: expected at least 3 rows, got 2$/,
    );
    await expect(f(random([1, 1, 5, 1], 1), random([1, 1, 3, 2], 2))).rejects.toThrow(
      /^conv2d: the input x of shape \(1, 1, 5, 1\) is too small for one 3x2 window of the filters w with these options: expected at least 2 cols, got 1$/,
    );
    // filters known when built: the window is a number in the check, the filters are named when built
    const w = T.constant(random([2, 1, 3, 3], 2), { name: 'w3' });
    const g = sym.function([X], T.nnet.conv2d(X, w));
    await expect(g(random([1, 1, 2, 5], 1))).rejects.toThrow(/^conv2d: the input x of shape \(1, 1, 2, 5\) is too small for one 3x3 window of the filters with these options: expected at least 3 rows, got 2$/);
    expect(() => T.nnet.conv2d(T.constant(random([1, 1, 2, 5], 1), { name: 'small' }), w)).toThrow(
      /^conv2d: the input small of shape \(1, 1, 2, 5\) is too small for one 3x3 window of the filters w3 with these options: expected at least 3 rows, got 2$/,
    );
  });
  it('the run-time check refuses exactly the images Im2Col has no window for, across paddings, dilations and strides', async () => {
    const cases: Conv2dOptions[] = [{}, { borderMode: 1 }, { borderMode: [2, 0], filterDilation: [2, 3] }, { borderMode: 'half', filterDilation: [2, 1] }, { borderMode: 'full', subsample: [2, 2] }];
    for (const options of cases) {
      const f = sym.function([X, W], T.nnet.conv2d(X, W, options));
      for (const [k, n] of [[1, 0], [1, 1], [2, 0], [2, 1], [3, 1], [3, 2], [3, 3], [4, 2], [4, 5]] as const) {
        const x = random([1, 1, n, n + 2], 1);
        const w = random([1, 1, k, 1], 2);
        const d = options.filterDilation?.[0] ?? 1;
        let fits = true;
        try {
          sym.windowCount(n, k, options.subsample?.[0] ?? 1, d, padOf(options.borderMode, 0, k, d), 'strict');
        } catch {
          fits = false;
        }
        if (fits) expect(((await f(x, w)) as sym.NDArray).shape).toEqual(directConv(x, w, options).shape);
        else await expect(f(x, w)).rejects.toThrow(new RegExp(`^conv2d: the input x of shape \\(1, 1, ${n}, ${n + 2}\\) is too small for one ${k}x1 window of the filters w with these options: expected at least \\d+ rows, got ${n}$`));
      }
    }
  });
  it('conv2dGradWrtWeights names the input and filterShape; the gradient of conv2d, the input', async () => {
    const gz = T.dtensor4('gz');
    const f = sym.function([X, gz], T.nnet.conv2dGradWrtWeights(X, gz, [1, 1, 3, 3]));
    await expect(f(random([1, 1, 2, 2], 1), random([1, 1, 1, 1], 2))).rejects.toThrow(
      /^conv2dGradWrtWeights: the input x of shape \(1, 1, 2, 2\) is too small for one 3x3 window of filterShape with these options: expected at least 3 rows, got 2$/,
    );
    expect(() => T.nnet.conv2dGradWrtWeights(T.constant(random([1, 1, 4, 2], 1), { name: 'img' }), gz, [1, 1, 3, 3])).toThrow(
      /^conv2dGradWrtWeights: the input img of shape \(1, 1, 4, 2\) is too small for one 3x3 window of filterShape with these options: expected at least 3 cols, got 2$/,
    );
    const { grad } = await import('../../../grad/src/index.js');
    const cost = T.sum(T.nnet.conv2d(X, W));
    const g = sym.function([X, W], grad(cost, [X, W]));
    await expect(g(random([1, 1, 2, 2], 1), random([1, 1, 3, 3], 2))).rejects.toThrow(/^conv2d: the input x of shape \(1, 1, 2, 2\) is too small for one 3x3 window of the filters w/);
  });
  it('checks merged across calls word what the calls share: two filters of one window on one image', async () => {
    // numGroups 2 with the channels known: the image is x itself for both calls, and their checks are one node
    const x = T.reshape(X, [T.shapeI(X, 0), 2, T.shapeI(X, 2), T.shapeI(X, 3)]);
    expect(x.staticShape).toEqual([null, 2, null, null]);
    const [a, b] = [T.constant(random([2, 1, 3, 3], 1), { name: 'a' }), T.constant(random([2, 1, 3, 3], 2), { name: 'b' })];
    const f = sym.function([X], [T.nnet.conv2d(x, a, { numGroups: 2 }), T.nnet.conv2d(x, b, { numGroups: 2 })]);
    const error = await f(random([1, 2, 2, 4], 3)).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(error).toBe(`conv2d: the input ${x} of shape (1, 2, 2, 4) is too small for one 3x3 window of the filters with these options: expected at least 3 rows, got 2`);
  });
});

describe("conv2d's shape hints (Theano's input_shape, filter_shape)", () => {
  const ones = (shape: number[]) => sym.array(new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(1), { dtype: 'float64' }).reshape(shape);
  it('give the output its static shape and are checked when the function runs', () => {
    const x = T.dtensor4('x');
    const w = T.dtensor4('w');
    const y = T.nnet.conv2d(x, w, { inputShape: [7, 3, 5, 5], filterShape: [2, 3, 4, 4] });
    expect(y.staticShape).toEqual([7, 2, 2, 2]);
    const f = sym.function([x, w], y.sum());
    expect(Number(f.sync(ones([7, 3, 5, 5]), ones([2, 3, 4, 4])))).toBe(7 * 2 * 2 * 2 * 48);
    expect(() => f.sync(ones([7, 3, 6, 5]), ones([2, 3, 4, 4]))).toThrow('conv2d: inputShape: x has shape (7, 3, 6, 5), but the shape specified is (7, 3, 5, 5)');
    expect(T.nnet.conv2d(x, w, { inputShape: [null, 3, 5, 5] }).staticShape).toEqual([null, null, null, null]);
  });

  it("are named among the known options when an unknown one comes (Theano's older image_shape)", () => {
    const [x, w] = [T.dtensor4('x'), T.dtensor4('w')];
    expect(() => T.nnet.conv2d(x, w, { imageShape: [7, 3, 5, 5] } as never)).toThrow(
      'conv2d: unknown option "imageShape" (known: borderMode, subsample, filterFlip, filterDilation, numGroups, inputShape, filterShape)',
    );
    expect(() => T.nnet.conv2d(x, w, { filterShape: [2, 3, 4] })).toThrow('conv2d: filterShape: the shape must list 4 lengths, one per dimension of w');
  });
});
