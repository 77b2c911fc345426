/** Test helpers: compile on the CPU backend, count nodes, compare results. */
import * as sym from '@sym/graph';
import { toposort, type FunctionOptions, type NDArray, type TensorVariable } from '@sym/graph';
import '@sym/backend-cpu';
import '../src/index.js';

export { sym };
export const T = sym.T;

/** Ops of the compiled graph, as debugprint names them, e.g. `Elemwise{log,no_inplace}`. */
export function opNames(outputs: TensorVariable | readonly TensorVariable[]): string[] {
  return toposort(Array.isArray(outputs) ? outputs : [outputs as TensorVariable]).map((n) => n.op.toString());
}

/** The same function compiled with every optimization (FAST_RUN) and with none (rewrites and fusion excluded). */
export function both(inputs: TensorVariable[], outputs: TensorVariable, options: FunctionOptions = {}) {
  const opt = sym.function(inputs, outputs, options);
  const plain = sym.function(inputs, outputs, { ...options, optimizer: { excluding: ['fast_run'] } });
  return { opt, plain };
}

export function values(r: NDArray | NDArray[]): number[][] {
  return (Array.isArray(r) ? r : [r]).map((a) => Array.from(a.data));
}

/** Elementwise closeness (NaNs equal), with a relative tolerance. */
export function close(a: readonly number[], b: readonly number[], rtol = 1e-9): boolean {
  return a.length === b.length && a.every((x, i) => (Number.isNaN(x) && Number.isNaN(b[i]!)) || Math.abs(x - b[i]!) <= rtol * (1 + Math.abs(b[i]!)));
}
