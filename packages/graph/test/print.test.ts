/**
 * NDArray printing against NumPy: `str()` and `repr()`. The fixture holds
 * NumPy's own output (see fixtures/numpy-print.py); the literal cases below
 * are the rules one by one, and summarised arrays too large for the fixture.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sym } from './helpers.js';

interface PrintCase {
  dtype: sym.DType;
  shape: number[];
  values: (number | string)[];
  str: string;
  repr: string;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/numpy-print.json', import.meta.url), 'utf8')) as { cases: PrintCase[] };

const decode = (v: number | string): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));
const arr = (values: readonly number[], shape: readonly number[], dtype: sym.DType): sym.NDArray =>
  sym.fromTyped(Float64Array.from(values), shape, dtype);

describe('NDArray printing matches NumPy output recorded in the fixture', () => {
  it('has the cases it was generated with', () => {
    expect(fixture.cases.length).toBeGreaterThan(200);
  });
  fixture.cases.forEach((c, i) => {
    it(`case ${i}: ${c.dtype} ${JSON.stringify(c.shape)}`, () => {
      const a = arr(c.values.map(decode), c.shape, c.dtype);
      expect(a.toString()).toBe(c.str);
      expect(a.repr()).toBe(c.repr);
    });
  });
});

describe('NDArray str() and repr(), rule by rule', () => {
  it('prints 0-d arrays like Python scalars (str) and array(...) (repr)', () => {
    expect(sym.array(9).astype('float64').toString()).toBe('9.0');
    expect(sym.array(9).astype('float64').repr()).toBe('array(9.)');
    expect(sym.array(-2.5).toString()).toBe('-2.5');
    expect(sym.array(3).toString()).toBe('3');
    expect(sym.array(3).repr()).toBe('array(3)');
    expect(sym.array(true).toString()).toBe('True');
    expect(sym.array(true).repr()).toBe('array(True)');
    expect(sym.array(1e20).toString()).toBe('1e+20');
    expect(sym.array(1e-5).toString()).toBe('1e-05');
    expect(sym.array(NaN).toString()).toBe('nan');
    expect(sym.array(0.1, { dtype: 'float32' }).toString()).toBe('0.1');
    expect(sym.array(0.1, { dtype: 'float32' }).repr()).toBe('array(0.1, dtype=float32)');
  });

  it('prints floats with a trailing point and a shared width', () => {
    expect(sym.array([1, 2.5]).toString()).toBe('[1.  2.5]');
    expect(sym.array([1, 2.5]).repr()).toBe('array([1. , 2.5])');
    expect(sym.array([[1, -2], [3, 40]], { dtype: 'float64' }).toString()).toBe('[[ 1. -2.]\n [ 3. 40.]]');
    expect(sym.array([0.1, 0.2, 0.30000000000000004]).toString()).toBe('[0.1 0.2 0.3]');
    expect(sym.array([1 / 3, 2 / 3]).toString()).toBe('[0.33333333 0.66666667]');
  });

  it('switches to scientific notation for mixed magnitudes', () => {
    expect(sym.array([1e-5, 1, 1000]).toString()).toBe('[1.e-05 1.e+00 1.e+03]');
    expect(sym.array([1, 2000], { dtype: 'float64' }).toString()).toBe('[1.e+00 2.e+03]');
    expect(sym.array([1, 999], { dtype: 'float64' }).toString()).toBe('[  1. 999.]');
    expect(sym.array([1e8, 1], { dtype: 'float64' }).toString()).toBe('[1.e+08 1.e+00]');
    expect(sym.array([0.0001, 1]).toString()).toBe('[1.e-04 1.e+00]');
  });

  it('prints nan and inf in the column width', () => {
    expect(sym.array([NaN, 1, Infinity, -Infinity]).toString()).toBe('[ nan   1.  inf -inf]');
    expect(sym.array([1.5, NaN, -Infinity]).repr()).toBe('array([ 1.5,  nan, -inf])');
  });

  it('prints integers and booleans right-aligned, with dtype in repr unless implied', () => {
    expect(sym.array([1, -2, 300]).toString()).toBe('[  1  -2 300]');
    expect(sym.array([1, -2, 300], { dtype: 'int32' }).repr()).toBe('array([  1,  -2, 300], dtype=int32)');
    expect(sym.array([1, 2], { dtype: 'uint8' }).repr()).toBe('array([1, 2], dtype=uint8)');
    expect(sym.array([true, false, true]).toString()).toBe('[ True False  True]');
    expect(sym.array([true, true]).repr()).toBe('array([ True,  True])');
  });

  it('prints 2-d and 3-d arrays with blank lines between blocks', () => {
    const a = sym.fill([2, 3, 4], 'int64', (i) => i - 5);
    expect(a.toString()).toBe(
      '[[[-5 -4 -3 -2]\n  [-1  0  1  2]\n  [ 3  4  5  6]]\n\n [[ 7  8  9 10]\n  [11 12 13 14]\n  [15 16 17 18]]]',
    );
    expect(a.repr()).toBe(
      'array([[[-5, -4, -3, -2],\n        [-1,  0,  1,  2],\n        [ 3,  4,  5,  6]],\n\n' +
        '       [[ 7,  8,  9, 10],\n        [11, 12, 13, 14],\n        [15, 16, 17, 18]]])',
    );
  });

  it('wraps long rows at 75 columns', () => {
    const r = sym.fill([30], 'float64', (i) => i).repr();
    expect(r).toBe(
      'array([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.,\n' +
        '       13., 14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25.,\n' +
        '       26., 27., 28., 29.])',
    );
    const s = sym.fill([100], 'float64', (i) => i / 7).toString();
    const lines = s.split('\n');
    expect(lines).toHaveLength(17);
    expect(lines[0]).toBe('[ 0.          0.14285714  0.28571429  0.42857143  0.57142857  0.71428571');
    expect(lines[5]).toBe('  4.28571429  4.42857143  4.57142857  4.71428571  4.85714286  5.');
    expect(lines[16]).toBe(' 13.71428571 13.85714286 14.         14.14285714]');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(75);
  });

  it('summarises arrays over 1000 elements with ...', () => {
    expect(sym.fill([2000], 'float64', (i) => i).toString()).toBe('[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03]');
    expect(sym.fill([2000], 'int64', (i) => i).repr()).toBe('array([   0,    1,    2, ..., 1997, 1998, 1999])');
    expect(sym.fill([1001], 'int32', (i) => i).repr()).toBe('array([   0,    1,    2, ...,  998,  999, 1000], dtype=int32)');
    expect(sym.fill([1000], 'int64', (i) => i).toString()).not.toContain('...');
  });

  it('sizes the columns of a summarised array from the printed elements only', () => {
    const a = sym.fill([2000], 'float64', (i) => (i === 1 ? 0.5 : i === 1000 ? 1e6 : 0));
    expect(a.toString()).toBe('[0.  0.5 0.  ... 0.  0.  0. ]');
  });

  it('summarises every axis of a large 2-d array', () => {
    expect(sym.fill([40, 40], 'float64', (i) => i).toString()).toBe(
      '[[0.000e+00 1.000e+00 2.000e+00 ... 3.700e+01 3.800e+01 3.900e+01]\n' +
        ' [4.000e+01 4.100e+01 4.200e+01 ... 7.700e+01 7.800e+01 7.900e+01]\n' +
        ' [8.000e+01 8.100e+01 8.200e+01 ... 1.170e+02 1.180e+02 1.190e+02]\n' +
        ' ...\n' +
        ' [1.480e+03 1.481e+03 1.482e+03 ... 1.517e+03 1.518e+03 1.519e+03]\n' +
        ' [1.520e+03 1.521e+03 1.522e+03 ... 1.557e+03 1.558e+03 1.559e+03]\n' +
        ' [1.560e+03 1.561e+03 1.562e+03 ... 1.597e+03 1.598e+03 1.599e+03]]',
    );
  });

  it('summarises a 3-d array with blank lines around the elided block', () => {
    const s = sym.fill([10, 10, 30], 'int64', (i) => i).toString();
    expect(s.startsWith('[[[   0    1    2 ...   27   28   29]\n  [  30   31   32 ...   57   58   59]\n')).toBe(true);
    expect(s).toContain('  [ 870  871  872 ...  897  898  899]]\n\n ...\n\n [[2100 2101 2102 ... 2127 2128 2129]\n');
    expect(s.endsWith('  [2970 2971 2972 ... 2997 2998 2999]]]')).toBe(true);
  });

  it('rounds ties to even, as NumPy does', () => {
    expect(sym.array([0.001953125, 1]).toString()).toBe('[0.00195312 1.        ]');
    expect(sym.array([1398549.25, 1000000], { dtype: 'float32' }).toString()).toBe('[1398549.2 1000000. ]');
  });

  it('prints empty arrays', () => {
    expect(sym.array([]).toString()).toBe('[]');
    expect(sym.array([]).repr()).toBe('array([], dtype=float64)');
    expect(sym.NDArray.zeros([2, 0], 'float64').repr()).toBe('array([], shape=(2, 0), dtype=float64)');
  });

  it('moves dtype= to its own line when the last line is full', () => {
    expect(sym.fill([13], 'int32', (i) => i * 100000).repr()).toBe(
      'array([      0,  100000,  200000,  300000,  400000,  500000,  600000,\n' +
        '        700000,  800000,  900000, 1000000, 1100000, 1200000], dtype=int32)',
    );
    expect(sym.fill([14], 'int32', (i) => i * 100000).repr()).toBe(
      'array([      0,  100000,  200000,  300000,  400000,  500000,  600000,\n' +
        '        700000,  800000,  900000, 1000000, 1100000, 1200000, 1300000],\n' +
        '      dtype=int32)',
    );
  });

  it('prints lists of arrays like Python prints a list', () => {
    expect(sym.reprValue([sym.array([18, 37]).astype('float64'), sym.array(91).astype('float64')])).toBe('[array([18., 37.]), array(91.)]');
  });
});
