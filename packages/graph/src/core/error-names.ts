/**
 * How an error names a variable: the user's name where it has one, else
 * the expression that made it as the user would write it (`a.T`,
 * `(a + b)`, `exp(h)`), else the op's output with the named variables it
 * was computed from. An unnamed intermediate printed as Theano's
 * `str(variable)` (`DimShuffle{1,0}.0`, `Elemwise{add,no_inplace}.0`,
 * `ReshapeTo.0`) names the op, which the user never called.
 */
import { ppArgs } from './op.js';
import { TensorConstant, type TensorVariable } from './variable.js';

/** An expression longer than this reads worse than the op's name with its sources. */
const LONGEST = 48;
/** How deep the expression is written before giving up on it (a long chain is not worth printing in an error). */
const DEEPEST = 4;
/** How many named sources are listed. */
const SOURCES = 4;

/** The variable as an error should name it (see the module comment). */
export function nameInError(v: TensorVariable): string {
  if (v.name !== undefined) return v.toString();
  // a leaf may carry one too: a function's input standing for the expression the user listed (the graph is cut there)
  const label = LABELS.get(v);
  if (label !== undefined) return typeof label === 'string' ? label : label();
  if (!v.owner) return v.toString();
  const expression = written(v, 0, v);
  if (expression !== undefined && expression.length <= LONGEST) return expression;
  const sources = namedSources(v);
  return sources.length === 0 ? v.toString() : `${v} (computed from ${sources.join(', ')})`;
}

/** v as Theano's pp writes it, constants by their value; undefined when deeper than DEEPEST. */
function written(x: TensorVariable, depth: number, root: TensorVariable): string | undefined {
  if (x instanceof TensorConstant && x.name === undefined && x.value.size === 1) return String(x.value.data[0]);
  if (!x.owner || (x.name !== undefined && x !== root)) return x.toString();
  // an intermediate a call labelled (emb[idxs]) as that call
  const label = x === root ? undefined : LABELS.get(x);
  if (label !== undefined) return typeof label === 'string' ? label : label();
  const node = x.owner;
  // a check that passes its first input through (a MatchLength: a layer's input against its weights; a SpecifyShape) is not part of what the user wrote
  if (node.op.kind === 'MatchLength' || node.op.kind === 'SpecifyShape' || node.op.kind === 'CheckIndex') return written(node.inputs[0]!, depth, root);
  if (depth >= DEEPEST) return undefined;
  const args: string[] = [];
  for (const input of node.inputs) {
    const s = written(input, depth + 1, root);
    if (s === undefined || s.length > LONGEST) return undefined;
    args.push(s);
  }
  const shown = node.op.pp ? node.op.pp(args, node, x.index) : `${node.op.toString()}(${ppArgs(args)})`;
  // a DimShuffle that is no transpose (a.T) as the method call that makes one: v.dimshuffle('x', 0), not DimShuffle{x,0}(v)
  const pattern = (node.op as { pattern?: readonly (number | 'x')[] }).pattern;
  if (node.op.kind === 'DimShuffle' && pattern && shown.startsWith('DimShuffle{')) return `${args[0]}.dimshuffle(${pattern.map((p) => (p === 'x' ? "'x'" : p)).join(', ')})`;
  return shown;
}

/** The nearest named variables v was computed from (constants aside), first met first, at most SOURCES of them. */
function namedSources(v: TensorVariable): string[] {
  const seen = new Set<TensorVariable>([v]);
  const names: string[] = [];
  const queue: TensorVariable[] = [...v.owner!.inputs];
  // breadth first: the nearest first; a bounded walk, as errors come from graphs of any size
  for (let k = 0; k < queue.length && names.length < SOURCES && k < 10_000; k++) {
    const x = queue[k]!;
    if (seen.has(x)) continue;
    seen.add(x);
    if (x instanceof TensorConstant) continue;
    if (x.name !== undefined) {
      if (!names.includes(x.name)) names.push(x.name);
      continue;
    }
    if (x.owner) queue.push(...x.owner.inputs);
  }
  return names;
}

const LABELS = new WeakMap<TensorVariable, string | (() => string)>();

/**
 * Names `v` in errors as the call that made it (`RandomStreams.binomial's
 * draw`), where that call built it of several ops whose last one would
 * otherwise be named (`Elemwise{Cast{float64}}.0`); a name the user gives
 * it still comes first; a function is called only when an error names v.
 * Returns v.
 */
export function labelForErrors<V extends TensorVariable>(v: V, label: string | (() => string)): V {
  LABELS.set(v, label);
  return v;
}

/** Gives `copy` the label of `original` (a node rebuilt on new inputs by a clone or a rewrite computes what the call made). */
export function carryErrorLabel(original: TensorVariable, copy: TensorVariable): void {
  const label = LABELS.get(original);
  if (label !== undefined && !LABELS.has(copy)) LABELS.set(copy, label);
}
