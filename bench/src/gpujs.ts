/**
 * `--device=gpujs`: W1-W3 on sym's gpu.js backend (headless WebGL) against
 * hand-written gpu.js kernels for the same work and against sym's CPU
 * backend, in one run: the training steps W1/W2 (gpujs-hand-train.ts), their
 * forward passes alone (W1-fwd, W2-fwd) and W3's three matmul forms.
 */
import * as sym from '@sym/graph';
import { gpujs } from '@sym/backend-gpujs';
import { W1_SPEC, W1_TITLE, W2_TITLE, sizesOf, symForward, symTraining, w2Spec, type Spec } from './training.js';
import { FORMS, matData, matN, matmul, symMatmul, type Form, type Impl, type Workload } from './workloads.js';
import { assertRanOnGpu, handForward, handMatmul } from './gpujs-hand.js';
import { handTraining } from './gpujs-hand-train.js';
import type { Suite } from './suite.js';
import { recurrent, symRnn, w6Spec } from './recurrent.js';
import { convLayer, symConv, w7Spec } from './conv.js';
import { sorting, symSort, w8Spec } from './sort.js';
import { symTransformer, transformer, w9Spec } from './transformer.js';

const HAND = 'gpu.js-hand-written';
const w1 = () => W1_SPEC;

/** A hand-written implementation, checked once against plain JS before it is timed. */
function handMatmulImpl(form: Form): Impl {
  return {
    lib: HAND,
    async prepare(quick) {
      const { n, a, b } = matData(quick);
      const run = handMatmul(form, n, a, b);
      const c = run();
      assertRanOnGpu();
      // a few entries against plain JS: a wrong kernel must not be timed
      for (const [i, j] of [[0, 0], [n - 1, 1], [n >> 1, n - 1]] as const) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (form === 'ATB' ? a[k * n + i]! : a[i * n + k]!) * (form === 'ABT' ? b[j * n + k]! : b[k * n + j]!);
        if (Math.abs(c[i]![j]! - s) > 1e-3 * Math.max(1, Math.abs(s))) throw new Error(`bench: hand-written ${form} matmul gives C[${i}][${j}] = ${c[i]![j]}, expected ${s}`);
      }
      return run;
    },
  };
}

function handForwardImpl(spec: (q: boolean) => Spec): Impl {
  return {
    lib: HAND,
    async prepare(quick) {
      const s = spec(quick);
      const run = handForward(s);
      const got = run();
      assertRanOnGpu();
      // the same cost as sym's CPU backend on the same data, or the kernels are not doing the same work
      const ref = Number((await (await symForward(spec, 'cpu').prepare(quick))() as sym.NDArray).item());
      if (!(Math.abs(got - ref) <= 1e-3 * Math.max(1, Math.abs(ref)))) throw new Error(`bench: hand-written forward cost ${got}, sym-cpu's ${ref}`);
      return run;
    },
  };
}

/** A hand-written training step, checked against sym-cpu before it is timed: the costs of its first two steps (the second depends on the first's gradients and updates). */
function handTrainingImpl(spec: (q: boolean) => Spec): Impl {
  return {
    lib: HAND,
    async prepare(quick) {
      const run = handTraining(spec(quick));
      const got = [run(), run()];
      assertRanOnGpu();
      const ref = await symTraining(spec, 'cpu').prepare(quick);
      const want = [Number(((await ref()) as sym.NDArray).item()), Number(((await ref()) as sym.NDArray).item())];
      got.forEach((g, i) => {
        if (!(Math.abs(g - want[i]!) <= 1e-3 * Math.max(1, Math.abs(want[i]!)))) throw new Error(`bench: hand-written training step ${i + 1} cost ${g}, sym-cpu's ${want[i]}`);
      });
      return run;
    },
  };
}

const forward = (id: string, title: (q: boolean) => string, spec: (q: boolean) => Spec): Workload => ({
  id,
  title: (q) => `forward pass and cost of ${title(q).replace(' training step', '')}`,
  unit: 'ms',
  impls: [symForward(spec, 'gpujs'), handForwardImpl(spec), symForward(spec, 'cpu')],
});

export const gpujsSuite: Suite = {
  device: 'gpujs',
  subject: 'sym-gpujs',
  comparisons: [
    { label: 'sym-gpujs vs hand-written gpu.js', peers: [HAND] },
    { label: 'sym-gpujs vs sym-cpu', peers: ['sym-cpu'] },
  ],
  timing: { minRuns: 3, minMs: 1500 },
  async setup() {
    sym.config.floatX = 'float32';
    gpujs.gpu(); // starts headless WebGL now, or says why it cannot
    return `gpu.js 2.24.1, ${gpujs.describe().device}`;
  },
  workloads: [
    { id: 'W1', title: W1_TITLE, unit: 'ms', impls: [symTraining(w1, 'gpujs'), handTrainingImpl(w1), symTraining(w1, 'cpu')] },
    forward('W1-fwd', W1_TITLE, w1),
    { id: 'W2', title: W2_TITLE, unit: 'ms', impls: [symTraining(w2Spec, 'gpujs'), handTrainingImpl(w2Spec), symTraining(w2Spec, 'cpu')] },
    forward('W2-fwd', W2_TITLE, w2Spec),
    ...FORMS.map((form) => matmul(form, [symMatmul(form, 'gpujs'), handMatmulImpl(form), symMatmul(form, 'cpu')])),
    // no hand-written gpu.js kernels for these: sym-gpujs against sym-cpu only
    recurrent([symRnn('gpujs'), symRnn('cpu')]),
    convLayer([symConv('gpujs'), symConv('cpu')]),
    sorting([symSort('gpujs'), symSort('cpu')]),
    transformer([symTransformer('gpujs'), symTransformer('cpu')]),
  ],
  notes: (quick) => [
    `Compared: sym's gpu.js backend (mode headlessgl: WebGL 1 through the native \`gl\` package on Mesa llvmpipe, under Xvfb), hand-written gpu.js 2.24.1 kernels for the same work (same mode, same \`precision: 'single'\`, \`tactic: 'precision'\`; intermediates kept as pipeline textures, only the result read back), and sym's CPU backend.`,
    'The hand-written kernels: W3, one thread per element of C with a loop over k; W1-fwd/W2-fwd, one kernel per layer, a per-example loss kernel and one summing thread; W1/W2, the whole training step written from the model\'s equations (per layer a forward, a delta, a weight-gradient and a bias-gradient kernel; per parameter the momentum rule as two ping-pong kernel pairs; one readback, the cost). Each is checked against plain JS or sym-cpu before timing (the training steps by the costs of their first two steps).',
    `Sizes: W1 ${sizesOf(W1_SPEC)}; W2 ${sizesOf(w2Spec(quick))}; W3 ${matN(quick)}x${matN(quick)}${quick ? ' (`--quick`: W2 784-256-256-10 batch 64 and W3 256 instead of 784-1024-1024-10 batch 256 and 1024)' : ''}.`,
    `W6 (${w6Spec(quick).steps} time steps through sym.scan), W7 (batch ${w7Spec(quick).batch}), W8 (T.sort of ${w8Spec(quick).rows} rows of ${w8Spec(quick).cols}) and W9 (the transformer block's training step, batch ${w9Spec(quick).batch}, sequence ${w9Spec(quick).steps}) have no hand-written gpu.js version: sym-gpujs is compared with sym-cpu there. W6-first to W9-first are the first calls.`,
    'On the GPU, sym holds the batch and weights in shared variables (a step uploads nothing); sym-cpu takes the batch as call arguments, as in the CPU section.',
  ],
};
