/**
 * The package entry, as a published backend's would be: importing it
 * installs the optimizer (so `compile` receives fused kernels, as users of
 * the other backends get them) and registers `interp` for `config.device`.
 */
import '@sym/opt';
import { registerBackend } from '@sym/graph';
import { InterpreterBackend } from './backend.js';

export { InterpreterBackend } from './backend.js';

registerBackend(new InterpreterBackend());
