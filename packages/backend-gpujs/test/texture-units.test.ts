/**
 * Kernels of more than 15 texture arguments. gpu.js binds its own new
 * output texture on texture unit 15 after a kernel's arguments, whenever the
 * kernel's last result is still held: a kernel's argument 15 then read the
 * kernel's own output (the join of a 16-piece concatenate gave piece 14 as
 * 7, 8, 10.5 instead of 14.5, 13, 16 once an earlier function sharing the
 * join kernel held its result). Such kernels take a placeholder on unit 15
 * (`units.ts`), and kernels needing more units than the context has are
 * refused instead of reading wrong values.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { gpujs } from '../src/index.js';
import { GPUJS_OWN_UNIT, guardUnitArgs, guardUnitSource, unitsUsed } from '../src/units.js';

const T = sym.T;
type Vec = ReturnType<typeof T.fvector>;
const data = (a: sym.NDArray) => Array.from(a.data as ArrayLike<number>);
const X = [0.5, -1, 2];
const xs = () => sym.array(X, { dtype: 'float32' });
/** concatenate of `n` pieces piece(x, i): the join kernel reads n + 1 textures (the index input and the pieces). */
const joined = (n: number, piece: (x: Vec, i: number) => Vec) => {
  const x = T.fvector('x');
  return sym.function([x], T.concatenate(Array.from({ length: n }, (_, i) => piece(x, i))), { mode: 'FAST_COMPILE', device: 'gpujs' });
};
const want = (n: number, piece: (v: number, i: number) => number) => Array.from({ length: 3 * n }, (_, k) => Math.fround(piece(X[k % 3]!, Math.floor(k / 3))));

describe('gpujs kernels of many texture inputs', () => {
  it('read every input of a join after another function held the shared join kernel result', async () => {
    const first = joined(16, (x, i) => x.mul(i + 1));
    const held = (await first(xs())) as sym.NDArray;
    const second = joined(16, (x, i) => x.add(i));
    expect(data((await second(xs())) as sym.NDArray)).toEqual(want(16, (v, i) => v + i));
    expect(data(held)).toEqual(want(16, (v, i) => v * (i + 1)));
    // the first function again, its join kernel's last result held by the second's
    expect(data((await first(xs())) as sym.NDArray)).toEqual(want(16, (v, i) => v * (i + 1)));
  });

  it('read every input of 15, 16 and 17 piece joins, each run twice', async () => {
    for (const n of [14, 15, 16, 17, 24]) {
      const f = joined(n, (x, i) => x.sub(i));
      const a = (await f(xs())) as sym.NDArray;
      const b = (await f(xs())) as sym.NDArray;
      expect(data(a), `${n} pieces`).toEqual(want(n, (v, i) => v - i));
      expect(data(b), `${n} pieces, again`).toEqual(want(n, (v, i) => v - i));
    }
  });

  it('refuses a kernel needing more texture units than the context has, and runs the largest that fits', async () => {
    // llvmpipe: 32 units, one kept for gpu.js's own textures: 31 inputs, a 30-piece join
    const most = gpujs.maxKernelInputs();
    expect(most).toBeGreaterThan(GPUJS_OWN_UNIT + 1);
    const fits = joined(most - 1, (x, i) => x.add(i));
    expect(data((await fits(xs())) as sym.NDArray)).toEqual(want(most - 1, (v, i) => v + i));
    expect(data((await fits(xs())) as sym.NDArray)).toEqual(want(most - 1, (v, i) => v + i));
    const tooMany = new RegExp(`reads ${most + 1} inputs, beyond the ${most} textures .*MAX_TEXTURE_IMAGE_UNITS ${most + 1}`);
    await expect(async () => {
      const g = joined(most, (x, i) => x.add(i));
      await g(xs());
    }).rejects.toThrow(tooMany);
  });

  it('puts the placeholder at position 15 of sources and arguments past 15', () => {
    const params = (n: number) => Array.from({ length: n }, (_, i) => `in${i}`);
    const src = (n: number) => `function (${params(n).join(', ')}) {\nreturn in0[this.thread.x];\n}`;
    expect(guardUnitSource(src(15), 15)).toBe(src(15));
    const guarded = guardUnitSource(src(17), 17);
    expect(guarded).toBe(`function (${[...params(15), 'symUnitGuard', 'in15', 'in16'].join(', ')}) {\nreturn in0[this.thread.x];\n}`);
    expect(() => guardUnitSource(src(16), 17)).toThrow(/expected a kernel of 17 parameters, got 16/);
    expect(guardUnitArgs(params(15), () => 'p')).toEqual(params(15));
    const args = guardUnitArgs(params(16), () => 'p');
    expect(args[GPUJS_OWN_UNIT]).toBe('p');
    expect(args.slice(GPUJS_OWN_UNIT + 1)).toEqual(['in15']);
    expect([unitsUsed(15), unitsUsed(16), unitsUsed(31)]).toEqual([15, 17, 32]);
  });
});
