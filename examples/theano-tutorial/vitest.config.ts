import { defineConfig } from 'vitest/config';
import { sourceConditions, timeouts } from '../../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  // The test runs the example in a child process (tsx), which takes a few seconds to start.
  test: { include: ['src/**/*.test.ts'], ...timeouts },
});
