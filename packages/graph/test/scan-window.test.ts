import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

/** acc[t] = acc[t-1] * 2 + x[t], over a window of time indices, with x[t] * 10 as a per-step output. */
function windowed(window: sym.ScanWindow | undefined, reverse: boolean) {
  const xt = T.dscalar('x[t]');
  const acc = T.dscalar('acc');
  const op = new sym.Scan({ sequences: [xt], states: [acc], nonSequences: [], outputs: [acc.mul(2).add(xt), xt.mul(10)] }, { reverse, ...(window ? { window } : {}) });
  const x = T.dvector('x');
  const a0 = T.dscalar('a0');
  const node = sym.applyNode(op, [x, a0]);
  return { op, node, f: sym.function([x, a0], node.outputs) };
}

describe("the Scan op's window (a truncated gradient's loop): only the time indices in it run", () => {
  const xs = [1, 2, 3, 4, 5];
  const cases: [sym.ScanWindow, boolean, number[], number[]][] = [
    // the last 2 indices, forwards: acc 1 -> 1*2 + 4 = 6 -> 6*2 + 5 = 17
    [{ at: 'end', length: 2 }, false, [0, 0, 0, 6, 17], [0, 0, 0, 40, 50]],
    // the last 2, backwards (index 4 first): 1*2 + 5 = 7, 7*2 + 4 = 18
    [{ at: 'end', length: 2 }, true, [0, 0, 0, 18, 7], [0, 0, 0, 40, 50]],
    [{ at: 'start', length: 3 }, false, [3, 8, 19, 0, 0], [10, 20, 30, 0, 0]],
    // longer than the loop: every index
    [{ at: 'start', length: 9 }, false, [3, 8, 19, 42, 89], [10, 20, 30, 40, 50]],
    [{ at: 'end', length: 0 }, false, [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]],
  ];
  for (const [w, reverse, states, outs] of cases) {
    it(`${JSON.stringify(w)}${reverse ? ', reverse' : ''}: lowered and performed alike, zeros elsewhere`, () => {
      const { op, node, f } = windowed(w, reverse);
      const [s, o] = f.sync(xs, 1) as sym.NDArray[];
      expect(s!.toArray()).toEqual(states);
      expect(o!.toArray()).toEqual(outs);
      const performed = op.perform([sym.array(xs, { dtype: 'float64' }), sym.array(1, { dtype: 'float64' })], node);
      expect(performed.map((p) => p.toArray())).toEqual([states, outs]);
    });
  }

  it('a windowed scan keeps its window through options, and refuses a malformed one or a bad truncateGradient', () => {
    const { op } = windowed({ at: 'end', length: 2 }, false);
    expect(op.withStep(op.inner.outputs).window).toEqual({ at: 'end', length: 2 });
    expect(() => windowed({ at: 'middle', length: 2 } as never, false)).toThrow(
      `Scan: window must be { at: 'start' | 'end', length: a non-negative integer }, got {"at":"middle","length":2}`,
    );
    const xt = T.dscalar();
    expect(() => new sym.Scan({ sequences: [xt], states: [], nonSequences: [], outputs: [xt] }, { truncateGradient: 0 })).toThrow(
      'Scan: truncateGradient must be an integer >= 1 or -1, got 0',
    );
  });
});
