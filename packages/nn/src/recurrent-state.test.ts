/**
 * `outputWithState`: the states after the last step (Keras's
 * `return_state=True`), what truncated backpropagation through time
 * carries from one chunk of a sequence to the next. Checked by the chunks
 * themselves: two chunks run one after the other, the second started from
 * the first's states, give the states and outputs of the whole sequence in
 * one call (whose values recurrent.test.ts checks against the equations).
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad } from '@sym/grad';
import { RandomState } from './random.js';
import { GRU, LSTM, SimpleRNN, type Recurrent, type RecurrentOptions } from './recurrent.js';

const T = sym.T;
type Kind = 'SimpleRNN' | 'LSTM' | 'GRU';
const KINDS: Kind[] = ['SimpleRNN', 'LSTM', 'GRU'];
const [BATCH, STEPS, N_IN, N_HID] = [2, 6, 3, 4];

function layer(kind: Kind, options: RecurrentOptions = {}): Recurrent {
  const rng = new RandomState(KINDS.indexOf(kind) + 7);
  const make = { SimpleRNN, LSTM, GRU }[kind];
  return make.create(N_IN, N_HID, { rng, ...options });
}

const X = new RandomState(3).normal([BATCH, STEPS, N_IN]);
const chunk = (from: number, to: number): sym.NDArray => sym.array((X.toArray() as number[][][]).map((ex) => ex.slice(from, to)));
const close = (a: sym.NDArray, b: sym.NDArray): number => Math.max(0, ...Array.from(a.data as Float64Array, (v, i) => Math.abs(v - Number(b.data[i]))));

describe.each(KINDS)('%s.outputWithState', (kind) => {
  it.each([false, true])('two chunks, the second started from the first one\'s h (and c), give the whole sequence\'s states (returnSequences %s)', async (returnSequences) => {
    const net = layer(kind, { returnSequences });
    const x = T.tensor3('x');
    const h0 = T.matrix('h0');
    const c0 = T.matrix('c0');
    const whole = net.outputWithState(x);
    const part = net.outputWithState(x, kind === 'LSTM' ? { h0, c0 } : { h0 });
    expect(whole.c === undefined).toBe(kind !== 'LSTM');
    const wholeF = sym.function([x], [whole.output, whole.h, ...(whole.c ? [whole.c] : [])]);
    const partF = sym.function(kind === 'LSTM' ? [x, h0, c0] : [x, h0], [part.output, part.h, ...(part.c ? [part.c] : [])]);
    const [out, h, c] = (await wholeF(X)) as sym.NDArray[];
    const zeros = sym.NDArray.zeros([BATCH, N_HID], 'float64');
    const [out1, h1, c1] = (await partF(chunk(0, 2), zeros, ...(kind === 'LSTM' ? [zeros] : []))) as sym.NDArray[];
    const [out2, h2, c2] = (await partF(chunk(2, STEPS), h1!, ...(kind === 'LSTM' ? [c1!] : []))) as sym.NDArray[];
    expect(h!.shape).toEqual([BATCH, N_HID]);
    expect(close(h2!, h!)).toBeLessThan(1e-14);
    if (kind === 'LSTM') expect(close(c2!, c!)).toBeLessThan(1e-14);
    // the output is output()'s: the last state, or every state
    const plain = (await sym.function([x], net.output(x))(X)) as sym.NDArray;
    expect(close(out!, plain)).toBeLessThan(1e-14);
    if (returnSequences) {
      const rows = (a: sym.NDArray) => (a.toArray() as number[][][]).map((ex) => ex.at(-1));
      expect(rows(out!)).toEqual((h!.toArray() as number[][]));
      expect(out1!.shape).toEqual([BATCH, 2, N_HID]);
      expect(close(sym.array((out!.toArray() as number[][][]).map((ex) => ex.slice(2))), out2!)).toBeLessThan(1e-14);
    } else {
      expect(close(out!, h!)).toBe(0);
    }
  });

  it('runs one loop for the output and the states, with timeMajor and goBackwards too; no steps gives h0 (and c0)', async () => {
    for (const options of [{ returnSequences: true, timeMajor: true }, { returnSequences: true, goBackwards: true }, { goBackwards: true }]) {
      const net = layer(kind, options);
      const x = T.tensor3('x');
      const { output, h, c } = net.outputWithState(x, { h0: [0.1, -0.2, 0.3, 0.4], ...(kind === 'LSTM' ? { c0: [0.5, 0, -0.5, 1] } : {}) });
      const outs = [output, h, ...(c ? [c] : [])];
      const f = sym.function([x], outs);
      const scans = new Set<sym.Op>();
      const visit = (v: sym.TensorVariable): void => {
        if (v.owner?.op instanceof sym.Scan) scans.add(v.owner.op);
        v.owner?.inputs.forEach(visit);
      };
      outs.forEach(visit);
      expect(scans.size).toBe(1);
      const input = options.timeMajor ? sym.array((X.toArray() as number[][][])[0]!.map((_, t) => (X.toArray() as number[][][]).map((ex) => ex[t]!))) : X;
      const [o, hv] = (await f(input)) as sym.NDArray[];
      if (options.returnSequences) {
        const seq = o!.toArray() as number[][][];
        // the last state computed: the last row of the steps axis, in the input's layout
        expect(options.timeMajor ? seq.at(-1) : seq.map((ex) => ex.at(-1))).toEqual(hv!.toArray());
      } else expect(close(o!, hv!)).toBe(0);
      const empty = (await f(sym.NDArray.zeros(options.timeMajor ? [0, BATCH, N_IN] : [BATCH, 0, N_IN], 'float64'))) as sym.NDArray[];
      expect(empty[1]!.toArray()).toEqual([0, 1].map(() => [0.1, -0.2, 0.3, 0.4]));
      if (kind === 'LSTM') expect(empty[2]!.toArray()).toEqual([0, 1].map(() => [0.5, 0, -0.5, 1]));
    }
  });

  it('differentiates through the carried states: the gradient of the states after a chunk is its finite differences', async () => {
    const net = layer(kind, { returnSequences: true });
    const x = T.tensor3('x');
    const { output, h, c } = net.outputWithState(x);
    // a cost reading the sequence and both final states, so that the loop's gradient runs through every kept output
    const cost = T.sum(output.mul(output)).add(T.sum(h.mul(0.7))).add(c ? T.sum(T.tanh(c)) : 0);
    const gW = sym.function([x], grad(cost, net.W));
    const costF = sym.function([x], cost);
    const got = (await gW(X)) as sym.NDArray;
    const W = net.W.getValue().copy();
    const eps = 1e-6;
    for (const i of [0, 5, W.size - 1]) {
      const at = (delta: number) => {
        const moved = W.copy();
        moved.data[i] = Number(moved.data[i]) + delta;
        net.W.setValue(moved);
        return costF(X);
      };
      const numeric = ((await at(eps)).item() - (await at(-eps)).item()) / (2 * eps);
      expect(Math.abs(numeric - Number(got.data[i]))).toBeLessThan(1e-7);
    }
    net.W.setValue(W);
  });
});

it('outputWithState refuses an unknown option as output does', () => {
  expect(() => layer('GRU').outputWithState(T.tensor3('x'), { c0: [0, 0, 0, 0] })).toThrow(/GRU.outputWithState: unknown option "c0"/);
});
