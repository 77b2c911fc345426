/**
 * `--device=webgpu`: W1-W3 and W6-W9 on sym's WebGPU backend against
 * @tensorflow/tfjs-backend-webgpu and @jax-js/jax's webgpu device, all on
 * one Dawn instance installed as `navigator.gpu` before any of them starts,
 * so every library gets the same adapter in the same process.
 */
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { create, globals } from 'webgpu';
import * as sym from '@sym/graph';
import { WebGpuBackend, webgpu, type MatmulTile } from '@sym/backend-webgpu';
import { W1_SPEC, W1_TITLE, W2_TITLE, jaxTraining, symTraining, tfTraining, w2Spec, sizesOf } from './training.js';
import { FORMS, PRODUCTS, jaxMatmul, jaxMatmulThroughput, matN, matmul, matmulThroughput, symMatmul, symMatmulThroughput, tfMatmul, tfMatmulThroughput } from './workloads.js';
import { installWebGpuCounter } from './webgpu-counter.js';
import { jaxRnn, recurrent, symRnn, tfRnn, w6Spec } from './recurrent.js';
import { convLayer, jaxConv, symConv, tfConv, w7Spec } from './conv.js';
import { jaxSort, sorting, symSort, tfSort, w8Spec } from './sort.js';
import { W9_NOTE, jaxTransformer, symTransformer, tfTransformer, transformer } from './transformer.js';
import type { Counter, Suite } from './suite.js';

const PEERS = ['tfjs-webgpu', 'jax-js-webgpu'];
const w1 = () => W1_SPEC;

let counter: Counter | undefined;

/** `--matmul-tile=RxCxD:PRxPC` (bench/device passes the tile its sweep found best). */
function matmulTileFlag(): MatmulTile | undefined {
  const flag = process.argv.find((a) => a.startsWith('--matmul-tile='))?.slice(14);
  if (!flag) return undefined;
  const m = /^(\d+)x(\d+)x(\d+):(\d+)x(\d+)$/.exec(flag);
  if (!m) throw new Error(`bench: --matmul-tile expects RxCxD:PRxPC (for example 64x64x16:4x4), got ${JSON.stringify(flag)}`);
  const [rows, cols, depth, perRow, perCol] = m.slice(1).map(Number) as [number, number, number, number, number];
  return { rows, cols, depth, perRow, perCol };
}

function installNavigatorGpu(): GPU {
  const g = globalThis as Record<string, unknown>;
  // GPUBufferUsage, GPUMapMode, ... as a browser defines them; the peers read them as globals
  for (const [k, v] of Object.entries(globals)) if (!(k in g)) g[k] = v;
  counter = installWebGpuCounter(globals as Record<string, unknown>);
  const gpu = create([]);
  // Node 20 has no navigator; the fields the peers read are those Node 21+ defines (jax-js reads userAgent beside gpu)
  const nav = (g.navigator ?? { userAgent: `Node.js/${process.versions.node.split('.')[0]}`, hardwareConcurrency: cpus().length }) as Record<string, unknown>;
  Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  if (!g.navigator) Object.defineProperty(g, 'navigator', { value: nav, configurable: true, writable: true });
  return gpu;
}

export const webgpuSuite: Suite = {
  device: 'webgpu',
  subject: 'sym-webgpu',
  comparisons: [{ label: 'sym vs best peer', peers: PEERS }],
  timing: { minRuns: 3, minMs: 1500 },
  get counter() {
    return counter;
  },
  async setup() {
    const gpu = installNavigatorGpu();
    const adapter = await gpu.requestAdapter();
    if (!adapter) {
      throw new Error(
        'bench --device=webgpu: Dawn found no WebGPU adapter. Without a GPU, run `bash scripts/system-deps.sh` (as root) for Mesa lavapipe; the bench applies .cache/mesa/env.json itself.',
      );
    }
    const info = adapter.info;
    const name = [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(' ');
    // tfjs-backend-webgpu registers itself on load and looks for navigator.gpu when first used
    createRequire(import.meta.url)('@tensorflow/tfjs-backend-webgpu');
    // WebGPU has no float64: literals and accumulators follow floatX
    sym.config.floatX = 'float32';
    const tile = matmulTileFlag();
    const backend = tile ? new WebGpuBackend({ matmulTile: tile }) : webgpu;
    // replaces the instance the package registered: every sym function of the run compiles for this one
    if (tile) sym.registerBackend(backend);
    await backend.init();
    return `${name || 'an unnamed adapter'}${tile ? ` (sym's matmul tile ${JSON.stringify(tile)})` : ''}, from Dawn (the webgpu 0.6.2 npm package) as navigator.gpu, the one adapter of all three libraries`;
  },
  workloads: [
    { id: 'W1', title: W1_TITLE, unit: 'ms', impls: [symTraining(w1, 'webgpu'), tfTraining(w1, 'webgpu'), jaxTraining(w1, 'webgpu')] },
    { id: 'W2', title: W2_TITLE, unit: 'ms', impls: [symTraining(w2Spec, 'webgpu'), tfTraining(w2Spec, 'webgpu'), jaxTraining(w2Spec, 'webgpu')] },
    ...FORMS.map((form) => matmul(form, [symMatmul(form, 'webgpu'), tfMatmul(form, 'webgpu'), jaxMatmul(form, 'webgpu')])),
    ...FORMS.map((form) => matmulThroughput(form, [symMatmulThroughput(form, 'webgpu'), tfMatmulThroughput(form), jaxMatmulThroughput(form)])),
    recurrent([symRnn('webgpu'), tfRnn('webgpu'), jaxRnn('webgpu')]),
    convLayer([symConv('webgpu'), tfConv('webgpu'), jaxConv('webgpu')]),
    sorting([symSort('webgpu'), tfSort('webgpu'), jaxSort('webgpu')]),
    transformer([symTransformer('webgpu'), tfTransformer('webgpu'), jaxTransformer('webgpu')]),
  ],
  notes: (quick) => [
    `Peers: @tensorflow/tfjs-core and @tensorflow/tfjs-backend-webgpu 4.22.0; @jax-js/jax 0.1.25 (webgpu device, \`jit\`). All three get their adapter from one Dawn instance (the \`webgpu\` 0.6.2 npm package) installed as \`navigator.gpu\` before any of them starts: the same adapter in the same process.`,
    `Sizes: W1 ${sizesOf(W1_SPEC)}; W2 ${sizesOf(w2Spec(quick))}; W3 ${matN(quick)}x${matN(quick)}${quick ? ' (`--quick`: W2 784-256-256-10 batch 64 and W3 256 instead of 784-1024-1024-10 batch 256 and 1024)' : ''}.`,
    'Both peers run on Dawn in Node with two accommodations, nothing else: jax-js reads `navigator.userAgent` beside `navigator.gpu` (Node 20 has no `navigator`; the bench defines one as Node 21 does), and tfjs-backend-webgpu reads synchronously (`dataSync`) only through `OffscreenCanvas`, a browser API, so every tfjs step awaits `data()` instead.',
    `W3T runs ${PRODUCTS} products back to back per call and reads back only the last (sym: a function whose only effect is the update of a shared variable, its value read after the last call; tfjs: the other products disposed unread; jax-js: all created, then realized together with \`blockUntilReady\` (a zero-byte read each, its way to wait), since it never computes an array disposed unread). A W3 call is mostly the 4 MB readback on a real GPU; W3T measures the products.`,
    `W6: ${w6Spec(quick).steps} time steps (sym: sym.scan, unrolled into one program on the first call; tfjs: a JavaScript loop of ops under \`tf.train.sgd().minimize\`; jax-js: a JavaScript loop traced by \`jit\`, as it has no scan). W7: batch ${w7Spec(quick).batch}, tfjs in NHWC. W8: ${w8Spec(quick).rows} rows of ${w8Spec(quick).cols} sorted (sym \`T.sort\`, jax-js \`np.sort\`, tfjs \`tf.topk\` of the whole axis). W6-first/W7-first/W8-first are the first calls (building, compiling and running the step).`,
    W9_NOTE(quick),
    'Data stay on the device for every library: sym holds the batch and weights in shared variables (a step uploads nothing), the peers in tensors. Each timed call ends when the returned value (the cost, or the product for W3) is read back on the host.',
    'Device work per call is counted by wrapping the methods of Dawn\'s classes (`dispatchWorkgroups`, `queue.submit`, `queue.writeBuffer`, `mapAsync` for reading) around one call after timing: the same counter for every library.',
  ],
};
