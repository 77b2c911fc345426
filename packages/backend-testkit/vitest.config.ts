import { defineConfig } from 'vitest/config';
import { sourceConditions, timeouts } from '../../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  // catches.test.ts runs whole case groups on interpreted backends: 2 s alone, 8 s when CI's turbo runs
  // two packages' suites at once on two cores (the 5 s default failed there)
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], ...timeouts },
});
