/**
 * The recurrent layers against the equations written out in plain
 * TypeScript loops (one example at a time, no sym), their gradients against
 * finite differences, their options, initialisers and errors.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { verifyGrad } from '@sym/grad';
import { RandomState } from './random.js';
import { GRU, LSTM, SimpleRNN, type InitialState, type Recurrent } from './recurrent.js';
import { orthogonal } from './init.js';
import { loadParams, saveParams } from './serialize.js';

const T = sym.T;
type V = sym.TensorVariable;
type Vec = number[];
type Mat = number[][];
type Kind = 'SimpleRNN' | 'LSTM' | 'GRU';

const GATES: Record<Kind, number> = { SimpleRNN: 1, LSTM: 4, GRU: 3 };
const LAYERS = { SimpleRNN, LSTM, GRU };
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** v (n) times M (n, m): one row of x W. */
function rowTimes(v: Vec, M: Mat): Vec {
  return M[0]!.map((_, j) => v.reduce((s, vi, i) => s + vi * M[i]![j]!, 0));
}

/** Entries [k n, (k + 1) n) of a row: gate k. */
const part = (v: Vec, k: number, n: number): Vec => v.slice(k * n, (k + 1) * n);

/**
 * The states of one example, step by step, straight from the equations in
 * recurrent.ts's documentation (Keras's SimpleRNN, LSTM, GRU with reset_after=False).
 */
function reference(kind: Kind, W: Mat, U: Mat, b: Vec, xs: Mat, h0: Vec, c0: Vec): Mat {
  const n = h0.length;
  let h = h0;
  let c = c0;
  const out: Mat = [];
  for (const x of xs) {
    const xw = rowTimes(x, W).map((v, j) => v + b[j]!);
    const hu = rowTimes(h, U);
    if (kind === 'SimpleRNN') {
      h = xw.map((v, j) => Math.tanh(v + hu[j]!));
    } else if (kind === 'LSTM') {
      const z = xw.map((v, j) => v + hu[j]!);
      const [i, f, g, o] = [0, 1, 2, 3].map((k) => part(z, k, n).map(k === 2 ? Math.tanh : sigmoid)) as [Vec, Vec, Vec, Vec];
      c = c.map((cj, j) => f[j]! * cj + i[j]! * g[j]!);
      h = o.map((oj, j) => oj * Math.tanh(c[j]!));
    } else {
      const z = part(xw, 0, n).map((v, j) => sigmoid(v + part(hu, 0, n)[j]!));
      const r = part(xw, 1, n).map((v, j) => sigmoid(v + part(hu, 1, n)[j]!));
      const rhU = rowTimes(h.map((hj, j) => r[j]! * hj), U.map((row) => part(row, 2, n)));
      const candidate = part(xw, 2, n).map((v, j) => Math.tanh(v + rhU[j]!));
      h = h.map((hj, j) => z[j]! * hj + (1 - z[j]!) * candidate[j]!);
    }
    out.push(h);
  }
  return out;
}

function randomMat(rng: RandomState, rows: number, cols: number, scale = 0.5): Mat {
  return (rng.normal([rows, cols], { std: scale }).toArray() as Mat).map((r) => [...r]);
}

/** Weights with every entry random (biases too), so that a wrong gate order or a wrong block shows. */
function randomWeights(kind: Kind, nIn: number, n: number, seed: number): { W: Mat; U: Mat; b: Vec } {
  const rng = new RandomState(seed);
  const g = GATES[kind];
  return { W: randomMat(rng, nIn, g * n), U: randomMat(rng, n, g * n), b: randomMat(rng, 1, g * n)[0]! };
}

function makeLayer(kind: Kind, w: { W: Mat; U: Mat; b: Vec }, options: Record<string, unknown> = {}): Recurrent {
  return new LAYERS[kind](w.W, w.U, w.b, options);
}

const KINDS: Kind[] = ['SimpleRNN', 'LSTM', 'GRU'];
const [BATCH, STEPS, N_IN, N_HID] = [2, 5, 3, 4];
const xs = randomMat(new RandomState(99), BATCH * STEPS, N_IN, 1);
/** (batch, steps, features) */
const X: Mat[] = [0, 1].map((e) => xs.slice(e * STEPS, (e + 1) * STEPS));
const zeros = new Array<number>(N_HID).fill(0);

function expectClose(got: sym.NDArray, want: unknown, digits = 12): void {
  const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
  const g = flat(got.toArray());
  const w = flat(want);
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => expect(v).toBeCloseTo(w[i]!, digits));
}

/** The scans a compiled graph runs. */
function compiledScans(outputs: readonly sym.TensorVariable[]): sym.Scan[] {
  const seen = new Set<sym.TensorVariable>();
  const scans = new Set<sym.Scan>();
  const visit = (v: sym.TensorVariable): void => {
    if (seen.has(v)) return;
    seen.add(v);
    if (!v.owner) return;
    if (v.owner.op instanceof sym.Scan) scans.add(v.owner.op);
    v.owner.inputs.forEach(visit);
  };
  outputs.forEach(visit);
  return [...scans];
}

describe.each(KINDS)('%s', (kind) => {
  const w = randomWeights(kind, N_IN, N_HID, KINDS.indexOf(kind) + 1);
  const perExample = (h0s: Vec[] = [zeros, zeros], c0s: Vec[] = [zeros, zeros], backwards = false): Mat[] =>
    X.map((ex, e) => reference(kind, w.W, w.U, w.b, backwards ? [...ex].reverse() : ex, h0s[e]!, c0s[e]!));

  it('returns the last state (batch, nHidden) by default, every state (batch, steps, nHidden) with returnSequences, and matches the equations', async () => {
    const x = T.tensor3('x');
    const last = makeLayer(kind, w).output(x);
    const all = makeLayer(kind, w, { returnSequences: true }).output(x);
    expect(last.type.toString()).toBe('TensorType(float64, matrix)');
    expect(all.ndim).toBe(3);
    const [gotLast, gotAll] = (await sym.function([x], [last, all])(X)) as sym.NDArray[];
    expect(gotLast!.shape).toEqual([BATCH, N_HID]);
    expect(gotAll!.shape).toEqual([BATCH, STEPS, N_HID]);
    const want = perExample();
    expectClose(gotAll!, want);
    expectClose(gotLast!, want.map((states) => states.at(-1)));
  });

  it("a batch of one example gives that example's states (batch-major input at batch 1 once read out of bounds)", async () => {
    const x = T.tensor3('x');
    const got = (await sym.function([x], makeLayer(kind, w, { returnSequences: true }).output(x))([X[0]!])) as sym.NDArray;
    expect(got.shape).toEqual([1, STEPS, N_HID]);
    expectClose(got, [perExample()[0]!]);
  });

  it('refuses unknown options (a misspelt returnSequences, a mask) instead of ignoring them', () => {
    expect(() => makeLayer(kind, w, { returnSequence: true })).toThrow(/unknown option "returnSequence"; the options are name, returnSequences/);
    expect(() => makeLayer(kind, w).output(T.tensor3('x'), { mask: T.matrix('m') } as unknown as { h0?: sym.TensorVariable })).toThrow(/unknown option "mask" \(sequence masks are not supported/);
  });

  it('a sequence of no steps gives no states (the initial state comes from the shapes, not from a first step)', async () => {
    const x = T.tensor3('x');
    const all = makeLayer(kind, w, { returnSequences: true }).output(x);
    const got = (await sym.function([x], all)(sym.NDArray.zeros([BATCH, 0, N_IN], 'float64'))) as sym.NDArray;
    expect(got.shape).toEqual([BATCH, 0, N_HID]);
  });

  it.each(['FAST_RUN', 'FAST_COMPILE'] as const)(
    'in %s, the last state is the initial state for a sequence of no steps (where hs[-1] is an index error) and the last step\'s otherwise, the loop keeping only the last state',
    async (mode) => {
      const x = T.tensor3('x');
      const h0 = T.dmatrix('h0');
      const rows = [[0.3, -0.2, 0.5, 0.1], [-0.4, 0.2, 0, 0.7]];
      const f = sym.function([x, h0], makeLayer(kind, w).output(x, { h0 }), { mode });
      expectClose((await f(sym.NDArray.zeros([BATCH, 0, N_IN], 'float64'), rows)) as sym.NDArray, rows);
      expectClose((await f(X, rows)) as sym.NDArray, perExample(rows).map((s) => s.at(-1)));
      const backwards = sym.function([x, h0], makeLayer(kind, w, { goBackwards: true }).output(x, { h0 }), { mode });
      expectClose((await backwards(sym.NDArray.zeros([BATCH, 0, N_IN], 'float64'), rows)) as sym.NDArray, rows);
      expectClose((await backwards(X, rows)) as sym.NDArray, perExample(rows, undefined, true).map((s) => s.at(-1)));
      // no (steps, batch, nHidden) stack in the compiled loop: what opt's scan_keep_last makes of hs[-1] (Theano's scan_save_mem)
      const scans = compiledScans(f.compiled.graphOutputs);
      expect(scans.length).toBe(1);
      expect(scans[0]!.keep.every((k) => k === 'last')).toBe(true);
    },
  );

  it('takes (steps, batch, features) with timeMajor and returns the sequence in that layout', async () => {
    const x = T.tensor3('x');
    const layer = makeLayer(kind, w, { timeMajor: true, returnSequences: true });
    const stepsFirst = [0, 1, 2, 3, 4].map((t) => X.map((ex) => ex[t]!));
    const got = (await sym.function([x], layer.output(x))(stepsFirst)) as sym.NDArray;
    expect(got.shape).toEqual([STEPS, BATCH, N_HID]);
    const want = perExample();
    expectClose(got, [0, 1, 2, 3, 4].map((t) => want.map((states) => states[t])));
  });

  it('walks backwards with goBackwards, returning the states in the order they were computed (as Keras and sym.scan)', async () => {
    const x = T.tensor3('x');
    const got = (await sym.function([x], makeLayer(kind, w, { goBackwards: true, returnSequences: true }).output(x))(X)) as sym.NDArray;
    expectClose(got, perExample(undefined, undefined, true));
  });

  it('starts from h0 (a vector for every example, or a matrix per example), and output(x, { h0 }) overrides it', async () => {
    const x = T.tensor3('x');
    const hv = [0.3, -0.2, 0.5, 0.1];
    const hm = T.dmatrix('hm');
    const fromVector = makeLayer(kind, w, { h0: hv }).output(x);
    const fromMatrix = makeLayer(kind, w, { h0: hv }).output(x, { h0: hm });
    const rows = [hv, [-0.4, 0.2, 0, 0.7]];
    const [a, b] = (await sym.function([x, hm], [fromVector, fromMatrix])(X, rows)) as sym.NDArray[];
    expectClose(a!, perExample([hv, hv]).map((s) => s.at(-1)));
    expectClose(b!, perExample(rows).map((s) => s.at(-1)));
  });

  it('differentiates to finite differences with respect to W, U, b and the input', async () => {
    const layer = makeLayer(kind, w, { returnSequences: true });
    const report = await verifyGrad(
      (x: V, W: V, U: V, b: V) => {
        const out = layer.output(x);
        // the layer's own graph, its shared variables replaced by verifyGrad's inputs
        return sym.cloneReplace([out], new Map([[layer.W as V, W], [layer.U as V, U], [layer.b as V, b]]))[0]!;
      },
      [X.map((ex) => ex.slice(0, 3)), w.W, w.U, w.b],
    );
    expect(report.maxAbsErr).toBeLessThan(1e-6);
  });

  it('stores W, U, b as floatX shared variables named `${name}.W`, ...; computes in float32 under floatX=float32', async () => {
    const layer = makeLayer(kind, w, { name: 'enc' });
    expect(layer.params.map(String)).toEqual(['enc.W', 'enc.U', 'enc.b']);
    expect(layer.params.map((p) => p.valueShape)).toEqual([[N_IN, GATES[kind] * N_HID], [N_HID, GATES[kind] * N_HID], [GATES[kind] * N_HID]]);
    expect(makeLayer(kind, w).params.map(String)).toEqual(['W', 'U', 'b']);
    const old = sym.config.floatX;
    sym.config.floatX = 'float32';
    try {
      const small = makeLayer(kind, w);
      expect(small.params.map((p) => p.dtype)).toEqual(['float32', 'float32', 'float32']);
      const x = T.ftensor3('x');
      const out = small.output(x);
      expect(out.dtype).toBe('float32');
      const got = (await sym.function([x], out)(sym.array(X, { dtype: 'float32' }))) as sym.NDArray;
      expectClose(got, perExample().map((s) => s.at(-1)), 5);
    } finally {
      sym.config.floatX = old;
    }
  });

  it('saves and loads its parameters: a layer of other weights then computes the same outputs', async () => {
    const trained = LAYERS[kind].create(N_IN, N_HID, { rng: new RandomState(1), returnSequences: true });
    const fresh = LAYERS[kind].create(N_IN, N_HID, { rng: new RandomState(2), returnSequences: true });
    const x = T.tensor3('x');
    const gap = sym.function([x], T.max(T.abs(trained.output(x).sub(fresh.output(x)))));
    expect(((await gap(X)) as sym.NDArray).item()).toBeGreaterThan(1e-3);
    loadParams(fresh.params, await saveParams(trained.params));
    expect(((await gap(X)) as sym.NDArray).item()).toBe(0);
  });

  it('names bad weights and inputs', () => {
    const Layer = LAYERS[kind];
    const g = GATES[kind];
    expect(() => new Layer(w.W, [[1, 2]], w.b)).toThrow(new RegExp(`${kind}: U_init must be a matrix of shape \\(nHidden, ${g === 1 ? 'nHidden' : `${g} \\* nHidden`}\\), got shape \\(1, 2\\)`));
    expect(() => new Layer([[1]], w.U, w.b)).toThrow(new RegExp(`${kind}: W_init must be a matrix of shape \\(nInput, ${g * N_HID}\\)`));
    expect(() => new Layer(w.W, w.U, [1])).toThrow(new RegExp(`${kind}: b_init must have shape \\(${g * N_HID},\\)`));
    const layer = makeLayer(kind, w);
    expect(() => layer.output(T.matrix('m'))).toThrow(new RegExp(`${kind}.output: x must be a 3-d tensor \\(batch, steps, features\\), got m`));
    const wide = new sym.TensorVariable(new sym.TensorType('float64', [false, false, false]), { name: 'wide', staticShape: [2, 5, 7] });
    expect(() => layer.output(wide)).toThrow(new RegExp(`${kind}.output: x has 7 features, but the layer takes ${N_IN}`));
    expect(() => layer.output(T.tensor3('x'), { h0: [1, 2] })).toThrow(new RegExp(`${kind}.output: h0: expected a \\(batch, ${N_HID}\\) matrix or a \\(${N_HID},\\) vector`));
    expect(() => Layer.create(0, 3)).toThrow(/nInput must be a positive integer, got 0/);
  });

  it('names itself when the features or the initial state fit only when the function runs', async () => {
    const layer = makeLayer(kind, w);
    const x = T.tensor3('x');
    const rng = new RandomState(2);
    const run = sym.function([x], layer.output(x));
    await expect(run(rng.randn([2, 3, N_IN + 1]))).rejects.toThrow(new RegExp(`${kind}.output: x x of shape \\(2, 3, ${N_IN + 1}\\) must have ${N_IN} features in its last axis`));
    const h0 = T.matrix('h0');
    const fromH0 = sym.function([x, h0], layer.output(x, { h0 }));
    await expect(fromH0(rng.randn([2, 3, N_IN]), rng.randn([3, N_HID]))).rejects.toThrow(new RegExp(`${kind}.output: h0 of shape \\(3, ${N_HID}\\) must have one row per example of x \\(batch 2\\)`));
    await expect(fromH0(rng.randn([2, 3, N_IN]), rng.randn([2, N_HID + 1]))).rejects.toThrow(new RegExp(`${kind}.output: h0 of shape \\(2, ${N_HID + 1}\\) must have ${N_HID} units in its last axis`));
    expect(((await fromH0(rng.randn([2, 3, N_IN]), rng.randn([2, N_HID]))) as sym.NDArray).shape).toEqual([2, N_HID]);
  });
});

describe("'softmax' as a recurrent activation", () => {
  it('normalises each example\'s units (the last axis), as Keras\'s, not each unit over the batch', async () => {
    const layer = new SimpleRNN([[0.5, -1, 2]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]], [0.1, 0, -0.1], { activation: 'softmax' });
    const x = T.tensor3('x');
    const xs = [[[1]], [[-2]]];
    const got = (await sym.function([x], layer.output(x))(xs)) as sym.NDArray;
    const want = xs.map(([[v]]) => {
      const z = [0.5 * v! + 0.1, -v!, 2 * v! - 0.1];
      const e = z.map(Math.exp);
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((ei) => ei / s);
    });
    (want.flat() as number[]).forEach((w, i) => expect(got.data[i]).toBeCloseTo(w, 14));
  });
});

describe('LSTM specifics', () => {
  it('starts from c0 given per call, and create sets the forget gate bias to 1 (or forgetBias), the others to 0', async () => {
    const w = randomWeights('LSTM', N_IN, N_HID, 7);
    const x = T.tensor3('x');
    const c0 = [0.5, -1, 0.25, 2];
    const got = (await sym.function([x], makeLayer('LSTM', w).output(x, { c0 }))(X)) as sym.NDArray;
    expectClose(got, X.map((ex) => reference('LSTM', w.W, w.U, w.b, ex, zeros, c0).at(-1)));

    const b = (l: Recurrent) => l.b.getValue().toArray() as number[];
    const expected = (f: number) => [...zeros, ...new Array<number>(N_HID).fill(f), ...zeros, ...zeros];
    expect(b(LSTM.create(N_IN, N_HID, { rng: new RandomState(0) }))).toEqual(expected(1));
    expect(b(LSTM.create(N_IN, N_HID, { rng: new RandomState(0), forgetBias: 0 }))).toEqual(expected(0));
  });
});

describe('create', () => {
  it('draws each gate\'s recurrent block orthogonal (U_g^T U_g = I) and its input block from init, reproducibly from rng', () => {
    const layer = GRU.create(N_IN, N_HID, { rng: new RandomState(3) });
    const U = layer.U.getValue().toArray() as Mat;
    for (let g = 0; g < 3; g++) {
      const block = U.map((row) => part(row, g, N_HID));
      for (let i = 0; i < N_HID; i++) {
        for (let j = 0; j < N_HID; j++) expect(block.reduce((s, row) => s + row[i]! * row[j]!, 0)).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    const again = GRU.create(N_IN, N_HID, { rng: new RandomState(3) });
    expect(again.W.getValue().toArray()).toEqual(layer.W.getValue().toArray());
    const limit = Math.sqrt(6 / (N_IN + N_HID)); // Glorot uniform of one gate's (nHidden, nInput) block
    const W = (layer.W.getValue().toArray() as Mat).flat();
    expect(Math.max(...W.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(W.some((v) => Math.abs(v) > limit / 2)).toBe(true);
    const ones = SimpleRNN.create(2, 3, { init: 'ones', recurrentInit: 'zeros' });
    expect(ones.W.getValue().toArray()).toEqual([[1, 1, 1], [1, 1, 1]]);
    expect(ones.U.getValue().toArray()).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  });

  it('orthogonal: orthonormal rows of a wide matrix, columns of a tall one, times gain', () => {
    const gram = (M: Mat, rows: boolean): Mat => {
      const vs = rows ? M : M[0]!.map((_, j) => M.map((r) => r[j]!));
      return vs.map((a) => vs.map((b) => a.reduce((s, ai, k) => s + ai * b[k]!, 0)));
    };
    const wide = orthogonal(2)([3, 5], new RandomState(1), 'float64').toArray() as Mat;
    const tall = orthogonal()([5, 3], new RandomState(1), 'float64').toArray() as Mat;
    gram(wide, true).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 4 : 0, 12)));
    gram(tall, false).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 12)));
    expect(() => orthogonal()([0, 2], new RandomState(1), 'float64')).toThrow(/orthogonal: expected a shape \[nOutput, nInput\] of positive integers/);
  });
});

describe('outputShape', () => {
  const run = async (layer: Recurrent, shape: number[]): Promise<number[]> => {
    const x = T.tensor3('x');
    return ((await sym.function([x], layer.output(x))(new RandomState(3).normal(shape))) as sym.NDArray).shape as number[];
  };
  it("is the real output's shape: the last state or every step's, batch- or time-major, for each layer", async () => {
    const rng = new RandomState(1);
    const cases: [string, Recurrent, number[]][] = [
      ['SimpleRNN', SimpleRNN.create(3, 4, { rng }), [2, 5, 3]],
      ['SimpleRNN returnSequences', SimpleRNN.create(3, 4, { rng, returnSequences: true }), [2, 5, 3]],
      ['LSTM timeMajor', LSTM.create(3, 2, { rng, timeMajor: true }), [5, 2, 3]],
      ['LSTM timeMajor returnSequences goBackwards', LSTM.create(3, 2, { rng, timeMajor: true, returnSequences: true, goBackwards: true }), [5, 2, 3]],
      ['GRU returnSequences', GRU.create(3, 6, { rng, returnSequences: true }), [1, 4, 3]],
      ['GRU no steps', GRU.create(3, 6, { rng }), [2, 0, 3]],
      ['GRU no steps returnSequences', GRU.create(3, 6, { rng, returnSequences: true }), [2, 0, 3]],
    ];
    for (const [name, layer, shape] of cases) {
      const got = await run(layer, shape);
      expect(layer.outputShape(shape), name).toEqual(got);
      // unknown lengths stay unknown; the units are known
      const unknown = layer.outputShape([null, null, 3]);
      expect(unknown, name).toEqual(got.map((n, d) => (d === got.length - 1 ? n : null)));
    }
    expect(SimpleRNN.create(3, 4, { rng }).outputShape([7, null, 3])).toEqual([7, 4]);
    expect(LSTM.create(3, 4, { rng, timeMajor: true, returnSequences: true }).outputShape([null, 7, 3])).toEqual([null, 7, 4]);
  });
  it('refuses another rank or feature count, naming the layer and its layout', () => {
    const lstm = LSTM.create(3, 2, { rng: new RandomState(1), timeMajor: true });
    expect(() => lstm.outputShape([5, 2, 4])).toThrow('LSTM.outputShape: the input shape (5, 2, 4) has 4 features (axis 2), expected 3');
    expect(() => lstm.outputShape([5, 3])).toThrow('LSTM.outputShape: expected an input shape (steps, batch, 3), got (5, 3) (2-d)');
    expect(() => GRU.create(3, 2).outputShape([1, 2, 3, 3])).toThrow('GRU.outputShape: expected an input shape (batch, steps, 3), got (1, 2, 3, 3) (4-d)');
    expect(() => SimpleRNN.create(3, 2).outputShape([1, -2, 3])).toThrow('SimpleRNN.outputShape: expected an input shape (batch, steps, 3) of lengths (integers >= 0, or null where unknown), got [1,-2,3]');
  });
});

describe('a Recurrent subclass whose states are not a scan output', () => {
  // a library author's states(), post-processed after the loop: the layer takes their last row, as hs[-1]
  class Scaled extends SimpleRNN {
    protected override states(projected: sym.TensorVariable, zeros: sym.TensorVariable, initial: InitialState, what: string): sym.TensorVariable {
      return super.states(projected, zeros, initial, what).mul(2);
    }
  }
  it('gives the last row of its states (was refused: "must be a scan\'s output")', async () => {
    const rng = new RandomState(3);
    const plain = SimpleRNN.create(3, 4, { rng });
    const [W, U, b] = plain.params.map((p) => p.getValue());
    const scaled = new Scaled(W!, U!, b!);
    const x = T.tensor3('x');
    const value = sym.fill([2, 5, 3], 'float64', (i) => Math.sin(i));
    const [last, all] = (await sym.function([x], [scaled.output(x), plain.output(x)])(value)) as sym.NDArray[];
    expect(Array.from(last!.data)).toEqual(Array.from(all!.data, (v) => 2 * v));
  });
});
