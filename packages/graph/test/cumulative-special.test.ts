/**
 * cumsum and cumprod with 0, ±inf and NaN among their inputs, against a
 * sequential running sum and product in the dtype (what NumPy's
 * np.cumsum and np.cumprod compute): lengths 1 to 5,000, which sym's
 * doubling passes combine in another order. Every other value keeps
 * running products and the partial ones of the passes within range
 * (|x| within 1% of 1), where the order changes nothing but rounding:
 * 0 * inf is NaN from the first prefix holding both, a NaN makes every
 * later entry NaN, and zeros and infinities keep NumPy's signs. Where a
 * product over- or underflows the order shows (docs/guide.md says how).
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

const SPECIAL = [0, -0, Infinity, -Infinity, NaN];

function draw(n: number, seed: number, product: boolean, rate: number): number[] {
  // seeded, so a failure names a case that reruns
  const rs = new sym.RandomState(seed);
  const r = () => rs.random();
  return Array.from({ length: n }, () => {
    if (r() < rate) return SPECIAL[Math.floor(r() * SPECIAL.length)]!;
    const sign = r() < 0.5 ? -1 : 1;
    return product ? sign * (0.99 + 0.02 * r()) : sign * r();
  });
}

/** NumPy's running sum or product: from the first element (np.cumsum([-0.0]) is -0), left to right, each step rounded to the dtype. */
function sequential(xs: readonly number[], product: boolean, dtype: 'float32' | 'float64'): number[] {
  const round = dtype === 'float32' ? Math.fround : (v: number) => v;
  let acc = 0;
  return xs.map((x, i) => (acc = i === 0 ? round(x) : round(product ? acc * round(x) : acc + round(x))));
}

/** The kind of a value (NaN, a signed infinity or zero) that must match exactly; finite ones are compared within `tol`. */
const kind = (v: number) => (Number.isNaN(v) ? 'NaN' : !Number.isFinite(v) || v === 0 ? (Object.is(v, -0) ? '-0' : String(v)) : 'finite');

function expectRunning(got: ArrayLike<number>, want: readonly number[], tol: number, what: string): void {
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    expect(kind(g), `${what} at ${i}: ${g}, NumPy ${w}`).toBe(kind(w));
    if (kind(w) === 'finite') expect(Math.abs(g - w), `${what} at ${i}: ${g}, NumPy ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
  }
}

const LENGTHS = [1, 2, 3, 7, 64, 65, 1000, 4999, 5000];

describe('cumsum and cumprod place 0 * inf, inf - inf and NaN where the running sum and product do', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`${dtype} vectors of 1 to 5,000 elements`, async () => {
      const x = T.tensor(dtype, [false], 'x');
      const f = sym.function([x], [T.cumsum(x), T.cumprod(x)]);
      const tol = dtype === 'float32' ? 2e-3 : 1e-10;
      let seed = 1;
      for (const n of LENGTHS) {
        for (const rate of [0.002, 0.02, 0.3]) {
          const sums = draw(n, seed++, false, rate);
          const products = draw(n, seed++, true, rate);
          const [s] = await f(sym.array(sums, { dtype }));
          const [, p] = await f(sym.array(products, { dtype }));
          expectRunning(s!.data, sequential(sums, false, dtype), tol, `cumsum n=${n} seed=${seed - 2}`);
          expectRunning(p!.data, sequential(products, true, dtype), tol, `cumprod n=${n} seed=${seed - 1}`);
        }
      }
    });
  }

  it('along the middle axis of a 3-D array (np.cumprod(x, axis=1))', async () => {
    const [a, n, b] = [2, 3000, 3];
    const xs = draw(a * n * b, 99, true, 0.01);
    const x = T.dtensor3('x');
    const [p] = await sym.function([x], [T.cumprod(x, 1)])(sym.array(xs, { dtype: 'float64', shape: [a, n, b] }));
    for (let i = 0; i < a; i++) {
      for (let k = 0; k < b; k++) {
        const line = Array.from({ length: n }, (_, j) => xs[(i * n + j) * b + k]!);
        const got = Array.from({ length: n }, (_, j) => p!.data[(i * n + j) * b + k]!);
        expectRunning(got, sequential(line, true, 'float64'), 1e-10, `cumprod axis 1 [${i}, :, ${k}]`);
      }
    }
  });
});
