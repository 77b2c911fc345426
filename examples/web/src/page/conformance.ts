/**
 * The conformance page: runs the shared conformance suite (for gpu.js,
 * but for its wide integers: see subset.ts) on the device named by `?device=`
 * (gpujs in mode webgl2, or webgpu on navigator.gpu), each case through
 * `sym.function` against the ops' reference `perform`, exactly as the Node
 * suite's `runCase` does, then the `ir` group's hand-built kernels straight
 * through the backend. Results are on `window.symConformance`.
 */
import * as sym from '@sym/graph';
import { flushingTolerance, runCase, runIrCase, type CaseContext } from '@sym/backend-testkit';
import { deviceFromQuery, useDevice } from './devices.js';
import { browserCases, browserIrCases } from './subset.js';
import type { ConformanceState } from './state.js';

const state: ConformanceState = { status: 'running', device: '', adapterInfo: '', results: [], leftOut: 0 };
window.symConformance = state;

function show(text: string): void {
  const log = document.getElementById('log');
  if (log) log.textContent = text;
}

async function main(): Promise<void> {
  const device = deviceFromQuery(window.location.search);
  state.device = device;
  const backend = await useDevice(device);
  const info = backend.describe();
  state.adapterInfo = info.device;
  // WebGPU holds 32- and 64-bit integers exactly; gpu.js, in float32 textures, does not, and its shaders drop the sign of some zeros
  const subset = browserCases(info.dtypes, device === 'webgpu', device !== 'gpujs');
  // `&only=text`: the cases whose name contains it (to look into one case by hand)
  const only = new URLSearchParams(window.location.search).get('only');
  const cases = only === null ? subset.cases : subset.cases.filter((c) => c.name.includes(only));
  state.leftOut = subset.leftOut + subset.cases.length - cases.length;
  state.flushed = subset.flushed;
  state.signFolded = subset.signFolded;
  const ctx: CaseContext = {
    device,
    seed: 1234,
    // GLSL ES 3.00 and WGSL let SwiftShader flush float32 subnormal results to zero
    tolerance: flushingTolerance,
    // WebGL shaders do not keep the sign of zero (as in the gpujs package's own suite)
    signedZeros: device !== 'gpujs',
  };
  for (const c of cases) {
    try {
      await runCase(c, losesSignOfZero(c.name, info.device) ? { ...ctx, signedZeros: false } : ctx);
      state.results.push({ name: c.name, group: c.group, ok: true });
    } catch (e) {
      state.results.push({ name: c.name, group: c.group, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
    const failed = state.results.filter((r) => !r.ok).length;
    show(`${info.device}: ${state.results.length}/${cases.length} cases, ${failed} failed`);
  }
  // the hand-built kernels of the ir group, straight through the backend (no graph)
  for (const c of only === null ? browserIrCases(info.dtypes, device === 'webgpu') : []) {
    try {
      await runIrCase(backend, c, flushingTolerance);
      state.results.push({ name: c.name, group: 'ir', ok: true });
    } catch (e) {
      state.results.push({ name: c.name, group: 'ir', ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
  if (!info.dtypes.includes('float16')) state.float16Refused = await float16Errors(device);
  state.status = 'done';
}

/**
 * SwiftShader compiles shaders as if zeros had no sign (LLVM's nsz): it
 * rewrites -(y - 1) as 1 - y and drops a selected -0.0 constant, so
 * erfcinv(1) is +0 there, where SciPy's and every other backend's is -0.
 * Only that case is compared without the sign of zero.
 */
function losesSignOfZero(name: string, device: string): boolean {
  return /swiftshader/i.test(device) && name.startsWith('erfcinv ');
}

/** The errors a float16 argument and a float16 shared variable get on a device that does not hold float16. */
async function float16Errors(device: string): Promise<{ argument: string; shared: string }> {
  const message = async (run: () => Promise<unknown>) => {
    try {
      await run();
      return 'no error';
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  };
  const x = sym.T.tensor('float16', [false], 'x');
  const h = sym.shared(sym.array([1, 2], { dtype: 'float16' }));
  return {
    argument: await message(() => sym.function([x], x.mul(2), { device })(sym.array([1, 2], { dtype: 'float16' }))),
    shared: await message(() => sym.function([], h.mul(2), { device })()),
  };
}

main().catch((e: unknown) => {
  state.status = 'error';
  state.error = e instanceof Error ? e.message : String(e);
  show(`Error: ${state.error}`);
});
