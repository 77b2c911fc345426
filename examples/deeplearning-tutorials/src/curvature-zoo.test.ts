import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { buildLstmCurvature, buildMaxoutHighway, mlpSizes } from './curvature-zoo.js';
import { centralDifferences, maxAbsDiff, useFloatX } from './test-support.js';

const r = <V>(n: number, f: (i: number) => V): V[] => Array.from({ length: n }, (_, i) => f(i));
const flat = (a: sym.NDArray): number[] => Array.from(a.data as ArrayLike<number>);
const [nIn, units, pieces, N] = [3, 3, 2, 5];
const P = mlpSizes(nIn, units, pieces).reduce((a, b) => a + b, 0);
const theta = r(P, (i) => 0.5 * Math.sin(0.37 * i + 0.2) + (i === P - 1 ? 1 : 0));
const x = r(N, (i) => r(nIn, (j) => Math.sin(0.9 * i + 1.7 * j)));
const y = r(N, (i) => Math.cos(0.6 * i));
// the LSTM: 4 steps of 3 inputs, 2 units
const [steps, nX, n] = [4, 3, 2];
const xs = r(steps, (t) => r(nX, (k) => Math.sin(0.1 + 1.3 * t + 0.7 * k)));
const W = r(nX + n, (i) => r(4 * n, (j) => 0.6 * Math.sin(0.4 + 1.3 * i + 0.7 * j + 0.1 * i * j)));
const h0 = [0.3, -0.5];
const V = r(nX + n, (i) => r(4 * n, (j) => Math.cos(1.1 * i - 0.5 * j)));

/** The Jacobian of `f` (a vector) at `point` by central differences: one row per output, one column per entry of point. */
function numericJacobian(point: number[], f: (p: number[]) => number[]): number[][] {
  const columns = point.map((_, k) => {
    const [up, down] = [1, -1].map((s) => f(point.map((p, i) => (i === k ? p + s * 1e-6 : p))));
    return up!.map((u, i) => (u - down![i]!) / 2e-6);
  });
  return columns[0]!.map((_, i) => columns.map((c) => c[i]!));
}

describe('second derivatives of hand-written layers (float64)', () => {
  useFloatX('float64');

  it('maxout, highway and weight norm: the Hessian of the loss in theta is symmetric and the central differences of the gradient', async () => {
    const f = buildMaxoutHighway(nIn, units, pieces);
    const [loss, g, H] = await f(theta, x, y);
    const byLoss = centralDifferences(theta, () => f.sync(theta, x, y)[0]!.item());
    expect(maxAbsDiff(flat(g!), byLoss)).toBeLessThan(1e-8);
    const hessian = H!.toArray() as number[][];
    expect(maxAbsDiff(hessian.flat(), hessian.map((_, i) => hessian.map((row) => row[i]!)).flat())).toBeLessThan(1e-12);
    const byGrad = numericJacobian(theta, (p) => flat(f.sync(p, x, y)[1]!));
    expect(maxAbsDiff(hessian.flat(), byGrad.flat())).toBeLessThan(1e-7);
    // the maxout's second derivative in its own weights is 0 (piecewise linear), the gate's is not
    expect(loss!.item()).toBeGreaterThan(0);
    expect(Math.max(...hessian[nIn * units * pieces]!.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it("a layer-normalised LSTM in scan: the Jacobian of every hidden state and the Hessian of the loss in h0, H v in W by Rop, Lop and hessianVectorProduct", async () => {
    const f = buildLstmCurvature(n);
    const [, , J, H, ropHv, lopHv, hvp] = await f(xs, W, h0, V);
    const hidden = (start: number[]) => flat(f.sync(xs, W, start, V)[1]!);
    expect(maxAbsDiff((J!.toArray() as number[][]).flat(), numericJacobian(h0, hidden).flat())).toBeLessThan(1e-8);
    // the Hessian in h0 against central differences of the gradient in h0
    const numericHessian = numericJacobian(h0, (p) => flat(f.sync(xs, W, p, V)[8]!));
    expect(maxAbsDiff((H!.toArray() as number[][]).flat(), numericHessian.flat())).toBeLessThan(1e-7);
    // H v: the gradient in W moved along v, by central differences
    const gradAt = (s: number) => flat(f.sync(xs, W.map((row, i) => row.map((w, j) => w + s * V[i]![j]!)), h0, V)[7]!);
    const [up, down] = [gradAt(1e-6), gradAt(-1e-6)];
    const numericHv = up.map((u, i) => (u - down[i]!) / 2e-6);
    for (const product of [ropHv!, lopHv!, hvp!]) expect(maxAbsDiff(flat(product), numericHv)).toBeLessThan(1e-7);
  });
});
