/**
 * Merge takes a node reading an index unchecked (an ifelse's branch reads
 * its indices without their CheckIndex, graph's ifelse.ts) and its twin
 * reading the same index through a CheckIndex for one node: the check runs
 * before the call whatever the branch, so the gather is computed once.
 */
import { describe, expect, it } from 'vitest';
import { merge } from '../src/index.js';
import { T, sym } from './helpers.js';

const gathers = (outs: readonly sym.TensorVariable[]) => sym.toposort(outs).filter((n) => n.op.toString().startsWith('AdvancedSubtensor'));

describe('merge: a gather in an ifelse branch and the same gather outside it', () => {
  const x = T.dmatrix('x');
  const ids = T.lvector('ids');
  const zero = T.constant(0, { dtype: 'float64' });
  const outs = () => [sym.ifelse(T.lt(ids.max(), x.shape[0]!), x.get(ids).sum(), zero), x.get(ids).mul(2)];
  const X = sym.array([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' });

  it('are one node, the checked one', () => {
    const built = outs();
    expect(gathers(built)).toHaveLength(2);
    const merged = gathers(merge(built));
    expect(merged).toHaveLength(1);
    expect(merged[0]!.inputs[1]!.owner?.op.kind).toBe('CheckIndex');
  });

  it('compute the gather once, with the same values and the same IndexError', () => {
    const f = sym.function([x, ids], outs());
    const apart = sym.function([x, ids], outs(), { optimizer: { excluding: ['merge'] } });
    // measured: merged, one gather kernel feeds the sum and the `* 2` (4 kernels a call); apart (5 before gathers fused),
    // each gather is computed again inside its reader, the `* 2` and the sum (the CPU's reductions gather): 3 kernels
    expect(f.compiled.kernelCount(X, [2, 0])).toBe(4);
    expect(apart.compiled.kernelCount(X, [2, 0])).toBe(3);
    expect((f.sync(X, [2, 0]) as sym.NDArray[]).map((a) => a.toArray())).toEqual([14, [[10, 12], [2, 4]]]);
    expect(() => f.sync(X, [2, 3])).toThrow("x[ids]: index 3 (ids[1]) is out of bounds for axis 0 with size 3, indexing x of shape (3, 2) (NumPy's IndexError)");
  });

  it("merged with a checked twin whose value nothing reads outside the branch (its length, a claim's), the check does not run (FAST_RUN)", () => {
    const alone = sym.function([x, ids], sym.ifelse(T.lt(ids.max(), x.shape[0]!), x.get(ids).sum(), zero));
    for (const other of [() => x.get(ids).shape[0]!, () => T.specifyShape(x.get(ids).mul(2), [2, 2]).shape[0]!]) {
      const built = [sym.ifelse(T.lt(ids.max(), x.shape[0]!), x.get(ids).sum(), zero), other()];
      const f = sym.function([x, ids], built);
      expect(gathers(f.compiled.graphOutputs)).toHaveLength(1);
      expect((f.sync(X, [2, 7]) as sym.NDArray[]).map((a) => a.toArray())).toEqual([0, 2]);
      expect((f.sync(X, [2, 0]) as sym.NDArray[]).map((a) => a.toArray())).toEqual([14, 2]);
      // the gather computed once, for the branch: the ifelse's kernels, and one writing the length's output
      expect(f.compiled.kernelCount(X, [2, 0])).toBe(alone.compiled.kernelCount(X, [2, 0]) + 1);
      // FAST_COMPILE keeps the kernels a length alone needs: it computes x[ids] outside the branch, and raises (as Theano's)
      expect(() => sym.function([x, ids], built, { mode: 'FAST_COMPILE' }).sync(X, [2, 7])).toThrow(/index 7 \(ids\[1\]\)/);
    }
  });

  it('leaves an ifelse whose branch alone reads the index unchecked (no IndexError for the branch not taken)', () => {
    const f = sym.function([x, ids], sym.ifelse(T.lt(ids.max(), x.shape[0]!), x.get(ids).sum(), zero));
    expect((f.sync(X, [2, 7]) as sym.NDArray).item()).toBe(0);
  });
});
