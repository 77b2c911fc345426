/**
 * Theano's Hybrid Monte-Carlo sampler (the Deep Learning Tutorials'
 * hmc/hmc.py), written the way a Theano user ports it: the Hamiltonian of
 * positions and momenta, leapfrog integration as a `scan` whose step takes
 * the energy's gradient (`grad` inside a scan step), a Metropolis-Hastings
 * accept/reject from a uniform draw, and the sampler's shared state (the
 * positions, an adaptive stepsize and a moving average of the acceptance
 * rate) moved by one function made with `updates`.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';

const T = sym.T;
type TensorVariable = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

/** An energy per example: rows of positions in, one energy per row out. */
export type EnergyFn = (positions: TensorVariable) => TensorVariable;

/** `0.5 * (vel ** 2).sum(axis=1)`: the kinetic energy of each row of momenta. */
export function kineticEnergy(vel: TensorVariable): TensorVariable {
  return T.mul(0.5, vel.pow(2).sum({ axis: 1 }));
}

/** The total energy of each (position, momentum) pair. */
export function hamiltonian(pos: TensorVariable, vel: TensorVariable, energyFn: EnergyFn): TensorVariable {
  return energyFn(pos).add(kineticEnergy(vel));
}

/**
 * Accept a move with probability min(1, exp(energyPrev - energyNext)):
 * `(exp(ediff) - u) >= 0` for a uniform u per example. `draw` gives the
 * uniform (the tutorial draws `s_rng.uniform(size=energy_prev.shape)`).
 */
export function metropolisHastingsAccept(energyPrev: TensorVariable, energyNext: TensorVariable, sRng: sym.RandomStreams): { accept: TensorVariable; u: sym.RandomTensor } {
  const ediff = energyPrev.sub(energyNext);
  const u = sRng.uniform(energyPrev.shape);
  return { accept: T.ge(T.exp(ediff).sub(u), 0), u };
}

/**
 * `nSteps` leapfrog steps from (initialPos, initialVel): a half step of the
 * momenta, a full step of the positions, then nSteps - 1 full steps of both
 * in a scan whose step differentiates the energy, and a last half step of
 * the momenta. Returns the final positions and momenta.
 */
export function simulateDynamics(initialPos: TensorVariable, initialVel: TensorVariable, stepsize: TensorVariable, nSteps: number, energyFn: EnergyFn): [TensorVariable, TensorVariable] {
  // the tutorial's step returns `[new_pos, new_vel], {}`: outputs and no updates
  const leapfrog = (pos: TensorVariable, vel: TensorVariable, step: TensorVariable): [TensorVariable[], Record<string, never>] => {
    const dEdpos = grad(energyFn(pos).sum(), pos);
    const newVel = vel.sub(step.mul(dEdpos));
    const newPos = pos.add(step.mul(newVel));
    return [[newPos, newVel], {}];
  };
  const initialEnergy = energyFn(initialPos);
  const dEdpos = grad(initialEnergy.sum(), initialPos);
  const velHalfStep = initialVel.sub(T.mul(0.5, stepsize).mul(dEdpos));
  const posFullStep = initialPos.add(stepsize.mul(velHalfStep));
  const [[allPos, allVel], scanUpdates] = sym.scan(leapfrog, {
    outputsInfo: [{ initial: posFullStep }, { initial: velHalfStep }],
    nonSequences: [stepsize],
    nSteps: nSteps - 1,
    name: 'leapfrog',
  });
  if (scanUpdates.length !== 0) throw new Error('simulateDynamics: the leapfrog scan should make no updates'); // the tutorial's `assert not scan_updates`
  const finalPos = allPos!.get(-1);
  const energy = energyFn(finalPos);
  const finalVel = allVel!.get(-1).sub(T.mul(0.5, stepsize).mul(grad(energy.sum(), finalPos)));
  return [finalPos, finalVel];
}

/** What one HMC move makes: the tutorial's `(accept, final_pos)`, and the draws and momenta a test reads. */
export interface HMCMove {
  accept: TensorVariable;
  finalPos: TensorVariable;
  finalVel: TensorVariable;
  /** The initial momenta, `s_rng.normal(size=positions.shape)` (a random variable: `.rng` holds its generator). */
  initialVel: sym.RandomTensor;
  /** The accept/reject uniforms (a random variable: `.rng` holds its generator). */
  u: sym.RandomTensor;
}

/** One HMC move from `positions`: momenta drawn, `nSteps` of leapfrog, Metropolis-Hastings. */
export function hmcMove(sRng: sym.RandomStreams, positions: TensorVariable, energyFn: EnergyFn, stepsize: TensorVariable, nSteps: number): HMCMove {
  const initialVel = sRng.normal(positions.shape);
  const [finalPos, finalVel] = simulateDynamics(positions, initialVel, stepsize, nSteps, energyFn);
  const { accept, u } = metropolisHastingsAccept(hamiltonian(positions, initialVel, energyFn), hamiltonian(finalPos, finalVel, energyFn), sRng);
  return { accept, finalPos, finalVel, initialVel, u };
}

/** The sampler's settings, with hmc.py's defaults in `newFromSharedPositions`. */
export interface HMCSettings {
  targetAcceptanceRate: number;
  stepsizeInc: number;
  stepsizeDec: number;
  stepsizeMin: number;
  stepsizeMax: number;
  avgAcceptanceSlowness: number;
}

/**
 * The updates of one move: the accepted rows of the positions move, the
 * stepsize grows when the average acceptance rate is above the target and
 * shrinks otherwise (clipped to [stepsizeMin, stepsizeMax]), and the average
 * acceptance rate moves towards this move's.
 */
export function hmcUpdates(positions: Shared, stepsize: Shared, avgAcceptanceRate: Shared, finalPos: TensorVariable, accept: TensorVariable, s: HMCSettings): [Shared, TensorVariable][] {
  // broadcast the per-example decision over the other axes of the positions
  const acceptMatrix = accept.dimshuffle(0, ...new Array<'x'>(finalPos.ndim - 1).fill('x'));
  const newPositions = T.switch(acceptMatrix, finalPos, positions);
  const newStepsizeUnclipped = T.switch(T.gt(avgAcceptanceRate, s.targetAcceptanceRate), stepsize.mul(s.stepsizeInc), stepsize.mul(s.stepsizeDec));
  const newStepsize = T.clip(newStepsizeUnclipped, s.stepsizeMin, s.stepsizeMax);
  // theano.scalar.upcast(accept.dtype, avg_acceptance_rate.dtype): a mean of the booleans in the rate's dtype
  const meanDtype = sym.promote(accept.dtype, avgAcceptanceRate.dtype);
  const newAcceptanceRate = T.add(T.mul(s.avgAcceptanceSlowness, avgAcceptanceRate), T.mul(1 - s.avgAcceptanceSlowness, accept.mean({ dtype: meanDtype })));
  return [
    [positions, newPositions],
    [stepsize, newStepsize],
    [avgAcceptanceRate, newAcceptanceRate],
  ];
}

export interface HMCSamplerOptions extends Partial<HMCSettings> {
  initialStepsize?: number;
  nSteps?: number;
  seed?: number;
}

/** hmc.py's `HMC_sampler`: shared state, the symbolic move, and `simulate` (one move, applied by its updates). */
export class HMCSampler implements HMCSettings {
  readonly positions: Shared;
  readonly stepsize: Shared;
  readonly avgAcceptanceRate: Shared;
  readonly targetAcceptanceRate: number;
  readonly stepsizeInc: number;
  readonly stepsizeDec: number;
  readonly stepsizeMin: number;
  readonly stepsizeMax: number;
  readonly avgAcceptanceSlowness: number;
  readonly sRng: sym.RandomStreams;
  readonly move: HMCMove;
  readonly updates: [Shared, TensorVariable][];
  /** `theano.function([], [], updates=simulate_updates)`. */
  readonly simulate: sym.SymFunction<sym.NDArray[]>;

  private constructor(sharedPositions: Shared, energyFn: EnergyFn, options: HMCSamplerOptions) {
    const floatX = sym.config.floatX;
    this.positions = sharedPositions;
    this.targetAcceptanceRate = options.targetAcceptanceRate ?? 0.9;
    this.stepsizeInc = options.stepsizeInc ?? 1.02;
    this.stepsizeDec = options.stepsizeDec ?? 0.98;
    this.stepsizeMin = options.stepsizeMin ?? 0.001;
    this.stepsizeMax = options.stepsizeMax ?? 0.25;
    this.avgAcceptanceSlowness = options.avgAcceptanceSlowness ?? 0.9;
    // the tutorial's sharedX: shared scalars in floatX
    this.stepsize = sym.shared(options.initialStepsize ?? 0.01, { name: 'hmc_stepsize', dtype: floatX });
    this.avgAcceptanceRate = sym.shared(this.targetAcceptanceRate, { name: 'avg_acceptance_rate', dtype: floatX });
    this.sRng = new sym.RandomStreams(options.seed ?? 12345);
    this.move = hmcMove(this.sRng, sharedPositions, energyFn, this.stepsize, options.nSteps ?? 20);
    this.updates = hmcUpdates(sharedPositions, this.stepsize, this.avgAcceptanceRate, this.move.finalPos, this.move.accept, this);
    this.simulate = sym.function([], [], { updates: this.updates, name: 'hmc_simulate' });
  }

  /** `HMC_sampler.new_from_shared_positions`. */
  static newFromSharedPositions(sharedPositions: Shared, energyFn: EnergyFn, options: HMCSamplerOptions = {}): HMCSampler {
    return new HMCSampler(sharedPositions, energyFn, options);
  }

  /** One move; the new positions (a copy, `get_value(borrow=False)`; read asynchronously, so that a GPU device may hold them). */
  async draw(): Promise<sym.NDArray> {
    await this.simulate();
    return this.positions.getValueAsync({ borrow: false });
  }
}
