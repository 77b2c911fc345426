/**
 * A join of many pieces is a tree of joins of at most JOIN_FAN_IN pieces.
 * One kernel reading 300 pieces nested 300 clamped reads in one
 * expression, whose WGSL lavapipe took 24-34 s to compile; the tree's
 * kernels are small and mostly alike (0.9-2.2 s for the whole call).
 */
import { describe, expect, it } from 'vitest';
import { JOIN_FAN_IN } from '../src/ops/join.js';
import { sym, T } from './helpers.js';

/** The scheduled program of `outputs` over vectors of `lengths`. */
function program(inputs: sym.TensorVariable[], lengths: readonly number[], output: sym.TensorVariable): sym.Program {
  return sym.schedule({ inputs, inputShapes: lengths.map((n) => [n]), outputs: [output] });
}

describe('a join of many pieces', () => {
  it('of 300 vectors is 22 kernels of at most 16 pieces each (19 groups, 2, 1), not one of 300', async () => {
    const n = 300;
    const lengths = Array.from({ length: n }, (_, i) => 1 + (i % 3));
    const xs = lengths.map((_, i) => T.fvector(`x${i}`));
    const p = program(xs, lengths, T.concatenate(xs));
    expect(JOIN_FAN_IN).toBe(16);
    expect(p.steps).toHaveLength(19 + 2 + 1);
    // each kernel reads its pieces and the buffer of its own positions (0, 1, 2, ...)
    for (const s of p.steps) expect(s.inputs.length).toBeLessThanOrEqual(JOIN_FAN_IN + 1);
    const args = lengths.map((len, i) => Float32Array.from({ length: len }, (_, k) => i + k / 4));
    const got = (await sym.function(xs, T.concatenate(xs))(...args)) as sym.NDArray;
    expect(Array.from(got.data)).toEqual(args.flatMap((a) => Array.from(a)));
  });

  it('of 16 pieces is still one kernel', () => {
    const xs = Array.from({ length: JOIN_FAN_IN }, (_, i) => T.fvector(`x${i}`));
    expect(program(xs, xs.map(() => 2), T.concatenate(xs)).steps).toHaveLength(1);
  });

  it('of 40 matrices along axis 1, of mixed dtypes with empty pieces among them, gives NumPy values in the promoted dtype', async () => {
    const n = 40;
    const widths = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : 1 + (i % 2)));
    const xs = widths.map((_, i) => (i % 5 === 0 ? T.imatrix(`m${i}`) : T.fmatrix(`m${i}`)));
    const y = T.concatenate(xs, 1);
    expect(y.dtype).toBe('float64');
    const args = widths.map((w, i) => sym.array(Array.from({ length: 2 }, (_, r) => Array.from({ length: w }, (_, c) => i * 10 + r + c / 2 + (i % 5 === 0 ? 0.5 : 0)).map((v) => (i % 5 === 0 ? Math.floor(v) : v))), { dtype: i % 5 === 0 ? 'int32' : 'float32', shape: [2, w] }));
    const got = (await sym.function(xs, y)(...args)) as sym.NDArray;
    const want = [0, 1].map((r) => args.flatMap((a) => Array.from(a.data.slice(r * a.shape[1]!, (r + 1) * a.shape[1]!)).map(Number)));
    expect(got.toArray()).toEqual(want);
  });
});
