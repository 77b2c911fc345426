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
import { fill, shapeToString, type NDArray } from '../core/ndarray.js';
import type { Scan } from './scan.js';
import { IfElseSelect } from './ifelse-select.js';
import type { IndexGuard } from '../kernel/index-check-device.js';

/** A state kept 'last' in place of its stack's `[-1]`, and the stack as the user's graph wrote it (for the index error of a loop of no steps). */
export interface ScanLastIndexed {
  /** The state's position among the scan's states. */
  readonly state: number;
  /** How errors name the stack (as the unoptimized graph's `[-1]` would): a loop of no steps raises NumPy's index error naming it. */
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
 * from what the step's outputs need outside them): not checked as the
 * others are, the step lowering them as identities. The step's ifelses are
 * not decided lazily (function/lazy-branches.ts decides the outer graph's),
 * and Theano's guard `ifelse(k < n, x[k], -1)` never reads x[k] past the
 * end: each is checked by `checkGuardedIndex`, at the steps where its
 * branch is taken.
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

/** One conjunction of a read's guard: the ifelses' conditions, each taken (non-zero) or not. */
type Conjunction = readonly { readonly condition: TensorVariable; readonly taken: boolean }[];

/** The most conjunctions, and conditions in one, a guard is written with: a read past this is checked wherever its step runs an ifelse it lies in. */
const MOST_TERMS = 8;

/**
 * When each of `checks` (a step's CheckIndex nodes read only inside
 * ifelses' branches: `branchOnlyIndexChecks`) computes its read, as
 * Theano's lazy ifelse would: one of the conjunctions holds (the read
 * lies in those branches, nested ones ANDed). Undefined for a read whose
 * guard has more terms than MOST_TERMS.
 */
export function branchGuards(outputs: readonly TensorVariable[], nodes: readonly Apply[], checks: ReadonlySet<Apply>): Map<Apply, Conjunction[] | undefined> {
  const guards = new Map<Apply, Conjunction[] | undefined>();
  const key = (c: Conjunction): string => c.map((t) => `${t.condition.id}:${t.taken}`).join(',');
  const add = (node: Apply, made: Conjunction[] | undefined): void => {
    if (!guards.has(node)) guards.set(node, []);
    const have = guards.get(node);
    if (have === undefined) return;
    if (made === undefined) return void guards.set(node, undefined);
    for (const c of made) {
      // a read computed unconditionally needs no other conjunction
      if (have.some((h) => h.length === 0)) return;
      if (c.length === 0) return void guards.set(node, [[]]);
      if (have.some((h) => key(h) === key(c))) continue;
      if (have.length >= MOST_TERMS || c.length > MOST_TERMS) return void guards.set(node, undefined);
      have.push(c);
    }
  };
  for (const o of outputs) if (o.owner) add(o.owner, [[]]);
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k]!;
    if (!guards.has(node)) continue;
    const g = guards.get(node);
    node.inputs.forEach((v, i) => {
      if (!v.owner) return;
      const branch = node.op instanceof IfElseSelect && i !== 0;
      const term = { condition: node.inputs[0]!, taken: i === 1 };
      add(v.owner, g && (branch ? g.map((c) => (c.some((t) => t.condition === term.condition && t.taken === term.taken) ? c : [...c, term])) : g));
    });
  }
  return new Map([...checks].map((nd) => [nd, guards.get(nd)]));
}

/**
 * A step's read only ifelses' branches compute (`branchGuards`), checked
 * at the steps where its branch is taken: a flag kernel whose predicate
 * ANDs the branches' conditions at that step (kernel/index-check-device.ts),
 * NumPy's IndexError for the call where it finds one out of range; a
 * condition the program knows (a scalar view) decides now. `viewOf` gives
 * the step's views; nothing for a guard too large to write (its read is
 * clamped by the kernels, as before).
 */
export function checkGuardedIndex(ctx: LowerContext, node: Apply, guard: readonly Conjunction[] | undefined, viewOf: (v: TensorVariable) => TensorView): void {
  if (!(node.op instanceof CheckIndex) || !ctx.checkIndex || guard === undefined) return;
  const live = liveConjunctions(guard, viewOf);
  if (live === 'always') checkIndexAt(ctx, node, viewOf);
  else if (live.length) checkIndexAt(ctx, node, viewOf, live);
}

/** A conjunction of a step's branch conditions as views, those the program knows decided now. */
type ViewConjunction = { condition: TensorView; taken: boolean }[];

/**
 * The guard's conjunctions at one step: 'always' where one holds whatever
 * the values (its conditions all known and met), else those that may hold,
 * less their known terms (none: the branch is taken at no call).
 */
function liveConjunctions(guard: readonly Conjunction[], viewOf: (v: TensorVariable) => TensorView): 'always' | ViewConjunction[] {
  const conjunctions: ViewConjunction[] = [];
  for (const c of guard) {
    const terms: ViewConjunction = [];
    let holds = true;
    for (const t of c) {
      const condition = viewOf(t.condition);
      if (condition.kind === 'scalar') holds &&= condition.value !== 0 === t.taken;
      else terms.push({ condition, taken: t.taken });
    }
    if (!holds) continue;
    if (terms.length === 0) return 'always';
    conjunctions.push(terms);
  }
  return conjunctions;
}

/** The arguments of one `LowerContext.checkWindow` call, less its guard. */
export type WindowCheckArgs = [variable: TensorVariable, length: number, n: number, axis: number, xShape: readonly number[], window: () => string, start: TensorView | undefined, node: Apply | undefined];

/**
 * A window's check that the step's lowering put off (`deferWindowChecks`)
 * because only an ifelse's branches compute the window: made where the
 * branch is taken, as a guarded read's (`checkGuardedIndex`), so a window
 * of a branch not taken raises nothing (Theano's lazy ifelse computes it
 * at no step there).
 */
export function checkGuardedWindow(ctx: LowerContext, guard: readonly Conjunction[], args: WindowCheckArgs, viewOf: (v: TensorVariable) => TensorView): void {
  const live = liveConjunctions(guard, viewOf);
  if (live === 'always') ctx.checkWindow!(...args);
  else if (live.length) ctx.checkWindow!(...args, live);
}

/**
 * `lower` of a step's node with its windows' checks put off into `into`
 * where only an ifelse's branches compute the node (`guard`, from
 * `branchGuards`; undefined or an empty conjunction: checked as it is lowered).
 */
export function deferWindowChecks<T>(ctx: LowerContext, guard: readonly Conjunction[] | undefined, into: { guard: readonly Conjunction[]; args: WindowCheckArgs }[], lower: () => T): T {
  const check = ctx.checkWindow;
  if (!check || !guard || guard.length === 0 || guard.some((c) => c.length === 0)) return lower();
  ctx.checkWindow = (...args: WindowCheckArgs) => void into.push({ guard, args });
  try {
    return lower();
  } finally {
    ctx.checkWindow = check;
  }
}

function checkIndexAt(ctx: LowerContext, node: Apply, viewOf: (v: TensorVariable) => TensorView, guard?: IndexGuard): void {
  const { axis, describe, nonNegative } = node.op as CheckIndex;
  const x = viewOf(node.inputs[1]!);
  ctx.checkIndex!(viewOf(node.inputs[0]!), x.shape[axis]!, x.shape, describe, node.inputs[0], nonNegative, guard);
}

/**
 * The values each visited step's scalar placeholders take where the
 * program knows them (`LowerContext.stepValues`): the rows of a constant
 * sequence of scalars (`T.arange(n)`'s counter, `n` known when the
 * program is made); undefined where no sequence is one.
 */
export function knownStepValues(ctx: LowerContext, sequences: readonly TensorVariable[], outer: readonly TensorView[], visits: readonly number[]): Map<TensorVariable, NDArray>[] | undefined {
  const known: [TensorVariable, BufferView, ArrayLike<number>][] = [];
  sequences.forEach((p, i) => {
    const seq = outer[i];
    if (p.ndim !== 0 || seq?.kind !== 'buffer' || seq.shape.length !== 1) return;
    const data = ctx.constantData?.(seq);
    if (data) known.push([p, seq, data]);
  });
  if (known.length === 0) return undefined;
  return visits.map((t) => new Map(known.map(([p, seq, data]) => [p, fill([], p.dtype, () => Number(data[seq.offset + t * seq.strides[0]!]))])));
}
