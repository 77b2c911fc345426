/**
 * DebugMode and NanGuardMode: after a call, every node's backend result is
 * checked (DebugMode: against the op's reference `perform`, and for NaN/Inf;
 * NanGuardMode: for NaN, Inf and huge values). A failed check raises before
 * updates commit, so shared variables stay as they were.
 *
 * Only the nodes Theano evaluates are checked: the program computes both
 * branches of an ifelse, but the branch not taken (its reads clamped, its
 * value dropped) is no node of Theano's run, nor is a value read for its
 * shape alone (ops/ifelse-select.ts).
 */
import { isFloat } from '../core/dtype.js';
import { NDArray, contiguousStrides, fromTyped, shapeToString } from '../core/ndarray.js';
import type { TypedArray } from '../core/dtype.js';
import type { Program } from '../kernel/schedule.js';
import { toposort } from '../kernel/schedule.js';
import { TensorConstant, type TensorVariable } from '../core/variable.js';
import type { Apply } from '../core/op.js';
import { branchTaken, readsShapeOnly } from '../ops/ifelse-select.js';
import { fillsShapeOf } from '../kernel/index-check-live.js';

export type ValueCheck = 'debug' | 'nanguard';

/** A node produced NaN/Inf (or a huge value under NanGuardMode). */
export class InvalidValueError extends Error {
  /** Always `'InvalidValueError'`. */
  override name = 'InvalidValueError';
}

/** A backend's result differs from the op's reference implementation. */
export class BadThunkOutput extends Error {
  /** Always `'BadThunkOutput'`. */
  override name = 'BadThunkOutput';
}

function indexOf(flat: number, shape: readonly number[]): string {
  const st = contiguousStrides(shape);
  return `(${shape.map((_, d) => Math.floor(flat / st[d]!) % shape[d]!).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

function summary(v: NDArray): string {
  return v.size <= 6 ? v.toString().replace(/\n\s*/g, ' ') : `array of shape ${shapeToString(v.shape)}`;
}

function close(a: number, b: number, dtype: NDArray['dtype']): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  if (!isFloat(dtype)) return false;
  const [rtol, atol] = dtype === 'float16' ? [1e-2, 1e-3] : dtype === 'float32' ? [1e-4, 1e-5] : [1e-7, 1e-10];
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

/**
 * The nodes whose values a lazy run computes, in order: walking back from
 * the outputs, an ifelse's select reads its condition and the branch taken
 * (by the condition's value in this call), a shape read reads no value.
 */
function nodesRun(outputs: readonly TensorVariable[], valueOf: (v: TensorVariable) => NDArray): Apply[] {
  const order = toposort(outputs);
  const read = new Set<TensorVariable>(outputs);
  const run = new Set<Apply>();
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    if (!node.outputs.some((o) => read.has(o))) continue;
    run.add(node);
    const taken = branchTaken(node, valueOf);
    node.inputs.forEach((v, i) => {
      // a fill reads its first operand's shape alone: Theano's DebugMode runs FAST_RUN's rewritten graph, where zerosLike(x[ids]) computes no x[ids]
      if (readsShapeOnly(node, i) || fillsShapeOf(node, i) || (taken !== undefined && i !== 0 && i !== taken)) return;
      read.add(v);
    });
  }
  return order.filter((n) => run.has(n));
}

export function checkProgramValues(
  check: ValueCheck,
  outputs: readonly TensorVariable[],
  program: Program,
  host: ReadonlyMap<number, ArrayLike<number>>,
  inputValues: ReadonlyMap<TensorVariable, NDArray>,
): void {
  const mode = check === 'debug' ? 'DebugMode' : 'NanGuardMode';
  const valueOf = (v: TensorVariable): NDArray => {
    if (v instanceof TensorConstant) return v.value;
    const given = inputValues.get(v);
    if (given) return given;
    const spec = program.nodeValues.get(v);
    if (!spec) throw new Error(`${mode}: no value recorded for ${v}`);
    return fromTyped(host.get(spec.buffer) as TypedArray, spec.shape, v.dtype);
  };
  for (const node of nodesRun(outputs, valueOf)) {
    const label = `${node.op.toString()}(${node.inputs.map((v) => v.toString()).join(', ')})`;
    const ins = node.inputs.map(valueOf);
    const outs = node.outputs.map(valueOf);
    const describeInputs = (): string => node.inputs.map((v, i) => `${v}=${summary(ins[i]!)}`).join(', ');
    const infinities = node.op.infinitiesByDesign?.() ?? false;
    outs.forEach((o, k) => {
      if (!isFloat(o.dtype)) return;
      for (let j = 0; j < o.size; j++) {
        const x = o.data[j]!;
        const inf = !Number.isFinite(x) && !Number.isNaN(x);
        const bad = Number.isNaN(x) ? 'nan' : inf ? (infinities ? null : x > 0 ? 'inf' : '-inf') : check === 'nanguard' && Math.abs(x) > 1e10 ? 'a huge value' : null;
        if (bad) {
          throw new InvalidValueError(`${mode}: ${label} produced ${bad} in output ${k} at index ${indexOf(j, o.shape)}; inputs: ${describeInputs()}`);
        }
      }
    });
    if (check !== 'debug') continue;
    node.op.perform(ins, node).forEach((r, k) => {
      const o = outs[k]!;
      if (r.shape.length !== o.shape.length || r.shape.some((d, i) => d !== o.shape[i])) {
        throw new BadThunkOutput(`${mode}: ${label} output ${k} has shape ${shapeToString(o.shape)} on the backend but ${shapeToString(r.shape)} in the reference`);
      }
      for (let j = 0; j < r.size; j++) {
        if (!close(o.data[j]!, r.data[j]!, r.dtype)) {
          throw new BadThunkOutput(
            `${mode}: ${label} output ${k} differs from the reference at index ${indexOf(j, r.shape)}: backend ${o.data[j]}, reference ${r.data[j]}; inputs: ${describeInputs()}`,
          );
        }
      }
    });
  }
}
