import { defineConfig } from 'vitest/config';
import { sourceConditions, timeouts } from '../../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  // An interpreter walks every expression tree per element: the larger cases take a while, and
  // the full suite's 100 x 100 inverses and determinants took 60-87 s each on two loaded cores
  test: { include: ['src/**/*.test.ts'], ...timeouts },
});
