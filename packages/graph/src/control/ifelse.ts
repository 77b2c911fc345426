/**
 * Theano's `theano.ifelse.ifelse(condition, then, else)`: the `then`
 * branch where a scalar condition is true (non-zero, NaN included, as C's
 * `if`), the `else` branch otherwise; one branch or a list of them.
 *
 * Theano's is lazy: only the branch taken runs. sym's programs are
 * straight lists of kernels made before a call reads any value, so here
 * both branches run and a select picks one (Theano's `T.switch` with a
 * scalar condition): the values and gradients are Theano's, the cost is
 * both branches'. Theano lets the branches' shapes differ (the result's
 * shape is the taken branch's); a select cannot, so each length is checked
 * to match at run time, with an error naming both shapes. An index read
 * only in a branch, and a shape claim only a branch reads, raise only when
 * that branch is taken (Theano's guard `ifelse(i < n, x[i], 0)` never
 * evaluates `x[i]` past the end): such a check that fails sends the call
 * the lazy way (function/lazy-branches.ts, kernel/index-check-live.ts).
 */
import { castScalar, isFloat } from '../core/dtype.js';
import { shapeToString } from '../core/ndarray.js';
import { apply1, asTensor, constant, type TensorLike } from '../core/op.js';
import { BranchShapeCheck, ifElseSelect } from '../ops/ifelse-select.js';
import { TensorVariable } from '../core/variable.js';

/**
 * The two branches as tensors: a plain number takes the other branch's dtype
 * (it stays a scalar), if that dtype holds it exactly: Theano refuses
 * branches of different types, so 1.5 or 300 beside an int32 or uint8
 * branch is an error, not 1 or 44.
 */
function branchPair(what: string, then: TensorLike, otherwise: TensorLike): [TensorVariable, TensorVariable] {
  const asBranch = (x: TensorLike, other: TensorLike, which: string): TensorVariable => {
    if (!(typeof x === 'number' && other instanceof TensorVariable)) return asTensor(x, `${what}: ${which}`);
    if (!isFloat(other.dtype) && castScalar(x, other.dtype) !== x) {
      throw new TypeError(
        `${what}: the ${which} is the number ${x}, which the other branch's dtype ${other.dtype} (${other} of type ${other.type}) cannot hold; ` +
          `a number branch takes the other branch's dtype, so give it a value of that dtype or cast the other branch (T.cast)`,
      );
    }
    return constant(x, { dtype: other.dtype });
  };
  const a = asBranch(then, otherwise, 'then branch');
  const b = asBranch(otherwise, a, 'else branch');
  if (a.dtype !== b.dtype || a.ndim !== b.ndim) {
    throw new TypeError(
      `${what}: the two branches must have the same dtype and number of dimensions (Theano: identical types), ` +
        `got ${a} of type ${a.type} and ${b} of type ${b.type}; cast one of them (T.cast) first`,
    );
  }
  return [a, b];
}

/** `b` with each length checked to equal `a`'s when the program is made. */
function sameShape(what: string, a: TensorVariable, b: TensorVariable): TensorVariable {
  let checked = b;
  for (let d = 0; d < a.ndim; d++) {
    checked = apply1(
      new BranchShapeCheck(
        d,
        d,
        (bs, as) =>
          `${what}: the then branch ${a} has shape ${shapeToString(as)} and the else branch ${b} has shape ${shapeToString(bs)}: ` +
          `sym runs both branches and selects one (not lazily, as Theano), so their shapes must be the same`,
        `ifelse ${d}`,
      ),
      [checked, a],
    );
  }
  return checked;
}

/**
 * Theano's `ifelse(condition, then, else)`: `then` where the scalar
 * `condition` is true (non-zero; NaN counts as true), else `otherwise`.
 * Branches are tensors of the same dtype and number of dimensions (a plain
 * number takes the other branch's dtype) and, here, the same shape; pass
 * lists of branches for several results. Both branches are computed (see
 * the module comment); `grad` sends the output's gradient to the branch
 * taken and zeros to the other, as Theano's.
 *
 * ```ts
 * const a = T.scalar('a'); const b = T.scalar('b');
 * const x = T.matrix('x'); const y = T.matrix('y');
 * const z = sym.ifelse(T.lt(a, b), T.mean(x), T.mean(y));
 * ```
 */
export function ifelse(condition: TensorLike, then: TensorLike, otherwise: TensorLike): TensorVariable;
export function ifelse(condition: TensorLike, then: readonly TensorLike[], otherwise: readonly TensorLike[]): TensorVariable[];
export function ifelse(condition: TensorLike, then: TensorLike | readonly TensorLike[], otherwise: TensorLike | readonly TensorLike[]): TensorVariable | TensorVariable[] {
  const what = 'ifelse';
  const cond = asTensor(condition, `${what}: condition`);
  if (cond.ndim !== 0) throw new TypeError(`${what}: the condition must be a scalar, got ${cond} of type ${cond.type}`);
  const many = Array.isArray(then);
  if (many !== Array.isArray(otherwise)) {
    throw new TypeError(`${what}: then and else must both be lists of branches or both single branches, got ${many ? 'a list' : 'one branch'} and ${many ? 'one branch' : 'a list'}`);
  }
  const thens = (many ? then : [then]) as readonly TensorLike[];
  const elses = (many ? otherwise : [otherwise]) as readonly TensorLike[];
  if (thens.length !== elses.length) {
    throw new TypeError(`${what}: then has ${thens.length} branches but else has ${elses.length}; they are paired in order`);
  }
  const outs = thens.map((t, i) => {
    const label = many ? `${what}: branch ${i}` : what;
    const [a, b] = branchPair(label, t, elses[i]!);
    return ifElseSelect(cond, a, sameShape(label, a, b));
  });
  return many ? outs : outs[0]!;
}
