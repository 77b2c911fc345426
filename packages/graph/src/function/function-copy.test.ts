/**
 * f.copy against Theano's Function.copy (the tutorial's "Copying
 * functions"): swap exchanges shared variables in the outputs, the updates
 * and the givens; deleteUpdates drops every update, default ones included;
 * a swap of a variable the function does not read, or of another type, is
 * refused naming it.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

describe('f.copy', () => {
  it("swaps the accumulator's state for another, leaving the first untouched", async () => {
    const state = sym.shared(0);
    const inc = T.iscalar('inc');
    const accumulator = sym.function([inc], state, { updates: [[state, state.add(inc)]] });
    await accumulator(10);
    const newState = sym.shared(0);
    const newAccumulator = accumulator.copy({ swap: [[state, newState]] });
    expect(Number(await newAccumulator(100))).toBe(0);
    expect(Number(newState.getValue())).toBe(100);
    expect(Number(state.getValue())).toBe(10);
    // deleteUpdates: the state is read, never written
    const nullAccumulator = accumulator.copy({ deleteUpdates: true });
    expect(Number(await nullAccumulator(9000))).toBe(10);
    expect(Number(state.getValue())).toBe(10);
    // the original still updates its own state
    await accumulator(1);
    expect(Number(state.getValue())).toBe(11);
    expect(Number(newState.getValue())).toBe(100);
  });

  it("swaps the dataset a givens replacement reads (Theano's train.copy(swap={train_x: test_x}))", async () => {
    const trainX = sym.shared(sym.array([[1, 2], [3, 4]], { dtype: 'float64' }), { name: 'train_x' });
    const testX = sym.shared(sym.array([[10, 20], [30, 40]], { dtype: 'float64' }), { name: 'test_x' });
    const i = T.iscalar('i');
    const x = T.dvector('x');
    const train = sym.function([i], x.sum(), { givens: [[x, trainX.get(i)]], updates: [[trainX, trainX.add(0.5)]] });
    const test = train.copy({ swap: [[trainX, testX]], deleteUpdates: true, name: 'test' });
    expect(Number(await test(1))).toBe(70);
    expect(Number(await test(1))).toBe(70);
    expect(Number(await train(1))).toBe(7);
    expect(Number(await train(1))).toBe(8);
    expect(testX.getValue().toArray()).toEqual([[10, 20], [30, 40]]);
    expect(test.compiled.name).toBe('test');
  });

  it('without updates, a random variable draws the same numbers at every call', async () => {
    const srng = new sym.RandomStreams(234);
    const u = srng.uniform([3]);
    const f = sym.function([], u);
    const frozen = f.copy({ deleteUpdates: true });
    const a = (await frozen()).toArray();
    expect((await frozen()).toArray()).toEqual(a);
    expect((await f()).toArray()).toEqual(a);
    expect((await f()).toArray()).not.toEqual(a);
  });

  it('refuses a swap of a shared variable the function does not read, or of another type', () => {
    const state = sym.shared(0, { name: 'state' });
    const other = sym.shared(0, { name: 'other' });
    const f = sym.function([], state.mul(2));
    expect(() => f.copy({ swap: [[other, state]] })).toThrow('function.copy: swap replaces other, which is not a shared variable of the function (its shared variables: state)');
    const real = sym.shared(sym.array(0, { dtype: 'float64' }), { name: 'real' });
    expect(() => f.copy({ swap: [[state, real]] })).toThrow('function.copy: swap replaces state (TensorType(int64, scalar)) with real of another type, TensorType(float64, scalar)');
    expect(() => f.copy({ swapped: [] } as never)).toThrow(/copy/);
  });

  it("refuses a swap of a random generator naming it and the way to other draws (was 'swap replaces [object Object] ... (its shared variables: none)')", () => {
    const u = new sym.RandomStreams(1).uniform([2]);
    const other = new sym.RandomStreams(2).uniform([2]);
    const f = sym.function([], u);
    expect(() => f.copy({ swap: [[u.rng, other.rng]] as never })).toThrow(
      "function.copy: swap replaces a random generator (a RandomStreams variable's rng); a copy swaps tensor shared variables only, and its random variables draw from the function's generators. For other draws, build the graph again from another RandomStreams",
    );
  });
});
