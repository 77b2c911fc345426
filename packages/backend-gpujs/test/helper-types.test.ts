/**
 * Every helper function is declared to gpu.js as returning a float. gpu.js
 * infers a JavaScript function's return type from its code and typed
 * symBool's `(x !== 0.0 && x === x) ? 1.0 : 0.0` an Integer (acorn reads
 * `1.0` as the integer 1), so `25.0 - symBool(x)` was an Integer too and a
 * helper taking it failed: gpu.js refused the kernel ("Unhandled argument
 * combination of Integer and LiteralInteger") or the shader did not compile
 * ("'symInt' : no matching overloaded function found"). The random-graph
 * fuzzer's seed 67 (float32/int8/uint8/bool leaves) built such a kernel.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import '../src/index.js';

const T = sym.T;
const data = (a: sym.NDArray) => Array.from(a.data as ArrayLike<number>);

describe('helpers of integer-valued results on gpujs', () => {
  it('compose with integer arithmetic, as on the CPU', async () => {
    const x = T.tensor('uint8', [false], 'x');
    const c = T.constant(sym.array(196, { dtype: 'uint8' }));
    const outs = [
      T.sub(25, T.cast(x, 'bool')), // symInt(25.0 - symBool(x)): a shader error before
      T.or(c, T.sub(25, T.cast(x, 'bool'))), // symTruthy(196.0) and symTruthy(an Integer): refused by gpu.js before
      T.max(T.or(c, T.sub(25, T.neq(x, T.get(x, 0))))), // seed 67's reduction
      T.add(T.cast(x, 'bool'), T.cast(T.sub(x, 1), 'bool')),
    ];
    const args = [sym.array([0, 3, 1], { dtype: 'uint8' })];
    const want = (await sym.function([x], outs, { device: 'cpu' })(...args)) as sym.NDArray[];
    const got = (await sym.function([x], outs, { device: 'gpujs' })(...args)) as sym.NDArray[];
    expect(got.map(data)).toEqual(want.map(data));
    expect(want.map(data)).toEqual([[25, 24, 24], [1, 1, 1], [1], [1, 2, 1]]);
  });
});
