/**
 * chain_constants folds the constants of a product or sum chain into one.
 * Where that one constant overflows to inf or underflows to 0 (or to a
 * subnormal, losing bits) in the graph's dtype, the fold makes values the
 * written graph does not have: `x * 1e200 * 1e200` became `x * inf`, NaN at
 * x = 0 (written: 0) and inf at x = 1e-300 (written: 1e100). The fold is
 * now skipped there; FAST_RUN must agree with FAST_COMPILE (as written) at
 * 0, tiny, huge and infinite x, and the ordinary fold must still happen.
 */
import { describe, expect, it } from 'vitest';
import type { DType, TensorVariable } from '@sym/graph';
import { optimizeGraph } from '../src/index.js';
import { opNames, sym, T } from './helpers.js';

type Float = 'float64' | 'float32';

async function both(dtype: Float, build: (x: TensorVariable) => TensorVariable, xs: number[]) {
  const x = T.vector('x', dtype as DType);
  const y = build(x);
  const arg = sym.array(xs, { dtype });
  const run = async (mode: 'FAST_RUN' | 'FAST_COMPILE') => Array.from((await sym.function([x], y, { mode })(arg)).data as ArrayLike<number>);
  return { fastRun: await run('FAST_RUN'), written: await run('FAST_COMPILE') };
}

const X64 = [0, -0, 1e-300, -1e-300, 1e300, Infinity, -Infinity, 1, 3];
const X32 = [0, -0, 1e-40, 1e-30, 3e38, Infinity, -Infinity, 1, 3];

const CASES: [string, Float, (x: TensorVariable) => TensorVariable, number[]][] = [
  ['x * 1e200 * 1e200 (overflows)', 'float64', (x) => x.mul(1e200).mul(1e200), X64],
  ['x * 1e-200 * 1e-200 (underflows to 0)', 'float64', (x) => x.mul(1e-200).mul(1e-200), X64],
  ['x * 1e-160 * 1e-160 (a subnormal)', 'float64', (x) => x.mul(1e-160).mul(1e-160), X64],
  ['1e200 * (x * -1e200) (overflows to -inf)', 'float64', (x) => T.mul(1e200, x.mul(-1e200)), X64],
  ['x * 1e200 * 1e200 * 0 (inf * 0 is NaN)', 'float64', (x) => x.mul(1e200).mul(1e200).mul(0), X64],
  ['x + 1e308 + 1e308 (overflows)', 'float64', (x) => x.add(1e308).add(1e308), [0, -1e308, -Infinity, Infinity, 1]],
  ['x * 1e30 * 1e30 (float32 overflows at 3.4e38)', 'float32', (x) => x.mul(1e30).mul(1e30), X32],
  ['x * 1e-30 * 1e-30 (float32 underflows)', 'float32', (x) => x.mul(1e-30).mul(1e-30), X32],
  ['x * 1e-20 * 1e-20 (a float32 subnormal)', 'float32', (x) => x.mul(1e-20).mul(1e-20), X32],
  ['x + 3e38 + 3e38 (float32 overflows)', 'float32', (x) => x.add(3e38).add(3e38), [0, -3e38, -Infinity, Infinity, 1]],
];

describe('chain_constants does not fold constants into an inf or a 0 the written graph does not have', () => {
  it.each(CASES)('%s: FAST_RUN as written', async (_name, dtype, build, xs) => {
    const { fastRun, written } = await both(dtype, build, xs);
    // Object.is: NaN equals NaN, 0 and -0 differ
    expect(fastRun.map((v, i) => Object.is(v, written[i]))).toEqual(xs.map(() => true));
  });

  it('x * 1e200 * 1e200 keeps its two constants (no inf in the graph)', () => {
    const x = T.vector('x');
    const r = optimizeGraph([x.mul(1e200).mul(1e200)], 'FAST_RUN');
    expect(r.applied.get('chain_constants')).toBeUndefined();
    expect(opNames(r.outputs[0]!).filter((n) => n.includes('mul'))).toHaveLength(2);
  });

  it('still folds x * 2 * 3 into one multiply by 6, and x * 1e200 * 1e-200 into x * 1', async () => {
    const x = T.vector('x');
    const r = optimizeGraph([x.mul(2).mul(3)], 'FAST_RUN');
    expect(r.applied.get('chain_constants')).toBe(1);
    const out = r.outputs[0]!;
    expect(opNames(out).filter((n) => n.includes('mul'))).toHaveLength(1);
    expect(Array.from((out.owner!.inputs[1] as sym.TensorConstant).value.data)).toEqual([6]);
    const f = sym.function([x], x.mul(2).mul(3));
    expect(Array.from((await f([1, -0.5, 1e300])).data)).toEqual([6, -3, 6e300]);
    // a partial product that overflows but a finite, normal whole still folds (Theano's reassociation, documented)
    expect(optimizeGraph([x.mul(1e200).mul(1e-200)], 'FAST_RUN').applied.get('chain_constants')).toBe(1);
  });

  it('still folds a sum whose constants cancel: x + 1e308 + -1e308 is x + 0', () => {
    const x = T.vector('x');
    const r = optimizeGraph([x.add(1e308).add(-1e308)], 'FAST_RUN');
    expect(r.applied.get('chain_constants')).toBe(1);
    // (x + 0 stays: it is -0 + 0 = +0 at x = -0)
    expect(opNames(r.outputs[0]!)).toEqual(['Elemwise{add,no_inplace}']);
    expect(Array.from((r.outputs[0]!.owner!.inputs[1] as sym.TensorConstant).value.data)).toEqual([0]);
  });

  it('folds where a written constant is already 0 or inf (the written graph has it too)', async () => {
    const x = T.vector('x');
    for (const [y, c] of [[x.mul(0).mul(5), 0], [x.mul(Infinity).mul(2), Infinity], [x.add(Infinity).add(1e308), Infinity]] as const) {
      const r = optimizeGraph([y], 'FAST_RUN');
      expect(r.applied.get('chain_constants')).toBe(1);
      expect(Array.from((r.outputs[0]!.owner!.inputs[1] as sym.TensorConstant).value.data)).toEqual([c]);
    }
  });
});

describe('mul_div_cancel does not multiply the constants it leaves into an inf or a 0', () => {
  it('x * y / 1e-200 / (y * 1e-200): FAST_RUN as written (was x / (1e-200 * 1e-200), inf and NaN)', async () => {
    const [x, y] = [T.vector('x'), T.vector('y')];
    const z = x.mul(y).div(1e-200).div(y.mul(1e-200));
    const args = [[1e-300, 0, 1, -1e-300], [1, 1, 1, 2]];
    const got = async (mode: 'FAST_RUN' | 'FAST_COMPILE') => Array.from((await sym.function([x, y], z, { mode })(...args)).data);
    expect(await got('FAST_RUN')).toEqual(await got('FAST_COMPILE'));
    expect(await got('FAST_COMPILE')).toEqual([1e100, 0, Infinity, -1e100]);
  });

  it('1e200 * (1e200 * x * y / y): the cancelled product keeps its constants apart, FAST_RUN as written at x = 0 and 1e-300', async () => {
    const [x, y] = [T.vector('x'), T.vector('y')];
    const z = T.mul(1e200, T.mul(1e200, x).mul(y).div(y));
    const args = [[0, 1e-300, 1], [1, 1, 1]];
    const got = async (mode: 'FAST_RUN' | 'FAST_COMPILE') => Array.from((await sym.function([x, y], z, { mode })(...args)).data);
    expect(await got('FAST_RUN')).toEqual(await got('FAST_COMPILE'));
  });

  it('still cancels x * y / 2 / (y * 4) to x / 8 (one divide)', () => {
    const [x, y] = [T.vector('x'), T.vector('y')];
    const r = optimizeGraph([x.mul(y).div(2).div(y.mul(4))], 'FAST_RUN');
    expect(r.applied.get('mul_div_cancel')).toBeGreaterThan(0);
    const nodes = sym.toposort([r.outputs[0]!]);
    expect(nodes.flatMap((n) => n.inputs).includes(y)).toBe(false);
    expect(nodes.map((n) => n.op.toString())).toContain('Elemwise{true_div,no_inplace}');
  });
});
