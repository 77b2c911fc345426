/**
 * A LeNet with @sym/nn: 12x12 images of bars (horizontal, vertical or
 * diagonal, at any offset, under noise), two convolution and max-pooling
 * stages, a dense softmax layer, full-batch gradient descent with the
 * tutorial's momentum. Prints the layers with their output shapes, the
 * cost and accuracy as it trains, the accuracy on unseen images, and a
 * save/load round trip of the parameters.
 *
 *   pnpm lenet                                 # 100 steps on the CPU
 *   pnpm lenet --steps 200 --train 512
 *   SYM_FLAGS=floatX=float32 pnpm lenet        # float32
 *   SYM_FLAGS=device=webgpu,floatX=float32 pnpm lenet   # on WebGPU (without a GPU, first: source .cache/mesa/env.sh)
 */
import { parseArgs } from 'node:util';
import * as sym from '@sym/graph';
import { CLASSES, DEFAULTS, setup, summary } from './lenet.js';

const USAGE = 'usage: pnpm lenet [--steps N] [--train N] [--test N] [--size N] [--seed N] [--every K]';

function intOption(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected an integer >= ${min}, got ${JSON.stringify(value)}\n${USAGE}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string' },
      train: { type: 'string' },
      test: { type: 'string' },
      size: { type: 'string' },
      seed: { type: 'string' },
      every: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const options = {
    ...DEFAULTS,
    steps: intOption(values.steps, 'steps', DEFAULTS.steps, 1),
    train: intOption(values.train, 'train', DEFAULTS.train, 1),
    test: intOption(values.test, 'test', DEFAULTS.test, 1),
    // two 3x3 convolutions and two 2x2 pools need 10 rows and cols at least
    size: intOption(values.size, 'size', DEFAULTS.size, 8),
    seed: intOption(values.seed, 'seed', DEFAULTS.seed, 0),
  };
  const every = intOption(values.every, 'every', Math.max(1, Math.round(options.steps / 10)), 1);

  console.log(`device=${sym.config.device} floatX=${sym.config.floatX}: ${options.train} training and ${options.test} test images ${options.size}x${options.size}, classes ${CLASSES.join(', ')}`);
  const run = setup(options);
  const weights = run.net.params.reduce((n, p) => n + p.getValue({ borrow: true }).size, 0);
  console.log(`LeNet: ${weights} weights in ${run.net.params.length} shared variables, ${run.features} features into the dense layer`);
  for (const line of summary(run.net, options.size)) console.log(line);
  const started = performance.now();
  for (let i = 0; i < options.steps; i++) {
    const r = await run.step();
    if (r.step === 1 || r.step % every === 0 || r.step === options.steps) {
      console.log(`step ${String(r.step).padStart(String(options.steps).length)}: cost ${r.cost.toFixed(4)}, training accuracy ${r.accuracy.toFixed(3)}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`test accuracy ${(await run.testAccuracy()).toFixed(3)} after ${options.steps} steps (${seconds.toFixed(1)} s)`);
  const { bytes, maxDifference } = await run.roundTrip();
  console.log(`saved the parameters (${bytes} bytes of JSON) and loaded them into a new network: its predictions differ by ${maxDifference}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
