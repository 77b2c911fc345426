/**
 * @sym/backend-gpujs: sym's gpu.js backend. Importing it registers it as
 * `device=gpujs`. The gpu.js mode comes from `SYM_GPUJS_MODE` (headlessgl,
 * webgl2, webgl, webgpu, cpu); by default headlessgl in Node and webgl2 in
 * browsers. A requested GPU mode never falls back to the CPU.
 * @packageDocumentation
 */
import { registerBackend } from '@sym/graph';
// Every backend brings the optimizer: rewrites and kernel fusion (installed on import).
import '@sym/opt';
import { GpujsBackend } from './backend.js';

export { GpujsBackend, GPUJS_DTYPES, MAX_EXACT_INT, type GpujsBackendOptions } from './backend.js';
export { GPUJS_MODES, KERNEL_CLASS_NAME, resolveMode, type GpujsMode } from './mode.js';
export type { ContextRetries } from './context.js';
export { renderKernel, renderExpr, castTo } from './render.js';
export type { RenderLoad } from './render.js';
export { HELPER_NAMES, HELPER_SOURCES } from './helpers.js';

/** The instance registered as `gpujs`. */
export const gpujs = new GpujsBackend();
registerBackend(gpujs);
