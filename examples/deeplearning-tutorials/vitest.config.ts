import { defineConfig } from 'vitest/config';
import { sourceConditions, timeouts } from '../../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  // Each tutorial trains a small model; turbo runs every package at once on CI's two cores.
  test: { include: ['src/**/*.test.ts'], ...timeouts },
});
