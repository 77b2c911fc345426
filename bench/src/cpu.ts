/** `--device=cpu` (the default): sym's CPU backend against tfjs (cpu, wasm) and jax-js (wasm). */
import { WORKLOADS } from './workloads.js';
import type { Suite } from './suite.js';

export const cpuSuite: Suite = {
  device: 'cpu',
  subject: 'sym-cpu',
  comparisons: [{ label: 'sym vs best peer', peers: ['tfjs-cpu', 'tfjs-wasm', 'jax-js-wasm'] }],
  timing: { minRuns: 5, minMs: 1000 },
  async setup() {
    return 'the host CPU';
  },
  workloads: WORKLOADS,
  notes: () => [
    'Peers: @tensorflow/tfjs-core 4.22.0 with tfjs-backend-cpu and tfjs-backend-wasm 4.22.0; @jax-js/jax 0.1.25 (wasm device, `jit`).',
    'W5 is the ratio of the first call (compile + run) to the steady step (lower is better).',
  ],
};
