/**
 * Theano's pages "Dealing with NaNs" (tutorial/nan_tutorial.html) and
 * "Debugging Theano: FAQ and Troubleshooting" (tutorial/debug_faq.html):
 * NanGuardMode on the library page's dot of a shared matrix (a normal
 * input passes; Inf, NaN and huge inputs raise), DebugMode naming the op
 * that made a NaN, the FAQ's error messages (a shape mismatch of
 * x + x + y, the misaligned dot of the test-value example) and "how do I
 * print an intermediate value" with `sym.Print`.
 *
 * No twin, by design: test values (`x.tag.test_value`,
 * `compute_test_value`): sym checks shapes when the graph is built where
 * they are known, and the run-time error names the variables as written
 * (the misaligned dot below), which is what the FAQ used test values to
 * find; MonitorMode (NanGuardMode and DebugMode name the node that made a
 * NaN, which is what the FAQ's detect_nan does with it).
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import { describe, expect, it } from 'vitest';
import { useFloat64 } from './test-support.js';

const T = sym.T;
const tile = (value: number, rows: number, cols: number) => sym.array(Array.from({ length: rows }, () => new Array<number>(cols).fill(value)), { dtype: sym.config.floatX });

describe("Theano's Dealing with NaNs and Debugging FAQ pages", () => {
  useFloat64();

  it('NanGuardMode: the dot of x and a shared w passes for a normal x, raises for Inf, NaN and huge values (> 1e10)', async () => {
    const rng = new sym.RandomState(5);
    const x = T.matrix('x');
    const w = sym.shared(rng.randn([5, 7]).astype(sym.config.floatX), { name: 'w' });
    const y = T.dot(x, w);
    const fun = sym.function([x], y, { mode: 'NanGuardMode' });
    const a = rng.randn([3, 5]).astype(sym.config.floatX);
    expect(((await fun(a)) as sym.NDArray).shape).toEqual([3, 7]);
    const where = 'NanGuardMode: dot(x, w) produced';
    // Inf times weights of both signs: inf - inf is NaN
    await expect(fun(tile(Infinity, 3, 5))).rejects.toThrow(`${where} nan in output 0 at index (0, 0)`);
    await expect(fun(tile(NaN, 3, 5))).rejects.toThrow(`${where} nan in output 0 at index (0, 0)`);
    await expect(fun(tile(1e20, 3, 5))).rejects.toThrow(`${where} a huge value in output 0 at index (0, 0)`);
    // an infinity from an input is caught at the first op it reaches
    const v = T.vector('v');
    await expect(sym.function([v], T.exp(v.neg()), { mode: 'NanGuardMode' })([Infinity, 1])).rejects.toThrow('NanGuardMode: Elemwise{neg,no_inplace}(v) produced -inf');
  });

  it("numerical stability: 1 / log(p + 1) is inf where p is 0, and DebugMode names the op", async () => {
    const p = T.vector('p');
    const f = sym.function([p], T.div(1, T.log(p.add(1))));
    const out = ((await f([0.5, 0])) as sym.NDArray).toArray() as number[];
    expect(out[0]).toBeCloseTo(1 / Math.log(1.5), 14);
    expect(out[1]).toBe(Infinity);
    // the stability rewrite made log(p + 1) a log1p, which DebugMode names
    await expect(sym.function([p], T.div(1, T.log(p.add(1))), { mode: 'DebugMode' })([0.5, -1])).rejects.toThrow(/^DebugMode: Elemwise\{log1p,no_inplace\}\(p\) produced -inf/);
  });

  it("the FAQ's error message: x + x + y with vectors of 2 and 3 names the node and both shapes", async () => {
    const x = T.vector('x');
    const y = T.vector('y');
    let z = x.add(x);
    z = z.add(y);
    const f = sym.function([x, y], z);
    await expect(f([1, 1], [1, 1, 1])).rejects.toThrow(
      '((x + x) + y): shapes do not match at dimension 0: (x + x) has shape (2,) (broadcastable (False,)) and y has shape (3,) (broadcastable (False,))',
    );
  });

  it("the test-value example: the misaligned dot of x (5, 10) with W1's dimshuffle, flattened and transposed (20, 10)", async () => {
    const rng = new sym.RandomState(6);
    const W1 = sym.shared(rng.randomSample([2, 10, 10]), { name: 'W1' });
    const W2 = sym.shared(rng.randomSample([15, 20]), { name: 'W2' });
    const x = T.matrix('x');
    const funcOfW1 = W1.dimshuffle(2, 0, 1).flatten(2).T;
    const h1 = T.dot(x, funcOfW1); // source of error: dot product of 5x10 with 20x10
    const h2 = T.dot(h1, W2.T);
    const f = sym.function([x], h2);
    await expect(f(rng.randomSample([5, 10]))).rejects.toThrow(
      'dot: shapes (5, 10) (x) and (20, 10) (Reshape{2}(W1.dimshuffle(2, 0, 1)).T) are not aligned: 10 (last dimension of x) != 20 (second-to-last dimension of Reshape{2}(W1.dimshuffle(2, 0, 1)).T)',
    );
  });

  it('prints an intermediate value with Print: f_with_print([1, 2, 3]) prints it and returns [5, 10, 15], as f does', async () => {
    const lines: string[] = [];
    const x = T.dvector('x');
    // theano.printing.Print('this is a very important value')(x); log: where the lines go (console.log by default)
    const xPrinted = sym.Print('this is a very important value', { log: (line) => lines.push(line) })(x);
    const f = sym.function([x], x.mul(5));
    const fWithPrint = sym.function([x], xPrinted.mul(5));
    expect(((await f([1, 2, 3])) as sym.NDArray).toArray()).toEqual([5, 10, 15]); // runs the graph without any printing
    expect(lines).toEqual([]);
    expect(((await fWithPrint([1, 2, 3])) as sym.NDArray).toArray()).toEqual([5, 10, 15]);
    expect(lines).toEqual(['this is a very important value __str__ = [1. 2. 3.]']);
    // the gradient flows through it
    const g = grad(xPrinted.pow(2).sum(), x) as sym.TensorVariable;
    expect(((await sym.function([x], g)([1, 2, 3])) as sym.NDArray).toArray()).toEqual([2, 4, 6]);
  });
});
