/**
 * Small and skinny matmuls as loop kernels. Packing operands for the gemm
 * costs O(MK + KN + MN) of JavaScript work per call; when the product is
 * small, or one side is thin (K of a few elements, or a handful of
 * outputs), that overhead is most of the call. The same product written
 * as an elementwise kernel (K unrolled: out = sum_k a_k * b_k) or as a
 * reduce kernel over K (one dot product per output) runs on the SIMD
 * vector kernels instead, reading operands in place.
 */
import type { ElementwiseKernel, LoadExpr, MatmulKernel, ReduceKernel, ScalarExpr } from '@sym/graph';

/** K up to this is unrolled into an elementwise kernel. */
export const UNROLL_MAX_K = 8;
/** Products with at most this many multiply-adds, or this few outputs, skip the gemm. */
const SMALL_WORK = 1 << 15;
const FEW_OUTPUTS = 256;

interface Dim {
  size: number;
  out: number;
  a: number;
  b: number;
}

/**
 * The output dimensions (batch, row, column) ordered so that the output is
 * C-contiguous over them, or null when its strides are not a dense layout.
 */
function outputDims(k: MatmulKernel): Dim[] | null {
  const dims: Dim[] = [
    { size: k.batch, out: k.outStrides[0], a: k.a.strides[0], b: k.b.strides[0] },
    { size: k.m, out: k.outStrides[1], a: k.a.strides[1], b: 0 },
    { size: k.n, out: k.outStrides[2], a: 0, b: k.b.strides[2] },
  ].filter((d) => d.size !== 1);
  dims.sort((x, y) => y.out - x.out);
  let expect = 1;
  for (let d = dims.length - 1; d >= 0; d--) {
    if (dims[d]!.out !== expect) return null;
    expect *= dims[d]!.size;
  }
  return dims;
}

function load(input: number, strides: number[], offset: number, k: MatmulKernel): LoadExpr {
  return { kind: 'load', input, strides, offset, dtype: k.inputs[input]! };
}

/**
 * The matmul as an elementwise or reduce kernel over float32, when that is
 * likely faster than the gemm; null otherwise. Only float32 products are
 * rewritten (the vector kernels are float32); the product of each pair is
 * rounded to float32 and sums accumulate in float32 (unrolled) or float64
 * (reduce), within the gemm's own float32 rounding.
 */
export function smallMatmulKernel(k: MatmulKernel): ElementwiseKernel | ReduceKernel | null {
  if (k.out !== 'float32' || k.inputs[0] !== 'float32' || k.inputs[1] !== 'float32') return null;
  if (k.k === 0 || k.m === 0 || k.n === 0 || k.batch === 0) return null;
  const dims = outputDims(k);
  if (!dims) return null;
  const shape = dims.map((d) => d.size);
  const aStrides = dims.map((d) => d.a);
  const bStrides = dims.map((d) => d.b);
  const inner = dims.length - 1;
  const [, , ak] = k.a.strides;
  const [, bk] = k.b.strides;
  const outputs = k.batch * k.m * k.n;
  const work = outputs * k.k;
  // vector kernels read the innermost dimension with stride 0 or 1
  const unit = (s: number) => s === 0 || s === 1;
  if (k.k <= UNROLL_MAX_K && (inner < 0 || (unit(aStrides[inner]!) && unit(bStrides[inner]!)))) {
    // the sum starts from +0, as the gemm's and BLAS's do: products that are all -0 sum to +0 (numpy.dot)
    let expr: ScalarExpr = { kind: 'const', value: 0, dtype: 'float32' };
    for (let q = 0; q < k.k; q++) {
      const term: ScalarExpr = {
        kind: 'apply',
        op: 'mul',
        args: [load(0, aStrides, k.a.offset + q * ak, k), load(1, bStrides, k.b.offset + q * bk, k)],
        computeDType: 'float32',
        dtype: 'float32',
      };
      expr = { kind: 'apply', op: 'add', args: [expr, term], computeDType: 'float32', dtype: 'float32' };
    }
    return { kind: 'elementwise', shape, inputs: k.inputs, out: 'float32', expr };
  }
  if ((work <= SMALL_WORK || outputs <= FEW_OUTPUTS) && unit(ak) && unit(bk)) {
    const expr: ScalarExpr = {
      kind: 'apply',
      op: 'mul',
      args: [load(0, [...aStrides, ak], k.a.offset, k), load(1, [...bStrides, bk], k.b.offset, k)],
      computeDType: 'float32',
      dtype: 'float32',
    };
    return { kind: 'reduce', shape, reduceShape: [k.k], reducer: 'sum', inputs: k.inputs, acc: 'float64', out: 'float32', expr };
  }
  return null;
}
