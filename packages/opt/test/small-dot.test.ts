import { describe, expect, it } from 'vitest';
import { smallDotKernel } from '../src/index.js';
import { both, sym, T } from './helpers.js';

/**
 * small_dot_elemwise writes a product over k <= SMALL_K as an elementwise
 * sum of products. NumPy's dot (BLAS) starts its sum from +0, so a row of
 * -0 times a column of zeros is +0; the written-out sum must be too.
 */
describe('small_dot_elemwise', () => {
  it('gives +0 where every term is -0, as numpy.dot and the matmul kernel do', async () => {
    const a = T.matrix('a');
    const b = T.matrix('b');
    const { opt, plain } = both([a, b], T.dot(a, b));
    const A = [[-0, -0], [1, -0]];
    const B = [[0, 1], [0, 2]];
    const got = Array.from((await opt(A, B)).data);
    const reference = Array.from((await plain(A, B)).data);
    // [-0*0 + -0*0, -0*1 + -0*2; 1*0 + -0*0, 1*1 + -0*2]
    expect(got.map((v) => Object.is(v, -0))).toEqual([false, false, false, false]);
    expect(got).toEqual([0, 0, 0, 1]);
    expect(reference.map((v) => Object.is(v, -0))).toEqual([false, false, false, false]);
    expect(opt.compiled.kernelCount(A, B)).toBe(1);
  });

  it('still writes the product out as one elementwise kernel', () => {
    const kernel = smallDotKernel({
      kind: 'matmul', batch: 1, m: 2, n: 2, k: 2, inputs: ['float64', 'float64'], acc: 'float64', out: 'float64',
      a: { strides: [0, 2, 1], offset: 0 }, b: { strides: [0, 2, 1], offset: 0 }, outStrides: [4, 2, 1],
    });
    expect(kernel?.kind).toBe('elementwise');
    expect(sym.kernelKey(kernel!)).toContain('"op":"add"');
  });

  it('reads a product of a computed buffer with itself through one input, so fusion inlines its producer into both operands', async () => {
    // dot(t, t) is a matmul step reading buffer t twice; fusion addresses a kernel's inputs by buffer, and
    // inlined tanh into one operand while the other still read t's buffer, which was then never written (0)
    const v = T.vector('v');
    const t = T.tanh(v);
    const m = T.matrix('m');
    const u = T.exp(m);
    for (const [inputs, out, arg] of [
      [[v], T.dot(t, t), [0.3, 0.2, 0.1]],
      [[m], T.dot(u, u), [[0.1, -0.2], [0.3, 0.4]]],
      [[m], T.dot(T.transpose(u), u), [[0.1, -0.2], [0.3, 0.4]]],
    ] as const) {
      const { opt, plain } = both([...inputs], out);
      const got = Array.from((await opt(arg)).data);
      const reference = Array.from((await plain(arg)).data);
      expect(reference.every((x) => x !== 0)).toBe(true);
      got.forEach((x, i) => expect(x).toBeCloseTo(reference[i]!, 12));
    }
  });
});
