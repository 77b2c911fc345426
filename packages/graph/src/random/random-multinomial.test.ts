import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const rows = (a: sym.NDArray): number[][] => {
  const [r, c] = a.shape as [number, number];
  return Array.from({ length: r }, (_, i) => Array.from(a.data, Number).slice(i * c, (i + 1) * c));
};

describe('RandomStreams.multinomial checks pvals as NumPy does', () => {
  it('refuses a constant pvals with an entry < 0, > 1 or NaN, or a row whose pvals[:-1] sum past 1, when the graph is built', () => {
    const srng = new sym.RandomStreams(1);
    const bad = (pvals: number[][]) => () => srng.multinomial({ pvals: T.constant(pvals, { dtype: 'float64' }) });
    expect(bad([[0.5, 0.5, 0], [0.5, -0.1, 0.6]])).toThrow("RandomStreams.multinomial: pvals[1, 1] is -0.1: pvals < 0, pvals > 1 or pvals contains NaNs (NumPy's ValueError)");
    expect(bad([[1.5, 0, 0]])).toThrow(/pvals\[0, 0\] is 1\.5: pvals < 0, pvals > 1/);
    expect(bad([[NaN, 0.5, 0.5]])).toThrow(/pvals\[0, 0\] is NaN/);
    expect(bad([[0.7, 0.6, -0.0]])).toThrow("RandomStreams.multinomial: row 0 of pvals: sum(pvals[:-1]) > 1.0 (1.2999999999999998; NumPy's ValueError)");
    // the last entry takes what the others leave (NumPy: [0.5, 0.5, 0.1] is a valid row)
    expect(() => srng.multinomial({ pvals: T.constant([[0.5, 0.5, 0.1], [0.2, 0.3, 0.1]], { dtype: 'float64' }) })).not.toThrow();
  });

  it('refuses an input or computed pvals when called, drawing nothing (was drawn from silently)', async () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const srng = new sym.RandomStreams(3);
      const p = T.matrix('p', dtype);
      const f = sym.function([p], srng.multinomial({ pvals: p }));
      const g = sym.function([p], srng.multinomial({ pvals: T.mul(p, 2) }));
      await expect(f([[0.5, 0.5, 0], [0.5, -0.1, 0.6]])).rejects.toThrow(/^RandomStreams\.multinomial: row 1 of pvals has an entry < 0, > 1 or NaN \(NumPy's ValueError: pvals < 0, pvals > 1 or pvals contains NaNs\)/);
      await expect(f([[0.7, 0.6, 0]])).rejects.toThrow(/^RandomStreams\.multinomial: row 0 of pvals: sum\(pvals\[:-1\]\) > 1\.0/);
      await expect(g([[0.4, 0.2, 0.4]])).rejects.toThrow(/row 0 of pvals: sum\(pvals\[:-1\]\) > 1\.0/);
      // the failed calls moved no generator: the next draw is a fresh generator's first
      const pv = Array.from({ length: 8 }, () => [0.3, 0.3, 0.4]);
      const first = await sym.function([p], new sym.RandomStreams(3).multinomial({ pvals: p }))(pv);
      expect(Array.from((await f(pv)).data)).toEqual(Array.from(first.data));
      // a valid pvals draws as before: the last column takes the rest of the row
      const ok = rows(await f([[0, 0, 0.25], [0, 1, 0], [0.5, 0.5, 0.2]]));
      expect(ok[0]).toEqual([0, 0, 1]);
      expect(ok[1]).toEqual([0, 1, 0]);
      expect(ok[2]![2]).toBe(0);
      // a float32 softmax whose rows round past 1 is not refused
      const z = T.matrix('z', dtype);
      const h = sym.function([z], srng.multinomial({ pvals: T.nnet.softmax(z) }));
      const logits = Array.from({ length: 4 }, (_, i) => Array.from({ length: 300 }, (_, j) => Math.sin(i * 7 + j)));
      expect(rows(await h(logits)).map((r) => r.reduce((a, b) => a + b, 0))).toEqual([1, 1, 1, 1]);
    }
  });
});

describe('RandomStreams.choice checks a p known only at the call as it checks a constant one', () => {
  it('refuses an input or computed p that is negative, NaN, not summing to 1, or with too few non-zero entries (was drawn from silently)', async () => {
    const srng = new sym.RandomStreams(1);
    const p = T.dvector('p');
    const f = sym.function([p], srng.choice([6], { a: 3, p }));
    await expect(f([0.5, -0.2, 0.7])).rejects.toThrow(/^RandomStreams\.choice: the probabilities p must be finite and >= 0/);
    await expect(f([NaN, 0.5, 0.5])).rejects.toThrow(/^RandomStreams\.choice: the probabilities p must be finite and >= 0/);
    await expect(f([0.9, 0.9, 0.9])).rejects.toThrow(/^RandomStreams\.choice: the probabilities p must sum to 1/);
    const g = sym.function([p], srng.choice([2], { a: 3, p, replace: false }));
    await expect(g([1, 0, 0])).rejects.toThrow(/^RandomStreams\.choice: without replacement, size asks for more items than p has non-zero probabilities/);
    expect(Array.from((await g([0.5, 0.5, 0]))!.data, Number).sort()).toEqual([0, 1]);
    // word2vec's negatives: unigram counts ** 0.75, normalised on the device
    const counts = T.dvector('counts');
    const q = T.pow(counts, 0.75);
    const h = sym.function([counts], srng.choice([20], { a: 4, p: T.div(q, T.sum(q)) }));
    const drawn = Array.from((await h([5, 1, 3, 0])).data, Number);
    expect(drawn.every((d) => d >= 0 && d <= 2)).toBe(true);
    await expect(h([5, -1, 3, 0])).rejects.toThrow(/the probabilities p must be finite and >= 0/);
    await expect(sym.function([counts], srng.choice([3], { a: 4, p: T.div(counts, 2) }))([1, 1, 1, 1])).rejects.toThrow(/must sum to 1/);
  });
});
