/** What the end-to-end tests share: the built pages served on 127.0.0.1 and one Chromium. */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../src/browser.js';
import { buildSite } from '../src/build.js';
import { serveStatic, type StaticServer } from '../src/server.js';

/** examples/web/out: screenshots land here (gitignored). */
export const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'out');

export interface Site {
  readonly server: StaticServer;
  readonly browser: Chromium;
  /** A new page with the browser console collected, at `path` of the site. */
  open(path: string): Promise<{ page: Page; console: string[] }>;
  close(): Promise<void>;
}

export async function startSite(): Promise<Site> {
  const dir = await mkdtemp(join(tmpdir(), 'sym-web-'));
  await buildSite(dir);
  await mkdir(OUT_DIR, { recursive: true });
  const server = await serveStatic(dir);
  let browser: Chromium;
  try {
    browser = await launchChromium();
  } catch (e) {
    await server.close();
    throw e;
  }
  return {
    server,
    browser,
    async open(path) {
      const page = await browser.context.newPage();
      const lines: string[] = [];
      page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
      await page.goto(new URL(path, server.url).href);
      return { page, console: lines };
    },
    async close() {
      await browser.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * How long a page may take to settle by default: only a hang detector (no test asserts a duration), just
 * under vitest.shared.ts's 300 s test limit so that a hang fails here, naming the page, not as a bare
 * test timeout. A slow CI machine with a cold shader cache takes several times this machine's seconds.
 */
export const PAGE_WAIT_MS = 280_000;

/** Wait until `window[key].status` is no longer `running`/`loading`/`training`, then return a copy of `window[key]`. */
export async function settled<S>(page: Page, key: 'symDemo' | 'symConformance', timeoutMs = PAGE_WAIT_MS): Promise<S> {
  await page.waitForFunction(
    (k) => {
      const s = (window as unknown as Record<string, { status?: string } | undefined>)[k];
      return s !== undefined && (s.status === 'done' || s.status === 'error');
    },
    key,
    { timeout: timeoutMs, polling: 250 },
  );
  return page.evaluate((k) => JSON.parse(JSON.stringify((window as unknown as Record<string, unknown>)[k])) as S, key);
}
