/**
 * The arguments of `sym.function` that are not graphs: inputs with default
 * values (Theano's `In`), and the pairs Theano writes as dicts (updates,
 * givens), given here as Maps or lists of pairs.
 */
import { describe as describeValue } from '../core/ndarray.js';
import { asTensor, type TensorLike } from '../core/op.js';
import { TensorVariable } from '../core/variable.js';
import { checkOptionNames } from '../core/options.js';
import type { SparseVariable } from '../sparse/variable.js';

/** A function input with a default value: Theano's `Param`/`In`. */
export class InputSpec {
  constructor(
    /** The input variable. */
    readonly variable: TensorVariable,
    /** Its default value, as given (checked and copied when the function is made). */
    readonly value: unknown,
    /** Whether it has a default: a call may leave it out. */
    readonly hasDefault: boolean,
    /** Its name: the `name` option, else the variable's. A call gives its value by this name (`f({ name: value })`), and errors show it. */
    readonly name: string | undefined,
  ) {}
}

/**
 * `theano.In(b, value=..., name=...)`: an input with a default value, or
 * named for calls by name (`In(w, { name: 'w_by_name' })`, then
 * `f(x, { w_by_name: 1 })`).
 */
export function In(variable: TensorVariable, options: { value?: unknown; name?: string } = {}): InputSpec {
  if (!(variable instanceof TensorVariable)) throw new TypeError(`In: expected a symbolic variable, got ${typeof variable}`);
  checkOptionNames(options, 'In', ['value', 'name']);
  // value: undefined is no default, as Theano's In(b, value=None)
  return new InputSpec(variable, options.value, options.value !== undefined, options.name ?? variable.name);
}

/** An output of `sym.function`: a variable, or one with its borrow flag (`Out`). */
export type FunctionOutput = TensorVariable | OutputSpec;

/** A function output with Theano's `borrow` flag: `theano.Out`. */
export class OutputSpec {
  constructor(
    /** The output variable. */
    readonly variable: TensorVariable,
    /** Whether a call may return the function's own storage of this output (see `Out`). */
    readonly borrow: boolean,
  ) {}
}

/**
 * `theano.Out(variable, borrow=...)`: an output of `sym.function` (alone
 * or in its list of outputs) with a `borrow` flag. Without borrow (the
 * default) each call returns a fresh array. With `borrow: true` a
 * synchronous call (`f.sync`) on a backend whose buffers are host memory
 * (the CPU) returns the function's own storage of the output, without a
 * copy: the next call of the function overwrites it (an output that is a
 * shared variable is the function's copy of it: outputs get buffers of
 * their own, which the variable's updates and `setValue` leave alone), and
 * writing into it corrupts the function's state. Other
 * backends, and asynchronous calls, whose queued successors could
 * overwrite it before the caller reads it, return fresh arrays anyway.
 */
export function Out(variable: TensorVariable, options?: { borrow?: boolean }): OutputSpec;
/**
 * A sparse variable (Theano's Out accepts one): itself, the options checked.
 * borrow has no effect on it: a sparse output is assembled from its parts
 * into a new SparseMatrix every call.
 */
export function Out(variable: SparseVariable, options?: { borrow?: boolean }): SparseVariable;
export function Out(variable: TensorVariable | SparseVariable, options: { borrow?: boolean } = {}): OutputSpec | SparseVariable {
  if (isSparseVariable(variable)) {
    checkedBorrow(options);
    return variable;
  }
  if (!(variable instanceof TensorVariable)) {
    // from JavaScript, or through a cast: anything may come
    const v: unknown = variable;
    const got = v instanceof OutputSpec ? 'an Out already' : v === null ? 'null' : typeof v === 'object' ? `an object (${(v as object).constructor?.name ?? 'Object'})` : `${typeof v} ${String(v)}`;
    throw new TypeError(`Out: expected a symbolic variable, got ${got}`);
  }
  return new OutputSpec(variable, checkedBorrow(options));
}

/** Out's options: borrow alone, a boolean (false when not given). */
function checkedBorrow(options: { borrow?: boolean }): boolean {
  checkOptionNames(options, 'Out', ['borrow']);
  if (options.borrow !== undefined && typeof options.borrow !== 'boolean') throw new TypeError(`Out: borrow must be true or false, got ${String(options.borrow)}`);
  return options.borrow ?? false;
}

/** A sparse variable, known by its parts (sparse/ imports this module, so no instanceof here). */
function isSparseVariable(v: unknown): v is SparseVariable {
  if (v === null || typeof v !== 'object') return false;
  const s = v as Partial<Record<'format' | 'data' | 'majorIds', unknown>>;
  return (s.format === 'csr' || s.format === 'csc') && s.data instanceof TensorVariable && s.majorIds instanceof TensorVariable;
}

/** Theano's dicts (updates, givens): a `Map`, or a list of `[key, value]` pairs. */
export type Pairs<K, V> = ReadonlyMap<K, V> | Iterable<readonly [K, V]>;

/** Entries of a Map or a list of pairs; `what` names the option in errors (Theano's dicts are Maps or pair lists here). */
export function pairs<K, V>(p: Pairs<K, V> | undefined, what: string, example: string): [K, V][] {
  if (!p) return [];
  if (typeof (p as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`function: ${what} must be a Map or a list of ${example} pairs (Theano's dict), got ${describeValue(p)}`);
  }
  return [...(p as Iterable<readonly [K, V]>)].map((entry, i) => {
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw new TypeError(
        `function: ${what} entry ${i} must be a ${example} pair, got ${entry instanceof Object ? String(entry) : describeValue(entry)}; ` +
          `a single pair is written [[a, b]]`,
      );
    }
    return [entry[0] as K, entry[1] as V];
  });
}


/**
 * The `givens` of a function, checked: each key a variable that is not an
 * input (`inputs`), each replacement of its type. A replacement may
 * broadcast in more dimensions than its variable, not in fewer.
 */
export function givenPairs(givens: Pairs<TensorVariable, TensorLike> | undefined, inputs: ReadonlySet<TensorVariable>): [TensorVariable, TensorVariable][] {
  const keys = new Set<TensorVariable>();
  const checked = pairs(givens, 'givens', '[variable, replacement]').map(([v, e]): [TensorVariable, TensorVariable] => {
    if (!(v instanceof TensorVariable)) throw new TypeError('function: givens keys must be symbolic variables');
    if (keys.has(v)) throw new Error(`function: givens replaces ${v} twice; give it one replacement`);
    keys.add(v);
    if (inputs.has(v)) {
      throw new Error(`function: givens replaces ${v}, which is an input of the function; replacing an input has no effect (as in Theano, this is refused). Remove it from the inputs or from givens.`);
    }
    const r = asTensor(e, `givens for ${v}`);
    if (r.dtype !== v.dtype || r.ndim !== v.ndim) {
      // the tutorials' usual cause: a dataset shared as float64 given to a floatX=float32 minibatch
      const hint = r.ndim === v.ndim ? `; cast it with .astype('${v.dtype}')` : '';
      throw new TypeError(`function: givens replaces ${v} (${v.type}) with an expression of type ${r.type}${hint}`);
    }
    // the graph of v may rely on a length of 1 there (a dimshuffle dropping it): Theano refuses this too
    const bad = v.broadcastable.findIndex((b, d) => b && !r.broadcastable[d]);
    if (bad >= 0) {
      throw new TypeError(
        `function: givens replaces ${v} (${v.type}) with an expression of type ${r.type}, which does not broadcast in dimension ${bad}; T.addbroadcast(${r}, ${bad}) marks it, if its length is 1`,
      );
    }
    return [v, r];
  });
  // the pairs are substituted at once, not one into another's replacement (Theano refuses such chains too)
  for (const [v, r] of checked) {
    const other = readsOneOf(r, keys, v);
    if (other) {
      throw new Error(
        `function: givens replaces ${v} with an expression that reads ${other}, which givens also replaces; replacements are not rewritten by the other pairs: write the replacement of ${v} in terms of the inputs and shared variables`,
      );
    }
  }
  return checked;
}

/** A variable of `keys` other than `own` that `expr` is or depends on, if any. */
function readsOneOf(expr: TensorVariable, keys: ReadonlySet<TensorVariable>, own: TensorVariable): TensorVariable | undefined {
  const seen = new Set<TensorVariable>();
  const stack = [expr];
  while (stack.length) {
    const x = stack.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    if (x !== own && keys.has(x)) return x;
    if (x.owner) stack.push(...x.owner.inputs);
  }
  return undefined;
}
