/**
 * Which float sums and products a GPU shader compiler may regroup into a
 * value NumPy does not compute, beyond the differences `mayCancel` names.
 * lavapipe (WebGPU) and llvmpipe (gpu.js) both treat float arithmetic as
 * reassociable: they regroup `(x - y) + y` to x (0 where x is below y's
 * ulp), fold the constants of `(x + 1e30) - 1e30` or `1 - (1 - x)` to x
 * (0 for |x| below the constant's ulp), move a constant into a sum
 * (`(x + y) + 2` as `x + (y + 2)`: 0 at x = 1e30, y = -1e30), factor `(x - y) * 2 + y * 2` and
 * regroup the sum to 2 * x, and fold the constants of `x * 1e30 * 1e30`
 * to x * inf (NaN at 0; the optimizer keeps such a chain as written
 * because its constant overflows, and `x * 1e-30 * 1e-30` alike, whose 0
 * loses NaN and inf). A backend guards what these name with its own trick (WebGPU
 * multiplies an operand by a 1 the compiler cannot see; gpu.js calls a
 * helper). Not guarded: `(x * 2) / 2` and `x * y / y`, which neither
 * compiler regrouped, and in-range constant products (`x * 1e30 * 1e-30`),
 * which the optimizer folds as well.
 */
import { isFloat } from '../core/dtype.js';
import type { ApplyExpr, ScalarExpr } from './kernel.js';
import { mayCancel, readsOf } from './may-cancel.js';

const isApply = (e: ScalarExpr, ops: readonly string[]): e is ApplyExpr => e.kind === 'apply' && ops.includes(e.op) && isFloat(e.computeDType);

/** Whether `a` and `b` read a common input (mayCancel's test, asked of their difference). */
const readCommon = (a: ScalarExpr, b: ScalarExpr, like: ApplyExpr) => mayCancel({ ...like, op: 'sub', args: [a, b] });

/**
 * Whether `a` and `b` are constants whose float32 product overflows, or
 * underflows to a subnormal or 0 (neither being 0): the chains the
 * optimizer keeps as written (chain_constants). Other constant products
 * the compilers fold as the optimizer would, so they render as written
 * (a training step's x * 1.0005 * 0.1 stays one instruction shorter).
 */
function outOfRange(a: ScalarExpr, b: ScalarExpr): boolean {
  if (a.kind !== 'const' || b.kind !== 'const' || a.value === 0 || b.value === 0) return false;
  const p = Math.abs(Math.fround(Math.fround(a.value) * Math.fround(b.value)));
  return p === Infinity || p < 1.1754943508222875e-38;
}

/** Whether `a` and `b` are one value as written: one node, equal constants, or loads alike. */
const alike = (a: ScalarExpr, b: ScalarExpr) =>
  a === b || (a.kind === 'const' && b.kind === 'const' && a.value === b.value) || (a.kind === 'load' && b.kind === 'load' && a.input === b.input && a.offset === b.offset && a.strides.join() === b.strides.join());

/** The other factors of products `a` and `b` that share a factor (`p * c` and `q * c`: p and q), which a compiler factors out. */
function unshared(a: ScalarExpr, b: ScalarExpr): [ScalarExpr, ScalarExpr] | undefined {
  if (!isApply(a, ['mul']) || !isApply(b, ['mul'])) return undefined;
  for (const i of [0, 1]) for (const j of [0, 1]) if (alike(a.args[i]!, b.args[j]!)) return [a.args[1 - i]!, b.args[1 - j]!];
  return undefined;
}

/**
 * Which operand of `e` (0 or 1) a backend holds apart so that the compiler
 * cannot regroup `e`; -1 where it may not. For a float `a + b` or `a - b`:
 * mayCancel's (the second operand); a nonzero constant, or an expression
 * reading nothing, beside a sum (the constant: `(x + y) + 2` became
 * `x + (y + 2)`); a sum beside an operand where a term of one and a term
 * of the other, of opposite signs a few levels down, read a common input
 * (the operand that is not a sum: `(x - y) + y`, `y + ((x - y) + z)`); a
 * sum of products with a common factor (`(x - y) * 2 + y * 2`, factored
 * then regrouped to `2 * x`) whose other factors' sum is one of these (the
 * second). For a float product: a constant beside a product with a
 * constant factor, the two constants' product out of range (the outer
 * constant). Not every sum of operands that read one input: a dot
 * product's unrolled terms do, all of one sign, and the compilers keep
 * them as written.
 */
export function regroupOperand(e: ApplyExpr): number {
  if (!isFloat(e.computeDType) || (e.op !== 'add' && e.op !== 'sub' && e.op !== 'mul')) return -1;
  if (e.op !== 'mul' && mayCancel(e)) return 1;
  const rest = e.op === 'mul' ? undefined : unshared(e.args[0]!, e.args[1]!);
  if (rest && regroupOperand({ ...e, args: rest }) >= 0) return 1;
  return e.args.findIndex((other, i) => {
    const inner = e.args[1 - i]!;
    if (e.op === 'mul') return isApply(inner, ['mul']) && inner.args.some((t) => outOfRange(t, other));
    // a zero moved within a sum changes no value (a dot product's seed, -0 + a * b + ..., stays as written)
    return isApply(inner, ['add', 'sub']) && (readsOf(other).size === 0 ? !(other.kind === 'const' && other.value === 0) : opposed(e));
  });
}

/** The terms of a float sum, `depth` levels down, each with its sign: `(x - y) + -z` gives x 1, y -1, z -1. */
function terms(e: ScalarExpr, sign: number, depth: number, out: [ScalarExpr, number][] = []): [ScalarExpr, number][] {
  if (depth > 0 && isApply(e, ['add', 'sub'])) {
    terms(e.args[0]!, sign, depth - 1, out);
    terms(e.args[1]!, e.op === 'sub' ? -sign : sign, depth - 1, out);
  } else if (depth > 0 && isApply(e, ['neg'])) terms(e.args[0]!, -sign, depth - 1, out);
  else out.push([e, sign]);
  return out;
}

/** Whether a term of `e`'s first operand and one of its second, of opposite signs, read a common input (`(x - y) + y`). */
function opposed(e: ApplyExpr): boolean {
  const right = terms(e.args[1]!, e.op === 'sub' ? -1 : 1, 3);
  return terms(e.args[0]!, 1, 3).some(([a, s]) => right.some(([b, t]) => s !== t && readCommon(a, b, e)));
}
