/**
 * Theano 1.0's names added as compositions (graph's tensor-more.ts,
 * nnet-more.ts, linalg-more.ts, scan-module.ts), in the `composite` group:
 * no kernels of their own, but each composes ops (an argsort feeding a
 * TakeAlongAxis, a pool spread back by repeats into a set_subtensor,
 * cholesky and triangular solves feeding eigh, a scan's last step, a
 * grouped conv2d then a 1 x 1 one, a host unique feeding a product, expm's
 * Pade approximant feeding a squaring scan that stops on its own, gathered
 * weights feeding hSoftmax's batched dot) in a
 * way no other case does, so every backend runs the chain.
 */
import * as sym from '@sym/graph';
import type { DType } from '@sym/graph';
import { fill } from '@sym/graph';
import type { OpCase } from '../case.js';
import { compositeCase } from './conv.js';

const T = sym.T;

const PERMS = [[2, 0, 4, 1, 3], [4, 3, 2, 1, 0], [0, 1, 2, 3, 4]];

function floatCases(d: DType): OpCase[] {
  const perms = T.constant(sym.array(PERMS, { dtype: 'int32' }));
  return [
    compositeCase(d, 'permuteRowElements and inversePermutation', 'composite', [[3, 5], [5]], (x, v) => [
      ['permuteRowElements(x, perms)', T.permuteRowElements(x!, perms)],
      ['permuteRowElements(x, perms, inverse)', T.permuteRowElements(x!, perms, true)],
      ['permuteRowElements(v, perms)', T.permuteRowElements(v!, perms)],
      ['inversePermutation(perms) * 1.0', T.cast(T.inversePermutation(perms), d)],
    ]),
    compositeCase(d, 'maxPool2dSameSize', 'composite', [[2, 3, 5, 7]], (x) => [
      ['maxPool2dSameSize(x, [2, 2])', T.signal.pool.maxPool2dSameSize(x!, [2, 2])],
      ['maxPool2dSameSize(x, [1, 3])', T.signal.pool.maxPool2dSameSize(x!, [1, 3])],
    ]),
    compositeCase(d, 'slinalg.kron, prependScalarToEachRow', 'composite', [[3, 2], [2, 4], []], (a, b, s) => [
      ['kron(a, b)', T.slinalg.kron(a!, b!)],
      ['kron(a.T, b)', T.slinalg.kron(a!.T, b!)],
      ['prependScalarToEachRow(s, a)', T.nnet.prependScalarToEachRow(s!, a!)],
    ]),
    compositeCase(d, 'conv2dTranspose', 'dot', [[2, 3, 3, 3], [3, 2, 2, 2]], (g, w) => [
      ['conv2dTranspose(g, w, [2, 2, 7, 7], { inputDilation: [2, 2] })', T.nnet.conv2dTranspose(g!, w!, [2, 2, 7, 7], { inputDilation: [2, 2] })],
      ["conv2dTranspose(g, w, [2, 2, 2, 2], { borderMode: 'half' })", T.nnet.conv2dTranspose(g!, w!, [2, 2, 2, 2], { borderMode: 'half' })],
    ]),
    compositeCase(d, 'separableConv2d, batchNormalization', 'dot', [[2, 3, 6, 5], [6, 1, 2, 2], [4, 6, 1, 1], [3]], (x, dw, pw, g) => [
      ["separableConv2d(x, dw, pw, 3, { borderMode: 'half', subsample: [2, 1] })", T.nnet.separableConv2d(x!, dw!, pw!, 3, { borderMode: 'half', subsample: [2, 1] })],
      ['batchNormalization(x, g, 0.5, mean(x), std(x) + 1)', T.nnet.batchNormalization(x!, g!.dimshuffle('x', 0, 'x', 'x'), 0.5, x!.mean(), T.std(x!).add(1))],
    ]),
    compositeCase(d, 'slinalg.eigvalsh(a, b), generalized', 'eigh', [[4, 4], [4, 4]], (a, m) => {
      // b = m m^T + 4 I: symmetric positive definite
      const b = T.dot(m!, m!.T).add(T.eye(4, null, 0, d).mul(4));
      return [
        ['eigvalsh(a, b)', T.slinalg.eigvalsh(a!, b)],
        ['eigvalsh(a, b, { lower: false })', T.slinalg.eigvalsh(a!, b, { lower: false })],
      ];
    }),
    // a degree-13 Pade approximant (matmuls, a solve), then a scan that squares until s squarings are done (host steps)
    compositeCase(d, 'slinalg.expm', 'solve', [[4, 4]], (a) => [
      ['expm(a)', T.slinalg.expm(a!)],
      ['expm(4 a.T)', T.slinalg.expm(a!.T.mul(4))],
    ]),
    // two softmaxes, all outputs (a tensordot) or the target class's alone (gathered weights, a batched dot)
    compositeCase(d, 'nnet.hSoftmax', 'softmax', [[3, 4], [4, 3], [3], [3, 4, 3], [3, 3]], (x, w1, b1, w2, b2) => [
      ['hSoftmax(x, 3, 8, 3, 3, W1, b1, W2, b2)', T.nnet.hSoftmax(x!, 3, 8, 3, 3, w1!, b1!, w2!, b2!)],
      ['hSoftmax(x, 3, 8, 3, 3, W1, b1, W2, b2, [7, 0, 4])', T.nnet.hSoftmax(x!, 3, 8, 3, 3, w1!, b1!, w2!, b2!, T.constant(sym.array([7, 0, 4], { dtype: 'int32' })))],
    ]),
    compositeCase(d, 'sym.reduce, sym.foldr, sym.map', 'composite', [[6, 3], [3]], (xs, w) => {
      const [total] = sym.reduce((x, acc, ww) => acc.mul(0.5).add(x.mul(ww)), xs!, T.zerosLike(w!), w!);
      const [back] = sym.foldr((x, acc) => acc.mul(0.5).add(x), xs!, T.zerosLike(w!));
      const [rows] = sym.map((x, ww) => T.tanh(x.mul(ww)), xs!, w!);
      return [
        ['reduce', total],
        ['foldr', back],
        ['map', rows],
      ];
    }),
  ];
}

/** confusionMatrix of int32 labels: a unique on the host, one-hot rows, an int64 product. */
function confusionCase(): OpCase {
  const a = T.tensor('int32', [false], 'actual');
  const p = T.tensor('int32', [false], 'pred');
  const [conf, order] = T.nnet.confusionMatrix(a, p);
  return {
    group: 'composite',
    name: 'confusionMatrix int32: (9,), (9,)',
    op: 'dot',
    dtype: 'int32',
    graph: { inputs: [a, p], outputs: [conf, order], labels: ['conf', 'order'], values: (rng) => [fill([9], 'int32', () => rng.int(0, 4)), fill([9], 'int32', () => rng.int(0, 4))] },
  };
}

/** ceilIntdiv and divmod of int32, every sign, the divisors non-zero. */
function intCase(): OpCase {
  const a = T.tensor('int32', [false], 'a');
  const b = T.tensor('int32', [false], 'b');
  const [q, r] = T.divmod(a, b);
  return {
    group: 'composite',
    name: 'ceilIntdiv and divmod int32: (12,), (12,)',
    op: 'intdiv',
    dtype: 'int32',
    graph: {
      inputs: [a, b],
      outputs: [T.ceilIntdiv(a, b), q, r],
      labels: ['ceilIntdiv(a, b)', 'divmod(a, b)[0]', 'divmod(a, b)[1]'],
      values: (rng) => [fill([12], 'int32', () => rng.int(-20, 20)), fill([12], 'int32', (i) => (i % 2 === 0 ? 1 : -1) * rng.int(1, 6))],
    },
  };
}

export function theanoExtraCases(dtypes: readonly DType[]): OpCase[] {
  const floats = dtypes.filter((d) => d === 'float32' || d === 'float64');
  return [...floats.flatMap(floatCases), ...(dtypes.includes('int32') ? [intCase(), confusionCase()] : [])];
}
