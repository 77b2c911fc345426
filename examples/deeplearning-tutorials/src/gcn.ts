/**
 * A two-layer graph convolutional network (Kipf and Welling) with sym.sparse:
 * the adjacency (self loops included) is a csr SparseMatrix given to each
 * call, normalized in the graph as D^-1/2 A D^-1/2 (the degrees by
 * `spSum`, the scaling by `rowScale` and `colScale`, pattern kept), and
 * each layer multiplies it by a dense matrix (`sparse.dot`: scatter-adds
 * by row, no kernel of its own on any backend). Trained by SGD on the
 * softmax cross-entropy of a few labelled nodes; the weights' gradients
 * flow back through the sparse products as through dense ones.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
const { sparse } = sym;

export interface GcnOptions {
  readonly w1: number[][];
  readonly w2: number[][];
  readonly dtype: sym.FloatDType;
  readonly learningRate: number;
}

export class Gcn {
  readonly w1: sym.TensorSharedVariable;
  readonly w2: sym.TensorSharedVariable;
  readonly adjacency: sym.sparse.SparseVariable;
  readonly features: sym.TensorVariable;
  readonly labelled = T.ivector('labelled');
  readonly labels = T.ivector('labels');

  constructor(readonly options: GcnOptions) {
    const { dtype } = options;
    this.w1 = sym.shared(sym.array(options.w1, { dtype }), { name: 'W1' });
    this.w2 = sym.shared(sym.array(options.w2, { dtype }), { name: 'W2' });
    this.adjacency = sparse.csrMatrix('A', dtype);
    this.features = T.matrix('X', dtype);
  }

  /** D^-1/2 A D^-1/2, A's pattern. */
  normalized(): sym.sparse.SparseVariable {
    const scale = T.pow(sparse.spSum(this.adjacency, 1), -0.5);
    return sparse.colScale(sparse.rowScale(this.adjacency, scale), scale);
  }

  /** Each node's class scores: Â relu(Â X W1) W2. */
  logits(): sym.TensorVariable {
    const a = this.normalized();
    const hidden = T.relu(sparse.dot(a, T.dot(this.features, this.w1)));
    return sparse.dot(a, T.dot(hidden, this.w2));
  }

  /** One SGD step on the mean cross-entropy of the labelled nodes; returns the cost before it. */
  trainFunction(): sym.SymFunction<sym.NDArray> {
    const probs = T.nnet.softmax(this.logits().get(this.labelled));
    const cost = T.mean(T.nnet.categoricalCrossentropy(probs, this.labels));
    const [g1, g2] = grad(cost, [this.w1, this.w2]);
    const lr = this.options.learningRate;
    return sym.function([this.adjacency, this.features, this.labelled, this.labels], cost, {
      updates: [
        [this.w1, this.w1.sub(T.mul(lr, g1!))],
        [this.w2, this.w2.sub(T.mul(lr, g2!))],
      ],
    });
  }
}
