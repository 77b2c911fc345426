import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { twoGaussianClouds } from './data.js';
import { Layer, MLP } from './layer.js';
import { binaryCrossentropy } from './losses.js';
import { RandomState } from './random.js';
import { Sequential, type LayerLike } from './sequential.js';
import { loadParams, saveParams } from './serialize.js';
import { adam, gradientUpdatesMomentum } from './updates.js';

const T = sym.T;

/** A layer written outside @sym/nn: a learned gain per feature, a (n, 1) column broadcast over the examples. */
class Gain implements LayerLike {
  readonly gain: sym.TensorSharedVariable;
  readonly params: readonly sym.TensorSharedVariable[];
  constructor(n: number, start = 1) {
    const g = sym.NDArray.zeros([n, 1], sym.config.floatX);
    g.data.fill(start);
    this.gain = sym.shared(g, { name: 'gain', broadcastable: [false, true] });
    this.params = [this.gain];
  }
  output(x: sym.TensorVariable): sym.TensorVariable {
    return x.mul(this.gain);
  }
}

/** x + inner(x): a layer that holds another layer. */
class Residual implements LayerLike {
  constructor(readonly inner: LayerLike) {}
  get params(): readonly sym.TensorSharedVariable[] {
    return this.inner.params;
  }
  output(x: sym.TensorVariable): sym.TensorVariable {
    return x.add(this.inner.output(x));
  }
}

function network(seed: number): Sequential {
  const rng = new RandomState(seed);
  return new Sequential([
    Layer.dense(2, 6, { activation: 'tanh', rng, name: 'in' }),
    new Gain(6),
    new Residual(Layer.dense(6, 6, { activation: 'tanh', rng, name: 'res' })),
    Layer.dense(6, 1, { activation: 'sigmoid', rng, name: 'out' }),
  ]);
}

describe('Sequential', () => {
  it('chains built-in and custom layers and lists their parameters in order', async () => {
    const net = network(1);
    expect(net.params.map(String)).toEqual(['in.W', 'in.b', 'gain', 'res.W', 'res.b', 'out.W', 'out.b']);
    const x = T.matrix('x');
    const [first, gain, residual, last] = net.layers as [Layer, Gain, Residual, Layer];
    const byHand = last.output(residual.output(gain.output(first.output(x))));
    const f = sym.function([x], [net.output(x), byHand]);
    const [got, want] = await f([[0.5, -1, 2], [1, 0.25, -0.5]]);
    expect(got!.shape).toEqual([1, 3]);
    expect(Array.from(got!.data)).toEqual(Array.from(want!.data));
  });

  it('trains custom layers with momentum, and saves and loads them', async () => {
    const { X, y } = twoGaussianClouds(new RandomState(7), 200);
    const net = network(1);
    const x = T.matrix('x');
    const t = T.vector('t');
    const cost = binaryCrossentropy(net.output(x).flatten(), t);
    const train = sym.function([x, t], cost, { updates: gradientUpdatesMomentum(cost, net.params, 0.5, 0.9) });
    const costs: number[] = [];
    for (let i = 0; i < 60; i++) costs.push((await train(X, y)).item());
    // The two clouds overlap (the tutorial's MLP reaches about 0.8 accuracy): the cost falls from about 0.53 to 0.41.
    expect(costs.at(-1)!).toBeLessThan(costs[0]! - 0.1);
    const accuracy = await sym.function([x, t], T.mean(T.eq(net.output(x).flatten().gt(0.5), t)))(X, y);
    expect(accuracy.item()).toBeGreaterThan(0.75);
    const gain = (net.layers[1] as Gain).gain.getValue();
    // The custom layer's parameter was trained too.
    expect(Array.from(gain.data).some((g) => g !== 1)).toBe(true);

    const copy = network(2);
    loadParams(copy.params, await saveParams(net.params));
    const outputs = async (n: Sequential): Promise<number[]> => Array.from((await sym.function([x], n.output(x))(X)).data);
    expect(await outputs(copy)).toEqual(await outputs(net));
  });

  it('holds an MLP as a layer, and a layer used twice has its parameters once', async () => {
    const mlp = MLP.fromSizes([2, 2, 2], { activation: 'tanh', rng: new RandomState(3) });
    const shared = new Gain(2, 0.5);
    const net = new Sequential([shared, mlp, shared]);
    expect(net.params).toEqual([shared.gain, ...mlp.params]);
    const x = T.matrix('x');
    const cost = T.sum(net.output(x).pow(2));
    // One update per parameter: a repeated one would make sym.function refuse the updates.
    const train = sym.function([x], cost, { updates: adam(cost, net.params, { learningRate: 0.01 }) });
    const before = (await train([[1, 2], [3, 4]])).item();
    const after = (await train([[1, 2], [3, 4]])).item();
    expect(after).toBeLessThan(before);
  });

  it('is the identity without layers, and names what is not a layer', async () => {
    const x = T.vector('x');
    expect(new Sequential([]).output(x)).toBe(x);
    expect(new Sequential([]).params).toEqual([]);
    expect(() => new Sequential([Layer.dense(1, 1, { rng: new RandomState(0) }), { output: (v: sym.TensorVariable) => v } as never])).toThrow(
      /Sequential: layers\[1\] must have params \(a list of shared variables\) and output\(x\), got \[object Object\]/,
    );
    expect(() => new Sequential([{ params: [T.vector('v')], output: (v: sym.TensorVariable) => v } as never])).toThrow(/layers\[0\] must have params/);
    expect(() => new Sequential([{ params: [], state: [T.vector('v')], output: (v: sym.TensorVariable) => v } as never])).toThrow(/layers\[0\]\.state must be a list of shared variables when given/);
    expect(() => new Sequential('dense' as never)).toThrow(/Sequential: expected a list of layers/);
  });

  it("names a layer of one's own whose outputShape gives what is not a shape, not the layer after it", () => {
    class Halves implements LayerLike {
      readonly params = [];
      constructor(readonly gives: unknown) {}
      output(v: sym.TensorVariable): sym.TensorVariable {
        return v.mul(0.5);
      }
      outputShape(): sym.StaticShape {
        return this.gives as sym.StaticShape;
      }
    }
    const after = Layer.dense(3, 2, { rng: new RandomState(0) });
    for (const gives of [5, [2, -1], [2, 1.5], undefined]) {
      expect(() => new Sequential([new Halves(gives), after]).outputShape([3, null])).toThrow(
        `Sequential.outputShape: layers[0] (Halves).outputShape gave ${JSON.stringify(gives) ?? 'undefined'} for [3,null], expected a shape: a list of lengths (integers >= 0, or null where unknown)`,
      );
    }
    expect(new Sequential([new Halves([3, null])]).outputShape([3, null])).toEqual([3, null]);
  });
});
