/** `--device=cpu` (the default): sym's CPU backend against tfjs (cpu, wasm) and jax-js (wasm). */
import { cpu } from '@sym/backend-cpu';
import { WORKLOADS } from './workloads.js';
import { W9_NOTE } from './transformer.js';
import type { Suite } from './suite.js';

export const cpuSuite: Suite = {
  device: 'cpu',
  subject: 'sym-cpu',
  comparisons: [{ label: 'sym vs best peer', peers: ['tfjs-cpu', 'tfjs-wasm', 'jax-js-wasm'] }],
  timing: { minRuns: 5, minMs: 1000 },
  async setup() {
    return `the host CPU; sym's backend: ${cpu.describe().device}`;
  },
  workloads: WORKLOADS,
  notes: (quick) => [
    'Peers: @tensorflow/tfjs-core 4.22.0 with tfjs-backend-cpu and tfjs-backend-wasm 4.22.0; @jax-js/jax 0.1.25 (wasm device, `jit`).',
    'W6 (RNN, BPTT): sym runs sym.scan, whose loop is unrolled into one program when the function first meets the shapes (W6-first counts building the function, unrolling the time steps and compiling); tfjs runs a JavaScript loop of ops under `tf.train.sgd().minimize`; jax-js 0.1.25 has no scan or fori_loop, so a JavaScript loop traced by `jit` (unrolled too). W7 (LeNet conv layer): sym NCHW (`T.nnet.conv2d`, `T.signal.pool.pool2d`), tfjs NHWC (`tf.conv2d`, `tf.maxPool`: its maxPool takes NHWC only), jax-js NCHW (`lax.conv`, max pooling as `lax.reduceWindow`). Every library computes the same costs step by step (checked by bench/src/recurrent.test.ts and conv.test.ts). W6-first/W7-first/W8-first: the first call, after the data and parameters exist.',
    'W8 (sorting each row of a (256, 1000) float32 matrix; `--quick`: 32 rows): sym `T.sort` (the CPU backend\'s sort kernel, a radix sort of each row, and a gather of the values through its order), jax-js `np.sort` under `jit`; tfjs has no sort, so `tf.topk(x, 1000, true)`, the top k of the whole axis, which is the axis sorted largest first: the same values as sym\'s ascending rows reversed (checked by bench/src/sort.test.ts, with the other libraries\' rows). Every call reads the sorted matrix back.',
    W9_NOTE(quick),
    'W5 is the ratio of the first call (compile + run) to the steady step (lower is better).',
    'Data: the peers hold every input in tensors made before timing. sym takes the W1/W2/W6/W7 batch as function arguments, as the tutorial does (copying it into WebAssembly memory at each call: under 0.1 ms for W2\'s 0.8 MB), and holds W4\'s x and y in shared variables (as arguments, their 80 MB would cost about 6 ms per call).',
  ],
};
