/**
 * An op of sym.asOp (Theano's as_op) has no gradient, as Theano's: the
 * error names it and the way to one (a CustomOp with grad), not the
 * integer outputs of nonzero or unique, which it does not have.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { grad } from './index.js';

const T = sym.T;

describe('grad through sym.asOp', () => {
  it("is refused naming the op, as Theano's as_op, and the way to a gradient", () => {
    const x = T.dvector('x');
    const square = sym.asOp({ itypes: [x.type], otypes: [x.type] }, function square(v: sym.NDArray) {
      return (v.toArray() as number[]).map((e) => e * e);
    });
    const y = square(x) as sym.TensorVariable;
    expect(() => grad(y.sum(), x)).toThrow(
      'grad: square is not differentiable with respect to its input 0 (x (TensorType(float64, vector))): square runs on the host and has no gradient (as Theano\'s as_op); a sym.CustomOp with a grad method is differentiable',
    );
  });

  it("keeps the message of unique (values and integer positions): its integer outputs are disconnected", () => {
    const x = T.dvector('x');
    const [values] = T.unique(x, false, true) as sym.TensorVariable[];
    expect(() => grad(values!.sum(), x)).toThrow(/has no gradient \(Theano's has none\); its integer outputs are disconnected/);
  });
});

describe('grad through sym.Print', () => {
  it("is the output's gradient, as Theano's Print", async () => {
    const x = T.dvector('x');
    const printed = sym.Print('x', { log: () => undefined })(x);
    const g = grad(printed.pow(2).sum(), x) as sym.TensorVariable;
    expect((await sym.function([x], g)([1, -2, 3])).toArray()).toEqual([2, -4, 6]);
  });
});
