/**
 * Merge copies the graph once: a duplicate's twin whose own inputs merged
 * is copied, and the duplicate's readers read that copy, so no replaced
 * node is left behind for another pass. Before, the readers kept the twin
 * as it was, the copy held both, and each pass freed one more level: a
 * ladder of 30 levels took 16 copies (the most merge makes) and still had
 * duplicates. The test counts the copies (cloneReplace calls).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TensorVariable } from '@sym/graph';
import { merge } from '../src/index.js';
import { T, sym } from './helpers.js';

let copies = 0;
vi.mock('@sym/graph', async (original) => {
  const m = await original<typeof import('@sym/graph')>();
  return {
    ...m,
    cloneReplace: (...args: Parameters<typeof m.cloneReplace>) => {
      copies++;
      return m.cloneReplace(...args);
    },
  };
});

afterEach(() => {
  copies = 0;
});

/** t_i = (t_{i-1} + i) * (t_{i-1} + i), each constant i made twice: after merge, one add and one mul per level. */
function ladder(levels: number): TensorVariable {
  let t: TensorVariable = T.dvector('x');
  for (let i = 1; i <= levels; i++) t = t.add(T.constant(i)).mul(t.add(T.constant(i)));
  return t;
}

describe('merge copies the graph once', () => {
  it.each([3, 30])('a ladder of %i levels whose twins are copied: one copy, no duplicate left', (levels) => {
    const out = ladder(levels);
    expect(sym.toposort([out])).toHaveLength(3 * levels);
    const merged = merge([out]);
    expect(copies).toBe(1);
    expect(sym.toposort(merged)).toHaveLength(2 * levels);
    // nothing left to merge: the same variables back, with no copy
    expect(merge(merged)[0]).toBe(merged[0]);
    expect(copies).toBe(1);
  });
});
