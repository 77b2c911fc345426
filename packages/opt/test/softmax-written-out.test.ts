/**
 * A softmax and a log-sum-exp written out with keepdims, as Theano code
 * wrote them (`T.exp(x) / T.exp(x).sum(axis=1, keepdims=True)`,
 * `T.log(T.exp(x).sum(axis=1, keepdims=True))`): Theano's
 * softmax_simplifier and local_log_sum_exp (which reads through keepdims'
 * DimShuffle) make both finite; so do exp_over_kept_sum_exp and
 * log_sum_exp here. Without them the float32 values overflow or underflow
 * to NaN and -Infinity.
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
import { sym, T, both, close, values } from './helpers.js';

// logits where the naive float32 forms fail: exp(1000) = inf, exp(-200) = 0
const LOGITS = [[1000, 0, -1000], [-200, -201, -202]];
// NumPy: scipy.special.softmax(LOGITS, axis=1), scipy.special.logsumexp(LOGITS, axis=1)
const SOFTMAX_ROWS = [1, 0, 0, 0.6652409557748218, 0.24472847105479764, 0.09003057317038046];
const LOGSUMEXP_ROWS = [1000, -199.59239403555561];
// scipy.special.softmax(LOGITS, axis=0)
const SOFTMAX_COLUMNS = [1, 1, 0, 0, 0, 1];

describe('a softmax and a log-sum-exp written out with keepdims (float32)', () => {
  const x = T.matrix('x', 'float32');

  it('exp(x) / sum(exp(x), axis 1, keepdims) is the softmax of the rows, where the naive division is NaN', async () => {
    const { opt, plain } = both([x], T.exp(x).div(T.sum(T.exp(x), { axis: 1, keepdims: true })));
    expect(values(await plain(LOGITS))[0]!.some(Number.isNaN)).toBe(true);
    const got = values(await opt(LOGITS))[0]!;
    expect(close(got, SOFTMAX_ROWS, 1e-6), String(got)).toBe(true);
  });

  it('over axis 0 too (the ratio shifted by the column maximum)', async () => {
    const { opt, plain } = both([x], T.exp(x).div(T.sum(T.exp(x), { axis: 0, keepdims: true })));
    expect(values(await plain(LOGITS))[0]!.some(Number.isNaN)).toBe(true);
    const got = values(await opt(LOGITS))[0]!;
    expect(close(got, SOFTMAX_COLUMNS, 1e-6), String(got)).toBe(true);
  });

  it("the log of the written-out softmax picks up log_softmax: a cross-entropy of -2002.41, not NaN", async () => {
    const p = T.exp(x).div(T.sum(T.exp(x), { axis: 1, keepdims: true }));
    const onehot = T.constant(sym.array([[0, 0, 1], [0, 0, 1]], { dtype: 'float32' }));
    const [c] = values(await sym.function([x], T.sum(T.log(p).mul(onehot)))(LOGITS));
    expect(c![0]).toBeCloseTo(-2000 + (-202 - LOGSUMEXP_ROWS[1]!), 3);
  });

  it('log(sum(exp(x), axis 1, keepdims)) is finite, as without keepdims', async () => {
    const { opt, plain } = both([x], T.log(T.sum(T.exp(x), { axis: 1, keepdims: true })));
    expect(values(await plain(LOGITS))[0]).toEqual([Infinity, -Infinity]);
    const got = await opt(LOGITS);
    expect(got.shape).toEqual([2, 1]);
    expect(close(values(got)[0]!, LOGSUMEXP_ROWS, 1e-6), String(values(got)[0])).toBe(true);
  });

  // the cross-entropy of LOGITS' rows at labels 2 and 0, the mean: NumPy -mean(log_softmax(LOGITS)[[0, 1], [2, 0]])
  const CROSS_ENTROPY = (2000 + (LOGSUMEXP_ROWS[1]! + 200)) / 2;
  // its gradient, (softmax(LOGITS) - onehot) / 2
  const CROSS_ENTROPY_GRAD = SOFTMAX_ROWS.map((p, i) => (p - (i === 2 || i === 3 ? 1 : 0)) / 2);
  const shiftedRatio = (v: typeof x) => {
    const e = T.exp(v.sub(T.max(v, { axis: 1, keepdims: true })));
    return e.div(T.sum(e, { axis: 1, keepdims: true }));
  };
  const writtenOut = { 'exp(x) / sum(exp(x), keepdims)': (v: typeof x) => T.exp(v).div(T.sum(T.exp(v), { axis: 1, keepdims: true })), 'exp(x - max) / sum(exp(x - max), keepdims)': shiftedRatio };

  for (const [what, softmax] of Object.entries(writtenOut)) {
    it(`${what}: the cross-entropy is finite and its gradient is softmax - onehot, not NaN`, async () => {
      const y = T.ivector('y');
      const cost = T.mean(T.nnet.categoricalCrossentropy(softmax(x), y));
      const [c, g] = values(await sym.function([x, y], [cost, grad(cost, [x])[0]!])(LOGITS, [2, 0]));
      expect(c![0]).toBeCloseTo(CROSS_ENTROPY, 3);
      expect(close(g!, CROSS_ENTROPY_GRAD, 1e-6), String(g)).toBe(true);
    });
  }

  it('the ratio shifted by the max is computed as the softmax too, so log_softmax reads its log: -2000, not -Infinity', async () => {
    const [logs] = values(await sym.function([x], T.log(shiftedRatio(x)))(LOGITS));
    expect(logs![2]).toBeCloseTo(-2000, 3);
    expect(close(logs!.slice(3), [-200, -201, -202].map((v) => v - LOGSUMEXP_ROWS[1]!), 1e-6), String(logs)).toBe(true);
  });

  it('sum(a / kept(sum(exp(x))), axis) is not rewritten where the divisor is broadcast to more leading axes (its axis 1 is not the sum\'s)', async () => {
    const a3 = T.tensor3('a3', 'float32');
    const v = T.sum(a3.div(T.sum(T.exp(x), { axis: 1, keepdims: true })), { axis: 1 });
    // NumPy: (A / np.exp(X).sum(1, keepdims=True)).sum(1) at X = [[0, 1], [2, 3]], A = arange(1, 9).reshape(2, 2, 2)
    const got = values(await sym.function([x, a3], v)([[0, 1], [2, 3]], [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]))[0]!;
    expect(close(got, [0.37813321, 0.6834719, 1.59948795, 1.90482664], 1e-6), String(got)).toBe(true);
  });
});
