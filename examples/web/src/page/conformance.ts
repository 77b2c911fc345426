/**
 * The conformance page: runs the shared conformance suite, but for its
 * wide integers (see subset.ts), on the device named by `?device=`
 * (gpujs in mode webgl2, or webgpu on navigator.gpu), each case through
 * `sym.function` against the ops' reference `perform`, exactly as the Node
 * suite's `runCase` does. Results are on `window.symConformance`.
 */
import { flushingTolerance, runCase, type CaseContext } from '@sym/backend-testkit';
import { deviceFromQuery, useDevice } from './devices.js';
import { browserCases } from './subset.js';
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
  const subset = browserCases(info.dtypes);
  // `&only=text`: the cases whose name contains it (to look into one case by hand)
  const only = new URLSearchParams(window.location.search).get('only');
  const cases = only === null ? subset.cases : subset.cases.filter((c) => c.name.includes(only));
  state.leftOut = subset.leftOut + subset.cases.length - cases.length;
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
      await runCase(c, ctx);
      state.results.push({ name: c.name, group: c.group, ok: true });
    } catch (e) {
      state.results.push({ name: c.name, group: c.group, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
    const failed = state.results.filter((r) => !r.ok).length;
    show(`${info.device}: ${state.results.length}/${cases.length} cases, ${failed} failed`);
  }
  state.status = 'done';
}

main().catch((e: unknown) => {
  state.status = 'error';
  state.error = e instanceof Error ? e.message : String(e);
  show(`Error: ${state.error}`);
});
