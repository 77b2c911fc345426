import { defineConfig } from 'vitest/config';
import { sourceConditions, timeouts } from '../../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  // The tests run the example in child processes (tsx), which take a few
  // seconds each alone and much longer while turbo runs every package at once.
  test: { include: ['src/**/*.test.ts'], ...timeouts },
});
