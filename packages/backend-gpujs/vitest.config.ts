import { defineConfig } from 'vitest/config';
import { sourceConditions, timeouts } from '../../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  // every new kernel is a shader compiled by the software GL driver (~50-250 ms each)
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], ...timeouts },
});
