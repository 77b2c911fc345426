/**
 * Windows of negative steps (`x[::-1]`, conv2d's filter flip `w[:, :, ::-1,
 * ::-1]`, `x[4:0:-2]`) are strided views: negative strides from an offset at
 * the window's first element, no kernel of their own. Every kind of kernel
 * reads them through its loads, so each kind gets one here: elementwise (the
 * view beside its own source), reductions over the reversed axis and over
 * others (argmax's first extreme depends on the order), a cumulative sum,
 * products with reversed rows, columns and inner axes (the CPU's gemm packs
 * its operands), sorts, a scan over a reversed sequence, and views returned
 * as outputs (copied into buffers of their own).
 */
import * as sym from '@sym/graph';
import type { DType, TensorVariable } from '@sym/graph';
import { isFloat } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray } from '../rng.js';

const T = sym.T;
type Outs = [string, TensorVariable][];

function kernelsOfReversed(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false, false], 'x');
  const outs: Outs = [
    ["x.get('::-1').add(x) (the view beside its source)", x.get('::-1').add(x)],
    ["x.get('::-1', '::-2').mul(x.get(':', '::2'))", x.get('::-1', '::-2').mul(x.get(':', '::2'))],
    ["x.get(':', '::-1').sum(1) (reduce over the reversed axis)", x.get(':', '::-1').sum(1)],
    ["x.get('::-1').sum(1) (reduce over another axis)", x.get('::-1').sum(1)],
    ["x.get('3:0:-2', '::-1').max(0)", x.get('3:0:-2', '::-1').max(0)],
    ["T.argmax(x.get(':', '::-1'), 1) (the first extreme in the reversed order)", T.argmax(x.get(':', '::-1'), 1)],
    ["T.argmin(x.get('::-1', '::-1'))", T.argmin(x.get('::-1', '::-1'))],
    ["T.cumsum(x.get('::-1'), 0)", T.cumsum(x.get('::-1'), 0)],
    ["x.get('::-1').T (a view returned)", x.get('::-1').T],
    ["x.get(-1, '4:1:-1') (an integer index and a negative step)", x.get(-1, '4:1:-1')],
    ["x.get('::-1').get('::-1') (x again)", x.get('::-1').get('::-1')],
    ["x.get('::-1', '::-1').reshape([20]) (flattened)", x.get('::-1', '::-1').reshape([20])],
  ];
  return {
    group: 'indexing',
    name: `reversed windows read by each kind of kernel ${dtype}: x (4, 5)`,
    // float sums may go in any order (a float32 device sums in float32): a sum's tolerance
    op: 'sum',
    dtype,
    graph: { inputs: [x], outputs: outs.map(([, o]) => o), labels: outs.map(([l]) => l), values: (rng) => [randomArray(rng, dtype, [4, 5], 'small')] },
  };
}

function productsOfReversed(dtype: DType): OpCase {
  const a = T.tensor(dtype, [false, false], 'a');
  const b = T.tensor(dtype, [false, false], 'b');
  const c = T.tensor(dtype, [false, false, false], 'c');
  const outs: Outs = [
    ["T.dot(a.get('::-1'), b) (rows reversed)", T.dot(a.get('::-1'), b)],
    ["T.dot(a.get(':', '::-1'), b.get('::-1')) (the inner axis reversed on both)", T.dot(a.get(':', '::-1'), b.get('::-1'))],
    ["T.dot(a, b.get(':', '::-1')) (columns reversed)", T.dot(a, b.get(':', '::-1'))],
    ["T.dot(b.get('::-1').T, a.get('::-2').T) (transposed and reversed)", T.dot(b.get('::-1').T, a.get('::-2').T)],
    ["T.dot(a.get('::-1', '::-1'), b.get(':', '::-1')).add(1) (an epilogue)", T.dot(a.get('::-1', '::-1'), b.get(':', '::-1')).add(1)],
    ["T.batchedDot(c.get('::-1'), c.get(':', '::-1').dimshuffle(0, 2, 1)) (batches reversed)", T.batchedDot(c.get('::-1'), c.get(':', '::-1').dimshuffle(0, 2, 1))],
    ["T.sort(a.get('::-1', '::-1'), 1)", T.sort(a.get('::-1', '::-1'), 1)],
    ["T.argsort(a.get(':', '::-1'), 0)", T.argsort(a.get(':', '::-1'), 0)],
  ];
  return {
    group: 'indexing',
    name: `products and sorts of reversed windows ${dtype}: a (12, 17), b (17, 10), c (3, 4, 5)`,
    op: 'dot',
    dtype,
    graph: {
      inputs: [a, b, c],
      outputs: outs.map(([, o]) => o),
      labels: outs.map(([l]) => l),
      values: (rng) => [randomArray(rng, dtype, [12, 17], 'small'), randomArray(rng, dtype, [17, 10], 'small'), randomArray(rng, dtype, [3, 4, 5], 'small')],
    },
  };
}

function scanOfReversed(dtype: DType): OpCase {
  const x = T.tensor(dtype, [false, false], 'x');
  const h0 = T.tensor(dtype, [false], 'h0');
  const [hs] = sym.scan((xt: TensorVariable, h: TensorVariable) => h.mul(0.5).add(xt), { sequences: x.get('::-1', '::-1'), outputsInfo: h0 });
  const [back] = sym.scan((xt: TensorVariable, h: TensorVariable) => h.add(xt), { sequences: x.get('::-2'), outputsInfo: h0, goBackwards: true });
  // the state reversed at each step: the new state is a view of the old one, never written over it
  const [flipped] = sym.scan((xt: TensorVariable, h: TensorVariable) => h.get('::-1').add(xt.mul(h)), { sequences: x, outputsInfo: h0 });
  const [mirror] = sym.scan((h: TensorVariable) => h.get('::-1'), { outputsInfo: h0, nSteps: 3 });
  return {
    group: 'indexing',
    name: `a scan over a reversed sequence ${dtype}: x (6, 3)`,
    op: 'add',
    dtype,
    graph: {
      inputs: [x, h0],
      outputs: [hs!, back!, flipped!, mirror!],
      labels: ["states over x.get('::-1', '::-1')", "states over x.get('::-2') walked backwards", "states h.get('::-1') + x_t * h", "states h.get('::-1'), 3 steps"],
      values: (rng) => [randomArray(rng, dtype, [6, 3], 'small'), randomArray(rng, dtype, [3], 'small')],
    },
  };
}

/** The cases, for each dtype but bool (sums of bools promote); products, sorts and scans for float dtypes. */
export function reversedViewCases(dtypes: readonly DType[]): OpCase[] {
  return dtypes.filter((d) => d !== 'bool').flatMap((d) => [kernelsOfReversed(d), ...(isFloat(d) ? [productsOfReversed(d), scanOfReversed(d)] : [])]);
}
