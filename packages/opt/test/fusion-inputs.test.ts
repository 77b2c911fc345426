/**
 * The cap on the buffers a fused kernel reads (`maxInputs`). Its purpose:
 * a sum over an unrolled scan's steps (a weight's gradient, one term a
 * step) fused whole is one kernel whose structure depends on the number of
 * steps, compiled anew for every sequence length; capped, it is a chain of
 * kernels that recur from one length to the next.
 */
import { describe, expect, it } from 'vitest';
import { kernelKey, schedule, type ElementwiseKernel, type LoadExpr, type Program, type Step } from '@sym/graph';
import { grad } from '@sym/grad';
import { DEFAULT_FUSION, fuse, optimizeProgram } from '../src/index.js';
import { both, sym, T, values } from './helpers.js';

const load = (input: number): LoadExpr => ({ kind: 'load', input, strides: [1], offset: 0, dtype: 'float64' });

/** acc_t = acc_(t-1) + x_t * x_t for t < n, acc_(-1) an input: buffers 0..n-1 the x's, n the initial sum, then the sums. */
function chain(n: number): Program {
  const buffers: Program['buffers'] = Array.from({ length: 2 * n + 1 }, () => ({ dtype: 'float64' as const, size: 3 }));
  const steps: Step[] = Array.from({ length: n }, (_, t) => ({
    kernel: {
      kind: 'elementwise',
      shape: [3],
      inputs: ['float64', 'float64'],
      out: 'float64',
      expr: { kind: 'apply', op: 'add', args: [load(0), { kind: 'apply', op: 'mul', args: [load(1), load(1)], computeDType: 'float64', dtype: 'float64' }], computeDType: 'float64', dtype: 'float64' },
    },
    inputs: [t === 0 ? n : n + t, t],
    output: n + t + 1,
    label: `acc ${t}`,
  }));
  const inputBuffers = Array.from({ length: n + 1 }, (_, i) => i);
  return { buffers, steps, inputBuffers, constants: [], outputs: [{ buffer: 2 * n, shape: [3] }], nodeValues: new Map() };
}

describe('fusion input cap', () => {
  it('cuts a 40-term sum into kernels of at most maxInputs buffers, alike but for the last', () => {
    const fused = fuse(chain(40));
    expect(DEFAULT_FUSION.maxInputs).toBe(16);
    // the first kernel reads the initial sum and 15 terms, each next one the previous sum and 15 terms
    expect(fused.steps.map((s) => s.inputs.length)).toEqual([16, 16, 11]);
    const [first, second, last] = fused.steps.map((s) => s.kernel as ElementwiseKernel);
    expect(kernelKey(second!)).toBe(kernelKey(first!));
    // a longer sum adds kernels of the same structure: only the last one differs with the length
    const longer = fuse(chain(45)).steps.map((s) => kernelKey(s.kernel));
    expect(longer).toHaveLength(3);
    expect(longer.slice(0, 2)).toEqual([kernelKey(first!), kernelKey(first!)]);
    expect(longer[2]).not.toBe(kernelKey(last!));
    // uncapped, the whole sum is one kernel reading every term
    expect(fuse(chain(40), { ...DEFAULT_FUSION, maxInputs: Infinity }).steps.map((s) => s.inputs.length)).toEqual([41]);
  });

  it('keeps each chain link whole: the sum of the links equals the unfused sum exactly', () => {
    const n = 40;
    const p = chain(n);
    const xs = Array.from({ length: n }, (_, t) => [0.1 * t, 1 / (t + 3), Math.sqrt(t)]);
    const run = (prog: Program): number[] => {
      const mem: number[][] = [...xs, [0.5, -0.25, 1e-3]];
      for (const s of prog.steps) {
        const k = s.kernel as ElementwiseKernel;
        const ev = (e: ElementwiseKernel['expr'], i: number): number => {
          if (e.kind === 'load') return mem[s.inputs[e.input]!]![i * e.strides[0]! + e.offset]!;
          if (e.kind === 'apply') return e.op === 'add' ? ev(e.args[0]!, i) + ev(e.args[1]!, i) : ev(e.args[0]!, i) * ev(e.args[1]!, i);
          throw new Error(`unexpected ${e.kind}`);
        };
        mem[s.output] = [0, 1, 2].map((i) => ev(k.expr, i));
      }
      return mem[2 * n]!;
    };
    expect(run(fuse(p))).toEqual(run(p));
  });

  it('refuses an epilogue that would read more than maxInputs buffers', () => {
    const x = T.matrix('x');
    const W = T.matrix('W');
    // x W plus `count` bias vectors: the sum of the biases is one elementwise kernel, the product's epilogue if it fits
    const kinds = (count: number): string[][] => {
      const terms = Array.from({ length: count }, (_, i) => T.vector(`b${i}`));
      const out = terms.reduce((acc: ReturnType<typeof T.vector>, b) => acc.add(b), T.dot(x, W));
      const p = optimizeProgram(schedule({ inputs: [x, W, ...terms], inputShapes: [[2, 40], [40, 4], ...terms.map(() => [4])], outputs: [out] }));
      return p.steps.map((s) => [s.kernel.kind, String(s.inputs.length)]);
    };
    expect(kinds(14)).toEqual([['matmul', '16']]);
    // 17 buffers: the product and the sum stay two kernels
    expect(kinds(15)).toEqual([['matmul', '2'], ['elementwise', '16']]);
  });

  it("a scan's weight gradient at a new length adds few new kernels, and computes what the unfused program does", async () => {
    const X = T.matrix('X');
    const W = sym.shared(sym.array([[0.5, -0.2], [0.1, 0.3]]), { name: 'W' });
    const [hs] = sym.scan((x: ReturnType<typeof T.vector>, h: ReturnType<typeof T.vector>) => T.tanh(T.dot(h, W).add(x)), { sequences: X, outputsInfo: T.zeros([2]) });
    const [gW] = grad(T.sum(hs), [W]) as [ReturnType<typeof T.matrix>];
    const { opt, plain } = both([X], gW);
    const keys = (n: number): Set<string> => {
      let seen: Program | undefined;
      const f = sym.function([X], gW);
      const saved = sym.getOptimizer()!;
      sym.setOptimizer({ ...saved, optimizeProgram: (p, m, o) => (seen = saved.optimizeProgram!(p, m, o)) });
      try {
        f.compiled.kernelCount(sym.NDArray.zeros([n, 2], 'float64'));
      } finally {
        sym.setOptimizer(saved);
      }
      expect(Math.max(...seen!.steps.map((s) => s.inputs.length))).toBeLessThanOrEqual(16);
      return new Set(seen!.steps.map((s) => kernelKey(s.kernel)));
    };
    const [k40, k41] = [keys(40), keys(41)];
    // new at 41: the kernels over the whole sequence (its stacking, its gradient), the gradient sum's last link, and the
    // step kernels that gather a row of the whole sequence (a gather names its buffer's size): 6 before gathers fused, 9 since
    // (the row's cheap gather is computed inside each of its four readers), with 177 kernels a call at 40 steps instead of 297
    expect([...k41].filter((k) => !k40.has(k)).length).toBeLessThanOrEqual(9);
    const xs = sym.array(Array.from({ length: 41 * 2 }, (_, i) => Math.sin(i))).reshape([41, 2]);
    expect(values(await opt(xs))).toEqual(values(await plain(xs)));
  });
});
