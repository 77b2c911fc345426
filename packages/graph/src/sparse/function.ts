/**
 * Sparse variables in `sym.function`: a sparse input is its six dense
 * parts (data, indices, indptr, nRows, nCols, and the per-value row or
 * column ids the host expands from indptr), a SparseMatrix argument is
 * split into their values, and a sparse output is read back as its parts
 * and assembled into a SparseMatrix. The compiled function itself sees
 * only dense tensors.
 */
import { canCastSafely } from '../core/dtype.js';
import { describe as describeValue, NDArray } from '../core/ndarray.js';
import { apply1, asTensor } from '../core/op.js';
import { MatchLength } from '../ops/shape.js';
import { TensorVariable } from '../core/variable.js';
import { OutputSpec, pairs, type InputSpec } from '../function/function-args.js';
import { checkUnusedInputs, partedArgs, type PartedKind } from '../function/parted-values.js';
import type { FunctionOptions } from '../function/function-options.js';
import { adoptParts, SparseMatrix } from './matrix.js';
import { SparseSharedVariable, sparseOwner } from './shared.js';
import { SPARSE_PARTS as PARTS, SparseVariable } from './variable.js';

type Input = TensorVariable | InputSpec | SparseVariable;
// a dense output may come as sym.Out(v, { borrow }), which the dense function reads
type Output = TensorVariable | SparseVariable | OutputSpec;
type Result = NDArray | SparseMatrix;


/** The dense function of a sparse one: its inputs and outputs, and how a call's arguments and results map onto theirs. */
export interface SparseSignature {
  readonly inputs: (TensorVariable | InputSpec)[];
  readonly outputs: (TensorVariable | OutputSpec)[] | TensorVariable | OutputSpec | null;
  /** The options of the dense function: a sparse input's unused parts (indptr, most often) are not the user's unused inputs, which are checked here. */
  readonly options: FunctionOptions;
  args(args: readonly unknown[]): unknown[];
  result(values: NDArray | NDArray[]): Result | Result[];
}

/**
 * Theano's `updates={S: expr}` of a sparse shared variable S is not
 * provided: its parts are shared variables of their own, updated each (the
 * dense function's check would say S is not a shared variable). Only a
 * list or Map is read here: a one-shot iterable is left whole for the
 * dense function.
 */
function checkSparseUpdates(updates: FunctionOptions['updates']): void {
  if (!Array.isArray(updates) && !(updates instanceof Map)) return;
  // a malformed entry (a bare pair written [a, b]) is left for the dense function's error
  [...(updates as Iterable<unknown>)].forEach((entry, i) => {
    const s: unknown = Array.isArray(entry) ? entry[0] : undefined;
    if (!(s instanceof SparseSharedVariable)) return;
    throw new TypeError(
      `function: update ${i} targets the sparse shared variable ${s}, which is updated through its parts, shared variables of their own: [${s}.data, newData] for new values in its pattern ` +
        `(or ${s}.data, ${s}.indices, ${s}.indptr and ${s}.majorIds together for a new pattern of its shape)`,
    );
  });
}

const SHARED_PARTS = ['data', 'indices', 'indptr', 'majorIds'] as const;

/**
 * The function's options with each update of a sparse shared variable's
 * parts checked, when the function runs and before it commits, to keep
 * the parts consistent: a part updated without all the others keeps its
 * length (data, indices and majorIds S's nnz, indptr its rows + 1), and
 * parts updated all together agree on the new nnz. A concatenate into
 * S.data alone succeeded and left S's later calls failing with confusing
 * messages. Only a list or Map is read (see checkSparseUpdates).
 */
export function checkedSparseUpdates(options: FunctionOptions): FunctionOptions {
  const updates = options.updates;
  if (!Array.isArray(updates) && !(updates instanceof Map)) return options;
  const entries = [...(updates as Iterable<unknown>)];
  const byOwner = new Map<SparseSharedVariable, Map<string, TensorVariable>>();
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2) continue;
    const owner = sparseOwner(entry[0]);
    if (!owner) continue;
    const part = SHARED_PARTS.find((p) => owner[p] === entry[0])!;
    if (!byOwner.has(owner)) byOwner.set(owner, new Map());
    byOwner.get(owner)!.set(part, asTensor(entry[1] as never, `update of ${owner}.${part}`));
  }
  if (byOwner.size === 0) return options;
  const checked = entries.map((entry) => {
    const owner = Array.isArray(entry) && entry.length === 2 ? sparseOwner(entry[0]) : undefined;
    if (!owner) return entry;
    const parts = byOwner.get(owner)!;
    const part = SHARED_PARTS.find((p) => owner[p] === (entry as unknown[])[0])!;
    const all = SHARED_PARTS.every((p) => parts.has(p));
    const missing = SHARED_PARTS.filter((p) => !parts.has(p)).map((p) => `${owner}.${p}`).join(', ');
    const value = parts.get(part)!;
    // a plain array is left for the dense function to read in the part's dtype
    if (!((entry as unknown[])[1] instanceof TensorVariable)) return entry;
    if (all) {
      if (part === 'data' || part === 'indptr') return [owner[part], value];
      // the new pattern's parts agree with its new data
      const describe = (ns: readonly (number | null)[], ds: readonly (number | null)[]) => `function: the update of ${owner}.${part} gives ${ns[0]} entries but the update of ${owner}.data ${ds[0]}: a sparse shared variable's parts must change together, one entry a stored value`;
      return [owner[part], apply1(new MatchLength(0, 0, describe, `sparse-update:${part}`), [value, parts.get('data')!])];
    }
    const describe = (ns: readonly (number | null)[], os: readonly (number | null)[]) =>
      `function: the update of ${owner}.${part} changes its length from ${os[0]} to ${ns[0]} without ${missing}: a sparse shared variable's parts must change together (update data, indices, indptr and majorIds at once for a new pattern)`;
    return [owner[part], apply1(new MatchLength(0, 0, describe, `sparse-update:${part}`), [value, owner[part]])];
  });
  return { ...options, updates: checked as FunctionOptions['updates'] };
}

/** null when no input or output is sparse (the function is dense). */
export function sparseSignature(inputs: readonly Input[], outputs: Output | readonly Output[] | null, options: FunctionOptions): SparseSignature | null {
  checkSparseUpdates(options.updates);
  const outs = outputs === null ? [] : Array.isArray(outputs) ? (outputs as readonly Output[]) : [outputs as Output];
  if (!inputs.some((i) => i instanceof SparseVariable) && !outs.some((o) => o instanceof SparseVariable)) return null;
  const flatInputs = inputs.flatMap((v, i) => {
    if (!(v instanceof SparseVariable)) return [v];
    if (v instanceof SparseSharedVariable) throw new TypeError(`function: input ${i} (${v}) is a shared variable; shared variables are read implicitly, not passed as inputs`);
    const computed = PARTS.find((p) => v[p].owner !== null);
    if (computed) throw new TypeError(`function: input ${i} (${v}) is computed (its ${computed} is made by ${v[computed].owner!.op.toString()}); a sparse input is made by sparse.csrMatrix or sparse.cscMatrix`);
    return PARTS.map((p) => v[p]);
  });
  const flatOutputs = outs.flatMap((o) => (o instanceof SparseVariable ? PARTS.slice(0, 5).map((p) => o[p]) : [o]));
  const downcast = options.allowInputDowncast ?? false;
  const sparseKind: PartedKind<SparseVariable> = {
    is: (v): v is SparseVariable => v instanceof SparseVariable,
    expected: (v) => `a ${v.format} SparseMatrix of ${v.dtype}`,
    split: (a, v, label) => partsOf(a, v, label, downcast),
    partNames: (v) => PARTS.map((p) => v[p].name!),
  };
  checkUnusedInputs(inputs, outs, options);
  return {
    options: { ...options, onUnusedInput: 'ignore' },
    inputs: flatInputs,
    outputs: outputs === null ? null : !Array.isArray(outputs) && !(outputs instanceof SparseVariable) ? (outputs as TensorVariable | OutputSpec) : flatOutputs,
    args: (args) => partedArgs(inputs, args, sparseKind),
    result(values) {
      if (!Array.isArray(outputs) && !(outputs instanceof SparseVariable)) return values;
      const flat = values as NDArray[];
      let at = 0;
      const results = outs.map((o): Result => {
        if (!(o instanceof SparseVariable)) return flat[at++]!;
        const [data, indices, indptr, nRows, nCols] = flat.slice(at, (at += 5)) as [NDArray, NDArray, NDArray, NDArray, NDArray];
        // the dense function's results are fresh arrays, one an output (even where two outputs are one variable): the matrix takes them
        return adoptParts(o.format, { data, indices, indptr, shape: [nRows.item(), nCols.item()] });
      });
      return outputs instanceof SparseVariable ? results[0]! : results;
    },
  };
}

/** A call's SparseMatrix for the sparse input v, as the values of v's parts; its data cast to v's dtype when that is safe, or allowed (`downcast`, the function's allowInputDowncast, as Theano's SparseType.filter). */
function partsOf(a: unknown, v: SparseVariable, label: string, downcast: boolean): unknown[] {
  const want = `a ${v.format} SparseMatrix of ${v.dtype}`;
  if (!(a instanceof SparseMatrix)) {
    throw new TypeError(`function: ${label}: expected ${want} (SparseMatrix.${v.format}(...) or SparseMatrix.fromDense(x, '${v.format}')), got ${a instanceof NDArray || Array.isArray(a) || a instanceof TensorVariable ? `a dense value: ${describeValue(a)}` : describeValue(a)}`);
  }
  if (a.format !== v.format) throw new TypeError(`function: ${label}: expected ${want}, got a ${a.format} one (convert it: SparseMatrix.fromDense(m.toDense(), '${v.format}'))`);
  if (!downcast && !canCastSafely(a.dtype, v.dtype)) {
    throw new TypeError(`function: ${label}: expected ${want}, got one of ${a.dtype}, which ${v.dtype} cannot hold without loss. Cast it first, or compile with { allowInputDowncast: true }.`);
  }
  const data = a.dtype === v.dtype ? a.data : a.data.astype(v.dtype);
  return [data, a.indices, a.indptr, a.shape[0], a.shape[1], a.majorIds()];
}
