/**
 * The checks a scan's lowering makes of each step (ops/scan.ts): its nodes
 * against the shapes their inputs have at that step, and its states against
 * the shapes they had before it.
 */
import type { Apply } from '../core/op.js';
import type { BufferView, LowerContext, TensorView } from '../kernel/lower.js';
import type { TensorVariable } from '../core/variable.js';
import { CheckIndex } from './check-index.js';
import { outputNeeds } from '../kernel/index-check-live.js';
import { nameInError } from '../core/error-names.js';
import { shapeToString } from '../core/ndarray.js';
import type { Scan } from './scan.js';

/** A state kept 'last' in place of its stack's `[-1]`, and the stack as the user's graph wrote it (for the index error of a loop of no steps). */
export interface ScanLastIndexed {
  readonly state: number;
  readonly stack: string;
}

/**
 * A step's node checked against the shapes its inputs have at this step
 * before it is lowered, as the schedule checks the outer graph's: an op's
 * lowering trusts its inputs to fit (a dot of a row of length 4 with a
 * (5, 2) matrix read 4 of its rows), so inputs that do not fit are an
 * error naming them (the op's inferShape throws), never a wrong result.
 */
export function checkShapes(node: Apply, inputs: readonly TensorView[]): void {
  node.op.inferShape(
    inputs.map((v) => v.shape),
    node,
  );
}

export function checkStateShape(op: Scan, i: number, before: readonly number[], after: readonly number[]): void {
  if (before.length !== after.length || before.some((d, k) => d !== after[k])) {
    throw new RangeError(
      `${op}: state ${i} (${nameInError(op.inner.outputs[i]!)}) changes shape from (${before.join(', ')}) to (${after.join(', ')}) in one step; ` +
        `a state must keep its shape (Theano raises the same)`,
    );
  }
}

/**
 * A state kept 'last' to stand for the stack's `[-1]` (opt's
 * scan_keep_last), after a loop of no steps: the index error the stack
 * would give (NumPy's), naming the stack as the unoptimized graph does,
 * not the initial value the state still holds.
 */
export function checkLastIndexed(op: Scan, n: number, inputs: readonly { readonly shape: readonly number[] }[]): void {
  const first = op.lastIndexed[0];
  if (n > 0 || first === undefined) return;
  const shape = [0, ...inputs[op.nSequences + first.state]!.shape];
  throw new RangeError(`Subtensor{-1}: index -1 is out of bounds for axis 0 with size 0, indexing ${first.stack} of shape ${shapeToString(shape)}`);
}

/**
 * A step's CheckIndex nodes read only inside an ifelse's branches (absent
 * from what the step's outputs need outside them): not checked, the step
 * lowering them as identities. The step's ifelses are not decided lazily
 * (function/lazy-branches.ts decides the outer graph's), and Theano's guard
 * `ifelse(k < n, x[k], -1)` never reads x[k] past the end: the kernels
 * clamp such an index.
 */
export function branchOnlyIndexChecks(outputs: readonly TensorVariable[], nodes: readonly Apply[]): Set<Apply> {
  if (!nodes.some((nd) => nd.op instanceof CheckIndex)) return new Set();
  const need = outputNeeds(outputs, nodes);
  return new Set(nodes.filter((nd) => nd.op instanceof CheckIndex && !need.has(nd)));
}

/**
 * A step's CheckIndex of an index that is one of the scan's sequences (a
 * sentence's word ids, the step reading one at a time): the sequence's
 * rows the loop visits checked as one: on the host where the sequence's
 * values are there (a function input: before the call), as the outer
 * graph's indices are, else by one flag kernel over those rows
 * (kernel/index-check-device.ts); each step's own row, a copy a kernel
 * makes, is not checked again. Called at the first step lowered (the
 * others replay it).
 */
export function checkSequenceIndex(ctx: LowerContext, node: Apply, inputs: readonly TensorView[], sequences: readonly TensorVariable[], outer: readonly TensorView[], visits: readonly number[]): void {
  if (!(node.op instanceof CheckIndex) || !ctx.checkIndex || visits.length === 0) return;
  const k = sequences.indexOf(node.inputs[0]!);
  const seq = outer[k];
  if (k < 0 || seq?.kind !== 'buffer') return;
  const lo = Math.min(...visits);
  const rows: BufferView = { ...seq, shape: [visits.length, ...seq.shape.slice(1)], offset: seq.offset + lo * seq.strides[0]! };
  const { axis, describe, nonNegative } = node.op;
  const x = inputs[1]!;
  // the step's variable: each step's read finds this check of every row by it (no check per step)
  ctx.checkIndex(
    rows,
    x.shape[axis]!,
    x.shape,
    (value, position, xShape) => describe(value, position.slice(1), xShape).replace(/ \(NumPy's IndexError\)$/, `, at step ${lo + position[0]!} of the scan (NumPy's IndexError)`),
    node.inputs[0],
    nonNegative,
  );
}
