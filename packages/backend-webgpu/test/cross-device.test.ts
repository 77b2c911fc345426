/**
 * One process, two devices: a shared variable trained on WebGPU (Dawn on
 * software Vulkan) and read or updated by CPU functions, calls made without
 * awaiting each: the testkit's cross-device checks.
 */
import { afterAll } from 'vitest';
import '@sym/backend-cpu';
import { runCrossDevice } from '@sym/backend-testkit';
import { webgpu } from '../src/index.js';

afterAll(() => webgpu.dispose());
runCrossDevice({ device: 'webgpu' });
