/**
 * The generator layers draw their initial weights from when they are given
 * none. `RandomState` itself lives in `@sym/graph`, where random variables
 * (`RandomStreams`) use it too; it is re-exported here for `@sym/nn`'s users.
 */
import { RandomState } from '@sym/graph';

export { RandomState };

let defaultState: RandomState | undefined;

/**
 * The generator `Layer.dense` and `MLP.fromSizes` draw from when they are
 * given no `rng`: one stream for the whole program, seeded with 0 when it is
 * first used. Each layer made without an `rng` advances it, so two such
 * layers get different weights, and a program that builds its layers in the
 * same order gets the same weights on every run. `defaultRandomState().seed(n)`
 * restarts it.
 */
export function defaultRandomState(): RandomState {
  return (defaultState ??= new RandomState(0));
}
