import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { MLP } from './layer.js';
import { RandomState } from './random.js';
import { loadParams, saveParams } from './serialize.js';
import { adam } from './updates.js';

describe('saving and loading parameters', () => {
  it('round-trips float64 values exactly, including non-finite ones', async () => {
    const a = MLP.fromSizes([3, 5, 2], { activation: 'tanh', rng: new RandomState(1) });
    const b = MLP.fromSizes([3, 5, 2], { activation: 'tanh', rng: new RandomState(2) });
    a.layers[1]!.b.setValue([[NaN], [-Infinity]]);
    const text = await saveParams(a.params);
    expect(JSON.parse(text).format).toBe('sym-params');
    loadParams(b.params, text);
    for (let i = 0; i < a.params.length; i++) {
      expect(Array.from(b.params[i]!.getValue().data)).toEqual(Array.from(a.params[i]!.getValue().data));
    }
    expect(b.layers[1]!.b.getValue().toArray()).toEqual([[NaN], [-Infinity]]);
  });

  it('keeps negative zero, which JSON.stringify prints as 0', async () => {
    const saved = sym.shared(sym.array([-0, 0, -1e-320, -5e-324], { dtype: 'float64' }), { name: 'z' });
    const into = sym.shared(sym.array([1, 1, 1, 1], { dtype: 'float64' }), { name: 'z' });
    const text = await saveParams([saved]);
    expect(JSON.parse(text).params[0].data).toEqual(['-0', 0, -1e-320, -5e-324]);
    loadParams([into], text);
    const back = Array.from(into.getValue().data);
    expect(Object.is(back[0], -0)).toBe(true);
    expect(Object.is(back[1], 0)).toBe(true);
    expect(back.slice(2)).toEqual([-1e-320, -5e-324]);
  });

  it('loads files written before negative zero was kept', () => {
    const w = sym.shared(sym.array([1, 1, 1], { dtype: 'float64' }), { name: 'w' });
    loadParams([w], '{"format":"sym-params","version":1,"params":[{"name":"w","dtype":"float64","shape":[3],"data":[0,"NaN",-2.5]}]}');
    expect(w.getValue().toArray()).toEqual([0, NaN, -2.5]);
  });

  it('saves values an update left on the device', async () => {
    const mlp = MLP.fromSizes([2, 1], { rng: new RandomState(3) });
    const W = mlp.layers[0]!.W;
    const before = W.getValue();
    await sym.function([], [], { updates: [[W, W.mul(2)]] })();
    const saved = JSON.parse(await saveParams([W]));
    expect(saved.params[0].data).toEqual(Array.from(before.data, (v) => v * 2));
  });

  it('refuses mismatched parameters and changes nothing', async () => {
    const a = MLP.fromSizes([2, 3, 1], { rng: new RandomState(1) });
    const b = MLP.fromSizes([2, 4, 1], { rng: new RandomState(2) });
    const text = await saveParams(a.params);
    const W0 = Array.from(b.params[0]!.getValue().data);
    expect(() => loadParams(b.params, text)).toThrow(/loadParams: saved parameter 0 \(W0?\) for W: shape \(3, 2\) does not match the parameter's shape \(4, 2\)/);
    expect(Array.from(b.params[0]!.getValue().data)).toEqual(W0);
    expect(() => loadParams(b.params.slice(0, 2), text)).toThrow(/2 parameters were given but 4 were saved/);
    expect(() => loadParams(a.params, '{oops')).toThrow(/not valid JSON/);
    expect(() => loadParams(a.params, '{}')).toThrow(/expected an object with format "sym-params"/);
    const bad = JSON.parse(text);
    bad.params[1].data[0] = 'x';
    expect(() => loadParams(a.params, bad)).toThrow(/saved parameter 1 \(b\) for b, value 0: expected a number/);
  });

  it('names the parameters a count mismatch leaves out, and what came where an entry is malformed', async () => {
    const a = MLP.fromSizes([2, 3, 1], { rng: new RandomState(1), name: 'a' });
    const text = await saveParams(a.params);
    const extra = sym.shared(sym.array([1.5]), { name: 'extra' });
    expect(() => loadParams(a.params.slice(0, 3), text)).toThrow(/loadParams: 3 parameters were given but 4 were saved \(saved but not given: a1\.b\)/);
    expect(() => loadParams([...a.params, extra], text)).toThrow(/loadParams: 5 parameters were given but 4 were saved \(given but not saved: extra\)/);
    expect(() => loadParams(a.params.slice(0, 1), text)).toThrow(/loadParams: 1 parameter was given but 4 were saved/);
    const bad = JSON.parse(text);
    bad.params[1].dtype = 'float128';
    expect(() => loadParams(a.params, bad)).toThrow(/loadParams: saved parameter 1 \(a0\.b\) for a0\.b: dtype must be one of bool, .*float64, got "float128"/);
    bad.params[1] = 7;
    expect(() => loadParams(a.params, bad)).toThrow(/loadParams: saved parameter 1 \(unnamed\) for a0\.b: expected \{ name, dtype, shape, data \}, got 7/);
  });

  it("resumes training where it stopped from the saved parameters and optimizer state (every shared variable the updates write)", async () => {
    const build = () => {
      const net = MLP.fromSizes([3, 4, 1], { activation: 'tanh', rng: new RandomState(1) });
      const x = sym.T.matrix('x');
      const y = sym.T.vector('y');
      const cost = net.squaredError(x, y);
      const updates = adam(cost, net.params, { learningRate: 0.05 });
      return { net, updates, train: sym.function([x, y], cost, { updates }) };
    };
    const X = new RandomState(5).randn([3, 10]);
    const Y = new RandomState(6).randn([10]);
    const straight = build();
    for (let i = 0; i < 6; i++) await straight.train(X, Y);
    const first = build();
    for (let i = 0; i < 3; i++) await first.train(X, Y);
    const checkpoint = await saveParams(first.updates.map(([v]) => v));
    const resumed = build();
    loadParams(resumed.updates.map(([v]) => v), checkpoint);
    for (let i = 0; i < 3; i++) await resumed.train(X, Y);
    expect(await saveParams(resumed.net.params)).toBe(await saveParams(straight.net.params));
  });

  it('refuses what is not a shared variable, naming it', async () => {
    const x = sym.T.vector('x');
    await expect(saveParams([x as never])).rejects.toThrow(/saveParams: params\[0\] must be a shared variable \(or a random generator\), got x/);
    expect(() => loadParams([x as never], '{}')).toThrow(/loadParams: params\[0\] must be a shared variable \(or a random generator\), got x/);
    const net = MLP.fromSizes([2, 1], { rng: new RandomState(1) });
    await expect(saveParams(net as never)).rejects.toThrow(/saveParams: params must be a list of shared variables, got a layer \(MLP\): pass its params/);
    expect(() => loadParams(net as never, '{}')).toThrow(/loadParams: params must be a list of shared variables, got a layer \(MLP\): pass its params/);
  });

  it('loads float64 values into float32 parameters only by refusing the lossy cast', async () => {
    const a = MLP.fromSizes([2, 1], { rng: new RandomState(1) });
    const old = sym.config.floatX;
    sym.config.floatX = 'float32';
    let b: MLP;
    try {
      b = MLP.fromSizes([2, 1], { rng: new RandomState(1) });
    } finally {
      sym.config.floatX = old;
    }
    expect(() => loadParams(b.params, a.params.length ? JSON.parse(JSON.stringify({ format: 'sym-params', version: 1, params: [] })) : '')).toThrow(/2 parameters were given but 0 were saved/);
    const text = await saveParams(a.params);
    expect(() => loadParams(b.params, text)).toThrow(/saved as float64, which does not cast to float32 without loss/);
    loadParams(a.params, await saveParams(b.params));
    expect(a.params[0]!.dtype).toBe('float64');
  });
});
