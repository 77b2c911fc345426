/**
 * @sym/backend-cpu: sym's CPU backend. Importing it registers it as
 * `device=cpu`.
 * @packageDocumentation
 */
import { registerBackend } from '@sym/graph';
// Every backend brings the optimizer: rewrites and kernel fusion (installed on import).
import '@sym/opt';
import { CpuBackend } from './backend.js';

export { CpuBackend } from './backend.js';
export type { CpuBackendOptions } from './backend.js';
export { renderKernel, renderExpr, castTo } from './render.js';
export type { Index } from './render.js';

/** The instance registered as `cpu`. */
export const cpu = new CpuBackend();
registerBackend(cpu);
