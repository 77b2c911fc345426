/**
 * Configuration, read like Theano's: a `.symrc` (INI, `[global]` section) in
 * the working directory or the home directory, then `SYM_FLAGS` in the
 * environment, then assignments to `config` at run time; later ones win.
 */
import type { FloatDType } from './dtype.js';
import { DEFAULTS, FLAG_NAMES, IGNORED_THEANO_FLAGS, MODES, REFUSED_THEANO_FLAGS, PROFILE_MODE_HINT, checkFlag, editDistance, unknownFlagMessage, type ConfigValues, type Mode } from './config-flags.js';

export { MODES } from './config-flags.js';
export type { ConfigValues, Mode } from './config-flags.js';

/**
 * The error for a mode sym does not know. Theano's tutorials pass
 * `theano.Mode(linker='vm')` objects; sym has one linker (the backend runs
 * a program of kernels), so such an object is refused by what it holds,
 * pointing at the mode by name that matches its optimizer.
 */
export function unknownModeMessage(mode: unknown): string {
  const named = `function: mode must be one of ${MODES.join(', ')}`;
  // Theano's ProfileMode is FAST_RUN timing each op: sym's profile option
  if (mode === 'ProfileMode') return `${named}; got "ProfileMode"${PROFILE_MODE_HINT}`;
  if (typeof mode !== 'object' || mode === null || !('linker' in mode || 'optimizer' in mode)) return `${named}; got ${JSON.stringify(mode)}`;
  const { linker, optimizer } = mode as { linker?: unknown; optimizer?: unknown };
  const fastCompile = optimizer === 'fast_compile' || optimizer === 'None' || optimizer === null;
  return (
    `${named}; got ${JSON.stringify(mode)}, a Theano Mode(linker=${JSON.stringify(linker ?? 'default')}, optimizer=${JSON.stringify(optimizer ?? 'default')}) object. ` +
    `sym has no choice of linker (the backend runs one program of kernels): pass the mode by name, here '${fastCompile ? 'FAST_COMPILE' : 'FAST_RUN'}'` +
    `${fastCompile ? '' : ' (the default: mode can be left out)'}` +
    `${optimizer === 'None' || optimizer === null ? "; Theano's optimizer=None, no rewrite at all, is optimizer: { excluding: ['fast_run'] }" : ''}`
  );
}

/** Parse `device=cpu,floatX=float32` into flags, rejecting unknown names or values. */
export function parseFlags(text: string, source = 'SYM_FLAGS'): Partial<ConfigValues> {
  const out: Partial<ConfigValues> = {};
  for (const part of text.split(',')) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    if (eq < 0) throw new Error(`${source}: expected name=value, got ${JSON.stringify(item)}`);
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (isFlag(key, source, value)) (out as Record<string, unknown>)[key] = checkFlag(key, value, source);
  }
  return out;
}

/**
 * Whether `key` is one of sym's flags. One of Theano's that changes nothing
 * sym computes is not, and is skipped with a warning (once); any other name
 * is an error that says why (Theano's) or lists the valid ones. Theano's
 * `optimizer=fast_run`, common in a copied .theanorc, is sym's default and
 * is skipped without a word; its other values are refused.
 */
export function isFlag(key: string, source: string, value?: string): key is keyof ConfigValues {
  if (Object.hasOwn(DEFAULTS, key)) return true;
  if (key === 'optimizer' && value === 'fast_run') return false;
  const why = IGNORED_THEANO_FLAGS.get(key);
  if (why === undefined) throw new Error(unknownFlagMessage(key, source));
  if (!warned.has(key)) {
    warned.add(key);
    (globalThis as { console?: { warn(message: string): void } }).console?.warn(`${source}: ignoring Theano's flag ${key}: ${why}`);
  }
  return false;
}
const warned = new Set<string>();

/** Parse a `.symrc` INI file: `[global]` keys are flags. */
export function parseRc(text: string, source = '.symrc'): Partial<ConfigValues> {
  const out: Partial<ConfigValues> = {};
  let section = 'global';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (!line) continue;
    const m = /^\[(.+)\]$/.exec(line);
    if (m) {
      section = m[1]!.trim();
      if (section !== 'global' && meansGlobal(section)) {
        throw new Error(`${source}: section [${section}]: did you mean [global]? sym reads its flags from [global] (and keys before any section); other sections, such as Theano's [nvcc], are skipped`);
      }
      continue;
    }
    const eq = line.indexOf('=');
    if (section !== 'global') {
      // Theano's other sections ([nvcc], [blas], [lib]) are skipped, but not a flag there that sym refuses ([nvcc] fastmath)
      const key = `${section}.${line.slice(0, eq < 0 ? undefined : eq).trim()}`;
      if (REFUSED_THEANO_FLAGS.has(key)) isFlag(key, source);
      continue;
    }
    if (eq < 0) throw new Error(`${source}: expected name = value, got ${JSON.stringify(line)}`);
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (isFlag(key, source, value)) (out as Record<string, unknown>)[key] = checkFlag(key, value, source);
  }
  return out;
}

/** Whether a section name is [global] misspelt ([Global], [gobal], [globals]): its flags would be skipped without a word. */
function meansGlobal(section: string): boolean {
  // within 2 of 'global' is a typo, not another section
  return editDistance(section.toLowerCase(), 'global') <= 2;
}

interface NodeLike {
  env: Record<string, string | undefined>;
  cwd(): string;
  getBuiltinModule?(id: string): unknown;
}

function nodeProcess(): NodeLike | undefined {
  const p = (globalThis as { process?: NodeLike }).process;
  return p && typeof p.cwd === 'function' ? p : undefined;
}

function readRcFiles(): Partial<ConfigValues> {
  const proc = nodeProcess();
  const fs = proc?.getBuiltinModule?.('node:fs') as
    | { existsSync(p: string): boolean; readFileSync(p: string, e: string): string }
    | undefined;
  if (!proc || !fs) return {};
  const home = proc.env.HOME ?? proc.env.USERPROFILE;
  const candidates = [`${proc.cwd()}/.symrc`, ...(home ? [`${home}/.symrc`] : [])];
  for (const path of candidates) {
    if (fs.existsSync(path)) return parseRc(fs.readFileSync(path, 'utf8'), path);
  }
  return {};
}

/** Where each value came from, for error messages and `describe()`. */
function load(): ConfigValues {
  const proc = nodeProcess();
  const fromRc = readRcFiles();
  const fromEnv = proc?.env.SYM_FLAGS ? parseFlags(proc.env.SYM_FLAGS) : {};
  return { ...DEFAULTS, ...fromRc, ...fromEnv };
}

/** The class of {@link config}: the flags, checked when set. */
export class Config implements ConfigValues {
  #values: ConfigValues = load();

  get floatX(): FloatDType {
    return this.#values.floatX;
  }
  set floatX(v: FloatDType) {
    this.#values.floatX = checkFlag('floatX', v, 'config.floatX');
  }
  get device(): string {
    return this.#values.device;
  }
  set device(v: string) {
    this.#values.device = checkFlag('device', v, 'config.device');
  }
  get mode(): Mode {
    return this.#values.mode;
  }
  set mode(v: Mode) {
    this.#values.mode = checkFlag('mode', v, 'config.mode');
  }
  get profile(): boolean {
    return this.#values.profile;
  }
  set profile(v: boolean) {
    // an assignment in code takes a boolean: the words are for flags read from text
    if (typeof v !== 'boolean') throw new Error(`config.profile: must be true or false; got ${JSON.stringify(v)}`);
    this.#values.profile = v;
  }
  get optimizer_excluding(): string {
    return this.#values.optimizer_excluding;
  }
  set optimizer_excluding(v: string) {
    this.#values.optimizer_excluding = checkFlag('optimizer_excluding', v, 'config.optimizer_excluding');
  }
  get optimizer_including(): string {
    return this.#values.optimizer_including;
  }
  set optimizer_including(v: string) {
    this.#values.optimizer_including = checkFlag('optimizer_including', v, 'config.optimizer_including');
  }
  get optimizer_requiring(): string {
    return this.#values.optimizer_requiring;
  }
  set optimizer_requiring(v: string) {
    this.#values.optimizer_requiring = checkFlag('optimizer_requiring', v, 'config.optimizer_requiring');
  }
  get warn_float64(): ConfigValues['warn_float64'] {
    return this.#values.warn_float64;
  }
  set warn_float64(v: ConfigValues['warn_float64']) {
    this.#values.warn_float64 = checkFlag('warn_float64', v, 'config.warn_float64');
  }
  get on_unused_input(): ConfigValues['on_unused_input'] {
    return this.#values.on_unused_input;
  }
  set on_unused_input(v: ConfigValues['on_unused_input']) {
    this.#values.on_unused_input = checkFlag('on_unused_input', v, 'config.on_unused_input');
  }
  /** Re-read SYM_FLAGS and .symrc (tests use this). */
  reload(): void {
    this.#values = load();
  }
  /** Set several flags at once, from an object or a `SYM_FLAGS`-style string. */
  set(values: Partial<ConfigValues> | string): void {
    this.#assign(this.#checked(values, 'config.set'));
  }
  /**
   * Theano's `config.change_flags`: set `values` (as {@link set} does), run
   * `fn`, and put those flags back as they were when it returns or throws;
   * for a promise, when it settles. Returns what `fn` returns. Functions
   * created inside keep the flags they were created with (mode, device,
   * optimizer_*).
   */
  changeFlags<T>(values: Partial<ConfigValues> | string, fn: () => T): T {
    if (typeof fn !== 'function') throw new TypeError(`config.changeFlags: expected a function to run with the flags changed, got ${typeof fn}`);
    const changed = this.#checked(values, 'config.changeFlags');
    const before = Object.fromEntries(changed.map(([k]) => [k, this.#values[k]] as const));
    const restore = (): void => this.#assign(Object.entries(before) as [keyof ConfigValues, unknown][]);
    this.#assign(changed);
    let result: T;
    try {
      result = fn();
    } catch (e) {
      restore();
      throw e;
    }
    if (result instanceof Promise) return result.finally(restore) as T;
    restore();
    return result;
  }
  /** Every value checked before any is assigned: a bad flag changes nothing. */
  #checked(values: Partial<ConfigValues> | string, source: string): [keyof ConfigValues, unknown][] {
    if (typeof values !== 'string' && (typeof values !== 'object' || values === null)) {
      throw new TypeError(`${source}: expected an object of flags or a string such as "device=cpu,floatX=float32", got ${values === null ? 'null' : typeof values}`);
    }
    const parsed = typeof values === 'string' ? parseFlags(values, source) : values;
    return Object.entries(parsed).flatMap(([k, v]) => (isFlag(k, source) ? [[k, checkFlag(k, v, source)] as [keyof ConfigValues, unknown]] : []));
  }
  #assign(entries: readonly [keyof ConfigValues, unknown][]): void {
    for (const [k, v] of entries) (this.#values as unknown as Record<string, unknown>)[k] = v;
  }
  /** The flags as a plain object (a copy). */
  toJSON(): ConfigValues {
    return { ...this.#values };
  }
  /** Every flag and its value, one a line (what printing Theano's `theano.config` shows): `floatX = float64`. */
  toString(): string {
    return FLAG_NAMES.map((k) => `${k} = ${String(this.#values[k])}`).join('\n');
  }
  /** console.log(config) in Node shows the flags, not an empty `Config {}` (the values are private). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `config:\n${this.toString().replace(/^/gm, '  ')}`;
  }
}

/**
 * The configuration. A misspelt flag (`config.floatx = ...`) throws instead
 * of adding a property that nothing reads.
 */
export const config = new Proxy(new Config(), {
  set(target, key, value) {
    // the flags only: not a misspelling, nor a method, nor a name every object inherits (__proto__ replaced the prototype)
    if (typeof key !== 'string') throw new Error(`config: unknown flag ${JSON.stringify(String(key))}; valid flags are ${FLAG_NAMES.join(', ')}`);
    if (!isFlag(key, 'config')) return true;
    return Reflect.set(target, key, value, target);
  },
  get(target, key) {
    const v = Reflect.get(target, key, target);
    return typeof v === 'function' ? v.bind(target) : v;
  },
  defineProperty(_target, key) {
    throw new Error(unknownFlagMessage(String(key), 'config'));
  },
});
