/**
 * Which float additions and subtractions a GPU shader compiler may fold to
 * 0, for the backends that render kernels to a shading language. WGSL lets a
 * compiler assume no NaN and no infinities, and GLSL compilers fold freely:
 * lavapipe and llvmpipe fold `a - a` to 0 (NumPy: NaN for an infinite or NaN
 * a) once they prove the operands one value: operands written alike, but also
 * `x * 2 - 2 * x` (commuted), `x - (x + 0)`, `max(x, x) - x` and a select of
 * one value less that value. Operands can only be proven one value if they
 * read a common input, so that is the test (not the operands' text). A
 * backend guards what `mayCancel` names (WebGPU multiplies the second operand
 * by a 1 the compiler cannot see; gpu.js calls a helper that keeps NaN).
 */
import { isFloat } from '../core/dtype.js';
import { operandsOf, type ApplyExpr, type ScalarExpr } from './kernel.js';

/** What each node reads, kept while the node lives (kernel expressions are not changed once built). */
const memo = new WeakMap<ScalarExpr, ReadonlySet<string>>();

/** The inputs (and the reduced value, `r`) `root` reads, iteratively: a fused chain may be too deep for the stack. */
export function readsOf(root: ScalarExpr): ReadonlySet<string> {
  const stack: ScalarExpr[] = [root];
  while (stack.length) {
    const e = stack[stack.length - 1]!;
    if (memo.has(e)) { stack.pop(); continue; }
    // a gather reads its input wherever its index points: the input stands for it; a switch's condition only chooses
    const ops = e.kind === 'gather' ? [] : e.kind === 'apply' && e.op === 'switch' ? e.args.slice(1) : operandsOf(e);
    const todo = ops.filter((a) => !memo.has(a));
    if (todo.length) { stack.push(...todo); continue; }
    stack.pop();
    const own = e.kind === 'load' || e.kind === 'gather' ? [`i${e.input}`] : e.kind === 'reduced' ? ['r'] : [];
    memo.set(e, new Set([...own, ...ops.flatMap((a) => [...memo.get(a)!])]));
  }
  return memo.get(root)!;
}

/** A negation a compiler sees through: `- a`, or a product with a negative constant. */
const negation = (e: ScalarExpr) => e.kind === 'apply' && (e.op === 'neg' || (e.op === 'mul' && e.args.some((a) => a.kind === 'const' && a.value < 0)));

/**
 * Whether `e` is a float `a - b`, or `a + b` of a negated operand, whose
 * operands read a common input: the ones a compiler may fold to 0.
 */
export function mayCancel(e: ApplyExpr): boolean {
  if (!isFloat(e.computeDType) || (e.op !== 'sub' && !(e.op === 'add' && e.args.some(negation)))) return false;
  const left = readsOf(e.args[0]!);
  return [...readsOf(e.args[1]!)].some((k) => left.has(k));
}
