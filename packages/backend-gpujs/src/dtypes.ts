/**
 * The dtypes the gpu.js backend holds and the checks at its edges: every
 * value is a float32 on the GPU, so integers are exact only up to 2^24 and
 * float64 is refused.
 */
import { foldExpr, type DType, type Kernel, type ScalarExpr, type ScatterAddKernel, type SortKernel, type TypedArray } from '@sym/graph';

/** Integers (and indices) are exact in float32 up to this magnitude. */
export const MAX_EXACT_INT = 16777216;

/** The dtypes this backend holds: float32, and bool/integers as exact float32 values. */
export const GPUJS_DTYPES: readonly DType[] = ['float32', 'bool', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64'];

/** `data` as float32 values, refusing integers float32 does not hold exactly. */
export function floatFrom(data: TypedArray, dtype: DType, what: string): Float32Array {
  if (dtype === 'float32') return data instanceof Float32Array ? data : Float32Array.from(data);
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v > MAX_EXACT_INT || v < -MAX_EXACT_INT) {
      throw new RangeError(
        `${what}: ${dtype} value ${v} at index ${i} is outside ±${MAX_EXACT_INT}, the integers gpujs stores exactly (as float32); ` +
          'use device=cpu for integers this large.',
      );
    }
    out[i] = v;
  }
  return out;
}

/** Refuse a kernel that computes in float64, naming where. */
export function refuseFloat64(kernel: Exclude<Kernel, SortKernel | ScatterAddKernel>): void {
  const bad = (d: DType) => d === 'float64';
  const where: string[] = [];
  kernel.inputs.forEach((d, i) => bad(d) && where.push(`input ${i}`));
  if (bad(kernel.out)) where.push('output');
  const epilogue = kernel.kind === 'elementwise' ? undefined : kernel.epilogue;
  if (epilogue && bad(epilogue.value)) where.push(kernel.kind === 'matmul' ? 'the dot product' : 'the reduced value');
  const exprs = [...(kernel.kind === 'matmul' ? [] : [kernel.expr]), ...(epilogue ? [epilogue.expr] : [])];
  for (const expr of exprs) {
    // float64 literals are fine where they are converted to a float32 computation
    eachNode(expr, (e: ScalarExpr) => {
      if (e.kind === 'apply' && (bad(e.dtype) || bad(e.computeDType))) where.push(`${e.op}`);
      if (e.kind === 'load' && bad(e.dtype)) where.push(`a load of input ${e.input}`);
    });
  }
  if (where.length) {
    throw new TypeError(
      `gpujs: this ${kernel.kind} kernel computes in float64 (${[...new Set(where)].join(', ')}), which gpu.js cannot; ` +
        'gpujs computes in float32 only: set floatX=float32 (SYM_FLAGS=floatX=float32) or cast to float32.',
    );
  }
}

/**
 * Visit every node object of `root` once, operands first, left to right
 * (`walkExpr`'s order on a tree). A DAG, whose tree doubles per shared
 * level, costs its number of objects; no recursion, so no chain is too deep.
 */
function eachNode(root: ScalarExpr, f: (e: ScalarExpr) => void): void {
  const seen = new Map<ScalarExpr, true>();
  foldExpr(
    root,
    (e) => {
      f(e);
      seen.set(e, true);
      return true;
    },
    seen,
  );
}
