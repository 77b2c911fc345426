/**
 * Slice bounds as affine expressions of integer scalars (indexing.ts's
 * windowOf): when stop - start simplifies to a constant, as in Theano's
 * minibatch `x[i * bs:(i + 1) * bs]`, the window's length is known when
 * the graph is built.
 */
import { foldGraph } from '../core/fold.js';
import { Elemwise } from '../ops/elemwise.js';
import { pp } from '../printing/printing.js';
import { TensorConstant, type TensorVariable } from '../core/variable.js';

/**
 * An integer scalar expression as sum(coefficient * atom) + constant, atoms
 * being what is not a sum, difference or product by a constant, keyed by
 * structure (two `x.shape[0]` written apart are one atom).
 */
export interface Affine {
  readonly terms: Map<string, number>;
  readonly c: number;
}

/** What the bounds of one slice share: each term's printed form, and the keys of the graphs seen. */
export interface AffineContext {
  readonly names: Map<string, string>;
  readonly keys: Map<TensorVariable, string>;
  /** A node's key from its op's key and its operands' keys: short however deep the graph. */
  readonly interned: Map<string, string>;
}

/** A key equal for equal graphs (op keys, constants' values, leaves' ids), equal graphs being numbered once. */
function structure(v: TensorVariable, cx: AffineContext): string {
  // children first without recursion: a bound computed by an unrolled loop of 10,000 steps is deeper than the call stack
  const { keys, interned } = cx;
  const leaf = (x: TensorVariable): boolean => x instanceof TensorConstant || !x.owner;
  return foldGraph(
    v,
    keys,
    (x) => (leaf(x) ? [] : x.owner!.inputs),
    (x) => {
      if (leaf(x)) return x instanceof TensorConstant ? `const:${x.dtype}:${x.value.data.join(',')}` : `leaf:${x.id}`;
      const text = `${x.owner!.op.key()}.${x.index}(${x.owner!.inputs.map((i) => keys.get(i)!).join(',')})`;
      let key = interned.get(text);
      if (key === undefined) interned.set(text, (key = `node:${interned.size}`));
      return key;
    },
  );
}

function combine(parts: readonly Affine[], signs: readonly number[]): Affine {
  const terms = new Map<string, number>();
  let c = 0;
  parts.forEach((p, k) => {
    c += signs[k]! * p.c;
    for (const [a, m] of p.terms) terms.set(a, (terms.get(a) ?? 0) + signs[k]! * m);
  });
  for (const [a, m] of terms) if (m === 0) terms.delete(a);
  return { terms, c };
}

/** The scalar op whose operands `affine` reads (add, sub, neg, mul), or undefined. */
function affineOp(v: TensorVariable): string | undefined {
  if (v instanceof TensorConstant && v.ndim === 0) return undefined;
  const op = v.owner?.op instanceof Elemwise ? v.owner.op.scalarOp : undefined;
  return op === 'add' || op === 'sub' || op === 'neg' || op === 'mul' ? op : undefined;
}

export function affine(v: TensorVariable, cx: AffineContext): Affine {
  const memo = new Map<TensorVariable, Affine>();
  // operands first, left to right, with an explicit stack (a bound computed by an unrolled loop is deep)
  const stack: { v: TensorVariable; expanded: boolean }[] = [{ v, expanded: false }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const x = top.v;
    const op = affineOp(x);
    if (memo.has(x)) {
      stack.pop();
      continue;
    }
    if (op && !top.expanded) {
      top.expanded = true;
      const inputs = x.owner!.inputs;
      for (let k = inputs.length - 1; k >= 0; k--) if (!memo.has(inputs[k]!)) stack.push({ v: inputs[k]!, expanded: false });
      continue;
    }
    stack.pop();
    memo.set(x, affineOf(x, op, op ? x.owner!.inputs.map((i) => memo.get(i)!) : [], cx));
  }
  return memo.get(v)!;
}

/** `affine` of `v`, its operands' (`parts`) known. */
function affineOf(v: TensorVariable, op: string | undefined, parts: readonly Affine[], cx: AffineContext): Affine {
  if (v instanceof TensorConstant && v.ndim === 0) return { terms: new Map(), c: Number(v.value.data[0]) };
  if (op === 'add' || op === 'sub' || op === 'neg') return combine(parts, parts.map((_, k) => (op === 'neg' || (op === 'sub' && k === 1) ? -1 : 1)));
  if (op === 'mul') {
    const symbolic = parts.filter((p) => p.terms.size > 0);
    if (symbolic.length <= 1) {
      const factor = parts.filter((p) => p.terms.size === 0).reduce((a, p) => a * p.c, 1);
      const base = symbolic[0] ?? { terms: new Map(), c: 1 };
      return combine([base], [factor]);
    }
  }
  const key = structure(v, cx);
  cx.names.set(key, pp(v));
  return { terms: new Map([[key, 1]]), c: 0 };
}
