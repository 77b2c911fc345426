/**
 * The `ir` group: kernels built by hand, each aimed at one rule of the
 * kernel IR that graphs reach rarely or never, because the lowering only
 * converts where the value survives (a widening, a literal that fits): the
 * conversion of arguments to `computeDType`, of an apply's result to its
 * `dtype`, of every store to `out`, of each reduced value to `acc` and of
 * the reduced value to an epilogue's `value`; constants of another dtype
 * than the op computes in; integer folds that wrap; float32 steps that
 * round; empty reductions; loads walking backwards (in every kind of kernel). A backend that skips a
 * rule passes every graph case and fails here, naming the rule.
 */
import type { ApplyExpr, ConstExpr, DType, ElementwiseKernel, LoadExpr, MatmulKernel, ReduceKernel, Reducer, ScalarExpr, ScatterAddKernel } from '@sym/graph';
import type { ScalarOpName } from '@sym/graph';
import { contiguousStrides } from '@sym/graph';

/** A kernel-IR case: one kernel and its inputs, run on the backend and on the IR reference. */
export interface IrCase {
  /** Unique and informative: what the kernel does, dtypes. */
  readonly name: string;
  /** The kernel to compile and launch. */
  readonly kernel: ElementwiseKernel | ReduceKernel | MatmulKernel | ScatterAddKernel;
  /** The input arrays, as plain numbers of each input's dtype. */
  readonly inputs: readonly (readonly number[])[];
}

// ------------------------------------------------------------ expression builders

function load(input: number, dtype: DType, strides: readonly number[], offset = 0): LoadExpr {
  return { kind: 'load', input, dtype, strides, offset };
}

function konst(value: number, dtype: DType): ConstExpr {
  return { kind: 'const', value, dtype };
}

function apply(op: ScalarOpName, args: readonly ScalarExpr[], computeDType: DType, dtype: DType = computeDType): ApplyExpr {
  return { kind: 'apply', op, args, computeDType, dtype };
}

/** A kernel over a vector of `n`: out[i] = expr(i), each input read at i. */
function vectorKernel(n: number, inputs: readonly DType[], out: DType, expr: (loads: LoadExpr[]) => ScalarExpr): ElementwiseKernel {
  return { kind: 'elementwise', shape: [n], inputs, out, expr: expr(inputs.map((d, i) => load(i, d, [1]))) };
}

/** A reduction of each row of an (rows, cols) input 0 of `input` dtype, read in place and converted to `acc`. */
function rowReduce(reducer: Reducer, rows: number, cols: number, input: DType, acc: DType, out: DType, epilogue?: ReduceKernel['epilogue']): ReduceKernel {
  return { kind: 'reduce', shape: [rows], reduceShape: [cols], reducer, inputs: [input], acc, out, expr: load(0, input, [cols, 1]), ...(epilogue ? { epilogue } : {}) };
}

// ------------------------------------------------------------ the cases

function elementwiseCases(): IrCase[] {
  return [
    {
      name: 'arguments convert to computeDType: float32 + float32 computed in int32 truncates each argument first',
      kernel: vectorKernel(4, ['float32', 'float32'], 'int32', ([a, b]) => apply('add', [a!, b!], 'int32')),
      inputs: [
        [1.75, -1.75, 2.5, 0.5],
        [1.75, -1.75, -2.5, 0.5],
      ],
    },
    {
      name: 'arguments convert to computeDType: int32 compared in uint32 wraps negatives (integers past 2^24)',
      kernel: vectorKernel(4, ['int32'], 'bool', ([a]) => apply('gt', [a!, konst(10, 'uint32')], 'uint32', 'bool')),
      inputs: [[-1, 5, 11, -2147483648]],
    },
    {
      name: "an apply's result is stored into its dtype before the next op reads it: float32 sum kept as int32",
      kernel: vectorKernel(3, ['float32', 'float32'], 'float32', ([a, b]) => apply('mul', [apply('add', [a!, b!], 'float32', 'int32'), konst(2, 'float32')], 'float32')),
      inputs: [
        [1.5, -1.5, 0.25],
        [1, -1, 0.5],
      ],
    },
    {
      name: "an apply's result is stored into its dtype before the next op reads it: int32 difference kept as uint32 (integers past 2^24)",
      kernel: vectorKernel(3, ['int32', 'int32'], 'float32', ([a, b]) => apply('mul', [apply('sub', [a!, b!], 'int32', 'uint32'), konst(0.5, 'float32')], 'float32')),
      inputs: [
        [2, 20, 0],
        [5, 3, 1],
      ],
    },
    // ops a shader compiler may not reorder or contract (it may fold (x + 1) - x to 1, or x * y - z to a fused multiply-add)
    {
      name: 'float32 sums round at every step: floor(x + 0.5) of the largest float32 below 0.5 is 1',
      kernel: vectorKernel(3, ['float32'], 'float32', ([a]) => apply('floor', [apply('add', [a!, konst(0.5, 'float32')], 'float32')], 'float32')),
      inputs: [[0.49999997, 1.25, -0.5]],
    },
    {
      name: 'float32 products round at every step: (1 + 2^-12)^2 is 1 + 2^-11',
      kernel: vectorKernel(2, ['float32', 'float32'], 'bool', ([a, b]) => apply('eq', [apply('mul', [a!, a!], 'float32'), b!], 'float32', 'bool')),
      inputs: [
        [1 + 2 ** -12, 3],
        [1 + 2 ** -11, 9],
      ],
    },
    {
      name: 'float32 products overflow to infinity at every step: 1e20 * 1e20 equals 2e20 * 2e20',
      kernel: vectorKernel(2, ['float32', 'float32'], 'bool', ([a, b]) => apply('eq', [apply('mul', [a!, a!], 'float32'), apply('mul', [b!, b!], 'float32')], 'float32', 'bool')),
      inputs: [
        [1e20, 3],
        [2e20, -3],
      ],
    },
    {
      name: 'a kernel stores its expression into its out dtype: int32 values into uint32 (integers past 2^24)',
      kernel: vectorKernel(3, ['int32'], 'uint32', ([a]) => apply('add', [a!, konst(-2, 'int32')], 'int32')),
      inputs: [[1, 0, 7]],
    },
    {
      name: 'a kernel stores its expression into its out dtype: float32 values into int32 truncate',
      kernel: vectorKernel(4, ['float32'], 'int32', ([a]) => apply('mul', [a!, konst(1.5, 'float32')], 'float32')),
      inputs: [[1.5, -1.5, 2, -0.5]],
    },
    {
      name: 'a kernel stores its expression into its out dtype: int32 values into bool',
      kernel: vectorKernel(3, ['int32'], 'bool', ([a]) => apply('sub', [a!, konst(1, 'int32')], 'int32')),
      inputs: [[1, 4, -7]],
    },
    {
      name: 'a kernel stores its expression into its out dtype: int32 values into float32 round (integers past 2^24)',
      kernel: vectorKernel(2, ['int32'], 'float32', ([a]) => apply('add', [a!, konst(1, 'int32')], 'int32')),
      inputs: [[16777216, 2147483646]],
    },
    {
      name: 'a constant of another dtype converts to computeDType: uint32 x + int32 -1 wraps to x - 1 (integers past 2^24)',
      kernel: vectorKernel(3, ['uint32'], 'uint32', ([a]) => apply('add', [a!, konst(-1, 'int32')], 'uint32')),
      inputs: [[5, 0, 4294967295]],
    },
    {
      name: 'a constant of another dtype converts to computeDType: float32 2.5 in int32 is 2',
      kernel: vectorKernel(3, ['int32'], 'int32', ([a]) => apply('mul', [a!, konst(2.5, 'float32')], 'int32')),
      inputs: [[3, -3, 0]],
    },
    {
      name: 'loads walk backwards: negative strides from the last element',
      kernel: { kind: 'elementwise', shape: [2, 3], inputs: ['float32', 'int32'], out: 'float32', expr: apply('add', [load(0, 'float32', [-3, -1], 5), load(1, 'int32', [1, -2], 4)], 'float32') },
      inputs: [
        [0.5, 1.5, 2.5, 3.5, 4.5, 5.5],
        [10, 20, 30, 40, 50, 60],
      ],
    },
  ];
}

function reduceCases(): IrCase[] {
  return [
    {
      name: 'each value converts to acc: float32 values summed in int32 truncate one by one',
      kernel: rowReduce('sum', 3, 3, 'float32', 'int32', 'int32'),
      inputs: [[1.5, 1.5, 1.5, -0.75, 2.75, 0.5, -1.5, 0.5, 0.5]],
    },
    {
      name: 'an int32 sum wraps (integers past 2^24)',
      kernel: rowReduce('sum', 2, 3, 'int32', 'int32', 'int32'),
      inputs: [[2147483647, 1, 5, -2147483648, -1, 1]],
    },
    {
      name: 'an int32 product wraps at every step (integers past 2^24)',
      // the last row's exact product is past 2^53, where doubles round
      kernel: rowReduce('prod', 3, 3, 'int32', 'int32', 'int32'),
      inputs: [[65536, 65536, 3, 46341, 46341, -1, 2147483647, 2147483647, 3]],
    },
    {
      name: 'a uint32 sum wraps (integers past 2^24)',
      kernel: rowReduce('sum', 1, 3, 'uint32', 'uint32', 'uint32'),
      inputs: [[4294967295, 2, 3]],
    },
    {
      name: 'max of float32 values converted to int32',
      kernel: rowReduce('max', 2, 2, 'float32', 'int32', 'int32'),
      inputs: [[1.9, 1.2, -0.5, -1.5]],
    },
    {
      name: 'mean of int32 values in float32',
      kernel: rowReduce('mean', 2, 2, 'int32', 'float32', 'float32'),
      inputs: [[1, 2, -3, 6]],
    },
    {
      name: 'all of float32 values converted to bool: -0 and 0 are false, 0.25 true',
      kernel: rowReduce('all', 3, 2, 'float32', 'bool', 'bool'),
      inputs: [[0.5, -0, 0.25, 3, 0, 0]],
    },
    {
      name: 'any of int32 values converted to bool',
      kernel: rowReduce('any', 3, 2, 'int32', 'bool', 'bool'),
      inputs: [[0, -2, 0, 0, 7, 1]],
    },
    {
      name: 'the reduced value converts to the epilogue value dtype: int32 sums as bool, added in int32',
      kernel: rowReduce('sum', 3, 2, 'int32', 'int32', 'int32', {
        value: 'bool',
        expr: apply('add', [{ kind: 'reduced', dtype: 'bool' }, { kind: 'reduced', dtype: 'bool' }], 'int32'),
      }),
      inputs: [[1, -1, 2, 0, -3, -4]],
    },
    {
      name: 'the reduced value converts to the epilogue value dtype: a float64 sum rounded to float32',
      kernel: rowReduce('sum', 1, 2, 'float32', 'float64', 'float64', {
        value: 'float32',
        expr: apply('sub', [{ kind: 'reduced', dtype: 'float32' }, konst(1, 'float64')], 'float64'),
      }),
      inputs: [[1, 2 ** -30]],
    },
    ...(['sum', 'prod', 'max', 'min', 'any', 'all', 'argmax', 'argmin'] as const).map((r): IrCase => {
      const acc: DType = r === 'any' || r === 'all' ? 'bool' : 'int32';
      const out: DType = r === 'argmax' || r === 'argmin' ? 'int32' : acc;
      return { name: `an empty ${r} over int32 yields the identity${r === 'max' || r === 'min' ? ' (integers past 2^24)' : ''}`, kernel: rowReduce(r, 2, 0, 'int32', acc, out), inputs: [[]] };
    }),
    ...(['max', 'min'] as const).map((r): IrCase => ({ name: `an empty ${r} over float32 yields the identity (an infinity)`, kernel: rowReduce(r, 2, 0, 'float32', 'float32', 'float32'), inputs: [[]] })),
    { name: 'an empty mean is NaN (0 / 0)', kernel: rowReduce('mean', 2, 0, 'float32', 'float32', 'float32'), inputs: [[]] },
    {
      name: 'reduction loads walk backwards: x[::-1, ::-1] summed along rows, negative strides from the last element',
      kernel: { ...rowReduce('sum', 3, 4, 'int32', 'int32', 'int32'), expr: load(0, 'int32', [-4, -1], 11) },
      inputs: [range(12, (i) => i * i - 7 * i)],
    },
    {
      name: 'reduction loads walk backwards: argmax along a reversed axis finds the first extreme in the reversed order',
      kernel: { ...rowReduce('argmax', 2, 4, 'int32', 'int32', 'int32'), expr: load(0, 'int32', [4, -1], 3) },
      inputs: [[5, 9, 9, 1, 7, 7, -2, 7]],
    },
  ];
}

function matmulCases(): IrCase[] {
  const mm = (m: number, n: number, k: number, acc: DType, out: DType, epilogue?: MatmulKernel['epilogue']): MatmulKernel => {
    return {
      kind: 'matmul',
      batch: 1,
      m,
      n,
      k,
      inputs: ['int32', 'int32'],
      acc,
      out,
      a: { strides: [0, k, 1], offset: 0 },
      b: { strides: [0, n, 1], offset: 0 },
      outStrides: contiguousStrides([1, m, n]) as [number, number, number],
      ...(epilogue ? { epilogue } : {}),
    };
  };
  return [
    {
      // the second row's products are past 2^53, where doubles round before the wrap
      name: 'int32 products and sums wrap at every step: a 2x2 by 2x2 product (integers past 2^24)',
      kernel: mm(2, 2, 2, 'int32', 'int32'),
      inputs: [
        [65536, 46341, 2147483647, 2147483647],
        [32768, 2147483647, 46341, 3],
      ],
    },
    {
      name: 'matmul operands walk backwards: a[::-1, ::-1] (2x3) by b[:, ::-1] (3x2), negative strides from their last elements',
      kernel: { ...mm(2, 2, 3, 'int32', 'int32'), a: { strides: [0, -3, -1], offset: 5 }, b: { strides: [0, 2, -1], offset: 1 } },
      inputs: [
        [1, -2, 3, 4, 5, -6],
        [7, 8, -9, 10, 11, 12],
      ],
    },
    {
      name: 'matmul operands walk backwards: float32 5x9 by 9x6 (vectors of the packed operands), batches reversed too',
      kernel: {
        ...mm(5, 6, 9, 'float32', 'float32'),
        batch: 2,
        inputs: ['float32', 'float32'],
        a: { strides: [-45, -9, 1], offset: 45 + 36 },
        b: { strides: [54, 6, -1], offset: 5 },
        outStrides: contiguousStrides([2, 5, 6]) as [number, number, number],
      },
      inputs: [range(90, (i) => ((i * 7) % 13) - 6), range(108, (i) => ((i * 5) % 11) / 4 - 1)],
    },
    {
      // past 64^3 multiply-adds WebGPU tiles the product (staging k-contiguous operands as vectors), past a k of 512 and m * n it splits k
      name: 'matmul operands walk backwards: float32 40x70 by 70x100 (tiled on a GPU), rows of a and columns of b reversed',
      kernel: { ...mm(40, 100, 70, 'float32', 'float32'), inputs: ['float32', 'float32'], a: { strides: [0, -70, 1], offset: 39 * 70 }, b: { strides: [0, 100, -1], offset: 99 } },
      inputs: [range(2800, (i) => ((i * 7) % 17) / 8 - 1), range(7000, (i) => ((i * 5) % 13) / 4 - 1.5)],
    },
    {
      name: 'matmul operands walk backwards: float32 8x4096 by 4096x8 (k split on a GPU), k reversed on both operands',
      kernel: { ...mm(8, 8, 4096, 'float32', 'float32'), inputs: ['float32', 'float32'], a: { strides: [0, 4096, -1], offset: 4095 }, b: { strides: [0, -8, 1], offset: 4095 * 8 } },
      inputs: [range(8 * 4096, (i) => ((i * 3) % 11) / 4 - 1), range(8 * 4096, (i) => ((i * 5) % 7) / 2 - 1.5)],
    },
    {
      name: 'a matmul epilogue sees the reduced value in its value dtype: int32 dots as bool',
      kernel: mm(1, 2, 2, 'int32', 'int32', { value: 'bool', expr: apply('add', [{ kind: 'reduced', dtype: 'bool' }, konst(1, 'int32')], 'int32') }),
      inputs: [
        [1, 1],
        [1, 2, -1, 3],
      ],
    },
  ];
}

/** A scatter-add into `rows` rows of `row` elements, of `count` indices; contiguous operands unless `over` says otherwise. */
function scatter(rows: number, row: number, count: number, inputs: readonly [DType, DType], out: ScatterAddKernel['out'], over: Partial<ScatterAddKernel> = {}): ScatterAddKernel {
  return {
    kind: 'scatterAdd',
    shape: row === 1 ? [rows] : [rows, row],
    count,
    inputs: [...inputs, 'int32'],
    base: { offset: 0, stride: 1 },
    values: { offset: 0, strides: [row, 1] },
    indices: { offset: 0, stride: 1 },
    out,
    ...over,
  };
}

const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

/** Scatter-add kernels (only for a backend listing `'scatterAdd'` in `BackendInfo.kernels`). */
export function scatterAddCases(): IrCase[] {
  return [
    {
      name: 'scatterAdd float32: repeated, negative (counted from the end) and out-of-range (clamped) indices add up',
      kernel: scatter(4, 3, 6, ['float32', 'float32'], 'float32'),
      inputs: [range(12, (i) => i / 4), range(18, (i) => (i % 5) - 2.5), [3, -1, 0, 7, -9, 1]],
    },
    {
      name: 'scatterAdd int32: an integer sum wraps at 32 bits; int8 values convert to the accumulator first',
      kernel: scatter(2, 2, 3, ['int32', 'int8'], 'int32'),
      inputs: [[2147483647, -2147483648, 5, -5], [1, -1, 127, -128, 100, 100], [0, 0, 1]],
    },
    {
      name: 'scatterAdd uint32: one base value everywhere (stride 0), one row for every index (stride 0), uint16 operands',
      kernel: scatter(3, 4, 4, ['uint16', 'uint16'], 'uint32', { base: { offset: 2, stride: 0 }, values: { offset: 4, strides: [0, 1] } }),
      inputs: [[9, 9, 65535], range(8, (i) => 65535 - i), [2, 2, -1, 0]],
    },
    {
      name: 'scatterAdd float32: a value per index broadcast along its row, indices read with a stride and an offset',
      kernel: scatter(5, 2, 3, ['float32', 'float32'], 'float32', { values: { offset: 1, strides: [2, 0] }, indices: { offset: 1, stride: 2 } }),
      inputs: [range(10, (i) => -i), [0, 0.5, 0, 1.5, 0, -3], [9, 4, 9, 4, 9, -5]],
    },
    {
      name: 'scatterAdd float32: values and indices read backwards (negative strides from their last elements)',
      kernel: scatter(3, 2, 4, ['float32', 'float32'], 'float32', { values: { offset: 7, strides: [-2, -1] }, indices: { offset: 3, stride: -1 } }),
      inputs: [range(6, (i) => i), range(8, (i) => i * 0.5 - 1), [0, 2, -1, 1]],
    },
    {
      name: 'scatterAdd int32 from int16: no indices leaves the base, converted',
      kernel: scatter(3, 2, 0, ['int16', 'int16'], 'int32'),
      inputs: [[-32768, 32767, 0, 1, -1, 7], [], []],
    },
    {
      name: 'scatterAdd int64: negative values and wide sums',
      kernel: scatter(2, 1, 5, ['int64', 'int64'], 'int64'),
      inputs: [[4294967296, -1], [4294967295, 1, -4294967297, -3, 2 ** 40], [0, 1, 1, 0, 0]],
    },
  ];
}

/** Every case of the group (the runner skips those whose dtypes the backend does not hold). */
export function irCases(): IrCase[] {
  return [...elementwiseCases(), ...reduceCases(), ...matmulCases(), ...scatterAddCases()];
}
