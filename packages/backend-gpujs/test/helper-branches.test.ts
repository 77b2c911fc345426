/**
 * The helpers that index arithmetic calls choose by selects, not branches:
 * one `return` of a ternary whose arms are names or literals, no `if`.
 * A gather fused into a reduction (BackendInfo.gathers.inReductions) puts
 * its index arithmetic (casts, clamps, floor division) in the reduce loop's
 * body, and Chromium's WebGL2 on SwiftShader compiles a loop body in time
 * exponential in the branches it holds: each early `return` or ternary of
 * computed arms is one. With the helpers written with early returns, a
 * padded max-pool's fused kernel (about 40 such calls per element) had not
 * compiled after 5 minutes; the GPU watchdog lost the WebGL context and the
 * pool read zeros. Measured in Chromium: a loop summing n calls of
 * symTrunc64 with an early return took 0.4, 0.8, 2.6 and 11 s for n = 16, 18,
 * 20 and 22; written as selects, 0.6 s for 22 and 2.6 s for 80.
 */
import { describe, expect, it } from 'vitest';
import { HELPER_SOURCES } from '../src/helpers.js';

/** The helpers a gather's index and bounds test call: casts to integers, clip/maximum/minimum, floor division, modulo, truth tests. */
const INDEX_HELPERS = ['symTruthy', 'symBool', 'symInt', 'symTrunc64', 'symMax', 'symMin', 'symClip', 'symIntDiv', 'symIntMod'];

function source(name: string): string {
  const src = HELPER_SOURCES.find((s) => s.startsWith(`function ${name}(`));
  if (!src) throw new Error(`no helper ${name}`);
  return src;
}

describe('helpers of index arithmetic', () => {
  it.each(INDEX_HELPERS)('%s has no branch: one return, no if', (name) => {
    const src = source(name);
    expect(src.match(/\breturn\b/g)).toHaveLength(1);
    expect(src).not.toMatch(/\bif\s*\(/);
    // every ternary chooses between a name or a literal (computed arms compile to branches)
    for (const m of src.matchAll(/\?\s*([^:;]+?)\s*:\s*([^;)]+?)\s*[;)]/g)) {
      expect(m[1]).toMatch(/^[\w.]+$/);
      expect(m[2]).toMatch(/^[\w.]+$/);
    }
  });

  it('keep NumPy semantics where the branches were: NaN, zeros and division by zero (the sources run as JavaScript)', () => {
    const fn = (name: string) => new Function(`${source(name)}; return ${name};`)() as (...a: number[]) => number;
    const max = fn('symMax');
    const min = fn('symMin');
    expect([max(NaN, 1), max(1, NaN), max(2, 1), max(1, 2), min(NaN, 1), min(1, NaN), min(2, 1)]).toEqual([NaN, NaN, 2, 2, NaN, NaN, 1]);
    const trunc = fn('symTrunc64');
    expect([trunc(NaN), trunc(2e30), trunc(-2.7), trunc(-0.5)]).toEqual([0, 0, -2, 0]);
    expect(Object.is(trunc(-0.5), 0)).toBe(true);
    const int = fn('symInt');
    expect([int(NaN, 256, 128), int(300, 256, 128), int(-129, 256, 128), int(255.9, 256, 0)]).toEqual([0, 44, 127, 255]);
    // symIntDiv and symIntMod call each other: define both in one scope
    const [div, mod] = new Function(`${source('symIntDiv')}; ${source('symIntMod')}; return [symIntDiv, symIntMod];`)() as ((a: number, b: number) => number)[];
    const pairs = [[7, 2], [-7, 2], [7, -2], [-7, -2], [6, 3], [-6, 3], [6, -3], [0, 5], [5, 0], [-5, 0]] as const;
    // NumPy: np.floor_divide and np.mod of int32 (a zero divisor gives 0 in both)
    expect(pairs.map(([a, b]) => div(a, b))).toEqual([3, -4, -4, 3, 2, -2, -2, 0, 0, 0]);
    expect(pairs.map(([a, b]) => mod(a, b))).toEqual([1, 1, -1, -1, 0, 0, 0, 0, 0, 0]);
  });
});
