import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { NewtonLogistic, buildMlpCurvature, mlpSize } from './second-order.js';
import { maxAbsDiff, useFloat64, useFloatX } from './test-support.js';

const [N, nIn, nHidden] = [6, 3, 4];
const P = mlpSize(nIn, nHidden);
const x = Array.from({ length: N }, (_, i) => Array.from({ length: nIn }, (_, j) => Math.sin(0.7 * i + 1.3 * j)));
const y = Array.from({ length: N }, (_, i) => Math.cos(0.5 * i));
const theta = Array.from({ length: P }, (_, i) => 0.4 * Math.sin(i * 0.9 + 0.2));
const v = Array.from({ length: P }, (_, i) => Math.cos(i * 0.37));

// NumPy (python3; .audit's second.py): the gradient by hand, the Hessian by complex-step differentiation of it
const LOSS = 1.2427979457936682;
const GRAD = [
  -0.26426716005160267, -0.0802671674961014, 0.25892874570783614, 0.302017975811539, -0.30002528334164136, -0.07670934738874427, 0.28191204819821625,
  0.3667602860267055, 0.10375433634830458, 0.03922784635401009, -0.10810646037147396, -0.10580208201521418, -0.44139774952543687, -0.12457983217072825,
  0.4238345799486134, 0.5214445901535066, 0.9444322242910991, 0.6327277552492501, -0.22296556276505516, -0.8577883118472424, -1.745561054702005,
];
const HESSIAN_DIAGONAL = [
  -0.18872791223551624, -0.03523774817854851, -0.05499849270811634, -0.20254663286146357, -0.15660458908147587, -0.049024664847938236, 0.06742183846898701,
  -0.12323317041939712, -0.1408322567407412, -0.02521974435238856, -0.03535504712700294, -0.1456357871658985, -0.3220147626567133, -0.07780480126263746,
  0.013567043448477813, -0.30124403228855107, 0.4669311566990469, 0.16629892966194273, 0.1254617978943704, 0.4465499757667256, 1.9999999999999996,
];
const HESSIAN_LAST_ROW = [
  0.1923394788423216, 0.061317338712470575, -0.19246563100097638, -0.21693337508168561, -0.011215761636050698, -0.003381471909513847, -0.0297015333901086,
  -0.01586270436738723, -0.19833988504187391, -0.06312641826211438, 0.1765753802205601, 0.20844686540749718, 0.5487105869077388, 0.15143985704773644,
  -0.4784621412320438, -0.6212398456712709, -0.9354555056028104, -0.49107136553679814, 0.3826457834244416, 0.9124033593325739, 1.9999999999999996,
];
const HV = [
  -1.023136639721309, -1.0307135323923728, -1.1394605315058817, -0.94857433325625, -0.7815753602687758, -0.9297555203009074, -1.0666442912541474,
  -0.7225099782440854, 0.6049956530138341, 0.5332965072168997, 0.5688083345667061, 0.5620331875565114, -1.5620753082974654, -1.5797108167374663,
  -1.7085247805343713, -1.2426975082688634, -0.6846229560828323, -1.216539664372707, -1.2141767572490718, -0.7607766082762143, -0.2484214009390334,
];

async function checkCurvature(tolerance: number): Promise<void> {
  const f = buildMlpCurvature(nIn, nHidden);
  const dtype = sym.config.floatX;
  const [loss, g, H, Hj, ropHv, lopHv, hvp] = await f(sym.array(theta, { dtype }), sym.array(v, { dtype }), x, y);
  expect(Math.abs(loss!.item() - LOSS)).toBeLessThan(tolerance);
  expect(maxAbsDiff(g!.data as ArrayLike<number>, GRAD)).toBeLessThan(tolerance);
  expect(H!.shape).toEqual([P, P]);
  const hessian = H!.toArray() as number[][];
  expect(maxAbsDiff(hessian.map((row, i) => row[i]!), HESSIAN_DIAGONAL)).toBeLessThan(tolerance);
  expect(maxAbsDiff(hessian[P - 1]!, HESSIAN_LAST_ROW)).toBeLessThan(tolerance);
  // symmetric, and the same as the Jacobian of the gradient
  expect(maxAbsDiff(hessian.flat(), hessian.map((_, i) => hessian.map((row) => row[i]!)).flat())).toBeLessThan(tolerance);
  expect(maxAbsDiff(H!.data as ArrayLike<number>, Hj!.data as ArrayLike<number>)).toBeLessThan(tolerance);
  for (const product of [ropHv!, lopHv!, hvp!]) expect(maxAbsDiff(product.data as ArrayLike<number>, HV)).toBeLessThan(tolerance * 10);
}

// the features and labels of the logistic regression; NumPy's Newton (IRLS) iterates from w = 0
const M = 10;
const xl = Array.from({ length: M }, (_, i) => [Math.sin(1.1 * i), Math.cos(0.8 * i + 0.3)]);
const yl = Array.from({ length: M }, (_, i) => (Math.sin(2.3 * i + 0.5) > 0 ? 1 : 0));
const NEWTON = [
  { w: [-0.4715587604915089, 1.3343008290287364, 0.27362231924664265], loss: 0.5906052115783424 },
  { w: [-0.5541389471064926, 1.5106748710064783, 0.32769754418458713], loss: 0.5892259901449938 },
  { w: [-0.5580533956088489, 1.518318162325823, 0.3303900984403763], loss: 0.5892235398808062 },
  { w: [-0.5580613627239469, 1.5183331777845794, 0.3303956861569957], loss: 0.5892235398711424 },
];

async function checkNewton(tolerance: number): Promise<void> {
  const model = new NewtonLogistic(2);
  const f = model.build();
  const labels = sym.array(yl, { dtype: sym.config.floatX });
  expect((await f.loss(xl, labels)).item()).toBeCloseTo(Math.log(2), 6);
  for (const want of NEWTON) {
    await f.step(xl, labels);
    expect(maxAbsDiff((await model.w.getValueAsync()).data as ArrayLike<number>, want.w)).toBeLessThan(tolerance);
    expect(Math.abs((await f.loss(xl, labels)).item() - want.loss)).toBeLessThan(tolerance);
  }
}

describe('second order: hessian, jacobian of the gradient, Rop/Lop Hessian-vector products, Newton steps', () => {
  describe('float64', () => {
    useFloat64();
    it("a flat-theta MLP's gradient, Hessian and H v (Rop, Lop, hessianVectorProduct) match NumPy", async () => {
      await checkCurvature(1e-13);
    });
    it("Newton's method on a logistic regression (solve(hessian, grad) in updates) matches NumPy's IRLS iterates", async () => {
      await checkNewton(1e-12);
    });
  });

  describe('float32', () => {
    useFloatX('float32');
    it('the same in float32, to 1e-5 of the float64 reference', async () => {
      await checkCurvature(1e-5);
      await checkNewton(1e-5);
    });
  });
});
