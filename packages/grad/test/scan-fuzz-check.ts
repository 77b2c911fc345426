/**
 * Checks one random scan program (`scan-fuzz.ts`) against the JavaScript
 * reference (`scan-fuzz-reference.ts`): its outputs under each mode, and
 * the gradient of its cost with respect to every float input against
 * central differences of the reference's cost (element by element: the
 * reference is cheap). Returns the problems found, as sentences naming the
 * program, rather than throwing, so that a many-seed run lists them all.
 */
import * as sym from '@sym/graph';
import { grad, jacobian, Rop, seededRandom } from '../src/index.js';
import { buildScan, generateScan, type BuiltScan, type FloatType, type ScanProgram } from './scan-fuzz.js';
import { flatRows, referenceScan, type ReferenceResult } from './scan-fuzz-reference.js';

const T = sym.T;

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
  /** Also the Jacobian of output 0's last row and Rop of every output (float64 only). */
  forward?: boolean;
  /** Also a Hessian-vector product through the gradient (float64 only). */
  secondOrder?: boolean;
  /** The reference to compare with ({@link referenceScan}; another to show the check fails when they differ). */
  reference?: (p: ScanProgram, base?: readonly sym.NDArray[]) => ReferenceResult;
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
  return checkScanProgram(generateScan(seed), { secondOrder: seed % 8 === 0, forward: seed % 8 === 4, ...options });
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
        const r = reference({ ...p, values }, p.values);
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
      // FAST_RUN computes the outputs beside the gradient (the scan's rows all kept), the other mode the gradient alone
      const withOutputs = mode === modes[0];
      const f = sym.function(built.inputs, withOutputs ? [...gs, ...built.outputs] : gs, { mode, onUnusedInput: 'ignore', ...(device ? { device } : {}) });
      const all = (await f(...args)) as sym.NDArray[];
      const got = all.slice(0, gs.length);
      if (withOutputs) compare(`${mode} beside the gradient`, all.slice(gs.length), ref);
      got.forEach((g, k) => {
        const want = numeric[built.wrtIndex[k]!]!;
        const bad = want.findIndex((w, j) => !near(Number(g.data[j]), w, gradTol, scale));
        if (g.size !== want.length) problems.push(where(`${mode}: the gradient of input ${built.wrt[k]} has ${g.size} elements, the input ${want.length}`));
        else if (bad >= 0) problems.push(where(`${mode}: the gradient of ${built.wrt[k]} element ${bad} is ${Number(g.data[bad])}, finite differences ${want[bad]} (all: ${Array.from(g.data, Number).map((x) => x.toPrecision(5))} vs ${want.map((x) => x.toPrecision(5))})`));
      });
    } catch (e) {
      problems.push(where(`${mode}: computing the gradient threw ${(e as Error).stack ?? e}`));
    }
  }
  // forward mode and second order differentiate the truncated gradient, which differences do not follow
  const exact = p.truncate === null;
  if (options.secondOrder && exact && dtype === 'float64') await checkSecondOrder(p, built, gs, problems, where);
  if (options.forward && exact && dtype === 'float64') await checkForward(p, built, reference, problems, where);
  // last: it moves the shared values the other checks read
  if (dtype === 'float64') await checkTrainingStep(p, built, gs, numeric, reference, problems, where);
  return result;
}

/**
 * A Hessian-vector product through the scan's gradient (the gradient of
 * grad . v, FAST_RUN) against central differences of the gradient itself
 * (FAST_COMPILE) along a direction w of the inputs (not the shared values).
 */
async function checkSecondOrder(p: ScanProgram, built: BuiltScan, gs: sym.TensorVariable[], problems: string[], where: (s: string) => string): Promise<void> {
  const rng = seededRandom(p.seed + 5);
  const like = (a: sym.NDArray, zero: boolean) => new sym.NDArray(Float64Array.from(a.data, () => (zero ? 0 : rng() * 2 - 1)), [...a.shape], 'float64');
  const v = p.values.map((a) => like(a, false));
  const w = p.values.map((a, k) => like(a, !built.inputIndex.includes(k)));
  const ofWrt = (xs: readonly sym.NDArray[]) => built.wrtIndex.map((k) => xs[k]!);
  const dotOf = (a: readonly sym.NDArray[], b: readonly sym.NDArray[]) => a.reduce((s, x, i) => s + Array.from(x.data, Number).reduce((t, y, j) => t + y * Number(b[i]!.data[j]), 0), 0);
  const shifted = (e: number) => p.values.map((a, k) => new sym.NDArray(Float64Array.from(a.data, (x, j) => Number(x) + e * Number(w[k]!.data[j])), [...a.shape], 'float64'));
  try {
    const gv = gs.map((g, k) => T.sum(T.mul(g, T.constant(v[built.wrtIndex[k]!]!)))).reduce((a, b) => T.add(a, b));
    const hv = (await sym.function(built.inputs, grad(gv, built.wrt, { disconnectedInputs: 'ignore' }), { mode: 'FAST_RUN', onUnusedInput: 'ignore' })(...built.args(p.values))) as sym.NDArray[];
    const gf = sym.function(built.inputs, gs, { mode: 'FAST_COMPILE', onUnusedInput: 'ignore' });
    const h = 1e-5;
    const num = (dotOf((await gf(...built.args(shifted(h)))) as sym.NDArray[], ofWrt(v)) - dotOf((await gf(...built.args(shifted(-h)))) as sym.NDArray[], ofWrt(v))) / (2 * h);
    const got = dotOf(hv, ofWrt(w));
    const scale = Math.max(1, ...hv.flatMap((a) => Array.from(a.data, (x) => Math.abs(Number(x)))));
    if (!(Math.abs(got - num) <= 1e-5 * scale)) problems.push(where(`second order: (grad of grad . v) . w is ${got}, differences of the gradient ${num}`));
  } catch (e) {
    problems.push(where(`second order threw ${(e as Error).stack ?? e}`));
  }
}

/**
 * `jacobian` of output 0's last row with respect to the first input, and
 * `Rop` of every output along a direction of all the inputs, against
 * central differences of the reference's outputs.
 */
async function checkForward(p: ScanProgram, built: BuiltScan, reference: (p: ScanProgram) => ReferenceResult, problems: string[], where: (s: string) => string): Promise<void> {
  const rng = seededRandom(p.seed + 11);
  // numbers built into the graph move neither
  const v = p.values.map((a, k) => new sym.NDArray(Float64Array.from(a.data, () => (built.wrtIndex.includes(k) ? rng() * 2 - 1 : 0)), [...a.shape], 'float64'));
  const h = 1e-6;
  const shifted = (k: number | null, j: number, e: number) =>
    p.values.map((a, kk) => new sym.NDArray(Float64Array.from(a.data, (x, jj) => Number(x) + (k === null ? e * Number(v[kk]!.data[jj]) : kk === k && jj === j ? e : 0)), [...a.shape], 'float64'));
  const diff = (k: number | null, j: number) => {
    const plus = reference({ ...p, values: shifted(k, j, h) }).outputs;
    const minus = reference({ ...p, values: shifted(k, j, -h) }).outputs;
    return plus.map((rows, i) => {
      const a = flatRows(rows);
      const b = flatRows(minus[i]!);
      return a.map((x, n) => (x - b[n]!) / (2 * h));
    });
  };
  const near = (got: number, want: number, scale: number) => Math.abs(got - want) <= 1e-5 * Math.max(1, scale);
  try {
    const out = built.outputs[0]!;
    const row = T.flatten(out.get(-1));
    const J = (await sym.function(built.inputs, jacobian(row, built.wrt[0]!, { disconnectedInputs: 'ignore' }), { onUnusedInput: 'ignore' })(...built.args(p.values))) as sym.NDArray;
    const first = built.wrtIndex[0]!;
    const n = p.values[first]!.size;
    const rows = reference(p).outputs[0]!;
    const width = flatRows(rows.slice(-1)).length;
    const want: number[] = [];
    for (let j = 0; j < n; j++) {
      const d = diff(first, j)[0]!;
      want.push(...d.slice(d.length - width));
    }
    // want is [input element][row element]; J is [row element][input element]
    const scale = Math.max(...want.map(Math.abs));
    for (let i = 0; i < width; i++)
      for (let j = 0; j < n; j++) {
        const got = Number(J.data[i * n + j]);
        if (!near(got, want[j * width + i]!, scale)) {
          problems.push(where(`jacobian of o0[-1] element ${i} with respect to ${built.wrt[0]} element ${j} is ${got}, finite differences ${want[j * width + i]}`));
          i = width;
          break;
        }
      }
  } catch (e) {
    problems.push(where(`jacobian threw ${(e as Error).stack ?? e}`));
  }
  try {
    const jv = (await sym.function(built.inputs, Rop(built.outputs, built.wrt, built.wrtIndex.map((k) => T.constant(v[k]!)), { disconnectedInputs: 'ignore' }), { onUnusedInput: 'ignore' })(...built.args(p.values))) as sym.NDArray[];
    const want = diff(null, 0);
    jv.forEach((g, i) => {
      const w = want[i]!;
      const scale = Math.max(...w.map(Math.abs));
      const bad = w.findIndex((x, j) => !near(Number(g.data[j]), x, scale));
      if (g.size !== w.length) problems.push(where(`Rop of output ${i} has ${g.size} elements, the output ${w.length}`));
      else if (bad >= 0) problems.push(where(`Rop of output ${i} element ${bad} is ${Number(g.data[bad])}, finite differences ${w[bad]}`));
    });
  } catch (e) {
    problems.push(where(`Rop threw ${(e as Error).stack ?? e}`));
  }
}

/**
 * A training step, where the program has shared values: a function of the
 * cost with updates w <- w - 0.1 grad, called twice; the second call's cost
 * is the reference's at the moved values (moved by the differences'
 * gradient), so the updates went through and the program saw them.
 */
async function checkTrainingStep(p: ScanProgram, built: BuiltScan, gs: sym.TensorVariable[], numeric: number[][], reference: (p: ScanProgram) => ReferenceResult, problems: string[], where: (s: string) => string): Promise<void> {
  const shared = built.wrtIndex.flatMap((k, i) => (built.inputIndex.includes(k) ? [] : [i]));
  if (!shared.length) return;
  try {
    const updates = shared.map((i) => [built.wrt[i] as sym.TensorSharedVariable, T.sub(built.wrt[i]!, T.mul(gs[i]!, 0.1))] as [sym.TensorSharedVariable, sym.TensorVariable]);
    const f = sym.function(built.inputs, built.cost, { updates, onUnusedInput: 'ignore' });
    await f(...built.args(p.values));
    const second = Number(((await f(...built.args(p.values))) as sym.NDArray).data[0]);
    const moved = p.values.map((a, k) => {
      const i = built.wrtIndex.indexOf(k);
      if (!shared.includes(i)) return a;
      return new sym.NDArray(Float64Array.from(a.data, (x, j) => Number(x) - 0.1 * numeric[k]![j]!), [...a.shape], 'float64');
    });
    const want = reference({ ...p, values: moved }).cost;
    if (!(Math.abs(second - want) <= 1e-6 * Math.max(1, Math.abs(want)))) problems.push(where(`training step: the second call's cost is ${second}, the reference at the moved shared values ${want}`));
  } catch (e) {
    problems.push(where(`training step threw ${(e as Error).stack ?? e}`));
  }
}
