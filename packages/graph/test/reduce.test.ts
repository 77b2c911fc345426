/**
 * Reductions (sum mean prod max min argmax argmin any all var std) over
 * every axis choice of 2-d and 3-d inputs, with and without keepdims,
 * against NumPy's results recorded in fixtures/numpy-reduce.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { T, both, sym } from './helpers.js';

interface ReduceCase {
  reducer: 'sum' | 'mean' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin' | 'any' | 'all' | 'var' | 'std';
  input: { values: (number | boolean)[]; shape: number[]; dtype: sym.DType };
  axis: number | number[] | null;
  keepdims: boolean;
  value: (number | boolean)[];
  shape: number[];
  dtype: sym.DType;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/numpy-reduce.json', import.meta.url), 'utf8')) as { cases: ReduceCase[] };

const REDUCERS = {
  sum: T.sum,
  mean: T.mean,
  prod: T.prod,
  max: T.max,
  min: T.min,
  argmax: T.argmax,
  argmin: T.argmin,
  any: T.any,
  all: T.all,
  var: T.var_,
  std: T.std,
} as const;

function close(got: number, want: number, dtype: sym.DType): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  const rtol = dtype === 'float32' ? 1e-6 : 1e-12;
  return Math.abs(got - want) <= rtol * Math.max(1, Math.abs(want));
}

describe('reductions match NumPy', () => {
  it('covers every reducer', () => {
    expect(new Set(fixture.cases.map((c) => c.reducer))).toEqual(new Set(Object.keys(REDUCERS)));
  });
  for (const c of fixture.cases) {
    const name = `${c.reducer} of ${c.input.dtype} ${JSON.stringify(c.input.shape)} axis=${JSON.stringify(c.axis)}${c.keepdims ? ' keepdims' : ''}`;
    it(name, () => {
      const x = T.constant(sym.array(c.input.values, { dtype: c.input.dtype, shape: c.input.shape }));
      const v = REDUCERS[c.reducer](x, { axis: c.axis, keepdims: c.keepdims });
      const r = both(v);
      expect(r.dtype).toBe(c.dtype);
      expect(r.shape).toEqual(c.shape);
      const want = c.value.map(Number);
      Array.from(r.data).forEach((got, i) => {
        if (!close(got, want[i]!, r.dtype)) expect(`${got} at ${i}`).toBe(`${want[i]} at ${i}`);
      });
    });
  }
});

describe('reduction types and arguments', () => {
  it('widen integer sums to int64 and means of integers to float64', () => {
    expect(T.sum(T.ivector('v')).dtype).toBe('int64');
    expect(T.prod(T.bvector('v')).dtype).toBe('int64');
    expect(T.mean(T.ivector('v')).dtype).toBe('float64');
    expect(T.mean(T.fvector('v')).dtype).toBe('float32');
    expect(T.max(T.bvector('v')).dtype).toBe('int8');
    expect(T.argmax(T.fvector('v')).dtype).toBe('int64');
    expect(T.any(T.fvector('v')).dtype).toBe('bool');
  });
  it("take Theano's dtype for sum, prod and mean (the tutorial's errors in float32), and refuse unknown options", () => {
    const y = T.lvector('y');
    const p = T.lvector('p');
    const errors = T.mean(T.neq(p, y), { dtype: 'float32' });
    expect(errors.dtype).toBe('float32');
    expect((sym.function([p, y], errors).sync([1, 2, 3, 4], [1, 0, 3, 0]) as sym.NDArray).item()).toBe(0.5);
    expect(T.sum(T.bvector('b'), { dtype: 'int16' }).dtype).toBe('int16');
    expect(() => T.max(y, { dtype: 'float32' })).toThrow('max: the dtype option applies to sum, prod and mean');
    const m = T.matrix('m');
    expect(() => T.sum(m, { axis: 1, keepDims: true } as sym.ReduceOptions)).toThrow('sum: unknown option "keepDims"; the options are axis, keepdims, dtype');
    expect(() => T.sum(m, { axes: 1 } as sym.ReduceOptions)).toThrow('sum: unknown option "axes"');
  });
  it('accept an axis number, list or null, and keepdims with broadcastable dims', () => {
    const m = T.matrix('m');
    expect(m.sum(0).broadcastable).toEqual([false]);
    expect(m.sum([0, 1]).ndim).toBe(0);
    expect(m.sum(null).ndim).toBe(0);
    expect(T.sum(m, { axis: 1, keepdims: true }).broadcastable).toEqual([false, true]);
    expect(T.sum(m, { keepdims: true }).broadcastable).toEqual([true, true]);
  });
  it('reject bad axes, naming the reduction', () => {
    const m = T.matrix('m');
    expect(() => m.sum(2)).toThrow('sum: axis 2 is out of range [-2, 2) for m of type TensorType(float64, matrix)');
    expect(() => m.max(-3)).toThrow('max: axis -3 is out of range [-2, 2) for m');
    expect(() => m.sum([0, 0])).toThrow('sum: repeated axis in [0,0]');
  });
  it('call a non-integer axis that, naming the reduction and the input, not an axis out of range (nor an unknown option "0")', () => {
    const m = T.matrix('m');
    // 0.5 was 'axis 0.5 is out of range', '1' as an option object 'unknown option "0"' or as { axis: '1' } 'axis 1 is out of range'
    expect(() => m.mean(0.5)).toThrow(new TypeError('mean: axis must be an integer in [-2, 2), got 0.5 for m of type TensorType(float64, matrix)'));
    for (const [what, f] of [
      ['sum', T.sum], ['prod', T.prod], ['max', T.max], ['min', T.min], ['mean', T.mean], ['any', T.any], ['all', T.all],
      ['argmax', T.argmax], ['argmin', T.argmin], ['var', T.var], ['std', T.std], ['ptp', T.ptp], ['maxAndArgmax', T.maxAndArgmax],
    ] as const) {
      const reduce = f as (x: sym.TensorVariable, o: unknown) => unknown;
      expect(() => reduce(m, 1.5), what).toThrow(`${what}: axis must be an integer in [-2, 2), got 1.5 for m`);
      expect(() => reduce(m, '1'), what).toThrow(`${what}: axis must be an integer in [-2, 2), got "1" for m`);
      expect(() => reduce(m, { axis: '1' }), what).toThrow(`${what}: axis must be an integer in [-2, 2), got "1" for m`);
      expect(() => reduce(m, [0, '1']), what).toThrow(`${what}: axis must be an integer in [-2, 2), got "1" for m`);
      expect(() => reduce(m, 2), what).toThrow(`${what}: axis 2 is out of range [-2, 2) for m`);
    }
    expect(() => T.norm(m, 2, 1.5)).toThrow('norm: axis must be an integer in [-2, 2), got 1.5 for m');
    expect(() => T.nlinalg.norm(m, null, '1' as never)).toThrow('norm: axis must be an integer in [-2, 2), got "1" for m');
  });
  it('refuse max/argmax of an empty axis (no identity) but sum it to 0', async () => {
    const v = T.vector('v');
    expect(() => sym.function([v], v.max()).sync([])).toThrow(/cannot reduce an empty axis 0 of shape \(0,\)/);
    expect(sym.function([v], v.sum()).sync([]).toString()).toBe('0.0');
  });
  it('propagate NaN through max and min, and argmax points at the first NaN (NumPy)', () => {
    const x = T.constant([1, NaN, 3, NaN]);
    expect(both(T.max(x)).toString()).toBe('nan');
    expect(both(T.min(x)).toString()).toBe('nan');
    expect(both(T.argmax(x)).item()).toBe(1);
    expect(both(T.argmin(x)).item()).toBe(1);
  });
  it('sum of a bool counts the true values', () => {
    expect(both(T.sum(T.constant([true, false, true]))).toString()).toBe('2');
  });
});
