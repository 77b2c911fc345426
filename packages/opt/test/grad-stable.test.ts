/**
 * Gradients of the forms `stabilize` rewrites. `grad` differentiates the
 * graph as written (log's rule divides by its input, sigmoid's and
 * softmax's multiply by their output), so where a probability underflows
 * the gradient is inf * 0 = NaN although the stabilized forward value is
 * finite. mul_div_cancel, mul_distribute_cancel, exp_over_1_plus_exp and
 * log_softmax_grad rewrite the gradient graph when it is compiled (in
 * FAST_RUN); these tests check the graph they leave and its values, against
 * finite differences of the stabilized forward value, in float32 and
 * float64.
 */
import { describe, expect, it } from 'vitest';
import { Elemwise, SCALAR_OPS, toposort, type DType, type TensorVariable } from '@sym/graph';
import { grad } from '@sym/grad';
import { optimizeGraph } from '../src/index.js';
import { sym, T, values } from './helpers.js';

type Rows = number[] | number[][];

interface GradCase {
  readonly what: string;
  /** The input: a vector or a matrix of `dtype`. */
  readonly input: (dtype: DType) => TensorVariable;
  readonly cost: (x: TensorVariable) => TensorVariable;
  /** The rewrites that must fire on the gradient graph. */
  readonly rewrites: readonly string[];
  /** Inputs where the naive gradient is NaN, with the exact gradient there. */
  readonly extreme: { readonly at: Rows; readonly want: number[] };
  /** Float32 inputs where the float32 gradient underflowed, with the gradient there (when it differs from `extreme`). */
  readonly extreme32?: { readonly at: Rows; readonly want: number[] };
  /** Ordinary inputs, checked against central differences. */
  readonly ordinary: Rows;
}

const GRADIENT_REWRITES = ['mul_div_cancel', 'mul_distribute_cancel', 'exp_over_1_plus_exp', 'log_softmax_grad', 'log_gathered_softmax_split', 'log_gathered_softmax_grad', 'exp_over_sum_exp', 'mul_distribute_partial_cancel', 'sum_over_kept_sum_exp'];

const onehot = (rows: number[][], dtype: DType) => T.constant(sym.array(rows, { dtype }));

const CASES: GradCase[] = [
  {
    what: 'softmax cross-entropy -sum(log(softmax(A)) * onehot)',
    input: (d) => T.tensor(d, [false, false], 'A'),
    cost: (A) => T.sum(T.log(T.softmax(A)).mul(onehot([[0, 0, 1]], A.dtype))).neg(),
    rewrites: ['mul_div_cancel', 'log_softmax_grad'],
    extreme: { at: [[1000, 0, -1000]], want: [1, 0, -1] },
    extreme32: { at: [[0, 30, -80]], want: [Math.exp(-30), 1, -1] },
    ordinary: [[0.5, -1, 2]],
  },
  {
    what: 'mean softmax cross-entropy over a batch',
    input: (d) => T.tensor(d, [false, false], 'A'),
    cost: (A) => T.mean(T.sum(T.log(T.softmax(A)).mul(onehot([[0, 1, 0], [1, 0, 0]], A.dtype)), { axis: 1 })).neg(),
    rewrites: ['mul_div_cancel', 'log_softmax_grad'],
    extreme: { at: [[0, -900, 900], [-700, 0, 0]], want: [0, -0.5, 0.5, -0.5, 0.25, 0.25] },
    ordinary: [[0.3, 0.1, -0.2], [1.5, -0.5, 0]],
  },
  {
    what: 'the log after the pick, -log(softmax(A)[arange(n), y]) (Theano code as often writes it as the tutorial\'s log before)',
    input: (d) => T.tensor(d, [false, false], 'A'),
    cost: (A) => T.sum(T.log(T.softmax(A).get(T.arange(A.shape[0]), T.constant(sym.array([2], { dtype: 'int32' }))))).neg(),
    rewrites: ['log_gathered_softmax_split', 'log_gathered_softmax_grad'],
    extreme: { at: [[1000, 0, -1000]], want: [1, 0, -1] },
    extreme32: { at: [[0, 30, -80]], want: [Math.exp(-30), 1, -1] },
    ordinary: [[0.5, -1, 2]],
  },
  {
    what: 'the log of rows picked, -sum(log(softmax(A)[rows]) * onehot)',
    input: (d) => T.tensor(d, [false, false], 'A'),
    cost: (A) => T.sum(T.log(T.softmax(A).get(T.constant(sym.array([1, 0], { dtype: 'int32' })))).mul(onehot([[0, 1, 0], [0, 0, 1]], A.dtype))).neg(),
    rewrites: ['log_gathered_softmax_split', 'log_gathered_softmax_grad'],
    extreme: { at: [[1000, 0, -1000], [0, -900, 900]], want: [1, 0, -1, 0, -1, 1] },
    ordinary: [[0.5, -1, 2], [0.1, 0.2, -0.3]],
  },
  {
    what: 'log-sum-exp of each row, sum(log(sum(exp(A), axis 1))) (a mixture\'s log-likelihood)',
    input: (d) => T.tensor(d, [false, false], 'A'),
    cost: (A) => T.sum(T.log(T.sum(T.exp(A), { axis: 1 }))),
    rewrites: ['exp_over_sum_exp'],
    extreme: { at: [[-800, -801, -802], [1, -1000, 1001]], want: [0.6652409557748218, 0.24472847105479764, 0.09003057317038046, 0, 0, 1] },
    extreme32: { at: [[-200, -201, -202], [1, -1000, 101]], want: [0.6652409557748218, 0.24472847105479764, 0.09003057317038046, 0, 0, 1] },
    ordinary: [[0.5, -1, 2], [2, -1, 0.5]],
  },
  {
    what: 'log-sum-exp with keepdims, sum(log(sum(exp(A), axis 1, keepdims)))',
    input: (d) => T.tensor(d, [false, false], 'A'),
    cost: (A) => T.sum(T.log(T.sum(T.exp(A), { axis: 1, keepdims: true }))),
    rewrites: ['exp_over_sum_exp'],
    extreme: { at: [[-800, -801, -802]], want: [0.6652409557748218, 0.24472847105479764, 0.09003057317038046] },
    extreme32: { at: [[-200, -201, -202]], want: [0.6652409557748218, 0.24472847105479764, 0.09003057317038046] },
    ordinary: [[2, -1, 0.5]],
  },
  {
    what: 'log-sum-exp of a vector, log(sum(exp(v)))',
    input: (d) => T.tensor(d, [false], 'v'),
    cost: (v) => T.log(T.sum(T.exp(v))),
    rewrites: ['exp_over_sum_exp'],
    extreme: { at: [-800, -801, -802], want: [0.6652409557748218, 0.24472847105479764, 0.09003057317038046] },
    extreme32: { at: [-200, -201, -202], want: [0.6652409557748218, 0.24472847105479764, 0.09003057317038046] },
    ordinary: [2, -1, 0.5],
  },
  {
    what: 'sum(log(sigmoid(v)))',
    input: (d) => T.tensor(d, [false], 'v'),
    cost: (v) => T.sum(T.log(T.sigmoid(v))),
    rewrites: ['mul_div_cancel'],
    extreme: { at: [-800, 0, 800], want: [1, 0.5, 0] },
    ordinary: [-1.5, 0.25, 2],
  },
  {
    what: 'mean(log(1 - sigmoid(x)))',
    input: (d) => T.tensor(d, [false, false], 'x'),
    cost: (x) => T.mean(T.log(T.sub(1, T.sigmoid(x)))),
    rewrites: ['mul_div_cancel'],
    extreme: { at: [[50, -800, 800]], want: [-1 / 3, -0, -1 / 3] },
    extreme32: { at: [[20, -800, 800]], want: [-1 / 3, -0, -1 / 3] },
    ordinary: [[-1.5, 0.25, 2]],
  },
  {
    what: 'the logistic 1 / (1 + exp(-v)), cost -log(p1)',
    input: (d) => T.tensor(d, [false], 'v'),
    cost: (v) => T.sum(T.log(T.trueDiv(1, T.add(1, T.exp(v.neg())))).neg()),
    rewrites: ['mul_div_cancel', 'exp_over_1_plus_exp'],
    extreme: { at: [-800, 0, 800], want: [-1, -0.5, -0] },
    ordinary: [-1.5, 0.25, 2],
  },
  {
    what: 'softplus written log(1 + exp(v))',
    input: (d) => T.tensor(d, [false], 'v'),
    cost: (v) => T.sum(T.log(T.add(1, T.exp(v)))),
    rewrites: ['exp_over_1_plus_exp'],
    extreme: { at: [0, 800, -800], want: [0.5, 1, 0] },
    ordinary: [-1.5, 0.25, 2],
  },
  {
    what: 'binary cross-entropy -(y log p + (1 - y) log(1 - p)), p = sigmoid(z)',
    input: (d) => T.tensor(d, [false], 'z'),
    cost: (z) => {
      const y = T.constant(sym.array([1, 0, 1, 0], { dtype: z.dtype }));
      const p = T.sigmoid(z);
      return T.sum(y.mul(T.log(p)).add(T.sub(1, y).mul(T.log(T.sub(1, p))))).neg();
    },
    rewrites: ['mul_distribute_cancel', 'mul_div_cancel'],
    extreme: { at: [-800, 800, 0, -800], want: [-1, 1, -0.5, 0] },
    ordinary: [-1.5, 0.25, 2, 0.7],
  },
];

/** Scalar op names and op names of a graph. */
function names(outs: TensorVariable[]): string[] {
  return toposort(outs).flatMap((n) => [n.op.toString(), ...(n.op instanceof Elemwise ? [SCALAR_OPS[n.op.scalarOp].theanoName] : [])]);
}

/** The gradient `f` computes at `at`. */
async function gradientAt(f: ReturnType<typeof sym.function>, at: Rows): Promise<number[]> {
  return values(await f(at))[1]!;
}

/** Central differences of the (stabilized) float64 cost at `at`, one element at a time. */
async function finiteDifferences(c: GradCase, at: Rows): Promise<number[]> {
  const x = c.input('float64');
  const cost = sym.function([x], c.cost(x));
  const flat = at.flat();
  const shaped = (v: number[]): Rows => (Array.isArray(at[0]) ? (at as number[][]).map((r, i) => v.slice(i * r.length, (i + 1) * r.length)) : v);
  const out: number[] = [];
  for (let i = 0; i < flat.length; i++) {
    const eps = 1e-5 * Math.max(1, Math.abs(flat[i]!));
    const up = flat.map((v, k) => (k === i ? v + eps : v));
    const down = flat.map((v, k) => (k === i ? v - eps : v));
    const [fu] = values(await cost(shaped(up)));
    const [fd] = values(await cost(shaped(down)));
    out.push((fu![0]! - fd![0]!) / (2 * eps));
  }
  return out;
}

function expectClose(got: number[], want: number[], tol: number): void {
  expect(got.every(Number.isFinite), `${got} is not finite`).toBe(true);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `${got} vs ${want}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!))));
}

describe('gradients of stabilized forms are finite and correct', () => {
  for (const c of CASES) {
    describe(c.what, () => {
      it('the gradient graph is rewritten: no division by the probability is left', () => {
        const x = c.input('float64');
        const g = grad(c.cost(x), [x])[0]!;
        expect(names([g])).toContain('true_div');
        const report = optimizeGraph([g]);
        for (const r of c.rewrites) expect(report.applied.get(r) ?? 0, `${r} fired`).toBeGreaterThan(0);
        expect(report.converged).toBe(true);
        const divisors = toposort(report.outputs)
          .filter((n) => n.op instanceof Elemwise && n.op.scalarOp === 'truediv')
          .map((n) => n.inputs[1]!.owner?.op.toString() ?? n.inputs[1]!.toString());
        expect(divisors.filter((d) => /sigmoid|Softmax|add/.test(d))).toEqual([]);
      });

      for (const dtype of ['float64', 'float32'] as const) {
        it(`${dtype}: finite and exact where the naive gradient is NaN`, async () => {
          const x = c.input(dtype);
          const cost = c.cost(x);
          const g = grad(cost, [x])[0]!;
          const { at, want } = (dtype === 'float32' ? c.extreme32 : undefined) ?? c.extreme;
          const naive = await gradientAt(sym.function([x], [cost, g], { optimizer: { excluding: GRADIENT_REWRITES } }), at);
          expect(naive.some(Number.isNaN), `the naive gradient ${naive} has a NaN`).toBe(true);
          const f = sym.function([x], [cost, g]);
          expect(values(await f(at))[0]!.every(Number.isFinite)).toBe(true);
          expectClose(await gradientAt(f, at), want, dtype === 'float32' ? 1e-6 : 1e-12);
        });

        it(`${dtype}: matches finite differences at ordinary inputs`, async () => {
          const x = c.input(dtype);
          const f = sym.function([x], [c.cost(x), grad(c.cost(x), [x])[0]!]);
          expectClose(await gradientAt(f, c.ordinary), await finiteDifferences(c, c.ordinary), dtype === 'float32' ? 1e-5 : 1e-7);
        });
      }

      it('float64: matches finite differences at the extreme inputs too', async () => {
        const x = c.input('float64');
        const f = sym.function([x], [c.cost(x), grad(c.cost(x), [x])[0]!]);
        expectClose(await gradientAt(f, c.extreme.at), await finiteDifferences(c, c.extreme.at), 1e-6);
      });
    });
  }

  it("Theano's test_grad_log1msigm: one step of gradient descent from 50 stays finite", async () => {
    const x = T.dmatrix('x');
    const c = T.mean(T.log(T.sub(1, T.sigmoid(x))));
    const step = sym.function([x], x.sub(grad(c, [x])[0]!.mul(0.1)));
    const [v] = values(await step([[50]]));
    expect(v![0]).toBeCloseTo(50.1, 12);
  });

  it('float32: d(-log(1 - sigmoid(z)))/dz is sigmoid(z), 1 at z = 20', async () => {
    const z = T.fvector('z');
    const f = sym.function([z], grad(T.sum(T.log(T.sub(1, T.sigmoid(z))).neg()), [z])[0]!);
    expect(Array.from((await f([20])).data)).toEqual([1]);
  });

  it('leaves products without a common factor alone, and x * s / s becomes x', () => {
    const x = T.dvector('x');
    const s = T.exp(x);
    expect(optimizeGraph([x.div(s).mul(x)]).applied.get('mul_div_cancel')).toBeUndefined();
    const r = optimizeGraph([x.mul(s).div(s)]);
    expect(r.applied.get('mul_div_cancel')).toBe(1);
    expect(r.outputs[0]).toBe(x);
  });

  it('computes what is left in the product\'s dtype, not in a narrower one', async () => {
    const x = T.dvector('x');
    const i = T.ivector('i');
    // x * i * i / x: i * i alone would be an int32 product, which wraps at 1e10
    const y = x.mul(i).mul(i).div(x);
    const r = optimizeGraph([y]);
    expect(r.applied.get('mul_div_cancel')).toBe(1);
    expect(names(r.outputs)).not.toContain('true_div');
    expect(r.outputs[0]!.dtype).toBe('float64');
    expect(Array.from((await sym.function([x, i], y)([2], [100000])).data)).toEqual([1e10]);
  });
});
