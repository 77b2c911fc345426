/**
 * Every example of Theano's documentation page "More Examples"
 * (tutorial/examples.html): the logistic function two ways, a function of
 * several outputs, inputs with default values (`In`, Theano's `Param`),
 * shared variables and updates, `givens`, copying functions, random
 * streams (no_default_updates, seeding one variable or all, sharing
 * streams between functions, copying random state between graphs) and the
 * logistic regression, checked against the values the page prints and a
 * plain float64 reference.
 *
 * The page's keyword arguments, f(33, w_by_name=1), are a last object of
 * input names: f(33, { w_by_name: 1 }). Not portable as written: the
 * RandomStream numbers themselves (sym's generator is its own: the checks
 * are the page's relations between draws, not NumPy's values).
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from './test-support.js';

const T = sym.T;
type Matrix = number[][];

const valueOf = async (f: sym.SymFunction, ...args: unknown[]): Promise<unknown> => ((await f(...(args as never[]))) as sym.NDArray).toArray();
const logisticOf = (v: number): number => 1 / (1 + Math.exp(-v));

describe("Theano's More Examples page", () => {
  it('the logistic function, elementwise on a matrix of doubles, and its tanh form', async () => {
    const x = T.dmatrix('x');
    const s = T.div(1, T.add(1, T.exp(x.neg())));
    const logistic = sym.function([x], s);
    const input = [[0, 1], [-1, -2]];
    const out = (await valueOf(logistic, input)) as Matrix;
    // array([[ 0.5       ,  0.73105858], [ 0.26894142,  0.11920292]])
    expect(sym.reprValue(await logistic(input))).toBe('array([[0.5       , 0.73105858],\n       [0.26894142, 0.11920292]])');
    input.forEach((row, i) => row.forEach((v, j) => expect(out[i]![j]).toBeCloseTo(logisticOf(v), 15)));
    const s2 = T.div(T.add(1, T.tanh(x.div(2))), 2);
    const logistic2 = sym.function([x], s2);
    const out2 = (await valueOf(logistic2, input)) as Matrix;
    expect(maxAbsDiff(out2.flat(), out.flat())).toBeLessThan(1e-15);
  });

  it('computes more than one thing at once: diff, abs_diff and diff squared of two dmatrices', async () => {
    const [a, b] = T.dmatrices('a', 'b');
    const diff = a!.sub(b!);
    const absDiff = T.abs(diff);
    const diffSquared = diff.pow(2);
    const f = sym.function([a!, b!], [diff, absDiff, diffSquared]);
    const outs = (await f([[1, 1], [1, 1]], [[0, 1], [2, 3]])).map((o) => o.toArray());
    expect(outs).toEqual([
      [[1, 0], [-1, -2]],
      [[1, 0], [1, 2]],
      [[1, 0], [1, 4]],
    ]);
    expect((await f([[1, 1], [1, 1]], [[0, 1], [2, 3]])).map((o) => o.dtype)).toEqual(['float64', 'float64', 'float64']);
  });

  it('a default value for an argument: Param(y, default=1)', async () => {
    const [x, y] = T.dscalars('x', 'y');
    const z = x!.add(y!);
    const f = sym.function([x!, sym.In(y!, { value: 1 })], z);
    expect(sym.reprValue(await f(33))).toBe('array(34.)'); // array(34.0)
    expect(sym.reprValue(await f(33, 2))).toBe('array(35.)'); // array(35.0)
  });

  it('several defaults, one renamed w_by_name: positional calls and keyword calls by input name', async () => {
    const [x, y, w] = T.dscalars('x', 'y', 'w');
    const z = x!.add(y!).mul(w!);
    const f = sym.function([x!, sym.In(y!, { value: 1 }), sym.In(w!, { value: 2, name: 'w_by_name' })], z);
    expect(sym.reprValue(await f(33))).toBe('array(68.)'); // array(68.0)
    expect(sym.reprValue(await f(33, 2))).toBe('array(70.)'); // array(70.0)
    expect(sym.reprValue(await f(33, 0, 1))).toBe('array(33.)'); // array(33.0)
    expect(sym.reprValue(await f(33, { w_by_name: 1 }))).toBe('array(34.)'); // f(33, w_by_name=1): array(34.0)
    expect(sym.reprValue(await f(33, { w_by_name: 1, y: 0 }))).toBe('array(33.)'); // f(33, w_by_name=1, y=0): array(33.0)
    // the variable's own name is not the input's once In renames it, as in Theano
    await expect(f(33, { w: 1 })).rejects.toThrow("function: no input is named w; its inputs' names are x, y, w_by_name (w is the variable of input 2, which sym.In named w_by_name: use that name)");
  });

  it('shared variables: the accumulator returns the old state and updates it; set_value resets it; a decrementor shares it', async () => {
    const state = sym.shared(0);
    const inc = T.iscalar('inc');
    const accumulator = sym.function([inc], state, { updates: [[state, state.add(inc)]] });
    expect(sym.reprValue(state.getValue())).toBe('array(0)');
    expect(state.dtype).toBe('int64'); // NumPy's int of a Python 0 on a 64-bit machine
    expect(sym.reprValue(await accumulator(1))).toBe('array(0)');
    expect(Number(state.getValue())).toBe(1);
    expect(Number(await accumulator(300))).toBe(1);
    expect(Number(state.getValue())).toBe(301);
    state.setValue(-1);
    expect(Number(await accumulator(3))).toBe(-1);
    expect(Number(state.getValue())).toBe(2);
    const decrementor = sym.function([inc], state, { updates: [[state, state.sub(inc)]] });
    expect(Number(await decrementor(2))).toBe(2);
    expect(Number(state.getValue())).toBe(0);
  });

  it("givens: state * 2 + inc with foo (a scalar of state's dtype) in place of the shared state", async () => {
    const state = sym.shared(0);
    const inc = T.iscalar('inc');
    const fnOfState = state.mul(2).add(inc);
    // T.scalar(dtype=state.dtype)
    const foo = T.scalar(undefined, state.dtype);
    const skipShared = sym.function([inc, foo], fnOfState, { givens: [[state, foo]] });
    expect(sym.reprValue(await skipShared(1, 3))).toBe('array(7)'); // we're using 3 for the state, not state.value
    expect(Number(state.getValue())).toBe(0); // old state still there, but we didn't use it
    // foo must match the shared variable's type: a floatX scalar is refused, naming the cast
    expect(() => sym.function([inc, T.dscalar('bar')], fnOfState, { givens: [[state, T.dscalar('bar')]] })).toThrow(/givens replaces .* \(TensorType\(int64, scalar\)\) with an expression of type TensorType\(float64, scalar\); cast it with \.astype\('int64'\)/);
  });

  it('copying functions: copy(swap={state: new_state}) and copy(delete_updates=True)', async () => {
    const state = sym.shared(0);
    const inc = T.iscalar('inc');
    const accumulator = sym.function([inc], state, { updates: [[state, state.add(inc)]] });
    await accumulator(10);
    expect(Number(state.getValue())).toBe(10);
    const newState = sym.shared(0);
    const newAccumulator = accumulator.copy({ swap: [[state, newState]] });
    expect(sym.reprValue(await newAccumulator(100))).toBe('array(0)');
    expect(Number(newState.getValue())).toBe(100);
    expect(Number(state.getValue())).toBe(10); // the first function's state is left untouched
    const nullAccumulator = accumulator.copy({ deleteUpdates: true });
    expect(sym.reprValue(await nullAccumulator(9000))).toBe('array(10)');
    expect(Number(state.getValue())).toBe(10); // no longer updated
  });

  describe('random numbers', () => {
    const srng = new sym.RandomStreams(234);
    const rvU = srng.uniform([2, 2]);
    const rvN = srng.normal([2, 2]);
    const f = sym.function([], rvU);
    const g = sym.function([], rvN, { noDefaultUpdates: true }); // not updating rv_n.rng
    const nearlyZeros = sym.function([], rvU.add(rvU).sub(rvU.mul(2)));
    const draw = async (fn: sym.SymFunction): Promise<number[]> => (((await fn()) as sym.NDArray).toArray() as number[][]).flat();

    it('f draws new uniforms at every call; g, without default updates, the same normals; rv_u is drawn once per call', async () => {
      const [fVal0, fVal1] = [await draw(f), await draw(f)];
      expect(fVal1).not.toEqual(fVal0);
      for (const v of [...fVal0, ...fVal1]) expect(v >= 0 && v < 1).toBe(true);
      const [gVal0, gVal1] = [await draw(g), await draw(g)];
      expect(gVal1).toEqual(gVal0);
      expect(gVal0.some((v) => v < 0)).toBe(true); // normals, not the uniforms
      // the three rv_u of one call are one draw: exactly zero here (u + u - 2u of the same u)
      expect(await draw(nearlyZeros)).toEqual([0, 0, 0, 0]);
    });

    it('seeds one variable through rv_u.rng, or all through srng.seed', async () => {
      const rngVal = rvU.rng.getValue({ borrow: true });
      rngVal.seed(89234);
      rvU.rng.setValue(rngVal, { borrow: true });
      const afterSeed = await draw(f);
      rvU.rng.setValue(new sym.RandomState(89234));
      expect(await draw(f)).toEqual(afterSeed);
      srng.seed(902340); // seeds rv_u and rv_n with different seeds each
      const [u1, n1] = [await draw(f), await draw(g)];
      srng.seed(902340);
      expect(await draw(f)).toEqual(u1);
      expect(await draw(g)).toEqual(n1);
      expect(u1).not.toEqual(afterSeed);
    });

    it("shares streams between functions: nearly_zeros moves f's generator; restoring its state replays f", async () => {
      const stateAfterV0 = rvU.rng.getValue().getState();
      await nearlyZeros(); // this affects rv_u's generator
      const v1 = await draw(f);
      const rng = rvU.rng.getValue({ borrow: true });
      rng.setState(stateAfterV0);
      rvU.rng.setValue(rng, { borrow: true });
      const v2 = await draw(f); // v2 != v1
      const v3 = await draw(f); // v3 == v1
      expect(v2).not.toEqual(v1);
      expect(v3).toEqual(v1);
    });
  });

  it("copies random state between graphs: state_updates' generators set from the first graph's", async () => {
    class Graph {
      readonly rng: sym.RandomStreams;
      readonly y: sym.TensorVariable;
      constructor(seed = 123) {
        this.rng = new sym.RandomStreams(seed);
        this.y = this.rng.uniform([1]);
      }
    }
    const g1 = new Graph(123);
    const f1 = sym.function([], g1.y);
    const g2 = new Graph(987);
    const f2 = sym.function([], g2.y);
    // by default, the two functions are out of sync
    expect((await f1()).toArray()).not.toEqual((await f2()).toArray());
    const copyRandomState = (from: Graph, to: Graph): void => {
      from.rng.stateUpdates.forEach(([rng], i) => to.rng.stateUpdates[i]![0].setValue(rng.getValue()));
    };
    copyRandomState(g1, g2);
    const [a, b] = [(await f1()).toArray(), (await f2()).toArray()];
    expect(b).toEqual(a);
    expect((await f2()).toArray()).toEqual((await f1()).toArray());
  });

  it('a real example: logistic regression trained by gradient descent, as a float64 reference loop', async () => {
    // the page's N = 400, feats = 784, 10000 steps, smaller here; its numpy.random data from sym's RandomState
    const [N, feats, trainingSteps] = [60, 12, 200];
    const rng = new sym.RandomState(7);
    const D: [sym.NDArray, sym.NDArray] = [rng.randn([N, feats]), rng.randint(0, 2, [N]) as sym.NDArray];
    const x = T.dmatrix('x');
    const y = T.dvector('y');
    const w = sym.shared(rng.randn(feats), { name: 'w' });
    // theano.shared(0.): Python's 0. is a float, JavaScript's 0 is not: the dtype is given
    const b0 = sym.shared(0, { name: 'b', dtype: 'float64' });
    const w0 = (w.getValue().toArray() as number[]).slice();
    const p1 = T.div(1, T.add(1, T.exp(T.dot(x, w).neg().sub(b0)))); // probability that target = 1
    const prediction = T.gt(p1, 0.5);
    const xent = y.neg().mul(T.log(p1)).sub(T.sub(1, y).mul(T.log(T.sub(1, p1))));
    const cost = xent.mean().add(w.pow(2).sum().mul(0.01));
    const [gw, gb] = grad(cost, [w, b0]);
    const train = sym.function([x, y], [prediction, xent], { updates: [[w, w.sub(gw!.mul(0.1))], [b0, b0.sub(gb!.mul(0.1))]] });
    const predict = sym.function([x], prediction);
    for (let i = 0; i < trainingSteps; i++) await train(D[0], D[1]);

    // the reference: the same steps in plain float64
    const X = D[0].toArray() as Matrix;
    const Y = (D[1].toArray() as number[]).map(Number);
    const W = w0.slice();
    let B = 0;
    for (let step = 0; step < trainingSteps; step++) {
      const p = X.map((row) => logisticOf(row.reduce((s, v, j) => s + v * W[j]!, 0) + B));
      const dz = p.map((pi, n) => (pi - Y[n]!) / N);
      const gW = W.map((wj, j) => X.reduce((s, row, n) => s + row[j]! * dz[n]!, 0) + 0.02 * wj);
      const gB = dz.reduce((s, v) => s + v, 0);
      W.forEach((_, j) => (W[j] = W[j]! - 0.1 * gW[j]!));
      B -= 0.1 * gB;
    }
    expect(maxAbsDiff(w.getValue().toArray() as number[], W)).toBeLessThan(1e-12);
    expect(Number(b0.getValue())).toBeCloseTo(B, 12);
    const predicted = (await predict(D[0])) as sym.NDArray;
    expect(predicted.dtype).toBe('bool');
    const expected = X.map((row) => logisticOf(row.reduce((s, v, j) => s + v * W[j]!, 0) + B) > 0.5);
    expect((predicted.toArray() as boolean[]).map(Boolean)).toEqual(expected);
    // trained, the model fits most of its own training set
    expect(expected.filter((p, n) => Number(p) === Y[n]).length).toBeGreaterThan(0.8 * N);
  });
});
