/**
 * A one-block transformer (test/tiny-transformer.ts: Embedding for tokens
 * and positions, LayerNorm, causal MultiHeadAttention, a Dense
 * feed-forward block) learns, with Adam on the CPU, to name at each
 * position the token one position back: a task it can only solve by
 * attending to the previous position. In float64 and float32, seeded.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { TASK, TinyTransformer, previousTokens } from '../test/tiny-transformer.js';
import { MultiHeadAttention } from './attention.js';
import { Embedding } from './embedding.js';
import { LayerNorm } from './layer-norm.js';
import { RandomState } from './random.js';
import { Sequential } from './sequential.js';
import { loadParams, saveParams } from './serialize.js';
import { adam } from './updates.js';

const T = sym.T;

async function train(net: TinyTransformer, steps: number): Promise<number[]> {
  const ids = T.imatrix('ids');
  const targets = T.imatrix('targets');
  const { cost } = net.loss(ids, targets, { training: true });
  const step = sym.function([ids, targets], cost, { updates: adam(cost, net.params, { learningRate: 0.01 }) });
  const data = previousTokens(new RandomState(5), 64);
  const costs: number[] = [];
  for (let i = 0; i < steps; i++) costs.push(((await step(data.ids, data.targets)) as sym.NDArray).item());
  return costs;
}

describe.each(['float64', 'float32'] as const)('a one-block transformer in %s', (floatX) => {
  it('learns to name the previous token (cost from above ln 6 to below 0.01, every unseen position right) by attending to the previous position', async () => {
    const old = sym.config.floatX;
    sym.config.floatX = floatX;
    try {
      const net = new TinyTransformer(1);
      expect(net.params.every((p) => p.dtype === floatX)).toBe(true);
      const costs = await train(net, 100);
      // an untrained network guesses among 6 tokens: ln 6 = 1.79 or worse
      expect(costs[0]).toBeGreaterThan(Math.log(TASK.vocab));
      expect(costs.at(-1)).toBeLessThan(0.01);

      const ids = T.imatrix('ids');
      const targets = T.imatrix('targets');
      const unseen = previousTokens(new RandomState(6), 200);
      const { accuracy } = net.loss(ids, targets);
      expect(((await sym.function([ids, targets], accuracy)(unseen.ids, unseen.targets)) as sym.NDArray).item()).toBe(1);

      // a head gives most of position t's weight to t - 1 (the residual carries t's own token)
      const x = net.embedded(ids);
      const { weights } = net.attention.attend(net.norm1.output(x));
      const w = ((await sym.function([ids], T.mean(weights, { axis: 0 }))(unseen.ids)) as sym.NDArray).toArray() as number[][][];
      for (let t = 1; t < TASK.steps; t++) expect(Math.max(...w.map((head) => head[t]![t - 1]!))).toBeGreaterThan(0.5);
    } finally {
      sym.config.floatX = old;
    }
  });
});

describe('a one-block transformer', () => {
  it('is seeded (two runs give the same costs), learns with dropout on the attention weights, and its params save and load', async () => {
    const [a, b] = [new TinyTransformer(1), new TinyTransformer(1)];
    expect(await train(a, 5)).toEqual(await train(b, 5));

    const dropped = new TinyTransformer(1, { dropout: 0.1 });
    expect(dropped.attention.dropout?.rate).toBe(0.1);
    expect((await train(dropped, 60)).at(-1)).toBeLessThan(0.1);

    const ids = T.imatrix('ids');
    const copy = new TinyTransformer(2);
    expect(copy.params.map(String)).toEqual(dropped.params.map(String));
    const gap = sym.function([ids], T.max(T.abs(dropped.output(ids).sub(copy.output(ids)))));
    const unseen = previousTokens(new RandomState(6), 20);
    expect(((await gap(unseen.ids)) as sym.NDArray).item()).toBeGreaterThan(1e-3);
    loadParams(copy.params, await saveParams(dropped.params));
    expect(((await gap(unseen.ids)) as sym.NDArray).item()).toBe(0);
  });
});

describe('the transformer layers in a Sequential', () => {
  it('chain: ids -> Embedding -> LayerNorm -> MultiHeadAttention, training passed to each (dropout on the weights)', () => {
    const rng = new RandomState(3);
    const net = new Sequential([Embedding.create(5, 8, { rng, name: 'emb' }), new LayerNorm(8, { name: 'ln' }), MultiHeadAttention.create(8, 2, { rng, name: 'attn', causal: true, dropout: 0.5, seed: 1 })]);
    expect(net.params.map(String)).toEqual(['emb.W', 'ln.gamma', 'ln.beta', ...['query', 'key', 'value', 'out'].flatMap((p) => [`attn.${p}.W`, `attn.${p}.b`])]);
    const ids = T.imatrix('ids');
    const f = sym.function([ids], [net.output(ids), net.output(ids, { training: true })]);
    const [inference, training] = f.sync([[0, 1, 2], [4, 3, 2]]) as sym.NDArray[];
    expect(inference!.shape).toEqual([2, 3, 8]);
    expect(training!.shape).toEqual([2, 3, 8]);
    // half the attention weights dropped: the training graph's output is not the inference graph's
    expect(Array.from(training!.data)).not.toEqual(Array.from(inference!.data));
  });
});
