import { defineConfig } from 'vitest/config';

// No @sym/source condition here: the test installs the packed packages and
// runs them as a user's project would, from their built dist/.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 },
});
