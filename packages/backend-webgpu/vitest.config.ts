import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sourceConditions, timeouts } from '../../vitest.shared.js';

// The software Vulkan driver that scripts/system-deps.sh unpacks: its environment
// must be set before the test workers start (the dynamic loader reads
// LD_LIBRARY_PATH at process start), so it is applied here, in the parent.
const envFile = fileURLToPath(new URL('../../.cache/mesa/env.json', import.meta.url));
if (existsSync(envFile) && !process.env.SYM_WEBGPU_SYSTEM_DRIVER) {
  const env = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>;
  for (const [k, v] of Object.entries(env)) {
    process.env[k] = k === 'LD_LIBRARY_PATH' && process.env[k] ? `${v}:${process.env[k]}` : v;
  }
}

export default defineConfig({
  ...sourceConditions,
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // one device at a time: the software driver has 2 cores to share
    fileParallelism: false,
    ...timeouts,
  },
});
