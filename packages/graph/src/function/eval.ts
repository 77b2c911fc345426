/**
 * `x.eval(...)`: Theano's `Variable.eval`, a function of the graph's inputs
 * compiled once per set of inputs (and device and mode) and called.
 */
import { config } from '../core/config.js';
import { describe, type NDArray } from '../core/ndarray.js';
import { graphLeaves } from '../kernel/schedule.js';
import { nameInError } from '../core/error-names.js';
import { TensorSharedVariable } from '../core/shared.js';
import { TensorConstant, TensorVariable } from '../core/variable.js';
import { CompiledFunction } from './function.js';

/** Values by variable: a Map or a list of `[variable, value]` pairs (Theano's dict, as `givens` takes it), or by name. */
export type Givens = ReadonlyMap<TensorVariable, unknown> | readonly (readonly [TensorVariable, unknown])[] | Record<string, unknown>;

const evalCache = new WeakMap<TensorVariable, Map<string, CompiledFunction>>();

/** The variables `v` is computed from, `v` included, not looking past those in `stop`, and the leaves among them (constants and shared variables aside). */
function reach(v: TensorVariable, stop: ReadonlySet<unknown>): { all: Set<TensorVariable>; leaves: TensorVariable[] } {
  const all = new Set<TensorVariable>();
  const leaves: TensorVariable[] = [];
  const stack = [v];
  while (stack.length) {
    const x = stack.pop()!;
    if (all.has(x)) continue;
    all.add(x);
    if (stop.has(x)) continue;
    if (x.owner) stack.push(...x.owner.inputs);
    else if (!(x instanceof TensorConstant) && !(x instanceof TensorSharedVariable)) leaves.push(x);
  }
  return { all, leaves };
}

/**
 * A list of `[variable, value]` pairs as a Map; any other entry is refused
 * by position (read as an object, the list's indices were taken for names:
 * 'does not depend on a variable named "0"').
 */
function pairsMap(v: TensorVariable, inputs: readonly unknown[]): Map<TensorVariable, unknown> {
  return new Map(inputs.map((entry, i) => {
    if (!Array.isArray(entry) || entry.length !== 2 || !(entry[0] instanceof TensorVariable)) {
      const got = Array.isArray(entry) ? `an array of length ${entry.length}${entry.length > 0 && !(entry[0] instanceof TensorVariable) ? ' not starting with a variable' : ''}` : typeof entry;
      throw new TypeError(`eval of ${v}: entry ${i} of the list must be a [variable, value] pair, got ${got}; pass a Map, a list of [variable, value] pairs, or values by name`);
    }
    return [entry[0], entry[1]] as [TensorVariable, unknown];
  }));
}

function evalInputs(v: TensorVariable, given: Givens | undefined): [TensorVariable[], unknown[]] {
  const inputs = Array.isArray(given) ? pairsMap(v, given) : given;
  const leaves = graphLeaves([v]).filter((l) => !(l instanceof TensorConstant) && !(l instanceof TensorSharedVariable));
  const vars: TensorVariable[] = [];
  const vals: unknown[] = [];
  if (inputs instanceof Map) {
    // a key may be an intermediate variable: the graph is cut there, as Theano's eval (a function of those inputs) cuts it
    const { all } = reach(v, new Set());
    for (const [k, value] of inputs) {
      if (!all.has(k)) throw new Error(`eval: ${nameInError(v)} does not depend on ${k}; its inputs are [${leaves.join(', ')}]`);
      vars.push(k);
      vals.push(value);
    }
  } else if (inputs) {
    for (const [name, value] of Object.entries(inputs)) {
      const named = leaves.filter((l) => l.name === name);
      if (named.length === 0) {
        throw new Error(`eval: ${nameInError(v)} does not depend on a variable named ${JSON.stringify(name)}; its inputs are [${leaves.join(', ')}]`);
      }
      if (named.length > 1) {
        throw new Error(`eval: ${nameInError(v)} depends on ${named.length} different variables named ${JSON.stringify(name)}; pass a Map from variables to values instead`);
      }
      vars.push(named[0]!);
      vals.push(value);
    }
  }
  const needed = new Set(reach(v, new Set(vars)).leaves);
  const missing = leaves.filter((l) => needed.has(l) && !vars.includes(l));
  if (missing.length) {
    throw new Error(
      `eval: ${nameInError(v)} needs a value for ${missing.map((l) => `${l} (${l.type})`).join(', ')}; ` +
        `pass them by name (x.eval({ name: value })) or in a Map from variables to values`,
    );
  }
  // a function's call takes a last plain object as keywords (input names): never a tensor value, it is refused here by variable
  vals.forEach((value, i) => {
    if (value === null || typeof value !== 'object' || ![Object.prototype, null].includes(Object.getPrototypeOf(value))) return;
    throw new TypeError(`eval: the value of ${vars[i]} (${vars[i]!.type}) is ${describe(value)}; give a number, nested arrays, a typed array or an NDArray`);
  });
  return [vars, vals];
}

function evalFunction(v: TensorVariable, vars: TensorVariable[]): CompiledFunction {
  let m = evalCache.get(v);
  if (!m) evalCache.set(v, (m = new Map()));
  const key = `${vars.map((x) => x.id).join(',')}|${config.device}|${config.mode}`;
  let f = m.get(key);
  if (!f) m.set(key, (f = new CompiledFunction(vars, v)));
  return f;
}

declare module '../core/variable.js' {
  interface TensorVariable {
    /** Compute the value, given values for the inputs (by name, in a Map or in a list of [variable, value] pairs). Compiled once per set of inputs. */
    eval(inputs?: Givens): Promise<NDArray>;
    /** Synchronous eval, on backends that have synchronous calls. */
    evalSync(inputs?: Givens): NDArray;
  }
}

TensorVariable.prototype.eval = async function (this: TensorVariable, inputs?: Givens): Promise<NDArray> {
  const [vars, vals] = evalInputs(this, inputs);
  return (await evalFunction(this, vars).call(...vals)) as NDArray;
};
TensorVariable.prototype.evalSync = function (this: TensorVariable, inputs?: Givens): NDArray {
  const [vars, vals] = evalInputs(this, inputs);
  return evalFunction(this, vars).callSync(...vals) as NDArray;
};

