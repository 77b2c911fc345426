import { defineConfig } from 'vitest/config';
import { sourceConditions, timeouts } from '../../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  // Some blocks train a small network for a few hundred steps.
  test: { include: ['src/**/*.test.ts'], ...timeouts },
});
