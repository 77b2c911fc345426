/**
 * Theano's documentation page "Configuration Settings and Compiling Modes"
 * (tutorial/modes.html): the configuration and its precedence (an
 * assignment in code over SYM_FLAGS over .symrc, as Theano's over
 * THEANO_FLAGS over .theanorc), printing it, the exercise (the logistic
 * regression with floatX=float32, every value float32, on the CPU), the
 * modes by name, DebugMode's f([5]), f([0]), f([7]), and ProfileMode (sym's
 * `profile: true`) with its summary.
 *
 * No twin, by design: the linkers (sym has one: the backend runs a program
 * of kernels), and Theano's ProfileMode object (refused naming the profile
 * option). The exercise's `time python file.py` is not asserted: no time is.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import { afterEach, describe, expect, it } from 'vitest';

const T = sym.T;

describe("Theano's Configuration Settings and Compiling Modes page", () => {
  const saved = sym.config.toJSON();
  afterEach(() => sym.config.set(saved));

  it('reads flags as Theano does: .symrc, then SYM_FLAGS, then assignments in code, the later winning', () => {
    const rc = sym.parseRc('[global]\nfloatX = float32\nmode = FAST_COMPILE\n');
    const flags = sym.parseFlags('mode=DebugMode');
    expect({ ...rc, ...flags }).toEqual({ floatX: 'float32', mode: 'DebugMode' });
    sym.config.set({ ...rc, ...flags });
    sym.config.mode = 'FAST_RUN'; // an assignment in code wins over both
    expect([sym.config.floatX, sym.config.mode]).toEqual(['float32', 'FAST_RUN']);
    // python -c 'import theano; print theano.config'
    expect(String(sym.config).split('\n').slice(0, 5)).toEqual(['floatX = float32', `device = ${sym.config.device}`, 'mode = FAST_RUN', `profile = ${sym.config.profile}`, 'optimizer_excluding = ']);
    expect(() => ((sym.config as unknown as Record<string, unknown>).floatx = 'float32')).toThrow('config: unknown flag "floatx" (did you mean floatX?); valid flags are floatX, device, mode, profile, optimizer_excluding');
  });

  it('the exercise: the logistic regression with floatX=float32 keeps every value float32, on the CPU, and learns', async () => {
    sym.config.floatX = 'float32';
    const rng = new sym.RandomState(3);
    const [N, feats, trainingSteps] = [60, 10, 100];
    // cast the inputs before storing them in shared variables, as the page's note says
    const D = [rng.randn([N, feats]).astype(sym.config.floatX), (rng.randint(0, 2, [N]) as sym.NDArray).astype(sym.config.floatX)] as const;
    const x = T.matrix('x');
    const y = T.vector('y');
    const w = sym.shared(rng.randn(feats).astype(sym.config.floatX), { name: 'w' });
    const b = sym.shared(sym.array(0, { dtype: sym.config.floatX }), { name: 'b' });
    const p1 = T.div(1, T.add(1, T.exp(T.dot(x, w).neg().sub(b))));
    const prediction = T.gt(p1, 0.5);
    const xent = y.neg().mul(T.log(p1)).sub(T.sub(1, y).mul(T.log(T.sub(1, p1))));
    const cost = xent.mean().add(w.pow(2).sum().mul(0.01));
    const [gw, gb] = grad(cost, [w, b]);
    // no cast needed around the mean, nor for the Python floats: sym keeps float32 (Theano's int64 length made the mean float64)
    expect([p1, xent, cost, gw!, gb!].map((v) => v.dtype)).toEqual(['float32', 'float32', 'float32', 'float32', 'float32']);
    const train = sym.function([x, y], [prediction, xent], { updates: [[w, w.sub(gw!.mul(0.01))], [b, b.sub(gb!.mul(0.01))]], name: 'train' });
    const predict = sym.function([x], prediction, { name: 'predict' });
    const firstErr = ((await train(D[0], D[1])) as sym.NDArray[])[1]!;
    // every value the compiled graph computes is float32 (or the prediction's bool, or a length)
    const dtypes = new Set(sym.toposort(train.compiled.graphOutputs).flatMap((n) => n.outputs.map((o) => o.dtype)));
    expect([...dtypes].sort()).toEqual(['bool', 'float32', 'int64']);
    // "Used the cpu": the dot is in the graph, compiled for device cpu (Theano looked for its Gemv)
    expect(train.compiled.device).toBe('cpu');
    expect(sym.toposort(train.compiled.graphOutputs).some((n) => n.op.toString() === 'dot')).toBe(true);
    let err = firstErr;
    for (let i = 1; i < trainingSteps; i++) err = ((await train(D[0], D[1])) as sym.NDArray[])[1]!;
    expect(err.dtype).toBe('float32');
    const mean = (a: sym.NDArray) => Array.from(a.data).reduce((s, v) => s + v, 0) / a.size;
    expect(mean(err)).toBeLessThan(mean(firstErr));
    const predicted = ((await predict(D[0])) as sym.NDArray).toArray() as boolean[];
    expect(predicted.length).toBe(N);
  });

  it('compiles in each mode by name, FAST_RUN the default, to the same values', async () => {
    expect(sym.MODES).toEqual(['FAST_RUN', 'FAST_COMPILE', 'DebugMode', 'NanGuardMode']);
    const x = T.dvector('x');
    const out = T.tanh(x).mul(3).sum();
    const values: number[] = [];
    for (const mode of sym.MODES) values.push(Number(await sym.function([x], out, { mode })([0.5, -1, 2])));
    // FAST_COMPILE's kernels (unfused) may round the last bit differently
    for (const v of values) expect(v).toBeCloseTo(3 * (Math.tanh(0.5) + Math.tanh(-1) + Math.tanh(2)), 14);
    expect(sym.function([x], out).compiled.mode).toBe('FAST_RUN');
    // the linker of a Theano Mode object has no twin: refused, naming the mode to pass
    expect(() => sym.function([x], out, { mode: { linker: 'c|py', optimizer: 'fast_run' } as unknown as sym.Mode })).toThrow(/here 'FAST_RUN' \(the default: mode can be left out\)$/);
  });

  it("DebugMode: f = function([x], 10 * x, mode='DebugMode'); f([5]), f([0]), f([7])", async () => {
    const x = T.dvector('x');
    const f = sym.function([x], x.mul(10), { mode: 'DebugMode' });
    expect((await f([5])).toArray()).toEqual([50]);
    expect((await f([0])).toArray()).toEqual([0]);
    expect((await f([7])).toArray()).toEqual([70]);
    // what it detects: a NaN computed is an error naming the node
    const g = sym.function([x], T.log(x), { mode: 'DebugMode' });
    await expect(g([-1])).rejects.toThrow('DebugMode: Elemwise{log,no_inplace}(x) produced nan in output 0 at index (0,); inputs: x=[-1.]');
  });

  it("ProfileMode: sym's profile option, its summary op-wise with the dot", async () => {
    const x = T.dmatrix('x');
    const w = T.dvector('w');
    expect(() => sym.function([x, w], T.dot(x, w), { mode: 'ProfileMode' as sym.Mode })).toThrow(/Theano's ProfileMode is sym's profile option: pass \{ profile: true \}/);
    const f = sym.function([x, w], T.sigmoid(T.dot(x, w)).sum(), { profile: true, name: 'predict' });
    await f([[1, 2], [3, 4]], [0.5, -0.5]);
    await f([[1, 2], [3, 4]], [0.5, -0.5]);
    const summary = f.profile!.summary();
    expect(summary).toMatch(/Function: predict/);
    expect(summary).toMatch(/Time in 2 calls/);
    expect(summary).toMatch(/\nOps\n/);
    expect(summary).toMatch(/Dot|dot/);
  });
});
