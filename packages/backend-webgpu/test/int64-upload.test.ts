/**
 * int64 host values past 2^53 on their way to the device's two words and
 * back: a double past 2^53 is an integer and packs exactly, and 2^63, which
 * the host keeps for INT64_MAX (the double nearest it), packs as INT64_MAX,
 * not as 2^63's wrapped INT64_MIN. The same for int64 literals in shaders.
 */
import { describe, expect, it } from 'vitest';
import { toDevice } from '../src/dtypes.js';
import { int64Literal } from '../src/int64.js';
import { T, both, sym } from './setup.js';

const words = (v: bigint) => {
  const u = BigInt.asUintN(64, v);
  return [Number(u & 0xffffffffn), Number(u >> 32n)];
};

describe('int64 past 2^53', () => {
  it('packs host values into two words exactly, 2^63 as INT64_MAX', () => {
    const host = new Float64Array([2 ** 60, -(2 ** 60) - 2 ** 40, -(2 ** 63), 2 ** 63, 2 ** 53 + 2, 3 * 2 ** 61]);
    const want = [2n ** 60n, -(2n ** 60n) - 2n ** 40n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 2n, 3n * 2n ** 61n].flatMap(words);
    expect(Array.from(toDevice('int64', host))).toEqual(want);
    expect(int64Literal(2 ** 63)).toBe('I64(4294967295u, 2147483647u)');
    expect(int64Literal(-(2 ** 63))).toBe('I64(0u, 2147483648u)');
  });
  it('computes on them as the CPU does (maximum with 0, max, min, add)', async () => {
    const l = T.lvector('l');
    const big = sym.array([2 ** 60, -(2 ** 61), 2 ** 63, -(2 ** 63)], { dtype: 'int64' });
    const { gpu, ref } = await both([l], [T.maximum(l, 0), T.max(l), T.min(l), l.add(4096)], [big]);
    const values = (a: sym.NDArray[]) => a.map((x) => Array.from(x.data));
    // INT64_MAX + 4096 wraps to INT64_MIN + 4095 (NumPy), the double -2^63 + 4096
    expect(values(ref)).toEqual([[2 ** 60, 0, 2 ** 63, 0], [2 ** 63], [-(2 ** 63)], [2 ** 60 + 4096, -(2 ** 61) + 4096, -(2 ** 63) + 4096, -(2 ** 63) + 4096]]);
    expect(values(gpu)).toEqual(values(ref));
  });
});
