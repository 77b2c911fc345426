import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { NeuralOde, buildNeuralOde } from './neural-ode.js';
import { centralDifferences, maxAbsDiff, useFloatX } from './test-support.js';

const [B, D, H] = [3, 2, 4];
const r = <V>(n: number, f: (i: number) => V): V[] => Array.from({ length: n }, (_, i) => f(i));
const values = {
  W: r(D, (i) => r(H, (j) => 0.7 * Math.sin(1.1 * i + 0.6 * j + 0.3))),
  b: r(H, (j) => 0.2 * Math.cos(0.8 * j)),
  c: r(H, (j) => 0.3 * Math.sin(0.5 * j + 0.9)),
  A: r(H, (j) => r(D, (i) => 0.6 * Math.cos(0.9 * j + 0.4 * i + 0.1))),
};
const z0 = r(B, (b) => r(D, (i) => Math.sin(1.7 * b + 0.5 * i)));
const target = r(B, (b) => r(D, (i) => 0.5 * Math.cos(b + 0.8 * i)));
const [h, steps, threshold] = [0.15, 12, 0.58];
const flat = (a: sym.NDArray): number[] => Array.from(a.data as ArrayLike<number>);

for (const [dtype, tolerance] of [['float64', 1e-12], ['float32', 1e-5]] as const) {
  describe(`a neural ODE integrated by RK4 in scan, differentiated through the solver (${dtype})`, () => {
    useFloatX(dtype);

    it('12 fixed steps: the loss, the final state and the gradients with respect to W, b, c, A, z0 and h, as NumPy', async () => {
      const [loss, final, taken, ...grads] = await buildNeuralOde(new NeuralOde(values), 40).fixed(z0, h, steps, target);
      expect(taken!.item()).toBe(steps);
      expect(Math.abs(loss!.item() - WANT.fixed.loss)).toBeLessThan(tolerance);
      expect(maxAbsDiff(flat(final!), WANT.fixed.final)).toBeLessThan(tolerance);
      grads.forEach((g, i) => expect(maxAbsDiff(flat(g), WANT.fixed.grads[i]!)).toBeLessThan(tolerance));
    });

    it("until the mean of z[:, 0] passes the threshold (sym.until): 10 steps, the loss and gradients of that trajectory, as NumPy", async () => {
      const [loss, final, taken, ...grads] = await buildNeuralOde(new NeuralOde(values), 40).event(z0, h, threshold, target);
      expect(taken!.item()).toBe(WANT.event.steps);
      expect(Math.abs(loss!.item() - WANT.event.loss)).toBeLessThan(tolerance);
      expect(maxAbsDiff(flat(final!), WANT.event.final)).toBeLessThan(tolerance);
      grads.forEach((g, i) => expect(maxAbsDiff(flat(g), WANT.event.grads[i]!)).toBeLessThan(tolerance));
    });
  });
}

describe('a neural ODE (float64): central differences', () => {
  useFloatX('float64');
  it('the gradients with respect to z0 and h agree with central differences of the compiled loss', async () => {
    const { fixed } = buildNeuralOde(new NeuralOde(values), 40);
    const [, , , , , , , gz0, gh] = await fixed(z0, h, steps, target);
    const start = z0.flat();
    const byZ0 = centralDifferences(start, () => fixed.sync(r(B, (b) => start.slice(b * D, b * D + D)), h, steps, target)[0]!.item());
    expect(maxAbsDiff(byZ0, flat(gz0!))).toBeLessThan(1e-8);
    const size = [h];
    const byH = centralDifferences(size, () => fixed.sync(z0, size[0]!, steps, target)[0]!.item());
    expect(Math.abs(byH[0]! - gh!.item())).toBeLessThan(1e-8);
  });
});

/**
 * NumPy (python3; .audit's ode_ref.py): the same RK4 loop (the until loop stopping after the step whose
 * state passes the threshold), the gradients by complex-step differentiation through it (exact to rounding).
 */
const WANT = {
  fixed: {
    loss: 0.3078126607074754,
    final: [0.747151698076641, 0.6018725489567012, 1.4446967007417886, 0.4390393509001899, -0.22902604320999684, -0.543677220090962],
    grads: [
      [
        0.2782164672551137, 0.056833295503588524, -0.11082572180299304, -0.4905265066671751, 0.18913794539607076, 0.038888787786154386, -0.09613128596775139,
        -0.34201745859620303,
      ],
      [0.24106632999634087, 0.05330285738206948, -0.10608889489149206, -0.45822689783065473],
      [0.20116979791198095, 0.042199993824269165, -0.07110795404926634, -0.3706601462451938],
      [
        0.5051071401406021, 0.5125778905561749, 0.561352800794068, 0.5653105997539212, 0.5372538363615158, 0.5209176543438793, 0.3871027420724245,
        0.3304510434327278,
      ],
      [-0.013753725913370202, 0.12801073154542897, 0.19579462696958858, 0.3384950991472102, 0.017769766447737697, -0.039079692513082805],
      [0.30866053896761936],
    ],
  },
  event: {
    steps: 10.0,
    loss: 0.30105340052859547,
    final: [0.6509817356134706, 0.63843714554518, 1.3880902633524934, 0.527514746070079, -0.25552121228102015, -0.5505952293273201],
    grads: [
      [
        0.2324567963972546, 0.04820487886570039, -0.09949411117716142, -0.4213538603541753, 0.17137284278603848, 0.03552922646640024, -0.09074968962258907,
        -0.3097348055507804,
      ],
      [0.18996999099749515, 0.03816342840688067, -0.09156160196052686, -0.3823011648705657],
      [0.1335510936626801, 0.02555569818331679, -0.05389821289374583, -0.2643386607044032],
      [
        0.3734643191593732, 0.4552574050510293, 0.41729170454039355, 0.5020902622957053, 0.40012667046115, 0.45884289505523757, 0.2834027583446581,
        0.2804258942432641,
      ],
      [-0.0279981759917765, 0.12685981788795553, 0.19433799629348733, 0.3461962773369279, 0.010536326804337763, -0.04890538687679323],
      [0.19999868452150893],
    ],
  },
};
