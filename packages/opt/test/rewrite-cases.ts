/**
 * A table of rewrite cases: the graph before, the rewrite that must fire,
 * the ops left after, and arguments to compare the optimized and the
 * unoptimized compiled functions on.
 */
import type { TensorVariable } from '@sym/graph';
import { T } from './helpers.js';

export interface RewriteCase {
  readonly rewrite: string;
  readonly build: () => { inputs: TensorVariable[]; output: TensorVariable };
  /** Scalar ops (or op names) the rewritten graph must not contain. */
  readonly gone: readonly string[];
  /** Op names the rewritten graph must contain. */
  readonly present?: readonly string[];
  readonly args: readonly unknown[];
}

const vec = () => T.vector('x');

export const CANONICALIZE: RewriteCase[] = [
  { rewrite: 'mul_one', build: () => { const x = vec(); return { inputs: [x], output: T.exp(x.mul(1)) }; }, gone: ['mul'], args: [[1, 2, 3]] },
  { rewrite: 'mul_one', build: () => { const x = vec(); return { inputs: [x], output: T.exp(T.mul(1, x)) }; }, gone: ['mul'], args: [[1, 2, 3]] },
  { rewrite: 'add_zero', build: () => { const x = T.vector('x', 'int32'); return { inputs: [x], output: T.exp(x.add(0)) }; }, gone: ['add'], args: [[1, -2, 3]] },
  { rewrite: 'add_zero', build: () => { const x = vec(); return { inputs: [x], output: T.exp(x.add(T.constant(-0, { dtype: x.dtype }))) }; }, gone: ['add'], args: [[1, -2, 3]] },
  { rewrite: 'add_zero', build: () => { const x = vec(); return { inputs: [x], output: T.exp(x.sub(0)) }; }, gone: ['sub'], args: [[1, -2, 3]] },
  { rewrite: 'sub_from_zero', build: () => { const x = T.vector('x', 'int32'); return { inputs: [x], output: T.exp(T.sub(0, x)) }; }, gone: ['sub'], present: ['neg'], args: [[1, -2, 3]] },
  { rewrite: 'sub_from_zero', build: () => { const x = vec(); return { inputs: [x], output: T.exp(T.sub(T.constant(-0, { dtype: x.dtype }), x)) }; }, gone: ['sub'], present: ['neg'], args: [[1, -2, 3]] },
  { rewrite: 'mul_minus_one', build: () => { const x = vec(); return { inputs: [x], output: T.exp(x.mul(-1)) }; }, gone: ['mul'], present: ['neg'], args: [[1, -2, 3]] },
  { rewrite: 'neg_neg', build: () => { const x = vec(); return { inputs: [x], output: T.exp(T.neg(T.neg(x))) }; }, gone: ['neg'], args: [[1, -2, 3]] },
  {
    rewrite: 'add_neg_to_sub',
    build: () => { const x = vec(); const y = T.vector('y'); return { inputs: [x, y], output: T.add(x, T.neg(y)) }; },
    gone: ['add', 'neg'],
    present: ['sub'],
    args: [[1, 2, 3], [0.5, 4, -1]],
  },
  { rewrite: 'pow_specialize', build: () => { const x = vec(); return { inputs: [x], output: x.pow(2) }; }, gone: ['pow'], present: ['mul'], args: [[1.5, -2, 3]] },
  { rewrite: 'pow_specialize', build: () => { const x = vec(); return { inputs: [x], output: x.pow(3) }; }, gone: ['pow'], present: ['mul'], args: [[1.5, -2, 3]] },
  { rewrite: 'pow_specialize', build: () => { const x = vec(); return { inputs: [x], output: x.pow(0.5) }; }, gone: ['pow'], present: ['sqrt'], args: [[1.5, 2, 9]] },
  { rewrite: 'pow_specialize', build: () => { const x = vec(); return { inputs: [x], output: x.pow(-1) }; }, gone: ['pow'], present: ['true_div'], args: [[1.5, 2, 9]] },
  {
    rewrite: 'dimshuffle_dimshuffle',
    build: () => { const x = T.matrix('x'); return { inputs: [x], output: T.exp(x.T.T) }; },
    gone: ['DimShuffle{1,0}'],
    args: [[[1, 2, 3], [4, 5, 6]]],
  },
  {
    rewrite: 'dimshuffle_dimshuffle',
    build: () => { const x = T.vector('x'); return { inputs: [x], output: T.dimshuffle(T.dimshuffle(x, [0, 'x']), [1, 'x', 0]) }; },
    gone: ['DimShuffle{0,x}'],
    present: ['DimShuffle{x,x,0}'],
    args: [[1, 2, 3]],
  },
  {
    rewrite: 'reshape_reshape',
    build: () => { const x = T.vector('x'); return { inputs: [x], output: T.reshape(T.reshape(x, [2, 3]), [3, 2]) }; },
    gone: [],
    args: [[1, 2, 3, 4, 5, 6]],
  },
  {
    rewrite: 'fill_useless',
    build: () => { const x = T.vector('x'); const y = T.vector('y'); return { inputs: [x, y], output: T.exp(T.second(x, y)) }; },
    gone: ['second'],
    args: [[1, 2, 3], [4, 5, 6]],
  },
  {
    rewrite: 'chain_constants',
    build: () => { const x = vec(); const y = T.vector('y'); return { inputs: [x, y], output: x.add(1).add(y.add(2)) }; },
    gone: [],
    args: [[1, 2, 3], [4, 5, 6]],
  },
  {
    rewrite: 'chain_constants',
    build: () => { const x = vec(); return { inputs: [x], output: x.mul(2).mul(3).mul(0.5) }; },
    gone: [],
    args: [[1, 2, 3]],
  },
  {
    rewrite: 'mul_div_cancel',
    build: () => { const x = vec(); const y = T.vector('y'); return { inputs: [x, y], output: x.div(T.exp(y)).mul(T.exp(y).mul(y)) }; },
    gone: ['true_div', 'exp'],
    args: [[1, 2, 3], [0.5, -4, 1]],
  },
  {
    rewrite: 'mul_distribute_cancel',
    build: () => {
      const x = vec();
      const s = T.exp(x);
      const t = T.tanh(x);
      return { inputs: [x], output: T.sub(x.div(s), T.trueDiv(2, t)).mul(s.mul(t)) };
    },
    gone: ['true_div'],
    args: [[1, 2, -3]],
  },
];

export const STABILIZE: RewriteCase[] = [
  { rewrite: 'log_sigmoid', build: () => { const x = vec(); return { inputs: [x], output: T.log(T.sigmoid(x)) }; }, gone: ['log', 'sigmoid'], present: ['softplus'], args: [[-3, 0, 2]] },
  {
    rewrite: 'log1m_sigmoid',
    build: () => { const x = vec(); return { inputs: [x], output: T.log(T.sub(1, T.sigmoid(x))) }; },
    gone: ['log', 'sigmoid'],
    present: ['softplus'],
    args: [[-3, 0, 2]],
  },
  {
    rewrite: 'log1m_sigmoid',
    build: () => { const x = vec(); return { inputs: [x], output: T.log1p(T.neg(T.sigmoid(x))) }; },
    gone: ['log1p', 'sigmoid'],
    present: ['softplus'],
    args: [[-3, 0, 2]],
  },
  { rewrite: 'softplus', build: () => { const x = vec(); return { inputs: [x], output: T.log(T.add(1, T.exp(x))) }; }, gone: ['log', 'exp'], present: ['softplus'], args: [[-3, 0, 2]] },
  { rewrite: 'softplus', build: () => { const x = vec(); return { inputs: [x], output: T.log(T.exp(x).add(1)) }; }, gone: ['log', 'exp'], present: ['softplus'], args: [[-3, 0, 2]] },
  { rewrite: 'softplus', build: () => { const x = vec(); return { inputs: [x], output: T.log1p(T.exp(x)) }; }, gone: ['log1p', 'exp'], present: ['softplus'], args: [[-3, 0, 2]] },
  { rewrite: 'log1p', build: () => { const x = vec(); return { inputs: [x], output: T.log(T.add(1, x)) }; }, gone: ['log'], present: ['log1p'], args: [[1e-20, 0.5, 2]] },
  { rewrite: 'expm1', build: () => { const x = vec(); return { inputs: [x], output: T.exp(x).sub(1) }; }, gone: ['exp'], present: ['expm1'], args: [[1e-20, 0.5, 2]] },
  {
    rewrite: 'log_sum_exp',
    build: () => { const x = T.matrix('x'); return { inputs: [x], output: T.log(T.sum(T.exp(x), { axis: 1 })) }; },
    gone: [],
    present: ['Max{axis=[1]}'],
    args: [[[1, 2, 3], [-1, 0, 5]]],
  },
  {
    rewrite: 'log_softmax',
    build: () => { const x = T.matrix('x'); return { inputs: [x], output: T.log(T.softmax(x)) }; },
    gone: ['Softmax'],
    args: [[[1, 2, 3], [-1, 0, 5]]],
  },
  {
    rewrite: 'exp_over_1_plus_exp',
    build: () => { const x = vec(); const y = T.vector('y'); return { inputs: [x, y], output: y.mul(T.exp(x)).div(T.add(1, T.exp(x))) }; },
    gone: ['exp', 'true_div'],
    present: ['sigmoid'],
    args: [[-3, 0, 2], [1, 2, 3]],
  },
  {
    rewrite: 'exp_over_1_plus_exp',
    build: () => { const x = vec(); return { inputs: [x], output: T.trueDiv(1, T.exp(x.neg()).add(1)) }; },
    gone: ['exp', 'true_div', 'neg'],
    present: ['sigmoid'],
    args: [[-3, 0, 2]],
  },
  {
    rewrite: 'log_softmax_grad',
    build: () => {
      const x = T.matrix('x');
      const dy = T.matrix('dy');
      const sm = T.softmax(x);
      return { inputs: [x, dy], output: T.sub(dy.div(sm), T.sum(dy, { axis: 1, keepdims: true })).mul(sm) };
    },
    gone: ['true_div'],
    present: ['Softmax'],
    args: [[[1, 2, 3], [-1, 0, 5]], [[0.5, 1, -2], [0, 0, 1]]],
  },
];

export const SPECIALIZE: RewriteCase[] = [
  {
    rewrite: 'one_minus_sigmoid',
    build: () => { const x = vec(); return { inputs: [x], output: T.exp(T.sub(1, T.sigmoid(x))) }; },
    gone: ['sub'],
    present: ['sigmoid', 'neg'],
    args: [[-3, 0, 2]],
  },
  {
    rewrite: 'sum_scale',
    build: () => { const x = T.matrix('x'); return { inputs: [x], output: T.sum(x.mul(3), { axis: 0 }) }; },
    gone: [],
    args: [[[1, 2, 3], [-1, 0, 5]]],
  },
];
