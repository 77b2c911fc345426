/**
 * Shared setup of the graph tests: the package under test (its sources) and
 * the reference CPU backend, which registers itself as `device=cpu`.
 *
 * The backend is loaded by path at run time, not declared as a dependency:
 * @sym/backend-cpu depends on @sym/graph, and a devDependency back would
 * make turbo's package graph cyclic (`turbo run build` refuses cycles).
 * Loading it dynamically also keeps graph's type check to graph's own code.
 */
import * as sym from '../src/index.js';

const backendUrl = new URL('../../backend-cpu/src/index.ts', import.meta.url).href;
const backendModule = (await import(/* @vite-ignore */ backendUrl)) as { cpu: sym.Backend & { liveBuffers(): number } };

/** The CPU backend instance registered as `device=cpu`. */
export const cpu = backendModule.cpu;
export { sym };
export const T = sym.T;

/** Evaluate a graph with no inputs synchronously on the CPU. */
export function ev(v: sym.TensorVariable): sym.NDArray {
  return v.evalSync();
}

/** Value and dtype, for compact assertions. */
export function val(a: sym.NDArray): { dtype: sym.DType; shape: readonly number[]; value: sym.NestedArray } {
  return { dtype: a.dtype, shape: a.shape, value: a.toArray() };
}
