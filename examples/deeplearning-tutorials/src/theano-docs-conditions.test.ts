/**
 * Theano's documentation page "Conditions" (tutorial/conditional.html):
 * `ifelse` against `T.switch` on `T.lt(a, b)` choosing between the means
 * of two big matrices. The page times them to show that ifelse, under the
 * 'vm' linker, computes only the branch taken. sym's ifelse documents the
 * opposite (both branches run, a select picks one: Theano's values and
 * gradients, both branches' cost), so the checks here are the values,
 * the gradients, what sym documents about the branch not taken, and the
 * page's `mode=theano.Mode(linker='vm')` refused with the mode to use.
 * No time is asserted.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import { describe, expect, it } from 'vitest';

const T = sym.T;

/** A rows × cols matrix of distinct values, as a Float64Array-backed NDArray. */
function bigMatrix(rows: number, cols: number, offset: number): sym.NDArray {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37 + offset) + offset;
  return sym.fromTyped(data, [rows, cols], 'float64');
}
const meanOf = (m: sym.NDArray): number => {
  const data = m.data as Float64Array;
  let s = 0;
  for (const v of data) s += v;
  return s / data.length;
};

describe("Theano's Conditions page: ifelse and switch", () => {
  const a = T.scalar('a');
  const b = T.scalar('b');
  const x = T.matrix('x');
  const y = T.matrix('y');
  const zSwitch = T.switch(T.lt(a, b), T.mean(x), T.mean(y));
  const zLazy = sym.ifelse(T.lt(a, b), T.mean(x), T.mean(y));

  it("z_switch and z_lazy give the same mean of whichever big matrix T.lt(a, b) picks", async () => {
    const fSwitch = sym.function([a, b, x, y], zSwitch);
    const fLazyifelse = sym.function([a, b, x, y], zLazy);
    // the page's 10000 × 1000 matrices of ones, smaller and of distinct values so the branches differ
    const bigMat1 = bigMatrix(1000, 400, 0);
    const bigMat2 = bigMatrix(1000, 400, 3);
    const [mean1, mean2] = [meanOf(bigMat1), meanOf(bigMat2)];
    expect(Math.abs(mean1 - mean2)).toBeGreaterThan(1);
    for (const [val1, val2, expected] of [[0, 1, mean1], [1, 0, mean2], [1, 1, mean2]] as const) {
      const s = Number(await fSwitch(val1, val2, bigMat1, bigMat2));
      const l = Number(await fLazyifelse(val1, val2, bigMat1, bigMat2));
      expect(s).toBeCloseTo(expected, 12);
      expect(l).toBe(s);
    }
  });

  it("refuses the page's mode=theano.Mode(linker='vm'), naming the mode to pass instead", async () => {
    expect(() => sym.function([a, b, x, y], zLazy, { mode: { linker: 'vm' } as unknown as sym.Mode })).toThrow(
      /a Theano Mode\(linker="vm", optimizer="default"\) object\. sym has no choice of linker .* here 'FAST_RUN' \(the default: mode can be left out\)$/,
    );
    // the mode by name is taken
    const byName = sym.function([a, b, x, y], zLazy, { mode: 'FAST_RUN' });
    expect(Number(await byName(0, 1, [[1, 2]], [[5, 7]]))).toBe(1.5);
  });

  it('sends the gradient to the branch taken only, as Theano', async () => {
    const [gx, gy] = grad(zLazy, [x, y]);
    const f = sym.function([a, b, x, y], [gx!, gy!]);
    const [m1, m2] = [bigMatrix(3, 4, 0), bigMatrix(3, 4, 3)];
    const [gx1, gy1] = (await f(0, 1, m1, m2)) as sym.NDArray[];
    expect(gx1!.toArray()).toEqual(Array.from({ length: 3 }, () => new Array<number>(4).fill(1 / 12)));
    expect(gy1!.toArray()).toEqual(Array.from({ length: 3 }, () => new Array<number>(4).fill(0)));
    const [gx2, gy2] = (await f(1, 0, m1, m2)) as sym.NDArray[];
    expect(gx2!.toArray()).toEqual(Array.from({ length: 3 }, () => new Array<number>(4).fill(0)));
    expect(gy2!.toArray()).toEqual(Array.from({ length: 3 }, () => new Array<number>(4).fill(1 / 12)));
  });

  it("keeps the branch not taken out of the value: its NaN or infinity never reaches the result", async () => {
    const v = T.vector('v');
    const safeLog = sym.ifelse(T.gt(T.min(v), 0), T.log(v).sum(), T.constant(0, { dtype: 'float64' }));
    const f = sym.function([v], safeLog);
    expect(Number(await f([1, Math.E, Math.E ** 2]))).toBeCloseTo(3, 14);
    // log of a negative element is NaN in the branch sym computes but does not take
    expect(Number(await f([1, -2, 3]))).toBe(0);
  });

  it('runs both branches, as it documents: a branch whose shape differs is an error naming both shapes, even when not taken', async () => {
    const v = T.vector('v');
    const w = T.vector('w');
    const f = sym.function([a, b, v, w], sym.ifelse(T.lt(a, b), v, w));
    expect((await f(0, 1, [1, 2], [3, 4])).toArray()).toEqual([1, 2]);
    await expect(f(0, 1, [1, 2, 3], [4, 5])).rejects.toThrow(
      'ifelse: the then branch v has shape (3,) and the else branch w has shape (2,): sym runs both branches and selects one (not lazily, as Theano), so their shapes must be the same',
    );
  });

  it('takes lists of branches, one result per pair', async () => {
    const [first, second] = sym.ifelse(T.lt(a, b), [T.mean(x), T.max(x)], [T.mean(y), T.max(y)]);
    const f = sym.function([a, b, x, y], [first!, second!]);
    const [m1, m2] = [bigMatrix(20, 30, 0), bigMatrix(20, 30, 3)];
    const maxOf = (m: sym.NDArray) => Math.max(...(m.data as Float64Array));
    const [p, q] = (await f(2, 1, m1, m2)) as sym.NDArray[];
    expect(Number(p)).toBeCloseTo(meanOf(m2), 13);
    expect(Number(q)).toBe(maxOf(m2));
  });
});
