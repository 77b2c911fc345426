/**
 * `tsx --conditions=@sym/source src/webgpu-kernels.ts` (after `source
 * ../.cache/mesa/env.sh` on a machine without a GPU): W2's training step on
 * sym's WebGPU backend, each launch of one step timed on its own (submitted
 * alone, then `onSubmittedWorkDone`; the best of three), then the step
 * itself. Where a step's time goes on an adapter (docs/benchmarks.md).
 * Each launch is timed while Dawn polls for `onSubmittedWorkDone` (see
 * packages/backend-webgpu/src/wait.ts): on a software adapter the poll
 * takes a core from the kernels, so the launches add up to more than the
 * step; their shares are what this is for.
 */
import { create, globals } from 'webgpu';
import * as sym from '@sym/graph';
import { webgpu } from '@sym/backend-webgpu';
import { grad } from '@sym/grad';
import { randomF32 } from './timing.js';

// Dawn as navigator.gpu, as the bench installs it
const g = globalThis as Record<string, unknown>;
for (const [k, v] of Object.entries(globals)) if (!(k in g)) g[k] = v;
Object.defineProperty(g, 'navigator', { value: { gpu: create([]), userAgent: 'Node.js/20' }, configurable: true, writable: true });
sym.config.floatX = 'float32';
await webgpu.init();

// W2 (training.ts's model and data), its batch resident in shared variables
const T = sym.T;
const sizes = [784, 1024, 1024, 10];
const batch = 256;
const labels = new Float32Array(batch * 10);
for (let i = 0; i < batch; i++) labels[i * 10 + (i % 10)] = 1;
const x = sym.shared(sym.array(randomF32(784 * batch, 99), { shape: [batch, 784] }));
const y = sym.shared(sym.array(labels, { shape: [batch, 10] }));
const params: sym.TensorSharedVariable[] = [];
let h: sym.TensorVariable = x;
sizes.slice(1).forEach((n, i) => {
  const m = sizes[i]!;
  const W = sym.shared(sym.array(randomF32(n * m, 10 + i, Math.sqrt(2 / m)), { shape: [m, n] }));
  const b = sym.shared(sym.array(new Float32Array(n)));
  params.push(W, b);
  const z = T.dot(h, W).add(b);
  h = i === sizes.length - 2 ? z : T.relu(z);
});
const cost = T.mean(T.sum(y.mul(T.log(T.softmax(h))), 1)).neg();
const grads = grad(cost, params);
const updates: [sym.TensorSharedVariable, sym.TensorVariable][] = [];
params.forEach((p, i) => {
  const v = sym.shared(sym.NDArray.zeros(p.valueShape, 'float32'), { broadcastable: p.broadcastable });
  updates.push([p, p.sub(v.mul(0.01))]);
  updates.push([v, v.mul(0.9).add(grads[i]!.mul(0.1))]);
});
const f = sym.function([], cost, { updates, device: 'webgpu' });
await f();

// one step's launches, captured, then replayed one at a time
let step: sym.Launch[] = [];
const run = webgpu.run.bind(webgpu);
webgpu.run = (ls) => {
  step = ls.map((l) => ({ ...l, inputs: [...l.inputs] }));
  run(ls);
};
await f();
webgpu.run = run;
const queue = webgpu.device.queue;
let total = 0;
for (const l of step) {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    await queue.onSubmittedWorkDone();
    const t = performance.now();
    run([l]);
    await queue.onSubmittedWorkDone();
    best = Math.min(best, performance.now() - t);
  }
  total += best;
  const k = l.exe.kernel;
  const what =
    k.kind === 'matmul'
      ? `matmul ${k.m}x${k.n}x${k.k} a${k.a.strides} b${k.b.strides}`
      : k.kind === 'reduce'
        ? `reduce ${k.shape}|${k.reduceShape} ${k.reducer}`
        : `${k.kind} ${k.shape}`;
  console.log(`${best.toFixed(2).padStart(8)} ms  ${what}${'epilogue' in k && k.epilogue ? ' +epilogue' : ''}`);
}
console.log(`${total.toFixed(1).padStart(8)} ms  all ${step.length} launches, one at a time`);
const t = performance.now();
for (let i = 0; i < 3; i++) await f();
console.log(`${((performance.now() - t) / 3).toFixed(1).padStart(8)} ms  the step (mean of 3 calls)`);
webgpu.dispose();
process.exit(0);
