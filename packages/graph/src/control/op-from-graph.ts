/**
 * `sym.opFromGraph`: Theano's `theano.OpFromGraph` / PyTensor's
 * `OpFromGraph`. A graph from placeholder inputs to outputs becomes a
 * function that applies it, as one node, to other variables: a named
 * composite that prints as one node, and the way to give an expression a
 * gradient of your own (a straight-through estimator, gradient reversal, a
 * stable hand-written gradient) without writing an op.
 *
 * Shared variables the graph reads are implicit inputs (as in Theano):
 * every application reads the same shared variable, and the node lists it
 * as an input, so `givens` and gradients with respect to it work. Random
 * variables and updates inside the graph are refused: draw outside and
 * pass the sample in.
 */
import { OpFromGraph, type OpFromGraphGrad, type OpFromGraphRop } from '../ops/op-from-graph.js';
import { Scan } from '../ops/scan.js';
import { convertValue } from '../core/convert.js';
import { applyNode, constant, type Apply, type TensorLike } from '../core/op.js';
import { checkOptionNames } from '../core/options.js';
import { graphLeaves } from '../kernel/schedule.js';
import { TensorSharedVariable } from '../core/shared.js';
import { TensorConstant, TensorVariable } from '../core/variable.js';
import { toposort } from '../kernel/schedule.js';
import { cloneReplace } from '../core/clone.js';

export type { OpFromGraphGrad, OpFromGraphRop };

/** The options of `sym.opFromGraph(inputs, outputs, options)`. */
export interface OpFromGraphOptions {
  /** How the node prints: `OpFromGraph{name}` in debugprint, `name(a, b)` in pp. */
  readonly name?: string;
  /**
   * Inline the inner graph into the function's graph before it is rewritten
   * (default true), so fusion and the stabilising rewrites see through it.
   * With false the node stays one node in the rewritten graph (its inner
   * graph is rewritten on its own, and lowered in place). Either way the
   * values and gradients are the same; FAST_COMPILE never inlines.
   */
  readonly inline?: boolean;
  /**
   * The gradient with respect to each declared input, replacing the inner
   * graph's (Theano's grad_overrides, PyTensor's lop_overrides); see
   * `OpFromGraphGrad`. Shared variables the graph reads get the inner
   * graph's gradient.
   */
  readonly grad?: OpFromGraphGrad;
  /**
   * The R-operator (J v) of each output for eval points of the declared
   * inputs, replacing the inner graph's in `Rop` (Theano's rop_overrides);
   * see `OpFromGraphRop`. Shared variables the graph reads get the inner
   * graph's.
   */
  readonly rop?: OpFromGraphRop;
}

const OPTIONS = ['name', 'inline', 'grad', 'rop'] as const satisfies readonly (keyof OpFromGraphOptions)[];

/** The function `opFromGraph` returns: it applies the op to its arguments, one per declared input. */
export interface OpFromGraphFunction<R> {
  (...args: TensorLike[]): R;
  /** The op every application shares. */
  readonly op: OpFromGraph;
}

/**
 * A function applying the graph from `inputs` to `outputs` as one node.
 * Given one output (not a list) it returns a variable; given a list, a list.
 *
 * ```ts
 * const x = T.dvector('x');
 * const roundSte = sym.opFromGraph([x], T.round(x), { name: 'round_ste', grad: (_, [g]) => [g!] });
 * const v = T.dvector('v');
 * await roundSte(v.mul(2)).eval({ v: [0.2, 0.4] }); // [0. 1.]
 * ```
 */
export function opFromGraph(inputs: readonly TensorVariable[], outputs: TensorVariable, options?: OpFromGraphOptions): OpFromGraphFunction<TensorVariable>;
export function opFromGraph(inputs: readonly TensorVariable[], outputs: readonly TensorVariable[], options?: OpFromGraphOptions): OpFromGraphFunction<TensorVariable[]>;
export function opFromGraph(
  inputs: readonly TensorVariable[],
  outputs: TensorVariable | readonly TensorVariable[],
  options: OpFromGraphOptions = {},
): OpFromGraphFunction<TensorVariable | TensorVariable[]> {
  checkOptionNames(options, 'opFromGraph', OPTIONS);
  const what = options.name === undefined ? 'opFromGraph' : `opFromGraph ${options.name}`;
  if (options.name !== undefined && typeof options.name !== 'string') throw new TypeError(`opFromGraph: name must be a string, got ${typeof options.name}`);
  if (options.inline !== undefined && typeof options.inline !== 'boolean') throw new TypeError(`${what}: inline must be true or false, got ${String(options.inline)}`);
  if (options.grad !== undefined && typeof options.grad !== 'function') throw new TypeError(`${what}: grad must be a function (inputs, outputGrads, outputs) => inputGrads, got ${typeof options.grad}`);
  if (options.rop !== undefined && typeof options.rop !== 'function') throw new TypeError(`${what}: rop must be a function (inputs, evalPoints, outputs) => outputRops, got ${typeof options.rop}`);
  const ins = checkInputs(inputs, what);
  const single = !Array.isArray(outputs);
  const outs = checkOutputs(single ? [outputs as TensorVariable] : (outputs as readonly TensorVariable[]), what);
  const shared = checkLeaves(ins, outs, what);
  const op = new OpFromGraph([...ins, ...shared], outs, { name: options.name, inline: options.inline, grad: options.grad, rop: options.rop, declaredInputs: ins.length });
  const apply = (...args: TensorLike[]): TensorVariable | TensorVariable[] => {
    if (args.length !== ins.length) {
      throw new TypeError(`${what}: expected ${ins.length} argument(s) (${ins.join(', ')}), got ${args.length}`);
    }
    const vars = args.map((a, i) => argument(a, ins[i]!, i, what));
    const node = applyNode(op, [...vars, ...shared]);
    return single ? node.outputs[0]! : [...node.outputs];
  };
  return Object.assign(apply, { op }) as OpFromGraphFunction<TensorVariable | TensorVariable[]>;
}

function checkInputs(inputs: unknown, what: string): TensorVariable[] {
  if (!Array.isArray(inputs)) throw new TypeError(`${what}: inputs must be a list of variables, got ${inputs === null ? 'null' : typeof inputs}`);
  const seen = new Set<TensorVariable>();
  return inputs.map((v: unknown, i) => {
    if (!(v instanceof TensorVariable)) throw new TypeError(`${what}: inputs[${i}] must be a symbolic variable, got ${v === null ? 'null' : typeof v}`);
    if (v instanceof TensorSharedVariable) {
      throw new TypeError(`${what}: inputs[${i}] is the shared variable ${v}: the graph reads shared variables implicitly; declare a plain variable (T.tensor) in its place`);
    }
    if (v instanceof TensorConstant) throw new TypeError(`${what}: inputs[${i}] is a constant (${v}); an input must be a plain variable (T.scalar, T.matrix, ...)`);
    if (v.owner) throw new TypeError(`${what}: inputs[${i}] (${v}) is computed by ${v.owner.op}; an input must be a plain variable (T.scalar, T.matrix, ...)`);
    if (seen.has(v)) throw new TypeError(`${what}: inputs[${i}] (${v}) is listed twice`);
    seen.add(v);
    return v;
  });
}

function checkOutputs(outputs: readonly unknown[], what: string): TensorVariable[] {
  if (outputs.length === 0) throw new TypeError(`${what}: outputs is an empty list; give at least one variable`);
  return outputs.map((v, i) => {
    if (!(v instanceof TensorVariable)) throw new TypeError(`${what}: outputs[${i}] must be a symbolic variable, got ${v === null ? 'null' : typeof v}`);
    return v;
  });
}

/** Every node of the graph, those inside scans and opFromGraphs included. */
function* allNodes(nodes: readonly Apply[]): Generator<Apply> {
  for (const n of nodes) {
    yield n;
    if (n.op instanceof Scan) yield* allNodes(n.op.nodes);
    if (n.op instanceof OpFromGraph) yield* allNodes(n.op.nodes);
  }
}

/** The shared variables the outputs read (the implicit inputs); refuses leaves that are none of the inputs, and random variables. */
function checkLeaves(inputs: readonly TensorVariable[], outputs: readonly TensorVariable[], what: string): TensorSharedVariable[] {
  for (const n of allNodes(toposort(outputs))) {
    if (n.op.varies?.() || n.op.kind === 'WithUpdates') {
      throw new TypeError(
        `${what}: the graph holds ${n.op} (a random variable or updates), whose value moves from call to call; ` +
          `draw it outside and pass the sample as an input`,
      );
    }
  }
  const shared: TensorSharedVariable[] = [];
  const missing: TensorVariable[] = [];
  for (const v of graphLeaves(outputs)) {
    if (v instanceof TensorSharedVariable) shared.push(v);
    else if (!(v instanceof TensorConstant) && !inputs.includes(v)) missing.push(v);
  }
  if (missing.length) {
    throw new TypeError(`${what}: the outputs depend on ${missing.map((v) => `${v} (${v.type})`).join(', ')}, which is not among the inputs (${inputs.join(', ')}); add it to the inputs`);
  }
  return shared;
}

/**
 * An argument as a variable of the placeholder's dtype: numbers and arrays
 * become constants of it when it holds them (as a function's arguments:
 * 1.5 is no int32, float64 data no float32); a variable must have it.
 */
function argument(a: TensorLike, p: TensorVariable, i: number, what: string): TensorVariable {
  if (!(a instanceof TensorVariable)) {
    return constant(convertValue(a, p.type, `${what}: argument ${i} (${p})`, { downcastHint: `Cast it first (.astype('${p.dtype}')).` }));
  }
  // a weak constant (a number literal) would compute the inlined graph in other dtypes than the op's
  if (a instanceof TensorConstant && a.weak) return constant(a.value);
  return a;
}

/**
 * The graph with every opFromGraph node whose op `pick` chooses replaced by
 * its inner graph, for callers that must see inside (host stages: a host
 * op; lazy ifelse calls: a branch's checks). One node at a time, so a
 * node's inputs stay the graph's own.
 */
export function inlineOpFromGraphs(graph: readonly TensorVariable[], pick: (op: OpFromGraph) => boolean): readonly TensorVariable[] {
  let outs = graph;
  for (;;) {
    const node = toposort(outs).find((n) => n.op instanceof OpFromGraph && pick(n.op));
    if (!node) return outs;
    const op = node.op as OpFromGraph;
    // a weak constant (a number literal) would compute in other dtypes than the op's inputs have
    const args = node.inputs.map((v) => (v instanceof TensorConstant && v.weak ? constant(v.value) : v));
    const inner = cloneReplace(op.outputs, new Map(op.inputs.map((p, i) => [p, args[i]!])));
    outs = cloneReplace(outs, new Map(node.outputs.map((o, i) => [o, inner[i]!])));
  }
}
