import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

// @sym/backend-cpu depends on @sym/opt, so it cannot also be a (dev)dependency
// here (turbo rejects the cycle): the tests reach its sources by path.
const cpu = fileURLToPath(new URL('../backend-cpu/src/index.ts', import.meta.url));

export default defineConfig({
  ...sourceConditions,
  resolve: { ...sourceConditions.resolve, alias: { '@sym/backend-cpu': cpu } },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
