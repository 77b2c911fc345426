/**
 * Graphs deeper than the call stack: a chain of tens of thousands of ops
 * (an unrolled loop, `for (...) y = y.add(1)`) prints, and a join of
 * thousands of pieces compiles. Before, pp and debugprint recursed and
 * overflowed ("Maximum call stack size exceeded") near 10,000 levels, as
 * did the static leaves of a length (an alloc's) and the simplification of
 * a slice's symbolic bounds; pp copied a call's operands (n^2 characters
 * for a chain of calls); and a join's kernel nested one switch per piece,
 * which V8's parser refused at 1000.
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

  it('pp of a 20,000-deep chain of calls keeps one text (maximum(maximum(...), 0) copied each level: n^2 characters)', () => {
    const depth = 20_000;
    let y = T.vector('x');
    for (let i = 0; i < depth; i++) y = T.maximum(y, 0);
    const text = sym.pp(y);
    expect(text).toBe(`${'maximum('.repeat(depth)}x${', TensorConstant{0})'.repeat(depth)}`);
  });

  it("a slice's symbolic bounds computed by a 12,000-step unrolled loop simplify to its length", async () => {
    const [x, i] = [T.vector('x'), T.iscalar('i')];
    // through a call at the bottom, which the simplification takes as a term
    let pos = T.maximum(i, 0);
    for (let k = 0; k < 12_000; k++) pos = k % 2 ? pos.sub(1) : pos.add(1);
    const f = sym.function([x, i], x.get(T.slice(pos, pos.add(2))), { mode: 'FAST_COMPILE' });
    expect(Array.from((await f([1, 2, 3, 4], 1)).data)).toEqual([2, 3]);
    // a length that depends on pos: found from the values, on the host
    expect(sym.toposort([x.get(T.slice(pos, pos.mul(2)))]).some((n) => n.op.toString().startsWith('SliceWindow'))).toBe(true);
    expect(sym.toposort([x.get(T.slice(pos, pos.add(2)))]).some((n) => n.op.toString().startsWith('SliceWindow'))).toBe(false);
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
