/**
 * Theano's `scan ... until` (scan-until.ts): the loop ends after the first
 * step whose condition holds, that step included; nSteps or the sequences
 * bound it. Values are Theano's (its doc example) and plain loops written
 * out; the gradient is checked by verifyGrad where the number of steps is
 * locally constant.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { grad, verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  grad: (c: V, w: V[]) => V[];
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NDArray[]) => Promise<{ maxAbsErr: number }>;
};
const f64 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float64' });
const one = sym.constant(1, { dtype: 'float64' });

/** Theano's doc example: powers of 2 until one exceeds maxValue, at most 1024 steps. */
function powersOf2(maxValue: V, nSteps: sym.TensorLike = 1024): V {
  const [powers] = sym.scan((previous: V, max: V): [V, sym.Until] => [previous.mul(2), sym.until(previous.mul(2).gt(max))], { outputsInfo: one, nonSequences: maxValue, nSteps });
  return powers;
}

/** sqrt(a) by Newton's iteration from 1, until |x^2 - a| < tol: its iterates. */
function newtonSqrt(a: V, tol: number, nSteps = 50): V {
  const [xs] = sym.scan(
    (x: V, b: V): [V, sym.Until] => {
      const next = x.add(b.div(x)).mul(0.5);
      return [next, sym.until(T.lt(T.abs(next.mul(next).sub(b)), tol))];
    },
    { outputsInfo: one, nonSequences: a, nSteps },
  );
  return xs;
}

describe('scan until', () => {
  it("is Theano's doc example: powers of 2 until one exceeds 45 are 2 .. 64, the step that exceeds it included", () => {
    const maxValue = T.scalar('maxValue', 'float64');
    const f = sym.function([maxValue], powersOf2(maxValue), { profile: true });
    expect((f.sync(f64(45)) as sym.NDArray).toArray()).toEqual([2, 4, 8, 16, 32, 64]);
    // another count: the later program is made for it, the loop's is reused
    expect((f.sync(f64(1000)) as sym.NDArray).toArray()).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]);
    expect((f.sync(f64(45)) as sym.NDArray).dtype).toBe('float64');
    // the loop runs on the host, its step one program: computed only at the steps that ran (6 + 10 + 6), not the bound's 1024
    expect(f.profile!.kernels().map((k) => [k.op, k.calls])).toEqual([['Elemwise{mul}', 22], ['Elemwise{gt}', 22]]);
  });

  it('keeps one row when the condition holds at the first step, and every step of the bound when it never does', () => {
    const maxValue = T.scalar('maxValue', 'float64');
    const k = T.lscalar('k');
    const f = sym.function([maxValue, k], powersOf2(maxValue, k));
    expect((f.sync(f64(0), sym.array(5, { dtype: 'int64' })) as sym.NDArray).toArray()).toEqual([2]);
    expect((f.sync(f64(1e9), sym.array(5, { dtype: 'int64' })) as sym.NDArray).toArray()).toEqual([2, 4, 8, 16, 32]);
    const none = f.sync(f64(0), sym.array(0, { dtype: 'int64' })) as sym.NDArray;
    expect(none.shape).toEqual([0]);
  });

  it('is bounded by the sequences, walks them backwards, and takes several outputs, one not fed back, and Theano\'s (outputs, updates, until)', () => {
    const x = T.vector('x', 'float64');
    // running sums of x until one exceeds 5, and each step's element doubled
    const step = (xt: V, total: V): [[V, V], Record<string, never>, sym.Until] => {
      const next = total.add(xt);
      return [[next, xt.mul(2)], {}, sym.until(next.gt(5))];
    };
    const [forward] = sym.scan(step, { sequences: x, outputsInfo: [sym.constant(0, { dtype: 'float64' }), null] });
    const [backward] = sym.scan(step, { sequences: x, outputsInfo: [sym.constant(0, { dtype: 'float64' }), null], goBackwards: true });
    const f = sym.function([x], [...forward, ...backward]);
    const [sums, doubled, backSums, backDoubled] = f.sync(f64([1, 2, 3, 4, 0.5])) as sym.NDArray[];
    expect(sums!.toArray()).toEqual([1, 3, 6]);
    expect(doubled!.toArray()).toEqual([2, 4, 6]);
    expect(backSums!.toArray()).toEqual([0.5, 4.5, 7.5]);
    expect(backDoubled!.toArray()).toEqual([1, 8, 6]);
    // the sequence runs out first: every element
    const [s2] = f.sync(f64([1, 1])) as sym.NDArray[];
    expect(s2!.toArray()).toEqual([1, 2]);
  });

  it('gives a plain-number initial value the step\'s dtype, as without until, and runs asynchronously', async () => {
    const x = T.vector('x', 'float32');
    const [sums] = sym.scan((xt: V, acc: V): [V, sym.Until] => [acc.add(xt), sym.until(acc.add(xt).gt(2))], { sequences: x, outputsInfo: 0 });
    const r = (await sym.function([x], sums)(sym.array([1, 0.5, 1, 3], { dtype: 'float32' }))) as sym.NDArray;
    expect([r.dtype, r.toArray()]).toEqual(['float32', [1, 1.5, 2.5]]);
  });

  it("takes Theano's taps: an output's past values and a sequence's neighbours", () => {
    const x0 = T.vector('x0', 'float64');
    const [fib] = sym.scan((a: V, b: V): [V, sym.Until] => [a.add(b), sym.until(a.add(b).gt(50))], { outputsInfo: { initial: x0, taps: [-2, -1] }, nSteps: 20 });
    expect((sym.function([x0], fib).sync(f64([0, 1])) as sym.NDArray).toArray()).toEqual([1, 2, 3, 5, 8, 13, 21, 34, 55]);
    const s = T.vector('s', 'float64');
    const [pairs] = sym.scan((prev: V, cur: V): [V, sym.Until] => [prev.add(cur), sym.until(prev.add(cur).gt(6))], { sequences: { input: s, taps: [-1, 0] } });
    expect((sym.function([s], pairs).sync(f64([1, 2, 3, 4, 5])) as sym.NDArray).toArray()).toEqual([3, 5, 7]);
  });

  it('takes an integer condition (non-zero ends the loop), states of several dimensions and outputs without outputsInfo', () => {
    const v = T.vector('v', 'float64');
    const [rows] = sym.scan((prev: V): [V, sym.Until] => [prev.mul(3), sym.until(T.cast(T.sum(prev.mul(3)).gt(50), 'int32'))], { outputsInfo: v, nSteps: 10 });
    expect((sym.function([v], rows).sync(f64([1, 2])) as sym.NDArray).toArray()).toEqual([[3, 6], [9, 18], [27, 54]]);
    const [counted] = sym.scan((t) => [t.mul(t), sym.until(t.ge(3))], { sequences: T.arange(10) });
    expect((sym.function([], counted).sync() as sym.NDArray).toArray()).toEqual([0, 1, 4, 9]);
  });

  it('differentiates through the steps that ran (Newton\'s square root, its step count constant near the point)', async () => {
    const a = T.scalar('a', 'float64');
    const xs = newtonSqrt(a, 1e-10);
    const [g] = grad(xs.get(-1), [a]);
    const [iterates, dx] = sym.function([a], [xs, g!]).sync(f64(2)) as sym.NDArray[];
    expect(iterates!.shape).toEqual([4]);
    expect(iterates!.data[3]).toBeCloseTo(Math.SQRT2, 11);
    // d sqrt(a) / da = 1 / (2 sqrt(a)), up to the last iterate's error
    expect(dx!.data[0]).toBeCloseTo(1 / (2 * Math.SQRT2), 9);
    const { maxAbsErr } = await verifyGrad((b: V) => T.sum(newtonSqrt(b, 1e-6)), [f64(2)]);
    expect(maxAbsErr).toBeLessThan(1e-6);
  });

  it('keeps the gradient finite where a step past the end would not be (sqrt of a state gone below zero)', () => {
    const a = T.scalar('a', 'float64');
    // x: 3.5 -> 2.5, 1.5, 0.5 (stop); a step from 0.5 would take sqrt(-0.5)
    const [[xs, ys]] = sym.scan(
      (x: V, b: V): [[V, V], sym.Until] => {
        const next = x.sub(1);
        return [[next, T.sqrt(next).mul(b)], sym.until(next.lt(1))];
      },
      { outputsInfo: [sym.constant(3.5, { dtype: 'float64' }), null], nonSequences: a, nSteps: 6 },
    );
    const [g] = grad(T.sum(ys!), [a]);
    const [states, roots, dA] = sym.function([a], [xs!, ys!, g!]).sync(f64(2)) as sym.NDArray[];
    expect(states!.toArray()).toEqual([2.5, 1.5, 0.5]);
    expect(roots!.toArray()).toEqual([2 * Math.sqrt(2.5), 2 * Math.sqrt(1.5), 2 * Math.sqrt(0.5)]);
    expect(dA!.data[0]).toBeCloseTo(Math.sqrt(2.5) + Math.sqrt(1.5) + Math.sqrt(0.5), 12);
  });

  it('runs only the steps up to the stop, whatever the bound (an iterative solver\'s 1e5 iterations at most), and differentiates them', () => {
    const a = T.scalar('a', 'float64');
    const xs = newtonSqrt(a, 1e-10, 100000);
    const [g] = grad(xs.get(-1), [a]);
    const f = sym.function([a], [xs, g!], { profile: true });
    const [iterates, dx] = f.sync(f64(2)) as sym.NDArray[];
    expect(iterates!.shape).toEqual([4]);
    expect(dx!.data[0]).toBeCloseTo(1 / (2 * Math.SQRT2), 9);
    // the step (its kernels in the first stage) ran 4 times, not 1e5; the backward loop is an ordinary scan of those 4 steps
    const forward = f.profile!.kernels().filter((k) => k.program === 0);
    expect(forward.map((k) => k.calls)).toEqual([4, 4]);
  });

  it('differentiates a loop whose taps keep only the last values of a state (the gradient walks the steps that ran)', () => {
    const x0 = T.vector('x0', 'float64');
    const [fib] = sym.scan((p2: V, p1: V): [V, sym.Until] => [p2.add(p1.mul(1.5)), sym.until(p2.add(p1.mul(1.5)).gt(20))], { outputsInfo: { initial: x0, taps: [-2, -1] }, nSteps: 50 });
    // the same 4 steps without until
    const [plain] = sym.scan((p2: V, p1: V) => p2.add(p1.mul(1.5)), { outputsInfo: { initial: x0, taps: [-2, -1] }, nSteps: 4 });
    const f = sym.function([x0], [fib, plain, ...grad(T.sum(fib.mul(fib)), [x0]), ...grad(T.sum(plain.mul(plain)), [x0])]);
    const [rows, plainRows, g, gPlain] = f.sync(f64([1, 2])) as sym.NDArray[];
    expect(rows!.toArray()).toEqual(plainRows!.toArray());
    expect(rows!.toArray()).toEqual([4, 8, 16, 32]);
    expect(g!.toArray()).toEqual(gPlain!.toArray());
    expect(g!.toArray()).not.toEqual([0, 0]);
  });

  it('refuses a condition that is not a scalar of bool or integers, until not last, a loop without a bound, and truncateGradient, naming them', () => {
    const v = T.vector('v', 'float64');
    expect(() => sym.until(v.gt(0))).toThrow(/until: the condition must be a scalar, bool or integer .*got Elemwise\{gt.* of type TensorType\(bool, vector\)/);
    expect(() => sym.until(T.sum(v))).toThrow(/until: the condition must be a scalar, bool or integer .* of type TensorType\(float64, scalar\)/);
    expect(() => sym.scan((p: V): [V, sym.Until] => [p.add(1), sym.until(p.gt(3))], { outputsInfo: one })).toThrow(/give sequences to iterate over, or nSteps \(a loop that ends with until/);
    expect(() => sym.scan((p: V) => [sym.until(p.gt(3)), p.add(1)] as unknown as [V, sym.Until], { outputsInfo: one, nSteps: 3 })).toThrow(
      /returned until\(\.\.\.\) at position 0 of 2; return it once, last/,
    );
    expect(() => sym.scan((p: V): [V, sym.Until] => [p.add(1), sym.until(p.gt(3))], { outputsInfo: one, nSteps: 3, truncateGradient: 2 })).toThrow(/truncateGradient \(2\) cannot be combined with until/);
  });

  it('fails a call without applying its updates: shared variables keep their values', () => {
    const counter = sym.shared(f64(0), { name: 'counter' });
    const x = T.vector('x', 'float64');
    const [sums] = sym.scan((xt: V, total: V): [V, sym.Until] => [total.add(xt), sym.until(total.add(xt).gt(2))], { sequences: x, outputsInfo: sym.constant(0, { dtype: 'float64' }), nSteps: 4 });
    const f = sym.function([x], sums, { updates: [[counter, counter.add(1)]] });
    expect((f.sync(f64([1, 1, 1, 1])) as sym.NDArray).toArray()).toEqual([1, 2, 3]);
    expect((counter.getValue() as sym.NDArray).toArray()).toBe(1);
    // fewer elements than nSteps: Theano's error, and no update
    expect(() => f.sync(f64([1, 1]))).toThrow(/sequence 0 has 2 steps, fewer than n_steps = 4/);
    expect((counter.getValue() as sym.NDArray).toArray()).toBe(1);
  });

  it("runs a loop ending with until inside another scan's step (the outer loop runs a step at a time, as Theano's)", async () => {
    const x = T.dvector('x');
    const halvings = (x0: V) => sym.scan((h: V): [V, sym.Until] => [h.mul(0.5), sym.until(h.mul(0.5).lt(0.1))], { outputsInfo: x0, nSteps: 10 })[0];
    const [last] = sym.scan((xt: V) => halvings(xt).get(-1), { sequences: x });
    const f = sym.function([x], last);
    // 1 -> 0.5, 0.25, 0.125, 0.0625; 0.3 -> 0.15, 0.075
    expect((await f(f64([1, 0.3]))).toArray()).toEqual([0.0625, 0.075]);
  });

  it("reads an index sequence only in the steps that run: an id out of range after the stop is no IndexError (Theano never runs that step), one before it is", async () => {
    const x = T.dvector('x');
    const ids = T.lvector('ids');
    const [picked] = sym.scan((k: V) => {
      const v = x.get(k);
      return [v, sym.until(v.gt(1.5))] as const;
    }, { sequences: ids });
    const f = sym.function([x, ids], picked);
    expect((await f(f64([1, 2]), [0, 1, 7])).toArray()).toEqual([1, 2]);
    // a step that runs reads its id as Theano's: out of range, NumPy's IndexError
    await expect(f(f64([1, 2]), [0, 7, 0])).rejects.toThrow(/index 7 \(ids\[t\]\) is out of bounds for axis 0 with size 2/);
  });
});
