/**
 * scan's `strict` (Theano's strict=True, the Loop tutorial's Gibbs step
 * with `non_sequences=[W, bvis, bhid], strict=True`): a shared variable the
 * step reads must be passed to it; read by closure it is an error naming it.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

describe('scan: strict', () => {
  const W = sym.shared(sym.array([[1, 2], [3, 4]], { dtype: 'float64' }), { name: 'W' });
  const v0 = T.dvector('v0');

  it('runs a step that receives every shared variable it reads, as without strict', () => {
    const [passed] = sym.scan((v: sym.TensorVariable, w: sym.TensorVariable) => T.dot(v, w), { outputsInfo: v0, nonSequences: [W], nSteps: 2, strict: true });
    const [closure] = sym.scan((v: sym.TensorVariable) => T.dot(v, W), { outputsInfo: v0, nSteps: 2 });
    const f = sym.function([v0], [passed, closure]);
    const [a, b] = f.sync([1, -1]);
    // [1, -1]·W = [-2, -2]; ·W again = [-8, -12]
    expect(a!.toArray()).toEqual([[-2, -2], [-8, -12]]);
    expect(b!.toArray()).toEqual(a!.toArray());
  });

  it('refuses a shared variable the step reads by closure, naming it', () => {
    const b = sym.shared(sym.array([0.5, 0.5], { dtype: 'float64' }), { name: 'bvis' });
    expect(() => sym.scan((v: sym.TensorVariable, w: sym.TensorVariable) => T.dot(v, w).add(b), { outputsInfo: v0, nonSequences: [W], nSteps: 2, strict: true })).toThrow(
      "scan: strict is set, but the step reads the shared variable(s) bvis without receiving them; pass them in nonSequences (and take them as the step's last arguments), or leave strict out to let scan pass them itself",
    );
    // an outer variable that is not shared is still passed by scan itself, as Theano's strict is about shared variables
    const c = T.dvector('c');
    const [out] = sym.scan((v: sym.TensorVariable) => v.add(c), { outputsInfo: v0, nSteps: 2, strict: true });
    expect(sym.function([v0, c], out).sync([1, 2], [10, 20]).toArray()).toEqual([[11, 22], [21, 42]]);
  });
});
