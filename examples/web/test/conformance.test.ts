/**
 * The shared conformance suite, special values included, run in Chromium:
 * WebGPU on navigator.gpu (every dtype SwiftShader's adapter holds, int64
 * included) and gpu.js in mode webgl2 (but for the integers float32 storage
 * does not hold: src/page/subset.ts), both on SwiftShader. Every case is
 * compiled through `sym.function` and compared with the ops' reference
 * `perform`, as in the Node suites, and the `ir` group's hand-built kernels.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConformanceState } from '../src/page/state.js';
import { OUT_DIR, settled, startSite, type Site } from './harness.js';

/**
 * Cases known to differ on a device in the browser, with why. They are still
 * run and reported; any other failure fails the test.
 */
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
  // 2026-11-30, 2 cores: gpu.js 256 s at load 4-8, WebGPU 424 s at load 1-2 (SwiftShader compiling each case's
  // shaders: sort 51 s, elemwise 102 s, reduce 90 s); past the 400 s this allowed once the session's new cases came.
  // Room for a slower machine with a cold shader cache; CI's limit is 90 minutes in all
  it(`conformance on device=${device} in Chromium`, { timeout: 1_260_000 }, async () => {
    const { page, console: log } = await site.open(`conformance.html?device=${device}`);
    const started = performance.now();
    const s = await settled<ConformanceState>(page, 'symConformance', 1_200_000);
    const seconds = (performance.now() - started) / 1000;
    await page.screenshot({ path: join(OUT_DIR, `conformance-${device}.png`) });
    await page.close();
    expect(s.error, `page error; console:\n${log.join('\n')}`).toBeUndefined();
    expect(s.status).toBe('done');
    expect(s.adapterInfo).toMatch(ADAPTER[device]!);
    expect(s.results.length).toBeGreaterThanOrEqual(1600);
    const groups = new Set(s.results.map((r) => r.group));
    expect([...groups].sort()).toEqual(['cast', 'composite', 'dot', 'elemwise', 'ieee', 'indexing', 'ir', 'nlinalg', 'promotion', 'random', 'reduce', 'scan', 'shape', 'softmax', 'sort', 'special']);
    const failed = s.results.filter((r) => !r.ok);
    console.log(`device=${device} (${s.adapterInfo}): ${s.results.length} cases in ${seconds.toFixed(1)} s, ${failed.length} failed; ${s.leftOut} of the suite left to the Node run, ${s.flushed} not run (float32 subnormals, which SwiftShader flushes), ${s.signFolded} not run (signs of zeros gpu.js drops)`);
    expect(failed.map((r) => `${r.name}\n${r.error}`).join('\n\n')).toBe('');
    // WebGPU holds every dtype of the ir group but float64 (its scatter-add cases too); gpu.js here only the float32 and
    // bool cases (both with c598eb0's negative-stride cases: 7 more on WebGPU, 3 on gpu.js)
    expect(s.results.filter((r) => r.group === 'ir').length).toBe(device === 'webgpu' ? 49 : 10);
    expect(s.flushed).toBeGreaterThanOrEqual(3);
    // the ieee tables of a product or quotient with a literal zero whose sign gpu.js's shaders drop (subset.ts)
    expect(s.signFolded).toBe(device === 'gpujs' ? 3 : 0);
    // SwiftShader has no shader-f16, and gpu.js holds no float16: both refuse it, saying why
    expect(s.float16Refused?.argument).toMatch(new RegExp(`device=${device} cannot hold float16 data.*floatX=float32`));
    // a shared variable is refused by name before its upload (graph's shared.ts), whatever the device's own reason
    expect(s.float16Refused?.shared).toMatch(new RegExp(`^shared variable .*: device=${device} cannot hold its float16 value \\(it holds .*float32.*\\).*make the variable float32`));
  });
}
