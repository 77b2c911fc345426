/**
 * Each recurrent layer, under a dense read-out in a `Sequential`, learns a
 * task that needs both memory and a nonlinearity: the parity (XOR) of the
 * last two bits of a sequence of bits. Trained with Adam on the CPU.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { Dense } from './dense.js';
import { binaryCrossentropy } from './losses.js';
import { RandomState } from './random.js';
import { GRU, LSTM, SimpleRNN } from './recurrent.js';
import { Sequential } from './sequential.js';
import { loadParams, saveParams } from './serialize.js';
import { adam } from './updates.js';

const T = sym.T;
const [STEPS, HIDDEN] = [6, 8];

/** `count` sequences of random bits, (count, steps, 1), and the XOR of each one's last two bits. */
function parityOfLastTwo(rng: RandomState, count: number): { x: sym.NDArray; t: sym.NDArray } {
  const bits = rng.randomIntegers(0, 1, [count, STEPS]).toArray() as number[][];
  return {
    x: sym.array(bits.map((row) => row.map((b) => [b])), { dtype: 'float64' }),
    t: sym.array(bits.map((row) => row[STEPS - 1]! ^ row[STEPS - 2]!), { dtype: 'float64' }),
  };
}

const LAYERS = { SimpleRNN, LSTM, GRU };

function network(kind: keyof typeof LAYERS, seed: number): Sequential {
  const rng = new RandomState(seed);
  return new Sequential([
    // one example per row, as the recurrent layers give it
    LAYERS[kind].create(1, HIDDEN, { rng, name: 'rnn' }),
    Dense.create(HIDDEN, 1, { activation: 'sigmoid', rng, name: 'out' }),
  ]);
}

describe.each(['SimpleRNN', 'LSTM', 'GRU'] as const)('%s in a Sequential under a dense sigmoid read-out', (kind) => {
  it('learns the parity of the last two bits (cost from ln 2 to near 0, every unseen sequence right), and its params save and load', async () => {
    const net = network(kind, 1);
    expect(net.params.map(String)).toEqual(['rnn.W', 'rnn.U', 'rnn.b', 'out.W', 'out.b']);
    const x = T.tensor3('x');
    const t = T.vector('t');
    const p = net.output(x).flatten();
    const cost = binaryCrossentropy(p, t);
    const train = sym.function([x, t], cost, { updates: adam(cost, net.params, { learningRate: 0.05 }) });
    const train64 = parityOfLastTwo(new RandomState(5), 64);
    const costs: number[] = [];
    for (let i = 0; i < 150; i++) costs.push(((await train(train64.x, train64.t)) as sym.NDArray).item());
    // an untrained network guesses: about ln 2 = 0.69
    expect(costs[0]).toBeGreaterThan(0.5);
    expect(costs.at(-1)).toBeLessThan(0.05);

    const unseen = parityOfLastTwo(new RandomState(6), 200);
    const predict = sym.function([x], p);
    const guesses = Array.from(((await predict(unseen.x)) as sym.NDArray).data, (v) => (v > 0.5 ? 1 : 0));
    expect(guesses).toEqual(Array.from(unseen.t.data));

    // a network of other weights, given the trained parameters, predicts the same
    const copy = network(kind, 2);
    const pCopy = copy.output(x).flatten();
    const gap = sym.function([x], T.max(T.abs(p.sub(pCopy))));
    expect(((await gap(unseen.x)) as sym.NDArray).item()).toBeGreaterThan(1e-3);
    loadParams(copy.params, await saveParams(net.params));
    expect(((await gap(unseen.x)) as sym.NDArray).item()).toBe(0);
  });
});
