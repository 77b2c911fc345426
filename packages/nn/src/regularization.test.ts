import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad } from '@sym/grad';
import { BatchNorm } from './batch-norm.js';
import { Conv2D } from './conv.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Layer } from './layer.js';
import { LSTM } from './recurrent.js';
import { applyPenalty, l1, l2, regularizeLayerParams, regularizeLayerParamsWeighted, regularizeNetworkParams } from './regularization.js';
import { Sequential } from './sequential.js';

const T = sym.T;
const flat = (a: sym.NDArray): number[] => Array.from(a.data, Number);
const sumOf = (xs: number[], f: (v: number) => number): number => xs.reduce((s, v) => s + f(v), 0);

/** Run the scalar `of` and its gradients against `wrt` (shared variables) with floatX float64. */
async function valueAndGrads(of: sym.TensorVariable, wrt: sym.TensorSharedVariable[]): Promise<[number, number[][]]> {
  const outs = await sym.function([], [of, ...grad(of, wrt)])();
  return [outs[0]!.item() as number, outs.slice(1).map(flat)];
}

function withFloat64<R>(body: () => R): R {
  const old = sym.config.floatX;
  sym.config.floatX = 'float64';
  try {
    return body();
  } finally {
    sym.config.floatX = old;
  }
}

describe('l2 and l1', () => {
  it("are Lasagne's sum(x^2) and sum(|x|), with gradients 2x and sign(x)", async () => {
    const values = [1.5, -2, 0, 0.25, -0.5, 3];
    const w = sym.shared(sym.array([values.slice(0, 3), values.slice(3)], { dtype: 'float64' }), { name: 'w' });
    const [v2, [g2]] = await valueAndGrads(l2(w), [w]);
    expect(v2).toBeCloseTo(sumOf(values, (v) => v * v), 14);
    expect(g2).toEqual(values.map((v) => 2 * v));
    const [v1, [g1]] = await valueAndGrads(l1(w), [w]);
    expect(v1).toBe(sumOf(values, Math.abs));
    // the gradient of |x| at 0 is 0, as Theano's
    expect(g1).toEqual(values.map(Math.sign));
  });

  it('applyPenalty sums a penalty over a list of tensors (0 for none)', async () => {
    const a = sym.shared(sym.array([1, -2], { dtype: 'float64' }), { name: 'a' });
    const b = sym.shared(sym.array([[3]], { dtype: 'float64' }), { name: 'b' });
    expect(await applyPenalty([a, b], l2).eval()).toEqual(sym.array(14, { dtype: 'float64' }));
    expect((await applyPenalty(a, l1).eval()).item()).toBe(3);
    expect((await applyPenalty([], l1).eval()).item()).toBe(0);
    expect(() => applyPenalty([a], (x) => x.mul(2))).toThrow(/applyPenalty: penalty\(a\) must be a symbolic scalar \(tensors\[0\]\), got \(a \* 2\) of type TensorType\(float64, vector\)/);
    expect(() => applyPenalty([a], 'l2' as never)).toThrow(/applyPenalty: penalty must be a function of a tensor \(l2, l1, or your own\), got l2/);
  });
});

describe('regularizeLayerParams and regularizeNetworkParams', () => {
  it('penalise the weights and not the biases by default: Dense, Layer, Conv2D, LSTM; not BatchNorm or Dropout', async () => {
    const rng = new sym.RandomState(5);
    const { net, weights, others } = withFloat64(() => {
      const conv = Conv2D.create(1, 2, [2, 2], { rng, name: 'conv' });
      const bn = new BatchNorm(2, { name: 'bn' });
      const dense = Dense.create(8, 3, { rng, name: 'dense' });
      const layer = Layer.dense(3, 2, { rng, name: 'layer' });
      const lstm = LSTM.create(2, 2, { rng, name: 'lstm' });
      const net = new Sequential([conv, bn, new Dropout(0.5, { seed: 1 }), dense, layer]);
      expect(net.regularizable).toEqual([conv.W, dense.W, layer.W]);
      expect(lstm.regularizable).toEqual([lstm.W, lstm.U]);
      const weights = [conv.W, dense.W, layer.W];
      return { net, weights, others: [conv.b!, bn.gamma, bn.beta, dense.b, layer.b] };
    });
    const penalty = regularizeNetworkParams(net, l2);
    const [value, grads] = await valueAndGrads(penalty, weights);
    const want = sumOf(weights.flatMap((w) => flat(w.getValue())), (v) => v * v);
    expect(value).toBeCloseTo(want, 12);
    weights.forEach((w, i) => expect(grads[i]).toEqual(flat(w.getValue()).map((v) => 2 * v)));
    // the biases and BatchNorm's gamma and beta take no part
    for (const p of others) expect(() => grad(penalty, [p])).toThrow(`the cost does not depend on ${p.name}`);
    // one layer, or a list of them; a Sequential is a layer whose params are its layers'
    const [dense, layer] = [net.layers[3] as Dense, net.layers[4] as Layer];
    const [both] = await valueAndGrads(regularizeLayerParams([dense, layer], l1), [dense.W]);
    expect(both).toBeCloseTo(sumOf([...flat(dense.W.getValue()), ...flat(layer.W.getValue())], Math.abs), 12);
    expect((await regularizeLayerParams(net, l2).eval()).item()).toBeCloseTo(want, 12);
  });

  it("take Lasagne's tags: { regularizable: false } the rest, { trainable: false } the state, {} everything", async () => {
    const { dense, bn, net } = withFloat64(() => {
      const dense = Dense.create(2, 2, { rng: new sym.RandomState(2), bias: 0.5, name: 'd' });
      const bn = new BatchNorm(2, { name: 'bn' });
      return { dense, bn, net: new Sequential([dense, bn]) };
    });
    const sq = (ps: sym.TensorSharedVariable[]) => sumOf(ps.flatMap((p) => flat(p.getValue())), (v) => v * v);
    const run = async (tags: object) => (await regularizeNetworkParams(net, l2, tags).eval()).item() as number;
    expect(await run({ regularizable: false })).toBeCloseTo(sq([dense.b, bn.gamma, bn.beta, bn.runningMean, bn.runningVar]), 12);
    expect(await run({ regularizable: false, trainable: true })).toBeCloseTo(sq([dense.b, bn.gamma, bn.beta]), 12);
    expect(await run({ trainable: false })).toBeCloseTo(sq([bn.runningMean, bn.runningVar]), 12);
    expect(await run({})).toBeCloseTo(sq([dense.W, dense.b, bn.gamma, bn.beta, bn.runningMean, bn.runningVar]), 12);
  });

  it('a layer of your own without a regularizable list has every param penalised; one with it, only those', async () => {
    const w = sym.shared(sym.array([1, 2], { dtype: 'float64' }), { name: 'w' });
    const c = sym.shared(sym.array([10], { dtype: 'float64' }), { name: 'c' });
    const own = { params: [w, c], output: (x: sym.TensorVariable) => x.mul(w).sum().add(c) };
    expect((await regularizeNetworkParams(own, l2).eval()).item()).toBe(105);
    expect((await regularizeNetworkParams({ ...own, regularizable: [w] }, l2).eval()).item()).toBe(5);
    expect(new Sequential([{ ...own, regularizable: [w] }]).regularizable).toEqual([w]);
    expect(() => new Sequential([{ ...own, regularizable: [sym.shared(1, { name: 'z' })] }])).toThrow(/Sequential: layers\[0\]\.regularizable must be a list of its params when given/);
  });

  it('regularizeLayerParamsWeighted weighs each layer', async () => {
    const [a, b] = withFloat64(() => [Dense.create(2, 2, { rng: new sym.RandomState(7) }), Dense.create(2, 1, { rng: new sym.RandomState(8) })]);
    const got = (await regularizeLayerParamsWeighted(new Map([[a, 0.1], [b, 0.5]]), l2).eval()).item() as number;
    const sq = (d: Dense) => sumOf(flat(d.W.getValue()), (v) => v * v);
    expect(got).toBeCloseTo(0.1 * sq(a) + 0.5 * sq(b), 12);
  });

  it('a weight decay term trains as the same term written out', async () => {
    const [d1, d2] = withFloat64(() => [Dense.create(2, 1, { rng: new sym.RandomState(4) }), Dense.create(2, 1, { rng: new sym.RandomState(4) })]);
    const x = T.matrix('x');
    const y = T.matrix('y');
    const fit = (d: Dense) => T.sum(T.sqr(d.output(x).sub(y)));
    const byHelper = fit(d1).add(regularizeNetworkParams(d1, l2).mul(0.01));
    const byHand = fit(d2).add(T.sum(T.sqr(d2.W)).mul(0.01));
    const [g1, g2] = await Promise.all([sym.function([x, y], grad(byHelper, [...d1.params]))([[1, 2]], [[3]]), sym.function([x, y], grad(byHand, [...d2.params]))([[1, 2]], [[3]])]);
    expect(g1.map(flat)).toEqual(g2.map(flat));
  });

  it('name what came in place of a layer, a penalty or tags', () => {
    const dense = Dense.create(2, 2, { rng: new sym.RandomState(1), name: 'd' });
    expect(() => regularizeNetworkParams(dense.W as never, l2)).toThrow(/regularizeNetworkParams: net must be a layer \(with params, a list of shared variables\), got the variable d\.W: pass it to applyPenalty/);
    expect(() => regularizeNetworkParams([dense] as never, l2)).toThrow(/regularizeNetworkParams: net must be one layer .* use regularizeLayerParams for a list of layers/);
    expect(() => regularizeLayerParams([dense, 3 as never], l2)).toThrow(/regularizeLayerParams: layer\[1\] must be a layer \(with params, a list of shared variables\), got 3/);
    expect(() => regularizeLayerParams(dense, l2, { regularisable: true } as never)).toThrow(/regularizeLayerParams: tags: unknown option "regularisable"; the options are regularizable, trainable/);
    expect(() => regularizeLayerParams(dense, l2, { trainable: 1 } as never)).toThrow(/regularizeLayerParams: tags\.trainable must be true or false, got 1/);
    expect(() => regularizeLayerParamsWeighted(new Map([[dense, NaN]]), l2)).toThrow(/regularizeLayerParamsWeighted: the coefficient of entry 0 must be a finite number, got NaN/);
  });
});
