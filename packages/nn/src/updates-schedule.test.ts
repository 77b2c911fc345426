import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad } from '@sym/grad';
import { adadelta, adagrad, adam, gradientUpdatesMomentum, momentum, nesterovMomentum, rmsprop, sgd, totalNormConstraint, type Update } from './updates.js';
import { Dense } from './dense.js';
import { RandomState } from './random.js';
import { START, TARGET, gradAt, problem } from '../test/quadratic.js';

const T = sym.T;
const values = (v: sym.TensorSharedVariable): number[] => Array.from(v.getValue().data);

describe('learning rates given as symbolic scalars (schedules)', () => {
  it('sgd reads a shared learning rate at every call, so setting it changes the next steps', async () => {
    const { w, cost } = problem();
    const lr = sym.shared(0.1, { name: 'lr' });
    const f = sym.function([], cost, { updates: sgd(cost, [w], lr) });
    let p = [...START];
    for (const rate of [0.1, 0.1, 0.05, 0.01]) {
      lr.setValue(rate);
      await f();
      const g = gradAt(p);
      p = p.map((v, i) => v - rate * g[i]!);
      values(w).forEach((v, i) => expect(v).toBeCloseTo(p[i]!, 14));
    }
  });

  it('every rule given a shared rate steps as it does given the same number', async () => {
    const rules: [string, (c: sym.TensorVariable, w: sym.TensorSharedVariable, lr: number | sym.TensorVariable) => Update[]][] = [
      ['gradientUpdatesMomentum', (c, w, lr) => gradientUpdatesMomentum(c, [w], lr, 0.9)],
      ['nesterovMomentum', (c, w, lr) => nesterovMomentum(c, [w], lr, 0.8)],
      ['momentum', (c, w, lr) => momentum(c, [w], lr, 0.8)],
      ['adam', (c, w, lr) => adam(c, [w], { learningRate: lr })],
      ['adagrad', (c, w, lr) => adagrad(c, [w], { learningRate: lr })],
      ['rmsprop', (c, w, lr) => rmsprop(c, [w], { learningRate: lr })],
      ['adadelta', (c, w, lr) => adadelta(c, [w], { learningRate: lr })],
    ];
    for (const [name, rule] of rules) {
      const byNumber = problem();
      const bySymbol = problem();
      // a decaying schedule as an expression of a shared step counter
      const step = sym.shared(0, { name: 'step' });
      const lr = T.mul(0.1, T.pow(0.5, step));
      const f = sym.function([], byNumber.cost, { updates: rule(byNumber.cost, byNumber.w, 0.1) });
      const g = sym.function([], bySymbol.cost, { updates: [...rule(bySymbol.cost, bySymbol.w, lr), [step, step.add(1)]] });
      // only the first step has the same rate (0.1 * 0.5^0)
      await f();
      await g();
      expect(values(bySymbol.w), name).toEqual(values(byNumber.w));
      expect(step.getValue().item()).toBe(1);
    }
  });

  it('refuses a learning rate that is not a positive number or a numeric scalar, naming what came', () => {
    const { w, cost } = problem();
    expect(() => sgd(cost, [w], T.vector('rates'))).toThrow(/sgd: learningRate must be a positive number or a symbolic scalar, got rates of type TensorType\(float64, vector\)/);
    expect(() => adam(cost, [w], { learningRate: T.bscalar('flag').astype('bool') })).toThrow(/adam: learningRate must be a positive number or a symbolic scalar, got .* of type TensorType\(bool, scalar\)/);
    expect(() => sgd(cost, [w], 0)).toThrow(/sgd: learningRate must be a positive number, got 0/);
    // a string, or Keras's options object given to a rule that takes the rate itself, shows as what it is
    expect(() => adam(cost, [w], { learningRate: '0.1' as never })).toThrow(/^adam: learningRate must be a positive number, got "0\.1"$/);
    expect(() => momentum(cost, [w], { learningRate: 0.1 } as never)).toThrow(/^momentum: learningRate must be a positive number, got \{"learningRate":0\.1\}$/);
  });
});

describe('gradients given in place of the cost (Lasagne loss_or_grads)', () => {
  it('a rule given the gradients steps as it does given the cost', async () => {
    const a = problem();
    const b = problem();
    await sym.function([], a.cost, { updates: adam(a.cost, [a.w], { learningRate: 0.1 }) })();
    await sym.function([], b.cost, { updates: adam(grad(b.cost, [b.w]), [b.w], { learningRate: 0.1 }) })();
    expect(values(b.w)).toEqual(values(a.w));
  });

  it('refuses gradients that do not match the params, naming both', () => {
    const { w, cost } = problem();
    const [g] = grad(cost, [w]);
    expect(() => sgd([g!, g!], [w], 0.1)).toThrow(/sgd: 2 gradients were given for 1 params/);
    expect(() => sgd([T.matrix('g')], [w], 0.1)).toThrow(/sgd: gradients\[0\] g of type TensorType\(float64, matrix\) does not match params\[0\] w of type TensorType\(float64, vector\)/);
    expect(() => sgd(['g' as never], [w], 0.1)).toThrow(/sgd: gradients\[0\] must be a symbolic tensor, got g/);
  });
});

describe('totalNormConstraint', () => {
  it("rescales the gradients together to a global norm of at most maxNorm, as Lasagne's total_norm_constraint", async () => {
    const a = T.vector('a');
    const b = T.matrix('b');
    const f = sym.function([a, b], totalNormConstraint([a, b], 5));
    const av = [3, 4];
    const bv = [[0, 12]];
    const norm = Math.sqrt(9 + 16 + 144); // 13
    const [sa, sb] = await f(av, bv);
    const k = 5 / (norm + 1e-7);
    expect(Array.from(sa!.data)).toEqual(av.map((v) => v * k));
    expect(sb!.toArray()).toEqual([[0, 12 * k]]);
    // under the limit: multiplied by norm / (norm + epsilon), about 1
    const [ua] = await f([0.3, 0.4], [[0, 0]]);
    expect(Array.from(ua!.data)).toEqual([0.3, 0.4].map((v) => v * (0.5 / (0.5 + 1e-7))));
  });

  it('clips the gradients sgd steps by', async () => {
    const { w, cost } = problem();
    const f = sym.function([], cost, { updates: sgd(totalNormConstraint(grad(cost, [w]), 1), [w], 0.1) });
    let p = [...START];
    for (let s = 0; s < 3; s++) {
      await f();
      const g = gradAt(p);
      const norm = Math.hypot(...g);
      p = p.map((v, i) => v - 0.1 * g[i]! * (Math.min(norm, 1) / (norm + 1e-7)));
      values(w).forEach((v, i) => expect(v).toBeCloseTo(p[i]!, 14));
    }
  });

  it('keeps float32 gradients float32 and refuses a bad maxNorm or list', () => {
    const g = T.fvector('g');
    expect(totalNormConstraint([g], 1)[0]!.dtype).toBe('float32');
    expect(() => totalNormConstraint([g], 0)).toThrow(/totalNormConstraint: maxNorm must be a positive number, got 0/);
    expect(() => totalNormConstraint([], 1)).toThrow(/totalNormConstraint: tensors must be a non-empty list of symbolic tensors/);
    expect(() => totalNormConstraint([T.ivector('i')], 1)).toThrow(/totalNormConstraint: tensors\[0\] must be a float tensor, got i of type TensorType\(int32, vector\)/);
  });
});

describe('misuse of the update rules', () => {
  it('refuses a parameter that is not float, whose update would be truncated', () => {
    const w = sym.shared(sym.array([1, 2, 3]), { name: 'counts' }); // JavaScript integers: int64
    const cost = T.sum(w.astype('float64').pow(2));
    expect(() => sgd(cost, [w], 0.1)).toThrow(/sgd: params\[0\] counts must be a float shared variable, got dtype int64/);
    expect(() => adam(cost, [w])).toThrow(/adam: params\[0\] counts must be a float shared variable, got dtype int64/);
  });

  it('names what came in place of the params list: a layer, one shared variable', () => {
    const { w, cost } = problem();
    const layer = { params: [w], output: (x: sym.TensorVariable) => x };
    expect(() => adam(cost, layer as never)).toThrow(/adam: params must be a non-empty list of shared variables, got a layer \(Object\): pass its params/);
    expect(() => sgd(cost, w as never, 0.1)).toThrow(/sgd: params must be a non-empty list of shared variables, got the shared variable w: pass \[w\]/);
    expect(() => sgd(cost, [], 0.1)).toThrow(/sgd: params must be a non-empty list of shared variables, got \[\]/);
  });

  it('refuses a parameter listed twice, naming both places', () => {
    const { w, cost } = problem();
    expect(() => sgd(cost, [w, w], 0.1)).toThrow(/sgd: params\[1\] w is params\[0\] again: list each parameter once/);
  });

  it('adam refuses an unknown option, as the other rules do', () => {
    const { w, cost } = problem();
    expect(() => adam(cost, [w], { learning_rate: 0.1 } as never)).toThrow(/adam: unknown option "learning_rate".*did you mean learningRate\?/);
  });

  it('a call that fails leaves the parameters and the optimizer state as they were', async () => {
    const w = sym.shared(sym.array(START, { dtype: 'float64' }), { name: 'w' });
    const x = T.vector('x');
    const cost = T.sum(w.mul(x).pow(2));
    const updates = adam(cost, [w], { learningRate: 0.1 });
    const f = sym.function([x], cost, { updates });
    await f([1, 2, 3]);
    const before = updates.map(([s]) => values(s));
    await expect(f([1, 2])).rejects.toThrow(/shape/);
    expect(updates.map(([s]) => values(s))).toEqual(before);
  });
});

describe('gradient accumulation (the gradients given to the rule are sums kept in shared variables)', () => {
  it("steps from two half-batches' summed gradients as from the full batch, and resets the sums in the same call", async () => {
    const X = new RandomState(3).randn([8, 3]);
    const Y = new RandomState(4).randn([8, 2]);
    const half = (a: sym.NDArray, k: number) => sym.array(Array.from(a.data.slice(k * 4 * a.shape[1]!, (k + 1) * 4 * a.shape[1]!)), { shape: [4, a.shape[1]!] });
    const build = () => {
      const dense = Dense.create(3, 2, { activation: 'tanh', rng: new RandomState(1) });
      const x = T.matrix('x');
      const y = T.matrix('y');
      return { dense, x, y, cost: T.mean(T.sqr(dense.output(x).sub(y))) };
    };
    const full = build();
    // sgd, whose step scales with the gradient (adam's barely does), so that a sum not halved would show
    const trainFull = sym.function([full.x, full.y], full.cost, { updates: sgd(full.cost, full.dense.params, 0.1) });
    const acc = build();
    const params = [...acc.dense.params];
    const grads = grad(acc.cost, params);
    const sums = params.map((p) => sym.shared(sym.NDArray.zeros(p.valueShape, p.dtype), { broadcastable: p.broadcastable }));
    const accumulate = sym.function([acc.x, acc.y], acc.cost, { updates: sums.map((s, i): Update => [s, s.add(grads[i]!)]) });
    const step = sym.function([], null, { updates: [...sgd(sums.map((s) => s.div(2)), params, 0.1), ...sums.map((s): Update => [s, T.zerosLike(s)])] });
    for (let i = 0; i < 3; i++) {
      await trainFull(X, Y);
      await accumulate(half(X, 0), half(Y, 0));
      await accumulate(half(X, 1), half(Y, 1));
      await step();
      sums.forEach((s) => expect(Array.from(s.getValue().data).every((v) => v === 0)).toBe(true));
    }
    full.dense.params.forEach((p, i) => {
      const got = params[i]!.getValue().data;
      Array.from(p.getValue().data).forEach((v, k) => expect(got[k]).toBeCloseTo(v, 12));
    });
    // the steps moved the parameters: the comparison is not of two untouched initialisations
    expect(Array.from(full.dense.W.getValue().data)).not.toEqual(Array.from(build().dense.W.getValue().data));
  });
});
