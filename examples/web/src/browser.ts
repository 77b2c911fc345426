/**
 * Launching Debian's Chromium with playwright-core (never a downloaded
 * browser): WebGPU enabled (SwiftShader's Vulkan in a machine without a GPU),
 * WebGL2 on SwiftShader, nothing that talks to the network, a fresh profile
 * each time.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SYM_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--headless=new',
] as const;

export interface Chromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Leave out `--enable-unsafe-webgpu` (a browser without a WebGPU adapter here), to test the error path. */
  readonly withoutWebGpu?: boolean;
}

/** Start Chromium with a fresh user data dir; `close()` stops it and removes the profile. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Chromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium" (bash scripts/system-deps.sh does), ` +
        'or set SYM_CHROMIUM to its path.',
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'sym-chromium-'));
  // headless=new is passed as a flag: playwright's own headless mode is the old, GPU-less shell
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: false,
    args: CHROMIUM_FLAGS.filter((f) => !(options.withoutWebGpu && f === '--enable-unsafe-webgpu')),
    viewport: { width: 640, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
