import { defineConfig } from 'vitest/config';
import { sourceConditions, timeouts } from '../../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One Chromium at a time: SwiftShader and WebGL on 2 cores are slow enough alone,
    // and several browsers at once only make every timeout flaky.
    fileParallelism: false,
    ...timeouts,
  },
});
