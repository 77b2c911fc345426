/**
 * An integer index read only inside an ifelse's branch is checked when that
 * branch is taken, as Theano's lazy ifelse evaluates it: `ifelse(c, x[i + 1],
 * x[i - 1])` with c false and i = -5 into a length-5 x is NumPy's IndexError
 * for index -6, and nothing is raised for the branch not taken. The checks of
 * such reads were dropped, so the kernels clamped the index silently.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const MODES = ['FAST_RUN', 'FAST_COMPILE', 'DebugMode'] as const;
const xs = () => sym.array([1, 2, 3, 4, 5], { dtype: 'float64' });
const ids = (v: number) => sym.array([v], { dtype: 'int32' });
const values = (r: unknown) => Array.from((r as sym.NDArray).data);

describe('an index read under an ifelse branch', () => {
  it.each(MODES)("%s: a computed index (i + 1, i - 1) raises NumPy's IndexError in the branch taken, and not in the other", async (mode) => {
    const [c, x, i] = [T.dscalar('c'), T.dvector('x'), T.ivector('i')];
    const f = sym.function([c, x, i], sym.ifelse(c, x.get(i.add(1)), x.get(i.sub(1))), { mode });
    // else taken: i - 1 = -6 is out of range
    expect(() => f.sync(0, xs(), ids(-5))).toThrow(/index -6 .* out of bounds for axis 0 with size 5/);
    await expect(f(0, xs(), ids(-5))).rejects.toThrow(/index -6 .* out of bounds for axis 0 with size 5/);
    // then taken: i + 1 = -4 reads x[-4]; the else branch's -6 is not evaluated
    expect(values(f.sync(1, xs(), ids(-5)))).toEqual([2]);
    expect(values(await f(1, xs(), ids(-5)))).toEqual([2]);
    // i = 4: then's 5 is out of range when taken, else's 3 fine
    expect(values(f.sync(0, xs(), ids(4)))).toEqual([4]);
    expect(() => f.sync(1, xs(), ids(4))).toThrow(/index 5 .* out of bounds for axis 0 with size 5/);
    expect(values(f.sync(1, xs(), ids(1)))).toEqual([3]);
  });

  it.each(MODES)("%s: an input index raises NumPy's IndexError naming it in the branch taken, and not in the other", async (mode) => {
    const [c, x, i] = [T.dscalar('c'), T.dvector('x'), T.ivector('i')];
    const f = sym.function([c, x, i], sym.ifelse(c, 0, T.sum(x.get(i))), { mode });
    expect(() => f.sync(0, xs(), ids(5))).toThrow(/index 5 \(i\[0\]\) is out of bounds for axis 0 with size 5/);
    await expect(f(0, xs(), ids(5))).rejects.toThrow(/index 5 \(i\[0\]\) is out of bounds for axis 0 with size 5/);
    expect(values(f.sync(1, xs(), ids(5)))).toEqual([0]);
    expect(values(await f(1, xs(), ids(5)))).toEqual([0]);
    expect(values(f.sync(0, xs(), ids(-1)))).toEqual([5]);
  });

  it.each(MODES)('%s: nested ifelses: the read raises only where both conditions take its branch', (mode) => {
    const [a, b, x, i] = [T.dscalar('a'), T.dscalar('b'), T.dvector('x'), T.ivector('i')];
    const f = sym.function([a, b, x, i], sym.ifelse(a, sym.ifelse(b, x.get(i.mul(2)), x.get(i)), x.get(i.sub(1))), { mode });
    // i = 3: i * 2 = 6 is out of range, i = 3 and i - 1 = 2 are not
    expect(() => f.sync(1, 1, xs(), ids(3))).toThrow(/index 6 .* out of bounds for axis 0 with size 5/);
    expect(values(f.sync(1, 0, xs(), ids(3)))).toEqual([4]);
    expect(values(f.sync(0, 1, xs(), ids(3)))).toEqual([3]);
    // i = -5: i - 1 = -6 is out of range, i * 2 = -10 too
    expect(() => f.sync(0, 0, xs(), ids(-5))).toThrow(/index -6 .* out of bounds/);
    expect(() => f.sync(1, 1, xs(), ids(-5))).toThrow(/index -10 .* out of bounds/);
    expect(values(f.sync(1, 0, xs(), ids(-5)))).toEqual([1]);
  });

  it('a failed call leaves the shared variables as they were; a good one updates them', () => {
    const [c, i] = [T.dscalar('c'), T.ivector('i')];
    const x = sym.shared(xs(), { name: 'x' });
    const acc = sym.shared(sym.array(0, { dtype: 'float64' }), { name: 'acc' });
    const picked = sym.ifelse(c, x.get(i.add(1)).sum(), x.get(i.sub(1)).sum());
    const f = sym.function([c, i], picked, { updates: [[acc, acc.add(picked)]] });
    expect(() => f.sync(0, ids(-5))).toThrow(/index -6 .* out of bounds/);
    expect(Number(acc.getValue().item())).toBe(0);
    expect(values(f.sync(1, ids(-5)))).toEqual([2]);
    expect(Number(acc.getValue().item())).toBe(2);
  });

  it('random draws: a lazy call advances the generator as an eager one, a failed call not at all', () => {
    const [c, x, i] = [T.dscalar('c'), T.dvector('x'), T.ivector('i')];
    const made = () => {
      const u = new sym.RandomStreams(7).uniform([2], { dtype: 'float64' });
      return sym.function([c, x, i], [sym.ifelse(c, x.get(i.add(1)), x.get(i.sub(1))), u]);
    };
    const draw = (r: unknown) => values((r as sym.NDArray[])[1]);
    const [eager, lazy] = [made(), made()];
    const expected = [draw(eager.sync(1, xs(), ids(1))), draw(eager.sync(1, xs(), ids(1)))];
    expect(expected[0]).not.toEqual(expected[1]);
    expect(() => lazy.sync(0, xs(), ids(-5))).toThrow(/index -6/);
    // then taken, the else branch's -6 out of range: the call runs lazily
    expect(draw(lazy.sync(1, xs(), ids(-5)))).toEqual(expected[0]);
    expect(draw(lazy.sync(1, xs(), ids(1)))).toEqual(expected[1]);
  });

  it('branch reads in range: each branch gives its value', () => {
    const [c, x, i] = [T.dscalar('c'), T.dvector('x'), T.ivector('i')];
    const f = sym.function([c, x, i], sym.ifelse(c, x.get(i.add(1)), x.get(i.sub(1))));
    expect(values(f.sync(1, xs(), ids(1)))).toEqual([3]);
    expect(values(f.sync(0, xs(), ids(1)))).toEqual([1]);
  });
});
