/**
 * word2vec's skip-gram with negative sampling as a Theano user wrote it:
 * input and output embedding tables in shared matrices, a minibatch of
 * (center, context) pairs and k negatives per pair given as int32 index
 * vectors and a matrix, the rows picked by indexing, the gradient taken
 * with respect to the picked rows only (`grad(cost, W[idx])`), and the
 * classic sparse update `updates=[(W, T.inc_subtensor(W[idx], -lr * g))]`,
 * repeated indices adding up (two updates of the output table composed:
 * the contexts' rows, then the negatives' rows of that).
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

export class SkipGram {
  readonly center = T.ivector('center');
  readonly context = T.ivector('context');
  readonly negatives = T.imatrix('negatives');

  constructor(
    readonly wIn: Shared,
    readonly wOut: Shared,
  ) {}

  /** -sum log sigmoid(e . c) - sum log sigmoid(-e . n) over the batch, with the rows it picks. */
  cost(): { cost: TensorVariable; e: TensorVariable; c: TensorVariable; n: TensorVariable } {
    const e = this.wIn.get(this.center);
    const c = this.wOut.get(this.context);
    const n = this.wOut.get(this.negatives); // (batch, k, dim)
    const positive = T.sum(e.mul(c), { axis: 1 });
    const negative = T.sum(e.dimshuffle(0, 'x', 1).mul(n), { axis: 2 });
    const cost = T.neg(T.sum(T.log(T.nnet.sigmoid(positive))).add(T.sum(T.log(T.nnet.sigmoid(T.neg(negative))))));
    return { cost, e, c, n };
  }

  /** One SGD step on the rows the batch touches only: inc_subtensor of the picked rows. */
  trainFunction(learningRate: number): sym.SymFunction<sym.NDArray> {
    const { cost, e, c, n } = this.cost();
    const [ge, gc, gn] = grad(cost, [e, c, n]);
    const lr = T.constant(learningRate, { dtype: this.wIn.dtype });
    const outStep = T.incSubtensor(this.wOut.get(this.context), T.neg(lr).mul(gc!));
    return sym.function([this.center, this.context, this.negatives], cost, {
      updates: [
        [this.wIn, T.incSubtensor(this.wIn.get(this.center), T.neg(lr).mul(ge!))],
        [this.wOut, T.incSubtensor(outStep.get(this.negatives), T.neg(lr).mul(gn!))],
      ],
    });
  }
}
