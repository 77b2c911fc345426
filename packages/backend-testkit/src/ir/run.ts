/**
 * Running one `ir` case on a backend: its kernel straight through
 * `compile`, `run` and `read` (no graph, no optimizer), compared exactly
 * with `runKernelReference`, but for float sums, whose order is free.
 */
import type { Backend, DType, DeviceBuffer, ScalarExpr, TypedArray } from '@sym/graph';
import { NDArray, STORAGE, isFloat, kernelOutputSize, walkExpr } from '@sym/graph';
import { assertArrayClose } from '../compare.js';
import { EXACT, type Tolerance } from '../tolerance.js';
import type { IrCase } from './cases.js';
import { runKernelReference } from './reference.js';

/** The dtypes a case's kernel reads, computes in and writes. */
export function irCaseDTypes(c: IrCase): Set<DType> {
  const k = c.kernel;
  const found = new Set<DType>([...k.inputs, k.out]);
  if (k.kind === 'scatterAdd') return found;
  const exprs: ScalarExpr[] = k.kind === 'matmul' ? [] : [k.expr];
  if (k.kind !== 'elementwise') {
    found.add(k.acc);
    if (k.epilogue) {
      found.add(k.epilogue.value);
      exprs.push(k.epilogue.expr);
    }
  }
  for (const e of exprs) {
    walkExpr(e, (x) => {
      found.add(x.dtype);
      if (x.kind === 'apply') found.add(x.computeDType);
    });
  }
  return found;
}

function storage(dtype: DType, values: readonly number[]): TypedArray {
  const a = new STORAGE[dtype](values.length);
  a.set(values);
  return a;
}

/** Run the case's kernel on `backend`; throws an Error saying where its output differs from the reference. */
export async function runIrCase(backend: Backend, c: IrCase, tolerance: (op: string, dtype: DType) => Tolerance): Promise<void> {
  const k = c.kernel;
  const inputs = c.inputs.map((v, i) => storage(k.inputs[i]!, v));
  const expected = runKernelReference(k, inputs);
  const buffers: DeviceBuffer[] = [];
  try {
    const ins = inputs.map((data, i) => {
      const b = backend.alloc(k.inputs[i]!, data.length);
      buffers.push(b);
      backend.write(b, data);
      return b;
    });
    const output = backend.alloc(k.out, kernelOutputSize(k));
    buffers.push(output);
    backend.run([{ exe: backend.compile(k), inputs: ins, output }]);
    const actual = await backend.read(output);
    const shape = [expected.length];
    // a float fold may go in any order (and in float32 on a device without float64): the reduction's tolerance
    const floatFold = k.kind === 'scatterAdd' ? isFloat(k.out) : k.kind !== 'elementwise' && isFloat(k.acc);
    const tol = floatFold ? tolerance(k.kind === 'reduce' ? k.reducer : k.kind === 'scatterAdd' ? 'sum' : 'dot', k.out) : EXACT;
    assertArrayClose(new NDArray(actual, shape, k.out), new NDArray(expected, shape, k.out), c.name, { tolerance: tol });
  } finally {
    for (const b of buffers) backend.free(b);
  }
}
