/** The accuracy cases' references are NumPy's numbers, and each case tells a right answer from the wrong ones it targets. */
import { describe, expect, it } from 'vitest';
import type { NDArray } from '@sym/graph';
import { assertArrayClose } from '../compare.js';
import { evaluateReference } from '../reference.js';
import { caseRng } from '../rng.js';
import { defaultTolerance, flushingTolerance } from '../tolerance.js';
import type { OpCase } from '../case.js';
import { accuracyCases } from './special.js';

const cases = accuracyCases(['float32', 'float64', 'int32']);

function find(prefix: string): OpCase {
  const c = cases.find((k) => k.name.startsWith(prefix));
  if (!c) throw new Error(`no case ${prefix}`);
  return c;
}

function reference(c: OpCase): { values: NDArray[]; expected: NDArray } {
  const values = c.graph.values(caseRng(1, c.name));
  const expected = evaluateReference(c.graph.outputs, new Map(c.graph.inputs.map((v, i) => [v, values[i]!])))[0]!;
  return { values, expected };
}

/** Whether `wrong` (the expected values with some replaced) passes the case's comparison under `tolerance`. */
function passes(c: OpCase, wrong: number[], tolerance = defaultTolerance): boolean {
  const { expected } = reference(c);
  const actual = expected.copy();
  actual.data.set(wrong);
  try {
    assertArrayClose(actual, expected, c.name, { tolerance: tolerance(c.op, c.graph.outputs[0]!.dtype) });
    return true;
  } catch {
    return false;
  }
}

describe('accuracy cases', () => {
  it('exist for float32 and float64 only, subnormal ones in float32 only', () => {
    expect(cases.every((c) => c.dtype === 'float32' || c.dtype === 'float64')).toBe(true);
    expect(cases.filter((c) => /subnormal/.test(c.name)).map((c) => `${c.op} ${c.dtype}`)).toEqual(['log float32', 'exp float32', 'sigmoid float32']);
    expect(cases.filter((c) => c.dtype === 'float64').map((c) => c.op)).toEqual(['log1p', 'expm1', 'tanh', 'pow']);
  });

  it('log of subnormal inputs: NumPy float32 values, and neither -88 (unnormalised bits) nor -inf (a flushed input) passes', () => {
    const c = find('log float32: subnormal inputs');
    const { expected } = reference(c);
    // np.log(np.float32([1e-45, 1e-40, 3e-39]))
    expect([...expected.data].slice(1, 4)).toEqual([-103.2789306640625, -92.10340881347656, -88.70220947265625]);
    const data = [...expected.data];
    expect(passes(c, data)).toBe(true);
    expect(passes(c, data.map((v, i) => (i === 2 ? -88.02122 : v)))).toBe(false);
    expect(passes(c, data.map((v, i) => (i === 2 ? -Infinity : v)), flushingTolerance)).toBe(false);
  });

  it('exp of subnormal results, times 2^126: NumPy float32 values, and a flushed 0 fails even under the flushing tolerance', () => {
    const c = find('exp float32: subnormal results');
    const { values, expected } = reference(c);
    // np.exp(np.float32([-88, -100, -103.9])) * 2**126
    const at = (x: number) => [...values[0]!.data].indexOf(Math.fround(x));
    expect(expected.data[at(-88)]).toBe(6.054601485195952e-39 * 2 ** 126);
    expect(expected.data[at(-100)]).toBe(3.783505853677006e-44 * 2 ** 126);
    expect(expected.data[at(-103.9)]).toBe(1.401298464324817e-45 * 2 ** 126);
    const data = [...expected.data];
    expect(passes(c, data.map((v, i) => (i === at(-100) ? 0 : v)), flushingTolerance)).toBe(false);
  });

  it('small arguments: scaled results near 1, so that an error of 1e-4 relative fails where atol 1e-6 alone would take it', () => {
    for (const op of ['log1p', 'expm1', 'tanh']) {
      const c = find(`${op} float32: relative accuracy`);
      const { values, expected } = reference(c);
      for (const v of expected.data) expect(Math.abs(v)).toBeGreaterThanOrEqual(0.5);
      for (const v of expected.data) expect(Math.abs(v)).toBeLessThan(2);
      // tanh(1e-10) = 2.98e-8 (a GPU builtin's) times the scale of 1e-10
      const i = [...values[0]!.data].indexOf(Math.fround(1e-10));
      const wrong = [...expected.data];
      wrong[i] = Math.fround(2.98e-8) * values[1]!.data[i]!;
      expect(passes(c, wrong)).toBe(false);
      const slightly = [...expected.data].map((v) => v * (1 + 1e-4));
      expect(passes(c, slightly)).toBe(false);
    }
  });

  it('exact powers: the reference says every one is exact, in float32 and float64', () => {
    for (const dtype of ['float32', 'float64']) {
      const { expected } = reference(find(`pow ${dtype}: integer powers`));
      expect(expected.dtype).toBe('bool');
      expect([...expected.data].every((v) => v === 1)).toBe(true);
    }
  });
});
