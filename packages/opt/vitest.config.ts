import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sourceConditions, timeouts } from '../../vitest.shared.js';

// @sym/backend-cpu depends on @sym/opt, so it cannot also be a (dev)dependency
// here (turbo rejects the cycle), nor can @sym/grad (its tests depend on the
// CPU backend): the tests reach their sources by path.
const cpu = fileURLToPath(new URL('../backend-cpu/src/index.ts', import.meta.url));
const grad = fileURLToPath(new URL('../grad/src/index.ts', import.meta.url));

export default defineConfig({
  ...sourceConditions,
  resolve: { ...sourceConditions.resolve, alias: { '@sym/backend-cpu': cpu, '@sym/grad': grad } },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], ...timeouts },
});
