/**
 * The checks a scan's lowering makes of each step (ops/scan.ts): its nodes
 * against the shapes their inputs have at that step, and its states against
 * the shapes they had before it.
 */
import type { Apply } from '../op.js';
import type { TensorView } from '../lower.js';
import { nameInError } from '../error-names.js';
import { shapeToString } from '../ndarray.js';
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
