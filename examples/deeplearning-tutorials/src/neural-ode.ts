/**
 * A neural ODE (Chen et al. 2018) integrated by classical Runge-Kutta (RK4)
 * in `sym.scan`, as a Theano user wrote it: the dynamics f(z, t) =
 * tanh(z W + b + t c) A, one RK4 step of size h per scan step (the times a
 * sequence, the state z the scan's output), and the loss differentiated
 * through the whole trajectory (backpropagation through the solver, not
 * the adjoint method) with respect to the parameters, the initial state
 * and the step size. A second integrator stops at an event: the scan's
 * step returns `sym.until(mean z[:, 0] > threshold)`, so the number of
 * steps taken depends on the values.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

export interface NeuralOdeValues {
  readonly W: number[][];
  readonly b: number[];
  readonly c: number[];
  readonly A: number[][];
}

export class NeuralOde {
  readonly params: Shared[];
  constructor(values: NeuralOdeValues) {
    const dtype = sym.config.floatX;
    this.params = (['W', 'b', 'c', 'A'] as const).map((name) => sym.shared(sym.array(values[name], { dtype }), { name }));
  }

  /** dz/dt at time t. */
  static dynamics(z: TensorVariable, t: TensorVariable, params: readonly TensorVariable[]): TensorVariable {
    const [W, b, c, A] = params as [TensorVariable, TensorVariable, TensorVariable, TensorVariable];
    return T.dot(T.tanh(T.dot(z, W).add(b).add(c.mul(t))), A);
  }

  /** One classical Runge-Kutta step of size h from (z, t). */
  static rk4(z: TensorVariable, t: TensorVariable, h: TensorVariable, params: readonly TensorVariable[]): TensorVariable {
    const f = (zz: TensorVariable, tt: TensorVariable): TensorVariable => NeuralOde.dynamics(zz, tt, params);
    const half = h.mul(0.5);
    const k1 = f(z, t);
    const k2 = f(z.add(k1.mul(half)), t.add(half));
    const k3 = f(z.add(k2.mul(half)), t.add(half));
    const k4 = f(z.add(k3.mul(h)), t.add(h));
    return z.add(k1.add(k2.mul(2)).add(k3.mul(2)).add(k4).mul(h.div(6)));
  }

  /** The states after each of n steps of size h from z0 at t = 0: (n, batch, dim). */
  trajectory(z0: TensorVariable, h: TensorVariable, n: TensorVariable): TensorVariable {
    const times = T.arange(n).astype(h.dtype).mul(h);
    const [zs] = sym.scan((t: TensorVariable, z: TensorVariable, hh: TensorVariable, ...params: TensorVariable[]) => NeuralOde.rk4(z, t, hh, params), {
      sequences: times,
      outputsInfo: z0,
      nonSequences: [h, ...this.params],
    });
    return zs;
  }

  /**
   * The states until the step after which the mean of z[:, 0] first exceeds
   * `threshold` (that step's state last), at most `maxSteps` steps.
   */
  untilEvent(z0: TensorVariable, h: TensorVariable, threshold: TensorVariable, maxSteps: number): TensorVariable {
    const times = T.arange(maxSteps).astype(h.dtype).mul(h);
    const [zs] = sym.scan(
      (t: TensorVariable, z: TensorVariable, hh: TensorVariable, thr: TensorVariable, ...params: TensorVariable[]) => {
        const next = NeuralOde.rk4(z, t, hh, params);
        return [next, sym.until(T.mean(next.get(T.slice(), 0)).gt(thr))];
      },
      { sequences: times, outputsInfo: z0, nonSequences: [h, threshold, ...this.params] },
    );
    return zs;
  }
}

/** The loss: the final state's mean squared distance to the target, plus 0.01 times the trajectory's mean square. */
export function odeLoss(zs: TensorVariable, target: TensorVariable): TensorVariable {
  return T.mean(T.sqr(zs.get(-1).sub(target))).add(T.mean(T.sqr(zs)).mul(0.01));
}

/** `fixed(z0, h, n, target)` and `event(z0, h, threshold, target)`: [loss, final state, steps taken, d loss / d W, b, c, A, z0, h]. */
export function buildNeuralOde(model: NeuralOde, maxSteps: number) {
  const z0 = T.matrix('z0');
  const h = T.scalar('h');
  const n = T.iscalar('n');
  const threshold = T.scalar('threshold');
  const target = T.matrix('target');
  const wrt = [...model.params, z0, h];
  const zs = model.trajectory(z0, h, n);
  const loss = odeLoss(zs, target);
  const fixed = sym.function([z0, h, n, target], [loss, zs.get(-1), zs.shape[0]!, ...grad(loss, wrt)]);
  const zsEvent = model.untilEvent(z0, h, threshold, maxSteps);
  const eventLoss = odeLoss(zsEvent, target);
  const event = sym.function([z0, h, threshold, target], [eventLoss, zsEvent.get(-1), zsEvent.shape[0]!, ...grad(eventLoss, wrt)]);
  return { fixed, event };
}
