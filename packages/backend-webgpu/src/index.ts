/**
 * @sym/backend-webgpu: sym's WebGPU backend. Importing it registers it as
 * `device=webgpu`; in Node it runs on Dawn (the `webgpu` package), in
 * browsers on `navigator.gpu`.
 *
 * ```ts
 * import * as sym from '@sym/graph';
 * import { webgpu } from '@sym/backend-webgpu';
 * sym.config.device = 'webgpu';
 * sym.config.floatX = 'float32';
 * // ... compile and call functions as on the CPU ...
 * webgpu.dispose(); // let Node exit
 * ```
 * @packageDocumentation
 */
import { registerBackend } from '@sym/graph';
// Every backend brings the optimizer: rewrites and kernel fusion (installed on import).
import '@sym/opt';
import { WebGpuBackend } from './backend.js';

export { WebGpuBackend } from './backend.js';
export type { WebGpuExecutable, WebGpuOptions, WebGpuStats } from './backend.js';
export { WEBGPU_DTYPES, valueType, storageType } from './dtypes.js';
export { renderKernel } from './render.js';
export type { RenderedKernel, RenderLimits, RenderOptions } from './render.js';
export { DEFAULT_MATMUL_TILE, SOFTWARE_MATMUL_TILE } from './matmul.js';
export type { MatmulTile } from './matmul.js';
export { planSort } from './sort.js';
export type { SortLimits, SortPass, SortPlan } from './sort.js';
export { planScatter } from './scatter.js';
export type { ScatterPlan } from './scatter.js';
export { renderExpr } from './scalar.js';
export type { ConstFn } from './scalar.js';

/** The instance registered as `webgpu`. */
export const webgpu = new WebGpuBackend();
registerBackend(webgpu);
