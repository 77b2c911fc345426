import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

// test/webgpu.test.ts runs gradient graphs on Dawn over the software Vulkan
// driver scripts/system-deps.sh unpacks; the loader reads its environment at
// process start, so it is applied here, in the parent (as @sym/backend-webgpu does).
const envFile = fileURLToPath(new URL('../../.cache/mesa/env.json', import.meta.url));
if (existsSync(envFile) && !process.env.SYM_WEBGPU_SYSTEM_DRIVER) {
  const env = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>;
  for (const [k, v] of Object.entries(env)) {
    process.env[k] = k === 'LD_LIBRARY_PATH' && process.env[k] ? `${v}:${process.env[k]}` : v;
  }
}

export default defineConfig({
  ...sourceConditions,
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
});
