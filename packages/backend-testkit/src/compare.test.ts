import { describe, expect, it } from 'vitest';
import { array } from '@sym/graph';
import { assertArrayClose, indexString } from './compare.js';
import { EXACT, ZERO_SIGN_UNSPECIFIED, defaultTolerance, flushingTolerance } from './tolerance.js';

const f64 = (v: number[]) => array(v, { dtype: 'float64' });

describe('assertArrayClose', () => {
  it('accepts equal arrays, NaN against NaN and equal infinities', () => {
    expect(() => assertArrayClose(f64([1, NaN, Infinity, -0]), f64([1, NaN, Infinity, -0]), 'x', { tolerance: EXACT })).not.toThrow();
  });

  it('names the label, the index, both values and the reason', () => {
    const a = array([[1, 2], [3, 4]], { dtype: 'float32' });
    const e = array([[1, 2], [3, 5]], { dtype: 'float32' });
    expect(() => assertArrayClose(a, e, 'add float32', { tolerance: EXACT })).toThrow(
      /add float32: 1 of 4 elements \(float32, shape \(2, 2\)\) differ from the reference:\n {2}at \[1, 1\]: got 4, expected 5/,
    );
  });

  it('tells NaN, infinities and the sign of zero apart', () => {
    expect(() => assertArrayClose(f64([1]), f64([NaN]), 'x', { tolerance: EXACT })).toThrow(/expected NaN/);
    expect(() => assertArrayClose(f64([NaN]), f64([1]), 'x', { tolerance: { rtol: 1, atol: 1 } })).toThrow(/got NaN/);
    expect(() => assertArrayClose(f64([1e308]), f64([Infinity]), 'x', { tolerance: { rtol: 1, atol: 1 } })).toThrow(/infinities differ/);
    expect(() => assertArrayClose(f64([0]), f64([-0]), 'x', { tolerance: EXACT })).toThrow(/sign of zero/);
    expect(() => assertArrayClose(f64([0]), f64([-0]), 'x', { tolerance: EXACT, signedZeros: false })).not.toThrow();
    expect(() => assertArrayClose(array([0], { dtype: 'int64' }), array([-0], { dtype: 'int64' }), 'x', { tolerance: EXACT })).not.toThrow();
  });

  it('applies atol + rtol * |expected|', () => {
    const tol = { rtol: 1e-3, atol: 1e-6 };
    expect(() => assertArrayClose(f64([1000.9]), f64([1000]), 'x', { tolerance: tol })).not.toThrow();
    expect(() => assertArrayClose(f64([1001.1]), f64([1000]), 'x', { tolerance: tol })).toThrow(/rtol 0.001/);
  });

  it('refuses another dtype or shape', () => {
    expect(() => assertArrayClose(array([1], { dtype: 'float32' }), f64([1]), 'x', { tolerance: EXACT })).toThrow(/dtype float32, expected float64/);
    expect(() => assertArrayClose(f64([1, 2]), array([[1, 2]], { dtype: 'float64' }), 'x', { tolerance: EXACT })).toThrow(/shape \(2,\), expected \(1, 2\)/);
  });

  it('formats flat indices as multi-indices', () => {
    expect(indexString(7, [2, 2, 3])).toBe('[1, 0, 1]');
  });
});

describe('defaultTolerance', () => {
  it('is exact for integers, booleans and once-rounded float ops, loose for float32 transcendentals', () => {
    expect(defaultTolerance('exp', 'int32')).toEqual(EXACT);
    expect(defaultTolerance('add', 'float32')).toEqual(EXACT);
    expect(defaultTolerance('eq', 'bool')).toEqual(EXACT);
    expect(defaultTolerance('exp', 'float32').rtol).toBeGreaterThan(defaultTolerance('exp', 'float64').rtol);
    expect(defaultTolerance('sum', 'float32').atol).toBeGreaterThan(0);
    expect(ZERO_SIGN_UNSPECIFIED.has('maximum')).toBe(true);
  });

  it('flushingTolerance lets float32 results flush from the subnormal range to zero, and changes nothing else', () => {
    expect(flushingTolerance('truediv', 'float32')).toEqual({ rtol: defaultTolerance('truediv', 'float32').rtol, atol: 2 ** -126 });
    expect(flushingTolerance('exp', 'float64')).toEqual(defaultTolerance('exp', 'float64'));
    expect(flushingTolerance('add', 'int16')).toEqual(EXACT);
  });
});
