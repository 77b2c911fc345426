/**
 * Kernel expressions as WGSL statements. An expression rendered in one
 * piece nests as deep as its tree: Tint stops parsing at 128 nested
 * levels (each call and parenthesis counts), and a fused chain of 64
 * affine steps (`x = x * 0.9 + 0.1`) nests that deep. And it repeats a
 * subexpression object the expression holds twice (a DAG: `y = x * x;
 * z = y * y; ...`) at each use, doubling per level. Here such
 * subexpressions are computed into `let`s first; an expression with
 * neither renders exactly as `renderExpr` renders it.
 */
import { foldExpr, nesting, operandUses, type ScalarExpr } from '@sym/graph';
import { renderNode, type ConstFn, type IndexFn } from './scalar.js';

/**
 * Bracket nesting past which a subexpression is bound to a `let` of its
 * own: a quarter of Tint's 128, since a unary operator inside brackets
 * counts twice and an op may add a few levels over its operands.
 */
export const MAX_NESTING = 32;

// the deep tests measure rendered code with it
export { nesting } from '@sym/graph';

/** An expression as statements: `lets` (`let name = ...;` each, in order) run before `value` is used. */
export interface RenderedStatements {
  readonly lets: readonly string[];
  readonly value: string;
}

/**
 * WGSL for expression `e` (arguments as `renderExpr`'s) as `let`
 * statements and a value. An apply or gather object the expression holds
 * more than once is computed once, into a `let`, and so is one whose code
 * would nest past `MAX_NESTING`. Binding a switch's branch to a `let`
 * computes nothing that was not computed before: WGSL's `select`
 * evaluates both (a gather's index is in range on every element, taken
 * branch or not). Leaves render at each use, as `renderExpr` renders them,
 * and operands before their users, left to right: `index` and `constant`
 * are asked in `renderExpr`'s order. `prefix` names the lets (`e_0`, ...).
 * Iterative, so that no chain is too deep for the JavaScript stack.
 */
export function renderStatements(e: ScalarExpr, index: IndexFn, packed = -1, reduced?: string, constant?: ConstFn, prefix = 'e_'): RenderedStatements {
  const uses = operandUses(e);
  const lets: string[] = [];
  // the names of the nodes bound so far
  const named = new Map<ScalarExpr, string>();
  const value = foldExpr<string>(
    e,
    (n, args, root) => {
      const code = renderNode(n, args, index, packed, reduced, constant);
      const bind = !root && (n.kind === 'apply' || n.kind === 'gather') && (uses.get(n)! > 1 || nesting(code) > MAX_NESTING);
      if (!bind) return code;
      const name = `${prefix}${lets.length}`;
      lets.push(`let ${name} = ${code};`);
      named.set(n, name);
      return name;
    },
    named,
  );
  return { lets, value };
}

/** `lets` as code before a statement: each followed by `separator` (the statement's line break and indent); nothing when there are none. */
export function statements(lets: readonly string[], separator: string): string {
  return lets.map((l) => `${l}${separator}`).join('');
}
