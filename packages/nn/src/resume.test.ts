import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { BatchNorm } from './batch-norm.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { categoricalCrossentropyWithLogits } from './losses.js';
import { RandomState } from './random.js';
import { Sequential } from './sequential.js';
import { loadParams, saveParams, trainingState, type Saveable } from './serialize.js';
import { adam, momentum, type Update } from './updates.js';

const T = sym.T;
type Rule = (cost: sym.TensorVariable, params: readonly sym.TensorSharedVariable[], lr: sym.TensorVariable) => Update[];

/** A network with every kind of state a training call changes: parameters, the rule's state, BatchNorm's running averages, Dropout's generator. */
function build(rule: Rule) {
  const rng = new RandomState(1);
  const net = new Sequential([Dense.create(4, 8, { activation: 'tanh', rng, name: 'h' }), new BatchNorm(8, { name: 'bn' }), new Dropout(0.3, { seed: 7 }), Dense.create(8, 3, { rng, name: 'out' })]);
  const x = T.matrix('x');
  const y = T.ivector('y');
  const lr = sym.shared(0.05, { name: 'lr' });
  const cost = categoricalCrossentropyWithLogits(net.output(x, { training: true }).T, y);
  const train = sym.function([x, y], cost, { updates: rule(cost, net.params, lr) });
  return { net, train, lr };
}

const X = new RandomState(5).randn([16, 4]);
const Y = sym.array(Array.from({ length: 16 }, (_, i) => i % 3), { dtype: 'int32' });
const rules: Record<string, Rule> = { adam: (c, p, lr) => adam(c, p, { learningRate: lr }), momentum: (c, p, lr) => momentum(c, p, lr, 0.9) };

/** Six calls, the learning rate dropped to 0.01 after the third (a schedule); the costs, and the network's params and state as JSON. */
async function run(rule: Rule, checkpoint: (state: { train: sym.SymFunction; lr: sym.TensorSharedVariable }) => Promise<void> = async () => {}) {
  let m = build(rule);
  const costs: number[] = [];
  for (let i = 0; i < 6; i++) {
    if (i === 3) {
      await checkpoint(m);
      m.lr.setValue(0.01);
    }
    costs.push((await m.train(X, Y)).item());
  }
  return { costs, saved: await saveParams([...m.net.params, ...m.net.state]) };
}

describe('resuming training from a checkpoint', () => {
  for (const [name, rule] of Object.entries(rules)) {
    it(`with ${name}, continues bit for bit as the uninterrupted run: params, running averages and dropout masks`, async () => {
      const straight = await run(rule);
      let text = '';
      const resumed = await run(rule, async (m) => {
        text = await saveParams(trainingState(m.train));
        // a fresh program: new layers, new rule, new function, the checkpoint loaded into them
        const fresh = build(rule);
        loadParams(trainingState(fresh.train), text);
        Object.assign(m, fresh);
      });
      expect(resumed.costs).toEqual(straight.costs);
      expect(resumed.saved).toBe(straight.saved);
      // without the dropout's generator the masks after the checkpoint are drawn afresh, and the run differs
      const withoutGenerator = await run(rule, async (m) => {
        const state = trainingState(m.train).filter((v) => v instanceof sym.TensorSharedVariable);
        const fresh = build(rule);
        loadParams(trainingState(fresh.train).filter((v) => v instanceof sym.TensorSharedVariable), await saveParams(state));
        Object.assign(m, fresh);
      });
      expect(withoutGenerator.costs.slice(0, 3)).toEqual(straight.costs.slice(0, 3));
      expect(withoutGenerator.costs.slice(3)).not.toEqual(straight.costs.slice(3));
    });
  }

  it('saves a checkpoint taken while calls are in flight as after them, generators first or last', async () => {
    const awaited = build(rules.adam!);
    await awaited.train(X, Y);
    await awaited.train(X, Y);
    const inFlight = build(rules.adam!);
    void inFlight.train(X, Y);
    void inFlight.train(X, Y);
    const reversed = await saveParams([...trainingState(inFlight.train)].reverse());
    expect(reversed).toBe(await saveParams([...trainingState(awaited.train)].reverse()));
  });

  it('trainingState is every shared variable a call updates, then the generators it draws from', () => {
    const { net, train } = build(rules.adam!);
    const state = trainingState(train);
    const names = state.map((v) => (v instanceof sym.SharedRandomState ? 'generator' : v.name));
    expect(names).toEqual(['adam.t', 'h.W.adam.m', 'h.W.adam.v', 'h.W', 'h.b.adam.m', 'h.b.adam.v', 'h.b', 'bn.gamma.adam.m', 'bn.gamma.adam.v', 'bn.gamma', 'bn.beta.adam.m', 'bn.beta.adam.v', 'bn.beta', 'out.W.adam.m', 'out.W.adam.v', 'out.W', 'out.b.adam.m', 'out.b.adam.v', 'out.b', 'bn.runningMean', 'bn.runningVar', 'generator']);
    expect(state.at(-1)).toBe((net.layers[2] as Dropout).srng.stateUpdates[0]![0]);
    expect(trainingState(train.compiled)).toEqual(state);
    expect(() => trainingState((() => 1) as never)).toThrow(/^trainingState: fn must be a function sym.function made, got /);
    expect(() => trainingState(net as never)).toThrow(/^trainingState: fn must be a function sym.function made, got a layer \(Sequential\): pass the training function$/);
  });

  it('loads a generator only from a saved generator, and checks its state', async () => {
    const { train } = build(rules.adam!);
    const generator = trainingState(train).at(-1)!;
    const W = sym.shared(sym.array([[1, 2]]), { name: 'W' });
    const text = await saveParams([W, generator]);
    expect(JSON.parse(text).params[1]).toEqual({ name: null, generator: { words: expect.any(Array), spare: null } });
    const swapped: Saveable[] = [generator, W];
    expect(() => loadParams(swapped, text)).toThrow("loadParams: saved parameter 0 (W) for a random generator: a shared variable's values were saved there, not a random generator's state");
    const bad = JSON.parse(text);
    bad.params[1].generator.words = [0, 0, 0, 0];
    expect(() => loadParams([W, generator], bad)).toThrow(/^loadParams: saved parameter 1 \(a random generator\) for a random generator: RandomState.setState: expected a state from getState\(\)/);
    const before = generator instanceof sym.SharedRandomState ? generator.getValue().getState() : null;
    W.setValue(sym.array([[5, 6]]));
    expect(() => loadParams([W], text)).toThrow('loadParams: 1 parameter was given but 2 were saved (saved but not given: a random generator)');
    expect(() => loadParams([W, W as never], text)).toThrow('loadParams: saved parameter 1 (a random generator) for W: a random generator was saved there, not a shared variable\'s values');
    // nothing was set by the failed loads
    expect(Array.from(W.getValue().data)).toEqual([5, 6]);
    expect((generator as sym.SharedRandomState).getValue().getState()).toEqual(before);
  });
});
