/**
 * `sym.ifelse`, in the `composite` group: a select whose branch not taken
 * reads an index past the end or takes the log of a negative (Theano's
 * guards), with a NaN condition (true, as C's `if`), a branch fused with
 * its neighbours, and a vector branch. The branch not taken is computed
 * (both branches run, the kernels clamp its reads) and dropped; its
 * values must not reach the output. The expected values are written out:
 * the reference `perform` evaluates every node, the guarded read too, and
 * raises NumPy's IndexError where Theano never evaluates it.
 */
import * as sym from '@sym/graph';
import type { DType, NDArray } from '@sym/graph';
import { array, isFloat } from '@sym/graph';
import type { OpCase } from '../case.js';

const T = sym.T;

/** The guards, one output each: x[i] for i past the end, x[ids] * 2 for an id past the end, log of a vector with a negative, a NaN condition, and a taken branch beside them. */
function guards(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false], 'x');
  const i = T.iscalar('i');
  const ids = T.ivector('ids');
  const c = T.tensor(dtype, [], 'c');
  const n = x.shape[0]!;
  const zero = T.constant(0, { dtype });
  const outputs = [
    sym.ifelse(T.lt(i, n), x.get(i), zero.sub(1)),
    sym.ifelse(T.lt(ids.max(), n), x.get(ids).mul(2), T.zerosLike(ids).astype(dtype)),
    sym.ifelse(T.gt(T.min(x), 0), T.log(x).sum(), zero),
    sym.ifelse(c, x.sum(), T.log(x).sum()),
    T.exp(sym.ifelse(T.lt(i, 100), x.mul(3), x.add(1))).sum(),
  ];
  // x = [2, -1, 0.5], i = 7, ids = [0, 9], c = NaN
  const xs = [2, -1, 0.5];
  return {
    group: 'composite',
    name: `ifelse ${dtype}: guards whose branch not taken reads past the end or logs a negative, a NaN condition, a fused branch`,
    op: 'exp',
    dtype,
    graph: {
      inputs: [x, i, ids, c],
      outputs,
      labels: ['ifelse(i < n, x[i], -1)', 'ifelse(max(ids) < n, x[ids] * 2, 0)', 'ifelse(min(x) > 0, sum(log(x)), 0)', 'ifelse(NaN, sum(x), sum(log(x)))', 'sum(exp(ifelse(i < 100, 3x, x + 1)))'],
      values: () => [array(xs, { dtype }), array(7, { dtype: 'int32' }), array([0, 9], { dtype: 'int32' }), array(NaN, { dtype })],
      calls: {
        count: 1,
        expected: (): NDArray[] => [
          array(-1, { dtype }),
          array([0, 0], { dtype }),
          array(0, { dtype }),
          array(xs.reduce((a, b) => a + b, 0), { dtype }),
          array(xs.reduce((a, b) => a + Math.exp(3 * b), 0), { dtype }),
        ],
      },
    },
  };
}

/**
 * A shape claim under the branch not taken (`ifelse(c, specifyShape(x,
 * [2]).sum(), max(x))` of a 3-vector x, c false): it is not checked, and
 * the call gives the else branch, as Theano's lazy ifelse (the call runs
 * its conditions first, then the branch taken alone).
 */
function branchClaim(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false], 'x');
  const c = T.tensor(dtype, [], 'c');
  return {
    group: 'composite',
    name: `ifelse ${dtype}: a shape claim under the branch not taken is not checked`,
    op: 'maximum',
    dtype,
    graph: {
      inputs: [x, c],
      outputs: [sym.ifelse(c, T.specifyShape(x, [2]).sum(), T.max(x))],
      labels: ['ifelse(0, sum(specifyShape(x, [2])), max(x))'],
      values: () => [array([2, -1, 0.5], { dtype }), array(0, { dtype })],
      calls: { count: 1, expected: (): NDArray[] => [array(2, { dtype })] },
    },
  };
}

/** The ifelse cases, one per float dtype the backend holds. */
export function ifelseCases(dtypes: readonly DType[]): OpCase[] {
  const floats = dtypes.filter((d) => isFloat(d) && d !== 'float16');
  return [...floats.map(guards), ...floats.slice(0, 1).map(branchClaim)];
}
