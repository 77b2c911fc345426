/**
 * The shared conformance suite (@sym/backend-testkit) on Dawn with the
 * software Vulkan driver: the whole suite (about 70 s with Mesa's shader
 * cache warm; every new kernel costs lavapipe a 0.2-0.5 s compile when it is
 * cold). SYM_WEBGPU_CONFORMANCE=quick runs the testkit's quick suite (every
 * op, dtype, special value and compile check; fewer layouts).
 *
 * Left out, as the testkit leaves them out for any backend without float64,
 * and listed as skipped: cases that need float64, its values or an op
 * computing in it (NumPy compares int32 with float32 in float64).
 * One tolerance differs from the testkit's defaults: float32 results may be
 * flushed from the subnormal range to zero (atol 2^-126), as WGSL allows and
 * NVIDIA's driver does (seen on an H200 through bench/device); for the same
 * reason the cases that scale subnormal results up before comparing them
 * are skipped (conformance-options.ts).
 */
import { runConformance } from '@sym/backend-testkit';
import { skip, tolerance } from './conformance-options.js';
import { webgpu } from './setup.js';

runConformance({
  backend: webgpu,
  quick: process.env.SYM_WEBGPU_CONFORMANCE === 'quick',
  tolerance,
  skip,
});
