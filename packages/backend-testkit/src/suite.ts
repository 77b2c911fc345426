/**
 * `runConformance`: registers the whole suite as vitest `describe`/`it`
 * blocks for one backend. Cases are generated from tables; each `it` is one
 * case, named by op, dtype and shapes.
 */
import { describe, it } from 'vitest';
import type { Backend, DType } from '@sym/graph';
import { DTYPES, getBackend, registerBackend, resolveBackend } from '@sym/graph';
import { caseFits, runCase, type CaseContext, type CaseFunctionOptions, type CaseGroup, type OpCase } from './case.js';
import { COMPILE_CHECKS } from './compile.js';
import { caseRng } from './rng.js';
import { defaultTolerance, type Tolerance } from './tolerance.js';
import { buildCases } from './cases/index.js';
import { graphDTypes } from './reference.js';

/** What `skip` sees of a case. */
export interface CaseInfo {
  readonly group: CaseGroup;
  readonly name: string;
  /** The op whose tolerance applies (scalar op, reducer, `dot`, `softmax`, `cast`, ...); `compile` checks have none. */
  readonly op?: string;
  readonly dtype?: DType;
}

export interface ConformanceOptions {
  /** The backend under test, or a function making it (awaited once, before the cases are generated). */
  readonly backend: Backend | (() => Backend | Promise<Backend>);
  /** Title of the top-level describe block (default: `conformance: <backend name>`). */
  readonly name?: string;
  /** Restrict the dtypes tested (default: all of `backend.describe().dtypes`). */
  readonly dtypes?: readonly DType[];
  /** Per-op, per-dtype tolerance; return undefined to keep the default (`defaultTolerance`). */
  readonly tolerance?: (op: string, dtype: DType) => Tolerance | undefined;
  /**
   * Cases to leave out, with the reason: return a string (the reason) or
   * true. Skipped cases are registered as skipped tests, so they stay
   * visible in the report.
   */
  readonly skip?: (c: CaseInfo) => boolean | string;
  /** Only these groups (default: all). */
  readonly groups?: readonly CaseGroup[];
  /** Seed of the input generator (default 1234). A case's inputs depend only on the seed and its name. */
  readonly seed?: number;
  /** Require -0 where the reference has -0 (default true). */
  readonly signedZeros?: boolean;
  /**
   * Compile options for every function of the op cases, e.g. `{ mode: 'FAST_COMPILE' }` or
   * `{ optimizer: { excluding: ['fusion'] } }` to test unfused kernels too.
   */
  readonly functionOptions?: CaseFunctionOptions;
  /**
   * A smaller suite for slow devices: elementwise ops and reductions only in
   * their layouts with broadcasting and transposed operands (about half the
   * cases; every op, dtype, special value and compile check stays).
   */
  readonly quick?: boolean;
}

export const CASE_GROUPS: readonly CaseGroup[] = ['elemwise', 'special', 'promotion', 'reduce', 'dot', 'shape', 'softmax', 'cast', 'composite', 'indexing', 'compile'];

async function obtain(b: ConformanceOptions['backend']): Promise<Backend> {
  const backend = typeof b === 'function' ? await b() : b;
  const name = backend.describe().name;
  const registered = getBackend(name);
  if (registered && registered !== backend) {
    throw new Error(`runConformance: another backend is registered as "${name}"; the suite compiles through sym.function({ device: "${name}" }) and would test that one`);
  }
  if (!registered) registerBackend(backend);
  await resolveBackend(name);
  return backend;
}

function testedDTypes(backend: Backend, only: readonly DType[] | undefined): DType[] {
  const have = backend.describe().dtypes;
  for (const d of only ?? []) {
    if (!DTYPES.includes(d)) throw new Error(`runConformance: dtypes: unknown dtype ${JSON.stringify(d)}; expected some of ${DTYPES.join(', ')}`);
    if (!have.includes(d)) throw new Error(`runConformance: dtypes: the backend does not support ${d} (it supports ${have.join(', ')})`);
  }
  return DTYPES.filter((d) => have.includes(d) && (!only || only.includes(d)));
}

function skipReason(options: ConformanceOptions, c: CaseInfo): string | undefined {
  const r = options.skip?.(c);
  if (r === undefined || r === false) return undefined;
  return r === true ? 'skipped by the options' : r;
}

function missingDTypes(c: OpCase, have: readonly DType[]): DType[] {
  return [...graphDTypes(c.graph.outputs)].filter((d) => !have.includes(d));
}

/** The float dtype compile checks run in: float64 when the backend has it. */
function compileDType(dtypes: readonly DType[]): DType | undefined {
  return dtypes.includes('float64') ? 'float64' : dtypes.includes('float32') ? 'float32' : undefined;
}

/** All cases for a backend holding `dtypes`, and those left out because the backend cannot hold a dtype a case needs. */
export function conformanceCases(
  dtypes: readonly DType[],
  groups: readonly CaseGroup[] = CASE_GROUPS,
  quick = false,
): { cases: OpCase[]; unfit: OpCase[] } {
  const have = new Set(dtypes);
  const all = buildCases(dtypes, groups, quick);
  return { cases: all.filter((c) => caseFits(c, have)), unfit: all.filter((c) => !caseFits(c, have)) };
}

/**
 * Register the conformance suite for a backend, inside the calling test
 * file. The backend is registered under its name if it is not already.
 *
 * ```ts
 * import { runConformance } from '@sym/backend-testkit';
 * import { MyBackend } from '../src/index.js';
 * runConformance({ backend: () => new MyBackend() });
 * ```
 */
export function runConformance(options: ConformanceOptions): void {
  const groups = options.groups ?? CASE_GROUPS;
  for (const g of groups) {
    if (!CASE_GROUPS.includes(g)) throw new Error(`runConformance: groups: unknown group ${JSON.stringify(g)}; expected some of ${CASE_GROUPS.join(', ')}`);
  }
  const title = options.name ?? (typeof options.backend === 'function' ? 'conformance' : `conformance: ${options.backend.describe().name}`);
  describe(title, async () => {
    const backend = await obtain(options.backend);
    const dtypes = testedDTypes(backend, options.dtypes);
    const seed = options.seed ?? 1234;
    const tolerance = (op: string, d: DType): Tolerance => options.tolerance?.(op, d) ?? defaultTolerance(op, d);
    const ctx: CaseContext = {
      device: backend.describe().name,
      seed,
      tolerance,
      signedZeros: options.signedZeros ?? true,
      functionOptions: options.functionOptions,
    };
    const { cases, unfit } = conformanceCases(dtypes, groups, options.quick ?? false);
    const byGroup = new Map<CaseGroup, { c: OpCase; skip: string | undefined }[]>();
    const add = (c: OpCase, skip: string | undefined): void => {
      let list = byGroup.get(c.group);
      if (!list) byGroup.set(c.group, (list = []));
      list.push({ c, skip });
    };
    for (const c of cases) add(c, skipReason(options, c));
    // cases the backend cannot hold stay visible, as skipped, with the dtypes they need
    for (const c of unfit) add(c, `needs ${missingDTypes(c, dtypes).join(', ')}, which the backend does not hold`);
    for (const [group, list] of byGroup) {
      describe(group, () => {
        for (const { c, skip } of list) {
          // skipped cases stay visible in the report, with the reason
          if (skip) it.skip(`${c.name} (skipped: ${skip})`, () => undefined);
          else it(c.name, () => runCase(c, ctx));
        }
      });
    }
    const fd = compileDType(dtypes);
    if (groups.includes('compile') && fd) {
      describe('compile', () => {
        for (const k of COMPILE_CHECKS) {
          if (k.applies && !k.applies(backend)) continue;
          const skip = skipReason(options, { group: 'compile', name: k.name, dtype: fd });
          if (skip) it.skip(`${k.name} (skipped: ${skip})`, () => undefined);
          else it(k.name, () => k.run({ device: ctx.device, backend, dtype: fd, rng: caseRng(seed, k.name), tolerance }));
        }
      });
    }
  });
}
