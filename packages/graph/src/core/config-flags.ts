/**
 * The flags sym honours, their defaults and the check of a value; and
 * Theano's flags it does not honour, each with why, so that a
 * THEANO_FLAGS string carried over says what sym makes of it.
 */
import type { FloatDType } from './dtype.js';

/** The compilation modes, Theano's: FAST_RUN (every rewrite and fusion; the default), FAST_COMPILE (only the cheap rewrites), DebugMode (each node's result compared with its op's reference), NanGuardMode (values checked for NaN, inf and magnitudes above 1e10). */
export const MODES = ['FAST_RUN', 'FAST_COMPILE', 'DebugMode', 'NanGuardMode'] as const;
/** One of {@link MODES}. */
export type Mode = (typeof MODES)[number];

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
  /** Rewrites (names or tags, colon-separated as in Theano: `fusion:inplace`) that functions created from now on do not run, besides their own `optimizer.excluding`. */
  optimizer_excluding: string;
  /** Rewrites (names or tags, colon-separated) that functions created from now on run besides their mode's, and their own `optimizer.including`. */
  optimizer_including: string;
  /** Tags (colon-separated) a rewrite must all have to run in functions created from now on, besides their own `optimizer.requiring`. */
  optimizer_requiring: string;
  /** What creating a float64 variable does (Theano's flag; float64 is slow or absent on GPUs): nothing (default), a warning, or an error. */
  warn_float64: 'ignore' | 'warn' | 'raise';
  /** What an input the outputs do not depend on is, for functions whose `onUnusedInput` option is left out: an error (default), a warning, or nothing. */
  on_unused_input: 'raise' | 'warn' | 'ignore';
}

/** The flags' values before any file, environment or assignment. */
export const DEFAULTS: Readonly<ConfigValues> = Object.freeze({
  floatX: 'float64',
  device: 'cpu',
  mode: 'FAST_RUN',
  profile: false,
  optimizer_excluding: '',
  optimizer_including: '',
  optimizer_requiring: '',
  warn_float64: 'ignore',
  on_unused_input: 'raise',
});

/** The names of {@link ConfigValues}, in their order. */
export const FLAG_NAMES = Object.keys(DEFAULTS) as (keyof ConfigValues)[];

export const PROFILE_MODE_HINT = ". Theano's ProfileMode is sym's profile option: pass { profile: true } to function (or set config.profile = true) and read f.profile.summary()";

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
/** Theano's device names (gpu, gpu0, cuda1, opencl0:0): a GPU that sym reaches through webgpu or gpujs. */
const THEANO_GPU = /^(gpu|cuda|opencl)[0-9:]*$/;
/** A rewrite list: names or tags, colon-separated, possibly empty. */
const REWRITE_LIST = /^([a-z][a-z0-9_]*(:[a-z][a-z0-9_]*)*)?$/;

function oneOf<T extends string>(flag: string, valid: readonly T[], value: unknown, source: string, hint = ''): T {
  if ((valid as readonly unknown[]).includes(value)) return value as T;
  throw new Error(`${source}: ${flag} must be one of ${valid.join(', ')}; got ${JSON.stringify(value)}${hint}`);
}

/** The value of flag `key`, checked; `source` (SYM_FLAGS, a .symrc path, config.floatX) starts the error. */
export function checkFlag<K extends keyof ConfigValues>(key: K, value: unknown, source: string): ConfigValues[K] {
  return checkAny(key, value, source) as ConfigValues[K];
}

function checkAny(key: keyof ConfigValues, value: unknown, source: string): ConfigValues[keyof ConfigValues] {
  switch (key) {
    case 'floatX':
      return oneOf('floatX', ['float16', 'float32', 'float64'], value, source);
    case 'mode':
      return oneOf('mode', MODES, value, source, value === 'ProfileMode' ? PROFILE_MODE_HINT : '');
    case 'device':
      if (typeof value === 'string' && THEANO_GPU.test(value)) {
        throw new Error(`${source}: device=${value} is one of Theano's CUDA/OpenCL devices; sym reaches a GPU through device=webgpu (WebGPU) or device=gpujs (WebGL)`);
      }
      if (typeof value === 'string' && DEVICE_PATTERN.test(value)) return value;
      throw new Error(`${source}: device must be a backend name such as cpu, webgpu, gpujs; got ${JSON.stringify(value)}`);
    case 'profile': {
      const b = BOOLEAN_WORDS.get(value);
      if (b !== undefined) return b;
      throw new Error(`${source}: profile must be true or false (or True, False, 1, 0); got ${JSON.stringify(value)}`);
    }
    case 'optimizer_excluding':
    case 'optimizer_including':
    case 'optimizer_requiring':
      if (typeof value === 'string' && REWRITE_LIST.test(value)) return value;
      throw new Error(`${source}: ${key} must be rewrite names or tags separated by colons, such as "fusion:inplace" (or "" for none); got ${JSON.stringify(value)}`);
    case 'warn_float64':
      return oneOf('warn_float64', ['ignore', 'warn', 'raise'], value, source, value === 'pdb' ? ". Theano's pdb has no counterpart: raise throws where the variable is created, and its stack says by what" : '');
    case 'on_unused_input':
      return oneOf('on_unused_input', ['raise', 'warn', 'ignore'], value, source);
    default:
      throw new Error(unknownFlagMessage(key, source));
  }
}

/** The rewrite names or tags of an `optimizer_*` flag's value. */
export function rewriteList(value: string): string[] {
  return value ? value.split(':') : [];
}

const C_COMPILER = "it configures Theano's C and CUDA compilation; sym's backends build their kernels themselves (JavaScript, WebAssembly, WGSL, WebGL)";

/**
 * Theano flags that change nothing a program computes, only how Theano
 * compiled or printed it: a THEANO_FLAGS or .theanorc carried over keeps
 * working, with a warning naming each (once).
 */
export const IGNORED_THEANO_FLAGS: ReadonlyMap<string, string> = new Map([
  ['allow_gc', "it trades Theano's memory for speed between calls; sym's backends allocate and reuse buffers by their own plan"],
  ['linker', 'sym has one linker: the backend runs one program of kernels'],
  ['exception_verbosity', "sym's errors name the inputs and variables involved at any verbosity; f.debugprint() prints a compiled function's graph"],
  ['print_active_device', 'f.compiled.device says which device a function runs on'],
  ['cxx', C_COMPILER],
  ['openmp', C_COMPILER],
  ['openmp_elemwise_minsize', C_COMPILER],
  ['compiledir', C_COMPILER],
  ['base_compiledir', C_COMPILER],
  ['compiledir_format', C_COMPILER],
  ['gcc.cxxflags', C_COMPILER],
  ['blas.ldflags', C_COMPILER],
  ['nvcc.flags', C_COMPILER],
  ['nvcc.compiler_bindir', C_COMPILER],
  ['cuda.root', C_COMPILER],
  ['dnn.enabled', C_COMPILER],
  ['lib.cnmem', "it sizes Theano's CUDA memory pool; sym's GPU backends allocate through WebGPU or WebGL"],
  ['gpuarray.preallocate', "it sizes Theano's CUDA memory pool; sym's GPU backends allocate through WebGPU or WebGL"],
]);

/**
 * Theano flags sym refuses, with why: each would change what a program
 * computes or checks, so accepting it without doing it would be wrong.
 */
export const REFUSED_THEANO_FLAGS: ReadonlyMap<string, string> = new Map([
  ['optimizer', "sym's mode chooses the rewrites: optimizer=fast_run is mode=FAST_RUN (the default), optimizer=fast_compile is mode=FAST_COMPILE, and optimizer=None (no rewrites) is optimizer_excluding=fast_run"],
  ['cast_policy', 'sym has one set of rules for the dtypes of results; a flag that changes them cannot be ignored'],
  ['int_division', "sym's / of integers is true division (a float, as NumPy's); T.floorDiv is the integer quotient"],
  ['nvcc.fastmath', "it trades CUDA's accuracy for speed; sym's kernels keep their accuracy on every device"],
  ['deterministic', "sym's kernels are not chosen by how deterministic they are"],
  ['compute_test_value', 'sym has no test values: evaluate a variable with v.eval({ x: value }) to see its value and shape'],
  ['on_opt_error', 'a rewrite that fails is an error in sym; exclude it with optimizer_excluding'],
]);

/** The error for a flag sym does not have: why, for Theano's, else the valid names (and the nearest one). */
export function unknownFlagMessage(key: string, source: string): string {
  const why = REFUSED_THEANO_FLAGS.get(key);
  const valid = `valid flags are ${FLAG_NAMES.join(', ')}`;
  if (why) return `${source}: ${key} is a Theano flag that sym does not have: ${why}; ${valid}`;
  const [near] = FLAG_NAMES.map((n) => [n, editDistance(n.toLowerCase(), key.toLowerCase())] as const)
    .filter(([, d]) => d <= 2)
    .sort((a, b) => a[1] - b[1])
    .map(([n]) => n);
  return `${source}: unknown flag ${JSON.stringify(key)}${near ? ` (did you mean ${near}?)` : ''}; ${valid}`;
}

/** Levenshtein distance: a typo of a name is within 2 of it. */
export function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length]!;
}
