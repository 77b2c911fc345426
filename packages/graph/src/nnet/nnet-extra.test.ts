/**
 * nnet-extra.ts against NumPy 2.4 (written out): the crossentropy_softmax
 * 1-hot family from a stable log-softmax (finite at a logit gap of 2000),
 * softmaxWithBias, crossentropyCategorical1hot and
 * sigmoidBinaryCrossentropy; gradients with verifyGrad and Theano's
 * sigmoid(o) - t.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { grad, verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  grad: (c: V, w: V[]) => V[];
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};
const f64 = (v: sym.NestedArray) => T.constant(sym.array(v, { dtype: 'float64' }));
const value = (v: V) => both(v).toArray();
const close = (want: number[], digits = 13) => want.map((w) => expect.closeTo(w, digits));
const Z = [[1, 2, 3], [-1, 0, 4.5], [1000, 0, -1000]];
const B = [0.5, -0.5, 0];
const labels = T.constant(sym.array([2, 0, 2], { dtype: 'int32' }));
// zz = Z + B; ls = log-softmax of zz; nll = -ls[arange(3), y]
const NLL = [0.3689811354013154, 5.013385901721449, 2000.5];
const SM = [[0.15428077298188622, 0.15428077298188622, 0.6914384540362276], [0.006648354478866003, 0.006648354478866003, 0.986703291042268], [1, 0, 0]];

describe('the crossentropy_softmax 1-hot family', () => {
  it('gives nll, softmax, argmax (and max) of x + b, nll finite where the softmax underflows', () => {
    const [nll, sm, am] = T.nnet.crossentropySoftmaxArgmax1hotWithBias(f64(Z), f64(B), labels);
    expect(value(nll)).toEqual(close(NLL));
    (value(sm) as number[][]).forEach((row, i) => expect(row).toEqual(close(SM[i]!, 15)));
    expect(value(am)).toEqual([2, 2, 0]);
    const [nll2, sm2] = T.nnet.crossentropySoftmax1hotWithBias(f64(Z), f64(B), labels);
    expect([value(nll2), value(sm2)]).toEqual([value(nll), value(sm)]);
    const [, , mx, am4] = T.nnet.crossentropySoftmaxMaxAndArgmax1hotWithBias(f64(Z), f64(B), labels);
    expect(value(mx)).toEqual(close([0.6914384540362276, 0.986703291042268, 1], 15));
    expect(value(am4)).toEqual([2, 2, 0]);
    expect(value(T.nnet.softmaxWithBias(f64(Z), f64(B)))).toEqual(value(sm));
  });

  it('without a bias', () => {
    const zb = f64(Z.map((r) => r.map((v, j) => v + B[j]!)));
    const [nll, sm] = T.nnet.crossentropySoftmax1hot(zb, labels);
    expect(value(nll)).toEqual(close(NLL));
    expect(value(sm)).toEqual(value(T.softmax(zb)));
    const [nll4] = T.nnet.crossentropySoftmaxMaxAndArgmax1hot(zb, labels);
    expect(value(nll4)).toEqual(close(NLL));
  });

  it('crossentropyCategorical1hot picks -log p of each label', () => {
    expect(value(T.nnet.crossentropyCategorical1hot(f64(SM.slice(0, 2)), T.constant(sym.array([2, 1], { dtype: 'int64' }))))).toEqual(close([0.3689811354013154, 5.013385901721449]));
    expect(() => T.nnet.crossentropyCategorical1hot(f64(SM), f64(SM))).toThrow(/true_one_of_n must be an integer vector/);
  });

  it('check their arguments', () => {
    expect(() => T.nnet.crossentropySoftmax1hot(f64([1, 2]), labels)).toThrow(/crossentropySoftmax1hot: x must be a matrix/);
    expect(() => T.nnet.softmaxWithBias(f64(Z), f64(Z))).toThrow(/softmaxWithBias: b must be a vector/);
    expect(() => T.nnet.crossentropySoftmax1hotWithBias(f64(Z), f64(B), f64([1, 2, 3]))).toThrow(/y_idx must be an integer vector/);
  });

  it('differentiate the nll in x and b', async () => {
    const y = T.constant(sym.array([1, 0], { dtype: 'int32' }));
    const r = await verifyGrad((x, b) => T.nnet.crossentropySoftmax1hotWithBias(x, b, y)[0], [[[0.1, -0.5, 2], [1, 1.5, -1]], [0.2, 0, -0.3]]);
    expect(r.maxAbsErr).toBeLessThan(1e-5);
  });
});

describe('sigmoidBinaryCrossentropy', () => {
  it('is binary_crossentropy(sigmoid(o), t), finite for any logit', () => {
    const o = f64([-800, -2, 0, 0.5, 30, 800]);
    const t = f64([0, 1, 0.5, 0.25, 1, 0]);
    expect(value(T.nnet.sigmoidBinaryCrossentropy(o, t))).toEqual(close([0, 2.1269280110429727, 0.6931471805599453, 0.8490769841801067, 9.237055564881302e-14, 800]));
    const direct = value(T.nnet.binaryCrossentropy(T.sigmoid(f64([-2, 0.5])), f64([1, 0.25]))) as number[];
    expect(value(T.nnet.sigmoidBinaryCrossentropy(f64([-2, 0.5]), f64([1, 0.25])))).toEqual(close(direct));
  });

  it("keeps Theano's accuracy where the loss is small (softplus(-|o|) + o ((o > 0) - t), not softplus(o) - o t)", () => {
    // np.logaddexp(0, -abs(o)) + o * ((o > 0) - t) in float64: softplus(o) - o t gave 0 for o = 20 in float32
    // and 2.061153026e-9 (7 digits) in float64
    const o = [20, 40, 5, -20, 3];
    const t = [1, 1, 1, 0, 0.5];
    const want = [2.061153620314381e-9, 4.248354255291589e-18, 0.006715348489118068, 2.061153620314381e-9, 1.548587351573742];
    const got64 = value(T.nnet.sigmoidBinaryCrossentropy(f64(o), f64(t))) as number[];
    got64.forEach((g, i) => expect(Math.abs(g - want[i]!) / want[i]!).toBeLessThan(1e-14));
    const f32 = (v: number[]) => T.constant(sym.array(v, { dtype: 'float32' }));
    const got32 = both(T.nnet.sigmoidBinaryCrossentropy(f32(o), f32(t)));
    expect(got32.dtype).toBe('float32');
    (got32.toArray() as number[]).forEach((g, i) => expect(Math.abs(g - want[i]!) / want[i]!).toBeLessThan(1e-6));
  });

  it("differentiates as Theano's sigmoid(o) - t and -o, at o = 0 too", async () => {
    const o = T.dvector('o');
    const t = T.dvector('t');
    const [go, gt] = grad(T.nnet.sigmoidBinaryCrossentropy(o, t).sum(), [o, t]);
    const [a, b] = sym.function([o, t], [go!, gt!]).sync([0, -3, 2], [0.25, 1, 0]) as sym.NDArray[];
    expect(a!.toArray()).toEqual(close([0.25, 1 / (1 + Math.exp(3)) - 1, 1 / (1 + Math.exp(-2))], 15));
    expect(b!.toArray()).toEqual([-0, 3, -2]);
    expect((await verifyGrad((x, y) => T.nnet.sigmoidBinaryCrossentropy(x, y), [[[0.3, -4, 2]], [0.1, 0.9, 0.5]])).maxAbsErr).toBeLessThan(1e-5);
  });
});

describe('T.nnet', () => {
  // tensor.ts lists nnet-extra.ts's functions one by one (each with its line in the API reference), where a spread of
  // the module namespace used to add every one: a function added here must be listed there too
  it('holds every function nnet-extra.ts exports, under its own name', async () => {
    const extra = await import('./nnet-extra.js');
    const names = Object.keys(extra);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect({ name, fn: (T.nnet as Record<string, unknown>)[name] }).toEqual({ name, fn: (extra as Record<string, unknown>)[name] });
  });
});
