/** The ieee group's tables are NumPy 2.4's values, and the reference `perform` gives every one of them, bit for bit. */
import { describe, expect, it } from 'vitest';
import { DTYPES, array } from '@sym/graph';
import { assertArrayClose } from '../compare.js';
import { evaluateReference } from '../reference.js';
import { EXACT } from '../tolerance.js';
import { conformanceCases } from '../suite.js';
import { ieeeCases, ieeeTables } from './ieee-edges.js';
import { edgeCase, edgeNumpy, edgeValues } from './ieee-table.js';

describe('ieee tables', () => {
  const tables = ieeeTables();

  it('give the reference the NumPy values, bit for bit (NaN for NaN, the sign of every zero)', () => {
    for (const t of tables) {
      for (const d of t.dtypes) {
        const c = edgeCase(t, d);
        const values = edgeValues(t, d);
        const got = evaluateReference(c.graph.outputs, new Map(c.graph.inputs.map((v, i) => [v, values[i]!])));
        const numpy = edgeNumpy(t, d);
        expect(numpy.length, c.name).toBe(c.graph.outputs.length);
        got.forEach((g, i) => {
          const want = array([...numpy[i]!], { dtype: c.graph.outputs[i]!.dtype, shape: [...g.shape] });
          assertArrayClose(g, want, `${c.name}: ${c.graph.labels![i]}`, { tolerance: EXACT, signedZeros: true });
        });
      }
    }
  });

  it('are cases of the ieee group, compared bit for bit, each named once', () => {
    const cases = ieeeCases(DTYPES);
    expect(cases.length).toBe(tables.reduce((n, t) => n + t.dtypes.length, 0));
    expect(cases.every((c) => c.group === 'ieee' && c.bitwise === true && c.name.startsWith('ieee: '))).toBe(true);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    // every backend running the suite gets them
    expect(conformanceCases(DTYPES).cases.filter((c) => c.group === 'ieee').length).toBe(cases.length);
  });

  it('leave the float64 tables to backends holding float64, and those mixing int8 and int32 to backends holding both', () => {
    // (np.var's count is an int64 in the graph)
    const f32 = conformanceCases(['bool', 'int8', 'int16', 'int64', 'float32'], ['ieee']);
    expect(f32.cases.some((c) => c.dtype === 'float64')).toBe(false);
    expect(f32.cases.some((c) => c.name.startsWith('ieee: x - x') && c.dtype === 'float32')).toBe(true);
    expect(f32.unfit.map((c) => c.name)).toEqual(['ieee: integer zeros (int8, and int32 within ±2^24) convert to +0.0 (float32)']);
  });
});
