import { defineConfig } from 'vitest/config';
import { sourceConditions, timeouts } from '../../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], ...timeouts },
});
