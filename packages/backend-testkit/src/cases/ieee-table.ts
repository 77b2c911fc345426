/**
 * The `ieee` group's tables: a small graph over fixed inputs, with NumPy
 * 2.4's outputs written out beside it. The cases compare a backend with the
 * reference `perform`, bit for bit (`OpCase.bitwise`); ieee-table.test.ts
 * holds the reference to the NumPy values, so a table is NumPy's twice over.
 * Each output's label is the NumPy expression that gives it, over the
 * inputs' names (`np.*`, Python literals weak as NEP 50 makes them).
 */
import * as sym from '@sym/graph';
import type { DType, NDArray, TensorVariable } from '@sym/graph';
import { array } from '@sym/graph';
import type { OpCase } from '../case.js';

/** One input of a table: its dtype (`'*'`: the table's dtype of the case), shape (default: a vector) and values. */
export interface EdgeInput {
  /** The name the graph and the labels give it. */
  readonly name: string;
  /** Its dtype, or `'*'` for the case's dtype. */
  readonly dtype: DType | '*';
  /** Its values, flat, in row-major order. */
  readonly values: readonly number[];
  /** Its shape (default `[values.length]`). */
  readonly shape?: readonly number[];
}

/** A table of edge values: one case per dtype in `dtypes`. */
export interface EdgeTable {
  /** What the case checks; the case is named `ieee: <name> (<dtype>)`. */
  readonly name: string;
  /** The op the case is about (what `skip` sees). */
  readonly op: string;
  /** The dtypes it runs in, one case each (`'*'` inputs take it). */
  readonly dtypes: readonly DType[];
  /** The inputs, in order. */
  readonly inputs: readonly EdgeInput[];
  /** The outputs over the inputs (by name), each with the NumPy expression that gives it. */
  readonly outputs: (v: Readonly<Record<string, TensorVariable>>, dtype: DType) => readonly (readonly [string, TensorVariable])[];
  /** NumPy 2.4's values of the outputs, flat; a function of the dtype where they differ between dtypes. */
  readonly numpy: readonly (readonly number[])[] | ((dtype: DType) => readonly (readonly number[])[]);
}

const inputDType = (i: EdgeInput, dtype: DType): DType => (i.dtype === '*' ? dtype : i.dtype);

/** The input values of `t`'s case in `dtype`. */
export function edgeValues(t: EdgeTable, dtype: DType): NDArray[] {
  return t.inputs.map((i) => array([...i.values], { dtype: inputDType(i, dtype), shape: [...(i.shape ?? [i.values.length])] }));
}

/** NumPy's outputs of `t` in `dtype`. */
export function edgeNumpy(t: EdgeTable, dtype: DType): readonly (readonly number[])[] {
  return typeof t.numpy === 'function' ? t.numpy(dtype) : t.numpy;
}

/** The case of `t` in `dtype`: compared bit for bit with the reference. */
export function edgeCase(t: EdgeTable, dtype: DType): OpCase {
  const vars: Record<string, TensorVariable> = {};
  const inputs = t.inputs.map((i) => {
    const ndim = (i.shape ?? [i.values.length]).length;
    return (vars[i.name] = sym.T.tensor(inputDType(i, dtype), new Array<boolean>(ndim).fill(false), i.name));
  });
  const outs = t.outputs(vars, dtype);
  return {
    group: 'ieee',
    name: `ieee: ${t.name} (${dtype})`,
    op: t.op,
    dtype,
    bitwise: true,
    graph: { inputs, outputs: outs.map(([, o]) => o), labels: outs.map(([l]) => l), values: () => edgeValues(t, dtype) },
  };
}

/** A 0-d constant of `dtype`: kernels hold it as a literal, which shader compilers fold (x / 0.0 to 0, x * 0.0 to 0). */
export function literal(value: number, dtype: DType): TensorVariable {
  return sym.T.constant(array(value, { dtype }));
}
