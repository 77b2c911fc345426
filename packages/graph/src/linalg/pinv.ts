/**
 * `T.nlinalg.pinv`: the Moore-Penrose pseudo-inverse through the reduced
 * SVD, as one opFromGraph whose gradient is the pseudo-inverse's own
 * (Golub and Pereyra 1973) rather than the SVD's: the SVD's gradient
 * through U and V^T is NaN wherever singular values repeat (the identity,
 * any orthogonal matrix), though the pseudo-inverse is differentiable
 * wherever its rank is locally constant. Its R-operator (Rop, J v) is
 * that derivative too, forward: the same formula for a direction dA. The
 * op is inlined before the graph is rewritten, so the forward is the SVD
 * composition unchanged; `grad` and `Rop` run on the graph as written,
 * where the node and its overrides still stand.
 */
import { isFloat } from '../core/dtype.js';
import { asTensor, type TensorLike } from '../core/op.js';
import type { TensorVariable } from '../core/variable.js';
import { opFromGraph, type OpFromGraphFunction } from '../control/op-from-graph.js';
import { largestOrZero } from './linalg-norms.js';
import { svd } from './linalg.js';
// a cycle (tensor.ts re-exports linalg.ts): used only inside functions, never while the modules load
import * as T from '../tensor/tensor.js';

/**
 * V diag(1/s) U^T of the thin SVD, the singular values at or below
 * `factor` times the largest treated as zero (their reciprocal is 0).
 */
export function pinvComposition(a: TensorVariable, factor: TensorLike): TensorVariable {
  const [u, s, vh] = svd(a, { fullMatrices: false });
  // (the largest singular value of an empty matrix is 0: its pinv is empty too, as NumPy's)
  const keep = T.gt(s, T.mul(largestOrZero(s, 0), factor));
  const inverse = T.switch_(keep, T.trueDiv(1, T.switch_(keep, s, 1)), 0);
  return T.dot(T.mul(vh.T, T.dimshuffle(inverse, ['x', 0])), u.T);
}

/**
 * The gradient of P = pinv(A) (A m x n, P n x m) for the cotangent G of P,
 * where A's rank is locally constant. From Golub and Pereyra's
 *   dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P,
 * <G, dP> = <gA, dA> with
 *   gA = -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A),
 * each product ordered so that no m x m or n x n identity is formed.
 */
export function pinvGrad(a: TensorVariable, p: TensorVariable, g: TensorVariable): TensorVariable {
  const gt = g.T;
  const first = T.neg(T.dot(p.T, T.dot(g, p.T)));
  const x = T.dot(gt, T.dot(p, p.T)); // G^T P P^T, m x n
  const second = T.sub(x, T.dot(a, T.dot(p, x)));
  const y = T.dot(T.dot(p.T, p), gt); // P^T P G^T, m x n
  const third = T.sub(y, T.dot(T.dot(y, p), a));
  return T.add(T.add(first, second), third);
}

/**
 * The directional derivative of P = pinv(A) along dA (Golub and Pereyra):
 *   dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P,
 * ordered, as pinvGrad, so that no m x m or n x n identity is formed.
 */
export function pinvRop(a: TensorVariable, p: TensorVariable, da: TensorVariable): TensorVariable {
  const dat = da.T;
  const first = T.neg(T.dot(p, T.dot(da, p)));
  const x = T.dot(p, T.dot(p.T, dat)); // P P^T dA^T, n x m
  const second = T.sub(x, T.dot(T.dot(x, a), p));
  const y = T.dot(dat, T.dot(p.T, p)); // dA^T P^T P, n x m
  const third = T.sub(y, T.dot(p, T.dot(a, y)));
  return T.add(T.add(first, second), third);
}

/**
 * The directional derivative of x = P b along (dA, db): dP b + P db, with
 * dP b from pinvRop's formula applied to b (P b = x, b - A x the residual
 * r), so that dP itself is never formed:
 *   dP b = -P dA x + P P^T dA^T r + (I - P A) dA^T P^T x.
 */
function solutionRop(a: TensorVariable, p: TensorVariable, b: TensorVariable, x: TensorVariable, da: TensorVariable, db: TensorVariable): TensorVariable {
  const dat = da.T;
  const r = T.sub(b, T.dot(a, x));
  const w = T.dot(dat, T.dot(p.T, x));
  const dpb = T.add(T.sub(T.dot(p, T.dot(p.T, T.dot(dat, r))), T.dot(p, T.dot(da, x))), T.sub(w, T.dot(p, T.dot(a, w))));
  return T.add(dpb, T.dot(p, db));
}

/** G in `dtype`: a gradient has its input's dtype (float32 A, float64 b: x and its cotangent are float64). */
function asDtype(g: TensorVariable, dtype: TensorVariable['dtype']): TensorVariable {
  return g.dtype === dtype ? g : T.cast(g, dtype);
}

/** One op per dtype of A: inputs (A, factor), factor the cut relative to the largest singular value. */
const ops = new Map<string, OpFromGraphFunction<TensorVariable>>();

function pinvOp(dtype: TensorVariable['dtype']): OpFromGraphFunction<TensorVariable> {
  const have = ops.get(dtype);
  if (have) return have;
  const a = T.matrix('a', dtype);
  // the factor in s's dtype (float32 stays float32, integers compute in float64), as NumPy's Python float times s
  const factor = T.scalar('factor', isFloat(dtype) ? dtype : 'float64');
  const op = opFromGraph([a, factor], pinvComposition(a, factor), {
    name: 'pinv',
    // the cut moves P only where the rank changes, where no derivative exists
    grad: ([x], [g], [p]) => [pinvGrad(x!, p!, g!), 0],
    // likewise: the factor's eval point moves nothing
    rop: ([x], [dx], [p]) => [asDtype(pinvRop(x!, p!, dx!), p!.dtype)],
  });
  ops.set(dtype, op);
  return op;
}

/**
 * pinv(a) with `factor` the cut relative to the largest singular value (a
 * number or a scalar of s's dtype), differentiable where a's rank is
 * locally constant.
 */
export function pinvCut(a: TensorLike, factor: TensorLike, what = 'pinv'): TensorVariable {
  const v = asTensor(a, what);
  // not a matrix, or float16: the composition raises svd's error naming the argument (the op's would name its placeholder)
  if (v.ndim !== 2 || v.dtype === 'float16') return pinvComposition(v, factor);
  return pinvOp(v.dtype)(v, factor);
}

/**
 * lstsq's solution x = pinv(A) b, computed as V diag(1/s) (U^T b), as one
 * opFromGraph whose gradient is pinv's: for the cotangent gx,
 * gA = pinvGrad(A, P, gx b^T) and gb = P^T gx (P rebuilt in the gradient
 * graph; its SVD merges with the forward's once both are inlined).
 */
const solutionOps = new Map<string, OpFromGraphFunction<TensorVariable>>();

export function lstsqSolution(a: TensorVariable, b: TensorVariable, factor: TensorLike, factorDtype: TensorVariable['dtype']): TensorVariable {
  const key = `${a.dtype} ${b.dtype} ${b.ndim} ${factorDtype}`;
  let op = solutionOps.get(key);
  if (!op) {
    const pa = T.matrix('a', a.dtype);
    const pb = b.ndim === 1 ? T.vector('b', b.dtype) : T.matrix('b', b.dtype);
    const pf = T.scalar('factor', factorDtype);
    const [u, s, vh] = svd(pa, { fullMatrices: false });
    const keep = T.gt(s, T.mul(largestOrZero(s, 0), pf));
    const inverse = T.switch_(keep, T.trueDiv(1, T.switch_(keep, s, 1)), 0);
    const solution = T.dot(T.mul(vh.T, T.dimshuffle(inverse, ['x', 0])), T.dot(u.T, pb));
    op = opFromGraph([pa, pb, pf], solution, {
      name: 'lstsq_solution',
      grad: ([x, y, f], [g]) => {
        const p = pinvCut(x!, f!);
        // x = P b: dx = dP b + P db
        const gx = g!.ndim === 1 ? T.dimshuffle(g!, [0, 'x']) : g!;
        const bt = y!.ndim === 1 ? T.dimshuffle(y!, ['x', 0]) : y!.T;
        return [asDtype(pinvGrad(x!, p, T.dot(gx, bt)), x!.dtype), asDtype(T.dot(p.T, g!), y!.dtype), 0];
      },
      // x as P b from the P it needs anyway, rather than the node's output: that would keep the forward's own SVD
      // beside P's, which the merge does not join (Rop of the solution alone: 161 kernels for a 4 x 3 A, 88 so)
      rop: ([x, y, f], [dx, dy], [solution]) => {
        const p = pinvCut(x!, f!);
        return [asDtype(solutionRop(x!, p, y!, T.dot(p, y!), dx!, dy!), solution!.dtype)];
      },
    });
    solutionOps.set(key, op);
  }
  return op(a, b, factor);
}
