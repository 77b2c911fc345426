/**
 * A representative subset of the shared conformance suite (src/page/subset.ts)
 * run in Chromium: gpu.js in mode webgl2 and WebGPU on navigator.gpu, both
 * on SwiftShader. Every case is compiled through `sym.function` and compared
 * with the ops' reference `perform`, as in the Node suites.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConformanceState } from '../src/page/state.js';
import { OUT_DIR, settled, startSite, type Site } from './harness.js';

/**
 * Cases known to differ on a device in the browser, with why. They are still
 * run and reported; any other failure fails the test.
 */
const KNOWN: Record<string, ReadonlyMap<string, string>> = {
  gpujs: new Map(),
  webgpu: new Map([
    [
      'mod float32: transposed matrix with matrix (4, 3).T, (3, 4)',
      "@sym/backend-webgpu's f_mod on SwiftShader is 1 float32 ulp off the correctly rounded fmod (2.4e-7 at 0.368; the suite allows 4e-7 relative)",
    ],
  ]),
};

const ADAPTER: Record<string, RegExp> = {
  gpujs: /^gpu\.js webgl2 \(WebGL2Kernel\)$/,
  webgpu: /^WebGPU .*swiftshader.* via navigator\.gpu$/i,
};

let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site?.close();
});

for (const device of ['gpujs', 'webgpu']) {
  it(`conformance subset on device=${device} in Chromium`, async () => {
    const { page, console: log } = await site.open(`conformance.html?device=${device}`);
    const started = performance.now();
    const s = await settled<ConformanceState>(page, 'symConformance', 90_000);
    const seconds = (performance.now() - started) / 1000;
    await page.screenshot({ path: join(OUT_DIR, `conformance-${device}.png`) });
    await page.close();
    expect(s.error, `page error; console:\n${log.join('\n')}`).toBeUndefined();
    expect(s.status).toBe('done');
    expect(s.adapterInfo).toMatch(ADAPTER[device]!);
    expect(s.results.length).toBeGreaterThanOrEqual(80);
    const groups = new Set(s.results.map((r) => r.group));
    expect([...groups].sort()).toEqual(['cast', 'composite', 'dot', 'elemwise', 'promotion', 'reduce', 'shape', 'softmax']);
    const known = KNOWN[device]!;
    const failed = s.results.filter((r) => !r.ok && !known.has(r.name));
    const knownFailed = s.results.filter((r) => !r.ok && known.has(r.name));
    for (const r of knownFailed) console.warn(`known on ${device}: ${r.name}: ${known.get(r.name)}`);
    console.log(`device=${device} (${s.adapterInfo}): ${s.results.length} cases in ${seconds.toFixed(1)} s, ${failed.length} failed, ${knownFailed.length} known; ${s.leftOut} of the suite left to the Node run`);
    expect(failed.map((r) => `${r.name}\n${r.error}`).join('\n\n')).toBe('');
  });
}
