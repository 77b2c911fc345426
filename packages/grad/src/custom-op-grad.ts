/**
 * The gradient of a CustomOp node (kind 'Custom'): the op's own `grad`
 * method, a function of variables as an opFromGraph's override is, checked
 * and batched the same way (user-grad.ts). An op without one is not
 * differentiable: `grad` through it raises an error naming the op and the
 * input.
 */
import type { Apply, CustomOp } from '@sym/graph';
import { notDifferentiable, type GradContext, type InputGrad } from './types.js';
import { outputGrads, userGradNulls, userGrads, type UserGrad } from './user-grad.js';

const connections = new WeakMap<Apply, readonly number[]>();

function userGrad(node: Apply): UserGrad {
  const op = node.op as CustomOp;
  return {
    fn: (inputs, gs, outputs) => op.grad!(inputs, gs, outputs),
    inputs: node.inputs,
    outputs: node.outputs,
    op: op.toString(),
    source: 'grad',
    inputNames: node.inputs.map((v) => v.toString()),
    scanName: `grad_of_${op.name}`,
  };
}

/** The inputs the op's `grad` answers `null` for (none when it has no grad: differentiating then raises). */
export function customOpDisconnected(node: Apply): readonly number[] {
  const op = node.op as CustomOp;
  if (typeof op.grad !== 'function') return [];
  let off = connections.get(node);
  if (!off) {
    const g = userGrad(node);
    off = userGradNulls(g.fn, g.inputs, g.outputs);
    connections.set(node, off);
  }
  return off;
}

export function customOpGrad(c: GradContext): InputGrad[] {
  const op = c.node.op as CustomOp;
  if (typeof op.grad !== 'function') {
    const reason =
      `the custom op ${op} defines no grad method. Give its class ` +
      `grad(inputs, outputGrads, outputs) returning one gradient per input (null where none flows), or wrap the input in zeroGrad / disconnectedGrad`;
    return c.node.inputs.map(() => notDifferentiable(reason));
  }
  return userGrads(userGrad(c.node), outputGrads(c), c.nb);
}
