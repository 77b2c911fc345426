/**
 * REINFORCE (Williams 1992) as Theano users wrote policy gradients:
 *
 * - A contextual bandit: a linear softmax policy over actions per state,
 *   actions drawn by `RandomStreams.multinomial` (one-hot rows) inside the
 *   compiled function, the reward read through the one-hot row, the
 *   surrogate loss `-mean((r - baseline) log pi(a|s))` differentiated with
 *   `considerConstant: [advantage]`, and one function whose `updates` move
 *   the policy by SGD and a moving-average baseline.
 * - Episodes: a `scan` of a few steps, each drawing an action from the
 *   policy of the current state and moving the state by it, the return at
 *   the episode's end weighting the sum of the log-probabilities.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

export interface BanditOptions {
  /** The initial policy weights, features x actions. */
  weights: number[][];
  seed: number;
  learningRate: number;
  /** The baseline's moving average: b <- decay b + (1 - decay) mean(r). */
  baselineDecay: number;
}

export class BanditReinforce {
  readonly W: Shared;
  readonly baseline: Shared;
  readonly srng: sym.RandomStreams;
  /** The states (one row each) and the reward matrix (features x actions): r(s, a) = (s R)[a]. */
  readonly states = T.matrix('states');
  readonly rewards = T.matrix('rewards');
  /** The one-hot actions drawn (a RandomTensor: its generator can be copied to replay the draw). */
  readonly actions: sym.RandomTensor;
  readonly policy: TensorVariable;

  constructor(readonly options: BanditOptions) {
    const floatX = sym.config.floatX;
    this.W = sym.shared(sym.array(options.weights, { dtype: floatX }), { name: 'W' });
    this.baseline = sym.shared(sym.array(0, { dtype: floatX }), { name: 'baseline' });
    this.srng = new sym.RandomStreams(options.seed);
    this.policy = T.nnet.softmax(T.dot(this.states, this.W));
    this.actions = this.srng.multinomial({ pvals: this.policy, dtype: floatX });
  }

  /** One call: draw an action per state, then move W and the baseline. Returns [loss, action indices, mean reward]. */
  build() {
    const { learningRate, baselineDecay } = this.options;
    const reward = T.sum(T.dot(this.states, this.rewards).mul(this.actions), { axis: 1 });
    const logProbability = T.log(T.sum(this.policy.mul(this.actions), { axis: 1 }));
    const advantage = reward.sub(this.baseline);
    const loss = T.mean(advantage.mul(logProbability)).neg();
    const meanReward = T.mean(reward);
    const gW = grad(loss, this.W, { considerConstant: [advantage] });
    return sym.function([this.states, this.rewards], [loss, T.argmax(this.actions, 1), meanReward], {
      updates: [
        [this.W, this.W.sub(gW.mul(learningRate))],
        [this.baseline, this.baseline.mul(baselineDecay).add(meanReward.mul(1 - baselineDecay))],
      ],
    });
  }
}

/**
 * An episode of `steps` steps from each row of the initial states: a = draw from softmax(s W), s <- tanh(s + a offsets),
 * the return the sum of the last state; [loss, actions (steps x rows), dloss/dW, log pi per step and row].
 */
export function buildEpisodeReinforce(weights: number[][], offsets: number[][], steps: number, seed: number) {
  const floatX = sym.config.floatX;
  const W = sym.shared(sym.array(weights, { dtype: floatX }), { name: 'W' });
  const moves = sym.array(offsets, { dtype: floatX });
  const srng = new sym.RandomStreams(seed);
  const start = T.matrix('start');
  const [[states, actions, logProbabilities]] = sym.scan(
    (s: TensorVariable) => {
      const pi = T.nnet.softmax(T.dot(s, W));
      const a = srng.multinomial({ pvals: pi, dtype: floatX });
      return [T.tanh(s.add(T.dot(a, moves))), a, T.log(T.sum(pi.mul(a), { axis: 1 }))];
    },
    { outputsInfo: [start, null, null], nSteps: steps },
  );
  const episodeReturn = T.sum(states!.get(-1), { axis: 1 });
  const loss = T.mean(T.sum(logProbabilities!, { axis: 0 }).mul(episodeReturn)).neg();
  const gW = grad(loss, W, { considerConstant: [episodeReturn] });
  return { W, run: sym.function([start], [loss, T.argmax(actions!, 2), gW, logProbabilities!]) };
}
