/**
 * Matrix factorization for collaborative filtering as a Theano user wrote
 * it: user and item factors in shared matrices, a minibatch of (user,
 * item, rating) triples, the squared error plus L2 on the picked rows, and
 * Adagrad two ways: sparse for the users (the gradient with respect to the
 * picked rows, the accumulator updated by Theano's idiom
 * `set_subtensor(acc[u], acc[u] + g ** 2)`, whose repeated rows keep the
 * last write as NumPy's `acc[u] = acc[u] + g ** 2` does, the factors by
 * `inc_subtensor(P[u], -lr g / sqrt(acc'[u] + eps))`), dense for the items
 * (the gradient with respect to the whole table, repeats summed).
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type Shared = sym.TensorSharedVariable;

export interface FactorizationOptions {
  readonly users: number[][];
  readonly items: number[][];
  readonly dtype: sym.FloatDType;
  readonly l2: number;
  readonly learningRate: number;
  readonly epsilon: number;
}

export class MatrixFactorization {
  readonly p: Shared;
  readonly q: Shared;
  readonly accP: Shared;
  readonly accQ: Shared;
  readonly user = T.ivector('user');
  readonly item = T.ivector('item');
  readonly rating: sym.TensorVariable;

  constructor(readonly options: FactorizationOptions) {
    const { dtype } = options;
    const table = (rows: number[][], name: string) => sym.shared(sym.array(rows, { dtype }), { name });
    this.p = table(options.users, 'P');
    this.q = table(options.items, 'Q');
    this.accP = table(options.users.map((r) => r.map(() => 0)), 'accP');
    this.accQ = table(options.items.map((r) => r.map(() => 0)), 'accQ');
    this.rating = T.vector('rating', dtype);
  }

  /** One Adagrad step: sparse on the users' rows, dense on the items'; returns the cost before it. */
  trainFunction(): sym.SymFunction<sym.NDArray> {
    const { l2, learningRate: lr, epsilon } = this.options;
    const pu = this.p.get(this.user);
    const qi = this.q.get(this.item);
    const error = T.sum(pu.mul(qi), { axis: 1 }).sub(this.rating);
    const cost = T.sum(T.sqr(error)).add(T.mul(l2, T.sum(T.sqr(pu)).add(T.sum(T.sqr(qi)))));
    const [gpu, gq] = grad(cost, [pu, this.q]);
    const accPu = T.setSubtensor(this.accP.get(this.user), this.accP.get(this.user).add(T.sqr(gpu!)));
    const accQ = this.accQ.add(T.sqr(gq!));
    return sym.function([this.user, this.item, this.rating], cost, {
      updates: [
        [this.accP, accPu],
        [this.p, T.incSubtensor(this.p.get(this.user), T.mul(-lr, gpu!.div(T.sqrt(accPu.get(this.user).add(epsilon)))))],
        [this.accQ, accQ],
        [this.q, this.q.sub(T.mul(lr, gq!.div(T.sqrt(accQ.add(epsilon)))))],
      ],
    });
  }
}
