/**
 * `Dropout`: Keras's `Dropout(rate)` and Lasagne's `DropoutLayer(p)`, on a
 * `sym.RandomStreams`. In the training graph (`output(x, { training: true })`)
 * each unit is zeroed with probability `rate` and the kept ones are scaled
 * by 1 / (1 - rate) (inverted dropout), so the expected value of every unit
 * is what it is at inference; in the inference graph (`output(x)`) the layer
 * is the identity. The mask is a graph-level `srng.binomial`, drawn anew at
 * each call of the training function, so it runs on every backend and
 * gives the same masks for the same seed on all of them.
 */
import { RandomStreams, checkOptionNames, isFloat, type StaticShape, type TensorSharedVariable, type TensorVariable } from '@sym/graph';
import { defaultRandomState } from './random.js';
import type { LayerLike, OutputOptions } from './sequential.js';

/** Options of {@link Dropout}: where its random masks come from. */
export interface DropoutOptions {
  /** The streams the masks come from: share one to seed (`srng.seed(n)`) every dropout of a network at once. */
  srng?: RandomStreams;
  /**
   * Seed of the layer's own streams (an integer in [0, 2^32)). Without
   * `srng` or `seed`, the seed is drawn from {@link defaultRandomState},
   * as the other layers draw their weights: the same program gets the same
   * masks on every run.
   */
  seed?: number;
}

export class Dropout implements LayerLike {
  /** The probability that a unit is dropped, in [0, 1). */
  readonly rate: number;
  /** Where the masks come from: each training graph built by `output` gets its own random variable of these streams. */
  readonly srng: RandomStreams;
  /** No parameters: dropout learns nothing. */
  readonly params: readonly TensorSharedVariable[] = [];

  /** @param rate the probability of dropping a unit (Keras's `rate`, Lasagne's `p`): 0 keeps every unit, 1 is refused. */
  constructor(rate: number, options: DropoutOptions = {}) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
      throw new RangeError(`Dropout: rate must be a number in [0, 1) (the probability of dropping a unit), got ${String(rate)}`);
    }
    checkOptionNames(options, 'Dropout', ['srng', 'seed']);
    if (options.srng !== undefined && options.seed !== undefined) {
      throw new TypeError('Dropout: pass srng or seed, not both (a seed makes the layer its own RandomStreams)');
    }
    if (options.srng !== undefined && !(options.srng instanceof RandomStreams)) {
      throw new TypeError(`Dropout: srng must be a sym.RandomStreams, got ${String(options.srng)}`);
    }
    this.rate = rate;
    // RandomStreams checks the seed and names it in its error
    this.srng = options.srng ?? new RandomStreams(options.seed ?? defaultRandomState().nextUint32());
  }

  /** The input's shape: dropout keeps it. */
  outputShape(inputShape: StaticShape): StaticShape {
    return inputShape;
  }

  /**
   * `x * mask / (1 - rate)` with `training: true`, where mask is 0 with
   * probability `rate` and 1 otherwise, one draw per element and per call;
   * `x` itself otherwise (and for a rate of 0).
   */
  output(x: TensorVariable, options: OutputOptions = {}): TensorVariable {
    if (!isFloat(x.dtype)) throw new TypeError(`Dropout.output: x must be a float tensor, got ${x.toString()} of type ${x.type}`);
    // a misspelt option (train) or a bare boolean would silently give the inference graph
    checkOptionNames(options, 'Dropout.output', ['training']);
    const training = options.training ?? false;
    if (typeof training !== 'boolean') throw new TypeError(`Dropout.output: training must be a boolean, got ${String(training)}`);
    if (!training || this.rate === 0) return x;
    const mask = this.srng.binomial(x.shape, { p: 1 - this.rate, dtype: x.dtype });
    // x * mask is exact (mask is 0 or 1): each kept unit is rounded once, by the scaling
    return x.mul(mask).mul(1 / (1 - this.rate));
  }
}
