/**
 * The testkit's conformance cases on sym's WebGPU backend outside vitest, for
 * a device machine that has no node_modules: every case the vitest suite
 * runs (the `ir` group's hand-built kernels included), with the same
 * tolerances; prints a count and the failures.
 */
import * as sym from '@sym/graph';
import { webgpu } from '@sym/backend-webgpu';
import { caseFits, runCase, type CaseContext } from '../../packages/backend-testkit/src/case.js';
import { buildCases } from '../../packages/backend-testkit/src/cases/index.js';
import { COMPILE_CHECKS } from '../../packages/backend-testkit/src/compile.js';
import { caseRng } from '../../packages/backend-testkit/src/rng.js';
import { irCases } from '../../packages/backend-testkit/src/ir/cases.js';
import { irCaseDTypes, runIrCase } from '../../packages/backend-testkit/src/ir/run.js';
import { skip, tolerance } from '../../packages/backend-webgpu/test/conformance-options.js';

// as the vitest suite runs it (test/setup.ts): literals and accumulators in float32
sym.config.floatX = 'float32';
await sym.resolveBackend('webgpu');
const dtypes = webgpu.describe().dtypes;
const have = new Set(dtypes);
const seed = 1234;
const ctx: CaseContext = { device: 'webgpu', seed, tolerance, signedZeros: true };
const all = buildCases(dtypes, ['elemwise', 'special', 'ieee', 'promotion', 'reduce', 'dot', 'shape', 'softmax', 'cast', 'composite', 'indexing', 'scan', 'random', 'sort', 'nlinalg'], false);
// cases needing what the device does not hold (float64), and the ones the vitest suite skips (with its reasons)
const cases = all.filter((c) => caseFits(c, have) && !skip(c));
// the ir group's hand-built kernels, by the same rules
const allIr = irCases();
const ir = allIr.filter((c) => [...irCaseDTypes(c)].every((d) => have.has(d)) && !skip({ group: 'ir', name: c.name, dtype: c.kernel.out }));
const skipped = all.length - cases.length + allIr.length - ir.length;
let passed = 0;
const failed: string[] = [];
const t0 = performance.now();
for (const c of cases) {
  try {
    await runCase(c, ctx);
    passed++;
    if (passed % 500 === 0) console.log(`${passed} passed, ${failed.length} failed so far (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  } catch (e) {
    failed.push(`${c.name}: ${(e as Error).message.split('\n').slice(0, 4).join(' | ')}`);
  }
}
for (const c of ir) {
  try {
    await runIrCase(webgpu, c, tolerance);
    passed++;
  } catch (e) {
    failed.push(`ir ${c.name}: ${(e as Error).message.split('\n').slice(0, 4).join(' | ')}`);
  }
}
for (const k of COMPILE_CHECKS) {
  if (k.applies && !k.applies(webgpu)) continue;
  try {
    await k.run({ device: 'webgpu', backend: webgpu, dtype: 'float32', rng: caseRng(seed, k.name), tolerance });
    passed++;
  } catch (e) {
    failed.push(`compile ${k.name}: ${(e as Error).message.split('\n')[0]}`);
  }
}
console.log(`conformance on ${webgpu.describe().device}: ${passed} passed, ${failed.length} failed, ${skipped} skipped, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
for (const f of failed.slice(0, 40)) console.log(`  FAIL ${f}`);
webgpu.dispose();
process.exit(failed.length ? 1 : 0);
