/**
 * An index is checked (NumPy's IndexError before the call's first kernel)
 * only where the call computes the read it guards outside an ifelse's
 * branch: Theano's FAST_RUN rewrites `x[ids].shape[0]` to `ids.shape[0]`
 * and never evaluates `x[ids]`, and its lazy ifelse evaluates a branch only
 * when taken. FAST_COMPILE, which keeps the kernels a length alone needs,
 * computes `x[ids]` there, and raises, as Theano's FAST_COMPILE (no shape
 * rewrite: `Shape(x[ids])` evaluates `x[ids]`). DebugMode and NanGuardMode
 * rewrite as FAST_RUN, as Theano's, so they raise where FAST_RUN does.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const x = T.dvector('x');
const ids = T.lvector('ids');
const zero = () => T.constant(0, { dtype: 'float64' });
const guarded = () => sym.ifelse(T.lt(ids.max(), x.shape[0]!), x.get(ids).sum(), zero());
const X = [1, 2, 3];
const PAST = [0, 7];
const ERROR = "x[ids]: index 7 (ids[1]) is out of bounds for axis 0 with size 3, indexing x of shape (3,) (NumPy's IndexError)";
const run = (outs: sym.TensorVariable[], mode: 'FAST_RUN' | 'FAST_COMPILE' | 'DebugMode' | 'NanGuardMode', at = PAST) =>
  (sym.function([x, ids], outs, { mode }).sync(X, at) as sym.NDArray[]).map((a) => a.toArray());

describe('an index checked only where the read it guards is computed', () => {
  it('x[ids].shape[0] alone: FAST_RUN computes no gather and raises nothing; FAST_COMPILE computes it and raises', () => {
    expect(run([x.get(ids).shape[0]!], 'FAST_RUN')).toEqual([2]);
    expect(() => run([x.get(ids).shape[0]!], 'FAST_COMPILE')).toThrow(ERROR);
    // a fill reads its first operand's shape alone (Theano's FAST_RUN: alloc(0, ids.shape[0]))
    expect(run([T.zerosLike(x.get(ids)).sum()], 'FAST_RUN')).toEqual([0]);
    expect(() => run([T.zerosLike(x.get(ids)).sum()], 'FAST_COMPILE')).toThrow(ERROR);
  });

  it('DebugMode and NanGuardMode rewrite as FAST_RUN (Theano\'s too): a read needed for its shape alone is neither checked nor compared', () => {
    for (const mode of ['DebugMode', 'NanGuardMode'] as const) {
      expect(run([x.get(ids).shape[0]!], mode)).toEqual([2]);
      expect(run([T.zerosLike(x.get(ids)).sum()], mode)).toEqual([0]);
      expect(run([guarded(), x.get(ids).shape[0]!], mode)).toEqual([0, 2]);
      expect(() => run([x.get(ids).sum(), x.get(ids).shape[0]!], mode)).toThrow(ERROR);
    }
  });

  it("an ifelse's guarded gather beside the same gather's length (merged into one node)", () => {
    expect(run([guarded(), x.get(ids).shape[0]!], 'FAST_RUN')).toEqual([0, 2]);
    expect(() => run([guarded(), x.get(ids).shape[0]!], 'FAST_COMPILE')).toThrow(ERROR);
    expect(run([guarded(), x.get(ids).shape[0]!], 'FAST_RUN', [2, 0])).toEqual([4, 2]);
  });

  it("an ifelse's guarded gather beside a claim on it read for its length alone (before d254b39: [0, 2])", () => {
    const outs = () => [guarded(), T.specifyShape(x.get(ids).mul(2), [2]).shape[0]!];
    expect(run(outs(), 'FAST_RUN')).toEqual([0, 2]);
    expect(() => run(outs(), 'FAST_COMPILE')).toThrow(ERROR);
    // the claim is still checked
    expect(() => run(outs(), 'FAST_RUN', [0, 1, 2])).toThrow(/2/);
  });

  it('a branch holding a random draw keeps its checks, which raise only where the read is computed outside the branch', () => {
    const srng = new sym.RandomStreams(1);
    const noisy = () => sym.ifelse(T.lt(ids.max(), x.shape[0]!), x.get(ids).add(srng.uniform([x.get(ids).shape[0]!], { dtype: 'float64' })).sum(), zero());
    expect(sym.toposort([noisy()]).some((n) => n.op.kind === 'CheckIndex')).toBe(true);
    expect(run([noisy()], 'FAST_RUN')).toEqual([0]);
    // the draw is made whatever the branch (Theano's default update reads it outside the ifelse), and its size
    // reads x[ids].shape[0], which FAST_COMPILE computes (as x[ids].shape[0] alone above)
    expect(() => run([noisy()], 'FAST_COMPILE')).toThrow(ERROR);
  });

  it('raises where the gather is computed outside the branch, in every mode', () => {
    for (const mode of ['FAST_RUN', 'FAST_COMPILE'] as const) {
      expect(() => run([guarded(), x.get(ids).mul(2)], mode)).toThrow(ERROR);
      expect(() => run([x.get(ids).sum()], mode)).toThrow(ERROR);
      expect(run([guarded(), x.get(ids).mul(2)], mode, [2, 0])).toEqual([4, [6, 2]]);
    }
  });

  it('the kernels per call of a gather, a scatter and the negative log-likelihood are unchanged, and each still raises', () => {
    const emb = T.dmatrix('emb');
    const E = sym.array([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' });
    // measured before and after: 1 kernel (the gather in the sum: the CPU's reductions gather), 2 for the scatter, 3 for the mean nll (its label's gather in its mean)
    const gather = sym.function([emb, ids], emb.get(ids).sum());
    expect(gather.compiled.kernelCount(E, [2, 0])).toBe(1);
    expect(() => gather.sync(E, [2, 3])).toThrow(/index 3 \(ids\[1\]\)/);
    // the window x[ids] is not computed, the scatter into it reads the same checked index
    const scatter = sym.function([emb, ids], T.incSubtensor(emb.get(ids), 1));
    expect(scatter.compiled.kernelCount(E, [2, 0])).toBe(2);
    expect(() => scatter.sync(E, [2, 3])).toThrow(/index 3 \(ids\[1\]\)/);
    const p = T.dmatrix('p');
    const y = T.lvector('y');
    const nll = sym.function([p, y], T.nnet.categoricalCrossentropy(p, y).mean());
    const P = sym.array([[0.5, 0.5], [0.25, 0.75]], { dtype: 'float64' });
    expect(nll.compiled.kernelCount(P, [1, 0])).toBe(3);
    expect(() => nll.sync(P, [1, 2])).toThrow(/label 2 \(y\[1\]\) is not one of the 2 classes/);
  });
});
