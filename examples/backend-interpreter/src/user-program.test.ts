// A user's program, unchanged but for `config.device`: the Theano tutorial's
// logistic regression, trained on the interpreter and on the CPU backend.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import '@sym/backend-cpu';
import './index.js'; // registers `interp`

const T = sym.T;

/** The tutorial's data (N rows of `feats` features, labels 0 or 1) and initial weights, drawn from one seed. */
function data(N: number, feats: number): { D: [sym.NDArray, sym.NDArray]; w0: sym.NDArray } {
  const rng = new sym.RandomState(42);
  const x = new Float64Array(N * feats);
  rng.fillNormal(x);
  const y = Float64Array.from({ length: N }, () => rng.integer(0, 2));
  const w = new Float64Array(feats);
  rng.fillNormal(w);
  return { D: [sym.fromTyped(x, [N, feats], 'float64'), sym.fromTyped(y, [N], 'float64')], w0: sym.fromTyped(w, [feats], 'float64') };
}

/** Train for `steps` steps on the device `config.device` names when the functions are made. */
async function train(steps: number): Promise<{ w: Float64Array; b: number; xent: number[]; prediction: number[] }> {
  const { D, w0 } = data(60, 8);
  const x = T.dmatrix('x');
  const y = T.dvector('y');
  const w = sym.shared(w0, { name: 'w' });
  const b = sym.shared(0, { name: 'b', dtype: 'float64' }); // Theano's 0.
  const p1 = T.exp(T.dot(x, w).neg().sub(b)).add(1).pow(-1); // 1 / (1 + exp(-x.w - b))
  const prediction = p1.gt(0.5);
  const xent = y.neg().mul(T.log(p1)).sub(y.neg().add(1).mul(T.log(p1.neg().add(1))));
  const cost = xent.mean().add(w.pow(2).sum().mul(0.01));
  const [gw, gb] = grad(cost, [w, b]);
  const step = sym.function([x, y], [prediction, xent.mean()], {
    updates: [
      [w, w.sub(gw!.mul(0.1))],
      [b, b.sub(gb!.mul(0.1))],
    ],
  });
  const predict = sym.function([x], prediction);
  const costs: number[] = [];
  for (let i = 0; i < steps; i++) costs.push((await step(D[0], D[1]))[1]!.item());
  const predicted = await predict(D[0]);
  return {
    w: (await w.getValueAsync()).data as Float64Array,
    b: (await b.getValueAsync()).item(),
    xent: costs,
    prediction: Array.from(predicted.data),
  };
}

describe('a user program with config.device = "interp"', () => {
  const device = sym.config.device;
  afterEach(() => {
    sym.config.device = device;
    vi.restoreAllMocks();
  });

  it('trains the tutorial logistic regression to the CPU backend numbers', async () => {
    const interp = sym.getBackend('interp')!;
    const launches = vi.spyOn(interp, 'run');
    sym.config.device = 'interp';
    const ours = await train(30);
    expect(launches).toHaveBeenCalled();

    sym.config.device = 'cpu';
    const calls = launches.mock.calls.length;
    const cpu = await train(30);
    expect(launches.mock.calls.length).toBe(calls); // the CPU run did not touch the interpreter

    expect(ours.xent[29]!).toBeLessThan(ours.xent[0]!); // it learnt something
    expect(ours.prediction).toEqual(cpu.prediction);
    ours.xent.forEach((c, i) => expect(c).toBeCloseTo(cpu.xent[i]!, 12));
    ours.w.forEach((v, i) => expect(v).toBeCloseTo(cpu.w[i]!, 12));
    expect(ours.b).toBeCloseTo(cpu.b, 12);
  });
});
