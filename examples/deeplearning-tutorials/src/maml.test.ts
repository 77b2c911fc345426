import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { Maml, buildMaml } from './maml.js';
import { maxAbsDiff, useFloatX } from './test-support.js';

const [H, TASKS, K] = [5, 3, 4];
const r = <V>(n: number, f: (i: number) => V): V[] => Array.from({ length: n }, (_, i) => f(i));
const values = { W1: r(H, (j) => 0.8 * Math.sin(1.3 * j + 0.4)), b1: r(H, (j) => 0.3 * Math.cos(0.9 * j)), w2: r(H, (j) => 0.5 * Math.sin(0.7 * j + 1.1)), b2: 0.05 };
// three sinusoid tasks: amplitude and phase per task, K support and K query points each
const [amp, phase] = [[1.0, 0.6, 1.4], [0.2, 1.0, -0.7]];
const xs = r(TASKS, (t) => r(K, (k) => -2 + (4 * k) / (K - 1) + 0.1 * t));
const xq = r(TASKS, (t) => r(K, (k) => -1.7 + (3.1 * k) / (K - 1) - 0.05 * t));
const ys = xs.map((row, t) => row.map((x) => amp[t]! * Math.sin(x + phase[t]!)));
const yq = xq.map((row, t) => row.map((x) => amp[t]! * Math.sin(x + phase[t]!)));
const options = { innerLr: 0.3, innerSteps: 2, metaLr: 0.1 };
const flat = (a: sym.NDArray): number[] => Array.from(a.data as ArrayLike<number>);

for (const [dtype, tolerance] of [['float64', 1e-13], ['float32', 1e-5]] as const) {
  describe(`MAML: the meta-gradient through two inner SGD steps, second order, one task and a scan over tasks (${dtype})`, () => {
    useFloatX(dtype);

    it("one task's query loss after adaptation and its gradient with respect to the initial parameters, as NumPy", async () => {
      const [loss, ...grads] = await buildMaml(new Maml(values), options).taskGrad(xs[0]!, ys[0]!, xq[0]!, yq[0]!);
      expect(Math.abs(loss!.item() - WANT.taskLoss)).toBeLessThan(tolerance);
      grads.forEach((g, i) => expect(maxAbsDiff(flat(g), WANT.taskGrads[i]!)).toBeLessThan(tolerance));
    });

    it('the meta-batch as a scan whose step takes the inner gradients: loss and meta-gradient; first-order MAML (disconnectedGrad) differs as NumPy', async () => {
      const [loss, ...grads] = await buildMaml(new Maml(values), options).metaGrad(xs, ys, xq, yq);
      expect(Math.abs(loss!.item() - WANT.metaLoss)).toBeLessThan(tolerance);
      grads.forEach((g, i) => expect(maxAbsDiff(flat(g), WANT.metaGrads[i]!)).toBeLessThan(tolerance));
      const [firstOrderLoss, ...firstOrder] = await buildMaml(new Maml(values), { ...options, firstOrder: true }).metaGrad(xs, ys, xq, yq);
      expect(Math.abs(firstOrderLoss!.item() - WANT.metaLoss)).toBeLessThan(tolerance);
      firstOrder.forEach((g, i) => expect(maxAbsDiff(flat(g), WANT.firstOrderGrads[i]!)).toBeLessThan(tolerance));
      // the second-order terms matter: first-order MAML's W1 gradient is another vector
      expect(maxAbsDiff(WANT.metaGrads[0]!, WANT.firstOrderGrads[0]!)).toBeGreaterThan(0.01);
    });

    it('three meta-SGD steps move the parameters as NumPy', async () => {
      const model = new Maml(values);
      const { metaStep } = buildMaml(model, options);
      for (const want of WANT.stepLosses) expect(Math.abs((await metaStep(xs, ys, xq, yq)).item() - want)).toBeLessThan(tolerance);
      const params = await Promise.all(model.params.map((p) => p.getValueAsync()));
      params.forEach((p, i) => expect(maxAbsDiff(flat(p), WANT.params[i]!)).toBeLessThan(tolerance));
    });
  });
}

/**
 * NumPy (python3; .audit's maml_ref.py): the MLP and its inner gradient by hand, two inner steps at
 * alpha 0.3, the meta-gradients by complex-step differentiation through them (exact to rounding; the
 * first-order ones with the inner gradients' imaginary parts dropped), three meta steps at beta 0.1.
 */
const WANT = {
  taskLoss: 0.01927643579360557,
  taskGrads: [
    [-0.00699118116384539, -0.025477997487056658, 0.009387682242455828, 0.0060948170209023005, 0.01574400197740661],
    [-0.0047015473166258075, -0.006425142195137305, -0.002181827662233891, 0.0014803974676352329, 0.003979680030429527],
    [-0.0010478041833031553, -0.014793497563482867, -0.0023299116612454517, 0.009260522021391588, 0.003421997477988551],
    [-0.005104127994295993],
  ],
  metaLoss: 0.11109726615595587,
  metaGrads: [
    [0.007197454474103118, -0.018474942614266247, 0.009211784578224629, 0.0032534520669000185, 0.00803694451611443],
    [0.010709298194991888, 0.03959561111951486, 0.004841917323176401, -0.0005470947033052501, -0.015229623741903342],
    [-0.0031690684132758247, -0.02916779976616068, -0.012239722378706951, -0.024342869887125283, -0.0006092844549983887],
    [-0.005445914272444307],
  ],
  firstOrderGrads: [
    [-0.022862348802002778, -0.025127913040636787, -0.020464498455880997, -0.002846342072386778, 0.015723518626834965],
    [0.025779495105175347, 0.05489581355517827, 0.014322167237164164, -0.016945865795051595, -0.03234452539115461],
    [-0.021051853910058514, -0.07200468064427502, -0.0012434246758454095, 0.03593919142088229, 0.03768966380008356],
    [0.006624047446735802],
  ],
  stepLosses: [0.11109726615595587, 0.11068455473409455, 0.1102708190451216],
  params: [
    [0.3093653460549565, 0.7988887449235672, 0.11005644286155557, -0.7339028608704913, -0.5074589916850295],
    [0.2968380616084751, 0.17465217287771792, -0.06956554219650393, -0.27114048787486855, -0.2645040248650823],
    [0.4465395997313735, 0.4957320389576473, 0.30290979670152146, -0.021813240316490266, -0.3436834260934334],
    [0.05166127222799263],
  ],
};
