import { describe, expect, it } from 'vitest';
import { MixtureDensityNetwork } from './mdn.js';
import { maxAbsDiff } from './test-support.js';

const [N, Hd, K] = [8, 5, 3];
const x = Array.from({ length: N }, (_, n) => [Math.sin(1.7 * n)]);
const y = Array.from({ length: N }, (_, n) => Math.cos(2.3 * n) * 1.5 + 0.2 * n);
const init = {
  w1: [Array.from({ length: Hd }, (_, j) => 0.8 * Math.sin(j + 1))],
  b1: Array.from({ length: Hd }, (_, j) => 0.1 * Math.cos(j)),
  w2: Array.from({ length: Hd }, (_, j) => Array.from({ length: 3 * K }, (_, k) => 0.5 * Math.sin(3 * j + k))),
  b2: Array.from({ length: 3 * K }, (_, k) => 0.05 * k),
  components: K,
  learningRate: 0.5,
  decay: 0.8,
  clipNorm: 0.4,
};

/**
 * NumPy (python3; .audit's mdn_reference.py): the max-shifted log-sum-exp NLL, its gradient by central
 * differences in float64, four SGD steps with the gradient clipped to global norm 0.4 (the first three
 * clipped) and the rate 0.5 decayed by 0.8 each step.
 */
const COSTS = [1.6345676041846655, 1.5366315425569854, 1.473882088638579, 1.4366154448983324];
const NORMS = [0.5533711922799494, 0.43319803784758265, 0.3542842258984776, 0.3044304094388569];
const PARAMS = [
  [0.761546653433023, 0.6659184663641088, 0.19467414291842752, -0.6618492361813172, -0.7457644376911062],
  [-0.00044429952539324497, 0.11892527169207993, -0.12053585346816513, -0.028857714487077135, -0.09225598534235568],
  [0.0073425045990130975, 0.4199553360279935, 0.44808636526543544, -0.005922420076750857, -0.45618138213631193, -0.5572491879377309, -0.14211885198707003, 0.32947299620877046, 0.5050720138878803, 0.07710139398011778, -0.37896652245344264, -0.4854382526737065, -0.2146661711713101, 0.25196925109070173, 0.41827336074215826, 0.20251658109314988, -0.27215611572356757, -0.490906064651362, -0.13607868840886164, 0.3279557388636959, 0.4915876230473609, 0.17443094461023295, -0.30612210482599284, -0.5365339946027814, -0.2764906528257415, 0.20211824760415892, 0.4892134448361058, 0.19974026337045359, -0.2713784042171619, -0.49430827522862697, -0.20130887287310884, 0.2779514812161947, 0.5628039599187153, 0.32635201023884347, -0.14592234333835158, -0.4912571342989775, -0.2754726487525781, 0.21075428033243654, 0.5018191058028169, 0.40538810125812746, -0.06203476968545052, -0.3987800530576998, -0.37179688338248046, 0.07506496806709016, 0.44680614542776154],
  [-0.02136690461062193, 0.053647700726472215, 0.11771920386032667, 0.3319750823140773, 0.4116209871599328, 0.49258695294562255, 0.40584793735380476, 0.46337635847151964, 0.5180321333567843],
];
describe('a mixture density network trained by clipped SGD with a decaying rate', () => {
  for (const [dtype, tolerance] of [['float64', 1e-9], ['float32', 2e-6]] as const) {
    it(`four steps: NLL, gradient norm, parameters and the rate as NumPy's (${dtype})`, async () => {
      const mdn = new MixtureDensityNetwork({ ...init, dtype });
      const train = mdn.trainFunction();
      for (let step = 0; step < 4; step++) {
        const [nll, norm] = await train(x, y);
        expect(Math.abs(nll!.item() - COSTS[step]!)).toBeLessThan(tolerance);
        expect(Math.abs(norm!.item() - NORMS[step]!)).toBeLessThan(tolerance);
      }
      mdn.params.forEach((p, i) => expect(maxAbsDiff(p.getValue().data as ArrayLike<number>, PARAMS[i]!)).toBeLessThan(tolerance));
      expect(mdn.learningRate.getValue().item()).toBeCloseTo(0.5 * 0.8 ** 4, dtype === 'float64' ? 15 : 7);
    });
  }
  it('stays finite for a target far out (the log-density -1e6 in float32)', async () => {
    const mdn = new MixtureDensityNetwork({ ...init, dtype: 'float32' });
    const [nll, norm] = await mdn.trainFunction()(x, y.map((v) => v + 1000));
    expect(Number.isFinite(nll!.item()) && nll!.item() > 1e5).toBe(true);
    expect(Number.isFinite(norm!.item())).toBe(true);
    expect(mdn.params.every((p) => Array.from(p.getValue().data as ArrayLike<number>).every(Number.isFinite))).toBe(true);
  });
});
