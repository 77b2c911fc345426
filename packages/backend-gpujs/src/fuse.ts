/**
 * A matmul and the elementwise kernel after it (a bias and an activation)
 * in one kernel. On llvmpipe a kernel that reads the texture the previous
 * kernel drew waits for that draw to finish (~0.1 ms a dependency, whatever
 * the sizes), which is most of a small network's forward pass: W1's layers
 * are 4,000 and 1,000 elements. The fused kernel computes each dot product
 * where the elementwise kernel would have fetched it. (A reduction and the
 * elementwise kernel after it are fused in the kernel IR already, as the
 * reduction's epilogue; the IR has no matmul epilogue, hence this.)
 *
 * Only where the elementwise kernel reads each matmul output element once,
 * at its own output index (both laid out C-contiguously, the same size), so
 * no dot product is computed twice; the backend decides whether the matmul's
 * own output is still needed (`backend.ts`).
 */
import type { ElementwiseKernel, Kernel, MatmulKernel, ScalarExpr } from '@sym/graph';
import { kernelOutputSize, walkExpr } from '@sym/graph';
import type { Pass } from './split.js';
import { castTo, decompose, matmulLoop, matmulOutputOrder, offsetExpr, renderExpr } from './render.js';

/** Strides of a C-contiguous layout of `shape`. */
function contiguous(shape: readonly number[]): number[] {
  const strides: number[] = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return strides;
}

/** Whether `strides` walk `shape` C-contiguously (a dimension of size 1 may have any stride). */
function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  const want = contiguous(shape);
  return shape.every((n, d) => n === 1 || strides[d] === want[d]);
}

/** Whether the matmul writes its output C-contiguously over (batch, m, n). */
function writesContiguously(mm: MatmulKernel): boolean {
  try {
    const { dims } = matmulOutputOrder(mm);
    return dims.every((d, i) => i === 0 || d > dims[i - 1]!);
  } catch {
    return false;
  }
}

/**
 * Whether `ew` can compute the matmul's output where it reads its inputs
 * `xs` (the elementwise inputs bound to the matmul's output): every load of
 * them reads element t at output element t.
 */
export function canFuse(mm: MatmulKernel, ew: ElementwiseKernel, xs: ReadonlySet<number>): boolean {
  const size = ew.shape.reduce((a, b) => a * b, 1);
  if (xs.size === 0 || size !== mm.batch * mm.m * mm.n || size === 0 || !writesContiguously(mm)) return false;
  let aligned = true;
  walkExpr(ew.expr, (e: ScalarExpr) => {
    if (e.kind === 'load' && xs.has(e.input) && (e.offset !== 0 || !isContiguous(ew.shape, e.strides))) aligned = false;
  });
  return aligned;
}

/**
 * The fused kernel's source. Its arguments: A (`in0`) and B (`in1`), then
 * the elementwise inputs other than `xs`, in order (`inputOrder` gives
 * their elementwise input numbers).
 */
export function renderFused(mm: MatmulKernel, ew: ElementwiseKernel, xs: ReadonlySet<number>): { source: string; inputOrder: number[] } {
  const inputOrder = ew.inputs.map((_, i) => i).filter((i) => !xs.has(i));
  const renamed = new Map(inputOrder.map((i, j) => [i, j + 2]));
  const vars = ew.shape.map((_, d) => `i${d}`);
  const expr = renderExpr(
    ew.expr,
    (s, o) => offsetExpr(vars, s, o),
    (e, index) => (xs.has(e.input) ? 'mmv' : `in${renamed.get(e.input)}[${index}]`),
  );
  const params = ['in0', 'in1', ...inputOrder.map((_, j) => `in${j + 2}`)].join(', ');
  // the matmul's output index is the thread index: (batch, m, n) are its digits
  const source = `function (${params}) {
${decompose(ew.shape, vars, 't')}
${decompose([mm.batch, mm.m, mm.n], ['bx', 'mx', 'nx'], 'u')}
let s = 0.0;
${matmulLoop(mm)}
const mmv = ${castTo(mm.out, 's')};
return ${castTo(ew.out, expr)};
}`;
  return { source, inputOrder };
}

/** The fused kernel of matmul `mm` and elementwise `ew` as one pass, or null where they cannot fuse. */
export function planFused(mm: Kernel, ew: Kernel, xs: ReadonlySet<number>): { pass: Pass; inputOrder: number[] } | null {
  if (mm.kind !== 'matmul' || ew.kind !== 'elementwise' || !canFuse(mm, ew, xs)) return null;
  const { source, inputOrder } = renderFused(mm, ew, xs);
  const args = Array.from({ length: inputOrder.length + 2 }, (_, input) => ({ input }));
  return { pass: { source, size: kernelOutputSize(ew), args }, inputOrder };
}
