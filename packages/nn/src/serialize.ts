/**
 * Saving and loading parameters as JSON. Values are written as plain
 * numbers (JavaScript prints the shortest text that reads back to the same
 * double, so float64 round-trips exactly); NaN and infinities, which JSON
 * lacks, are written as the strings "NaN", "Infinity" and "-Infinity", and
 * negative zero, which `JSON.stringify` prints as `0`, as the string "-0".
 * Random generators (a dropout's) save as their state, so that a training
 * run resumed from a checkpoint draws the masks the uninterrupted run does.
 */
import { CompiledFunction, DTYPES, checkOptionNames, RandomState, SharedRandomState, TensorSharedVariable, array, canCastSafely, shapeToString, type DType, type NDArray, type RandomStateSnapshot, type SymFunction } from '@sym/graph';
import { describeParamsArgument } from './sequential.js';

/** The `format` tag of saved parameters; {@link loadParams} refuses any other. */
export const PARAMS_FORMAT = 'sym-params';
/** The version of the saved-parameters format written; {@link loadParams} refuses any other. */
export const PARAMS_VERSION = 1;

/** One parameter as saved. */
export interface SavedParam {
  /** The shared variable's name, or null when it has none. */
  name: string | null;
  /** Its dtype. */
  dtype: DType;
  /** Its shape. */
  shape: number[];
  /** Its values in C order; -0, NaN, Infinity and -Infinity as the strings '-0', 'NaN', 'Infinity', '-Infinity'. */
  data: (number | string)[];
}

/** One random generator as saved: its state, `RandomState.getState()`'s. */
export interface SavedGenerator {
  /** Always null: generators have no names. */
  name: null;
  /** The generator's state: its four 32-bit words and the spare normal of its last pair. */
  generator: RandomStateSnapshot;
}

/** What {@link saveParams} saves and {@link loadParams} sets: a shared variable, or a random generator (a training function's `compiled.generators`). */
export type Saveable = TensorSharedVariable | SharedRandomState;

/** The JSON document {@link saveParams} writes and {@link loadParams} reads. */
export interface SavedParams {
  /** Always {@link PARAMS_FORMAT}. */
  format: typeof PARAMS_FORMAT;
  /** Always {@link PARAMS_VERSION}. */
  version: typeof PARAMS_VERSION;
  /** The parameters (and generators), in the order given to saveParams. */
  params: (SavedParam | SavedGenerator)[];
}

function encode(v: number): number | string {
  if (Object.is(v, -0)) return '-0';
  return Number.isFinite(v) ? v : String(v);
}

function decode(v: unknown, where: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === '-0') return -0;
  throw new TypeError(`${where}: expected a number (or "NaN", "Infinity", "-Infinity", "-0"), got ${JSON.stringify(v)}`);
}

function checkShared(params: readonly Saveable[], what: string): void {
  if (!Array.isArray(params)) throw new TypeError(`${what}: params must be a list of shared variables, got ${describeParamsArgument(params)}`);
  params.forEach((p: unknown, i) => {
    if (!(p instanceof TensorSharedVariable || p instanceof SharedRandomState)) throw new TypeError(`${what}: params[${i}] must be a shared variable (or a random generator), got ${String(p)}`);
  });
}

/** How a given item is named in errors: its name, or 'a random generator'. */
function label(p: Saveable): string {
  return p instanceof SharedRandomState ? 'a random generator' : p.toString();
}

/**
 * Everything a call of `fn` (a training function `sym.function` made, or its `compiled`)
 * changes, what a checkpoint holds to resume training exactly: the shared
 * variables it updates (the parameters, the optimizer's state, a
 * `BatchNorm`'s running averages) and the random generators it draws from
 * (a `Dropout`'s masks'). `saveParams(trainingState(train))`, and later
 * `loadParams(trainingState(train), text)` into the same program built
 * again; a learning rate the program sets between calls is the program's to
 * set again (or save it too: `[...trainingState(train), lr]`).
 */
export function trainingState(fn: SymFunction | CompiledFunction): Saveable[] {
  const compiled: unknown = fn instanceof CompiledFunction ? fn : (fn as Partial<SymFunction> | null)?.compiled;
  if (!(compiled instanceof CompiledFunction)) {
    const got = typeof fn === 'object' && fn !== null ? `${'params' in fn ? 'a layer' : 'an object'} (${fn.constructor?.name ?? 'Object'}): pass the training function` : String(fn);
    throw new TypeError(`trainingState: fn must be a function sym.function made, got ${got}`);
  }
  return [...compiled.updated, ...compiled.generators];
}

/** The error for a count mismatch, naming the parameters one side has and the other lacks (by name, when names tell). */
function countMismatch(params: readonly Saveable[], saved: readonly unknown[]): TypeError {
  const given = params.map((p) => (p instanceof SharedRandomState ? 'a random generator' : (p.name ?? 'unnamed')));
  const names = saved.map((e) => (e as Partial<SavedParam> | null)?.name ?? ((e as Partial<SavedGenerator> | null)?.generator ? 'a random generator' : 'unnamed'));
  const notGiven = names.filter((n) => !given.includes(n));
  const notSaved = given.filter((n) => !names.includes(n));
  const parts = [notGiven.length > 0 ? `saved but not given: ${notGiven.join(', ')}` : '', notSaved.length > 0 ? `given but not saved: ${notSaved.join(', ')}` : ''];
  const detail = parts.some((x) => x !== '') ? parts.filter((x) => x !== '').join('; ') : `given ${given.join(', ')}; saved ${names.join(', ')}`;
  const count = params.length === 1 ? '1 parameter was given' : `${params.length} parameters were given`;
  return new TypeError(`loadParams: ${count} but ${saved.length} ${saved.length === 1 ? 'was' : 'were'} saved (${detail})`);
}

/** The parameters' current values (a generator's state) as a JSON-ready object (reads them back from the device if needed). */
export async function paramsToJSON(params: readonly Saveable[]): Promise<SavedParams> {
  checkShared(params, 'saveParams');
  const out: (SavedParam | SavedGenerator)[] = [];
  for (const p of params) {
    if (p instanceof SharedRandomState) {
      out.push({ name: null, generator: (await p.getValueAsync()).getState() });
      continue;
    }
    const v = await p.getValueAsync({ borrow: true });
    out.push({ name: p.name ?? null, dtype: v.dtype, shape: [...v.shape], data: Array.from(v.data, encode) });
  }
  return { format: PARAMS_FORMAT, version: PARAMS_VERSION, params: out };
}

/** The parameters' current values (a generator's state) as JSON text. */
export async function saveParams(params: readonly Saveable[]): Promise<string> {
  return JSON.stringify(await paramsToJSON(params));
}

/** Options of {@link loadParams}. */
export interface LoadParamsOptions {
  /**
   * Match each given shared variable to the saved entry of its name rather
   * than to the entry at its position (Keras's `load_weights(by_name=True)`):
   * a pretrained body's params loaded from a whole network's checkpoint, its
   * old head left out; a checkpoint loaded into the part of a larger model
   * it saved. Saved entries no given variable names are ignored. Every given
   * variable must have a name no other given one has, saved once; an
   * unnamed variable or a random generator (which has no name) is refused:
   * load those by position. Default false.
   */
  byName?: boolean;
}

/**
 * Set the parameters from saved JSON (text or parsed). By position (the
 * default), the list must match what was saved: the same count, and each
 * entry the same shape and a dtype the parameter accepts (a generator's, a
 * generator's state). With `{ byName: true }`, each given variable takes the
 * saved entry of its name, which must fit it the same way. Nothing is set
 * unless every entry fits.
 */
export function loadParams(params: readonly Saveable[], saved: string | SavedParams, options: LoadParamsOptions = {}): void {
  checkShared(params, 'loadParams');
  checkOptionNames(options, 'loadParams', ['byName']);
  const byName = options.byName ?? false;
  if (typeof byName !== 'boolean') throw new TypeError(`loadParams: byName must be a boolean, got ${JSON.stringify(byName) ?? String(byName)}`);
  const entries = parseSaved(saved);
  if (!byName && entries.length !== params.length) throw countMismatch(params, entries);
  const chosen = byName ? entriesByName(params, entries) : params.map((_, i) => i);
  const values = params.map((p, k) => decodeEntry(p, entries[chosen[k]!], chosen[k]!));
  // Every entry was checked above: now no setValue can fail half-way.
  values.forEach((v, i) => {
    const p = params[i]!;
    if (p instanceof SharedRandomState) p.setValue(v as RandomState, { borrow: true });
    else p.setValue(v as NDArray, { borrow: true });
  });
}

/** The saved entries of `saved` (JSON text or parsed), checked to be a document {@link saveParams} writes. */
function parseSaved(saved: string | SavedParams): unknown[] {
  let doc: unknown;
  try {
    doc = typeof saved === 'string' ? JSON.parse(saved) : saved;
  } catch (e) {
    throw new SyntaxError(`loadParams: the saved parameters are not valid JSON: ${(e as Error).message}`);
  }
  const d = doc as Partial<SavedParams> | null;
  if (!d || d.format !== PARAMS_FORMAT || d.version !== PARAMS_VERSION || !Array.isArray(d.params)) {
    throw new TypeError(`loadParams: expected an object with format "${PARAMS_FORMAT}", version ${PARAMS_VERSION} and a params list`);
  }
  return d.params;
}

/**
 * For each given variable, the index of the saved entry of its name. Refuses
 * an unnamed variable or a generator, a name given twice or saved twice, and
 * names not saved (all of them, with the names that were).
 */
function entriesByName(params: readonly Saveable[], entries: readonly unknown[]): number[] {
  const given = params.map((p, k) => {
    if (p instanceof SharedRandomState) throw new TypeError(`loadParams: params[${k}] is a random generator, which has no name: with byName, give only named shared variables (load generators by position)`);
    if (!p.name) throw new TypeError(`loadParams: params[${k}] (${p.toString()}) has no name, so byName cannot find it: name it (shared(value, { name }), or a layer's name option) or load it by position`);
    const first = params.findIndex((q) => q instanceof TensorSharedVariable && q.name === p.name);
    if (first !== k) throw new TypeError(`loadParams: params[${first}] and params[${k}] are both named "${p.name}", so byName cannot tell which saved entry is whose: name the layers apart (a layer's name option)`);
    return p.name;
  });
  const savedNames = entries.map((e) => {
    const name = (e as Partial<SavedParam> | null)?.name;
    return typeof name === 'string' ? name : null;
  });
  const missing = given.filter((n) => !savedNames.includes(n));
  if (missing.length > 0) {
    const named = savedNames.filter((n): n is string => n !== null);
    const list = named.length > 0 ? named.map((n) => JSON.stringify(n)).join(', ') : 'none';
    throw new TypeError(`loadParams: byName: no saved parameter is named ${missing.map((n) => JSON.stringify(n)).join(', ')}; the saved names are ${list}`);
  }
  return given.map((name, k) => {
    const at = savedNames.flatMap((n, i) => (n === name ? [i] : []));
    if (at.length > 1) throw new TypeError(`loadParams: byName: saved parameters ${at.join(', ')} are all named "${name}", so which is for params[${k}] is unknown: save layers with names apart (a layer's name option), or load by position`);
    return at[0]!;
  });
}

/** The value a saved entry (number `i` of the file) gives `p`, checked to fit it. */
function decodeEntry(p: Saveable, saved: unknown, i: number): NDArray | RandomState {
  const entry = saved as (Partial<SavedParam> & Partial<SavedGenerator>) | undefined;
  const where = `loadParams: saved parameter ${i} (${entry?.name ?? (entry?.generator ? 'a random generator' : 'unnamed')}) for ${label(p)}`;
  if (p instanceof SharedRandomState || (entry && typeof entry === 'object' && 'generator' in entry)) return generatorState(p, entry, where);
  if (!entry || typeof entry !== 'object' || !Array.isArray(entry.shape) || !Array.isArray(entry.data)) {
    throw new TypeError(`${where}: expected { name, dtype, shape, data }, got ${JSON.stringify(entry)?.slice(0, 80) ?? String(entry)}`);
  }
  if (!(DTYPES as readonly unknown[]).includes(entry.dtype)) throw new TypeError(`${where}: dtype must be one of ${DTYPES.join(', ')}, got ${JSON.stringify(entry.dtype)}`);
  const want = p.valueShape;
  if (entry.shape.length !== want.length || entry.shape.some((n, k) => n !== want[k])) {
    throw new TypeError(`${where}: shape ${shapeToString(entry.shape)} does not match the parameter's shape ${shapeToString(want)}`);
  }
  const size = entry.shape.reduce((a, b) => a * b, 1);
  if (entry.data.length !== size) throw new TypeError(`${where}: ${entry.data.length} values for shape ${shapeToString(entry.shape)}`);
  if (entry.dtype !== p.dtype && !canCastSafely(entry.dtype!, p.dtype)) {
    throw new TypeError(`${where}: saved as ${entry.dtype}, which does not cast to ${p.dtype} without loss`);
  }
  const data = Float64Array.from(entry.data, (v, k) => decode(v, `${where}, value ${k}`));
  return array(data, { dtype: p.dtype, shape: entry.shape });
}

/** The generator a saved generator's entry gives, checked to meet a generator (`p`) and to be a state `RandomState.setState` takes. */
function generatorState(p: Saveable, entry: Partial<SavedGenerator> | undefined, where: string): RandomState {
  if (!(p instanceof SharedRandomState)) throw new TypeError(`${where}: a random generator was saved there, not a shared variable's values`);
  if (!entry || typeof entry !== 'object' || !('generator' in entry)) throw new TypeError(`${where}: a shared variable's values were saved there, not a random generator's state`);
  const state = new RandomState();
  try {
    state.setState(entry.generator!);
  } catch (e) {
    throw new TypeError(`${where}: ${(e as Error).message}`);
  }
  return state;
}
