/**
 * Configuration, read like Theano's: a `.symrc` (INI, `[global]` section) in
 * the working directory or the home directory, then `SYM_FLAGS` in the
 * environment, then assignments to `config` at run time; later ones win.
 */
import type { FloatDType } from './dtype.js';

/** The compilation modes, Theano's: FAST_RUN (every rewrite and fusion; the default), FAST_COMPILE (only the cheap rewrites), DebugMode (each node's result compared with its op's reference), NanGuardMode (values checked for NaN, inf and magnitudes above 1e10). */
export const MODES = ['FAST_RUN', 'FAST_COMPILE', 'DebugMode', 'NanGuardMode'] as const;
/** One of {@link MODES}. */
export type Mode = (typeof MODES)[number];

const PROFILE_MODE_HINT = ". Theano's ProfileMode is sym's profile option: pass { profile: true } to function (or set config.profile = true) and read f.profile.summary()";

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
    `${fastCompile ? '' : ' (the default: mode can be left out)'}`
  );
}

/** Theano's `theano.config` flags: their defaults, `.symrc` files and `SYM_FLAGS` set them at startup. */
export interface ConfigValues {
  /** The float dtype of `scalar()`, `matrix()`, ...: float64 (default), float32 or float16. */
  floatX: FloatDType;
  /** The backend functions are compiled for: cpu (default), webgpu, gpujs, or a third party's. */
  device: string;
  /** The default compilation mode. */
  mode: Mode;
  /**
   * Whether functions compiled from now on record a profile (`f.profile`:
   * time per call and per kernel), as Theano's `profile` flag; a function's
   * `profile` option overrides it. Off by default: profiling times every
   * launch on its own, waiting for the device after each.
   */
  profile: boolean;
}

const DEFAULTS: ConfigValues = { floatX: 'float64', device: 'cpu', mode: 'FAST_RUN', profile: false };

/** How a boolean flag may be spelt in SYM_FLAGS and .symrc (Theano's True and False among them). */
const BOOLEAN_WORDS: ReadonlyMap<unknown, boolean> = new Map<unknown, boolean>([
  [true, true],
  [false, false],
  ['true', true],
  ['false', false],
  ['True', true],
  ['False', false],
  ['1', true],
  ['0', false],
]);

const DEVICE_PATTERN = /^[a-z][a-z0-9-]*$/;

function check<K extends keyof ConfigValues>(key: K, value: unknown, source: string): ConfigValues[K] {
  switch (key) {
    case 'floatX':
      if (value === 'float16' || value === 'float32' || value === 'float64') return value as ConfigValues[K];
      throw new Error(`${source}: floatX must be one of float16, float32, float64; got ${JSON.stringify(value)}`);
    case 'mode':
      if ((MODES as readonly unknown[]).includes(value)) return value as ConfigValues[K];
      throw new Error(`${source}: mode must be one of ${MODES.join(', ')}; got ${JSON.stringify(value)}${value === 'ProfileMode' ? PROFILE_MODE_HINT : ''}`);
    case 'device':
      if (typeof value === 'string' && DEVICE_PATTERN.test(value)) return value as ConfigValues[K];
      throw new Error(`${source}: device must be a backend name such as cpu, webgpu, gpujs; got ${JSON.stringify(value)}`);
    case 'profile': {
      const b = BOOLEAN_WORDS.get(value);
      if (b !== undefined) return b as ConfigValues[K];
      throw new Error(`${source}: profile must be true or false (or True, False, 1, 0); got ${JSON.stringify(value)}`);
    }
    default:
      throw new Error(`${source}: unknown flag ${JSON.stringify(key)}; valid flags are ${Object.keys(DEFAULTS).join(', ')}`);
  }
}

/** Parse `device=cpu,floatX=float32` into flags, rejecting unknown names or values. */
export function parseFlags(text: string, source = 'SYM_FLAGS'): Partial<ConfigValues> {
  const out: Partial<ConfigValues> = {};
  for (const part of text.split(',')) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    if (eq < 0) throw new Error(`${source}: expected name=value, got ${JSON.stringify(item)}`);
    const key = item.slice(0, eq).trim() as keyof ConfigValues;
    (out as Record<string, unknown>)[key] = check(key, item.slice(eq + 1).trim(), source);
  }
  return out;
}

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
    if (section !== 'global') continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`${source}: expected name = value, got ${JSON.stringify(line)}`);
    const key = line.slice(0, eq).trim() as keyof ConfigValues;
    (out as Record<string, unknown>)[key] = check(key, line.slice(eq + 1).trim(), source);
  }
  return out;
}

/** Whether a section name is [global] misspelt ([Global], [gobal], [globals]): its flags would be skipped without a word. */
function meansGlobal(section: string): boolean {
  const a = section.toLowerCase();
  const b = 'global';
  // edit distance, one row at a time; within 2 of 'global' is a typo, not another section
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length]! <= 2;
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
    this.#values.floatX = check('floatX', v, 'config.floatX');
  }
  get device(): string {
    return this.#values.device;
  }
  set device(v: string) {
    this.#values.device = check('device', v, 'config.device');
  }
  get mode(): Mode {
    return this.#values.mode;
  }
  set mode(v: Mode) {
    this.#values.mode = check('mode', v, 'config.mode');
  }
  get profile(): boolean {
    return this.#values.profile;
  }
  set profile(v: boolean) {
    // an assignment in code takes a boolean: the words are for flags read from text
    if (typeof v !== 'boolean') throw new Error(`config.profile: must be true or false; got ${JSON.stringify(v)}`);
    this.#values.profile = v;
  }
  /** Re-read SYM_FLAGS and .symrc (tests use this). */
  reload(): void {
    this.#values = load();
  }
  /** Set several flags at once, from an object or a `SYM_FLAGS`-style string. */
  set(values: Partial<ConfigValues> | string): void {
    if (typeof values !== 'string' && (typeof values !== 'object' || values === null)) {
      throw new TypeError(`config.set: expected an object of flags or a string such as "device=cpu,floatX=float32", got ${values === null ? 'null' : typeof values}`);
    }
    const parsed = typeof values === 'string' ? parseFlags(values, 'config.set') : values;
    // every value is checked before any is assigned: a bad flag changes nothing
    const checked = Object.entries(parsed).map(([k, v]) => [k, check(k as keyof ConfigValues, v, 'config.set')] as const);
    for (const [k, v] of checked) (this.#values as unknown as Record<string, unknown>)[k] = v;
  }
  /** The flags as a plain object (a copy). */
  toJSON(): ConfigValues {
    return { ...this.#values };
  }
  /** Every flag and its value, one a line (what printing Theano's `theano.config` shows): `floatX = float64`. */
  toString(): string {
    return Object.entries(this.#values)
      .map(([k, v]) => `${k} = ${String(v)}`)
      .join('\n');
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
    if (typeof key !== 'string' || !Object.hasOwn(DEFAULTS, key)) {
      throw new Error(`config: unknown flag ${JSON.stringify(String(key))}; valid flags are ${Object.keys(DEFAULTS).join(', ')}`);
    }
    return Reflect.set(target, key, value, target);
  },
  get(target, key) {
    const v = Reflect.get(target, key, target);
    return typeof v === 'function' ? v.bind(target) : v;
  },
  defineProperty(_target, key) {
    throw new Error(`config: unknown flag ${JSON.stringify(String(key))}; valid flags are ${Object.keys(DEFAULTS).join(', ')}`);
  },
});
