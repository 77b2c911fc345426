// The shared conformance suite on real headless WebGL (gpu.js HeadlessGLKernel on Mesa llvmpipe), split in files that run in parallel.
import { runConformance } from '@sym/backend-testkit';
import { options } from './conformance-options.js';

runConformance(options(['ieee']));
