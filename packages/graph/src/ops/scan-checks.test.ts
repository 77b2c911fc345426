/**
 * An index read only inside an ifelse's branch in a scan's step is checked
 * at the steps where that branch is taken (its flag kernel ANDs the step's
 * condition), as Theano's lazy ifelse evaluates the read only there: NumPy's
 * IndexError where a taken branch reads past the end, nothing where the
 * guard keeps it in range. (Before, such a read was not checked: with
 * k = 3, `ifelse(t < k, x[t + 1], -1)` gave [2, 3, 3], index 3 clamped.)
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';
import { branchGuards, branchOnlyIndexChecks } from './scan-checks.js';

const MODES = ['FAST_RUN', 'FAST_COMPILE', 'DebugMode'] as const;
const x = T.dvector('x');
const k = T.iscalar('k');
const n = T.iscalar('n');
const X = [1, 2, 3];
const values = (a: unknown) => (a as sym.NDArray).toArray();
const minusOne = T.constant(-1, { dtype: 'float64' });

describe("an index read in an ifelse's branch in a scan's step", () => {
  const [guarded] = sym.scan((t: sym.TensorVariable) => sym.ifelse(t.lt(k), x.get(t.add(1)), minusOne), { sequences: [T.arange(n)] }) as sym.TensorVariable[];

  it('raises where the branch reading past the end is taken, and not where the guard keeps the read out; sync and async', async () => {
    for (const mode of MODES) {
      const f = sym.function([x, n, k], guarded!, { mode });
      // Theano's guard: step 2 (t + 1 = 3, past the end) takes the else branch
      expect(values(f.sync(X, 3, 2))).toEqual([2, 3, -1]);
      expect(values(f.sync(X, 2, 5))).toEqual([2, 3]);
      // step 2 takes the then branch: NumPy's IndexError for index 3
      expect(() => f.sync(X, 3, 3)).toThrow(/index 3 .* is out of bounds for axis 0 with size 3, indexing x of shape \(3,\)/);
      await expect(f(X, 3, 3)).rejects.toThrow(/index 3 .* is out of bounds for axis 0 with size 3/);
    }
  });

  it('checks the else branch where its condition is false, nested branches where both conditions hold; a failed call updates nothing', () => {
    const total = sym.shared(sym.array(0, { dtype: 'float64' }), { name: 'total' });
    const [rows] = sym.scan(
      (t: sym.TensorVariable) => sym.ifelse(t.lt(k), minusOne, sym.ifelse(t.gt(0), x.get(t.sub(4)), minusOne)),
      { sequences: [T.arange(n)] },
    ) as sym.TensorVariable[];
    const f = sym.function([x, n, k], rows!, { updates: [[total, total.add(rows!.sum())]] });
    // t - 4 in [-3, 0) for t in 1..3; step 0 reads index -4 only where t > 0, which it is not
    expect(values(f.sync(X, 4, 0))).toEqual([-1, 1, 2, 3]);
    expect(values(total.getValue())).toBe(5);
    // t = 4 takes both else branches: index 0 of x, t - 4 = 0
    expect(values(f.sync(X, 5, 4))).toEqual([-1, -1, -1, -1, 1]);
    expect(values(total.getValue())).toBe(2);
    // x of length 1: step 1 takes both else branches and reads index -3
    expect(() => f.sync([7], 2, 0)).toThrow(/index -3 .* is out of bounds for axis 0 with size 1/);
    expect(values(total.getValue())).toBe(2);
  });

  it("writes each read's guard as the conjunctions of the branches it lies in", () => {
    const c = T.iscalar('c');
    const d = T.iscalar('d');
    const read = x.get(c);
    const out = sym.ifelse(c.lt(3), sym.ifelse(d.gt(0), read, minusOne), read.mul(2));
    const nodes: sym.Apply[] = [];
    const seen = new Set<sym.Apply>();
    const visit = (v: sym.TensorVariable): void => {
      if (!v.owner || seen.has(v.owner)) return;
      seen.add(v.owner);
      v.owner.inputs.forEach(visit);
      nodes.push(v.owner);
    };
    visit(out);
    const checks = branchOnlyIndexChecks([out], nodes);
    expect(checks.size).toBe(1);
    const [guard] = [...branchGuards([out], nodes, checks).values()];
    expect(guard!.map((conj) => conj.map((t) => t.taken))).toEqual([[false], [true, true]]);
  });
});
