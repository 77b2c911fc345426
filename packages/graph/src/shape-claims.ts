/**
 * The lengths a graph claims its inputs have (`T.specifyShape(x, [2, 2])`,
 * conv2d's `inputShape`: a MatchLength of an input against a length known
 * when the graph is built), checked when a function makes the program for
 * a call's shapes. The MatchLength checks the length where it is lowered,
 * but FAST_RUN compiles a claimed length to a constant (shape_i_constant),
 * and a graph that reads only the length (`specifyShape(x, [2, 2]).shape`,
 * `x.sum() / specifyShape(x, [2, null]).shape[0]`) then holds no check: it
 * returned the claimed length for an input of another, where FAST_COMPILE
 * raised. The claims are found in the graph before any rewrite, so every
 * mode checks the same ones; only the shapes are read, once per program.
 */
import { MatchLength } from './ops/shape.js';
import { toposort } from './schedule.js';
import type { TensorVariable } from './variable.js';

/** An input's length the graph claims: the input's slot, its axis, the length, and the error. */
export interface ShapeClaim {
  readonly slot: number;
  readonly axis: number;
  readonly length: number;
  readonly describe: (shape: readonly number[]) => string;
}

/** The claims `graph` makes of the inputs `slotOf` numbers (explicit inputs, then shared variables). */
export function shapeClaims(graph: readonly TensorVariable[], slotOf: ReadonlyMap<TensorVariable, number>): ShapeClaim[] {
  const claims: ShapeClaim[] = [];
  for (const node of toposort(graph)) {
    const op = node.op;
    // a check that is not of equal lengths (a scan's rows, a window's fit) gives no length: the lowering checks it
    if (!(op instanceof MatchLength) || !op.equalLengths) continue;
    // a claim: the other's shape known when the graph is built (specifyShape's lengths), named whole in the error
    const other = node.inputs[1]!.staticShape;
    const length = other[op.otherAxis];
    if (typeof length !== 'number' || !other.every((n) => typeof n === 'number')) continue;
    // x through the checks before this one (specifyShape of a matrix checks each length in turn): the same values
    let x = node.inputs[0]!;
    while (x.owner?.op instanceof MatchLength) x = x.owner.inputs[0]!;
    const slot = slotOf.get(x);
    if (slot !== undefined) claims.push({ slot, axis: op.axis, length, describe: (shape) => op.describe(shape, other) });
  }
  return claims;
}

/** Each function's graph's claims, found at its first program. */
const claimsOf = new WeakMap<readonly TensorVariable[], readonly ShapeClaim[]>();

/**
 * Raise the error of the first claim of `graph` (a function's outputs and
 * updates before rewriting) that the call's input shapes do not meet;
 * `inputs` and `shapes`: the explicit inputs, then the shared variables.
 */
export function checkShapeClaims(graph: readonly TensorVariable[], inputs: readonly TensorVariable[], shapes: readonly (readonly number[])[]): void {
  let claims = claimsOf.get(graph);
  if (!claims) claimsOf.set(graph, (claims = shapeClaims(graph, new Map(inputs.map((v, i) => [v, i])))));
  for (const c of claims) {
    const shape = shapes[c.slot]!;
    if (shape[c.axis] !== c.length) throw new RangeError(c.describe(shape));
  }
}
