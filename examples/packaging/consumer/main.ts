/**
 * A user's program, compiled against the installed packages' shipped types
 * and run in plain Node from their dist/: no workspace, no source condition.
 * It imports no backend: the default device (cpu) loads @sym/backend-cpu by
 * name at the first call, as a user's project that installed it would.
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import { MLP, RandomState, gradientUpdatesMomentum, twoGaussianClouds } from '@sym/nn';

const T = sym.T;

// The tutorial's gradient cell.
const x = T.dvector('x');
const y = x.pow(2).sum();
const dy = sym.function([x], grad(y, x));
console.log(`grad ${(await dy([1, 2, 3])).toString()}`);

// The tutorial's MLP (examples/mlp), 20 iterations of momentum.
const rng = new RandomState(0);
const data = twoGaussianClouds(rng, 1000);
const sizes = [2, 4, 1];
const weights: sym.NDArray[] = [];
const biases: number[][] = [];
for (let i = 0; i + 1 < sizes.length; i++) {
  weights.push(rng.randn([sizes[i + 1]!, sizes[i]!]));
  biases.push(new Array<number>(sizes[i + 1]!).fill(1));
}
const mlp = new MLP(weights, biases, [T.nnet.sigmoid, T.nnet.sigmoid]);
const input = T.matrix('mlp_input');
const target = T.vector('mlp_target');
const cost = mlp.squaredError(input, target);
const train = sym.function([input, target], cost, { updates: gradientUpdatesMomentum(cost, mlp.params, 0.01, 0.9) });
let last = 0;
for (let i = 0; i < 20; i++) last = (await train(data.X, data.y)).item();
console.log(`cost ${last.toFixed(3)}`);
console.log(`device ${sym.config.device}`);
