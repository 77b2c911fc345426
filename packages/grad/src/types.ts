/** The vocabulary of gradient rules. */
import type { Apply, TensorVariable } from '@sym/graph';

/** What a rule sees when it differentiates one node. */
export interface GradContext {
  /** The node being differentiated (its op, inputs and outputs). */
  readonly node: Apply;
  /** The node's inputs. */
  readonly x: readonly TensorVariable[];
  /** The node's (first) output. */
  readonly z: TensorVariable;
  /**
   * The gradient of the cost with respect to `z` (for a node of several
   * outputs, the first defined one of `gzs`, whichever output that is: such
   * rules read `gzs`). It has `nb` extra leading
   * batch dimensions (0 for `grad`, 1 for the batched pass behind
   * `jacobian`); Theano's broadcasting pads on the left, so elementwise
   * rules need not care.
   */
  readonly gz: TensorVariable;
  /**
   * The gradient with respect to each of the node's outputs (undefined for
   * one that receives none). For a single-output node, `[gz]`; a
   * multi-output node's `gz` is the first defined one.
   */
  readonly gzs: readonly (TensorVariable | undefined)[];
  /** Extra leading batch dimensions of `gz` and `gzs`: 0 in `grad`, 1 in jacobian's batched pass. */
  readonly nb: number;
  /**
   * Rop's pass (ReverseOptions.forwardIdentityOverrides): the Jacobian of
   * what the graph computes, gradient overrides aside. Rules that run a
   * reverse pass of their own (a scan's step) pass it on.
   */
  readonly forward?: boolean;
}

/** The gradient is zero, but the input is connected to the cost (Theano: zeros, e.g. through `floor` or `argmax`). */
export const ZERO = Symbol('zero gradient');
/** No gradient flows to this input at all (only its shape is used, or `disconnectedGrad`). */
export const DISCONNECTED = Symbol('disconnected');

/** The op has no gradient with respect to this input: differentiating through it raises this reason. */
export interface NotDifferentiable {
  /** Why: the message a gradient through this input raises (NullGradError). */
  readonly notDifferentiable: string;
}

/** A rule's answer for an input with no gradient: differentiating through it raises NullGradError with `reason`. */
export function notDifferentiable(reason: string): NotDifferentiable {
  return { notDifferentiable: reason };
}

/** A rule's answer for one input: its gradient, {@link ZERO}, {@link DISCONNECTED}, or {@link NotDifferentiable}. */
export type InputGrad = TensorVariable | typeof ZERO | typeof DISCONNECTED | NotDifferentiable;

/** A gradient rule: the gradient with respect to each input of `c.node`. */
export type OpGrad = (c: GradContext) => InputGrad[];
