import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { BanditReinforce, buildEpisodeReinforce } from './reinforce.js';
import { maxAbsDiff, replayUniforms, useFloat64, useFloatX } from './test-support.js';

const [S, F, A] = [8, 3, 4];
const states = Array.from({ length: S }, (_, i) => Array.from({ length: F }, (_, j) => Math.sin(0.6 * i + 1.1 * j + 0.2)));
const rewards = Array.from({ length: F }, (_, j) => Array.from({ length: A }, (_, a) => Math.cos(0.9 * j + 0.7 * a)));
const weights = Array.from({ length: F }, (_, j) => Array.from({ length: A }, (_, a) => 0.1 * Math.sin(j + 2 * a)));

/**
 * NumPy (python3; .audit's reinforce_ref.py) given the actions sym drew with seed 1234 (float64 draws
 * compare float64 uniforms, float32 draws float32 ones, so the two differ): every call's surrogate loss and
 * mean reward, then W and the baseline after three calls.
 */
const BANDIT = {
  float64: {
    actions: [[1, 3, 2, 3, 2, 2, 2, 0], [3, 1, 3, 1, 2, 1, 3, 0], [0, 3, 0, 2, 3, 0, 2, 2]],
    losses: [0.07050389930691969, 0.1589940604412865, 0.3236165801652837],
    meanRewards: [0.08748245167176416, 0.19336095921250548, 0.3824589576778107],
    W: [
      0.2167758476497946, 0.11178886920629298, -0.053426255229695775, -0.28783051829450906, 0.44122239452466666, 0.10124493660455854, -0.23680220997774135,
      -0.23759978945914245, 0.19808983371755834, -0.017493052601205636, -0.17802780575719998, 0.08367479263506819,
    ],
    baseline: 0.06273446068231947,
  },
  float32: {
    actions: [[1, 0, 3, 1, 2, 2, 3, 2], [2, 3, 2, 2, 2, 3, 0, 0], [3, 0, 1, 1, 3, 1, 2, 3]],
    losses: [0.9288661843605603, -0.46600549245489764, 0.7124734485767898],
    meanRewards: [0.7210868258561933, -0.14550104486765408, 0.6978922263158892],
    W: [
      0.16381461710536535, 0.20378849465500978, -0.07121414544692209, -0.30908102298157025, 0.4833304344771983, 0.12374877932876474, -0.2624004371458931,
      -0.2766134449677284, 0.2892511514685907, -0.08907736649618014, -0.1834624286576626, 0.06953241167947288,
    ],
    baseline: 0.11510216148785171,
  },
};

/** The action of each row from its probabilities and the uniform drawn for it: the first k with u < p_0 + ... + p_k. */
function categoriesOf(probabilities: number[][], uniforms: ArrayLike<number>): number[] {
  return probabilities.map((p, r) => {
    let cumulative = 0;
    const k = p.findIndex((pk) => uniforms[r]! < (cumulative += pk));
    return k < 0 ? p.length - 1 : k;
  });
}

async function trainBandit(dtype: 'float64' | 'float32', tolerance: number): Promise<void> {
  const want = BANDIT[dtype];
  const agent = new BanditReinforce({ weights, seed: 1234, learningRate: 0.5, baselineDecay: 0.9 });
  const train = agent.build();
  const policy = sym.function([agent.states], agent.policy);
  for (let call = 0; call < 3; call++) {
    const probabilities = (await policy(states)).toArray() as number[][];
    const generator = agent.actions.rng.getValue();
    const [loss, actions, meanReward] = await train(states, rewards);
    expect(Array.from(actions!.data as ArrayLike<number>, Number)).toEqual(want.actions[call]);
    // the actions are the categories of the uniforms the call drew (replayed from a copy of the generator)
    expect(categoriesOf(probabilities, replayUniforms(generator, S, dtype))).toEqual(want.actions[call]);
    expect(Math.abs(loss!.item() - want.losses[call]!)).toBeLessThan(tolerance);
    expect(Math.abs(meanReward!.item() - want.meanRewards[call]!)).toBeLessThan(tolerance);
  }
  expect(maxAbsDiff((await agent.W.getValueAsync()).data as ArrayLike<number>, want.W)).toBeLessThan(tolerance);
  expect(Math.abs((await agent.baseline.getValueAsync()).item() - want.baseline)).toBeLessThan(tolerance);
}

// an episode of four steps from two initial states; NumPy's loss, log-probabilities and complex-step gradient
const EPISODE = {
  float64: {
    actions: [[1, 1], [0, 0], [2, 0], [2, 1]],
    loss: 3.447501030180364,
    logProbabilities: [-1.1463646460618235, -1.076710459591334, -0.9519708474954222, -0.9202526218232405, -1.0990018572817635, -0.9628281711345238, -1.0975972100143279, -1.2458846788352256],
    gradient: [0.3234533788541795, -0.08327823773982371, -0.24017514111435578, -0.1502968851502764, 0.07250717409644317, 0.07778971105383319],
  },
  float32: {
    actions: [[1, 1], [1, 2], [0, 1], [0, 2]],
    loss: 2.1904701170503538,
    logProbabilities: [-1.1463646460618235, -1.076710459591334, -1.107578078227165, -1.3858114703223599, -0.9114442128675235, -1.0709677563033413, -0.9564367925455736, -1.4224476613000934],
    gradient: [-0.007694454873552841, -0.024115441390818584, 0.03180989626437141, -0.050615664754509654, -0.06412697500725811, 0.11474263976176768],
  },
};

async function runEpisode(dtype: 'float64' | 'float32', tolerance: number): Promise<void> {
  const want = EPISODE[dtype];
  const { run } = buildEpisodeReinforce([[0.1, -0.2, 0.3], [0.4, 0.0, -0.1]], [[0.5, -0.2], [-0.3, 0.4], [0.1, 0.1]], 4, 7);
  const [loss, actions, gradient, logProbabilities] = await run([[0.1, 0.2], [-0.3, 0.5]]);
  expect(actions!.toArray()).toEqual(want.actions);
  expect(Math.abs(loss!.item() - want.loss)).toBeLessThan(tolerance);
  expect(maxAbsDiff(logProbabilities!.data as ArrayLike<number>, want.logProbabilities)).toBeLessThan(tolerance);
  expect(maxAbsDiff(gradient!.data as ArrayLike<number>, want.gradient)).toBeLessThan(tolerance);
}

describe('REINFORCE: actions drawn by RandomStreams.multinomial, a baseline, considerConstant', () => {
  describe('float64', () => {
    useFloat64();
    it('a contextual bandit: three calls (draw, SGD on the policy, baseline update) match NumPy given the drawn actions', async () => {
      await trainBandit('float64', 1e-13);
    });
    it('episodes: a scan drawing an action per step, the gradient of the return-weighted log-probabilities', async () => {
      await runEpisode('float64', 1e-13);
    });
  });

  describe('float32', () => {
    useFloatX('float32');
    it('the bandit and the episodes in float32 (float32 draws) match NumPy to 1e-5', async () => {
      await trainBandit('float32', 1e-5);
      await runEpisode('float32', 1e-5);
    });
  });
});
