import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import { adam } from '@sym/nn';
import { describe, expect, it } from 'vitest';
import { TransformerLM, repeatedSequences } from './transformer-lm.js';
import { PARAM_NAMES, referenceLM, type RefParams } from './transformer-lm-reference.js';
import { maxAbsDiff, useFloat64, useFloatX } from './test-support.js';

const T = sym.T;
const SIZES = { vocab: 5, steps: 5, dim: 8, heads: 2, ff: 12 } as const;
const PERIOD = 3;

const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
const rows = (a: sym.NDArray): number[][] => a.toArray() as number[][];
const relErr = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.max(0, ...Array.from(a, (v, i) => Math.abs(v - b[i]!) / Math.max(1, Math.abs(b[i]!))));

/** A model whose layer norms' gammas and betas and every bias are random too (they start at 1 and 0), so that a swapped one shows. */
function model(seed: number): TransformerLM {
  const m = new TransformerLM(SIZES, seed);
  const rng = new sym.RandomState(seed + 10);
  for (const p of m.params) {
    if (!/(gamma|beta|\.b)$/.test(p.name ?? '')) continue;
    const shape = p.valueShape as number[];
    p.setValue((p.name!.endsWith('gamma') ? rng.uniform(shape, { low: 0.5, high: 1.5 }) : rng.normal(shape, { std: 0.3 })).astype(sym.config.floatX));
  }
  return m;
}

function refParams(m: TransformerLM): RefParams {
  return Object.fromEntries(m.params.map((p) => [p.name!, Float64Array.from(p.getValue().data as ArrayLike<number>)]));
}

const data = repeatedSequences(new sym.RandomState(3), 3, SIZES.vocab, PERIOD);

/** The compiled cost, logits, weights and gradients at the model's weights. */
async function evaluate(m: TransformerLM): Promise<sym.NDArray[]> {
  const [ids, targets] = [T.imatrix('ids'), T.imatrix('targets')];
  const { cost, logits } = m.loss(ids, targets);
  const { weights } = m.forward(ids);
  return (await sym.function([ids, targets], [cost, logits, weights, ...grad(cost, [...m.params])])(data.ids, data.targets)) as sym.NDArray[];
}

describe('tiny Transformer language model (nn: Embedding, LayerNorm, causal MultiHeadAttention, Dense, adam)', () => {
  describe('float64', () => {
    useFloat64();

    it('forward, loss, attention weights and all twenty gradients match the plain-TypeScript backward pass at fixed weights to 1e-10', async () => {
      const m = model(1);
      expect(m.params.map((p) => p.name)).toEqual([...PARAM_NAMES]);
      const [cost, logits, weights, ...grads] = await evaluate(m);
      const ref = referenceLM(refParams(m), SIZES.heads, rows(data.ids), rows(data.targets));
      expect(Math.abs(cost!.item() - ref.cost)).toBeLessThan(1e-12);
      expect(maxAbsDiff(flat(logits!.toArray()), flat(ref.logits))).toBeLessThan(1e-12);
      expect(maxAbsDiff(flat(weights!.toArray()), flat(ref.weights))).toBeLessThan(1e-12);
      PARAM_NAMES.forEach((name, i) => {
        expect(grads[i]!.shape).toEqual(m.params[i]!.valueShape);
        expect(maxAbsDiff(grads[i]!.data as Float64Array, ref.grads[name]!)).toBeLessThan(1e-10);
      });
      // every parameter gets a gradient but the key projection's bias: q . (k + b) adds q . b to a whole row of
      // scores, which the softmax ignores, so its gradient is 0 (to rounding) in both
      PARAM_NAMES.forEach((name) => {
        const largest = Math.max(...ref.grads[name]!.map(Math.abs));
        if (name === 'attention.key.b') expect(largest).toBeLessThan(1e-15);
        else expect(largest).toBeGreaterThan(1e-5);
      });
    });

    it('is causal: no weight on a later position, and changing the tokens after t leaves the logits up to t exactly as they were (not so without the mask)', async () => {
      const m = model(2);
      const ids = T.imatrix('ids');
      const f = sym.function([ids], [m.forward(ids).logits, m.forward(ids).weights, m.forward(ids, { causal: false }).logits]);
      const original = [[0, 1, 2, 3, 4], [4, 4, 1, 0, 2]];
      const [logits, weights, open] = (await f(sym.array(original, { dtype: 'int32' }))) as sym.NDArray[];
      const w = weights!.toArray() as number[][][][];
      for (const example of w) for (const head of example) head.forEach((row, t) => row.forEach((v, s) => (s > t ? expect(v).toBe(0) : expect(v).toBeGreaterThan(0))));
      const positionRows = (a: sym.NDArray, n: number, upTo: number) => (a.toArray() as number[][][])[n]!.slice(0, upTo + 1);
      for (let t = 0; t < SIZES.steps - 1; t++) {
        // every token after position t changed
        const changed = original.map((seq) => seq.map((id, s) => (s > t ? (id + 1 + (s % (SIZES.vocab - 1))) % SIZES.vocab : id)));
        const [logits2, , open2] = (await f(sym.array(changed, { dtype: 'int32' }))) as sym.NDArray[];
        for (let n = 0; n < 2; n++) {
          expect(positionRows(logits2!, n, t)).toEqual(positionRows(logits!, n, t));
          // position t + 1 reads its own (changed) token: its logits move
          expect(positionRows(logits2!, n, t + 1)[t + 1]).not.toEqual(positionRows(logits!, n, t + 1)[t + 1]);
          // without the mask, position t sees the later tokens
          expect(positionRows(open2!, n, t)[t]).not.toEqual(positionRows(open!, n, t)[t]);
        }
      }
    });

    it('three Adam steps with a warm-up learning rate (a shared variable set between calls) match the reference step by step', async () => {
      const m = model(4);
      const [ids, targets] = [T.imatrix('ids'), T.imatrix('targets')];
      const { cost } = m.loss(ids, targets);
      // a float: sym.shared(0), like theano.shared(0), would be an int64 scalar that refuses 0.01
      const lr = sym.shared(sym.array(0, { dtype: 'float64' }), { name: 'lr' });
      const train = sym.function([ids, targets], cost, { updates: adam(cost, m.params, { learningRate: lr }) });
      const p = refParams(m);
      const moments = Object.fromEntries(PARAM_NAMES.map((k) => [k, [new Float64Array(p[k]!.length), new Float64Array(p[k]!.length)]]));
      for (let step = 1; step <= 3; step++) {
        const rate = 0.01 * step; // linear warm-up
        lr.setValue(rate);
        const got = (await train(data.ids, data.targets)).item();
        const ref = referenceLM(p, SIZES.heads, rows(data.ids), rows(data.targets));
        expect(Math.abs(got - ref.cost)).toBeLessThan(1e-12);
        // Lasagne's Adam: the bias corrections in the step size, epsilon 1e-8 added to sqrt(v)
        const stepSize = (rate * Math.sqrt(1 - 0.999 ** step)) / (1 - 0.9 ** step);
        for (const k of PARAM_NAMES) {
          const [mk, vk] = moments[k]!;
          ref.grads[k]!.forEach((gi, i) => {
            mk![i] = 0.9 * mk![i]! + 0.1 * gi;
            vk![i] = 0.999 * vk![i]! + 0.001 * gi * gi;
            p[k]![i]! -= (stepSize * mk![i]!) / (Math.sqrt(vk![i]!) + 1e-8);
          });
        }
        m.params.forEach((v, i) => expect(maxAbsDiff(v.getValue().data as Float64Array, p[PARAM_NAMES[i]!]!)).toBeLessThan(1e-10));
      }
    });
  });

  describe('float32', () => {
    useFloatX('float32');

    it('computes in float32 and agrees with the float64 reference', async () => {
      const m = model(1);
      const got = await evaluate(m);
      expect(got.every((a) => a.dtype === 'float32')).toBe(true);
      const [cost, logits, weights, ...grads] = got;
      const ref = referenceLM(refParams(m), SIZES.heads, rows(data.ids), rows(data.targets));
      expect(Math.abs(cost!.item() - ref.cost)).toBeLessThan(1e-5);
      expect(relErr(flat(logits!.toArray()), flat(ref.logits))).toBeLessThan(1e-5);
      expect(relErr(flat(weights!.toArray()), flat(ref.weights))).toBeLessThan(1e-5);
      PARAM_NAMES.forEach((name, i) => expect(relErr(grads[i]!.data as Float32Array, ref.grads[name]!)).toBeLessThan(1e-5));
    });

    it('learns to continue a repeated sequence: the second half predicted from the first through attention', async () => {
      const m = new TransformerLM({ ...SIZES, dim: 16, ff: 32 }, 6);
      const [ids, targets] = [T.imatrix('ids'), T.imatrix('targets')];
      const { cost, logits } = m.loss(ids, targets);
      const train = sym.function([ids, targets], cost, { updates: adam(cost, m.params, { learningRate: 0.01 }) });
      const predict = sym.function([ids], T.argmax(logits, { axis: 2 }));
      const set = repeatedSequences(new sym.RandomState(8), 64, SIZES.vocab, PERIOD);
      const costs: number[] = [];
      for (let i = 0; i < 150; i++) costs.push((await train(set.ids, set.targets)).item());
      const unseen = repeatedSequences(new sym.RandomState(9), 100, SIZES.vocab, PERIOD);
      const predicted = rows((await predict(unseen.ids)) as sym.NDArray);
      // positions PERIOD - 1 on predict a token already seen; the first positions' next tokens are random
      const right = predicted.flatMap((row, n) => row.slice(PERIOD - 1).map((v, t) => v === rows(unseen.targets)[n]![t + PERIOD - 1]));
      expect(right.filter(Boolean).length / right.length).toBeGreaterThan(0.9);
      expect(costs.at(-1)).toBeLessThan(costs[0]! * 0.6);
    });
  });
});
