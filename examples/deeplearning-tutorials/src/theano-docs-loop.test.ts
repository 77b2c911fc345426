/**
 * Every example of Theano's documentation page "Loop" (tutorial/loop.html),
 * written with `sym.scan` as a Theano user copies it, checked against the
 * values the page prints and a plain float64 reference loop (NumPy's
 * semantics).
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import { describe, expect, it } from 'vitest';

const T = sym.T;
type Matrix = number[][];

const eye = (n: number, m = n): Matrix => Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? 1 : 0)));
const ones = (n: number, m: number): Matrix => Array.from({ length: n }, () => new Array<number>(m).fill(1));
const vecMat = (v: readonly number[], m: Matrix): number[] => m[0]!.map((_, j) => v.reduce((s, vi, i) => s + vi * m[i]![j]!, 0));
const add = (a: readonly number[], b: readonly number[]): number[] => a.map((v, i) => v + b[i]!);
const expectRowsClose = (actual: sym.NDArray, expected: Matrix, digits = 12): void => {
  const rows = actual.toArray() as Matrix;
  expect(rows.length).toBe(expected.length);
  rows.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, digits)));
};
const expectVectorClose = (actual: sym.NDArray, expected: readonly number[], digits = 12): void => {
  const v = actual.toArray() as number[];
  expect(v.length).toBe(expected.length);
  v.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, digits));
};
const one = async (f: sym.SymFunction, ...args: unknown[]): Promise<sym.NDArray> => (await f(...(args as never[]))) as sym.NDArray;

describe("Theano's Loop page: scan", () => {
  it('A ** k: the last value of a scan with n_steps as an input (result[-1])', async () => {
    const k = T.iscalar('k');
    const A = T.vector('A');
    const innerFct = (priorResult: sym.TensorVariable, B: sym.TensorVariable) => priorResult.mul(B);
    const [result, updates] = sym.scan(innerFct, { outputsInfo: T.onesLike(A), nonSequences: A, nSteps: k });
    const finalResult = result.get(-1);
    const power = sym.function([A, k], finalResult, { updates });
    const range10 = Array.from({ length: 10 }, (_, i) => i);
    // the page prints [  0.   1.   4.   9.  16.  25.  36.  49.  64.  81.]
    expectVectorClose(await one(power, range10, 2), range10.map((i) => i * i), 14);
    expectVectorClose(await one(power, range10, 5), range10.map((i) => i ** 5), 14);
  });

  it('a polynomial from its coefficients: sequences [coefficients, arange(10000)], non_sequences x', async () => {
    const coefficients = T.vector('coefficients');
    const x = T.scalar('x');
    const fullRange = T.arange(10000);
    const [components] = sym.scan((coeff, power, freeVar) => coeff.mul(freeVar.pow(power)), { outputsInfo: null, sequences: [coefficients, fullRange], nonSequences: x });
    const polynomial = components.sum();
    const calculatePolynomial = sym.function([coefficients, x], polynomial);
    // the page prints 19.0: 1 + 0·3 + 2·3²
    expect(Number(await calculatePolynomial([1, 0, 2], 3))).toBe(19);
    const c = [0.5, -1.25, 3, 0.75];
    expect(Number(await calculatePolynomial(c, -1.5))).toBeCloseTo(c.reduce((s, ci, i) => s + ci * (-1.5) ** i, 0), 13);
  });

  it("the page's exercise: the polynomial with the reduction done by scan (a running sum as a state)", async () => {
    const coefficients = T.vector('coefficients');
    const x = T.scalar('x');
    const [partial] = sym.scan((coeff, power, priorValue, freeVar) => priorValue.add(coeff.mul(freeVar.pow(power))), {
      sequences: [coefficients, T.arange(10000)],
      outputsInfo: T.zerosLike(x),
      nonSequences: x,
    });
    const calculatePolynomial = sym.function([coefficients, x], partial.get(-1));
    expect(Number(await calculatePolynomial([1, 0, 2], 3))).toBe(19);
    const c = [0.5, -1.25, 3, 0.75];
    expect(Number(await calculatePolynomial(c, 2.5))).toBeCloseTo(c.reduce((s, ci, i) => s + ci * 2.5 ** i, 0), 12);
  });

  it('an accumulation into a scalar without a lambda: the triangular numbers from arange(up_to)', async () => {
    const upTo = T.iscalar('up_to');
    const accumulateByAdding = (arangeVal: sym.TensorVariable, sumToDate: sym.TensorVariable) => sumToDate.add(arangeVal);
    const seq = T.arange(upTo);
    const outputsInfo = T.asTensorVariable(sym.array(0, { dtype: seq.dtype }));
    const [scanResult] = sym.scan(accumulateByAdding, { outputsInfo, sequences: seq });
    const triangularSequence = sym.function([upTo], scanResult);
    const out = await one(triangularSequence, 15);
    expect(out.dtype).toBe(seq.dtype);
    // [  0   1   3   6  10  15  21  28  36  45  55  66  78  91 105]
    expect(out.toArray()).toEqual(Array.from({ length: 15 }, (_, n) => (n * (n + 1)) / 2));
  });

  it('set_subtensor of zeros_like at each location: one matrix per (location, value)', async () => {
    const location = T.imatrix('location');
    const values = T.vector('values');
    const outputModel = T.matrix('output_model');
    const setValueAtPosition = (aLocation: sym.TensorVariable, aValue: sym.TensorVariable, model: sym.TensorVariable) => {
      const zeros = T.zerosLike(model);
      const zerosSubtensor = zeros.get(aLocation.get(0), aLocation.get(1));
      return T.setSubtensor(zerosSubtensor, aValue);
    };
    const [result] = sym.scan(setValueAtPosition, { outputsInfo: null, sequences: [location, values], nonSequences: outputModel });
    const assignValuesAtPositions = sym.function([location, values, outputModel], result);
    const out = (await one(assignValuesAtPositions, sym.array([[1, 1], [2, 3]], { dtype: 'int32' }), [42, 50], ones(5, 5).map((r) => r.map(() => 0)))).toArray() as Matrix[];
    const expected = [1, 2].map(() => ones(5, 5).map((r) => r.map(() => 0)));
    expected[0]![1]![1] = 42;
    expected[1]![2]![3] = 50;
    expect(out).toEqual(expected);
  });

  it('tanh(x(t)·W + b) elementwise over the rows of a matrix', async () => {
    const X = T.matrix('X');
    const W = T.matrix('W');
    const bSym = T.vector('b_sym');
    const [results] = sym.scan((v) => T.tanh(T.dot(v, W).add(bSym)), { sequences: X });
    const computeElementwise = sym.function([X, W, bSym], results);
    const x = eye(2);
    const w = ones(2, 2);
    const b = [1, 2];
    const out = await one(computeElementwise, x, w, b);
    // the page prints [[ 0.96402758  0.99505475] [ 0.96402758  0.99505475]]
    expectRowsClose(out, [[0.96402758, 0.99505475], [0.96402758, 0.99505475]], 8);
    expectRowsClose(out, x.map((row) => add(vecMat(row, w), b).map(Math.tanh)));
  });

  it('x(t) = tanh(x(t-1)·W + y(t)·U + p(T-t)·V) with the reversed sequence P[::-1]', async () => {
    const X = T.vector('X');
    const W = T.matrix('W');
    const U = T.matrix('U');
    const Y = T.matrix('Y');
    const V = T.matrix('V');
    const P = T.matrix('P');
    const [results] = sym.scan((y, p, xTm1) => T.tanh(T.dot(xTm1, W).add(T.dot(y, U)).add(T.dot(p, V))), { sequences: [Y, P.get('::-1')], outputsInfo: [X] });
    const computeSeq = sym.function([X, W, Y, U, P, V], results);
    const x = [0, 1];
    const w = ones(2, 2);
    const y = ones(5, 2);
    y[0] = [-3, -3];
    const u = ones(2, 2);
    const p = ones(5, 2);
    p[0] = [3, 3];
    const v = ones(2, 2);
    const out = await one(computeSeq, x, w, y, u, p, v);
    // the page's NumPy loop: x_res[i] = tanh(x_res[i-1]·w + y[i]·u + p[4-i]·v)
    const xRes: Matrix = [];
    for (let i = 0; i < 5; i++) xRes.push(add(add(vecMat(i === 0 ? x : xRes[i - 1]!, w), vecMat(y[i]!, u)), vecMat(p[4 - i]!, v)).map(Math.tanh));
    expectRowsClose(out, xRes);
    expectRowsClose(out, [[-0.99505475, -0.99505475], [0.96471973, 0.96471973], [0.99998585, 0.99998585], [0.99998771, 0.99998771], [1, 1]], 8);
  });

  it('the norms of the rows and of the columns of X', async () => {
    const X = T.matrix('X');
    const [rows] = sym.scan((xi) => T.sqrt(xi.pow(2).sum()), { sequences: [X] });
    const [cols] = sym.scan((xi) => T.sqrt(xi.pow(2).sum()), { sequences: [X.T] });
    const computeNormLines = sym.function([X], rows);
    const computeNormCols = sym.function([X], cols);
    // np.diag(np.arange(1, 6), 1): 6×6 with 1..5 above the diagonal
    const x = eye(6).map((row, i) => row.map((_, j) => (j === i + 1 ? i + 1 : 0)));
    expect((await one(computeNormLines, x)).toArray()).toEqual([1, 2, 3, 4, 5, 0]);
    expect((await one(computeNormCols, x)).toArray()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("the trace: a scan over (arange(rows), arange(cols)) adding X[i, j] to a float32 accumulator", async () => {
    const floatX = 'float32';
    const X = T.matrix('X');
    const [results] = sym.scan((i, j, tF) => T.cast(X.get(i, j).add(tF), floatX), {
      sequences: [T.arange(X.shape[0]), T.arange(X.shape[1])],
      outputsInfo: sym.array(0, { dtype: floatX }),
    });
    const result = results.get(-1);
    const computeTrace = sym.function([X], result);
    const x = eye(5);
    x[0] = [0, 1, 2, 3, 4];
    const trace = await one(computeTrace, x);
    expect(trace.dtype).toBe('float32');
    expect(Number(trace)).toBe(4); // the page prints 4.0
    // a non-square X: the shorter arange bounds the loop (min(rows, cols) diagonal entries)
    expect(Number(await computeTrace([[1, 2, 3], [4, 5, 6]]))).toBe(6);
  });

  it('x(t) = x(t-2)·U + x(t-1)·V + tanh(x(t-1)·W + b) with taps [-2, -1] and n_steps an input', async () => {
    const X = T.matrix('X');
    const W = T.matrix('W');
    const bSym = T.vector('b_sym');
    const U = T.matrix('U');
    const V = T.matrix('V');
    const nSym = T.iscalar('n_sym');
    const [results] = sym.scan((xTm2, xTm1) => T.dot(xTm2, U).add(T.dot(xTm1, V)).add(T.tanh(T.dot(xTm1, W).add(bSym))), {
      nSteps: nSym,
      outputsInfo: [{ initial: X, taps: [-2, -1] }],
    });
    const computeSeq2 = sym.function([X, U, V, W, bSym, nSym], results);
    const x = [[0, 0], [0, 1]];
    const w = ones(2, 2).map((r) => r.map((v) => 0.5 * v));
    const u = [[0, 0.5], [0.5, 0]];
    const v = ones(2, 2).map((r) => r.map((e) => 0.5 * e));
    const b = [1, 1];
    const out = await one(computeSeq2, x, u, v, w, b, 10);
    const seq: Matrix = [...x];
    for (let t = 0; t < 10; t++) {
      const [tm2, tm1] = [seq[seq.length - 2]!, seq[seq.length - 1]!];
      seq.push(add(add(vecMat(tm2, u), vecMat(tm1, v)), add(vecMat(tm1, w), b).map(Math.tanh)));
    }
    expectRowsClose(out, seq.slice(2));
    // the page's first and last rows
    expectRowsClose(await one(computeSeq2, x, u, v, w, b, 1), [[1.40514825, 1.40514825]], 8);
    expect((out.toArray() as Matrix)[9]![1]).toBeCloseTo(54.25282732, 7);
  });

  it('the Jacobian of tanh(v·A) by a scan over arange(y.shape[0]) of grad(y[i], v)', async () => {
    const v = T.vector('v');
    const A = T.matrix('A');
    const y = T.tanh(T.dot(v, A));
    const [results] = sym.scan((i) => grad(y.get(i), v), { sequences: [T.arange(y.shape[0])] });
    const computeJacT = sym.function([A, v], results, { allowInputDowncast: true });
    const x = eye(5)[0]!;
    const w = eye(5, 3);
    w[2] = [1, 1, 1];
    const out = await one(computeJacT, w, x);
    // d tanh(s_j)/d v_i = (1 - tanh(s_j)²)·A[i, j]
    const s = vecMat(x, w);
    expectRowsClose(out, s.map((sj, j) => w.map((row) => (1 - Math.tanh(sj) ** 2) * row[j]!)));
    // the page prints [[ 0.41997434 0. 0.41997434 0. 0.] [ 0. 1. 1. 0. 0.] [ 0. 0. 1. 0. 0.]]
    expectRowsClose(out, [[0.41997434, 0, 0.41997434, 0, 0], [0, 1, 1, 0, 0], [0, 0, 1, 0, 0]], 8);
  });

  it("accumulate the number of loops: a step returning only the update {k: k + 1}, the updates passed to the function", async () => {
    const k = sym.shared(0);
    const nSym = T.iscalar('n_sym');
    const [results, updates] = sym.scan(() => new Map([[k, k.add(1)]]), { nSteps: nSym });
    expect(results).toEqual([]);
    const accumulator = sym.function([nSym], [], { updates, allowInputDowncast: true });
    expect(k.getValue().toArray()).toBe(0); // k.get_value() prints 0
    await accumulator(5);
    expect(k.getValue().toArray()).toBe(5); // and 5 after accumulator(5)
  });

  it('tanh(v·W + b)·d with d one binomial draw made outside the scan, the updates passed to the function', async () => {
    const X = T.matrix('X');
    const W = T.matrix('W');
    const bSym = T.vector('b_sym');
    const trng = new sym.RandomStreams(1234);
    const d = trng.binomial(W.get(1).shape);
    const [results, updates] = sym.scan((v) => T.tanh(T.dot(v, W).add(bSym)).mul(d), { sequences: X });
    const computeWithBnoise = sym.function([X, W, bSym], [results, d], { updates, allowInputDowncast: true });
    const x = eye(10, 2);
    const w = ones(2, 2);
    const b = [1, 1];
    const draws: Matrix = [];
    for (let call = 0; call < 4; call++) {
      const [out, mask] = (await computeWithBnoise(x, w, b)) as sym.NDArray[];
      const dv = mask!.toArray() as number[];
      expect(dv.every((e) => e === 0 || e === 1)).toBe(true);
      // one mask for every row: d is drawn once per call, outside the loop
      expectRowsClose(out!, x.map((row) => add(vecMat(row, w), b).map((e, j) => Math.tanh(e) * dv[j]!)));
      draws.push(dv);
    }
    // the stream moves between calls: four calls of two fair bits are not all the same
    expect(new Set(draws.map((dv) => dv.join())).size).toBeGreaterThan(1);
  });

  it('power_of_2 until the value passes max_value: a scan ended by until', async () => {
    const powerOf2 = (previousPower: sym.TensorVariable, maxValue: sym.TensorVariable) =>
      [previousPower.mul(2), sym.until(previousPower.mul(2).gt(maxValue))] as const;
    const maxValue = T.scalar('max_value');
    const [values] = sym.scan(powerOf2, { outputsInfo: T.constant(1.0), nonSequences: maxValue, nSteps: 1024 });
    const f = sym.function([maxValue], values);
    // the page prints [  2.   4.   8.  16.  32.  64.]
    expect((await one(f, 45)).toArray()).toEqual([2, 4, 8, 16, 32, 64]);
  });

  it('Gibbs sampling with shared W, bvis, bhid: binomial draws in the step, values[-1], the updates passed; and with strict', async () => {
    // visible biases of ±20 make each visible draw certain (sigmoid(±20 ± 3) is within 1e-7 of 0 or 1) whatever the hidden draws are
    const bvisValues = [20, -20, 20, 20, -20];
    const Wvalues = [[0.5, -1, 0.25], [1, 0.5, -0.5], [-0.75, 0.5, 1], [0.25, 0.25, 0.25], [1, -1, 0.5]];
    const W = sym.shared(sym.array(Wvalues, { dtype: 'float64' }), { name: 'W' });
    const bvis = sym.shared(sym.array(bvisValues, { dtype: 'float64' }), { name: 'bvis' });
    const bhid = sym.shared(sym.array([0, 0, 0], { dtype: 'float64' }), { name: 'bhid' });
    const gibbsOf = (strict: boolean) => {
      const trng = new sym.RandomStreams(1234);
      const oneStep = (vsample: sym.TensorVariable, w: sym.TensorVariable, bv: sym.TensorVariable, bh: sym.TensorVariable) => {
        const hmean = T.nnet.sigmoid(T.dot(vsample, w).add(bh));
        const hsample = trng.binomial(hmean.shape, { n: 1, p: hmean });
        const vmean = T.nnet.sigmoid(T.dot(hsample, w.T).add(bv));
        return trng.binomial(vsample.shape, { n: 1, p: vmean, dtype: sym.config.floatX });
      };
      const sample = T.vector('sample');
      const [values, updates] = strict
        ? sym.scan(oneStep, { outputsInfo: sample, nonSequences: [W, bvis, bhid], nSteps: 10, strict: true })
        : sym.scan((v: sym.TensorVariable) => oneStep(v, W, bvis, bhid), { outputsInfo: sample, nSteps: 10 });
      return { gibbs10: sym.function([sample], values.get(-1), { updates }), chain: sym.function([sample], values, { updates }) };
    };
    const plain = gibbsOf(false);
    const strict = gibbsOf(true);
    const certain = bvisValues.map((bv) => (bv > 0 ? 1 : 0));
    expect((await one(plain.gibbs10, [0, 0, 0, 0, 0])).toArray()).toEqual(certain);
    expect((await one(strict.gibbs10, [1, 1, 1, 1, 1])).toArray()).toEqual(certain);
    const steps = (await one(plain.chain, [1, 0, 1, 0, 1])).toArray() as Matrix;
    expect(steps).toEqual(Array.from({ length: 10 }, () => certain));
    // a shared variable read by closure under strict is refused, naming it
    expect(() => sym.scan((v: sym.TensorVariable) => T.dot(v, W), { outputsInfo: T.vector('s'), nSteps: 2, strict: true })).toThrow(/strict is set, but the step reads the shared variable\(s\) W without receiving them/);
  });

  it("an RNN with several taps: sequence taps [-4, 0], state taps [-3, -1] beside a plain state, strict", async () => {
    const u = T.matrix('u');
    const x0 = T.matrix('x0');
    const y0 = T.vector('y0');
    const [W, WIn1, WIn2, WFeedback, WOut] = ['W', 'W_in_1', 'W_in_2', 'W_feedback', 'W_out'].map((n) => T.matrix(n)) as [sym.TensorVariable, sym.TensorVariable, sym.TensorVariable, sym.TensorVariable, sym.TensorVariable];
    const oneStep = (uTm4: sym.TensorVariable, uT: sym.TensorVariable, xTm3: sym.TensorVariable, xTm1: sym.TensorVariable, yTm1: sym.TensorVariable, w: sym.TensorVariable, wIn1: sym.TensorVariable, wIn2: sym.TensorVariable, wFeedback: sym.TensorVariable, wOut: sym.TensorVariable) => {
      const xT = T.tanh(T.dot(xTm1, w).add(T.dot(uT, wIn1)).add(T.dot(uTm4, wIn2)).add(T.dot(yTm1, wFeedback)));
      const yT = T.dot(xTm3, wOut);
      return [xT, yT];
    };
    const [[xVals, yVals]] = sym.scan(oneStep, {
      sequences: { input: u, taps: [-4, -0] },
      outputsInfo: [{ initial: x0, taps: [-3, -1] }, y0],
      nonSequences: [W, WIn1, WIn2, WFeedback, WOut],
      strict: true,
    });
    const f = sym.function([u, x0, y0, W, WIn1, WIn2, WFeedback, WOut], [xVals!, yVals!]);
    const rng = new sym.RandomState(7);
    const mat = (r: number, c: number): Matrix => Array.from({ length: r }, () => Array.from({ length: c }, () => rng.random() - 0.5));
    const [nIn, nHid, nOut, steps] = [2, 3, 2, 9];
    const [uv, x0v, wv, win1, win2, wfb, wout] = [mat(steps, nIn), mat(3, nHid), mat(nHid, nHid), mat(nIn, nHid), mat(nIn, nHid), mat(nOut, nHid), mat(nHid, nOut)];
    const y0v = [0.25, -0.5];
    const [xs, ys] = (await f(uv, x0v, y0v, wv, win1, win2, wfb, wout)) as sym.NDArray[];
    // the reference: u's taps -4 and 0 start the loop at u[4]; x keeps its three initial rows, y its one
    const xr: Matrix = [...x0v];
    const yr: Matrix = [y0v];
    for (let t = 4; t < steps; t++) {
      const xPrev = xr[xr.length - 1]!;
      const pre = add(add(vecMat(xPrev, wv), vecMat(uv[t]!, win1)), add(vecMat(uv[t - 4]!, win2), vecMat(yr[yr.length - 1]!, wfb)));
      yr.push(vecMat(xr[xr.length - 3]!, wout));
      xr.push(pre.map(Math.tanh));
    }
    expectRowsClose(xs!, xr.slice(3));
    expectRowsClose(ys!, yr.slice(1));
  });
});
