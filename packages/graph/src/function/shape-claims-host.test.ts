/**
 * A shape claim on a value computed after an op run on the host (nonzero):
 * the programs are cut at that op (host-stage.ts), so the claim is checked
 * in the stage after it, whether the outputs keep the value or the
 * rewrites folded the claimed length into them (shape-claims-staged.test.ts).
 * Lowered with the first program, it refused every call, naming nonzero.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const MODES = ['FAST_RUN', 'FAST_COMPILE'] as const;

describe('a shape claim after nonzero', () => {
  it.each(MODES)('%s: a length read through the claim is computed (it raised that nonzero runs on the host)', async (mode) => {
    const v = T.dvector('v');
    const nz = T.nonzero(v)[0]!;
    const f = sym.function([v], T.specifyShape(nz.mul(2), [2]).shape[0]!, { mode });
    expect(Number(f.sync([1, 0, 2]))).toBe(2);
    expect(Number(await f([0, 3, 4]))).toBe(2);
  });

  it.each(MODES)('%s: a claim on a value the outputs keep is checked in the stage after nonzero', async (mode) => {
    const v = T.dvector('v');
    const nz = T.nonzero(v)[0]!;
    const f = sym.function([v], [T.specifyShape(nz.mul(2), [2]), T.specifyShape(v.get(nz), [2]).sum()], { mode });
    expect((f.sync([1, 0, 2]) as sym.NDArray[]).map((a) => a.toArray())).toEqual([[0, 4], 3]);
    await expect(f([1, 1, 2])).rejects.toThrow('specifyShape: (nonzero(v)[0] * 2) has shape (3,), but the shape specified is (2,)');
  });
});
