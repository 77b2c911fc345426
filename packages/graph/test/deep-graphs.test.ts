/**
 * Graphs deeper than the call stack: a chain of tens of thousands of ops
 * (an unrolled loop, `for (...) y = y.add(1)`) prints, and a join of
 * thousands of pieces compiles. Before, pp and debugprint recursed and
 * overflowed ("Maximum call stack size exceeded") near 10,000 levels, the
 * static leaves of a length (an alloc's) did the same, and a join's
 * kernel nested one switch per piece, which V8's parser refused at 1000.
 */
import { describe, expect, it } from 'vitest';
import { sym, T } from './helpers.js';

/** x + 0.5, then * 2, alternately, `depth` ops: nothing folds them into fewer nodes. */
function chain(x: sym.TensorVariable, depth: number): sym.TensorVariable {
  let y = x;
  for (let i = 0; i < depth; i++) y = i % 2 ? y.mul(2) : y.add(0.5);
  return y;
}

describe('deep graphs', () => {
  it('pp prints a 50,000-deep chain', () => {
    const depth = 50_000;
    const text = sym.pp(chain(T.vector('x'), depth));
    const steps = Array.from({ length: depth }, (_, i) => (i % 2 ? ' * TensorConstant{2})' : ' + TensorConstant{0.5})'));
    expect(text.slice(0, depth + 4)).toBe(`${'('.repeat(depth)}x + `);
    expect(text.endsWith(' * TensorConstant{2}) + TensorConstant{0.5}) * TensorConstant{2})')).toBe(true);
    expect(text).toBe(`${'('.repeat(depth)}x${steps.join('')}`);
  });

  it('pp of a deep chain names the named variables inside it, and computes a shared one once', () => {
    const x = T.vector('x');
    const mid = chain(x, 20_000);
    mid.name = 'mid';
    const top = chain(mid, 20_000);
    const text = sym.pp(top.add(mid));
    expect(text.startsWith(`${'('.repeat(20_001)}mid + TensorConstant{0.5})`)).toBe(true);
    expect(text.endsWith(' * TensorConstant{2}) + mid)')).toBe(true);
    expect(sym.pp(mid).startsWith(`${'('.repeat(20_000)}x + `)).toBe(true);
  });

  it('debugprint prints a 10,000-deep chain, one line per node, inputs indented below', () => {
    const depth = 10_000;
    const lines = sym.debugprint(chain(T.vector('x'), depth)).split('\n');
    // the ops down to x, then each op's constant on the way back up
    expect(lines).toHaveLength(2 * depth + 1);
    expect(lines.slice(0, 2)).toEqual(["Elemwise{mul,no_inplace} [id A] ''", " |Elemwise{add,no_inplace} [id B] ''"]);
    expect(lines[depth - 1]).toBe(`${' |'.repeat(depth - 1)}Elemwise{add,no_inplace} [id ${idName(depth - 1)}] ''`);
    expect(lines[depth]).toBe(`${' |'.repeat(depth)}x [id ${idName(depth)}]`);
    expect(lines[depth + 1]).toBe(`${' |'.repeat(depth)}TensorConstant{0.5} [id ${idName(depth + 1)}]`);
    expect(lines[depth + 2]).toBe(`${' |'.repeat(depth - 1)}TensorConstant{2} [id ${idName(depth + 2)}]`);
    expect(lines.slice(-2)).toEqual([` | |TensorConstant{0.5} [id ${idName(2 * depth - 1)}]`, ` |TensorConstant{2} [id ${idName(2 * depth)}]`]);
  });

  it('the static length of an alloc computed by a 20,000-deep chain is found', async () => {
    const n = T.iscalar('n');
    let m = n;
    for (let i = 0; i < 20_000; i++) m = i % 2 ? m.sub(1) : m.add(1);
    const f = sym.function([n], T.alloc(1.5, m).sum(), { mode: 'FAST_COMPILE' });
    expect(Number((await f(4)).data[0])).toBe(6);
  });

  it('a join of 2000 pieces compiles and runs (its switches nest by halves)', async () => {
    const x = T.vector('x');
    const pieces = 2000;
    const f = sym.function([x], T.concatenate(Array.from({ length: pieces }, (_, i) => x.mul(i + 1))), { mode: 'FAST_COMPILE' });
    const got = Array.from((await f([1, -2])).data);
    expect(got).toEqual(Array.from({ length: pieces }, (_, i) => [i + 1, -2 * (i + 1)]).flat());
  });
});

/** debugprint's ids: A..Z, AA.. (as printing.ts numbers them). */
function idName(n: number): string {
  let s = '';
  n += 1;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}
