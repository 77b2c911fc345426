/**
 * A Theano step may return `(outputs, updates)`: hmc.py's leapfrog returns
 * `[new_pos, new_vel], {}`. With no updates the outputs are the step's
 * result, in either order and with the updates as a dict, a Map or a list
 * of pairs; updates of shared variables are taken (scan-shared-updates.test.ts),
 * except in a plain object, whose keys are strings.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

type V = sym.TensorVariable;
type Step = (...a: V[]) => V[];

describe('scan: a step that returns (outputs, updates)', () => {
  const x = T.dvector('x');
  const run = (outs: V | V[]) => sym.function([x], Array.isArray(outs) ? outs : [outs]).sync([1, 2]);

  it('takes [outputs, {}] as the outputs (hmc.py leapfrog), with taps too', () => {
    // typed: the overload for Theano's pair
    const [[p, v]] = sym.scan((pos: V, vel: V): [V[], {}] => [[pos.add(vel), vel.mul(2)], {}], { outputsInfo: [x, x], nSteps: 3 });
    const [pv, vv] = run([p!, v!]);
    expect(pv!.toArray()).toEqual([[2, 4], [4, 8], [8, 16]]);
    expect(vv!.toArray()).toEqual([[2, 4], [4, 8], [8, 16]]);
    const f0 = T.dvector('f0');
    const [fib] = sym.scan(((a: V, b: V) => [a.add(b), {}]) as unknown as Step, { outputsInfo: { initial: f0, taps: [-2, -1] }, nSteps: 3 });
    expect(sym.function([f0], fib as unknown as V).sync([0, 1]).toArray()).toEqual([1, 2, 3]);
  });

  it('takes one output beside empty updates, in either order, as a dict, a Map or a list', () => {
    for (const pack of [(o: V) => [o, {}], (o: V) => [{}, o], (o: V) => [o, new Map()], (o: V) => [o, []], (o: V) => [[o], []]]) {
      const [s] = sym.scan(((a: V) => pack(a.add(1))) as unknown as Step, { outputsInfo: [x], nSteps: 2 });
      // outputs given as a list of one come back as a list of one, as a step that returns [o] alone
      const out = Array.isArray(s) ? s[0]! : s;
      expect(run(out)[0]!.toArray()).toEqual([[2, 3], [3, 4]]);
    }
  });

  it('takes updates beside the outputs as a Map or a list of pairs (scan-shared-updates.test.ts has the rest); a plain object is refused, naming its keys', () => {
    const k = sym.shared(sym.array(0, { dtype: 'float64' }), { name: 'k' });
    for (const pack of [(a: V) => [a.add(k), new Map([[k, k.add(1)]])], (a: V) => [[a.add(k)], [[k, k.add(1)]]]]) {
      k.setValue(sym.array(0, { dtype: 'float64' }));
      const [s, updates] = sym.scan(pack as unknown as Step, { outputsInfo: [x], nSteps: 2 });
      const out = Array.isArray(s) ? s[0]! : s;
      expect(sym.function([x], [out], { updates }).sync([1, 2])[0]!.toArray()).toEqual([[1, 2], [2, 3]]);
      expect(k.getValue().toArray()).toBe(2);
    }
    expect(() => sym.scan(((a: V) => [a.add(1), { k: k.add(1) }]) as unknown as Step, { outputsInfo: [x], nSteps: 2 })).toThrow(
      "scan: the step returned updates of k beside its outputs (Theano's (outputs, updates)) as a plain object, whose keys are strings, not shared variables; return them as a Map (new Map([[k, k.add(1)]])) or a list of [shared variable, new value] pairs",
    );
  });
});
