import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import { describe, expect, it } from 'vitest';
import { CharLstm, chunk, periodicStream } from './char-lstm.js';
import { REF_ORDER, adamState, adamStep, clipByGlobalNorm, referenceChunk, type RefParams } from './char-lstm-reference.js';
import { maxAbsDiff, useFloat64, useFloatX } from './test-support.js';

const T = sym.T;
const SIZES = { vocab: 4, embed: 3, hidden: 5, batch: 2 } as const;
const STEPS = 5;

/** The model's parameters as float64 arrays, in REF_ORDER (the model's params order). */
function refParams(model: CharLstm): RefParams {
  return Object.fromEntries(REF_ORDER.map((k, i) => [k, Float64Array.from(model.params[i]!.getValue().data as ArrayLike<number>)])) as unknown as RefParams;
}

/** A model whose biases are random too (LSTM.create starts them at 0 and 1), so that a wrong gate or bias shows. */
function model(seed: number): CharLstm {
  const m = new CharLstm(SIZES, seed);
  const rng = new sym.RandomState(seed + 100);
  for (const b of [m.lstm.b, m.readOut.b]) b.setValue(rng.normal(b.valueShape as number[], { std: 0.5 }).astype(sym.config.floatX));
  return m;
}

const rows = (a: sym.NDArray): number[][] => a.toArray() as number[][];
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
/** The largest |a - b| / max(1, |b|): a relative error for values near or above 1, absolute below. */
const relErr = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.max(0, ...Array.from(a, (v, i) => Math.abs(v - b[i]!) / Math.max(1, Math.abs(b[i]!))));

const streams = [periodicStream([0, 1, 0, 2, 0, 3], 61, 0), periodicStream([0, 1, 0, 2, 0, 3], 61, 3)];
const H0 = [[0.3, -0.2, 0.1, 0.5, -0.4], [-0.1, 0.2, 0.6, 0, 0.25]];
const C0 = [[1, -0.5, 0.2, 0, 0.3], [0.4, 0.1, -0.8, 0.5, -0.2]];

/** The cost, logits, final states and gradients of one chunk, from given initial states, compiled. */
async function symbolicChunk(m: CharLstm, ids: sym.NDArray, targets: sym.NDArray, h0: number[][], c0: number[][]): Promise<sym.NDArray[]> {
  const [idsV, targetsV, h0V, c0V] = [T.imatrix('ids'), T.imatrix('targets'), T.matrix('h0'), T.matrix('c0')];
  const { cost, logits, h, c } = m.loss(idsV, targetsV, { h0: h0V, c0: c0V });
  const grads = grad(cost, [...m.params]);
  const f = sym.function([idsV, targetsV, h0V, c0V], [cost, logits, h, c, ...grads]);
  const dtype = sym.config.floatX;
  return (await f(ids, targets, sym.array(h0, { dtype }), sym.array(c0, { dtype }))) as sym.NDArray[];
}

describe('character-level LSTM language model (nn: Embedding, LSTM, Dense, totalNormConstraint, adam)', () => {
  describe('float64', () => {
    useFloat64();

    it('forward, loss, final states and every gradient match the plain-TypeScript BPTT at fixed weights to 1e-10', async () => {
      const m = model(1);
      const { ids, targets } = chunk(streams, 1, STEPS);
      const [cost, logits, h, c, ...grads] = await symbolicChunk(m, ids, targets, H0, C0);
      const ref = referenceChunk(refParams(m), SIZES, rows(ids), rows(targets), H0, C0);
      expect(Math.abs(cost!.item() - ref.cost)).toBeLessThan(1e-12);
      expect(maxAbsDiff(flat(logits!.toArray()), flat(ref.logits))).toBeLessThan(1e-12);
      expect(maxAbsDiff(flat(h!.toArray()), flat(ref.h))).toBeLessThan(1e-12);
      expect(maxAbsDiff(flat(c!.toArray()), flat(ref.c))).toBeLessThan(1e-12);
      REF_ORDER.forEach((k, i) => {
        expect(grads[i]!.shape).toEqual(m.params[i]!.valueShape);
        expect(maxAbsDiff(grads[i]!.data as Float64Array, ref.grads[k])).toBeLessThan(1e-10);
      });
      // the gradients are not trivially zero: every parameter gets some
      REF_ORDER.forEach((k) => expect(Math.max(...ref.grads[k].map(Math.abs))).toBeGreaterThan(1e-4));
    });

    it('four truncated-BPTT steps (states carried in shared variables, clipped Adam) match the reference step by step', async () => {
      const m = model(2);
      const maxNorm = 0.3;
      const { train, updates } = m.trainer({ learningRate: 0.05, maxNorm });
      // the parameters' updates, Adam's state and the two carried states, each shared variable once
      expect(new Set(updates.map(([v]) => v)).size).toBe(updates.length);
      expect(updates.some(([v]) => v === m.hState) && updates.some(([v]) => v === m.cState)).toBe(true);
      const p = refParams(m);
      const state = adamState(p);
      let h = [0, 1].map(() => new Array<number>(SIZES.hidden).fill(0));
      let c = h;
      const norms: number[] = [];
      for (let k = 0; k < 4; k++) {
        const { ids, targets } = chunk(streams, k, STEPS);
        const cost = (await train(ids, targets)).item();
        const ref = referenceChunk(p, SIZES, rows(ids), rows(targets), h, c);
        norms.push(clipByGlobalNorm(ref.grads, maxNorm));
        adamStep(p, ref.grads, state, 0.05);
        ({ h, c } = ref);
        expect(Math.abs(cost - ref.cost)).toBeLessThan(1e-12);
        REF_ORDER.forEach((key, i) => expect(maxAbsDiff(m.params[i]!.getValue().data as Float64Array, p[key])).toBeLessThan(1e-10));
        expect(maxAbsDiff(flat(m.hState.getValue().toArray()), flat(h))).toBeLessThan(1e-10);
        expect(maxAbsDiff(flat(m.cState.getValue().toArray()), flat(c))).toBeLessThan(1e-10);
      }
      // the clipping was in play: the first gradients were longer than maxNorm
      expect(norms[0]).toBeGreaterThan(maxNorm);
      // the carried state is not zero: a chunk really started from the one before
      expect(Math.max(...flat(m.hState.getValue().toArray()).map(Math.abs))).toBeGreaterThan(0.05);
    });
  });

  describe('float32', () => {
    useFloatX('float32');

    it('computes in float32 and agrees with the float64 reference to float32 precision', async () => {
      expect(sym.config.floatX).toBe('float32');
      const m = model(1);
      expect(m.params.map((q) => q.dtype)).toEqual(REF_ORDER.map(() => 'float32'));
      const { ids, targets } = chunk(streams, 1, STEPS);
      const [cost, logits, h, c, ...grads] = await symbolicChunk(m, ids, targets, H0, C0);
      expect([cost, logits, h, c, ...grads].map((a) => a!.dtype)).toEqual(Array(4 + REF_ORDER.length).fill('float32'));
      const ref = referenceChunk(refParams(m), SIZES, rows(ids), rows(targets), H0, C0);
      expect(Math.abs(cost!.item() - ref.cost)).toBeLessThan(1e-5);
      expect(relErr(flat(logits!.toArray()), flat(ref.logits))).toBeLessThan(1e-5);
      expect(relErr(flat(c!.toArray()), flat(ref.c))).toBeLessThan(1e-5);
      expect(relErr(flat(h!.toArray()), flat(ref.h))).toBeLessThan(1e-5);
      REF_ORDER.forEach((k, i) => expect(relErr(grads[i]!.data as Float32Array, ref.grads[k])).toBeLessThan(1e-5));
    });

    it('learns a periodic stream whose next character needs the state carried across chunks (truncated BPTT)', async () => {
      const m = new CharLstm({ ...SIZES, hidden: 12 }, 5);
      const { train } = m.trainer({ learningRate: 0.03, maxNorm: 5 });
      const chunks = Array.from({ length: 12 }, (_, k) => chunk(streams, k, STEPS));
      const epochLoss: number[] = [];
      for (let epoch = 0; epoch < 12; epoch++) {
        m.resetState();
        let sum = 0;
        for (const { ids, targets } of chunks) sum += (await train(ids, targets)).item();
        epochLoss.push(sum / chunks.length);
      }
      // log(4) = 1.39 to start; the stream is deterministic given the two characters before
      expect(epochLoss[0]).toBeGreaterThan(0.9);
      expect(epochLoss.at(-1)).toBeLessThan(0.05);

      // Evaluated with the carried state, every next character is right; started afresh at each chunk, a chunk that
      // begins with 0 cannot tell which of 1, 2, 3 follows (the character before it is in the previous chunk).
      const [ids, targets] = [T.imatrix('ids'), T.imatrix('targets')];
      const { cost, logits, h, c } = m.loss(ids, targets);
      const evaluate = sym.function([ids, targets], [cost, T.argmax(logits, { axis: 2 })], { updates: [[m.hState, h], [m.cState, c]] });
      const pass = async (carry: boolean) => {
        m.resetState();
        let [loss, wrong] = [0, 0];
        for (const { ids: i, targets: t } of chunks) {
          if (!carry) m.resetState();
          const [l, predicted] = (await evaluate(i, t)) as sym.NDArray[];
          loss += l!.item() / chunks.length;
          wrong += flat(predicted!.toArray()).filter((v, j) => v !== t.data[j]).length;
        }
        return { loss, wrong };
      };
      const carried = await pass(true);
      const afresh = await pass(false);
      expect(carried.wrong).toBe(0);
      expect(carried.loss).toBeLessThan(0.05);
      expect(afresh.loss).toBeGreaterThan(carried.loss + 0.05);
    });
  });
});
