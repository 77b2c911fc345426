/**
 * Ops written outside sym (sym.CustomOp, kind 'Custom') in the optimizer:
 * the rewrites leave them in place (FAST_RUN computes what the graph
 * without rewrites does), merge equal applications by `key()`, fold them
 * when their inputs are constants (through `perform`), and fusion joins an
 * op that lowers to an elementwise kernel with its neighbours, while one
 * that lowers to a reduction keeps its kernel. The ops are the
 * conformance suite's (@sym/backend-testkit's cases/custom-op.ts), read by
 * path as the CPU backend is.
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
import { CumMax, Softsign, cummax, softsign } from '../../backend-testkit/src/cases/custom-op.js';
import { both, close, opNames, sym, T, values } from './helpers.js';

describe('custom ops in the optimizer', () => {
  const x = T.dmatrix('x');
  const v = [
    [0.5, -2, 3, 0.25],
    [-1, 4, -0.5, 2],
  ];

  it('FAST_RUN keeps them and computes what the unrewritten graph does, gradients included', () => {
    const y = cummax(softsign(x.mul(2)).add(T.exp(x.neg())).mul(1)).sum();
    const cost = y.add(grad(y, [x])[0]!.sum());
    const { opt, plain } = both([x], cost);
    expect(opNames(opt.compiled.graphOutputs)).toContain('CumMax');
    expect(opNames(opt.compiled.graphOutputs)).toContain('Softsign');
    expect(close(values(opt.sync(v) as sym.NDArray)[0]!, values(plain.sync(v) as sym.NDArray)[0]!, 1e-12)).toBe(true);
  });

  it('merges equal applications by key, and folds an application to constants through perform', () => {
    const f = sym.function([x], softsign(x).add(new Softsign().apply(x)));
    expect(opNames(f.compiled.graphOutputs).filter((n) => n === 'Softsign')).toHaveLength(1);
    expect(values(f.sync(v) as sym.NDArray)[0]).toEqual(v.flat().map((a) => (2 * a) / (1 + Math.abs(a))));
    const folded = sym.function([x], x.add(cummax(T.constant([3, 1, 4, 1, 5]))).sum());
    expect(opNames(folded.compiled.graphOutputs)).not.toContain('CumMax');
    expect(values(folded.sync([[0, 0, 0, 0, 0]]) as sym.NDArray)[0]).toEqual([3 + 3 + 4 + 4 + 5]);
  });

  it('fusion joins an elementwise lowering with its neighbours; a reduction keeps its own kernel', () => {
    expect(sym.function([x], T.exp(softsign(x.add(1))).mul(3)).compiled.kernelCount(v)).toBe(1);
    const op = new CumMax();
    const withReduce = sym.function([x], op.apply(x.mul(2)).add(1));
    // the reduction's input (x * 2) and output (+ 1) fuse into it: one kernel
    expect(withReduce.compiled.kernelCount(v)).toBe(1);
    expect(values(withReduce.sync(v) as sym.NDArray)[0]).toEqual([2, 2, 7, 7, -1, 9, 9, 9]);
  });
});
