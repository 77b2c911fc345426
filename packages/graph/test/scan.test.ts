/**
 * sym.scan: Theano's scan examples with Theano's printed answers, the loop's
 * semantics (the shortest sequence, n_steps, go_backwards, closures), the
 * programs it makes (per n_steps value), printing, and its errors.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

type V = sym.TensorVariable;

describe('scan: the examples of Theano\'s scan tutorial', () => {
  it('A ** k with k a function input (outputs_info ones_like(A), non_sequences A, n_steps k)', () => {
    const k = T.iscalar('k');
    const A = T.vector('A');
    const [result] = sym.scan((prior: V, a: V) => prior.mul(a), { outputsInfo: T.onesLike(A), nonSequences: A, nSteps: k });
    const power = sym.function([A, k], result.get(-1));
    const range10 = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    // Theano prints [  0.   1.   4.   9.  16.  25.  36.  49.  64.  81.]
    expect((power.sync(range10, 2) as sym.NDArray).toArray()).toEqual(range10.map((x) => x ** 2));
    expect((power.sync(range10, 4) as sym.NDArray).toArray()).toEqual(range10.map((x) => x ** 4));
    // every intermediate power, one row per step
    expect((sym.function([A, k], result).sync([1, 2, 3], 3) as sym.NDArray).toArray()).toEqual([
      [1, 2, 3],
      [1, 4, 9],
      [1, 8, 27],
    ]);
  });

  it('a polynomial: the loop runs as long as the shortest sequence (coefficients beside arange(10000))', () => {
    const coefficients = T.vector('coefficients');
    const x = T.scalar('x');
    const [components] = sym.scan((c: V, power: V, free: V) => c.mul(free.pow(power)), {
      sequences: [coefficients, T.arange(10000)],
      nonSequences: x,
      outputsInfo: null,
    });
    const calc = sym.function([coefficients, x], components.sum());
    // Theano prints 19.0 for coefficients [1, 0, 2] at x = 3
    expect((calc.sync([1, 0, 2], 3) as sym.NDArray).toArray()).toBe(19);
  });
});

describe('scan: semantics', () => {
  it('passes a step of each sequence, the previous states, then the non-sequences; returns outputs in the order of outputsInfo', () => {
    const x = T.dvector('x');
    const seen: string[] = [];
    const [[prod, running]] = sym.scan(
      (xt: V, acc: V, scale: V) => {
        seen.push(...[xt, acc, scale].map((v) => v.type.toString()));
        return [xt.mul(scale), acc.add(xt)];
      },
      { sequences: x, outputsInfo: [null, T.constant(0, { dtype: 'float64' })], nonSequences: T.constant(10, { dtype: 'float64' }) },
    );
    expect(seen).toEqual(['TensorType(float64, scalar)', 'TensorType(float64, scalar)', 'TensorType(float64, scalar)']);
    const [p, r] = sym.function([x], [prod!, running!]).sync([1, 2, 3]) as sym.NDArray[];
    expect(p!.toArray()).toEqual([10, 20, 30]);
    expect(r!.toArray()).toEqual([1, 3, 6]);
  });

  it('walks backwards with goBackwards, and nSteps shorter than the sequence takes its first steps (from the end, backwards)', () => {
    const v = T.dvector('v');
    const cumsum = (o: sym.ScanOptions) => sym.scan((xt: V, acc: V) => acc.add(xt), { sequences: v, outputsInfo: 0, ...o })[0];
    const run = (o: sym.ScanOptions) => (sym.function([v], cumsum(o)).sync([1, 2, 3, 4]) as sym.NDArray).toArray();
    expect(run({})).toEqual([1, 3, 6, 10]);
    expect(run({ goBackwards: true })).toEqual([4, 7, 9, 10]);
    expect(run({ nSteps: 2 })).toEqual([1, 3]);
    expect(run({ nSteps: 2, goBackwards: true })).toEqual([4, 7]);
    expect(run({ nSteps: 0 })).toEqual([]);
  });

  it('a plain-number initial value takes the step\'s dtype (0 for a float32 sum)', () => {
    const x = T.fvector('x');
    const [s] = sym.scan((xt: V, acc: V) => acc.add(xt), { sequences: x, outputsInfo: 0 });
    expect(s.dtype).toBe('float32');
    expect(s.type.toString()).toBe('TensorType(float32, vector)');
  });

  it('reads outer variables and shared variables by closure, as Theano does (they become inputs of the scan)', () => {
    const W = sym.shared(sym.array([[2, 0], [0, 3]], { dtype: 'float64' }), { name: 'W' });
    const b = T.dvector('b');
    const X = T.dmatrix('X');
    const [hs] = sym.scan((xt: V, h: V) => T.dot(W, h).add(xt).add(b), { sequences: X, outputsInfo: T.zerosLike(b) });
    expect(hs.owner!.inputs).toContain(W);
    expect(hs.owner!.inputs).toContain(b);
    const f = sym.function([X, b], hs);
    expect((f.sync([[1, 1], [1, 1]], [0, 1]) as sym.NDArray).toArray()).toEqual([
      [1, 2],
      [3, 8],
    ]);
    W.setValue(sym.array([[1, 0], [0, 1]], { dtype: 'float64' }));
    expect((f.sync([[1, 1], [1, 1]], [0, 1]) as sym.NDArray).toArray()).toEqual([
      [1, 2],
      [2, 4],
    ]);
  });

  it('nests: a scan inside a step (cumulative sums of each row)', () => {
    const X = T.dmatrix('X');
    const [rows] = sym.scan((row: V) => sym.scan((x: V, acc: V) => acc.add(x), { sequences: row, outputsInfo: 0 })[0], { sequences: X });
    expect((sym.function([X], rows).sync([[1, 2, 3], [4, 5, 6]]) as sym.NDArray).toArray()).toEqual([
      [1, 3, 6],
      [4, 9, 15],
    ]);
  });

  it('keeps its static shape where it is known, and the reference perform agrees with the backend (DebugMode)', () => {
    const X = T.dmatrix('X');
    const h0 = T.dvector('h0');
    const [hs] = sym.scan((xt: V, h: V) => T.tanh(h.mul(0.5).add(xt)), { sequences: X, outputsInfo: h0, nSteps: 3 });
    expect(hs.staticShape).toEqual([3, null]);
    const f = sym.function([X, h0], hs, { mode: 'DebugMode' });
    const out = f.sync([[1, 0], [0, 1], [1, 1], [5, 5]], [0.5, -0.5]) as sym.NDArray;
    expect(out.shape).toEqual([3, 2]);
    expect((out.toArray() as number[][])[0]).toEqual([Math.tanh(1.25), Math.tanh(-0.25)]);
  });

  it('lengths inside the step may come from an input (arange(k), zeros([k]), an inner scan of k steps)', () => {
    const k = T.iscalar('k');
    const x = T.dvector('x');
    const [a] = sym.scan((xt: V) => T.arange(k).astype('float64').sum().add(xt), { sequences: x });
    const [z] = sym.scan((xt: V) => T.zeros([k], 'float64').add(xt).sum(), { sequences: x });
    const [n] = sym.scan((xt: V) => sym.scan((acc: V) => acc.mul(2), { outputsInfo: xt, nSteps: k.add(0) })[0].get(-1), { sequences: x });
    const f = sym.function([x, k], [a, z, n]);
    expect(f.compiled.staticInputs).toEqual([1]);
    expect((f.sync([1, 2], 3) as sym.NDArray[]).map((r) => r.toArray())).toEqual([[4, 5], [3, 6], [8, 16]]);
  });

  it('a loop of no steps gives outputs of no rows, each row shaped as the step would shape it', () => {
    const k = T.iscalar('k');
    const A = T.dvector('A');
    const [r] = sym.scan(() => A.mul(2), { nSteps: k });
    const f = sym.function([A, k], [r, r.sum(0).add(A)]);
    const [none, sum] = f.sync([1, 2], 0) as sym.NDArray[];
    expect(none!.shape).toEqual([0, 2]);
    expect(sum!.toArray()).toEqual([1, 2]);
    expect((sym.function([A, k], r, { mode: 'DebugMode' }).sync([1, 2], 0) as sym.NDArray).shape).toEqual([0, 2]);
  });

  it('a length may be computed through a float, as Theano computes ceil(n / bs)', () => {
    const n = T.iscalar('n');
    const batches = T.ceil(n.div(2)).astype('int64');
    expect((sym.function([n], T.arange(batches)).sync(5) as sym.NDArray).toArray()).toEqual([0, 1, 2]);
  });

  it('makes one program per n_steps value, and reuses it', () => {
    const k = T.iscalar('k');
    const a = T.dscalar('a');
    const [p] = sym.scan((prior: V) => prior.mul(a), { outputsInfo: T.constant(1, { dtype: 'float64' }), nSteps: k.add(1) });
    const f = sym.function([a, k], p.get(-1));
    expect(f.compiled.staticInputs).toEqual([1]);
    expect((f.sync(2, 3) as sym.NDArray).toArray()).toBe(16);
    expect((f.sync(2, 5) as sym.NDArray).toArray()).toBe(64);
    expect((f.sync(3, 3) as sym.NDArray).toArray()).toBe(81);
  });
});

describe('scan: the program it makes', () => {
  it('every step runs the same kernels: more steps add launches, not kernels to compile', () => {
    const X = T.dtensor3('X');
    const h0 = T.dmatrix('h0');
    const W = T.dmatrix('W');
    const [hs] = sym.scan((x: V, h: V) => T.tanh(T.dot(h, W).add(x)), { sequences: X, outputsInfo: h0 });
    const program = (n: number) => sym.schedule({ inputs: [X, h0, W], inputShapes: [[n, 2, 3], [2, 3], [3, 3]], outputs: [hs] });
    const distinct = (n: number) => new Set(program(n).steps.map((s) => sym.kernelKey(s.kernel))).size;
    expect(program(16).steps.length).toBeGreaterThan(program(8).steps.length + 8 * 2);
    // the steps' kernels are shared; only the stacking of the results gains a level
    expect(distinct(16) - distinct(8)).toBeLessThanOrEqual(2);
  });
});

describe('scan: printing', () => {
  it('debugprint shows the step under "Inner graphs of the scan ops", as Theano does', () => {
    const x = T.dvector('x');
    const [s] = sym.scan((xt: V, acc: V) => acc.add(xt), { sequences: x, outputsInfo: 0, name: 'cumsum' });
    expect(sym.debugprint(s)).toBe(
      [
        "Scan{cumsum} [id A] ''",
        ' |x [id B]',
        ' |TensorConstant{0.0} [id C]',
        '',
        'Inner graphs of the scan ops:',
        '',
        "Scan{cumsum} [id A] ''",
        " >Elemwise{add,no_inplace} [id D] ''",
        ' > |<TensorType(float64, scalar)> [id E]',
        ' > |x[t] [id F]',
      ].join('\n'),
    );
  });
  it("names the step's previous output after its initial value with [t-1], as Theano does (h0[t-1], not h0: the step does not read h0 at every step)", () => {
    const x = T.dmatrix('x');
    const h0 = T.dvector('h0');
    const W = T.dmatrix('W');
    const [hs] = sym.scan((xt: V, h: V) => T.tanh(T.dot(h, W).add(xt)), { sequences: x, outputsInfo: h0, name: 'elman' });
    const inner = sym.debugprint(hs).split('Inner graphs of the scan ops:')[1]!;
    expect(inner).toContain(' > | | |h0[t-1] [id ');
    expect(inner).toContain(' > | |x[t] [id ');
    expect(inner).not.toMatch(/\|h0 \[id/);
  });
});

describe('scan: errors name the problem', () => {
  const x = T.dvector('x');
  it('needs sequences or nSteps', () => {
    expect(() => sym.scan((a: V) => a.add(1), { outputsInfo: 0 })).toThrow(/give sequences to iterate over, or nSteps/);
  });
  it('refuses a scalar sequence and a non-integer nSteps', () => {
    expect(() => sym.scan((a: V) => a, { sequences: T.dscalar('s') })).toThrow(/sequence 0 \(s\) is a scalar/);
    expect(() => sym.scan((a: V) => a, { sequences: x, nSteps: T.dscalar('n') })).toThrow(/nSteps must be an integer scalar/);
  });
  it('refuses a state whose dtype changes, naming both', () => {
    const f = T.fvector('f');
    expect(() => sym.scan((xt: V, acc: V) => acc.add(xt), { sequences: x, outputsInfo: T.zerosLike(f) })).toThrow(
      /step output 0 .* is float64, but its initial value .* is float32; cast one of them/,
    );
  });
  it('refuses a state whose number of dimensions changes', () => {
    expect(() => sym.scan((xt: V, acc: V) => acc.add(xt).sum(), { sequences: x, outputsInfo: T.zerosLike(x) })).toThrow(/has 0 dimensions, but its initial value .* has 1/);
  });
  it('refuses an outputsInfo that does not match the step\'s outputs', () => {
    expect(() => sym.scan((xt: V, a: V, b: V, c: V) => [a, b], { sequences: x, outputsInfo: [0, 0, 0] })).toThrow(/returns 2 output\(s\), but outputsInfo has 3 entries/);
  });
  it('refuses a step whose arguments do not match what scan passes (JavaScript would pass undefined or drop some silently)', () => {
    expect(() => sym.scan((xt: V) => xt, { sequences: x, outputsInfo: 0 })).toThrow(
      'scan: the step takes 1 argument(s), but scan passes 2: 1 sequence step(s), 1 previous output(s), 0 non-sequence(s), in that order',
    );
    // a rest parameter takes whatever comes, after named parameters too (their function's length counts only those)
    expect(() => sym.scan((...a: V[]) => a[1]!.add(a[0]!), { sequences: x, outputsInfo: 0 })).not.toThrow();
    const [sums] = sym.scan((xt: V, ...rest: V[]) => rest[0]!.add(xt).mul(rest[1]!), { sequences: x, outputsInfo: T.constant(0, { dtype: 'float64' }), nonSequences: T.constant(2, { dtype: 'float64' }) });
    expect((sym.function([x], sums).sync([1, 2]) as sym.NDArray).toArray()).toEqual([2, 8]);
    // so does a parameter with a default value (length counts the parameters before it)
    const [halves] = sym.scan((xt: V, h: V, scale: V | number = 0.5) => h.add(xt).mul(scale), { sequences: x, outputsInfo: T.constant(0, { dtype: 'float64' }) });
    expect((sym.function([x], halves).sync([2, 4]) as sym.NDArray).toArray()).toEqual([1, 2.5]);
    // but not a default inside a destructured parameter, nor a bound function, whose lengths are exact
    expect(() => sym.scan(((xt: V, { y = 1 }: { y?: number }) => xt.mul(y)) as never, { sequences: x, outputsInfo: 0, nonSequences: [x] })).toThrow(/the step takes 2 argument\(s\), but scan passes 3/);
    expect(() => sym.scan(function (this: unknown, xt: V) { return xt; }.bind(null), { sequences: x, outputsInfo: 0 })).toThrow(/the step takes 1 argument\(s\), but scan passes 2/);
  });
  it("refuses option names it does not know, with the camelCase spelling of Theano's keywords", () => {
    const names = 'the options are sequences, outputsInfo, nonSequences, nSteps, goBackwards, truncateGradient, name';
    expect(() => sym.scan((xt: V) => xt, { sequences: x, outputs_info: null } as never)).toThrow(
      `scan: unknown option "outputs_info" (did you mean outputsInfo? sym spells Theano's keywords in camelCase); ${names}`,
    );
    expect(() => sym.scan((xt: V) => xt, { sequences: x, truncate_gradient: 5 } as never)).toThrow(
      `scan: unknown option "truncate_gradient" (did you mean truncateGradient? sym spells Theano's keywords in camelCase); ${names}`,
    );
    expect(() => sym.scan((xt: V) => xt, { sequences: x, mode: 'FAST_RUN' } as never)).toThrow(`scan: unknown option "mode"; ${names}`);
  });
  it('takes taps (scan-taps.test.ts has the rest: [-2] alone reads two steps back), and a step that returns only updates', () => {
    const x0 = T.dvector('x0');
    const [two] = sym.scan((a: V) => a.add(1), { outputsInfo: { initial: x0, taps: [-2] }, nSteps: 4 });
    expect((sym.function([x0], two).sync([0, 10]) as sym.NDArray).toArray()).toEqual([1, 11, 2, 12]);
    const [s] = sym.scan((a: V) => a.add(1), { outputsInfo: { initial: T.constant(0, { dtype: 'float64' }), taps: [-1] }, nSteps: 2 });
    expect((sym.function([], s).sync() as sym.NDArray).toArray()).toEqual([1, 2]);
    const k = sym.shared(sym.array(0, { dtype: 'float64' }), { name: 'k' });
    // scan-shared-updates.test.ts has the rest
    const [none, updates] = sym.scan(() => new Map([[k, k.add(1)]]), { nSteps: 3 });
    expect(none).toEqual([]);
    sym.function([], [], { updates }).sync();
    expect(k.getValue().toArray()).toBe(3);
    const taps = { initial: T.dvector('x0'), taps: [-2, -1] };
    expect(() => sym.scan(() => new Map([[k, k.add(1)]]), { outputsInfo: taps, nSteps: 3 })).toThrow(
      'scan: the step returns 0 output(s) beside its updates of k, but outputsInfo has 1 entries (one per output; null for an output not fed back)',
    );
  });
  it('at the call: a state whose shape changes, and nSteps longer than a sequence', () => {
    const m = T.dmatrix('m');
    const [grow] = sym.scan((xt: V, acc: V) => T.concatenate([acc, xt]), { sequences: m, outputsInfo: T.dvector('a0') });
    expect(() => sym.function([m, grow.owner!.inputs[1]!], grow).sync([[1], [2]], [0])).toThrow(/state 0 .* changes shape from \(1\) to \(2\) in one step/);
    const [s] = sym.scan((xt: V, acc: V) => acc.add(xt), { sequences: x, outputsInfo: 0, nSteps: T.iscalar('n') });
    const f = sym.function([x, s.owner!.inputs[2]!], s);
    expect(() => f.sync([1, 2], 3)).toThrow(/sequence 0 has 2 steps, fewer than n_steps = 3/);
  });
  it('nSteps computed from a shared variable is refused (its value lives on the device)', () => {
    const n = sym.shared(sym.array(3, { dtype: 'int32' }), { name: 'n' });
    const [s] = sym.scan((acc: V) => acc.add(1), { outputsInfo: 0, nSteps: n });
    expect(() => sym.function([], s).sync()).toThrow(/n_steps, an alloc's shape, an arange's bounds, a random draw's size\) depends on the shared variable n, whose value lives on the device; pass it as an input/);
  });
});
