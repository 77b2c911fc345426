import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  // An interpreter walks every expression tree per element: the larger cases take a while.
  test: { include: ['src/**/*.test.ts'], testTimeout: 60_000 },
});
