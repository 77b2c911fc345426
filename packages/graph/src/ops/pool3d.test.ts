/**
 * Theano's pool_3d (T.signal.pool.pool3d) in every mode against NumPy: the
 * numbers come from .audit/conv3d/ref.py, a copy of Theano's Pool.perform
 * loop, for x (2, 4, 5, 3) with x[i] = ((7 i) % 11 - 5) / 4 (one leading
 * axis). Each graph runs compiled for the CPU and through the ops'
 * reference loops (`both`), which must agree.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from '../../test/helpers.js';
import type { Pool3dOptions } from './pool.js';

const POOLS: [sym.PoolMode, string, number[], number[]][] = [
  ['max', 'ws [2, 2, 2], ignoreBorder', [2, 2, 2, 1], [1.25,1.25,0.75,1.25,1.0,1.25,1.25,0.75]],
  ['max', 'ws [3, 2, 2], stride [1, 2, 1] (partial windows)', [2, 2, 3, 2], [1.25,1.0,1.25,1.25,1.0,1.25,0.75,1.25,1.25,1.25,1.25,1.25,1.25,1.25,1.25,1.0,1.25,0.5,1.25,1.25,0.75,1.25,1.25,0.75]],
  ['max', 'ws [2, 3, 2], stride [2, 2, 1], pad [1, 2, 1], ignoreBorder', [2, 3, 4, 4], [-1.25,0.5,0.5,-0.5,1.25,1.25,0.5,-0.5,1.0,1.0,1.25,1.25,0.5,0.5,1.25,1.25,0.25,0.75,1.0,1.0,1.25,1.25,1.0,1.0,1.25,1.25,1.25,0.5,0.75,1.0,1.0,0.0,0.5,0.5,1.25,1.25,0.5,0.5,1.25,1.25,0.0,1.25,1.25,0.75,-0.5,1.25,1.25,0.25,-0.75,1.0,1.0,0.0,-0.75,1.0,1.0,0.0,1.25,1.25,0.5,-0.5,1.0,1.0,0.0,-1.0,0.75,1.25,1.25,0.25,0.75,1.25,1.25,1.25,1.25,1.25,1.0,1.0,1.25,1.25,0.5,0.5,1.0,1.0,0.0,-1.0,1.0,1.0,1.25,1.25,0.5,0.5,1.25,1.25,0.0,0.0,0.75,0.75]],
  ['sum', 'ws [2, 2, 2], ignoreBorder', [2, 2, 2, 1], [-0.75,0.75,-1.5,0.0,0.5,-0.75,2.5,-1.5]],
  ['sum', 'ws [3, 2, 2], stride [1, 2, 1] (partial windows)', [2, 2, 3, 2], [-1.75,0.0,3.25,-3.25,0.75,0.25,-3.0,1.5,-0.75,-1.75,1.5,1.0,1.5,3.25,-1.75,0.0,1.0,-2.25,3.0,-0.75,-3.0,1.5,-1.0,-1.5]],
  ['sum', 'ws [2, 3, 2], stride [2, 2, 1], pad [1, 2, 1], ignoreBorder', [2, 3, 4, 4], [-1.25,-0.75,0.0,-0.5,1.0,1.75,-1.5,-2.25,2.25,1.5,-1.75,-1.0,0.5,0.0,0.75,1.25,-0.75,-0.75,0.75,0.75,-1.0,-2.5,-0.75,0.75,1.5,2.5,-1.25,-2.25,0.0,0.75,-0.5,-1.25,0.5,0.0,0.75,1.25,0.75,-1.5,0.75,3.0,-0.75,-1.75,0.5,1.5,-0.5,0.75,1.5,0.25,-0.75,0.25,1.0,0.0,-3.0,-0.75,1.5,-0.75,1.0,1.75,-1.5,-2.25,1.0,1.0,-1.0,-1.0,0.25,1.25,0.0,-1.0,-0.75,0.75,2.5,1.0,-1.0,-2.5,-0.75,0.75,1.0,0.0,-1.25,-0.25,1.0,1.0,-1.0,-1.0,2.25,1.5,-1.75,-1.0,0.75,-1.5,0.75,3.0,0.0,-1.0,-0.25,0.75]],
  ['average_inc_pad', 'ws [2, 2, 2], ignoreBorder', [2, 2, 2, 1], [-0.09375,0.09375,-0.1875,0.0,0.0625,-0.09375,0.3125,-0.1875]],
  ['average_inc_pad', 'ws [3, 2, 2], stride [1, 2, 1] (partial windows)', [2, 2, 3, 2], [-0.14583333333333334,0.0,0.2708333333333333,-0.2708333333333333,0.125,0.041666666666666664,-0.25,0.125,-0.0625,-0.14583333333333334,0.25,0.16666666666666666,0.125,0.2708333333333333,-0.14583333333333334,0.0,0.16666666666666666,-0.375,0.25,-0.0625,-0.25,0.125,-0.16666666666666666,-0.25]],
  ['average_inc_pad', 'ws [2, 3, 2], stride [2, 2, 1], pad [1, 2, 1], ignoreBorder', [2, 3, 4, 4], [-0.10416666666666667,-0.0625,0.0,-0.041666666666666664,0.08333333333333333,0.14583333333333334,-0.125,-0.1875,0.1875,0.125,-0.14583333333333334,-0.08333333333333333,0.041666666666666664,0.0,0.0625,0.10416666666666667,-0.0625,-0.0625,0.0625,0.0625,-0.08333333333333333,-0.20833333333333334,-0.0625,0.0625,0.125,0.20833333333333334,-0.10416666666666667,-0.1875,0.0,0.0625,-0.041666666666666664,-0.10416666666666667,0.041666666666666664,0.0,0.0625,0.10416666666666667,0.0625,-0.125,0.0625,0.25,-0.0625,-0.14583333333333334,0.041666666666666664,0.125,-0.041666666666666664,0.0625,0.125,0.020833333333333332,-0.0625,0.020833333333333332,0.08333333333333333,0.0,-0.25,-0.0625,0.125,-0.0625,0.08333333333333333,0.14583333333333334,-0.125,-0.1875,0.08333333333333333,0.08333333333333333,-0.08333333333333333,-0.08333333333333333,0.020833333333333332,0.10416666666666667,0.0,-0.08333333333333333,-0.0625,0.0625,0.20833333333333334,0.08333333333333333,-0.08333333333333333,-0.20833333333333334,-0.0625,0.0625,0.08333333333333333,0.0,-0.10416666666666667,-0.020833333333333332,0.08333333333333333,0.08333333333333333,-0.08333333333333333,-0.08333333333333333,0.1875,0.125,-0.14583333333333334,-0.08333333333333333,0.0625,-0.125,0.0625,0.25,0.0,-0.08333333333333333,-0.020833333333333332,0.0625]],
  ['average_exc_pad', 'ws [2, 2, 2], ignoreBorder', [2, 2, 2, 1], [-0.09375,0.09375,-0.1875,0.0,0.0625,-0.09375,0.3125,-0.1875]],
  ['average_exc_pad', 'ws [3, 2, 2], stride [1, 2, 1] (partial windows)', [2, 2, 3, 2], [-0.14583333333333334,0.0,0.2708333333333333,-0.2708333333333333,0.125,0.041666666666666664,-0.25,0.125,-0.0625,-0.14583333333333334,0.25,0.16666666666666666,0.125,0.2708333333333333,-0.14583333333333334,0.0,0.16666666666666666,-0.375,0.25,-0.0625,-0.25,0.125,-0.16666666666666666,-0.25]],
  ['average_exc_pad', 'ws [2, 3, 2], stride [2, 2, 1], pad [1, 2, 1], ignoreBorder', [2, 3, 4, 4], [-1.25,-0.375,0.0,-0.5,0.3333333333333333,0.2916666666666667,-0.25,-0.75,0.75,0.25,-0.2916666666666667,-0.3333333333333333,0.5,0.0,0.375,1.25,-0.375,-0.1875,0.1875,0.375,-0.16666666666666666,-0.20833333333333334,-0.0625,0.125,0.25,0.20833333333333334,-0.10416666666666667,-0.375,0.0,0.1875,-0.125,-0.625,0.5,0.0,0.375,1.25,0.25,-0.25,0.125,1.0,-0.25,-0.2916666666666667,0.08333333333333333,0.5,-0.5,0.375,0.75,0.25,-0.75,0.125,0.5,0.0,-1.0,-0.125,0.25,-0.25,0.3333333333333333,0.2916666666666667,-0.25,-0.75,1.0,0.5,-0.5,-1.0,0.125,0.3125,0.0,-0.5,-0.125,0.0625,0.20833333333333334,0.16666666666666666,-0.16666666666666666,-0.20833333333333334,-0.0625,0.125,0.5,0.0,-0.3125,-0.125,1.0,0.5,-0.5,-1.0,0.75,0.25,-0.2916666666666667,-0.3333333333333333,0.25,-0.25,0.125,1.0,0.0,-0.5,-0.125,0.75]],
];

const SETTINGS: Record<string, Omit<Pool3dOptions, 'mode'>> = {
  'ws [2, 2, 2], ignoreBorder': { ws: [2, 2, 2], ignoreBorder: true },
  'ws [3, 2, 2], stride [1, 2, 1] (partial windows)': { ws: [3, 2, 2], stride: [1, 2, 1] },
  'ws [2, 3, 2], stride [2, 2, 1], pad [1, 2, 1], ignoreBorder': { ws: [2, 3, 2], stride: [2, 2, 1], pad: [1, 2, 1], ignoreBorder: true },
};

const volume = (dtype: sym.DType) => sym.fill([2, 4, 5, 3], dtype, (i) => (((i * 7) % 11) - 5) / 4);

describe('pool3d against NumPy (Theano Pool.perform)', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const [mode, setting, shape, want] of POOLS) {
      it(`${mode}, ${setting}, ${dtype}`, () => {
        const out = both(T.signal.pool.pool3d(T.constant(volume(dtype)), { ...SETTINGS[setting]!, mode }));
        expect(out.dtype).toBe(dtype);
        expect(out.shape).toEqual(shape);
        const diff = Math.max(...want.map((v, i) => Math.abs(Number(out.data[i]) - v)));
        expect(diff).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-6);
      });
    }
  }

  it('pools the last three axes of any rank, as pool2d pools two (a depth of 1)', () => {
    const x = T.constant(sym.fill([3, 1, 5, 4], 'float64', (i) => Math.sin(i)));
    const three = both(T.signal.pool.pool3d(x, { ws: [1, 2, 3], stride: [1, 1, 2], mode: 'average_exc_pad' }));
    const two = both(T.signal.pool.pool2d(x, { ws: [2, 3], stride: [1, 2], mode: 'average_exc_pad' }));
    expect(three.shape).toEqual(two.shape);
    expect(Array.from(three.data)).toEqual(Array.from(two.data));
    expect(both(T.signal.pool.pool3d(T.constant(sym.fill([2, 2, 2], 'int32', (i) => i - 3)), { ws: [2, 2, 2] })).toArray()).toEqual([[[4]]]);
  });
});

describe('pool3d errors', () => {
  const x = T.tensor('float64', [false, false, false, false], 'vol');
  it('names what was wrong', () => {
    expect(() => T.signal.pool.pool3d(T.dmatrix('m'), { ws: [2, 2, 2] })).toThrow(/pool3d: expected an input of 3 dimensions or more, got m/);
    expect(() => T.signal.pool.pool3d(x, { ws: [2, 2] as never })).toThrow(/pool3d: ws must be three integers >= 1, got \[2,2\]/);
    expect(() => T.signal.pool.pool3d(x, { ws: [2, 2, 2], stride: [1, 0, 1] })).toThrow(/pool3d: stride must be three integers >= 1/);
    expect(() => T.signal.pool.pool3d(x, { ws: [2, 2, 2], pad: [1, 1, 1] })).toThrow(/pool3d: padding works only with ignoreBorder: true/);
    expect(() => T.signal.pool.pool3d(x, { ws: [2, 2, 2], pad: [0, 2, 0], ignoreBorder: true })).toThrow(/pool3d: padding \[0,2,0\] must be smaller than the window \[2,2,2\]/);
    expect(() => T.signal.pool.pool3d(x, { ws: [2, 2, 2], mode: 'avg' as sym.PoolMode })).toThrow(/pool3d: mode must be one of max, sum, average_inc_pad, average_exc_pad/);
    expect(() => T.signal.pool.pool3d(x, [2, 2, 2] as never)).toThrow(/pool3d \(the window goes in the options: \{ ws: \[2, 2, 2\] \}\)/);
    expect(() => T.signal.pool.pool3d(x, { ws: [2, 2, 2], ignoreBorder: 1 as never })).toThrow(/pool3d: ignoreBorder must be true or false/);
  });

  it('max pooling of an empty volume with padding has no maximum', () => {
    const empty = T.constant(sym.NDArray.zeros([2, 0, 3], 'float64'));
    expect(() => T.signal.pool.pool3d(empty, { ws: [2, 2, 2], pad: [1, 1, 1], ignoreBorder: true })).toThrow(/pool3d: the input .* of shape \(2, 0, 3\) has no rows, .*no maximum/);
  });
});
