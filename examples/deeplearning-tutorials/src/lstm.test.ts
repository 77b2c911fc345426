/**
 * lstm.py's model against a plain float64 loop over the same weights: the
 * class probabilities (masks of varied lengths, dropout off and on), the
 * gradients against central finite differences, adadelta's steps, and the
 * cost falling on a tiny sentiment task.
 */
import { describe, expect, it } from 'vitest';
import { centralDifferences, maxAbsDiff } from './test-support.js';
import * as sym from '@sym/graph';
import { PARAM_NAMES, buildTraining, initParams, orthoWeight, prepareData, type LstmOptions, type LstmParams, type LstmTraining, type ParamName } from './lstm.js';

// ------------------------------------------------------------ the reference: lstm.py's forward pass as loops

type Ref = Record<ParamName, Float64Array>;
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * The class probabilities of each sample, and the cost. `dropMask` (one 0/1
 * per pooled unit and sample) stands for use_noise = 1; without it the
 * pooled projection is halved (use_noise = 0), when options.useDropout.
 */
function reference(p: Ref, o: LstmOptions, seqs: readonly (readonly number[])[], labels: readonly number[], dropMask?: readonly (readonly number[])[]): { probs: number[][]; cost: number } {
  const d = o.dimProj;
  const probs = seqs.map((seq, s) => {
    const h = new Array<number>(d).fill(0);
    const c = new Array<number>(d).fill(0);
    const pooled = new Array<number>(d).fill(0);
    // a sample stops at its last word; the padded steps keep h and c (and the mask leaves them out of the mean)
    for (const w of seq) {
      const pre = Array.from({ length: 4 * d }, (_, j) => {
        let v = p.lstm_b[j]!;
        for (let k = 0; k < d; k++) v += p.Wemb[w * d + k]! * p.lstm_W[k * 4 * d + j]! + h[k]! * p.lstm_U[k * 4 * d + j]!;
        return v;
      });
      for (let j = 0; j < d; j++) {
        const [i, f, og, g] = [sigmoid(pre[j]!), sigmoid(pre[d + j]!), sigmoid(pre[2 * d + j]!), Math.tanh(pre[3 * d + j]!)];
        c[j] = f * c[j]! + i * g;
        h[j] = og * Math.tanh(c[j]!);
        pooled[j]! += h[j]!;
      }
    }
    const proj = pooled.map((v, j) => {
      const mean = v / seq.length;
      if (!o.useDropout) return mean;
      return dropMask ? mean * dropMask[s]![j]! : mean * 0.5;
    });
    const logits = Array.from({ length: o.ydim }, (_, k) => proj.reduce((acc, v, j) => acc + v * p.U[j * o.ydim + k]!, p.b[k]!));
    const top = Math.max(...logits);
    const e = logits.map((v) => Math.exp(v - top));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / z);
  });
  let cost = -probs.reduce((acc, pr, s) => acc + Math.log(pr[labels[s]!]! + 1e-8), 0) / seqs.length;
  if (o.decayC > 0) cost += o.decayC * p.U.reduce((acc, v) => acc + v * v, 0);
  return { probs, cost };
}

const toRef = (params: LstmParams): Ref => Object.fromEntries(PARAM_NAMES.map((k) => [k, Float64Array.from(params[k].data as Float64Array)])) as Ref;
const sharedValues = (tr: LstmTraining): Ref => Object.fromEntries(PARAM_NAMES.map((k) => [k, Float64Array.from(tr.tparams[k].getValue().data as Float64Array)])) as Ref;

/** Weights larger than the tutorial's 0.01, so that every gate and the softmax see values far from 0. */
function lively(o: LstmOptions, seed: number): LstmParams {
  const rng = new sym.RandomState(seed);
  const p = initParams(o, rng);
  const u = (shape: number[], s: number) => sym.array(Float64Array.from(rng.uniform(shape, { low: -s, high: s }).data as Float64Array), { dtype: 'float64' }).reshape(shape);
  return { ...p, Wemb: u([o.nWords, o.dimProj], 1), lstm_b: u([4 * o.dimProj], 0.5), U: u([o.dimProj, o.ydim], 1.5), b: u([o.ydim], 0.5) };
}

const options: LstmOptions = { nWords: 9, dimProj: 3, ydim: 3, useDropout: true, decayC: 0.05, seed: 123 };
// lengths 4, 1, 2, 3: the padded steps (x = 0, mask = 0) of three of them must change nothing
const seqs = [[1, 2, 3, 4], [5], [6, 7], [8, 0, 8]];
const labels = [0, 2, 1, 2];

describe('lstm.py (float64, CPU)', () => {
  it('orthoWeight is orthogonal; initParams has the tutorial\'s shapes and the four gates side by side', () => {
    const q = orthoWeight(5, new sym.RandomState(2)).data;
    for (let a = 0; a < 5; a++) for (let c = 0; c < 5; c++) expect(Array.from({ length: 5 }, (_, i) => Number(q[i * 5 + a]) * Number(q[i * 5 + c])).reduce((s, v) => s + v, 0)).toBeCloseTo(a === c ? 1 : 0, 12);
    const p = initParams(options, new sym.RandomState(1));
    expect(PARAM_NAMES.map((k) => p[k].shape)).toEqual([[9, 3], [3, 12], [3, 12], [12], [3, 3], [3]]);
    // each gate's (3, 3) block of lstm_W and lstm_U is orthogonal on its own
    for (const k of ['lstm_W', 'lstm_U'] as const) {
      const w = p[k].data;
      for (let g = 0; g < 4; g++) {
        for (let a = 0; a < 3; a++) {
          for (let c = 0; c < 3; c++) {
            const dot = [0, 1, 2].reduce((s, i) => s + Number(w[i * 12 + g * 3 + a]) * Number(w[i * 12 + g * 3 + c]), 0);
            expect(dot, `${k} gate ${g}`).toBeCloseTo(a === c ? 1 : 0, 12);
          }
        }
      }
    }
  });

  it('prepare_data pads with zeros and masks the padding', () => {
    const { x, mask, y } = prepareData(seqs, labels);
    expect(x.dtype).toBe('int64');
    expect(x.toArray()).toEqual([[1, 5, 6, 8], [2, 0, 7, 0], [3, 0, 0, 8], [4, 0, 0, 0]]);
    expect(mask.toArray()).toEqual([[1, 1, 1, 1], [1, 0, 1, 1], [1, 0, 0, 1], [1, 0, 0, 0]]);
    expect(Array.from(y.data, Number)).toEqual(labels);
  });

  it('f_pred_prob, f_pred and f_cost equal the reference loop, with use_noise off (proj * 0.5) and on (a 0/1 mask)', async () => {
    const params = lively(options, 7);
    const tr = buildTraining(options, params);
    const p = toRef(params);
    const { x, mask, y } = prepareData(seqs, labels);
    const want = reference(p, options, seqs, labels);
    const probs = (await tr.fPredProb(x, mask)).toArray() as number[][];
    expect(maxAbsDiff(probs.flat(), want.probs.flat())).toBeLessThan(1e-14);
    // the probabilities are far from uniform: a wrong gate or mask would show
    expect(Math.max(...want.probs.flat()) - Math.min(...want.probs.flat())).toBeGreaterThan(0.2);
    expect(Array.from((await tr.fPred(x, mask)).data, Number)).toEqual(want.probs.map((r) => r.indexOf(Math.max(...r))));
    expect(Math.abs((await tr.fCost(x, mask, y)).item() - want.cost)).toBeLessThan(1e-13);

    // with use_noise on, each pooled unit is kept (x1) or dropped (x0): every row matches one of the 2^dim masks
    tr.useNoise.setValue(sym.array(1, { dtype: 'float64' }));
    const patterns = Array.from({ length: 2 ** options.dimProj }, (_, bits) => Array.from({ length: options.dimProj }, (_, j) => (bits >> j) & 1));
    const seen = new Set<number>();
    for (let call = 0; call < 6; call++) {
      const noisy = (await tr.fPredProb(x, mask)).toArray() as number[][];
      noisy.forEach((row, s) => {
        const match = patterns.findIndex((m) => maxAbsDiff(row, reference(p, options, [seqs[s]!], [0], [m]).probs[0]!) < 1e-14);
        expect(match, `sample ${s}, call ${call}`).toBeGreaterThanOrEqual(0);
        seen.add(match);
      });
    }
    expect(seen.size).toBeGreaterThan(4); // the masks are drawn anew at each call
  });

  it('one sample, one time step, and equal lengths (no padding) give the reference\'s probabilities and cost too', async () => {
    const params = lively(options, 8);
    const tr = buildTraining(options, params);
    const p = toRef(params);
    for (const [ss, ls] of [[[[3]], [1]], [[[1, 2, 3]], [2]], [[[1], [2], [7]], [0, 1, 2]], [[[4, 5], [6, 7]], [1, 0]]] as [number[][], number[]][]) {
      const { x, mask, y } = prepareData(ss, ls);
      const want = reference(p, options, ss, ls);
      const probs = (await tr.fPredProb(x, mask)).toArray() as number[][];
      expect(maxAbsDiff(probs.flat(), want.probs.flat()), JSON.stringify(ss)).toBeLessThan(1e-14);
      expect(Math.abs((await tr.fCost(x, mask, y)).item() - want.cost), JSON.stringify(ss)).toBeLessThan(1e-13);
    }
  });

  it('f_grad equals central finite differences of the reference cost (use_noise off), weight decay included', async () => {
    const params = lively(options, 11);
    const tr = buildTraining(options, params);
    const { x, mask, y } = prepareData(seqs, labels);
    const grads = await tr.fGrad(x, mask, y);
    const p = toRef(params);
    const eps = 1e-6;
    PARAM_NAMES.forEach((k, n) => {
      const g = grads[n]!.data;
      expect(grads[n]!.shape).toEqual(params[k].shape);
      const fd = centralDifferences(p[k], () => reference(p, options, seqs, labels).cost, eps);
      expect(maxAbsDiff(g, fd), k).toBeLessThan(1e-8);
      // Wemb's rows of words no sample reads, padding aside, get no gradient; the others do
      if (k === 'Wemb') for (const w of [1, 5, 8]) expect(Math.abs(Number(g[w * 3]))).toBeGreaterThan(1e-6);
    });
    expect(Math.max(...PARAM_NAMES.map((_, n) => Math.max(...Array.from(grads[n]!.data, (v) => Math.abs(Number(v))))))).toBeGreaterThan(1e-2);
  });

  it('with use_noise on, the gradient goes through the dropout mask the forward pass drew', async () => {
    const params = lively(options, 17);
    const tr = buildTraining(options, params);
    tr.useNoise.setValue(sym.array(1, { dtype: 'float64' }));
    // one call draws one mask for both outputs; the probabilities tell which mask each sample got
    const probsAndGrads = sym.function([tr.x, tr.mask, tr.y], [tr.pred, ...tr.grads]);
    const { x, mask, y } = prepareData(seqs, labels);
    const [probs, ...grads] = await probsAndGrads(x, mask, y);
    const p = toRef(params);
    const patterns = Array.from({ length: 2 ** options.dimProj }, (_, bits) => Array.from({ length: options.dimProj }, (_, j) => (bits >> j) & 1));
    const rows = probs!.toArray() as number[][];
    const dropMask = rows.map((row, s) => patterns.find((m) => maxAbsDiff(row, reference(p, options, [seqs[s]!], [0], [m]).probs[0]!) < 1e-14)!);
    expect(dropMask.every((m) => m !== undefined)).toBe(true);
    expect(dropMask.some((m) => m.includes(0))).toBe(true);
    const eps = 1e-6;
    PARAM_NAMES.forEach((k, n) => {
      const fd = centralDifferences(p[k], () => reference(p, options, seqs, labels, dropMask).cost, eps);
      expect(maxAbsDiff(grads[n]!.data, fd), k).toBeLessThan(1e-8);
    });
  });

  it('with floatX=float32 (every value float32), probabilities and gradients are the reference\'s to float32 precision', async () => {
    const saved = sym.config.floatX;
    sym.config.floatX = 'float32';
    try {
      const wide = lively(options, 19);
      const params = Object.fromEntries(PARAM_NAMES.map((k) => [k, sym.array(Float32Array.from(wide[k].data as Float64Array)).reshape([...wide[k].shape])])) as LstmParams;
      const tr = buildTraining(options, params);
      const { x, mask, y } = prepareData(seqs, labels);
      expect([mask.dtype, tr.useNoise.dtype, tr.cost.dtype]).toEqual(['float32', 'float32', 'float32']);
      const p = toRef(params); // the float32 weights, exactly
      const want = reference(p, options, seqs, labels);
      const probs = await tr.fPredProb(x, mask);
      expect(probs.dtype).toBe('float32');
      const grads = await tr.fGrad(x, mask, y);
      const eps = 1e-6;
      const errors = PARAM_NAMES.map((k, n) => {
        const fd = centralDifferences(p[k], () => reference(p, options, seqs, labels).cost, eps);
        return maxAbsDiff(grads[n]!.data, fd);
      });
      // measured: 3.4e-8 for the probabilities, at most 2e-8 for the gradients (float32's epsilon is 1.2e-7)
      expect(maxAbsDiff(probs.data, want.probs.flat())).toBeLessThan(3e-7);
      errors.forEach((e, n) => expect(e, PARAM_NAMES[n]).toBeLessThan(3e-7));
    } finally {
      sym.config.floatX = saved;
    }
  });

  it('f_grad_shared + f_update take adadelta\'s steps', async () => {
    const params = lively(options, 13);
    const tr = buildTraining(options, params);
    const { x, mask, y } = prepareData(seqs, labels);
    const p = toRef(params);
    const zeros = () => Object.fromEntries(PARAM_NAMES.map((k) => [k, new Float64Array(p[k].length)])) as Ref;
    const [runningUp2, runningGrads2] = [zeros(), zeros()];
    for (let step = 0; step < 4; step++) {
      // the gradient at the current parameters (fGrad reads the same shared variables)
      const grads = await tr.fGrad(x, mask, y);
      const cost = (await tr.fGradShared(x, mask, y)).item();
      expect(Math.abs(cost - reference(p, options, seqs, labels).cost)).toBeLessThan(1e-12);
      expect(await tr.fUpdate(0.1)).toEqual([]);
      PARAM_NAMES.forEach((k, n) => {
        const g = grads[n]!.data;
        for (let i = 0; i < p[k].length; i++) {
          const gi = Number(g[i]);
          runningGrads2[k][i] = 0.95 * runningGrads2[k][i]! + 0.05 * gi * gi;
          const updir = (-Math.sqrt(runningUp2[k][i]! + 1e-6) / Math.sqrt(runningGrads2[k][i]! + 1e-6)) * gi;
          runningUp2[k][i] = 0.95 * runningUp2[k][i]! + 0.05 * updir * updir;
          p[k][i]! += updir;
        }
      });
      const now = sharedValues(tr);
      for (const k of PARAM_NAMES) expect(maxAbsDiff(now[k], p[k]), `${k} after step ${step + 1}`).toBeLessThan(1e-13);
    }
    // the steps moved every parameter
    for (const k of PARAM_NAMES) expect(maxAbsDiff(p[k], toRef(params)[k]), k).toBeGreaterThan(1e-4);
  });

  it('learns a tiny sentiment task: the cost falls over adadelta\'s steps (dropout on), and the test reviews are classified', async () => {
    // words 1, 2 are positive, 3, 4 negative, 5..7 neutral; a review's class is the polarity of its one sentiment word
    let st = 17;
    const rand = () => ((st = (st * 16807) % 2147483647), st / 2147483647);
    const review = (label: number) => {
      const words = Array.from({ length: 2 + Math.floor(rand() * 4) }, () => 5 + Math.floor(rand() * 3));
      words[Math.floor(rand() * words.length)] = (label === 1 ? 1 : 3) + Math.floor(rand() * 2);
      return words;
    };
    const o: LstmOptions = { nWords: 8, dimProj: 6, ydim: 2, useDropout: true, decayC: 0, seed: 5 };
    // the tutorial's 0.01 * rand embeddings and 0.01 * randn U leave the softmax flat for hundreds of steps; +-1 does not
    const init = initParams(o, new sym.RandomState(3));
    const rng = new sym.RandomState(4);
    const uniform = (shape: number[]) => sym.array(Float64Array.from(rng.uniform(shape, { low: -1, high: 1 }).data as Float64Array)).reshape(shape);
    const tr = buildTraining(o, { ...init, Wemb: uniform([8, 6]), U: uniform([6, 2]) });
    const trainLabels = Array.from({ length: 16 }, (_, i) => i % 2);
    const batch = prepareData(trainLabels.map(review), trainLabels);
    const costs: number[] = [];
    tr.useNoise.setValue(sym.array(1, { dtype: 'float64' }));
    for (let step = 0; step < 200; step++) {
      costs.push((await tr.fGradShared(batch.x, batch.mask, batch.y)).item());
      await tr.fUpdate(0.0001);
    }
    tr.useNoise.setValue(sym.array(0, { dtype: 'float64' }));
    const testLabels = Array.from({ length: 20 }, (_, i) => (i + 1) % 2);
    const test = prepareData(testLabels.map(review), testLabels);
    const pred = Array.from((await tr.fPred(test.x, test.mask)).data, Number);
    const accuracy = pred.filter((v, i) => v === testLabels[i]).length / testLabels.length;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // measured: 0.689 over the first 10 steps, 0.141 over the last 10; accuracy 0.95
    expect(mean(costs.slice(0, 10))).toBeGreaterThan(0.65);
    expect(mean(costs.slice(-10))).toBeLessThan(0.3);
    expect(accuracy).toBeGreaterThanOrEqual(0.85);
  });
});
