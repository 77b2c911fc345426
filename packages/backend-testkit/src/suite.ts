/**
 * `runConformance`: registers the whole suite as vitest `describe`/`it`
 * blocks for one backend. Cases are generated from tables; each `it` is one
 * case, named by op, dtype and shapes.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Backend, DType } from '@sym/graph';
import { DTYPES, getBackend, getOptimizer, registerBackend, resolveBackend } from '@sym/graph';
import { caseFits, runCase, type CaseContext, type CaseFunctionOptions, type CaseGroup, type OpCase } from './case.js';
import { COMPILE_CHECKS } from './compile.js';
import { caseRng } from './rng.js';
import { defaultTolerance, type Tolerance } from './tolerance.js';
import { buildCases } from './cases/index.js';
import { graphDTypes } from './reference.js';
import { irCases } from './ir/cases.js';
import { irCaseDTypes, runIrCase } from './ir/run.js';

/** What `skip` sees of a case. */
export interface CaseInfo {
  /** The case's group. */
  readonly group: CaseGroup;
  /** The case's name, as its test is titled. */
  readonly name: string;
  /** The op whose tolerance applies (scalar op, reducer, `dot`, `softmax`, `cast`, ...); `compile` checks have none. */
  readonly op?: string;
  /** The case's main input dtype; `compile` checks have none. */
  readonly dtype?: DType;
}

/** Options of {@link runConformance}: the backend, and which cases run and how. */
export interface ConformanceOptions {
  /**
   * The backend under test, or a function making it (called once, when
   * `runConformance` is called; a promise it returns is awaited before the
   * cases are generated). It need not be the instance registered under its
   * name: the suite registers it for its own tests.
   */
  readonly backend: Backend | (() => Backend | Promise<Backend>);
  /**
   * Title of the top-level describe block. Default: `conformance: <backend
   * name>` for an instance or a factory returning one; for an async factory,
   * `conformance`, with the cases in a block named by the backend inside it.
   */
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

/** Every case group, in the order the suite registers them (the default of `groups`). */
export const CASE_GROUPS: readonly CaseGroup[] = ['elemwise', 'special', 'ieee', 'promotion', 'reduce', 'dot', 'shape', 'softmax', 'cast', 'composite', 'indexing', 'scan', 'random', 'sort', 'nlinalg', 'ir', 'compile'];

/** The backend option now: an instance, or what the factory returned (a promise for an async factory, or one rejected with what it threw). */
function make(b: ConformanceOptions['backend']): Backend | Promise<Backend> {
  if (typeof b !== 'function') return b;
  let made: Backend | Promise<Backend>;
  try {
    made = b();
  } catch (e) {
    made = Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
  // awaited later, inside the describe block: until then a rejection is not unhandled
  if (made instanceof Promise) made.catch(() => undefined);
  return made;
}

/**
 * Run `f` with `backend` registered under its name, then put back what was
 * registered before. The suite compiles through `sym.function({ device:
 * name })`, which finds backends by name: an entry module that registered
 * its own instance must not be the one tested instead of `backend`.
 */
async function registeredWhile<T>(backend: Backend, f: () => Promise<T> | T): Promise<T> {
  const name = backend.describe().name;
  const previous = getBackend(name);
  registerBackend(backend);
  try {
    return await f();
  } finally {
    if (previous && previous !== backend) registerBackend(previous);
  }
}

/**
 * Register `backend` under its name for the tests of the current describe
 * block only (from its first test to its last), so that two suites in one
 * file, or a suite and the backend package's own instance, do not see each
 * other's backend.
 */
function registerForBlock(backend: Backend): void {
  const name = backend.describe().name;
  let previous: Backend | undefined;
  beforeAll(() => {
    previous = getBackend(name);
    registerBackend(backend);
  });
  afterAll(() => {
    if (previous && previous !== backend) registerBackend(previous);
  });
}

/** Fail loudly if the optimizer was removed: without it no backend meets fused kernels or in-place updates here. */
function requireOptimizer(): void {
  if (!getOptimizer()) {
    throw new Error(
      'runConformance: no optimizer is installed (setOptimizer(undefined) was called?); the suite installs @sym/opt so that every backend is tested on the fused kernels and in-place updates users\' functions get',
    );
  }
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
): {
  /** The cases the backend can run. */
  cases: OpCase[];
  /** The cases needing a dtype the backend does not hold. */
  unfit: OpCase[];
} {
  const have = new Set(dtypes);
  const all = buildCases(dtypes, groups, quick);
  return { cases: all.filter((c) => caseFits(c, have)), unfit: all.filter((c) => !caseFits(c, have)) };
}

/**
 * Register the conformance suite for a backend, inside the calling test
 * file. While its tests run, the backend is the one registered under its
 * name (whatever was registered there before comes back after them), and
 * every function compiles with `@sym/opt`, which the testkit installs.
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
  const made = make(options.backend);
  // an async factory's backend (and so its name) is known only inside the block: its cases go one level down, under the name
  const known = made instanceof Promise ? undefined : made;
  const title = options.name ?? (known ? `conformance: ${known.describe().name}` : 'conformance');
  describe(title, async () => {
    requireOptimizer();
    const backend = await made;
    // initialised now: some backends (WebGPU) know their dtypes only after init
    await registeredWhile(backend, () => resolveBackend(backend.describe().name));
    if (known || options.name !== undefined) registerCases(backend, options, groups);
    else describe(backend.describe().name, () => registerCases(backend, options, groups));
  });
}

/** The cases of `groups` and the compile checks as vitest tests, in the current describe block. */
function registerCases(backend: Backend, options: ConformanceOptions, groups: readonly CaseGroup[]): void {
  registerForBlock(backend);
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
  if (groups.includes('ir')) registerIrCases(backend, options, dtypes, tolerance);
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
}

/** The `ir` group: hand-built kernels straight through the backend, those needing dtypes it lacks skipped by name. */
function registerIrCases(backend: Backend, options: ConformanceOptions, dtypes: readonly DType[], tolerance: (op: string, d: DType) => Tolerance): void {
  describe('ir', () => {
    const optional = backend.describe().kernels ?? [];
    for (const c of irCases()) {
      const missing = [...irCaseDTypes(c)].filter((d) => !dtypes.includes(d));
      const skip =
        c.kernel.kind === 'scatterAdd' && !optional.includes('scatterAdd')
          ? 'the backend runs no scatter-add kernels'
          : missing.length
            ? `needs ${missing.join(', ')}, which the backend does not hold`
            : skipReason(options, { group: 'ir', name: c.name, dtype: c.kernel.out });
      if (skip) it.skip(`${c.name} (skipped: ${skip})`, () => undefined);
      else it(c.name, () => runIrCase(backend, c, tolerance));
    }
  });
}
