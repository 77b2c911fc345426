/**
 * The Theano tutorial's multilayer perceptron with sym: train on two
 * Gaussian clouds, print cost and accuracy each iteration, and draw the
 * tutorial's scatter plots (SVG and PNG) into an output folder.
 *
 *   pnpm mlp                              # the tutorial's 20 iterations
 *   pnpm mlp --iterations 2000            # a long run, with a progress bar
 *   SYM_FLAGS=floatX=float32 pnpm mlp     # float32
 *   SYM_FLAGS=device=webgpu,floatX=float32 pnpm mlp   # the same program on WebGPU (float32 only there;
 *                                         # without a GPU, first: source .cache/mesa/env.sh)
 *   SYM_FLAGS=profile=true pnpm mlp       # prints each function's profile (time per kernel) at exit
 *
 * No backend is imported: `config.device` names it and sym loads
 * `@sym/backend-<device>` the first time a function runs.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as sym from '@sym/graph';
import { scatterSpec, summarySpec, writePlot, type History } from './plots.js';
import { progressBar, type Progress } from './progress.js';
import { TUTORIAL, setup } from './train.js';

const USAGE = `usage: pnpm mlp [--iterations N] [--points N] [--seed N] [--out DIR] [--plot-every K]`;

function intOption(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected an integer >= ${min}, got ${JSON.stringify(value)}\n${USAGE}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string' },
      points: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      'plot-every': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const iterations = intOption(values.iterations, 'iterations', TUTORIAL.iterations, 1);
  const options = {
    ...TUTORIAL,
    iterations,
    points: intOption(values.points, 'points', TUTORIAL.points, 1),
    seed: intOption(values.seed, 'seed', TUTORIAL.seed, 0),
  };
  // Every iteration is drawn in the tutorial's 20; long runs draw about 20 snapshots.
  const plotEvery = intOption(values['plot-every'], 'plot-every', Math.max(1, Math.ceil(iterations / 20)), 1);
  const outDir = resolve(values.out ?? 'mlp-output');

  console.log(`device=${sym.config.device} floatX=${sym.config.floatX}: ${options.points} points, layer sizes [2, 4, 1], ${iterations} iterations`);
  const run = setup(options);
  const X = run.data.X;
  const xs = [X.data.subarray(0, options.points), X.data.subarray(options.points)];
  await writePlot(outDir, 'data', scatterSpec({ x: xs, c: run.data.y.data }, 'Two Gaussian clouds', 'class'));

  const history: History = { cost: [], accuracy: [] };
  const bar: Progress | undefined = iterations > TUTORIAL.iterations ? progressBar(iterations) : undefined;
  let last = { cost: NaN, accuracy: NaN };
  for (let i = 0; i < iterations; i++) {
    const r = await run.step();
    history.cost.push(r.cost);
    history.accuracy.push(r.accuracy);
    last = r;
    const title = `Cost: ${r.cost.toFixed(3)}, Accuracy: ${r.accuracy.toFixed(3)}`;
    if (bar) bar.update(r.iteration, r.cost, r.accuracy);
    else console.log(title);
    if (r.iteration % plotEvery === 0 || r.iteration === iterations) {
      const name = `iteration-${String(r.iteration).padStart(String(iterations).length, '0')}`;
      await writePlot(outDir, name, scatterSpec({ x: xs, c: r.output.data }, title, 'output'));
    }
  }
  bar?.stop();
  if (bar) console.log(`Cost: ${last.cost.toFixed(3)}, Accuracy: ${last.accuracy.toFixed(3)}`);
  await writePlot(outDir, 'summary', summarySpec(history, `MLP training: ${iterations} iterations (device=${sym.config.device}, ${sym.config.floatX})`));
  console.log(`Plots written to ${outDir}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
