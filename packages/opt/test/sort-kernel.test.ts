/**
 * Sort kernels (a library kernel, for backends that list `'sort'` in
 * `BackendInfo.kernels`) read their input through strides and no
 * expression: the program passes fuse nothing into them and never inline
 * them into a reader, and they pass through the optimizer as they came.
 */
import { describe, expect, it } from 'vitest';
import { kernelKey, schedule, type SortKernel } from '@sym/graph';
import { optimizeProgram } from '../src/index.js';
import { both, close, T, values } from './helpers.js';

describe('sort kernels and the program passes', () => {
  it('stay whole: elementwise work before and after fuses around them, not into them', async () => {
    const x = T.dmatrix('x');
    const out = T.sort(T.exp(x.mul(2)).T, 0).add(1).sqrt();
    const plain = schedule({ inputs: [x], inputShapes: [[3, 4]], outputs: [out], kernels: ['sort'] });
    const sorts = plain.steps.filter((s) => s.kernel.kind === 'sort');
    expect(sorts.length).toBe(1);
    const p = optimizeProgram(plain);
    // exp(2x) fused into one kernel, the sort, the gather of the values with add and sqrt fused into it (exp(2x) is read through the gather: not fused)
    expect(p.steps.map((s) => s.kernel.kind)).toEqual(['elementwise', 'sort', 'elementwise']);
    const k = p.steps[1]!.kernel as SortKernel;
    // the same kernel as scheduled: the transpose is its strides, its input the fused kernel's output
    expect(kernelKey(k)).toBe(kernelKey(sorts[0]!.kernel));
    expect(k).toMatchObject({ shape: [4, 3], axis: 0, keep: 4, descending: false, strides: [1, 4], offset: 0 });
    expect(p.steps[1]!.inputs).toEqual([p.steps[0]!.output]);
    const { opt, plain: unoptimized } = both([x], out);
    const m = [
      [3, -1, 2, 0.5],
      [NaN, 4, -0, 1],
      [2, 2, -3, 7],
    ];
    expect(opt.compiled.kernelCount(m)).toBe(3);
    expect(close(values(await opt(m))[0]!, values(await unoptimized(m))[0]!)).toBe(true);
  });

  it('keep their own output: an int64 argsort casts in a kernel of its own, and a program without them sorts by network', () => {
    const x = T.fvector('x');
    const kinds = (kernels: readonly 'sort'[]) => optimizeProgram(schedule({ inputs: [x], inputShapes: [[10]], outputs: [T.argsort(x)], kernels })).steps.map((s) => s.kernel.kind);
    expect(kinds(['sort'])).toEqual(['sort', 'elementwise']);
    const network = kinds([]);
    expect(network.includes('sort')).toBe(false);
    expect(network.length).toBeGreaterThan(10);
  });
});
