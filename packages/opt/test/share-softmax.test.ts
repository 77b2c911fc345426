/**
 * share_softmax_log_softmax: the gradient's softmax of a stable
 * cross-entropy reads the cost's row max and row sum of exps (one max and
 * one sum of exps per row, not two), with the same numbers.
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
import { Reduce, Softmax, toposort, type TensorVariable } from '@sym/graph';
import { sym, T, values } from './helpers.js';

const x = T.fmatrix('x');
const y = T.ivector('y');
const rows = T.arange(x.shape[0]!);
const forms: [string, () => TensorVariable][] = [
  ['log then pick', () => T.log(T.nnet.softmax(x)).get(rows, y).neg().mean()],
  ['pick then log', () => T.log(T.nnet.softmax(x).get(rows, y)).neg().mean()],
  ['categoricalCrossentropy of labels', () => T.nnet.categoricalCrossentropy(T.nnet.softmax(x), y).mean()],
];
const without = { optimizer: { excluding: ['share_softmax_log_softmax'] } };

function reductions(outputs: readonly TensorVariable[], reducer: string): number {
  return toposort(outputs).filter((n) => n.op instanceof Reduce && n.op.reducer === reducer).length;
}

describe('share_softmax_log_softmax', () => {
  for (const [name, cost] of forms) {
    it(`${name}: no Softmax left beside the log-softmax, one row max and one row sum of exps, a kernel fewer`, () => {
      const c = cost();
      const f = sym.function([x, y], [c, grad(c, [x])[0]!]);
      const out = f.compiled.graphOutputs;
      expect(toposort(out).some((n) => n.op instanceof Softmax)).toBe(false);
      expect(reductions(out, 'max')).toBe(1);
      const v = [[0, 1, 2], [3, 4, 5]];
      expect(f.compiled.kernelCount(v, [0, 1])).toBe(sym.function([x, y], [c, grad(c, [x])[0]!], without).compiled.kernelCount(v, [0, 1]) - 1);
    });

    it(`${name}: the same numbers as without the rewrite; finite at logits [0, 200, -200] and where every exp underflows`, async () => {
      const c = cost();
      const g = grad(c, [x])[0]!;
      const v = [[0, 200, -200], [-200, -300, -400], [0.5, -1.25, 3]];
      const labels = [2, 0, 1];
      const shared = values(await sym.function([x, y], [c, g])(v, labels));
      expect(shared).toEqual(values(await sym.function([x, y], [c, g], without)(v, labels)));
      const [cost1, g1] = values(await sym.function([x, y], [c, g])([[0, 200, -200]], [2]));
      expect(cost1).toEqual([400]);
      expect(g1).toEqual([0, 1, -1]);
      expect(shared.flat().every(Number.isFinite)).toBe(true);
    });
  }

  it('categoricalCrossentropy of one-hot targets: a kernel fewer, the same numbers', async () => {
    const t = T.fmatrix('t');
    const c = T.nnet.categoricalCrossentropy(T.nnet.softmax(x), t).mean();
    const g = grad(c, [x])[0]!;
    const v = [[0, 200, -200], [-200, -300, -400]];
    const onehot = [[0, 0, 1], [1, 0, 0]];
    const f = sym.function([x, t], [c, g]);
    const plain = sym.function([x, t], [c, g], without);
    expect(f.compiled.kernelCount(v, onehot)).toBe(plain.compiled.kernelCount(v, onehot) - 1);
    const r = values(await f(v, onehot));
    expect(r).toEqual(values(await plain(v, onehot)));
    expect(r[0]).toEqual([200]);
    expect(r[1]!.slice(0, 3)).toEqual([0, 0.5, -0.5]);
  });

  it('leaves a softmax alone where no log-softmax of its input is computed', () => {
    const f = sym.function([x], T.nnet.softmax(x).mul(2));
    expect(toposort(f.compiled.graphOutputs).some((n) => n.op instanceof Softmax)).toBe(true);
  });
});
