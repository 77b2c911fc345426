import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { TiedRNN } from './tied-rnn-subgraph.js';
import { centralDifferences, maxAbsDiff } from './test-support.js';

const [V, D] = [5, 4];
const embedding = Array.from({ length: V }, (_, i) => Array.from({ length: D }, (_, j) => 0.4 * Math.sin(i * D + j + 0.5)));
const recurrent = Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => 0.3 * Math.cos(i * 2 + j)));
const tokens = [0, 3, 1, 4, 2, 2, 0, 1, 3];
const args = [tokens.slice(0, 4), tokens.slice(1, 5), tokens.slice(4, 8), tokens.slice(5, 9)];

describe('a tied-embedding RNN backpropagated in two parts by subgraphGrad and knownGrads', () => {
  for (const [dtype, tolerance] of [['float64', 1e-14], ['float32', 1e-6]] as const) {
    it(`the parts chained give the whole sequence's gradient; knownGrads gives subgraphGrad's start (${dtype})`, async () => {
      const model = new TiedRNN(embedding, recurrent, dtype);
      const f = model.gradientsFunction();
      const [, gE, gW, cE, cW, kE, kW, fE, fW] = await f(args[0], args[2], args[1], args[3], [0, 0, 0, 0]);
      const values = (a: sym.NDArray | undefined) => a!.data as ArrayLike<number>;
      expect(maxAbsDiff(values(cE), Array.from(values(gE)))).toBeLessThan(tolerance);
      expect(maxAbsDiff(values(cW), Array.from(values(gW)))).toBeLessThan(tolerance);
      expect(maxAbsDiff(values(kE), Array.from(values(fE)))).toBeLessThan(tolerance);
      expect(maxAbsDiff(values(kW), Array.from(values(fW)))).toBeLessThan(tolerance);
    });
  }
  it("the whole gradient against central differences (the tied table's two uses summed)", async () => {
    const model = new TiedRNN(embedding, recurrent, 'float64');
    const f = model.gradientsFunction();
    const [, gE, gW] = await f(args[0], args[2], args[1], args[3], [0, 0, 0, 0]);
    for (const [p, g] of [[model.embedding, gE], [model.recurrent, gW]] as const) {
      const value = p.getValue();
      const data = value.data as Float64Array;
      const numeric = centralDifferences(data, () => {
        p.setValue(value);
        return f.sync(args[0], args[2], args[1], args[3], [0, 0, 0, 0])[0]!.item();
      });
      p.setValue(value);
      expect(maxAbsDiff(numeric, Array.from(g!.data as Float64Array))).toBeLessThan(1e-8);
    }
  });
});
