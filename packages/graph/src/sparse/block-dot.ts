/**
 * Theano's `sparse_block_dot(W, h, inputIdx, b, outputIdx)`
 * (`theano.tensor.nnet.blocksparse`, the SparseBlockGemv op): a layer
 * whose weights are blocks, each example multiplying only the blocks its
 * indices pick. As a graph of dense ops: a gather of the picked blocks
 * (NumPy's `W[inputIdx[:, :, None], outputIdx[:, None, :]]`), a product
 * summed over the input blocks and their elements, and the gathered bias;
 * so grad gives W Theano's SparseBlockOuter gradient (each picked block's
 * outer products scatter-added into it) and h and b theirs, and every
 * backend runs it.
 */
import { apply1, asTensor, type TensorLike } from '../core/op.js';
import { shapeToString } from '../core/ndarray.js';
import { MatchLength } from '../ops/shape.js';
import { isInt } from '../core/dtype.js';
import { nameInError } from '../core/error-names.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import * as T from '../tensor/tensor.js';

const CALLER = 'sparse.sparseBlockDot';

function operand(v: TensorLike, name: string, ndims: readonly number[], shape: string, integer = false): TensorVariable {
  const t = asTensor(v, `${CALLER}: ${name}`);
  if (!ndims.includes(t.ndim) || (integer && !isInt(t.dtype))) {
    throw new TypeError(`${CALLER}: ${name} must be ${integer ? 'an integer' : 'a'} tensor of shape ${shape}, got ${nameInError(t)} of type ${t.type}`);
  }
  return t;
}

/** x, checked to be as long along `axis` as y along `yAxis` (now where both are known, else when the function runs). */
function agreeing(x: TensorVariable, xRole: string, axis: number, y: TensorVariable, yRole: string, yAxis: number, what: string): TensorVariable {
  const [xName, yName] = [nameInError(x), nameInError(y)];
  const describe = (xs: StaticShape, ys: StaticShape) =>
    `${CALLER}: ${xRole} (${xName}) of shape ${shapeToString(xs)} and ${yRole} (${yName}) of shape ${shapeToString(ys)} must agree in ${what} (${xRole}'s axis ${axis}, ${yRole}'s axis ${yAxis})`;
  return apply1(new MatchLength(axis, yAxis, describe, `${CALLER} ${what}`), [x, y]);
}

/**
 * out[n, j] = b[outputIdx[n, j]] + sum over i of h[n, i] @ W[inputIdx[n, i], outputIdx[n, j]]:
 * W (iBlocks, oBlocks, iSize, oSize), h (batch, iWin, iSize), inputIdx
 * (batch, iWin), b (oBlocks, oSize), outputIdx (batch, oWin); the result
 * (batch, oWin, oSize), of the promoted dtype. An unbatched h (iWin,
 * iSize) with index vectors gives a batch of one, (1, oWin, oSize), as
 * Theano's. Indices are NumPy's (negative ones from the end; out of range
 * is an IndexError naming them).
 */
export function sparseBlockDot(W: TensorLike, h: TensorLike, inputIdx: TensorLike, b: TensorLike, outputIdx: TensorLike): TensorVariable {
  const w = operand(W, 'W', [4], '(iBlocks, oBlocks, iSize, oSize)');
  let x = operand(h, 'h', [2, 3], '(batch, iWin, iSize)');
  let iIdx = operand(inputIdx, 'inputIdx', [x.ndim - 1], x.ndim === 3 ? '(batch, iWin)' : '(iWin) for an unbatched h', true);
  let oIdx = operand(outputIdx, 'outputIdx', [x.ndim - 1], x.ndim === 3 ? '(batch, oWin)' : '(oWin) for an unbatched h', true);
  let bias = operand(b, 'b', [2], '(oBlocks, oSize)');
  // lengths checked here, naming the operands: the gather and product below would report their own intermediate shapes
  const batched = x.ndim === 3 ? 1 : 0;
  if (batched) {
    x = agreeing(x, 'h', 0, iIdx, 'inputIdx', 0, 'the batch');
    x = agreeing(x, 'h', 0, oIdx, 'outputIdx', 0, 'the batch');
  }
  x = agreeing(x, 'h', batched, iIdx, 'inputIdx', batched, 'the input window');
  x = agreeing(x, 'h', batched + 1, w, 'W', 2, 'the input block size');
  bias = agreeing(bias, 'b', 1, w, 'W', 3, 'the output block size');
  if (x.ndim === 2) {
    x = T.dimshuffle(x, ['x', 0, 1]);
    iIdx = T.dimshuffle(iIdx, ['x', 0]);
    oIdx = T.dimshuffle(oIdx, ['x', 0]);
  }
  // (batch, iWin, oWin, iSize, oSize): the block each (input block, output block) pair of an example multiplies
  const blocks = T.get(w, T.dimshuffle(iIdx, [0, 1, 'x']), T.dimshuffle(oIdx, [0, 'x', 1]));
  const products = T.sum(T.mul(T.dimshuffle(x, [0, 1, 'x', 2, 'x']), blocks), [1, 3]);
  return T.add(T.get(bias, oIdx), products);
}
