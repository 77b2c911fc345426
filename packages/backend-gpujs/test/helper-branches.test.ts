/**
 * Every helper chooses by selects, not branches: one `return`, no `if`, and
 * each ternary's arms are names or literals. A gather fused into a reduction (BackendInfo.gathers.inReductions) puts
 * its index arithmetic (casts, clamps, floor division) in the reduce loop's
 * body, and Chromium's WebGL2 on SwiftShader compiles a loop body in time
 * exponential in the branches it holds: each early `return` or ternary of
 * computed arms is one. With the helpers written with early returns, a
 * padded max-pool's fused kernel (about 40 such calls per element) had not
 * compiled after 5 minutes; the GPU watchdog lost the WebGL context and the
 * pool read zeros. Measured in Chromium: a loop summing n calls of
 * symTrunc64 with an early return took 0.4, 0.8, 2.6 and 11 s for n = 16, 18,
 * 20 and 22; written as selects, 0.6 s for 22 and 2.6 s for 80. The same
 * holds for any elementwise helper fused into a reduction's loop (exp,
 * tanh, log, ...): 16 early-return symExp calls in a loop took 0.9 s there.
 */
import { describe, expect, it } from 'vitest';
import { HELPER_NAMES, HELPER_SOURCES } from '../src/helpers.js';

/** The helpers a gather's index and bounds test call: casts to integers, clip/maximum/minimum, floor division, modulo, truth tests. */
const INDEX_HELPERS = ['symTruthy', 'symBool', 'symInt', 'symTrunc64', 'symMax', 'symMin', 'symClip', 'symIntDiv', 'symIntMod'];

function source(name: string): string {
  const src = HELPER_SOURCES.find((s) => s.startsWith(`function ${name}(`));
  if (!src) throw new Error(`no helper ${name}`);
  return src;
}

/** A name, or a number literal (a minus sign and an exponent allowed): what a ternary's arm may be. */
const NAME_OR_LITERAL = /^(?:[A-Za-z_]\w*|-?\d[\d.]*(?:e[-+]?\d+)?)$/;

describe('helpers', () => {
  it('the index helpers are among the helpers checked', () => {
    expect(HELPER_SOURCES).toHaveLength(HELPER_NAMES.length);
    for (const name of INDEX_HELPERS) expect(HELPER_NAMES).toContain(name);
  });

  it.each([...HELPER_NAMES])('%s has no branch: one return, no if, ternaries of names or literals', (name) => {
    const src = source(name);
    expect(src.match(/\breturn\b/g)).toHaveLength(1);
    expect(src).not.toMatch(/\bif\s*\(/);
    // every ternary chooses between a name or a literal (computed arms compile to branches)
    for (const m of src.matchAll(/\?\s*([^:;]+?)\s*:\s*([^;)]+?)\s*[;)]/g)) {
      expect(m[1]).toMatch(NAME_OR_LITERAL);
      expect(m[2]).toMatch(NAME_OR_LITERAL);
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

  // NumPy float32 values (np.exp, np.tanh, ..., scipy.special.expit, np.logaddexp(0, x), np.power, np.fmod, np.mod,
  // np.floor_divide), written in. The helpers run here as JavaScript (float64) and are rounded to float32; the inputs
  // are the special values each helper's selects decide on: NaN, +-inf, +-0, overflow past the thresholds, domain edges
  const all = new Function(`${HELPER_SOURCES.join('\n')}; return {${HELPER_NAMES.join(', ')}};`)() as Record<string, (...a: number[]) => number>;
  const run = (name: string, args: readonly (readonly number[])[]) => args.map((a) => Math.fround(all[name]!(...a)));
  const I = Infinity;
  const N = NaN;
  const PI_2 = 1.5707963705062866;
  const unary: [string, number[], number[]][] = [
    ['symExp', [N, I, -I, 0, -0, 1000], [N, I, 0, 1, 1, I]],
    ['symTanh', [N, I, -I, 0, -0, 20, -20], [N, 1, -1, 0, -0, 1, -1]],
    ['symSinh', [N, I, -I, 0, -0, 1000, -1000], [N, I, -I, 0, -0, I, -I]],
    ['symCosh', [N, I, -I, 0, -0, 1000], [N, I, I, 1, 1, I]],
    ['symLog', [N, I, -I, 0, -0, -1, 1], [N, I, N, -I, -I, N, 0]],
    ['symLog1p', [N, I, -1, -2, 0, -0], [N, I, -I, N, 0, -0]],
    ['symExpm1', [N, I, -I, 0, -0, 1000], [N, I, -1, 0, -0, I]],
    ['symSin', [N, I, 0, -0], [N, N, 0, -0]],
    ['symCos', [N, I, 0, -0], [N, N, 1, 1]],
    ['symTan', [N, I, 0, -0], [N, N, 0, -0]],
    ['symSigmoid', [N, I, -I, 0, 100, -1000], [N, 1, 0, 0.5, 1, 0]],
    ['symSoftplus', [N, I, -I, 0, -1000], [N, I, 0, 0.6931471824645996, 0]],
    ['symRelu', [N, I, -I, -0, -3, 2], [N, I, 0, 0, 0, 2]],
    ['symSign', [N, I, -I, 0, -0, -3], [N, 1, -1, 0, 0, -1]],
    ['symRound', [N, I, -I, 0.5, 1.5, 2.5, -1.5, -2.5, 0.49999997, 8388609], [N, I, -I, 0, 2, 2, -2, -2, 0, 8388609]],
    ['symAtan', [N, I, -I, 0, -0], [N, PI_2, -PI_2, 0, -0]],
    ['symAsin', [N, 2, -2, 0, -0, 1, -1], [N, N, N, 0, -0, PI_2, -PI_2]],
    ['symAcos', [N, 2, -2, 1, -1, 0], [N, N, N, 0, 3.1415927410125732, PI_2]],
  ];
  it.each(unary)('%s keeps NumPy special values', (name, xs, want) => {
    expect(run(name, xs.map((x) => [x]))).toEqual(want);
  });

  it('symPow keeps C99/NumPy pow special values (zero and infinite bases, NaN, -1 to infinity, negative bases)', () => {
    const pairs = [[0, -1], [-0, -1], [0, -2], [-0, -2], [0, 2], [I, 2], [I, -1], [-I, 3], [-I, 2], [-I, -2], [1, N], [N, 0], [-1, I], [-1, -I], [-2, 0.5], [N, 1], [2, N], [-2, 3], [-2, -2], [10, 2], [2, -1]];
    expect(run('symPow', pairs)).toEqual([I, -I, I, I, 0, I, 0, -I, I, 0, 1, 1, 1, 1, N, N, N, -8, 0.25, 100, 0.5]);
  });

  it('symFmod, symFloatMod and symFloatDiv keep np.fmod, np.mod and np.floor_divide special values', () => {
    const pairs = [[5, 0], [N, 2], [2, N], [I, 2], [3, I], [-3, I], [7, 2], [-7, 2], [7, -2], [-7, -2], [5.5, 2]];
    expect(run('symFmod', pairs)).toEqual([N, N, N, N, 3, -3, 1, -1, 1, -1, 1.5]);
    expect(run('symFloatMod', pairs)).toEqual([N, N, N, N, 3, I, 1, 1, -1, -1, 1.5]);
    expect(run('symFloatDiv', [...pairs, [1, 0], [-1, 0], [0, 0]])).toEqual([I, N, N, N, 0, -1, 3, -4, -4, 3, 2, I, -I, N]);
  });

  it('symRound, symPow, symFmod, symFloatMod and symFloatDiv give a zero the sign NumPy gives it (Object.is)', () => {
    const Z = -0;
    // np.round, np.power, np.fmod, np.mod, np.floor_divide of float32
    expect(run('symRound', [[-0.5], [-0.4], [Z], [0.4], [0.5], [-1e-10], [-2.5]])).toEqual([Z, Z, Z, 0, 0, Z, -2]);
    expect(run('symPow', [[Z, 3], [Z, 2], [0, 3], [Z, -3], [Z, 0.5], [-I, -3], [-I, -2], [Z, 1]])).toEqual([Z, 0, 0, -I, 0, Z, 0, Z]);
    const pairs = [[0, -2], [Z, 2], [4, -2], [-4, 2], [Z, -2], [0, 2], [Z, I], [0, -I], [3, -I], [-7, 2]];
    expect(run('symFmod', pairs)).toEqual([0, Z, 0, Z, Z, 0, Z, 0, 3, -1]);
    expect(run('symFloatMod', pairs)).toEqual([Z, 0, Z, 0, Z, 0, 0, Z, -I, 1]);
    expect(run('symFloatDiv', pairs)).toEqual([Z, Z, -2, -2, 0, 0, Z, Z, -1, -4]);
  });

  it('the literal-zero helpers and the integer power and bitwise helpers keep their values', () => {
    expect(run('symDivZero', [[3, 1], [3, -1], [-3, 1], [0, 1], [N, 1]])).toEqual([I, -I, -I, N, N]);
    expect(run('symZeroDiv', [[0], [N], [I], [-2]])).toEqual([N, N, 0, 0]);
    expect(run('symMulZero', [[I], [-I], [N], [5]])).toEqual([N, N, N, 0]);
    // np.subtract: inf - inf and NaN - NaN are NaN, inf - 1 and inf - (-inf) inf
    expect(run('symSub', [[I, I], [N, N], [N, 1], [1, N], [3, 1], [I, 1], [I, -I], [-2, -2]])).toEqual([N, N, N, N, 2, I, I, 0]);
    // np.power of int16 modulo 2^16 (7^9 is -16569, (-2)^15 -32768); negative exponents of 1, -1 and 2
    expect(run('symPowWrap', [[3, 5], [7, 9], [-2, 15], [2, 16], [255, 3], [1, -1], [-1, -1], [-1, -2], [2, -1]])).toEqual([243, 48967, 32768, 0, 767, 1, -1, 1, 0]);
    // np.bitwise_and/or/xor
    expect(run('symBitwise', [[-5, 12, 0], [-5, 12, 1], [-5, 12, 2], [16777215, -16777216, 0], [-1, 12345, 2]])).toEqual([8, -1, -9, 0, -12346]);
  });
});
