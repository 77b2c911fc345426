import { defineConfig } from 'vitest/config';
import { timeouts } from '../../vitest.shared.js';

// No @sym/source condition here: the test installs the packed packages and
// runs them as a user's project would, from their built dist/.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], ...timeouts },
});
