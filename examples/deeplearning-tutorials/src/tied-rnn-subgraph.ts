/**
 * Backpropagation through a sequence in two parts chained by hand, as
 * Theano users wrote memory-bounded or pipelined training with
 * `subgraph_grad`: a tanh RNN language model whose embedding table is tied
 * to its read-out (`logits = h E^T`), run as two `scan`s, the second
 * starting from the first's last state. The second part's gradient is
 * taken down to that state (`end`), then passed as the first part's
 * `start`; the same start given to `grad(null, wrt, { knownGrads })`.
 */
import * as sym from '@sym/graph';
import { grad, subgraphGrad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

export class TiedRNN {
  readonly embedding: Shared;
  readonly recurrent: Shared;
  readonly inputs = [T.ivector('inputs1'), T.ivector('inputs2')] as const;
  readonly targets = [T.ivector('targets1'), T.ivector('targets2')] as const;
  readonly h0: TensorVariable;

  constructor(embedding: number[][], recurrent: number[][], dtype: sym.FloatDType) {
    this.embedding = sym.shared(sym.array(embedding, { dtype }), { name: 'E' });
    this.recurrent = sym.shared(sym.array(recurrent, { dtype }), { name: 'Wh' });
    this.h0 = T.vector('h0', dtype);
  }

  get params(): Shared[] {
    return [this.embedding, this.recurrent];
  }

  /** One part: the states from h0 over the tokens, the summed next-token cross-entropy, and the last state. */
  part(tokens: TensorVariable, targets: TensorVariable, h0: TensorVariable): { cost: TensorVariable; last: TensorVariable } {
    const [[states]] = sym.scan((e: TensorVariable, h: TensorVariable) => [T.tanh(e.add(T.dot(h, this.recurrent)))], {
      sequences: this.embedding.get(tokens),
      outputsInfo: h0,
    }) as unknown as [[TensorVariable]];
    const cost = T.sum(T.nnet.categoricalCrossentropy(T.nnet.softmax(T.dot(states, this.embedding.T)), targets));
    return { cost, last: states.get(-1) };
  }

  /** [the whole cost, its gradient, the gradient chained part by part, the first part's by knownGrads plus its own cost's]. */
  gradientsFunction(): sym.SymFunction<sym.NDArray[]> {
    const first = this.part(this.inputs[0], this.targets[0], this.h0);
    const second = this.part(this.inputs[1], this.targets[1], first.last);
    const total = first.cost.add(second.cost);
    const whole = grad(total, this.params);
    const [secondGrads, [atBoundary]] = subgraphGrad(this.params, [first.last], { cost: second.cost });
    const [firstGrads] = subgraphGrad(this.params, [], { start: [[first.last, atBoundary!]], cost: first.cost });
    const chained = firstGrads.map((g, i) => g.add(secondGrads[i]!));
    const known = grad(null, this.params, { knownGrads: [[first.last, atBoundary!]] });
    const own = grad(first.cost, this.params);
    return sym.function([...this.inputs, ...this.targets, this.h0], [total, ...whole, ...chained, ...known.map((g, i) => g.add(own[i]!)), ...firstGrads]);
  }
}
