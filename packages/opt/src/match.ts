/** Small pattern-matching helpers the rewrites share. */
import { DimShuffle, Elemwise, Reduce, TensorConstant, type Apply, type Reducer, type ScalarOpName, type TensorVariable } from '@sym/graph';

/** The node computing `v` when it is an elementwise `op` (any scalar op when omitted). */
export function elem(v: TensorVariable, op?: ScalarOpName): Apply | null {
  const n = v.owner;
  if (!n || !(n.op instanceof Elemwise)) return null;
  return op === undefined || n.op.scalarOp === op ? n : null;
}

/** The scalar op of an elementwise node, or null. */
export function scalarOpOf(node: Apply): ScalarOpName | null {
  return node.op instanceof Elemwise ? node.op.scalarOp : null;
}

/** The node computing `v` when it is a reduction with `reducer`. */
export function reduction(v: TensorVariable, reducer: Reducer): Apply | null {
  const n = v.owner;
  return n && n.op instanceof Reduce && n.op.reducer === reducer ? n : null;
}

export function dimshuffleOf(v: TensorVariable): Apply | null {
  const n = v.owner;
  return n && n.op instanceof DimShuffle ? n : null;
}

/**
 * The value of a constant whose elements are all equal, looking through
 * `second(a, c)` (a fill with a constant). Null otherwise.
 */
export function uniformValue(v: TensorVariable): number | null {
  const fill = elem(v, 'second');
  if (fill) return uniformValue(fill.inputs[1]!);
  if (!(v instanceof TensorConstant) || v.value.size === 0) return null;
  const d = v.value.data;
  const first = d[0]!;
  for (let i = 1; i < d.length; i++) if (!Object.is(d[i], first) && d[i] !== first) return null;
  return first;
}

/** `v` is a constant (or fill) whose elements all equal `x`. */
export function isValue(v: TensorVariable, x: number): boolean {
  return uniformValue(v) === x;
}

export function isFloatVar(v: TensorVariable): boolean {
  return v.dtype === 'float32' || v.dtype === 'float64';
}
