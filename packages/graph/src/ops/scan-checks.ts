/**
 * The checks a scan's lowering makes of each step (ops/scan.ts): its nodes
 * against the shapes their inputs have at that step, and its states against
 * the shapes they had before it.
 */
import type { Apply } from '../op.js';
import type { TensorView } from '../lower.js';
import { nameInError } from '../error-names.js';
import type { Scan } from './scan.js';

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
