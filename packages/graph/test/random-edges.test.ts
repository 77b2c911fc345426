/**
 * RandomStreams at its edges: reseeding and replacing a generator while
 * asynchronous calls are queued (the program's order, as for shared
 * variables), a variable copied by cloneReplace with another size, a scan
 * step's variables whose size reads the step's values or another of its
 * variables, a loop of no steps, and parameters of more dimensions than
 * the size.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

type V = sym.TensorVariable;
const values = (a: sym.NDArray | sym.NDArray[]): number[] => Array.from((a as sym.NDArray).data as ArrayLike<number>);

/** The next `n` float64 uniforms of a generator in state `state`, and the state after them. */
function uniforms(state: sym.RandomStateSnapshot, n: number): { values: number[]; state: sym.RandomStateSnapshot } {
  const r = new sym.RandomState();
  r.setState(state);
  const out = new Float64Array(n);
  r.fillUniform(out);
  return { values: [...out], state: r.getState() };
}

describe('RandomStreams and queued calls: changes keep the program order', () => {
  it('srng.seed after an asynchronous call: the call draws from the old state, the next from the new seed', async () => {
    const srng = new sym.RandomStreams(1);
    const u = srng.uniform([3]);
    const f = sym.function([], u);
    const before = uniforms(u.rng.getValue().getState(), 3).values;
    srng.seed(5);
    const afterSeed = uniforms(u.rng.getValue().getState(), 3).values;
    srng.seed(1);
    const pending = f();
    srng.seed(5);
    expect(values(await pending)).toEqual(before);
    expect(values(await f())).toEqual(afterSeed);
  });

  it('rng.setValue while a call is queued takes effect after it; getValue refuses until the call ends', async () => {
    const u = new sym.RandomStreams(2).uniform([4]);
    const f = sym.function([], u);
    const first = uniforms(u.rng.getValue().getState(), 4).values;
    const pending = f();
    expect(() => u.rng.getValue()).toThrow(/a call that draws from this generator has not finished/);
    const seven = new sym.RandomState(7);
    u.rng.setValue(seven);
    // the value the queued setValue will set is known
    expect(u.rng.getValue().getState()).toEqual(seven.getState());
    expect(values(await pending)).toEqual(first);
    expect(values(await f())).toEqual(uniforms(seven.getState(), 4).values);
    expect(() => u.rng.getValue()).not.toThrow();
  });

  it('a call with noDefaultUpdates does not move the generator: getValue answers while it is queued', async () => {
    const u = new sym.RandomStreams(3).uniform([2]);
    const g = sym.function([], u, { noDefaultUpdates: true });
    const state = u.rng.getValue().getState();
    const pending = g();
    expect(u.rng.getValue().getState()).toEqual(state);
    expect(values(await pending)).toEqual(uniforms(state, 2).values);
  });
});

describe('RandomStreams: one variable, one sample per call', () => {
  it('a copy of the graph with another size, used beside the original, is refused with both sizes', () => {
    const srng = new sym.RandomStreams(4);
    const x = T.vector('x');
    const x2 = T.vector('x2');
    const rv = srng.uniform(x.shape);
    const [copy] = sym.cloneReplace([rv], new Map([[x, x2]]));
    expect(() => sym.function([x, x2], [rv, copy!]).sync([1, 2], [1, 2, 3, 4, 5])).toThrow(/one random variable is drawn with two sizes in one function, \(2,\) and \(5,\)/);
    // the same size: the same sample
    const [a, b] = sym.function([x, x2], [rv, copy!]).sync([1, 2], [3, 4]) as sym.NDArray[];
    expect(values(b!)).toEqual(values(a!));
  });

  it('refuses a parameter of more dimensions than the size, naming it (NumPy and Theano refuse it too)', () => {
    const srng = new sym.RandomStreams(5);
    const m = T.matrix('m');
    expect(() => srng.binomial([3], { p: m })).toThrow(/binomial: p \(m, type TensorType\(float64, matrix\)\) has 2 dimensions, more than the size's 1/);
    expect(() => srng.binomial([3], { n: 4, p: m })).toThrow(/binomial: p \(m/);
    expect(() => srng.uniform([3], { high: m })).toThrow(/uniform: high \(m/);
    expect(() => srng.normal([], { std: T.vector('s') })).toThrow(/normal: std \(s, type TensorType\(float64, vector\)\) has 1 dimensions, more than the size's 0/);
    expect(srng.uniform([2, 3], { low: T.vector('lo') }).ndim).toBe(2);
  });
});

describe('RandomStreams in a scan step', () => {
  it("refuses a size read from the value of a state or a sequence's step, naming it", () => {
    const srng = new sym.RandomStreams(6);
    expect(() => sym.scan((k: V) => [k.add(1), T.shapeI(srng.uniform([k]), 0)], { outputsInfo: [T.constant(1, { dtype: 'int64' }), null], nSteps: 3 })).toThrow(
      /scan: the size of RandomFunction\{uniform\} made in the step reads the value of .* \(the previous value of output 0\), not only its shape/,
    );
    expect(() => sym.scan((n: V) => srng.normal([n]), { sequences: T.lvector('ns') })).toThrow(/reads the value of .* \(the step of sequence 0\)/);
  });

  it("moves the generator past every step's numbers when a size reads another step variable's shape", () => {
    const srng = new sym.RandomStreams(7);
    let h: ReturnType<sym.RandomStreams['uniform']> | undefined;
    const [hs] = sym.scan(
      (s: V) => {
        h = srng.uniform(s.shape);
        return s.add(h).add(srng.normal(h.shape).mul(0));
      },
      { outputsInfo: T.zeros([2]), nSteps: 3 },
    );
    const increments = (r: sym.NDArray) => {
      const rows = r.toArray() as number[][];
      return rows.flatMap((row, t) => row.map((v, i) => v - (t ? rows[t - 1]![i]! : 0)));
    };
    for (const mode of ['FAST_RUN', 'FAST_COMPILE'] as const) {
      const f = sym.function([], hs, { mode });
      const first = uniforms(h!.rng.getValue().getState(), 6);
      const second = uniforms(first.state, 6);
      increments(f.sync() as sym.NDArray).forEach((v, i) => expect(v).toBeCloseTo(first.values[i]!, 12));
      increments(f.sync() as sym.NDArray).forEach((v, i) => expect(v).toBeCloseTo(second.values[i]!, 12));
    }
  });

  it('runs a loop of no steps over an empty sequence whose step draws with a size from its row', () => {
    const srng = new sym.RandomStreams(8);
    const xs = T.matrix('xs');
    const [ys] = sym.scan((x: V) => x.mul(srng.binomial(x.shape, { p: 0.5, dtype: 'float64' })), { sequences: xs });
    const f = sym.function([xs], ys);
    expect((f.sync(sym.fill([0, 3], 'float64', () => 1)) as sym.NDArray).shape).toEqual([0, 3]);
    expect((f.sync(sym.fill([2, 3], 'float64', () => 1)) as sym.NDArray).shape).toEqual([2, 3]);
  });
});

describe('RandomStreams seeds', () => {
  it("refuses Theano's seed= keyword written as an object, naming what came and the way (was 'got [object Object]')", () => {
    expect(() => new sym.RandomStreams({ seed: 3 } as never)).toThrow('RandomStreams: the seed must be an integer in [0, 2^32), got a plain object with keys seed; pass the number itself: new RandomStreams(3)');
    expect(() => new sym.RandomStreams(undefined as never).seed('7' as never)).toThrow('RandomStreams.seed: the seed must be an integer in [0, 2^32), got string 7');
    expect(() => new sym.RandomStreams(-1)).toThrow('RandomStreams: the seed must be an integer in [0, 2^32), got -1');
  });
});
