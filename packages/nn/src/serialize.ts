/**
 * Saving and loading parameters as JSON. Values are written as plain
 * numbers (JavaScript prints the shortest text that reads back to the same
 * double, so float64 round-trips exactly); NaN and infinities, which JSON
 * lacks, are written as the strings "NaN", "Infinity" and "-Infinity", and
 * negative zero, which `JSON.stringify` prints as `0`, as the string "-0".
 */
import { DTYPES, TensorSharedVariable, array, canCastSafely, shapeToString, type DType } from '@sym/graph';
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

/** The JSON document {@link saveParams} writes and {@link loadParams} reads. */
export interface SavedParams {
  /** Always {@link PARAMS_FORMAT}. */
  format: typeof PARAMS_FORMAT;
  /** Always {@link PARAMS_VERSION}. */
  version: typeof PARAMS_VERSION;
  /** The parameters, in the order given to saveParams. */
  params: SavedParam[];
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

function checkShared(params: readonly TensorSharedVariable[], what: string): void {
  if (!Array.isArray(params)) throw new TypeError(`${what}: params must be a list of shared variables, got ${describeParamsArgument(params)}`);
  params.forEach((p: unknown, i) => {
    if (!(p instanceof TensorSharedVariable)) throw new TypeError(`${what}: params[${i}] must be a shared variable, got ${String(p)}`);
  });
}

/** The error for a count mismatch, naming the parameters one side has and the other lacks (by name, when names tell). */
function countMismatch(params: readonly TensorSharedVariable[], saved: readonly unknown[]): TypeError {
  const given = params.map((p) => p.name ?? 'unnamed');
  const names = saved.map((e) => (e as Partial<SavedParam> | null)?.name ?? 'unnamed');
  const notGiven = names.filter((n) => !given.includes(n));
  const notSaved = given.filter((n) => !names.includes(n));
  const parts = [notGiven.length > 0 ? `saved but not given: ${notGiven.join(', ')}` : '', notSaved.length > 0 ? `given but not saved: ${notSaved.join(', ')}` : ''];
  const detail = parts.some((x) => x !== '') ? parts.filter((x) => x !== '').join('; ') : `given ${given.join(', ')}; saved ${names.join(', ')}`;
  const count = params.length === 1 ? '1 parameter was given' : `${params.length} parameters were given`;
  return new TypeError(`loadParams: ${count} but ${saved.length} ${saved.length === 1 ? 'was' : 'were'} saved (${detail})`);
}

/** The parameters' current values as a JSON-ready object (reads them back from the device if needed). */
export async function paramsToJSON(params: readonly TensorSharedVariable[]): Promise<SavedParams> {
  checkShared(params, 'saveParams');
  const out: SavedParam[] = [];
  for (const p of params) {
    const v = await p.getValueAsync({ borrow: true });
    out.push({ name: p.name ?? null, dtype: v.dtype, shape: [...v.shape], data: Array.from(v.data, encode) });
  }
  return { format: PARAMS_FORMAT, version: PARAMS_VERSION, params: out };
}

/** The parameters' current values as JSON text. */
export async function saveParams(params: readonly TensorSharedVariable[]): Promise<string> {
  return JSON.stringify(await paramsToJSON(params));
}

/**
 * Set the parameters from saved JSON (text or parsed). The list must match
 * what was saved: the same count, and each entry the same shape and a dtype
 * the parameter accepts. Nothing is set unless every entry fits.
 */
export function loadParams(params: readonly TensorSharedVariable[], saved: string | SavedParams): void {
  checkShared(params, 'loadParams');
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
  if (d.params.length !== params.length) throw countMismatch(params, d.params);
  const values = params.map((p, i) => {
    const entry = d.params![i]!;
    const where = `loadParams: saved parameter ${i} (${entry?.name ?? 'unnamed'}) for ${p.toString()}`;
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
    if (entry.dtype !== p.dtype && !canCastSafely(entry.dtype, p.dtype)) {
      throw new TypeError(`${where}: saved as ${entry.dtype}, which does not cast to ${p.dtype} without loss`);
    }
    const data = Float64Array.from(entry.data, (v, k) => decode(v, `${where}, value ${k}`));
    return array(data, { dtype: p.dtype, shape: entry.shape });
  });
  // Every entry was checked above: now no setValue can fail half-way.
  values.forEach((v, i) => params[i]!.setValue(v, { borrow: true }));
}
