/**
 * The gradient of `x.get(T.arange(n), cols)` (Theano's negative
 * log-likelihood `log(p)[arange(y.shape[0]), y]`) is an
 * AdvancedIncSubtensor1 into the flattened matrix at `k * C + cols[k]`.
 * When the rows are arange over the matrix's own rows, each row gets
 * exactly one increment, at its own column: the scatter (a sort, binary
 * searches and a segmented scan over all n * C positions) is the
 * elementwise `switch(c == cols[i], x + g[i], x)` over the (n, C) matrix.
 */
import { ARange, AdvancedIncSubtensor1, DimShuffle, Dot, MatchLength, Reshape, ReshapeTo, ShapeI, Softmax, SpecifyShape, T, TensorConstant, apply1, nameInError, type Apply, type TensorVariable } from '@sym/graph';
import { registerRewrite, type NodeRewriter } from '../registry.js';
import { elem } from '../match.js';

/** What a dimension's length is known to equal: (variable, axis) pairs of the same length at run time, and its value when static. */
interface LengthClass {
  readonly keys: Set<string>;
  readonly value: number | null;
  /** 2-D tensors whose flattening (Reshape{-1}) this 1-D length is. */
  readonly flattened: TensorVariable[];
}

/**
 * The (variable, axis) pairs whose length `v`'s axis has, found through ops
 * that keep a length: an elementwise op's inputs not broadcast along it
 * (sym refuses to broadcast a dimension its type does not mark), a
 * MatchLength (both lengths it checks), a SpecifyShape, a CheckIndex, a DimShuffle, a Softmax, a
 * matrix product's outer dimensions, and arange(0, n, 1) (n's length).
 */
function lengthClass(v: TensorVariable, axis: number): LengthClass {
  const keys = new Set<string>();
  const flattened: TensorVariable[] = [];
  let value: number | null = null;
  // depth first, each pair's operands in order, with an explicit stack: an elementwise chain of 10,000 ops is deeper than the call stack
  const stack: [TensorVariable, number][] = [[v, axis]];
  while (stack.length) {
    const [u, a] = stack.pop()!;
    const key = `${u.id}:${a}`;
    if (keys.has(key)) continue;
    keys.add(key);
    value ??= u.staticShape[a] ?? null;
    const node = u.owner;
    if (!node) continue;
    const op = node.op;
    const next: [TensorVariable, number][] = [];
    const visit = (w: TensorVariable, b: number): void => void next.push([w, b]);
    if (elem(u)) {
      for (const w of node.inputs) {
        const b = a - (u.ndim - w.ndim);
        if (b >= 0 && !w.broadcastable[b]) visit(w, b);
      }
    } else if (op instanceof SpecifyShape || op.kind === 'CheckIndex') {
      visit(node.inputs[0]!, a);
    } else if (op instanceof MatchLength) {
      visit(node.inputs[0]!, a);
      if (a === op.axis && op.equalLengths) visit(node.inputs[1]!, op.otherAxis);
    } else if (op instanceof DimShuffle) {
      const from = op.pattern[a];
      if (typeof from === 'number') visit(node.inputs[0]!, from);
    } else if (op instanceof Softmax) {
      visit(node.inputs[0]!, a);
    } else if (op instanceof Dot && u.ndim === 2 && node.inputs.every((w) => w.ndim === 2)) {
      visit(node.inputs[a]!, a);
    } else if (op instanceof Reshape && op.spec.length === 1 && op.spec[0] === -1 && node.inputs[0]!.ndim === 2) {
      flattened.push(node.inputs[0]!);
    } else if (op instanceof ARange && a === 0 && isScalarValue(node.inputs[0]!, 0) && isScalarValue(node.inputs[2]!, 1)) {
      const stop = node.inputs[1]!;
      if (stop instanceof TensorConstant) value ??= Math.max(0, Number(stop.value.data[0]));
      else if (stop.owner?.op instanceof ShapeI) visit(stop.owner.inputs[0]!, stop.owner.op.axis);
    }
    // the last pushed first: the first operand is followed to the end first, as a recursion would
    for (let k = next.length - 1; k >= 0; k--) stack.push(next[k]!);
  }
  return { keys, value, flattened };
}

function isScalarValue(v: TensorVariable, x: number): boolean {
  return v instanceof TensorConstant && v.ndim === 0 && Number(v.value.data[0]) === x;
}

/** The length class of an integer scalar that is a length: `shape_i(v, d)` or a constant. */
function scalarLength(s: TensorVariable): LengthClass | null {
  if (s instanceof TensorConstant && s.ndim === 0) return { keys: new Set(), value: Number(s.value.data[0]), flattened: [] };
  const node = s.owner;
  return node?.op instanceof ShapeI ? lengthClass(node.inputs[0]!, node.op.axis) : null;
}

function sameLength(a: LengthClass, b: LengthClass): boolean {
  if (a.value !== null && a.value === b.value) return true;
  for (const k of a.keys) if (b.keys.has(k)) return true;
  return false;
}

/** `clip(v, 0, n - 1)`: v and n, or null. */
function clippedBelow(v: TensorVariable): { inner: TensorVariable; n: TensorVariable } | null {
  const clip = elem(v, 'clip');
  if (!clip || !isScalarValue(clip.inputs[1]!, 0)) return null;
  const top = elem(clip.inputs[2]!, 'sub');
  if (!top || !isScalarValue(top.inputs[1]!, 1)) return null;
  return { inner: clip.inputs[0]!, n: top.inputs[0]! };
}

/** The rows `arange(0, m, 1)` (through the MatchLength pairing them with the columns, and their CheckIndex), as int32 or int64 (narrower ones wrap). */
function isArangeRows(rows: TensorVariable): boolean {
  let r: TensorVariable = rows;
  // get's CheckIndex of the rows (an arange the program holds as a constant, checked when it is made) passes them through
  while ((r.owner?.op instanceof MatchLength && r.owner.op.axis === 0) || r.owner?.op.kind === 'CheckIndex') r = r.owner!.inputs[0]!;
  const node = r.owner;
  if (!node || !(node.op instanceof ARange) || (node.op.dtype !== 'int32' && node.op.dtype !== 'int64')) return false;
  return isScalarValue(node.inputs[0]!, 0) && isScalarValue(node.inputs[2]!, 1);
}

/**
 * The parts of `wrap(rows, n0) * n1 + wrap(cols, n1)`, `get(rows, cols)`'s
 * linear index (indexing.ts `pairs`), when the rows are arange(0, n0, 1):
 * the wrapped columns (in [0, n1) by the clip) and the two lengths.
 */
function pairsIndex(idx: TensorVariable): { cols: TensorVariable; n0: TensorVariable; n1: TensorVariable; rows: TensorVariable } | null {
  const add = elem(idx, 'add');
  const mul = add && elem(add.inputs[0]!, 'mul');
  if (!add || !mul) return null;
  const cols = add.inputs[1]!;
  const colClip = clippedBelow(cols);
  const rowClip = clippedBelow(mul.inputs[0]!);
  if (!colClip || !rowClip || colClip.n !== mul.inputs[1]) return null;
  // wrap(i, n) = clip(switch(i < 0, i + n, i), 0, n - 1): arange's rows are never negative, and below n0 when m = n0
  // (only a test of i < 0 always takes i: another bound, i < 2, would take the other branch for some rows)
  const sw = elem(rowClip.inner, 'switch');
  const lt = sw && elem(sw.inputs[0]!, 'lt');
  if (!sw || !lt || lt.inputs[0] !== sw.inputs[2] || !isScalarValue(lt.inputs[1]!, 0) || !isArangeRows(sw.inputs[2]!)) return null;
  return { cols, n0: rowClip.n, n1: colClip.n, rows: sw.inputs[2]! };
}

export const pairsScatterElementwise: NodeRewriter = (node: Apply) => {
  if (!(node.op instanceof AdvancedIncSubtensor1) || node.op.set) return null;
  const [target, y, idx] = node.inputs as [TensorVariable, TensorVariable, TensorVariable];
  const d = target.dtype;
  if ((d !== 'float32' && d !== 'float64') || target.ndim !== 1 || y.ndim > 1) return null;
  const parts = pairsIndex(idx);
  if (!parts) return null;
  const n0 = scalarLength(parts.n0);
  const n1 = scalarLength(parts.n1);
  if (!n0 || !n1) return null;
  // one increment per row: as many rows picked (0, 1, ..., m - 1) as the matrix has
  if (!sameLength(lengthClass(parts.rows, 0), n0)) return null;
  // the target is the flattened (n0, n1) matrix, so that its (n0, n1) view is the matrix the index addresses
  const flat = lengthClass(target, 0);
  const isMatrix = flat.flattened.some((m) => sameLength(lengthClass(m, 0), n0) && sameLength(lengthClass(m, 1), n1));
  const staticSize = flat.value !== null && n0.value !== null && n1.value !== null && flat.value === n0.value * n1.value;
  if (!isMatrix && !staticSize) return null;
  const matrix = apply1(new ReshapeTo(), [target, parts.n0, parts.n1]);
  // int32 columns: int64 kernels take the CPU's slower path; wrapped columns are in [0, n1), and no array has 2^31 columns
  const columns = T.dimshuffle(T.arange(0, parts.n1, 1, { dtype: 'int32' }), ['x', 0]);
  // both read through the rows (get's MatchLength of rows and cols): lengths that differ fail with get's message and the scatter's, not an elementwise one
  const along = (v: TensorVariable, describe: (v: readonly (number | null)[], rows: readonly (number | null)[]) => string) => apply1(new MatchLength(0, 0, describe, 'pairs scatter'), [v, parts.rows]);
  const cols = along(parts.cols, (c, r) => `get: shape mismatch: the index arrays cannot be broadcast together (NumPy's IndexError): cols has shape (${c[0]},) and rows (${r[0]},); x.get(rows, cols) of a matrix pairs them one to one`);
  const picked = T.dimshuffle(cols.dtype === 'int32' ? cols : T.cast(cols, 'int32'), [0, 'x']);
  const hint = (n: number | null) => (n === 1 ? ` Its dimension 0 has length 1 but is not broadcastable: mark it so (dimshuffle with 'x', or shared(..., { broadcastable })).` : '');
  const each = y.ndim === 1 && !y.broadcastable[0] ? along(y, (v, r) => `incSubtensor into ${nameInError(target)} (${node.op}): ${nameInError(y)} of shape (${v[0]},) does not broadcast to the window's shape (${r[0]},).${hint(v[0] ?? null)}`) : y;
  const g = y.ndim === 0 ? y : T.dimshuffle(each, [0, 'x']);
  // the scatter adds the increment cast to x's dtype (exactly: it casts safely) and copies the other elements
  const incremented = T.add(matrix, g.dtype === d ? g : T.cast(g, d));
  return apply1(new Reshape([-1]), [T.switch(T.eq(columns, picked), incremented, matrix)]);
};

registerRewrite({ kind: 'node', name: 'pairs_scatter_elementwise', phase: 'specialize', tags: ['fast_run'], rewrite: pairsScatterElementwise });
