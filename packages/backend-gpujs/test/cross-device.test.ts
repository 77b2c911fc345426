/**
 * One process, two devices: a shared variable trained on gpu.js (WebGL on
 * headless-gl) and read or updated by CPU functions, calls made without
 * awaiting each: the testkit's cross-device checks.
 */
import { expect, it } from 'vitest';
import '@sym/backend-cpu';
import { runCrossDevice } from '@sym/backend-testkit';
import { gpujs } from '../src/index.js';

it("runs on real WebGL, never gpu.js's CPU fallback", () => {
  expect(gpujs.mode).toBe('headlessgl');
});
runCrossDevice({ device: 'gpujs' });
