/**
 * The select an `ifelse` is made of, and what a lazy evaluation reads.
 *
 * sym's programs run both branches of an ifelse and select one (ifelse.ts);
 * Theano's runs only the branch taken. The program's kernels clamp the
 * reads of the branch not taken, whose value the select drops, but the
 * ops' reference `perform` does not: DebugMode, which checks every node
 * against it, and a scan's reference step must not evaluate that branch
 * (Theano's guard `ifelse(i < n, x[i], 0)` would be NumPy's IndexError,
 * `ifelse(x > 0, log(x), 0)` a NaN Theano never computes). The select is
 * an Elemwise switch in everything else (lowering, rewrites, gradient), so
 * its kernels and fusion are a switch's.
 */
import type { NDArray } from '../core/ndarray.js';
import { apply1, type Apply } from '../core/op.js';
import { TensorConstant, type TensorVariable } from '../core/variable.js';
import { Elemwise } from './elemwise.js';
import { MatchLength } from './shape.js';

/** `switch(condition, then, else)` of an ifelse: a lazy evaluation reads only the branch the scalar condition takes. */
export class IfElseSelect extends Elemwise {
  constructor() {
    super('switch');
  }
  // not merged with an eager switch of the same inputs, which reads both
  override key(): string {
    return 'Elemwise{switch,ifelse}';
  }
}

const SELECT = new IfElseSelect();

/**
 * The check that an ifelse's two branches have one shape (its else branch,
 * checked against its then branch): sym computes both, so it holds
 * whichever branch is taken, and is no claim of either branch
 * (function/lazy-branches.ts leaves it out).
 */
export class BranchShapeCheck extends MatchLength {}

/** The select of an ifelse: `then` where the scalar `condition` is non-zero (NaN too), else `otherwise`; both of one type and shape. */
export function ifElseSelect(condition: TensorVariable, then: TensorVariable, otherwise: TensorVariable): TensorVariable {
  return apply1(SELECT, [condition, then, otherwise]);
}

/** The input (1: then, 2: else) an ifelse select reads for its condition's value; undefined for any other node (it reads every input). */
export function branchTaken(node: Apply, valueOf: (v: TensorVariable) => NDArray): 1 | 2 | undefined {
  if (!(node.op instanceof IfElseSelect)) return undefined;
  const condition = valueOf(node.inputs[0]!);
  if (condition.size !== 1) return undefined;
  // C's truthiness, as the kernels' select: NaN is true, -0 false
  return condition.data[0] !== 0 ? 1 : 2;
}

/** Whether node's input i is read for its shape alone (a length, a shape check): where shapes are known, its value need not be computed. */
export function readsShapeOnly(node: Apply, i: number): boolean {
  return node.op.kind === 'Shape' || (node.op.kind === 'MatchLength' && i === 1);
}

/**
 * Values of `outputs` (a scan's step, an opFromGraph's body), given their
 * leaves' values (`missing` says a leaf not given), as
 * Theano's lazy run computes them: walking back from the outputs, an
 * ifelse's select reads only the branch its condition takes (the other may
 * read an index past the end, which the step's kernels clamp and drop), and
 * a shape check (MatchLength) compares against a value only if it was
 * computed.
 */
export function evaluateLazily(outputs: readonly TensorVariable[], given: ReadonlyMap<TensorVariable, NDArray>, missing: (v: TensorVariable) => string): NDArray[] {
  const values = new Map(given);
  const has = (v: TensorVariable): boolean => values.has(v) || v instanceof TensorConstant;
  const valueOf = (v: TensorVariable): NDArray => {
    const have = values.get(v);
    if (have) return have;
    if (v instanceof TensorConstant) return v.value;
    throw new Error(missing(v));
  };
  // depth-first with a stack of its own: a step of thousands of nodes would overflow a recursion
  const stack = [...outputs].reverse();
  while (stack.length) {
    const v = stack[stack.length - 1]!;
    if (has(v)) {
      stack.pop();
      continue;
    }
    const nd = v.owner;
    if (!nd) throw new Error(missing(v));
    // the input each operand is read from: a select's branch not taken is read from the one beside it, of the same
    // shape (ifelse makes its branches' shapes equal)
    let sources = nd.inputs.map((_, i) => i);
    // a shape check whose other operand (read for its shape alone) is not computed compares nothing: its value passes
    // (that operand need not have the checked one's shape: a batched dot checks a's last axis against b's axis 1)
    const unchecked = nd.op.kind === 'MatchLength' && !has(nd.inputs[1]!);
    if (nd.op instanceof IfElseSelect) {
      if (!has(nd.inputs[0]!)) {
        stack.push(nd.inputs[0]!);
        continue;
      }
      const taken = branchTaken(nd, valueOf);
      if (taken !== undefined) sources = [0, taken, taken];
    } else if (unchecked) sources = [0];
    const needed = [...new Set(sources)].map((i) => nd.inputs[i]!).filter((u) => !has(u));
    if (needed.length) {
      stack.push(...needed.reverse());
      continue;
    }
    stack.pop();
    if (unchecked) {
      values.set(nd.outputs[0]!, valueOf(nd.inputs[0]!));
      continue;
    }
    const ins = sources.map((i) => valueOf(nd.inputs[i]!));
    const outs = nd.op.perform(ins, nd);
    nd.outputs.forEach((o, i) => values.set(o, outs[i]!));
  }
  return outputs.map(valueOf);
}
