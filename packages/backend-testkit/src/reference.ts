/**
 * The reference: a graph evaluated node by node with each op's `perform`
 * (plain TypeScript over typed arrays, declared once in @sym/graph). This is
 * the ground truth every backend is compared with.
 */
import type { DType, NDArray, TensorVariable } from '@sym/graph';
import { Elemwise, TensorConstant, TensorSharedVariable, toposort } from '@sym/graph';

/**
 * Values of `outputs` given values of the graph's leaves. Shared variables
 * not in `given` are read with `getValue()`, which needs a backend with
 * synchronous reads when a device holds their newest value: pass them in
 * `given` (from `getValueAsync`) otherwise.
 */
export function evaluateReference(outputs: readonly TensorVariable[], given: ReadonlyMap<TensorVariable, NDArray>): NDArray[] {
  const values = new Map<TensorVariable, NDArray>(given);
  const valueOf = (v: TensorVariable): NDArray => {
    const have = values.get(v);
    if (have) return have;
    if (v instanceof TensorConstant) return v.value;
    if (v instanceof TensorSharedVariable) {
      const s = v.getValue({ borrow: true });
      values.set(v, s);
      return s;
    }
    throw new Error(`reference: no value for ${v.toString()} (${v.type.toString()}), which the outputs need`);
  };
  for (const node of toposort(outputs)) {
    const outs = node.op.perform(node.inputs.map(valueOf), node);
    node.outputs.forEach((o, i) => values.set(o, outs[i]!));
  }
  return outputs.map(valueOf);
}

/**
 * Every dtype a graph's values have, leaves and node outputs (what a backend
 * must hold in buffers), and every dtype an elementwise op computes in
 * (NumPy compares int32 with float32 in float64, for a bool result). 0-d
 * constants are left out: kernels inline them.
 */
export function graphDTypes(outputs: readonly TensorVariable[]): Set<DType> {
  const ds = new Set<DType>();
  const add = (v: TensorVariable): void => {
    if (!(v instanceof TensorConstant && v.ndim === 0)) ds.add(v.dtype);
  };
  outputs.forEach(add);
  for (const node of toposort(outputs)) {
    node.inputs.forEach(add);
    node.outputs.forEach(add);
    if (node.op instanceof Elemwise) ds.add(node.op.dtypes(node.inputs).compute);
  }
  return ds;
}
