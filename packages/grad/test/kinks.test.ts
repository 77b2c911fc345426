import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad } from '../src/index.js';

const T = sym.T;

async function grads(cost: (...xs: sym.TensorVariable[]) => sym.TensorVariable, values: number[][]): Promise<number[][]> {
  const xs = values.map((_, i) => T.dvector(`x${i}`));
  const gs = grad(cost(...xs), xs, { disconnectedInputs: 'ignore' });
  const out = await sym.function(xs, gs)(...values);
  return out.map((a) => a.toArray() as number[]);
}

describe('ties and kinks follow Theano', () => {
  it('maximum and minimum send the whole gradient to the first argument at a tie', async () => {
    expect(await grads((x, y) => T.maximum(x, y).sum(), [[1, 2, 3], [1, 5, 0]])).toEqual([[1, 0, 1], [0, 1, 0]]);
    expect(await grads((x, y) => T.minimum(x, y).sum(), [[1, 2, 3], [1, 5, 0]])).toEqual([[1, 1, 0], [0, 0, 1]]);
  });

  it('abs and relu have derivative 0 at 0; sign is flat', async () => {
    expect(await grads((x) => T.abs(x).sum(), [[-2, 0, 3]])).toEqual([[-1, 0, 1]]);
    expect(await grads((x) => T.relu(x).sum(), [[-2, 0, 3]])).toEqual([[0, 0, 1]]);
    expect(await grads((x) => T.sgn(x).sum(), [[-2, 0, 3]])).toEqual([[0, 0, 0]]);
  });

  it('clip passes the gradient on [lo, hi] boundaries included, and to the bound that is active outside', async () => {
    const [gx, glo, ghi] = await grads((x, lo, hi) => T.clip(x, lo, hi).sum(), [
      [-2, -1, 0, 1, 2],
      [-1, -1, -1, -1, -1],
      [1, 1, 1, 1, 1],
    ]);
    expect(gx).toEqual([0, 1, 1, 1, 0]);
    expect(glo).toEqual([1, 0, 0, 0, 0]);
    expect(ghi).toEqual([0, 0, 0, 0, 1]);
  });

  it("clip with lo > hi is hi (NumPy's minimum(maximum(x, lo), hi)): hi gets the whole gradient, x and lo none", async () => {
    const [gx, glo, ghi] = await grads((x, lo, hi) => T.clip(x, lo, hi).sum(), [
      [-2, 0.5, 2],
      [1, 1, 1],
      [0, 0, 0],
    ]);
    expect(gx).toEqual([0, 0, 0]);
    expect(glo).toEqual([0, 0, 0]);
    expect(ghi).toEqual([1, 1, 1]);
  });

  it('switch routes the gradient by its condition; the condition gets zero, not an error', async () => {
    const [gc, ga, gb] = await grads((c, a, b) => T.switch_(c.gt(0), a.mul(2), b.mul(3)).sum(), [
      [1, -1, 2],
      [5, 5, 5],
      [7, 7, 7],
    ]);
    expect(gc).toEqual([0, 0, 0]);
    expect(ga).toEqual([2, 0, 2]);
    expect(gb).toEqual([0, 3, 0]);
  });

  it('the max reduction sends the gradient to every element equal to the maximum; argmax has zero gradient', async () => {
    expect(await grads((x) => T.max(x), [[1, 3, 3, 0]])).toEqual([[0, 1, 1, 0]]);
    expect(await grads((x) => T.cast(T.argmax(x), 'float64').add(x.sum()), [[1, 3, 3, 0]])).toEqual([[1, 1, 1, 1]]);
    const x = T.dvector('x');
    expect((await grad(T.cast(T.argmax(x), 'float64'), x).eval({ x: [1, 2] })).toArray()).toEqual([0, 0]);
  });

  it('floor, rounding and integer division have zero gradient; mod passes it to x', async () => {
    expect(await grads((x) => T.floor(x).add(T.round(x)).add(T.intDiv(x, 2)).sum(), [[0.3, 1.7]])).toEqual([[0, 0]]);
    expect(await grads((x, y) => T.mod(x, y).sum(), [[5.5], [2]])).toEqual([[1], [-2]]);
  });

  it('pow at x = 0 gives 0 for the exponent, not nan', async () => {
    expect(await grads((x, y) => T.pow(x, y).sum(), [[0, 2], [2, 3]])).toEqual([[0, 12], [0, 8 * Math.log(2)]]);
  });

  it('pow with a narrow integer exponent: y - 1 does not wrap in the exponent\'s dtype', async () => {
    const x = T.dvector('x');
    const e = T.tensor('uint8', [false], 'e');
    const f = sym.function([x, e], grad(T.sum(T.pow(x, e)), x));
    // 0 * x ** -1: 0 at x = 20 and 1.5 (uint8 0 - 1 = 255 gave 0 * 20 ** 255 = 0 * inf = nan)
    expect((await f([20, 1.5], [0, 0])).toArray()).toEqual([0, 0]);
    expect((await f([2, 3], [1, 3])).toArray()).toEqual([1, 27]);
    const b = T.tensor('int8', [false], 'b');
    const g = sym.function([x, b], grad(T.sum(T.pow(x, b)), x));
    // -128 * 1.01 ** -129 (int8 -128 - 1 = 127 gave -128 * 1.01 ** 127)
    const [v] = (await g([1.01], [-128])).toArray() as number[];
    expect(v).toBeCloseTo(-128 * 1.01 ** -129, 10);
    expect(v).toBeCloseTo(-35.46, 2);
  });
});
