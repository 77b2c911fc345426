import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { AugmentedCNN } from './cnn-augment.js';
import { maxAbsDiff, useFloatX } from './test-support.js';

const [N, H, F] = [4, 6, 3];
const images = Array.from({ length: N }, (_, n) => [Array.from({ length: H }, (_, i) => Array.from({ length: H }, (_, j) => Math.sin(n * 3 + i * 1.3 + j * 0.7)))]);
const labels = [0, 1, 1, 0];
const filters = Array.from({ length: F }, (_, f) => [Array.from({ length: 3 }, (_, a) => Array.from({ length: 3 }, (_, b) => 0.3 * Math.cos(f * 9 + a * 3 + b)))]);
const options = { filters, readout: [[0.5, -0.4], [0.3, 0.2], [-0.6, 0.1]], gamma: [1, 1.2, 0.8], beta: [0, 0.1, -0.1], crop: 4, seed: 3 };

/**
 * NumPy (python3; .audit's cnn_augment_ref.py) given the crops and flips sym drew with seed 3 (float32's
 * uniforms are others than float64's): Theano's flipped-filter convolution, batch norm over (0, 2, 3)
 * with eps 1e-4, the running averages with factor 0.5 (the unbiased variance), gradients by central
 * differences in float64, three SGD steps at rate 0.1, then the centre crop normalised by the averages.
 */
const WANT = {
  float64: {
    draws: [[2, 2, 1], [2, 1, 0], [1, 2, 1]],
    costs: [0.7107044438992594, 0.7128468181895662, 0.7081259629223269],
    params: [
      [0.2989882103756944, 0.16508298990304307, -0.11925498963928058, -0.3028189720115217, -0.20016580244005308, 0.0846899083751542, 0.28594853492297356, 0.22099948453930485, -0.049457750303596434, -0.27371307124112043, -0.25508984895078934, -0.0034508718120935897, 0.25823283675415326, 0.27092655816891525, 0.03394449033312503, -0.2248163857755741, -0.2846289506074718, -0.08155642482233952, 0.17794632339493202, 0.27098617980414275, 0.1033748309577504, -0.16476842223917648, -0.29726171778894234, -0.15522953136720818, 0.14716183270632974, 0.3244447364152588, 0.21559747392783357],
      [0.9810500329044949, 1.2003658018277175, 0.813949777361022],
      [-0.01512627775812625, 0.10011595074345117, -0.08561941363939277],
      [0.4788247930343488, -0.3788247930343488, 0.3043950426131811, 0.19560495738126776, -0.613892435157814, 0.11389243515781403],
    ],
    runningMean: [-0.007001420117076867, 0.00768710605043708, -0.010260903981108169],
    runningVar: [0.14366457081810613, 0.1449128447470044, 0.1478133325358887],
    inference: [0.5103920010932774, 0.4896079989067227, 0.5347313077637849, 0.46526869223621525, 0.5175425703521631, 0.48245742964783694, 0.5248982650813387, 0.47510173491866114],
  },
  float32: {
    draws: [[2, 2, 1], [0, 2, 0], [2, 1, 1]],
    costs: [0.7107044438992594, 0.7215426660299512, 0.7064628066833003],
    params: [
      [0.30192015166544656, 0.1563863107817536, -0.1354901050635374, -0.29077330263844864, -0.1993028764649328, 0.07396424339120819, 0.2894609985429326, 0.23015782705144372, -0.03896084052886993, -0.2738072241266085, -0.25380647378909127, -0.0013935599967425192, 0.2558095608408874, 0.27205654041557675, 0.038096282437681435, -0.22601867982877827, -0.2853077879049571, -0.08139253758522494, 0.1930749269703748, 0.2876820555416363, 0.11378564761650727, -0.15768617717099692, -0.30006012757062145, -0.166592460170646, 0.1358222136459166, 0.3062517180123688, 0.19910751698346807],
      [0.9831824909646283, 1.1999763907965189, 0.8113877621943371],
      [-0.009265099992772363, 0.10019214302371396, -0.09340924587976077],
      [0.48118816292858035, -0.38118816292302926, 0.3000446979842028, 0.1999553020157972, -0.6120176647966374, 0.11201766479663747],
    ],
    runningMean: [-0.0051288340998619526, 0.003905939721205858, -0.0035893915866082975],
    runningVar: [0.14669146204271127, 0.14929819967310723, 0.15127755977872132],
    inference: [0.5170019610577491, 0.4829980389422508, 0.5351288984499969, 0.464871101550003, 0.5283905201680179, 0.471609479831982, 0.5242142714652157, 0.47578572853478424],
  },
};

for (const [dtype, tolerance] of [['float64', 1e-8], ['float32', 2e-5]] as const) {
  describe(`a CNN trained on random crops and flips with batch norm (${dtype})`, () => {
    useFloatX(dtype);
    it('three SGD steps on the crops and flips drawn in the function, the running averages and the inference graph, as NumPy', async () => {
      const want = WANT[dtype];
      const model = new AugmentedCNN({ ...options, dtype });
      const train = model.trainFunction(0.1);
      for (let step = 0; step < 3; step++) {
        const [cost, sy, sx, flip] = await train(images, labels);
        expect([sy!.item(), sx!.item(), flip!.item()]).toEqual(want.draws[step]);
        expect(Math.abs(cost!.item() - want.costs[step]!)).toBeLessThan(tolerance);
      }
      model.params.forEach((p, i) => expect(maxAbsDiff(p.getValue().data as ArrayLike<number>, want.params[i]!)).toBeLessThan(tolerance));
      expect(maxAbsDiff(model.runningMean.getValue().data as ArrayLike<number>, want.runningMean)).toBeLessThan(tolerance);
      expect(maxAbsDiff(model.runningVar.getValue().data as ArrayLike<number>, want.runningVar)).toBeLessThan(tolerance);
      const before = Array.from(model.runningMean.getValue().data as ArrayLike<number>);
      expect(maxAbsDiff((await model.inferenceFunction()(images)).data as ArrayLike<number>, want.inference)).toBeLessThan(tolerance);
      // inference updates nothing
      expect(Array.from(model.runningMean.getValue().data as ArrayLike<number>)).toEqual(before);
    });
    it('the gradient at given crop and flip against central differences', async () => {
      const model = new AugmentedCNN({ ...options, dtype: 'float64' });
      const [sy, sx, flip] = [sym.T.iscalar('sy'), sym.T.iscalar('sx'), sym.T.iscalar('flip')];
      const { cost } = model.trainingCost(model.augmentedBy(sy, sx, flip));
      const { grad } = await import('@sym/grad');
      const f = sym.function([model.x, model.y, sy, sx, flip], [cost, ...grad(cost, [model.w])]);
      const [, gw] = await f(images, labels, 2, 0, 1);
      const w = model.w.getValue();
      const data = w.data as Float64Array;
      for (const i of [0, 5, 13, 26]) {
        const keep = data[i]!;
        data[i] = keep + 1e-6;
        model.w.setValue(w);
        const up = (await f(images, labels, 2, 0, 1))[0]!.item();
        data[i] = keep - 1e-6;
        model.w.setValue(w);
        const down = (await f(images, labels, 2, 0, 1))[0]!.item();
        data[i] = keep;
        model.w.setValue(w);
        expect(Math.abs((up - down) / 2e-6 - (gw!.data as Float64Array)[i]!)).toBeLessThan(1e-7);
      }
    });
  });
}
