/**
 * Every scalar op of SCALAR_OPS, over every dtype, on operands of several
 * layouts: scalars, vectors, matrices read transposed, and broadcasting
 * (scalar with matrix, row with col, vector with matrix, 3-D with a
 * broadcastable dimension); and `switch` with a condition of another dtype
 * than its branches.
 */
import * as sym from '@sym/graph';
import type { DType, ScalarOpName, TensorVariable } from '@sym/graph';
import { SCALAR_OPS, SCALAR_OP_NAMES, array, castScalar, intRange, isFloat, isInt } from '@sym/graph';
import { describeOperand, operand, type OpCase, type OperandSpec } from '../case.js';
import { randomArray, type ValueRange } from '../rng.js';

/** A layout: operand specs and a short description. */
export interface Layout {
  readonly what: string;
  readonly operands: readonly OperandSpec[];
  /** Part of the quick suite (the layouts that exercise broadcasting and strides the most). */
  readonly quick?: boolean;
}

const UNARY: readonly Layout[] = [
  { what: 'scalar', operands: [{ shape: [] }] },
  { what: 'vector', operands: [{ shape: [7] }] },
  { what: 'transposed matrix', operands: [{ shape: [3, 4], transposed: true }], quick: true },
  { what: '3-D', operands: [{ shape: [2, 3, 4] }] },
];

const BINARY: readonly Layout[] = [
  { what: 'matrix with matrix', operands: [{ shape: [3, 4] }, { shape: [3, 4] }] },
  { what: 'scalar with matrix', operands: [{ shape: [] }, { shape: [3, 4] }] },
  {
    what: 'row with col',
    operands: [{ shape: [1, 4], broadcastable: [true, false] }, { shape: [3, 1], broadcastable: [false, true] }],
    quick: true,
  },
  { what: 'vector with matrix', operands: [{ shape: [4] }, { shape: [3, 4] }] },
  { what: '3-D with broadcastable 3-D', operands: [{ shape: [2, 3, 4] }, { shape: [2, 1, 4], broadcastable: [false, true, false] }] },
  { what: 'transposed matrix with matrix', operands: [{ shape: [3, 4], transposed: true }, { shape: [3, 4] }], quick: true },
];

const TERNARY: readonly Layout[] = [
  { what: 'matrices', operands: [{ shape: [3, 4] }, { shape: [3, 4] }, { shape: [3, 4] }] },
  { what: 'matrix, scalar, vector', operands: [{ shape: [3, 4] }, { shape: [] }, { shape: [4] }] },
  {
    what: '3-D, col, transposed matrix',
    operands: [{ shape: [2, 3, 4] }, { shape: [3, 1], broadcastable: [false, true] }, { shape: [3, 4], transposed: true }],
    quick: true,
  },
];

/** Which values each operand of an op draws (domains that keep results meaningful). */
export function operandRanges(op: ScalarOpName, dtype: DType): ValueRange[] {
  switch (op) {
    case 'log':
    case 'log1p':
    case 'sqrt':
      return ['positive'];
    case 'arcsin':
    case 'arccos':
      return ['unit'];
    case 'truediv':
    case 'intdiv':
    case 'mod':
      return ['full', 'positive'];
    case 'pow':
      // integer powers wrap (the special cases overflow them); here bases and exponents stay small
      return dtype.startsWith('int') || dtype.startsWith('uint') ? ['small', 'positive'] : ['small', 'small'];
    case 'add':
    case 'sub':
    case 'neg':
    case 'abs':
    case 'maximum':
    case 'minimum':
    case 'bitand':
    case 'bitor':
    case 'bitxor':
    case 'invert':
      return ['full', 'full'];
    case 'mul':
      // int64 lives in a float64: products of full-range values would round
      return dtype === 'int64' ? ['small', 'small'] : ['full', 'full'];
    default:
      return ['small', 'small', 'small'];
  }
}

/** Whether an op is defined on a dtype: the bitwise ops (`SCALAR_OPS[op].integers`) on integer dtypes only. */
export function definedOn(op: ScalarOpName, dtype: DType): boolean {
  return !SCALAR_OPS[op].integers || isInt(dtype);
}

/** The graph of one scalar op; `cast` is covered by the cast cases. */
export function applyScalarOp(op: ScalarOpName, args: readonly TensorVariable[]): TensorVariable {
  const T = sym.T;
  switch (op) {
    case 'switch':
      return T.switch_(args[0]!, args[1]!, args[2]!);
    case 'clip':
      return T.clip(args[0]!, args[1]!, args[2]!);
    default:
      return sym.elemwise(op, ...args);
  }
}

export function elemwiseCase(op: ScalarOpName, dtype: DType, layout: Layout): OpCase {
  const names = ['a', 'b', 'c'];
  const ops = layout.operands.map((spec, i) => operand(dtype, spec, names[i]!));
  const out = applyScalarOp(
    op,
    ops.map((o) => o.expr),
  );
  const ranges = operandRanges(op, dtype);
  const shapes = layout.operands.map(describeOperand).join(', ');
  return {
    group: 'elemwise',
    name: `${op} ${dtype}: ${layout.what} ${shapes}`,
    op,
    dtype,
    graph: {
      inputs: ops.map((o) => o.input),
      outputs: [out],
      labels: [`${op} -> ${out.dtype}`],
      values: (rng) => ops.map((o, i) => randomArray(rng, dtype, o.valueShape, ranges[Math.min(i, ranges.length - 1)]!)),
    },
  };
}

/** Every scalar op (but cast) on every dtype in every layout of its arity (`quick`: the quick layouts only), then the mixed-dtype switches. */
export function elemwiseCases(dtypes: readonly DType[], quick = false): OpCase[] {
  const cases: OpCase[] = [];
  for (const op of SCALAR_OP_NAMES) {
    if (op === 'cast') continue;
    const layouts = [UNARY, BINARY, TERNARY][SCALAR_OPS[op].arity - 1]!.filter((l) => !quick || l.quick);
    for (const dtype of dtypes.filter((d) => definedOn(op, d))) for (const layout of layouts) cases.push(elemwiseCase(op, dtype, layout));
  }
  // few and small: the quick suite keeps them all
  return [...cases, ...mixedSwitchCases(dtypes)];
}

/**
 * Condition values of dtype `c` whose truth a conversion to another dtype
 * would change: fractions and NaN (0 and false as integers), a tiny float
 * (0 in a narrower float) and integers that wrap to 0 in a narrower integer
 * dtype, among zeros, -0 and plain values. Subnormals stay out: GPUs may
 * flush them.
 */
export function switchConditions(c: DType): number[] {
  if (c === 'bool') return [1, 0, 0, 1, 1, 0];
  if (isFloat(c)) {
    const tiny = c === 'float64' ? 1e-300 : c === 'float32' ? 1e-30 : 1e-4;
    return [0.5, 0, NaN, -0, -0.25, tiny, Infinity, 0, -Infinity, 3];
  }
  const [lo, hi] = intRange(c);
  const wraps = [256, 65536, 2 ** 32, -256, -65536].filter((v) => v >= lo && v <= hi);
  return [1, 0, ...wraps, hi, 0, ...(lo < 0 ? [-1, lo] : [2])];
}

/** `switch` branches of dtype `d`, n elements each: 1, 2, ... where the condition holds, else values that differ from those. */
function switchBranches(d: DType, n: number): [number[], number[]] {
  if (d === 'bool') return [Array<number>(n).fill(1), Array<number>(n).fill(0)];
  const unsigned = !isFloat(d) && intRange(d)[0] === 0;
  return [
    Array.from({ length: n }, (_, i) => castScalar(i + 1, d)),
    Array.from({ length: n }, (_, i) => castScalar(unsigned ? 100 + i : -(i + 1), d)),
  ];
}

/**
 * `switch(c, a, b)` with a condition of dtype `c` and branches of dtype
 * `d`: the condition is tested as it is (NumPy's truthiness: NaN is true),
 * never converted to the branches' dtype the way other operands are to the
 * compute dtype.
 */
export function mixedSwitchCase(c: DType, d: DType): OpCase {
  const values = switchConditions(c);
  const n = values.length;
  const cond = sym.T.tensor(c, [false], 'c');
  const a = sym.T.tensor(d, [false], 'a');
  const b = sym.T.tensor(d, [false], 'b');
  const [av, bv] = switchBranches(d, n);
  const shown = values.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(', ');
  return {
    group: 'elemwise',
    name: `switch ${d}: ${c} condition [${shown}] with ${d} branches (${n},)`,
    op: 'switch',
    dtype: d,
    graph: {
      inputs: [cond, a, b],
      outputs: [sym.T.switch_(cond, a, b)],
      labels: [`switch(c as ${c}, a, b) -> ${d}`],
      values: () => [array(values, { dtype: c }), array(av, { dtype: d }), array(bv, { dtype: d })],
    },
  };
}

/** `switch` with its condition in every other dtype than its branches, for every pair of `dtypes`. */
export function mixedSwitchCases(dtypes: readonly DType[]): OpCase[] {
  return dtypes.flatMap((c) => dtypes.filter((d) => d !== c).map((d) => mixedSwitchCase(c, d)));
}
