/**
 * The arguments of a call `f(...)` of a compiled function: values in the
 * inputs' order, then, as the last argument, an optional plain object of
 * input names (Theano's keyword arguments: `f(1, b=2)` is `f(1, { b: 2 })`).
 * A plain object is never a tensor value, so a last one is always keywords.
 * Each value is checked against its input's type and converted to an
 * NDArray; an input given neither way (or given `undefined`) takes its
 * default.
 */
import { convertValue, fitsType } from '../core/convert.js';
import { nameInError } from '../core/error-names.js';
import type { InputSpec } from './function-args.js';
import { NDArray } from '../core/ndarray.js';

/** Whether `v` is a plain object (`{ ... }` or `Object.create(null)`): the keywords of a call when it comes last. */
export function isPlainObject(v: unknown): v is Readonly<Record<string, unknown>> {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * The values of a call's inputs, in the inputs' order; `name` is the
 * function's, for errors. `copy`: an NDArray the caller gave that is used
 * as it is comes back copied (an asynchronous call runs later, and the
 * caller may refill it meanwhile).
 */
export function convertArgs(args: readonly unknown[], inputs: readonly InputSpec[], name: string | undefined, allowDowncast: boolean, copy = false): NDArray[] {
  const fname = name ? `function ${name}` : 'function';
  // undefined after the keywords leaves nothing out that they do not (a wrapper forwarding f(kw, opt) with opt unset)
  let last = args.length - 1;
  while (last >= 0 && args[last] === undefined) last--;
  const keywords = last >= 0 && isPlainObject(args[last]) ? (args[last] as Readonly<Record<string, unknown>>) : undefined;
  const positional = keywords ? last : args.length;
  if (positional > inputs.length) {
    throw new TypeError(`${fname}: expected at most ${inputs.length} ${keywords ? 'positional ' : ''}${inputs.length === 1 ? 'argument' : 'arguments'}${keywords ? ' before the keywords' : ''}, got ${positional}`);
  }
  const given = keywords ? withKeywords(args.slice(0, positional), keywords, inputs, fname) : args;
  return inputs.map((spec, i) => {
    const v = given[i];
    // the common case (an NDArray of the input's type) needs no conversion and no label
    if (v instanceof NDArray && fitsType(v, spec.variable.type)) return copy ? v.copy() : v;
    const label = `${fname}: argument ${i} (${spec.name ?? nameInError(spec.variable)})`;
    if (v === undefined) {
      if (!spec.hasDefault) throw new TypeError(`${label}: missing, and it has no default value`);
      // a default is the function's own copy, converted when the function was made: never written to
      return convertValue(spec.value, spec.variable.type, label, { allowDowncast });
    }
    const misplaced = isPlainObject(v) ? misplacedKeywordsError(v, label, inputs, name) : undefined;
    if (misplaced) throw misplaced;
    if (v instanceof Map) {
      throw new TypeError(`${label}: got a Map; values by input name come in a plain object, last (Theano's keyword arguments): ${name ?? 'f'}(..., { ${spec.name ?? inputs.find((s) => s.name !== undefined)?.name ?? 'name'}: ... })`);
    }
    const value = convertValue(v, spec.variable.type, label, { allowDowncast });
    return copy && value === v ? value.copy() : value;
  });
}

/** The positional values with the keywords' values put in their inputs' places. */
function withKeywords(positional: readonly unknown[], keywords: Readonly<Record<string, unknown>>, inputs: readonly InputSpec[], fname: string): unknown[] {
  const given = inputs.map((_, i) => positional[i]);
  for (const [key, value] of Object.entries(keywords)) {
    const at = inputs.flatMap((s, i) => (s.name === key ? [i] : []));
    if (at.length === 0) throw new TypeError(unknownNameMessage(key, inputs, fname));
    if (at.length > 1) {
      throw new TypeError(
        `${fname}: the keyword ${key} is ambiguous: inputs ${at.join(' and ')} are all named ${key}. ` +
          `Pass them positionally, or give them distinct names with sym.In(variable, { name })`,
      );
    }
    const i = at[0]!;
    // undefined leaves the input out, as a positional undefined does
    if (value === undefined) continue;
    if (given[i] !== undefined) throw new TypeError(`${fname}: input ${i} (${key}) is given twice: as argument ${i} and as the keyword ${key}`);
    given[i] = value;
  }
  return given;
}

/** Theano's "Unknown input": the inputs' names, the unnamed ones reached by position only, and the name most likely meant. */
function unknownNameMessage(key: string, inputs: readonly InputSpec[], fname: string): string {
  const named = inputs.flatMap((s) => (s.name === undefined ? [] : [s.name]));
  const unnamed = inputs.flatMap((s, i) => (s.name === undefined ? [i] : []));
  const known =
    inputs.length === 0
      ? 'it has no inputs'
      : `its inputs' names are ${named.length ? named.join(', ') : '(none)'}` +
        (unnamed.length ? `; input${unnamed.length > 1 ? 's' : ''} ${unnamed.join(', ')} ${unnamed.length > 1 ? 'have' : 'has'} no name and ${unnamed.length > 1 ? 'are' : 'is'} given by position only` : '');
  return `${fname}: no input is named ${key}; ${known}${nameHint(key, inputs)}`;
}

/** A hint for a keyword that names no input: the variable an `In` renamed, or a name a typo or two away. */
function nameHint(key: string, inputs: readonly InputSpec[]): string {
  const renamed = inputs.findIndex((s) => s.variable.name === key && s.name !== undefined);
  if (renamed >= 0) return ` (${key} is the variable of input ${renamed}, which sym.In named ${inputs[renamed]!.name}: use that name)`;
  const fold = (s: string) => s.toLowerCase().replace(/_/g, '');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const s of inputs) {
    if (s.name === undefined) continue;
    const d = fold(s.name) === fold(key) ? 0 : editDistance(s.name, key);
    if (d < bestDistance) [best, bestDistance] = [s.name, d];
  }
  // a distance of 2 in a short name is another name, not a typo
  return best !== undefined && bestDistance <= Math.min(2, Math.floor(key.length / 3)) ? ` (did you mean ${best}?)` : '';
}

/** Edits from `a` to `b`: insertions, deletions, substitutions and swaps of neighbours (stpe for step), each one (names are short: the full table is cheap). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** An object of input names before the last argument: keywords in the wrong place (any other object is refused as a value). */
function misplacedKeywordsError(v: Readonly<Record<string, unknown>>, label: string, inputs: readonly InputSpec[], name: string | undefined): TypeError | undefined {
  const keys = Object.keys(v);
  const names = inputs.map((s) => s.name);
  if (keys.length === 0 || !keys.every((k) => names.includes(k))) return undefined;
  return new TypeError(
    `${label}: got an object of input names (${keys.join(', ')}) before the last argument; keyword arguments come last, as in Theano: ${name ?? 'f'}(..., { ${keys.map((k) => `${k}: ...`).join(', ')} })`,
  );
}
