/**
 * The demo page end to end, in Debian's Chromium: the tutorial MLP trains
 * on WebGPU (SwiftShader), gpu.js WebGL2 and the CPU backend; each run's
 * cost falls, its adapter is the one asked for (never a fallback), the
 * three devices agree on the costs, and a screenshot is saved in out/.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../src/browser.js';
import type { DemoState } from '../src/page/state.js';
import { OUT_DIR, settled, startSite, type Site } from './harness.js';

const ITERATIONS = 20;

/** What `describe().device` must say on each device: the real adapter, not a fallback. */
const ADAPTER: Record<string, RegExp> = {
  webgpu: /^WebGPU .*swiftshader.* via navigator\.gpu$/i,
  gpujs: /^gpu\.js webgl2 \(WebGL2Kernel\)$/,
  cpu: /JavaScript/,
};

let site: Site;
const runs = new Map<string, DemoState>();

beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site?.close();
});

describe('the demo page trains the tutorial MLP', () => {
  for (const device of ['cpu', 'gpujs', 'webgpu']) {
    it(`on device=${device}`, async () => {
      const { page, console: log } = await site.open(`?device=${device}&iterations=${ITERATIONS}`);
      const s = await settled<DemoState>(page, 'symDemo');
      await page.screenshot({ path: join(OUT_DIR, `demo-${device}.png`) });
      await page.close();
      expect(s.error, `page error; console:\n${log.join('\n')}`).toBeUndefined();
      expect(s.status).toBe('done');
      expect(s.device).toBe(device);
      expect(s.floatX).toBe('float32');
      expect(s.adapterInfo).toMatch(ADAPTER[device]!);
      expect(s.iteration).toBe(ITERATIONS);
      expect(s.costs).toHaveLength(ITERATIONS);
      for (const c of s.costs) expect(Number.isFinite(c)).toBe(true);
      // the tutorial's run: 405.65 at the start, about 162 after 20 iterations, accuracy about 0.8
      expect(s.costs[0]).toBeCloseTo(405.65, 1);
      expect(s.costs.at(-1)!).toBeLessThan(0.5 * s.costs[0]!);
      expect(s.accuracy).toBeGreaterThan(0.75);
      console.log(`device=${device} (${s.adapterInfo}): cost ${s.costs[0]!.toFixed(3)} -> ${s.costs.at(-1)!.toFixed(3)}, accuracy ${s.accuracy}, first iteration ${s.iterationMs[0]!.toFixed(0)} ms, then ${s.msPerIteration.toFixed(0)} ms per iteration`);
      runs.set(device, s);
    });
  }

  it('gives the same costs on every device (float32, other summation orders)', () => {
    const cpu = runs.get('cpu');
    expect(cpu, 'the cpu run must have passed').toBeDefined();
    for (const device of ['gpujs', 'webgpu']) {
      const other = runs.get(device);
      expect(other, `the ${device} run must have passed`).toBeDefined();
      other!.costs.forEach((c, i) => expect(Math.abs(c - cpu!.costs[i]!), `${device} iteration ${i + 1}`).toBeLessThan(1e-3 * cpu!.costs[i]!));
    }
  });
});

describe('the demo page never falls back', () => {
  it('shows and exposes an error for an unknown device', async () => {
    const { page } = await site.open('?device=tpu');
    const s = await settled<DemoState>(page, 'symDemo');
    const shown = await page.locator('#error').textContent();
    await page.close();
    expect(s.status).toBe('error');
    expect(s.error).toBe('query parameter device: expected one of webgpu, gpujs, cpu; got "tpu"');
    expect(shown).toContain('got "tpu"');
    expect(s.iteration).toBe(0);
  });

  it('shows and exposes an error for a bad iteration count', async () => {
    const { page } = await site.open('?device=cpu&iterations=0');
    const s = await settled<DemoState>(page, 'symDemo');
    await page.close();
    expect(s.status).toBe('error');
    expect(s.error).toBe('query parameter iterations: expected an integer >= 1; got "0"');
  });

  it('shows and exposes an error when the browser has no WebGPU adapter', async () => {
    // the same Chromium without --enable-unsafe-webgpu: navigator.gpu exists, requestAdapter gives null
    const bare = await launchChromium({ withoutWebGpu: true });
    try {
      const page = await bare.context.newPage();
      await page.goto(`${site.server.url}?device=webgpu&iterations=3`);
      const s = await settled<DemoState>(page, 'symDemo');
      const shown = await page.locator('#error').textContent();
      expect(s.status).toBe('error');
      // the backend's message names the device, what is missing and the flag that enables it
      expect(s.error).toMatch(/^device=webgpu: .*no WebGPU adapter.*--enable-unsafe-webgpu/);
      expect(shown).toContain('found no WebGPU adapter');
      expect(s.iteration).toBe(0);
      expect(s.costs).toEqual([]);
    } finally {
      await bare.close();
    }
  });
});
