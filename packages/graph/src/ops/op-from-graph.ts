/**
 * OpFromGraph, Theano's composite op: an inner graph over placeholders of
 * its own, applied as one node. `sym.opFromGraph` (../op-from-graph.ts)
 * builds it; this file is the op.
 *
 * The optimizer inlines a node whose op has `inline` set (the default)
 * before it rewrites (@sym/opt's `inline_op_from_graph`), so fusion and
 * the stabilising rewrites see through it. A node that stays (inline
 * false, or a mode without that rewrite: FAST_COMPILE) lowers its inner
 * graph's nodes in place, through the same LowerContext, as a scan lowers
 * its step: every backend runs it with the kernels it already has.
 */
import type { NDArray } from '../core/ndarray.js';
import { Apply, Op, type TensorLike } from '../core/op.js';
import type { TensorType } from '../core/type.js';
import { TensorConstant, TensorVariable, type StaticShape } from '../core/variable.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';
import { cloneReplace } from '../core/clone.js';
import { foldStatic, staticLeaves, toposort } from '../kernel/schedule.js';
import { evaluateLazily } from './ifelse-select.js';

/**
 * A gradient override: the gradient of the cost with respect to each
 * declared input, given the node's inputs, the gradients flowing into its
 * outputs (zeros for an output that receives none) and its outputs. An
 * entry may be a variable of the input's dtype and rank, a number or array
 * (broadcast to the input's shape; `0` is a zero gradient), or `null`: no
 * gradient flows to that input (Theano's DisconnectedType).
 */
export type OpFromGraphGrad = (
  inputs: readonly TensorVariable[],
  outputGrads: readonly TensorVariable[],
  outputs: readonly TensorVariable[],
) => readonly (TensorLike | null)[];

/**
 * An R-operator override: the directional derivative of each output (J v,
 * Theano's R_op) given the node's inputs, one eval point per declared input
 * (the direction v; zeros for an integer input) and the node's outputs. An
 * entry may be a variable of the output's dtype and rank, a number or array
 * (broadcast to the output's shape; `0` is a zero derivative), or `null`
 * (the output does not move with the declared inputs). It must be linear in
 * the eval points: `Rop` transposes it.
 */
export type OpFromGraphRop = (
  inputs: readonly TensorVariable[],
  evalPoints: readonly TensorVariable[],
  outputs: readonly TensorVariable[],
) => readonly (TensorLike | null)[];

/** The options of `new OpFromGraph(inputs, outputs, options)`; `sym.opFromGraph` fills them in. */
export interface OpFromGraphOpOptions {
  /** How it prints (`OpFromGraph{name}`, `name(x, y)` in pp). */
  readonly name?: string;
  /** Inline it before the graph is rewritten (default true); false keeps it one node, lowered in place. */
  readonly inline?: boolean;
  /** The gradient with respect to the declared inputs; without it, the gradient of the inner graph. */
  readonly grad?: OpFromGraphGrad;
  /** The R-operator with respect to the declared inputs; without it, the inner graph's. */
  readonly rop?: OpFromGraphRop;
  /**
   * How many of `inputs` the user declared; the others (after them) are
   * the shared variables the inner graph reads, passed implicitly.
   */
  readonly declaredInputs?: number;
}

let nextOpFromGraph = 0;

/**
 * Inputs: the inner graph's placeholders, in order (the declared ones,
 * then the shared variables it reads). Outputs: the inner graph's outputs.
 */
export class OpFromGraph extends Op {
  readonly kind = 'OpFromGraph' as const;
  /** A number of its own: two ops over equal graphs stay distinct (the key names it). */
  readonly id = nextOpFromGraph++;
  /** How it prints (`OpFromGraph{name}`, `name(x, y)` in pp); undefined prints `OpFromGraph`. */
  readonly name: string | undefined;
  /** Whether the optimizer inlines it before rewriting (the `inline` option, default true). */
  readonly inline: boolean;
  /** The gradient override (the `grad` option), or undefined for the inner graph's gradient. */
  readonly grad: OpFromGraphGrad | undefined;
  /** The R-operator override (the `rop` option), or undefined for the inner graph's. */
  readonly rop: OpFromGraphRop | undefined;
  /** The leading inputs the user declared (a gradient override answers for these). */
  readonly declaredInputs: number;
  /** Inner nodes in an order where each comes after its inputs' owners. */
  readonly nodes: readonly Apply[];

  constructor(
    /** The inner graph's placeholders: the declared inputs, then the shared variables it reads. */
    readonly inputs: readonly TensorVariable[],
    /** The inner graph's outputs. */
    readonly outputs: readonly TensorVariable[],
    options: OpFromGraphOpOptions = {},
  ) {
    super();
    this.name = options.name;
    this.inline = options.inline ?? true;
    this.grad = options.grad;
    this.rop = options.rop;
    this.declaredInputs = options.declaredInputs ?? inputs.length;
    this.nodes = toposort(outputs);
  }

  /** The same op over a rewritten inner graph (the same placeholders, outputs of the same types). */
  withOutputs(outputs: readonly TensorVariable[]): OpFromGraph {
    return new OpFromGraph(this.inputs, outputs, { name: this.name, inline: this.inline, grad: this.grad, rop: this.rop, declaredInputs: this.declaredInputs });
  }

  key(): string {
    return `OpFromGraph#${this.id}`;
  }
  override toString(): string {
    return this.name ? `OpFromGraph{${this.name}}` : 'OpFromGraph';
  }
  override pp(args: readonly string[], node: Apply, output = 0): string {
    const call = `${this.name ?? 'OpFromGraph'}(${args.join(', ')})`;
    return node.outputs.length > 1 ? `${call}[${output}]` : call;
  }

  /** Inner placeholders whose values lowering needs (an inner `T.zeros(n)`'s n). */
  override staticInputs(): number[] {
    return staticLeaves(this.nodes)
      .map((v) => this.inputs.indexOf(v))
      .filter((i) => i >= 0);
  }

  override infinitiesByDesign(): boolean {
    return this.nodes.some((n) => n.op.infinitiesByDesign?.() ?? false);
  }

  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    this.checkInputs(inputs);
    // the inner graph applied to variables of the inputs' types: what inlining it would give
    const probes = inputs.map((v) => new TensorVariable(v.type, { staticShape: v.staticShape }));
    return cloneReplace(this.outputs, new Map(this.inputs.map((p, i) => [p, probes[i]!])), { all: true }).map((o) => o.type);
  }

  private checkInputs(inputs: readonly TensorVariable[]): void {
    if (inputs.length !== this.inputs.length) {
      throw new TypeError(`${this}: expected ${this.inputs.length} inputs (${this.inputs.join(', ')}), got ${inputs.length}`);
    }
    inputs.forEach((v, i) => {
      const p = this.inputs[i]!;
      const fits = v.dtype === p.dtype && v.ndim === p.ndim && p.broadcastable.every((b, d) => !b || v.broadcastable[d] || v.staticShape[d] === 1);
      if (!fits) {
        throw new TypeError(
          `${this}: input ${i} (${p}) is ${p.type}, got ${v} of type ${v.type}` +
            (v.dtype !== p.dtype ? `; cast it first (.astype('${p.dtype}'))` : ''),
        );
      }
    });
  }

  /** The inner graph's shapes for the inputs' (at build time lengths may be null; at run time all are known). */
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    const known = new Map<TensorVariable, StaticShape>();
    this.inputs.forEach((p, i) => known.set(p, shapes[i]!));
    const shapeOf = (v: TensorVariable): StaticShape => known.get(v) ?? v.staticShape;
    for (const nd of this.nodes) nd.op.inferShape(nd.inputs.map(shapeOf), nd).forEach((sh, i) => known.set(nd.outputs[i]!, sh));
    return this.outputs.map(shapeOf);
  }

  perform(inputs: readonly NDArray[]): NDArray[] {
    // an ifelse inside reads only its branch taken, as Theano's
    return evaluateLazily(this.outputs, new Map(this.inputs.map((p, i) => [p, inputs[i]!])), (v) => `${this}: no value for ${v} in the inner graph`);
  }

  lower(ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    const views = new Map<TensorVariable, TensorView>();
    this.inputs.forEach((p, i) => views.set(p, inputs[i]!));
    const viewOf = (v: TensorVariable): TensorView => {
      const have = views.get(v);
      if (have) return have;
      if (v instanceof TensorConstant) {
        const c = ctx.constant(v.value);
        views.set(v, c);
        return c;
      }
      throw new Error(`${this}: the inner graph reads ${v}, which is none of its inputs`);
    };
    for (const nd of this.nodes) {
      const ins = nd.inputs.map(viewOf);
      const outs = foldStatic(nd, ins) ?? nd.op.lower(ctx, ins, nd);
      nd.outputs.forEach((o, i) => views.set(o, outs[i]!));
    }
    return this.outputs.map(viewOf);
  }
}
