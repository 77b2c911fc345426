/**
 * `x.eval(...)` of a sparse variable (Theano's `Variable.eval`): a function
 * of the given inputs (sparse or dense, in a Map, a list of [variable,
 * value] pairs, or by name) compiled once per set of inputs, device and
 * mode, and called; the value a SparseMatrix.
 */
import { config } from '../core/config.js';
import { TensorConstant, TensorVariable } from '../core/variable.js';
import { TensorSharedVariable } from '../core/shared.js';
import { compileFunction, type SymFunction } from '../function/function.js';
import { graphLeaves } from '../kernel/schedule.js';
import type { SparseMatrix } from './matrix.js';
import { SPARSE_PARTS as PARTS, sparseInputOf, SparseVariable } from './variable.js';

/** Values by variable, sparse or dense: a Map, a list of `[variable, value]` pairs, or by name (a sparse input by its own name). */
export type SparseGivens = ReadonlyMap<TensorVariable | SparseVariable, unknown> | readonly (readonly [TensorVariable | SparseVariable, unknown])[] | Readonly<Record<string, unknown>>;

interface Compiled {
  readonly vars: readonly (TensorVariable | SparseVariable)[];
  readonly key: string;
  readonly f: SymFunction<unknown>;
}

const cache = new WeakMap<SparseVariable, Compiled[]>();

/** The leaves x's graph reaches (constants and shared variables aside), a sparse input's parts as the input. */
function inputsOf(x: SparseVariable): (TensorVariable | SparseVariable)[] {
  const leaves = graphLeaves(PARTS.map((p) => x[p])).filter((l) => !(l instanceof TensorConstant) && !(l instanceof TensorSharedVariable));
  return [...new Set(leaves.map((l) => sparseInputOf(l) ?? l))];
}

/** Values by name as [variable, value] pairs: each name must be one input's (a sparse input's own name, not its parts'). */
function byName(x: SparseVariable, given: Readonly<Record<string, unknown>>): (readonly [TensorVariable | SparseVariable, unknown])[] {
  const inputs = inputsOf(x);
  return Object.entries(given).map(([name, value]) => {
    const named = inputs.filter((v) => v.name === name);
    if (named.length === 0) throw new Error(`eval: ${x} does not depend on a variable named ${JSON.stringify(name)}; its inputs are [${inputs.map(String).join(', ')}]`);
    if (named.length > 1) throw new Error(`eval: ${x} depends on ${named.length} different variables named ${JSON.stringify(name)}; pass a Map from variables to values instead`);
    // a function's call takes a last plain object as keywords: never a value, refused here by name
    if (value !== null && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
      throw new TypeError(`eval: the value of ${name} is a plain object; give a SparseMatrix for a sparse input, a number, nested arrays, a typed array or an NDArray for a dense one`);
    }
    return [named[0]!, value] as const;
  });
}

function entriesOf(x: SparseVariable, given: SparseGivens | undefined): (readonly [TensorVariable | SparseVariable, unknown])[] {
  if (given === undefined) return [];
  if (given !== null && typeof given === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(given))) return byName(x, given as Readonly<Record<string, unknown>>);
  const list = given instanceof Map ? [...given] : Array.isArray(given) ? given : null;
  if (!list) throw new TypeError(`eval of ${x}: a sparse variable's eval takes its inputs' values in a Map, a list of [variable, value] pairs or an object by name, got ${given === null ? 'null' : typeof given}`);
  return list.map((entry, i) => {
    if (!Array.isArray(entry) || entry.length !== 2 || !(entry[0] instanceof TensorVariable || entry[0] instanceof SparseVariable)) {
      throw new TypeError(`eval of ${x}: entry ${i} must be a [variable, value] pair, got ${Array.isArray(entry) ? `an array of length ${entry.length}` : typeof entry}`);
    }
    return entry as unknown as readonly [TensorVariable | SparseVariable, unknown];
  });
}

function functionOf(x: SparseVariable, vars: readonly (TensorVariable | SparseVariable)[]): SymFunction<unknown> {
  const key = `${config.device}|${config.mode}`;
  const known = cache.get(x) ?? [];
  const hit = known.find((c) => c.key === key && c.vars.length === vars.length && c.vars.every((v, i) => v === vars[i]));
  if (hit) return hit.f;
  // the leaves x needs that no given variable (or part of one) provides: named here, before a function is made
  const provided = new Set(vars.flatMap((v) => (v instanceof SparseVariable ? PARTS.map((p) => v[p]) : [v])));
  const missing = graphLeaves(PARTS.slice(0, 5).map((p) => x[p])).filter((l) => !(l instanceof TensorConstant) && !(l instanceof TensorSharedVariable) && !provided.has(l));
  if (missing.length) {
    // a sparse input's parts are named after it (X.data, X.indices, ...): named once, as the input the user made
    const names = new Set(missing.map((l) => {
      const sparseInput = /^(.*)\.(data|indices|indptr|nRows|nCols|rowIds|colIds)$/.exec(l.name ?? '');
      return sparseInput ? `${sparseInput[1]} (a sparse input)` : `${l} (${l.type})`;
    }));
    throw new Error(`eval: ${x} needs a value for ${[...names].join(', ')}; pass the inputs' values by name (x.eval({ name: value })) or in a Map from variables (a sparse input as itself) to values`);
  }
  const f = compileFunction(vars as never, x, { onUnusedInput: 'ignore' }) as unknown as SymFunction<unknown>;
  cache.set(x, [...known, { vars: [...vars], key, f }]);
  return f;
}

/** Theano's `x.eval(inputs)` of a sparse variable. */
export async function evalSparse(x: SparseVariable, given?: SparseGivens): Promise<SparseMatrix> {
  const entries = entriesOf(x, given);
  return (await functionOf(x, entries.map(([v]) => v))(...entries.map(([, value]) => value))) as SparseMatrix;
}

/** Synchronous `x.eval`, on backends that have synchronous calls. */
export function evalSparseSync(x: SparseVariable, given?: SparseGivens): SparseMatrix {
  const entries = entriesOf(x, given);
  return functionOf(x, entries.map(([v]) => v)).sync(...entries.map(([, value]) => value)) as SparseMatrix;
}
