/**
 * Scan fuzzing: random scan programs (scan-fuzz.ts: sequence and output
 * taps, map-only outputs, non-sequences passed, read by closure or shared,
 * goBackwards, nSteps as a number, an input or from the sequences, until,
 * a scan nested in the step) compared with a plain JavaScript interpreter
 * of the same program (scan-fuzz-reference.ts) under FAST_RUN and
 * FAST_COMPILE, a training step's updates of the shared values, and the gradient of a cost of their outputs (truncated
 * when the scan says so) against central differences of the reference's
 * cost; on some seeds jacobian, Rop and a Hessian-vector product too. Fixed seeds, so a failure
 * names a program to rebuild with `generateScan(seed)`; more seeds with
 * `SYM_SCAN_FUZZ_SEEDS=0-5000 npx vitest run test/scan-fuzz.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import type * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { checkScanProgram, checkScanSeed } from './scan-fuzz-check.js';
import { generateScan, type ScanProgram } from './scan-fuzz.js';
import { referenceScan } from './scan-fuzz-reference.js';

const DEFAULT_SEEDS = 64;

/** `SYM_SCAN_FUZZ_SEEDS`: `a-b` (b excluded) or a count from 0; 0-64 by default. */
function seedRange(): [number, number] {
  const spec = process.env.SYM_SCAN_FUZZ_SEEDS;
  if (!spec) return [0, DEFAULT_SEEDS];
  const m = /^(\d+)(?:-(\d+))?$/.exec(spec.trim());
  if (!m) throw new Error(`SYM_SCAN_FUZZ_SEEDS must be a count or a range a-b, got '${spec}'`);
  return m[2] === undefined ? [0, Number(m[1])] : [Number(m[1]), Number(m[2])];
}

/** What the programs' descriptions show when a feature is there. */
const FEATURES = [
  ...['taps [0]', 'taps [-1,0]', 'taps [-2,1]', 'taps [2]', 'taps [1,-1]', 'rev [', 'every2 [', 'tanh ['],
  ...['taps [-1]', 'taps [-2,-1]', 'taps [-3]', ' map', '[s]', '[v]', '[m]'],
  ...['closure', 'shared', '] shared', 'taps [-1] number', 'sum(tanh(s0))', 'tanh s', 'nSteps input', 'nSteps number', 'nSteps sequences', 'backwards', 'until(', 'truncateGradient', 'chain over'],
  ...['scan[', 'dot(', 'matmul(', 'sum0(', 'switch(', 'sigmoid(', 'expTanh(', 'neg(', 'sub(', 'mul('],
  ...['sum + ', 'sq', 'first', 'last', 'prev', 'tail', 'window'],
];

describe('random scan programs agree with a JavaScript interpreter, values and gradients', () => {
  const [from, to] = seedRange();
  it(`seeds ${from}-${to}`, async () => {
    const problems: string[] = [];
    let gradChecked = 0;
    for (let seed = from; seed < to; seed++) {
      const r = await checkScanSeed(seed);
      problems.push(...r.problems);
      if (!r.skipped && !r.gradSkipped) gradChecked++;
    }
    expect(problems.join('\n\n')).toBe('');
    expect(gradChecked).toBeGreaterThan((to - from) * 0.8);
  }, 600_000);

  it('the programs cover every feature over the default seeds', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < DEFAULT_SEEDS; seed++) {
      const p = generateScan(seed);
      const log = p.log;
      for (const f of FEATURES) {
        if (log.includes(f)) seen.add(f);
      }
      if (p.until && referenceScan(p).outputs[0]!.length < (p.nStepsMode === 'sequences' ? Infinity : p.nSteps)) seen.add('until stops early');
    }
    expect([...FEATURES, 'until stops early'].filter((f) => !seen.has(f))).toEqual([]);
  });

  it('the check is not vacuous: a reference whose step differs from the program fails it, in values and gradients', async () => {
    // a program whose output 0 depends on its first input, so that all four checks can see the difference
    const tanhOfSteps = (q: ScanProgram, base?: readonly sym.NDArray[]) => referenceScan({ ...q, outs: q.outs.map((o) => ({ ...o, body: { k: 'un', op: 'tanh', a: o.body } })) }, base);
    const kinds = [/^FAST_RUN: output 0 element/, /^FAST_COMPILE: the gradient of/, /^Rop of output 0/, /^jacobian of/];
    let caught = [false];
    for (let seed = 0; seed < 12 && !caught.every(Boolean); seed++) {
      const r = await checkScanProgram(generateScan(seed), { reference: tanhOfSteps, forward: true });
      caught = kinds.map((what) => r.problems.some((m) => what.test(m)));
    }
    expect(caught).toEqual([true, true, true, true]);
  });
});
