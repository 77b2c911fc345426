/**
 * Options objects: sym spells Theano's keyword arguments as options in
 * camelCase. A name the callee does not know is refused, since a misspelt
 * or snake_case name (`no_default_updates`, `borow`) would otherwise be
 * ignored without a word.
 */

/** Throw a TypeError naming `what`, the unknown option, its camelCase spelling when that is known, and the known names. */
export function checkOptionNames(options: unknown, what: string, known: readonly string[]): void {
  // a Map or a list (of pairs, where updates were meant) has no own keys to refuse: it would be ignored without a word
  const iterable = options !== null && typeof options === 'object' && typeof (options as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
  if (options === null || typeof options !== 'object' || iterable) {
    const got = Array.isArray(options) ? 'an array' : options === null ? 'null' : iterable ? `a ${(options as object).constructor?.name || 'iterable'}` : typeof options;
    const hint = iterable && known.includes('updates') ? '; updates and givens go in it by name: { updates: ... }' : '';
    throw new TypeError(`${what}: options must be an object (${known.join(', ')}), got ${got}${hint}`);
  }
  for (const k of Object.keys(options)) {
    if (known.includes(k)) continue;
    const camel = k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const hint = camel !== k && known.includes(camel) ? ` (did you mean ${camel}? sym spells Theano's keywords in camelCase)` : '';
    throw new TypeError(`${what}: unknown option ${JSON.stringify(k)}${hint}; the options are ${known.join(', ')}`);
  }
}
