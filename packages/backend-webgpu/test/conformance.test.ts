/**
 * The shared conformance suite (@sym/backend-testkit) on Dawn with the
 * software Vulkan driver. Every new kernel costs the driver a shader
 * compile (~0.2-0.5 s on lavapipe), so the default run is the testkit's
 * quick suite (every op, dtype, special value and compile check; fewer
 * layouts); SYM_WEBGPU_CONFORMANCE=full runs all of it.
 */
import { runConformance } from '@sym/backend-testkit';
import { webgpu } from './setup.js';

runConformance({
  backend: webgpu,
  quick: process.env.SYM_WEBGPU_CONFORMANCE !== 'full',
});
