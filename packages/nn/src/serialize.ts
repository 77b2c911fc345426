/**
 * Saving and loading parameters as JSON. Values are written as plain
 * numbers (JavaScript prints the shortest text that reads back to the same
 * double, so float64 round-trips exactly); NaN and infinities, which JSON
 * lacks, are written as the strings "NaN", "Infinity" and "-Infinity", and
 * negative zero, which `JSON.stringify` prints as `0`, as the string "-0".
 */
import { DTYPES, array, canCastSafely, shapeToString, type DType, type TensorSharedVariable } from '@sym/graph';

export const PARAMS_FORMAT = 'sym-params';
export const PARAMS_VERSION = 1;

export interface SavedParam {
  name: string | null;
  dtype: DType;
  shape: number[];
  data: (number | string)[];
}

export interface SavedParams {
  format: typeof PARAMS_FORMAT;
  version: typeof PARAMS_VERSION;
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

/** The parameters' current values as a JSON-ready object (reads them back from the device if needed). */
export async function paramsToJSON(params: readonly TensorSharedVariable[]): Promise<SavedParams> {
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
  if (d.params.length !== params.length) {
    throw new TypeError(`loadParams: ${params.length} parameters were given but ${d.params.length} were saved`);
  }
  const values = params.map((p, i) => {
    const entry = d.params![i]!;
    const where = `loadParams: saved parameter ${i} (${entry?.name ?? 'unnamed'}) for ${p.toString()}`;
    if (!entry || !(DTYPES as readonly unknown[]).includes(entry.dtype) || !Array.isArray(entry.shape) || !Array.isArray(entry.data)) {
      throw new TypeError(`${where}: expected { name, dtype, shape, data }`);
    }
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
