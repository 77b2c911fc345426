/**
 * The kernel IR's meaning, as code: runs an elementwise, reduce, matmul or
 * scatter-add kernel on host arrays, element by element, exactly as the doc comments of
 * `@sym/graph`'s kernel.ts define it (`SCALAR_OPS[op].impl` for scalar
 * math, `castScalar` for every conversion and store). It is the reference
 * of the `ir` group, whose kernels are built by hand to reach semantics the
 * lowering rarely or never emits; a backend author can also run a kernel of
 * their own through it to see what it must compute.
 */
import type { DType, ElementwiseKernel, Kernel, MatmulKernel, ReduceKernel, ScalarExpr, ScatterAddKernel, TypedArray } from '@sym/graph';
import { SCALAR_OPS, allocate, castScalar, kernelOutputSize, reduceIdentity } from '@sym/graph';

/** What an expression reads at one element: the launch's inputs, the element's multi-index and, in an epilogue, the reduced value. */
export interface ElementAt {
  /** The launch's input arrays, in kernel input order. */
  readonly inputs: readonly TypedArray[];
  /** The element's multi-index in the kernel's iteration shape. */
  readonly index: readonly number[];
  /** The reduced (or multiplied) value an epilogue reads; unused elsewhere. */
  readonly reduced: number;
}

function flat(strides: readonly number[], offset: number, index: readonly number[]): number {
  let i = offset;
  for (let d = 0; d < strides.length; d++) i += index[d]! * strides[d]!;
  return i;
}

/** The value of `e` at one element: a value of `e.dtype`. */
export function evaluateExpr(e: ScalarExpr, at: ElementAt): number {
  switch (e.kind) {
    case 'const':
      return e.value;
    case 'reduced':
      return at.reduced;
    case 'load':
      return at.inputs[e.input]![flat(e.strides, e.offset, at.index)]!;
    case 'gather':
      return at.inputs[e.input]![evaluateExpr(e.index, at)]!;
    case 'apply': {
      // a switch's condition is tested in its own dtype; every other argument is converted to computeDType
      const args = e.args.map((a, i) => (e.op === 'switch' && i === 0 ? evaluateExpr(a, at) : castScalar(evaluateExpr(a, at), e.computeDType)));
      return castScalar(SCALAR_OPS[e.op].impl(args, e.dtype, e.computeDType), e.dtype);
    }
  }
}

/** Each multi-index of `shape`, in C order. */
function forEachIndex(shape: readonly number[], f: (index: readonly number[]) => void): void {
  const size = shape.reduce((a, b) => a * b, 1);
  const index = shape.map(() => 0);
  for (let i = 0; i < size; i++) {
    f(index);
    for (let d = shape.length - 1; d >= 0 && ++index[d]! === shape[d]; d--) index[d] = 0;
  }
}

/** The scalar op each reducer folds with. */
const FOLDS = { sum: 'add', mean: 'add', prod: 'mul', max: 'maximum', min: 'minimum', any: 'or', all: 'and' } as const;

function epilogue(k: ReduceKernel | MatmulKernel, inputs: readonly TypedArray[], index: readonly number[], reduced: number): number {
  return k.epilogue ? evaluateExpr(k.epilogue.expr, { inputs, index, reduced: castScalar(reduced, k.epilogue.value) }) : reduced;
}

function elementwise(k: ElementwiseKernel, inputs: readonly TypedArray[], out: TypedArray): void {
  let o = 0;
  forEachIndex(k.shape, (index) => (out[o++] = castScalar(evaluateExpr(k.expr, { inputs, index, reduced: NaN }), k.out)));
}

function reduce(k: ReduceKernel, inputs: readonly TypedArray[], out: TypedArray): void {
  const count = k.reduceShape.reduce((a, b) => a * b, 1);
  const arg = k.reducer === 'argmax' || k.reducer === 'argmin';
  let o = 0;
  forEachIndex(k.shape, (outer) => {
    const at = [...outer];
    let acc = reduceIdentity(k.reducer, k.acc);
    let best = 0;
    let j = 0;
    forEachIndex(k.reduceShape, (inner) => {
      const v = castScalar(evaluateExpr(k.expr, { inputs, index: [...at, ...inner], reduced: NaN }), k.acc);
      if (!arg) acc = castScalar(SCALAR_OPS[FOLDS[k.reducer as keyof typeof FOLDS]].impl([acc, v], k.acc, k.acc), k.acc);
      // the first extreme, or the first NaN: once acc is NaN nothing replaces it
      else if (j === 0 || (acc === acc && (v !== v || (k.reducer === 'argmax' ? v > acc : v < acc)))) [acc, best] = [v, j];
      j++;
    });
    const value = arg ? best : k.reducer === 'mean' ? acc / count : acc;
    out[o++] = castScalar(epilogue(k, inputs, at, value), k.out);
  });
}

function matmul(k: MatmulKernel, inputs: readonly TypedArray[], out: TypedArray): void {
  const [a, b] = inputs as [TypedArray, TypedArray];
  const mul = SCALAR_OPS.mul.impl;
  forEachIndex([k.batch, k.m, k.n], ([bi, mi, ni]) => {
    let sum = 0;
    for (let q = 0; q < k.k; q++) {
      const x = castScalar(a[flat(k.a.strides, k.a.offset, [bi!, mi!, q])]!, k.acc);
      const y = castScalar(b[flat(k.b.strides, k.b.offset, [bi!, q, ni!])]!, k.acc);
      sum = castScalar(sum + castScalar(mul([x, y], k.acc, k.acc), k.acc), k.acc);
    }
    const o = k.epilogue ? (bi! * k.m + mi!) * k.n + ni! : flat(k.outStrides, 0, [bi!, mi!, ni!]);
    out[o] = castScalar(epilogue(k, inputs, [bi!, mi!, ni!], sum), k.out);
  });
}

/** The base converted, then each index's row added in index order, every sum stored into the accumulator. */
function scatterAdd(k: ScatterAddKernel, [base, values, indices]: readonly TypedArray[], out: TypedArray): void {
  const rows = k.shape[0]!;
  const row = out.length / Math.max(rows, 1);
  for (let i = 0; i < out.length; i++) out[i] = castScalar(base![k.base.offset + i * k.base.stride]!, k.out);
  for (let q = 0; q < k.count; q++) {
    const i = indices![k.indices.offset + q * k.indices.stride]!;
    const j = Math.min(Math.max(i < 0 ? i + rows : i, 0), rows - 1);
    for (let r = 0; r < row; r++) {
      const v = castScalar(values![k.values.offset + q * k.values.strides[0] + r * k.values.strides[1]]!, k.out);
      out[j * row + r] = castScalar(out[j * row + r]! + v, k.out);
    }
  }
}

/**
 * The output `kernel` computes from `inputs` (each in its dtype's storage,
 * `STORAGE[kernel.inputs[i]]`), in the storage of `kernel.out`. Sort
 * kernels are not covered: the sort group tests them through graphs.
 */
export function runKernelReference(kernel: Exclude<Kernel, { kind: 'sort' }>, inputs: readonly TypedArray[]): TypedArray {
  const out = allocate(kernel.out as DType, kernelOutputSize(kernel));
  if (kernel.kind === 'elementwise') elementwise(kernel, inputs, out);
  else if (kernel.kind === 'reduce') reduce(kernel, inputs, out);
  else if (kernel.kind === 'scatterAdd') scatterAdd(kernel, inputs, out);
  else matmul(kernel, inputs, out);
  return out;
}
