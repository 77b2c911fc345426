/**
 * `tsx --conditions=@sym/source src/shader-compile.ts [--rounds=5] [--only=w2,lenet]`
 * (`pnpm shader-compile`; without a GPU, on lavapipe as the bench sets it up): the
 * WGSL shaders of the examples' training steps (compile-models.ts) on sym's
 * WebGPU backend, their source sizes, and how long Dawn takes to make each
 * one's shader module and compute pipeline (`createShaderModule` +
 * `createComputePipeline`, synchronous in Dawn: Tint, then the driver's
 * compiler), as rendered (each shader carries the prelude helpers it calls)
 * and with the whole prelude in front, as shaders were rendered before
 * (`withWholePrelude`, for this comparison only).
 *
 * Each round compiles every shader of the chosen models once per variant,
 * on a fresh device each (Dawn caches modules and pipelines per device), the
 * two variants in turns (which goes first alternates by round). Mesa's disk
 * cache is turned off for this process: a rerun would otherwise read the
 * pipelines back. The table holds the medians over rounds of each model's
 * summed compile time. `--save=FILE` writes the shaders (as rendered, and
 * with the whole prelude) to FILE as JSON, to compile them elsewhere (a
 * browser); `--default-tile` renders products with DEFAULT_MATMUL_TILE, the
 * tile the backend takes on SwiftShader and on hardware (lavapipe's compiles
 * for minutes on SwiftShader).
 */
import { create, globals } from 'webgpu';
import * as sym from '@sym/graph';
import { DEFAULT_MATMUL_TILE, WebGpuBackend, webgpu as registered } from '@sym/backend-webgpu';
import { grad } from '@sym/grad';
import { PRELUDE_DECLARATIONS } from '../../packages/backend-webgpu/src/prelude.js';
import { PRELUDE } from '../../packages/backend-webgpu/src/scalar.js';
import { I64_PRELUDE } from '../../packages/backend-webgpu/src/int64.js';
import { MODELS } from './compile-models.js';
import { relaunchIfNeeded } from './relaunch.js';

process.env.MESA_SHADER_CACHE_DISABLE = 'true';
relaunchIfNeeded('webgpu');

const g = globalThis as Record<string, unknown>;
for (const [k, v] of Object.entries(globals)) if (!(k in g)) g[k] = v;
const gpu = create([]);
Object.defineProperty(g, 'navigator', { value: { gpu, userAgent: 'Node.js/20' }, configurable: true, writable: true });
sym.config.floatX = 'float32';
const webgpu = process.argv.includes('--default-tile') ? new WebGpuBackend({ matmulTile: DEFAULT_MATMUL_TILE }) : registered;
// replaces the instance the package registered (as bench/src/webgpu.ts does)
if (webgpu !== registered) sym.registerBackend(webgpu);
await webgpu.init();

const ENABLE_F16 = 'enable f16;\n';

/** `code` as the renderer wrote it before prelude.ts: the whole prelude in front, the int64 one after where it names int64. */
function withWholePrelude(code: string): string {
  let rest = code.startsWith(ENABLE_F16) ? code.slice(ENABLE_F16.length) : code;
  const enable = rest === code ? '' : ENABLE_F16;
  // the linked declarations come first, in the order of PRELUDE_DECLARATIONS
  for (const d of PRELUDE_DECLARATIONS) if (rest.startsWith(`${d.text}\n`)) rest = rest.slice(d.text.length + 1);
  const int64 = /\bI64\b|\bi64_/.test(rest) ? `\n${I64_PRELUDE}` : '';
  return `${enable}${PRELUDE}\n${rest}${int64}`;
}

// every shader a model's first training step compiles (those an earlier model compiled are not compiled again)
const shaders = new Map<string, string[]>();
let current: string[] = [];
const device = webgpu.device;
const createShaderModule = device.createShaderModule.bind(device);
device.createShaderModule = (d: GPUShaderModuleDescriptor) => {
  current.push(d.code);
  return createShaderModule(d);
};
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const names = Object.keys(MODELS).filter((m) => !only || only.includes(m));
for (const name of names) {
  current = [];
  const model = MODELS[name]!();
  const f = sym.function(model.inputs, model.cost, { updates: model.updates(grad(model.cost, [...model.params])), device: 'webgpu' });
  await f(...model.args);
  shaders.set(name, current);
}
const adapter = await gpu.requestAdapter();
if (!adapter) throw new Error('shader-compile: no WebGPU adapter (without a GPU: bash scripts/system-deps.sh, as root, for lavapipe)');
const features: GPUFeatureName[] = adapter.features.has('shader-f16') ? ['shader-f16'] : [];
webgpu.dispose();

const VARIANTS = { linked: (code: string) => code, whole: withWholePrelude } as const;
type Variant = keyof typeof VARIANTS;

/** Each shader's compile time (ms), on a device of its own. */
async function compileAll(codes: readonly string[]): Promise<number[]> {
  // an adapter makes one device; the backend's binding limit is the adapter's
  const a = await gpu.requestAdapter();
  const d = await a!.requestDevice({ requiredFeatures: features, requiredLimits: { maxStorageBuffersPerShaderStage: a!.limits.maxStorageBuffersPerShaderStage } });
  d.pushErrorScope('validation');
  const times = codes.map((code) => {
    const t = performance.now();
    const module = d.createShaderModule({ code });
    d.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    return performance.now() - t;
  });
  const error = await d.popErrorScope();
  d.destroy();
  if (error) throw new Error(`shader-compile: a shader failed to compile: ${error.message}`);
  return times;
}

const save = process.argv.find((a) => a.startsWith('--save='))?.slice(7);
if (save) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(save, JSON.stringify(Object.fromEntries([...shaders].map(([name, codes]) => [name, { linked: codes, whole: codes.map(withWholePrelude) }]))));
}
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 5);
const all = [...shaders.values()].flat();
const times: Record<Variant, number[][]> = { linked: [], whole: [] };
for (let r = 0; r < rounds; r++) {
  const order: Variant[] = r % 2 ? ['whole', 'linked'] : ['linked', 'whole'];
  for (const v of order) times[v].push(await compileAll(all.map(VARIANTS[v])));
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const kb = (codes: readonly string[]) => (codes.reduce((a, c) => a + c.length, 0) / codes.length / 1024).toFixed(1);
console.log(`${adapter.info.vendor} ${adapter.info.architecture} ${adapter.info.description}; ms, median of ${rounds} rounds (fresh device per round and variant)`);
console.log('| model | shaders | KB per shader, whole prelude | linked | compile ms, whole prelude | linked | linked / whole |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
let at = 0;
for (const [name, codes] of [...shaders, ['all', all] as const]) {
  const range = name === 'all' ? [0, all.length] : [at, (at += codes.length)];
  const sum = (v: Variant) => median(times[v].map((ts) => ts.slice(range[0], range[1]).reduce((a, t) => a + t, 0)));
  const [whole, linked] = [sum('whole'), sum('linked')];
  console.log(`| ${name} | ${codes.length} | ${kb(codes.map(withWholePrelude))} | ${kb(codes)} | ${whole.toFixed(1)} | ${linked.toFixed(1)} | ${(linked / whole).toFixed(2)} |`);
}
const totals = (v: Variant) => times[v].map((ts) => ts.reduce((a, t) => a + t, 0).toFixed(0)).join(', ');
console.log(`all shaders, each round (ms): whole prelude ${totals('whole')}; linked ${totals('linked')}`);
process.exit(0);
