/**
 * Checks one random scan program (`scan-fuzz.ts`) against the JavaScript
 * reference (`scan-fuzz-reference.ts`): its outputs under each mode, and
 * the gradient of its cost with respect to every float input against
 * central differences of the reference's cost (element by element: the
 * reference is cheap). Returns the problems found, as sentences naming the
 * program, rather than throwing, so that a many-seed run lists them all.
 */
import * as sym from '@sym/graph';
import { grad } from '../src/index.js';
import { buildScan, generateScan, type FloatType, type ScanProgram } from './scan-fuzz.js';
import { flatRows, referenceScan, type ReferenceResult } from './scan-fuzz-reference.js';

export interface ScanCheckOptions {
  device?: string;
  dtype?: FloatType;
  /** The modes whose outputs are compared; the gradient is checked under the first two. */
  modes?: readonly sym.Mode[];
  /** Relative tolerances: of the outputs, and of the gradient (of the largest gradient element, at least 1). */
  valueTol?: number;
  gradTol?: number;
  /** Skip the gradient (values only). */
  noGrad?: boolean;
  /** The reference to compare with ({@link referenceScan}; another to show the check fails when they differ). */
  reference?: (p: ScanProgram) => ReferenceResult;
}

export interface ScanCheckResult {
  program: ScanProgram;
  /** Why the program was not checked (non-finite or huge reference values), or its gradient not (a kink nearby). */
  skipped?: string;
  gradSkipped?: string;
  problems: string[];
}

const EPS = 1e-6;

export async function checkScanSeed(seed: number, options: ScanCheckOptions = {}): Promise<ScanCheckResult> {
  return checkScanProgram(generateScan(seed), options);
}

export async function checkScanProgram(p: ScanProgram, options: ScanCheckOptions = {}): Promise<ScanCheckResult> {
  const { device, dtype = 'float64', modes = ['FAST_RUN', 'FAST_COMPILE'], valueTol = dtype === 'float64' ? 1e-9 : 1e-4, gradTol = dtype === 'float64' ? 1e-5 : 2e-3 } = options;
  const problems: string[] = [];
  const result: ScanCheckResult = { program: p, problems };
  const reference = options.reference ?? referenceScan;
  const ref = reference(p);
  const largest = Math.max(...ref.outputs.flatMap((rows) => flatRows(rows).map(Math.abs)), Math.abs(ref.cost));
  if (!(largest < 1e4)) return { ...result, skipped: `reference values too large (${largest})` };
  const where = (what: string) => `${what}\n  ${p.log}`;
  let built: ReturnType<typeof buildScan>;
  try {
    built = buildScan(p, dtype);
  } catch (e) {
    problems.push(where(`building the graph threw ${(e as Error).stack ?? e}`));
    return result;
  }
  const args = built.args(p.values);
  const near = (got: number, want: number, tol: number, scale: number) => Math.abs(got - want) <= tol * Math.max(1, scale);
  const compare = (mode: string, got: sym.NDArray[], ref: ReferenceResult) =>
    got.forEach((g, i) => {
      const want = flatRows(ref.outputs[i]!);
      const rows = ref.outputs[i]!.length;
      if (g.shape[0] !== rows || g.size !== want.length) {
        problems.push(where(`${mode}: output ${i} has shape (${g.shape}), the reference ${rows} rows of ${want.length / Math.max(rows, 1)}`));
        return;
      }
      const scale = Math.max(...want.map(Math.abs));
      const bad = want.findIndex((w, j) => !near(Number(g.data[j]), w, valueTol, scale));
      if (bad >= 0) problems.push(where(`${mode}: output ${i} element ${bad} is ${Number(g.data[bad])}, the reference ${want[bad]} (all: ${Array.from(g.data, Number).map((x) => x.toPrecision(6))} vs ${want.map((x) => x.toPrecision(6))})`));
    });
  for (const mode of modes) {
    try {
      const f = sym.function(built.inputs, built.outputs, { mode, onUnusedInput: 'ignore', ...(device ? { device } : {}) });
      compare(mode, (await f(...args)) as sym.NDArray[], ref);
      if (p.nStepsMode === 'input' && p.nSteps > 1) {
        // the same function at another number of steps (a program of its own)
        const fewer = p.nSteps - 1;
        compare(`${mode}, nSteps ${fewer}`, (await f(...built.args(p.values, fewer))) as sym.NDArray[], reference({ ...p, nSteps: fewer }));
      }
      const c = Number(((await sym.function(built.inputs, built.cost, { mode, onUnusedInput: 'ignore', ...(device ? { device } : {}) })(...args)) as sym.NDArray).data[0]);
      if (!near(c, ref.cost, valueTol, Math.abs(ref.cost))) problems.push(where(`${mode}: the cost is ${c}, the reference ${ref.cost}`));
    } catch (e) {
      problems.push(where(`${mode}: computing the outputs threw ${(e as Error).stack ?? e}`));
    }
  }
  if (options.noGrad || !built.wrt.length) return result;
  if (ref.margin < 1e-3) return { ...result, gradSkipped: `a kink ${ref.margin} away` };
  // the reference's gradient by central differences, element by element
  const numeric = p.values.map((v, k) =>
    Array.from(v.data, (_, j) => {
      const at = (e: number) => {
        const values = p.values.map((w, kk) => {
          if (kk !== k) return w;
          const d = Float64Array.from(w.data, Number);
          d[j] = d[j]! + e;
          return new sym.NDArray(d, [...w.shape], 'float64');
        });
        const r = reference({ ...p, values });
        return r.cost;
      };
      return (at(EPS) - at(-EPS)) / (2 * EPS);
    }),
  );
  let gs: sym.TensorVariable[];
  try {
    gs = grad(built.cost, built.wrt, { disconnectedInputs: 'ignore' });
  } catch (e) {
    problems.push(where(`grad threw ${(e as Error).stack ?? e}`));
    return result;
  }
  const scale = Math.max(...numeric.flat().map(Math.abs));
  for (const mode of modes.slice(0, 2)) {
    try {
      const f = sym.function(built.inputs, gs, { mode, onUnusedInput: 'ignore', ...(device ? { device } : {}) });
      const got = (await f(...args)) as sym.NDArray[];
      got.forEach((g, k) => {
        const want = numeric[k]!;
        const bad = want.findIndex((w, j) => !near(Number(g.data[j]), w, gradTol, scale));
        if (g.size !== want.length) problems.push(where(`${mode}: the gradient of input ${built.wrt[k]} has ${g.size} elements, the input ${want.length}`));
        else if (bad >= 0) problems.push(where(`${mode}: the gradient of ${built.wrt[k]} element ${bad} is ${Number(g.data[bad])}, finite differences ${want[bad]} (all: ${Array.from(g.data, Number).map((x) => x.toPrecision(5))} vs ${want.map((x) => x.toPrecision(5))})`));
      });
    } catch (e) {
      problems.push(where(`${mode}: computing the gradient threw ${(e as Error).stack ?? e}`));
    }
  }
  return result;
}
