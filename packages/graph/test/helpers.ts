/**
 * Shared setup of the graph tests: the package under test (its sources) and
 * the reference CPU backend, which registers itself as `device=cpu`.
 *
 * The backend is loaded by path at run time, not declared as a dependency:
 * @sym/backend-cpu depends on @sym/graph, and a devDependency back would
 * make turbo's package graph cyclic (`turbo run build` refuses cycles).
 * Loading it dynamically also keeps graph's type check to graph's own code.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as sym from '../src/index.js';

const backendUrl = new URL('../../backend-cpu/src/index.ts', import.meta.url).href;
const backendModule = (await import(/* @vite-ignore */ backendUrl)) as { cpu: sym.Backend & { liveBuffers(): number } };

/** The CPU backend instance registered as `device=cpu`. */
export const cpu = backendModule.cpu;
export { sym };
export const T = sym.T;

/**
 * Collect, and let the finalizers run (they run as tasks after a
 * collection): functions and shared variables dropped by earlier tests give
 * their buffers back then, not in the middle of a test that counts them.
 */
export async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Evaluate a graph with no inputs synchronously on the CPU. */
export function ev(v: sym.TensorVariable): sym.NDArray {
  return v.evalSync();
}

/** Value and dtype, for compact assertions. */
export function val(a: sym.NDArray): { dtype: sym.DType; shape: readonly number[]; value: sym.NestedArray } {
  return { dtype: a.dtype, shape: a.shape, value: a.toArray() };
}

/** The value of a graph of constants through the ops' reference `perform`, node by node. */
export function reference(v: sym.TensorVariable): sym.NDArray {
  const values = new Map<sym.TensorVariable, sym.NDArray>();
  const valueOf = (x: sym.TensorVariable): sym.NDArray => {
    if (x instanceof sym.TensorConstant) return x.value;
    const have = values.get(x);
    if (!have) throw new Error(`reference: ${x} is neither a constant nor computed`);
    return have;
  };
  for (const node of sym.toposort([v])) {
    node.op.perform(node.inputs.map(valueOf), node).forEach((out, i) => values.set(node.outputs[i]!, out));
  }
  return valueOf(v);
}

function sameValues(a: sym.NDArray, b: sym.NDArray): boolean {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  for (let i = 0; i < a.size; i++) if (!Object.is(a.data[i], b.data[i]) && !(a.data[i] === b.data[i])) return false;
  return true;
}

/**
 * Evaluate a graph of constants twice, compiled for the CPU backend and
 * through the reference `perform`; they must agree exactly (NaN equals NaN).
 * Returns the CPU value.
 */
export function both(v: sym.TensorVariable): sym.NDArray {
  const compiled = v.evalSync();
  const ref = reference(v);
  if (!sameValues(compiled, ref)) {
    throw new Error(`backend and reference disagree for ${sym.pp(v)}:\n cpu ${compiled.repr()}\n ref ${ref.repr()}`);
  }
  return compiled;
}
