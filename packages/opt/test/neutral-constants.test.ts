import { describe, expect, it } from 'vitest';
import { both, sym, T, values } from './helpers.js';

/**
 * A rewrite that drops a constant operand (x * 1 -> x) must not drop the
 * shape check the constant took part in: sym broadcasts only dimensions its
 * type marks, so x of length 2 times ones(3) is an error, which the
 * rewritten graph (x alone) would answer with x.
 */
describe('dropping a constant operand keeps its shape check', () => {
  const x = T.vector('x');
  const ones = T.constant([1, 1, 1]);
  const zeros = T.constant([0, 0, 0]);
  const cases: [string, sym.TensorVariable][] = [
    ['x * ones(3)', T.mul(x, ones)],
    ['ones(3) * x', T.mul(ones, x)],
    ['x + zeros(3)', T.add(x, zeros)],
    ['x - zeros(3)', T.sub(x, zeros)],
    ['zeros(3) - x', T.sub(zeros, x)],
    ['x * -ones(3)', T.mul(x, T.constant([-1, -1, -1]))],
    ['x ** [2, 2, 2]', T.pow(x, T.constant([2, 2, 2]))],
    ['x ** [1, 1, 1]', T.pow(x, T.constant([1, 1, 1]))],
    ['log(ones(3) + x)', T.log(T.add(ones, x))],
    ['log(ones(3) + exp(x))', T.log(T.add(ones, T.exp(x)))],
    ['exp(x) - ones(3)', T.sub(T.exp(x), ones)],
    ['log(ones(3) - sigmoid(x))', T.log(T.sub(ones, T.sigmoid(x)))],
  ];
  for (const [what, out] of cases) {
    it(`${what}: x of length 2 fails optimised as unoptimised`, async () => {
      const { opt, plain } = both([x], out);
      await expect(plain([1, 2])).rejects.toThrow(/shapes do not match/);
      await expect(opt([1, 2])).rejects.toThrow(/shapes do not match/);
    });
  }

  it('still drops a constant whose lengths are 1 or the other operand\'s known ones', async () => {
    const { optimizeGraph } = await import('../src/index.js');
    // v * [2, 2, 2] has length 3 whatever v is (v of another length fails there)
    const three = T.mul(x, T.constant([2, 2, 2]));
    for (const [out, rewrite, want] of [
      [T.mul(x, T.constant([1])), 'mul_one', [1, 2, 3]],
      [T.mul(three, ones), 'mul_one', [2, 4, 6]],
      [T.sub(three, zeros), 'add_zero', [2, 4, 6]],
      [T.pow(three, T.constant([2, 2, 2])), 'pow_specialize', [4, 16, 36]],
    ] as [sym.TensorVariable, string, number[]][]) {
      expect(optimizeGraph([out]).applied.get(rewrite)).toBe(1);
      const { opt, plain } = both([x], out);
      expect(values(await opt([1, 2, 3]))).toEqual([want]);
      expect(values(await plain([1, 2, 3]))).toEqual([want]);
    }
  });
});

describe('reshape_reshape keeps the inner reshape\'s check', () => {
  const x = T.vector('x');
  const cases: [string, sym.TensorVariable, number][] = [
    ['reshape(reshape(x, [2, 3]), [-1])', T.reshape(T.reshape(x, [2, 3]), [-1]), 5],
    ['reshape(reshape(x, [4, -1]), [6])', T.reshape(T.reshape(x, [4, -1]), [6]), 6],
    ['reshape(reshape(x, [2, 0]), [-1, 5])', T.reshape(T.reshape(x, [2, 0]), [-1, 5]), 5],
  ];
  for (const [what, out, n] of cases) {
    it(`${what}: x of ${n} elements fails optimised as unoptimised`, async () => {
      const { opt, plain } = both([x], out);
      const arg = [...Array(n).keys()];
      await expect(plain(arg)).rejects.toThrow();
      await expect(opt(arg)).rejects.toThrow();
    });
  }

  it('still merges two reshapes where the inner one cannot fail on its own', async () => {
    const { optimizeGraph } = await import('../src/index.js');
    for (const [out, arg, want] of [
      [T.reshape(T.reshape(x, [2, 3]), [3, 2]), [1, 2, 3, 4, 5, 6], [3, 2]],
      [T.reshape(T.reshape(x, [2, 3]), [3, -1]), [1, 2, 3, 4, 5, 6], [3, 2]],
      [T.reshape(T.reshape(x, [-1, 1]), [2, -1]), [1, 2, 3, 4], [2, 2]],
      [T.reshape(T.reshape(x, [3, -1]), [2, 6]), [...Array(12).keys()], [2, 6]],
    ] as [sym.TensorVariable, number[], number[]][]) {
      expect(optimizeGraph([out]).applied.get('reshape_reshape')).toBe(1);
      const { opt, plain } = both([x], out);
      const [a, b] = [await opt(arg), await plain(arg)] as sym.NDArray[];
      expect(a!.shape).toEqual(want);
      expect(values(a!)).toEqual(values(b!));
    }
  });
});

describe('add_zero and sub_from_zero keep the sign of a float zero (NumPy: -0 + 0 is +0)', () => {
  const x = T.dvector('x');
  // a plain -0 is an integer zero, as Python's -0 (integers have no sign of zero): the float -0 is a typed constant
  const negZero = T.constant(-0, { dtype: 'float64' });
  const signs = (a: sym.NDArray) => Array.from(a.data as Float64Array, (v) => (Object.is(v, -0) ? '-0' : String(v)));
  for (const [what, out, want] of [
    ['x + 0', T.add(x, 0), ['0', '0', '2']],
    ['0 + x', T.add(0, x), ['0', '0', '2']],
    ['x - -0.0', T.sub(x, negZero), ['0', '0', '2']],
    ['x - -0 (a plain -0 is the integer 0)', T.sub(x, -0), ['-0', '0', '2']],
    ['0 - x', T.sub(0, x), ['0', '0', '-2']],
    ['1 / tanh(-(0 - x))', T.trueDiv(1, T.tanh(T.neg(T.sub(0, x)))), ['-Infinity', '-Infinity', '1.0373147207275482']],
    ['x + -0.0', T.add(x, negZero), ['-0', '0', '2']],
    ['x + -0 (a plain -0 is the integer 0)', T.add(x, -0), ['0', '0', '2']],
    ['x - 0', T.sub(x, 0), ['-0', '0', '2']],
    ['-0.0 - x', T.sub(negZero, x), ['0', '-0', '-2']],
  ] as [string, sym.TensorVariable, string[]][]) {
    it(`${what} at x = -0, +0, 2`, async () => {
      const { opt, plain } = both([x], out);
      expect(signs((await plain([-0, 0, 2])) as sym.NDArray)).toEqual(want);
      expect(signs((await opt([-0, 0, 2])) as sym.NDArray)).toEqual(want);
    });
  }

  it('drops the zeros that keep it, and any integer zero', async () => {
    const { optimizeGraph } = await import('../src/index.js');
    const i = T.ivector('i');
    for (const [out, rewrite] of [
      [T.add(x, negZero), 'add_zero'],
      [T.sub(x, 0), 'add_zero'],
      [T.sub(negZero, x), 'sub_from_zero'],
      [T.add(i, 0), 'add_zero'],
      [T.sub(0, i), 'sub_from_zero'],
    ] as [sym.TensorVariable, string][]) {
      expect(optimizeGraph([out]).applied.get(rewrite)).toBe(1);
    }
    for (const out of [T.add(x, 0), T.add(0, x), T.sub(x, negZero), T.add(x, -0), T.sub(0, x)]) {
      const applied = optimizeGraph([out]).applied;
      expect(applied.get('add_zero') ?? applied.get('sub_from_zero')).toBeUndefined();
    }
  });
});
