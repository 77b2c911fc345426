/** A fold over a graph (or any DAG) that needs no call stack. */

/** Where a fold keeps the values it found: a Map or a WeakMap. */
export interface FoldMemo<T, V> {
  /** Whether x's value has been found. */
  has(x: T): boolean;
  /** x's value, once found. */
  get(x: T): V | undefined;
  /** Keep x's value (the return value is ignored, so a Map's or a WeakMap's set fits). */
  set(x: T, value: V): unknown;
}

/**
 * The value of `root` folded children first over a DAG, without recursion
 * (a graph may be deeper than the call stack): `children(x)` lists what
 * x's value reads (nothing for a leaf), visited left to right;
 * `value(x)` computes x's value once each child's is in `memo`, which
 * keeps every value found (a caller may share it between calls).
 */
export function foldGraph<T, V>(root: T, memo: FoldMemo<T, V>, children: (x: T) => readonly T[], value: (x: T) => V): V {
  const stack: T[] = [root];
  while (stack.length) {
    const x = stack[stack.length - 1]!;
    if (memo.has(x)) {
      stack.pop();
      continue;
    }
    const waiting = children(x).filter((c) => !memo.has(c));
    if (waiting.length) {
      for (let k = waiting.length - 1; k >= 0; k--) stack.push(waiting[k]!);
      continue;
    }
    stack.pop();
    memo.set(x, value(x));
  }
  return memo.get(root)!;
}
