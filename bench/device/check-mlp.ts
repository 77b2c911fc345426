/**
 * The tutorial MLP (examples/mlp: 20 iterations, 1000 points) on sym-cpu and
 * sym-webgpu in float32: the two cost trajectories and accuracies must agree
 * within float32 tolerance. Prints both and the largest relative difference.
 */
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { webgpu } from '@sym/backend-webgpu';
import { TUTORIAL, setup } from '../../examples/mlp/src/train.js';

sym.config.floatX = 'float32';
const runs: Record<string, { cost: number; accuracy: number }[]> = {};
for (const device of ['cpu', 'webgpu']) {
  sym.config.device = device;
  const run = setup(TUTORIAL);
  const out: { cost: number; accuracy: number }[] = [];
  for (let i = 0; i < TUTORIAL.iterations; i++) {
    const r = await run.step();
    out.push({ cost: r.cost, accuracy: r.accuracy });
  }
  runs[device] = out;
  const last = out[out.length - 1]!;
  console.log(`${device}: costs ${out.map((r) => r.cost.toFixed(3)).join(' ')}; final accuracy ${last.accuracy.toFixed(3)}`);
}
let worst = 0;
runs.cpu!.forEach((r, i) => (worst = Math.max(worst, Math.abs(r.cost - runs.webgpu![i]!.cost) / Math.abs(r.cost))));
const same = runs.cpu!.every((r, i) => Math.abs(r.accuracy - runs.webgpu![i]!.accuracy) <= 0.002);
console.log(`mlp check on ${webgpu.describe().device}: largest relative cost difference ${worst.toExponential(2)}; accuracies ${same ? 'agree' : 'DIFFER'}`);
webgpu.dispose();
process.exit(worst < 1e-4 && same ? 0 : 1);
