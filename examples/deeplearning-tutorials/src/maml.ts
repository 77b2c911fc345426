/**
 * Model-agnostic meta-learning (Finn et al. 2017) on sinusoid regression, as
 * a Theano user wrote it: a tanh MLP whose parameters adapt to a task by
 * inner SGD steps on the task's support points (`grad` inside the graph),
 * the meta-loss the adapted network's error on the task's query points, and
 * the meta-gradient `grad` of that loss with respect to the initial
 * parameters, through the inner updates: second order, a gradient of a
 * graph holding gradients. A meta-batch of tasks is a `scan` over the tasks
 * whose step takes the inner gradients, so the meta-gradient is also the
 * gradient of a scan whose step differentiates. First-order MAML holds the
 * inner gradients constant (`disconnectedGrad`).
 */
import * as sym from '@sym/graph';
import { disconnectedGrad, grad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

export interface MamlValues {
  readonly W1: number[];
  readonly b1: number[];
  readonly w2: number[];
  readonly b2: number;
}

export interface MamlOptions {
  /** The inner (adaptation) rate, alpha. */
  readonly innerLr: number;
  /** The number of inner SGD steps. */
  readonly innerSteps: number;
  /** The meta rate, beta. */
  readonly metaLr: number;
  /** Hold the inner gradients constant (first-order MAML). */
  readonly firstOrder?: boolean;
}

/** The MLP 1 -> hidden -> 1 on a vector of inputs: w2 . tanh(x W1 + b1) + b2 for each x. */
export function predict(params: readonly TensorVariable[], x: TensorVariable): TensorVariable {
  const [W1, b1, w2, b2] = params as [TensorVariable, TensorVariable, TensorVariable, TensorVariable];
  const h = T.tanh(T.outer(x, W1).add(b1));
  return T.dot(h, w2).add(b2);
}

const mse = (params: readonly TensorVariable[], x: TensorVariable, y: TensorVariable): TensorVariable => T.mean(T.sqr(predict(params, x).sub(y)));

/** The parameters after the inner steps on (xs, ys). */
export function adapt(params: readonly TensorVariable[], xs: TensorVariable, ys: TensorVariable, options: MamlOptions): TensorVariable[] {
  let current = [...params];
  for (let step = 0; step < options.innerSteps; step++) {
    const grads = grad(mse(current, xs, ys), current);
    current = current.map((p, i) => p.sub((options.firstOrder === true ? disconnectedGrad(grads[i]!) : grads[i]!).mul(options.innerLr)));
  }
  return current;
}

export class Maml {
  readonly params: Shared[];
  constructor(values: MamlValues) {
    const dtype = sym.config.floatX;
    this.params = (['W1', 'b1', 'w2', 'b2'] as const).map((name) => sym.shared(sym.array(values[name], { dtype }), { name }));
  }

  /** The query loss of one task after adaptation on its support set. */
  taskLoss(xs: TensorVariable, ys: TensorVariable, xq: TensorVariable, yq: TensorVariable, options: MamlOptions): TensorVariable {
    return mse(adapt(this.params, xs, ys, options), xq, yq);
  }

  /**
   * The mean query loss over a meta-batch: a scan over the tasks (rows of
   * the support and query matrices), each step adapting the parameters.
   */
  metaLoss(xs: TensorVariable, ys: TensorVariable, xq: TensorVariable, yq: TensorVariable, options: MamlOptions): TensorVariable {
    const [losses] = sym.scan(
      (xsT: TensorVariable, ysT: TensorVariable, xqT: TensorVariable, yqT: TensorVariable, ...params: TensorVariable[]) =>
        mse(adapt(params, xsT, ysT, options), xqT, yqT),
      { sequences: [xs, ys, xq, yq], nonSequences: this.params },
    );
    return T.mean(losses);
  }
}

/** `metaStep(xs, ys, xq, yq)`: one meta-SGD step over the tasks, returning the meta-loss before it; `metaGrad` the loss and the meta-gradient. */
export function buildMaml(model: Maml, options: MamlOptions) {
  const [xs, ys, xq, yq] = ['xs', 'ys', 'xq', 'yq'].map((name) => T.matrix(name)) as [TensorVariable, TensorVariable, TensorVariable, TensorVariable];
  const loss = model.metaLoss(xs, ys, xq, yq, options);
  const grads = grad(loss, model.params);
  const metaGrad = sym.function([xs, ys, xq, yq], [loss, ...grads]);
  const metaStep = sym.function([xs, ys, xq, yq], loss, { updates: model.params.map((p, i) => [p, p.sub(grads[i]!.mul(options.metaLr))] as [Shared, TensorVariable]) });

  const [x1, y1, x2, y2] = ['xs', 'ys', 'xq', 'yq'].map((name) => T.vector(name)) as [TensorVariable, TensorVariable, TensorVariable, TensorVariable];
  const taskLoss = model.taskLoss(x1, y1, x2, y2, options);
  const taskGrad = sym.function([x1, y1, x2, y2], [taskLoss, ...grad(taskLoss, model.params)]);
  return { metaGrad, metaStep, taskGrad };
}
