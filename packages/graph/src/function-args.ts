/**
 * The arguments of `sym.function` that are not graphs: inputs with default
 * values (Theano's `In`), and the pairs Theano writes as dicts (updates,
 * givens), given here as Maps or lists of pairs.
 */
import { describe as describeValue } from './ndarray.js';
import { TensorVariable } from './variable.js';
import { checkOptionNames } from './options.js';

/** A function input with a default value: Theano's `Param`/`In`. */
export class InputSpec {
  constructor(
    readonly variable: TensorVariable,
    readonly value: unknown,
    readonly hasDefault: boolean,
    readonly name: string | undefined,
  ) {}
}

/** `theano.In(b, value=...)`: an input with a default value. */
export function In(variable: TensorVariable, options: { value?: unknown; name?: string } = {}): InputSpec {
  if (!(variable instanceof TensorVariable)) throw new TypeError(`In: expected a symbolic variable, got ${typeof variable}`);
  checkOptionNames(options, 'In', ['value', 'name']);
  return new InputSpec(variable, options.value, 'value' in options, options.name ?? variable.name);
}

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

