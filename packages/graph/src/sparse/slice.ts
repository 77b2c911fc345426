/**
 * Theano's `get_item_2d` (`x[a:b]`, `x[a:b, c:d]`, steps included, as
 * Python's slices and SciPy's): the stored values inside the window,
 * renumbered, sparse in x's format. Which values those are, and how many,
 * is known only from the pattern and the bounds: a host stage works it
 * out from the row and column ids (no readback for a function's sparse
 * input), and the values are gathered, so the gradient with respect to x
 * is structured (a value outside the window gets 0).
 */
import { NDArray } from '../core/ndarray.js';
import { isInt } from '../core/dtype.js';
import { applyNode, constant, type Apply, type TensorLike } from '../core/op.js';
import { TensorType } from '../core/type.js';
import { TensorVariable, type StaticShape } from '../core/variable.js';
import { HostOp } from '../ops/host.js';
import { sliceIndices } from '../ops/slice-window.js';
import { Slice } from '../tensor/indexing.js';
import * as T from '../tensor/tensor.js';
import { getItemList, getItemScalar } from './select.js';
import { checkSparse, SparseVariable } from './variable.js';

type Bound = number | TensorVariable | null;
const BOUNDS = ['start', 'stop', 'step'] as const;

/** The window of one axis, Python's `slice(start, stop, step).indices(n)`: a stored index i is inside when it is start + step * j, 0 <= j < length, and becomes j. */
function windowOf(n: number, start: number | null, stop: number | null, step: number | null, axis: string): (i: number) => number {
  if (step === 0) throw new RangeError(`sparse.getItem2d: the ${axis} slice's step must not be zero (Python's ValueError: slice step cannot be zero)`);
  const s = step ?? 1;
  const w = sliceIndices(n, start, stop, s);
  return (i) => {
    const d = i - w.start;
    if (d % s !== 0) return -1;
    const j = d / s;
    return j >= 0 && j < w.length ? j : -1;
  };
}

/**
 * Inputs: major ids, indices, rows, columns, then the bounds given (rows'
 * start, stop, step, then the columns', each present when `given` says
 * so). Outputs: the kept values' positions (int64, in the result's
 * order), its indices, indptr and major ids (int32), and its rows and
 * columns (int64 scalars).
 */
export class WindowPattern extends HostOp {
  constructor(
    readonly format: 'csr' | 'csc',
    readonly given: readonly boolean[],
  ) {
    super();
  }
  key(): string {
    return `WindowPattern:${this.format}:${this.given.map(Number).join('')}`;
  }
  override toString(): string {
    return `WindowPattern{${this.format}}`;
  }
  override pp(args: readonly string[], _node: Apply, output = 0): string {
    return `window_pattern(${args.join(', ')})[${output}]`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    if (inputs.some((v, i) => !isInt(v.dtype) || v.ndim !== (i < 2 ? 1 : 0))) throw new TypeError(`WindowPattern: expected two integer vectors and integer scalars, got ${inputs.map((v) => v.type).join(', ')}`);
    const v = (d: 'int32' | 'int64') => new TensorType(d, [false]);
    return [v('int64'), v('int32'), v('int32'), v('int32'), new TensorType('int64', []), new TensorType('int64', [])];
  }
  inferShape(): StaticShape[] {
    return [[null], [null], [null], [null], [], []];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const [majorIds, indices] = [inputs[0]!.data, inputs[1]!.data];
    const [nRows, nCols] = [Number(inputs[2]!.data[0]), Number(inputs[3]!.data[0])];
    let at = 4;
    const b = this.given.map((g) => (g ? Number(inputs[at++]!.data[0]) : null));
    const rowOf = windowOf(nRows, b[0]!, b[1]!, b[2]!, 'row');
    const colOf = windowOf(nCols, b[3]!, b[4]!, b[5]!, 'column');
    const rows = sliceIndices(nRows, b[0]!, b[1]!, b[2] ?? 1).length;
    const cols = sliceIndices(nCols, b[3]!, b[4]!, b[5] ?? 1).length;
    const csr = this.format === 'csr';
    const [majorOf, minorOf, nMajor] = csr ? [rowOf, colOf, rows] : [colOf, rowOf, cols];
    // the kept values grouped by their new major index (stably: a reversed axis reverses the groups, not a group's order)
    const kept: number[] = [];
    const newMajor: number[] = [];
    const newMinor: number[] = [];
    const indptr = new Int32Array(nMajor + 1);
    for (let k = 0; k < majorIds.length; k++) {
      const m = majorOf(majorIds[k]!);
      if (m < 0) continue;
      const c = minorOf(indices[k]!);
      if (c < 0) continue;
      kept.push(k);
      newMajor.push(m);
      newMinor.push(c);
      indptr[m + 1]!++;
    }
    for (let i = 0; i < nMajor; i++) indptr[i + 1]! += indptr[i]!;
    const next = indptr.slice(0, nMajor);
    const keep = new Float64Array(kept.length);
    const ix = new Int32Array(kept.length);
    const ids = new Int32Array(kept.length);
    kept.forEach((k, q) => {
      const p = next[newMajor[q]!]!++;
      keep[p] = k;
      ix[p] = newMinor[q]!;
      ids[p] = newMajor[q]!;
    });
    const scalar = (n: number) => new NDArray(Float64Array.of(n), [], 'int64');
    return [new NDArray(keep, [keep.length], 'int64'), new NDArray(ix, [ix.length], 'int32'), new NDArray(indptr, [indptr.length], 'int32'), new NDArray(ids, [ids.length], 'int32'), scalar(rows), scalar(cols)];
  }
}

function bounds(s: unknown, axis: string): TensorVariable[] | (TensorVariable | null)[] {
  if (!(s instanceof Slice)) throw new TypeError(`sparse.getItem2d: the ${axis} index must be a slice (T.slice(start, stop, step)), got ${s instanceof TensorVariable ? `${s} of type ${s.type}` : String(s)}; for rows picked by a list use sparse.getItemList, for one element sparse.getItemScalar`);
  return BOUNDS.map((k) => {
    const v: Bound = s[k];
    if (v === null) return null;
    const t = typeof v === 'number' && Number.isInteger(v) ? constant(v, { dtype: 'int64' }) : v;
    if (!(t instanceof TensorVariable) || t.ndim !== 0 || !isInt(t.dtype)) {
      throw new TypeError(`sparse.getItem2d: the ${axis} slice's ${k} must be an integer scalar, got ${t instanceof TensorVariable ? `${t} of type ${t.type}` : String(v)}`);
    }
    return T.cast(t, 'int64');
  });
}

/**
 * Theano's `get_item_2d` (`x[a:b, c:d]`): rows (and columns) of x by
 * slices (`T.slice(a, b, step)`, bounds numbers or integer scalars,
 * negative ones from the end, out-of-range ones clamped, as Python's),
 * sparse in x's format. The columns' slice defaults to all of them.
 */
export function getItem2d(x: SparseVariable, rows: Slice, cols: Slice = new Slice()): SparseVariable {
  const s = checkSparse(x, 'sparse.getItem2d');
  const given = [...bounds(rows, 'row'), ...bounds(cols, 'column')];
  const args = given.filter((g): g is TensorVariable => g !== null);
  const op = new WindowPattern(s.format, given.map((g) => g !== null));
  const [keep, indices, indptr, majorIds, nRows, nCols] = applyNode(op, [s.majorIds, s.indices, T.cast(s.nRows, 'int64'), T.cast(s.nCols, 'int64'), ...args]).outputs as TensorVariable[];
  return new SparseVariable(s.format, { data: T.take(s.data, keep!, 0), indices: indices!, indptr: indptr!, nRows: nRows!, nCols: nCols!, majorIds: majorIds! });
}

/**
 * Theano's `x[...]` of a sparse variable (`x.get(...)`): slices give
 * `getItem2d` (`x.get(T.slice(1, 3))`, `x.get(T.slice(1, 3), T.slice(0, 2))`),
 * two integer scalars `getItemScalar` (a dense scalar), an integer
 * vector alone `getItemList`.
 */
export function getItem(x: SparseVariable, rows: Slice | TensorLike, cols?: Slice | TensorLike): SparseVariable | TensorVariable {
  const s = checkSparse(x, 'sparse.getItem');
  if (rows instanceof Slice || cols instanceof Slice) {
    return getItem2d(s, rows as Slice, cols === undefined ? new Slice() : (cols as Slice));
  }
  if (cols !== undefined) return getItemScalar(s, rows, cols);
  return getItemList(s, rows);
}
