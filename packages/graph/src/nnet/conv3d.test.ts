/**
 * conv3d and its adjoints (Theano's T.nnet.conv3d, abstract_conv's
 * conv3d_grad_wrt_inputs and conv3d_grad_wrt_weights) against NumPy: the
 * numbers come from .audit/conv3d/ref.py (a direct loop from Theano's
 * definition, itself checked against scipy.signal.convolve/correlate; the
 * adjoints by linearity, one basis input at a time), for inputs
 * x[i] = ((7 i) % 11 - 5) / 4 and filters w[i] = ((5 i) % 7 - 3) / 2, whose
 * products are exact in float32 too. Each graph runs compiled for the CPU
 * and through the ops' reference loops (`both`), which must agree.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from '../../test/helpers.js';
import type { Conv3dOptions } from './conv3d.js';

const inputs = (shape: number[], dtype: sym.DType) => sym.fill(shape, dtype, (i) => (((i * 7) % 11) - 5) / 4);
const filters = (shape: number[], dtype: sym.DType) => sym.fill(shape, dtype, (i) => (((i * 5) % 7) - 3) / 2);

function expectClose(got: sym.NDArray, shape: readonly number[], want: readonly number[], tol: number): void {
  expect(got.shape).toEqual(shape);
  const diff = Math.max(0, ...want.map((v, i) => Math.abs(Number(got.data[i]) - v)));
  expect(diff).toBeLessThan(tol);
}

const CASES: [string, Conv3dOptions, number[], number[], number[], number[]][] = [
  ['valid', {}, [1, 2, 3, 4, 3], [2, 2, 2, 2, 2], [1, 2, 2, 3, 2], [4.0,-3.75,0.0,-3.625,2.875,-2.125,-3.75,0.875,-3.625,1.0,-2.125,-0.25,-2.0,1.75,-1.75,2.0,-4.25,2.25,1.75,1.375,2.0,1.625,2.25,4.625]],
  ['full', { borderMode: 'full' }, [1, 2, 3, 4, 3], [2, 2, 2, 2, 2], [1, 2, 4, 5, 4], [3.125,-1.75,0.5,-0.5,-2.125,3.75,1.0,-1.375,-1.75,1.0,1.0,-1.75,-1.375,1.0,3.75,-2.125,-0.5,0.5,-1.75,3.125,-1.75,0.125,-2.375,1.375,0.5,4.0,-3.75,1.375,-0.5,0.0,-3.625,1.125,-0.125,2.875,-2.125,-0.5,-0.625,-1.5,1.5,3.0,0.875,-2.375,3.375,0.375,0.625,-3.75,0.875,-1.0,1.0,-3.625,1.0,-1.25,4.125,-2.125,-0.25,-1.5,-0.375,1.5,3.125,-1.125,-1.125,2.5,0.5,0.125,-0.25,-0.125,-1.0,-0.25,-0.25,0.0,-0.875,-0.125,1.125,-1.25,-0.75,0.0,-1.25,2.5,0.875,0.0,-1.25,2.875,0.625,-0.625,-2.25,-0.125,-0.25,-0.625,1.625,0.875,-0.625,-0.75,1.375,0.5,-3.75,3.25,1.375,-0.5,-1.125,-1.25,-1.5,3.125,-0.75,0.25,-2.5,-2.0,1.75,1.125,0.25,-1.75,2.0,1.375,0.25,-4.25,2.25,4.375,0.125,-1.875,-1.125,-1.125,0.125,-0.75,-1.875,-1.125,0.25,1.75,1.375,-2.0,0.25,2.0,1.625,-1.75,-2.5,2.25,4.625,-1.5,-1.5,-1.125,-1.75,-0.125,1.375,-2.125,-1.0,-0.375,1.375,0.5,-1.125,-0.25,1.625,1.125,-0.5,0.125,-2.25,4.5,0.125,0.5,-1.25,-0.75,-0.75,0.75]],
  ['half', { borderMode: 'half' }, [1, 2, 3, 4, 3], [2, 2, 3, 3, 2], [1, 2, 3, 4, 4], [-2.75,-1.125,-0.5,-1.375,0.5,-3.375,5.25,-1.875,-2.125,4.625,3.625,1.875,-1.125,-0.5,2.625,-3.875,4.875,-3.0,-1.5,-0.75,-2.25,4.625,-4.875,4.25,2.0,0.875,-0.375,1.75,-4.25,1.25,-1.0,5.25,0.25,0.25,0.25,0.125,1.625,-4.5,4.0,-2.125,-0.5,0.375,2.0,-2.0,2.0,0.0,3.25,-1.375,-1.625,2.0,-3.0,2.875,-1.625,-1.0,-2.5,0.75,2.125,1.375,-0.125,2.125,3.0,-2.75,-1.75,-1.0,-2.375,-3.5,1.625,-0.875,0.875,-4.375,5.625,-2.0,-0.25,2.25,4.0,1.625,-2.25,0.125,4.25,-4.75,0.5,-0.5,-1.25,-1.25,-1.75,5.25,-4.0,2.125,2.5,3.625,-0.125,1.75,-3.5,2.625,-5.25,3.0]],
  ['pad [1, 0, 2], subsample [2, 1, 2]', { borderMode: [1, 0, 2], subsample: [2, 1, 2] }, [1, 2, 3, 4, 3], [2, 2, 2, 2, 2], [1, 2, 2, 3, 3], [0.0,3.75,-1.375,0.0,1.0,-1.75,0.0,1.0,-2.125,0.0,-3.75,-1.0,0.0,-3.625,-1.25,0.0,-2.125,-1.5,0.0,-0.125,-0.625,0.0,0.875,-0.75,0.0,0.5,3.25,0.0,1.75,-2.0,0.0,2.0,-1.75,0.0,2.25,-1.5]],
  ['pad 1, filterDilation [2, 1, 1]', { borderMode: 1, filterDilation: [2, 1, 1] }, [2, 1, 3, 4, 3], [2, 1, 2, 2, 2], [2, 2, 3, 5, 4], [-0.75,1.25,-2.375,1.25,-0.375,0.875,-1.75,-0.25,0.0,1.25,-1.375,-0.25,0.375,1.625,-1.0,-0.25,0.0,0.25,1.25,-0.5,-1.125,-2.25,0.375,0.0,3.625,0.875,-1.75,0.125,2.375,-2.875,-1.375,0.375,2.5,-2.5,-1.0,0.625,-0.375,0.25,0.5,2.375,0.75,-0.5,1.625,0.625,0.125,-1.5,1.25,-1.375,-0.125,-1.5,1.25,-1.125,-0.375,-1.5,1.25,-0.875,0.125,1.0,1.625,-0.75,0.5,-0.5,1.25,0.0,-0.25,0.5,-1.0,1.875,-0.25,0.125,-1.375,1.5,-0.25,-0.25,-1.75,1.125,0.25,0.875,-2.375,0.75,-1.125,2.125,-0.25,0.25,2.25,-3.5,2.375,0.25,-1.625,-1.0,2.125,-0.25,-1.375,-1.25,1.875,-0.75,0.125,-1.25,2.875,-2.0,0.25,-0.5,0.875,-0.625,-0.625,0.75,-1.5,0.75,-0.375,0.875,-1.375,0.625,-0.125,1.0,-1.25,0.5,0.375,1.625,-2.0,0.5,-0.375,1.375,-2.25,1.0,0.0,1.25,-1.375,-0.25,0.375,1.625,-1.0,-0.25,0.75,-2.125,2.125,-0.25,0.0,0.5,-1.25,-0.25,3.0,-1.25,0.0,-0.375,2.375,-2.875,-1.375,0.375,2.5,-2.5,-1.0,0.625,-1.5,0.625,3.5,2.25,-0.25,-1.75,-0.125,-1.125,0.375,-1.0,1.125,0.5,-0.125,-1.5,1.25,-1.125,-0.375,-1.5,1.25,-0.875,-0.625,2.625,2.625,-0.625,0.25,0.125,-2.0,-0.375,0.25,-0.75,1.0,0.0,-0.25,0.125,-1.375,1.5,-0.25,-0.25,-1.75,1.125,-0.25,2.125,-2.125,0.75,0.5,-2.0,1.625,0.375,-0.125,0.5,-0.5,0.375,-1.625,-1.0,2.125,-0.25,-1.375,-1.25,1.875,-0.75,1.625,-1.5,3.0,-2.625,-2.0,2.875,-1.25,0.125,0.125,-0.5,0.875,-0.5,-0.375,0.875,-1.375,0.625,-0.125,1.0,-1.25,0.5,0.125,2.5,-2.5,0.375,0.75,-2.375,0.875,0.25]],
  ['numGroups 2', { numGroups: 2 }, [1, 4, 3, 3, 3], [4, 2, 2, 2, 2], [1, 4, 2, 2, 2], [3.375,-3.0,-0.625,-2.875,1.0,1.5,-3.0,3.0,-2.375,-1.375,-2.125,3.0,-1.625,0.75,-1.375,1.0,0.875,-1.125,-1.0,2.5,-3.375,0.125,-1.125,3.75,-3.375,2.75,-5.625,1.875,0.875,0.125,2.75,-0.75]],
  ['filterFlip false', { filterFlip: false }, [1, 2, 3, 4, 3], [2, 2, 2, 2, 2], [1, 2, 2, 3, 2], [3.375,-1.625,-0.625,-1.5,2.25,-1.375,-1.625,3.0,-1.5,3.125,-1.375,0.5,1.75,-1.375,2.0,-1.125,-0.5,-2.25,-1.375,-1.75,-1.125,-1.5,-2.25,0.125]],
];
const GX = [0.0,-1.0,0.0,0.0,1.0,0.0,2.25,0.5,-1.5,0.0,-1.0,1.5,-2.25,0.5,-0.75,0.25,2.25,0.75,-0.5,0.0,0.0,-0.25,-3.0,-3.0,1.5,0.0,0.0,-1.5,0.75,2.25,0.0,1.5,0.0,0.0,0.0,0.0,0.75,-3.0,2.25,-1.5,0.0,0.0,1.5,1.5,-2.25,-0.25,0.75,0.25,0.75,-1.5,-0.5,0.75,1.25,-0.25,-2.25,0.5,1.5,0.0,-0.5,-1.5,1.5,1.5,-1.0,0.0,-1.5,1.0,-3.0,0.75,0.5,0.0,0.0,-1.0,1.5,0.0,0.5,0.75,-1.5,2.25,-1.5,0.0,0.0,1.25,2.25,-3.0,0.5,0.0,0.0,-0.5,-0.75,0.75,0.5,-2.25,1.5,-1.0,0.0,0.0,0.5,2.25,-3.0,1.0,0.0,0.0,-1.0,0.0,1.5,-0.75,-0.5,0.75,2.25,1.0,-1.5,0.25,-0.75,1.25,-0.75,-0.5,0.5,0.0,0.5,-0.5,2.25,0.25,0.75,-0.75,-0.75,-2.25,1.5,-0.5,0.0,0.0,1.5,0.0,0.0,0.0,0.0,-1.0,0.0,1.5,0.5,0.0,-0.5,-1.0,-2.25,0.25,-0.25,0.75,0.25,0.75,-1.5,-0.5,-1.5,0.75,2.25,0.75,-0.25,-0.75,-2.25,-1.0,1.5,0.0,0.5,0.0,0.0,-1.0,0.0,0.0,0.0,-1.0,1.5,0.0,0.5,-0.5,1.5,-1.0,-0.75,-0.75,-0.25,0.25,2.25,0.75,0.75,-0.25,0.25,-0.25,0.75,-0.75,-1.0,0.75,-0.5,0.5,-2.25,1.5,-1.0,0.0,0.0,0.0,-1.5,0.0,0.0,0.5,0.0,1.5,0.5,-2.25,-0.75,-0.5,0.75,2.25,1.0,-1.5,-0.5,-0.75,0.75,0.25,0.25,-0.25,0.25,1.75,-1.0,-0.5,-0.75,0.5,1.5,1.5,-1.0,0.0,1.0,0.0,0.0,-0.5,0.0,0.0,0.5,1.5,-2.25,0.5,-0.75,0.75,-1.5,2.25];
const GW = [-1.0,-0.75,0.375,-0.5,-0.125,1.375,-1.125,-0.25,0.375,-0.5,-1.0,-0.25,-1.125,-0.25,0.625,-0.5,0.25,1.5,0.75,-2.125,-3.0,-0.25,-0.75,-0.25,0.75,-2.125,1.25,-0.25,-0.75,-0.25,-2.625,-0.25];

describe('conv3d against NumPy', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    const tol = dtype === 'float64' ? 1e-12 : 1e-5;
    for (const [name, options, xs, ws, shape, want] of CASES) {
      it(`${name}, ${dtype}`, () => {
        const out = T.nnet.conv3d(T.constant(inputs(xs, dtype)), T.constant(filters(ws, dtype)), options);
        expect(out.dtype).toBe(dtype);
        expectClose(both(out), shape, want, tol);
      });
    }
  }

  it('with shapes known only when the function runs (the window read from the filters)', async () => {
    const [name, options, xs, ws, shape, want] = CASES[3]!;
    expect(name).toMatch(/subsample/);
    const x = T.tensor('float64', [false, false, false, false, false], 'x');
    const w = T.tensor('float64', [false, false, false, false, false], 'w');
    const f = sym.function([x, w], T.nnet.conv3d(x, w, options));
    expectClose((await f(inputs(xs, 'float64'), filters(ws, 'float64'))) as sym.NDArray, shape, want, 1e-12);
  });

  it('is conv2d where the depth is 1 (one axis more, nothing else changed)', () => {
    const x = inputs([2, 3, 1, 5, 4], 'float64');
    const w = filters([2, 3, 1, 2, 3], 'float64');
    const o = { borderMode: [0, 1, 2], subsample: [1, 2, 1], filterDilation: [1, 1, 2] } as const;
    const v3 = both(T.nnet.conv3d(T.constant(x), T.constant(w), o));
    const v2 = both(T.nnet.conv2d(T.constant(x).reshape([2, 3, 5, 4]), T.constant(w).reshape([2, 3, 2, 3]), { borderMode: [1, 2], subsample: [2, 1], filterDilation: [1, 2] }));
    expect(v3.shape).toEqual([2, 2, 1, ...v2.shape.slice(2)]);
    expect(Array.from(v3.data)).toEqual(Array.from(v2.data));
  });
});

describe('conv3d adjoints against NumPy (numGroups 2, borderMode [1, 0, 1], subsample [2, 1, 2], filterDilation [1, 2, 1])', () => {
  const o: Conv3dOptions = { borderMode: [1, 0, 1], subsample: [2, 1, 2], filterDilation: [1, 2, 1], numGroups: 2 };
  for (const dtype of ['float64', 'float32'] as const) {
    const tol = dtype === 'float64' ? 1e-12 : 1e-5;
    const gz = T.constant(filters([1, 2, 3, 3, 2], dtype));
    it(`conv3dGradWrtInputs, ${dtype}`, () => {
      const gx = T.nnet.abstractConv.conv3dGradWrtInputs(gz, T.constant(filters([2, 2, 2, 2, 2], dtype)), [1, 4, 4, 5, 3], o);
      expectClose(both(gx), [1, 4, 4, 5, 3], GX, tol);
    });
    it(`conv3dGradWrtWeights, ${dtype}`, () => {
      const gw = T.nnet.abstractConv.conv3dGradWrtWeights(T.constant(inputs([1, 4, 4, 5, 3], dtype)), gz, [2, 2, 2, 2, 2], o);
      expectClose(both(gw), [2, 2, 2, 2, 2], GW, tol);
    });
  }

  it('takes the input lengths as integer scalars too', async () => {
    const g = T.tensor('float64', [false, false, false, false, false], 'gz');
    const n = T.lscalar('n');
    const f = sym.function([g, n], T.nnet.conv3dGradWrtInputs(g, T.constant(filters([2, 2, 2, 2, 2], 'float64')), [null, null, n, 5, 3], o));
    expectClose((await f(filters([1, 2, 3, 3, 2], 'float64'), sym.fill([], 'int64', () => 4))) as sym.NDArray, [1, 4, 4, 5, 3], GX, 1e-12);
  });
});

describe('conv3d errors name the input', () => {
  const x = T.tensor('float64', [false, false, false, false, false], 'vol');
  const w = T.tensor('float64', [false, false, false, false, false], 'w');
  it('ranks, channels and options', () => {
    expect(() => T.nnet.conv3d(T.tensor('float64', [false, false, false, false], 'img'), w)).toThrow(/conv3d: the input must be 5-d \(batch, channels, depth, rows, cols\), got img/);
    expect(() => T.nnet.conv3d(x, T.dmatrix('m'))).toThrow(/conv3d: the filters must be 5-d \(out_channels, in_channels \/ numGroups, depth, rows, cols\), got m/);
    const xs = T.specifyShape(x, [1, 3, 4, 4, 4]);
    expect(() => T.nnet.conv3d(xs, T.specifyShape(w, [2, 2, 2, 2, 2]))).toThrow(/conv3d: the input .*vol.* of shape \(1, 3, 4, 4, 4\) has 3 channels but the filters .*w.* expect 2/);
    expect(() => T.nnet.conv3d(xs, T.specifyShape(w, [2, 3, 5, 2, 2]))).toThrow(/conv3d: the input .* of shape \(1, 3, 4, 4, 4\) is too small for one 5x2x2 window of the filters.*expected at least 5 depth, got 4/);
    expect(() => T.nnet.conv3d(x, w, { subsample: [2, 2] as never })).toThrow(/conv3d: subsample must be three integers >= 1, got \[2,2\]/);
    expect(() => T.nnet.conv3d(x, w, { borderMode: [1, 1] as never })).toThrow(/conv3d: borderMode must be 'valid', 'full', 'half', an integer >= 0 or three of them/);
    expect(() => T.nnet.conv3d(x, w, { filterDilation: [1, 0, 1] })).toThrow(/filterDilation must be three integers >= 1/);
    expect(() => T.nnet.conv3d(x, w, { stride: [1, 1, 1] } as never)).toThrow(/conv3d: unknown option "stride"/);
  });

  it('channels known only when the function runs', async () => {
    const f = sym.function([x, w], T.nnet.conv3d(x, w));
    await expect(f(inputs([1, 3, 3, 3, 3], 'float64'), filters([2, 2, 2, 2, 2], 'float64'))).rejects.toThrow(/conv3d: the input vol of shape \(1, 3, 3, 3, 3\) has 3 channels but the filters w of shape \(2, 2, 2, 2, 2\) expect 2/);
  });

  it('the adjoints check their shapes', () => {
    const gz = T.tensor('float64', [false, false, false, false, false], 'gz');
    expect(() => T.nnet.conv3dGradWrtInputs(gz, w, [1, 2, 3, 4] as never)).toThrow(/conv3dGradWrtInputs: inputShape must have five entries \(the last three the depth, rows and cols\)/);
    expect(() => T.nnet.conv3dGradWrtWeights(x, gz, [2, 2, 0, 2, 2])).toThrow(/conv3dGradWrtWeights: filterShape\[2\] must be an integer >= 1/);
    expect(() => T.nnet.conv3dGradWrtInputs(T.specifyShape(gz, [1, 2, 3, 3, 3]), T.specifyShape(w, [2, 2, 2, 2, 2]), [1, 2, 4, 4, 5])).toThrow(/an input of 5 cols \(inputShape\) gives 4 output cols with these options, but outputGrad .* of shape \(1, 2, 3, 3, 3\) has 3/);
  });
});
