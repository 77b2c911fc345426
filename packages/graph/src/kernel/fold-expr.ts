import type { ScalarExpr } from './kernel.js';
import { operandsOf } from './kernel.js';

/**
 * Fold expression `e` operands first, left to right, without recursion (no
 * chain is too deep for the JavaScript stack): `node(n, args, root)` gets
 * the results of n's operands and returns n's. A node object already in
 * `memo` is not visited again: its entry stands for it wherever the
 * expression holds it again, so a DAG folded with a memo that `node` fills
 * costs its objects, not its tree. Renderers use it to compute a shared
 * or deep subexpression once, into a variable named by its memo entry.
 */
export function foldExpr<R>(e: ScalarExpr, node: (n: ScalarExpr, args: R[], root: boolean) => R, memo: ReadonlyMap<ScalarExpr, R>): R {
  const frames: { e: ScalarExpr; args: R[] }[] = [{ e, args: [] }];
  for (;;) {
    const top = frames[frames.length - 1]!;
    const ops = operandsOf(top.e);
    if (top.args.length < ops.length) {
      const a = ops[top.args.length]!;
      const known = memo.get(a);
      if (known !== undefined) top.args.push(known);
      else frames.push({ e: a, args: [] });
      continue;
    }
    frames.pop();
    const parent = frames[frames.length - 1];
    const r = node(top.e, top.args, parent === undefined);
    if (!parent) return r;
    parent.args.push(r);
  }
}
