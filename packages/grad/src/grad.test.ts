import { describe, expect, it, vi } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { DisconnectedInputError, Lop, Rop, grad } from './index.js';

const T = sym.T;

describe('grad', () => {
  it('differentiates the tutorial example: d(foo**2)/dfoo at 10 is 20', async () => {
    const foo = T.scalar('foo');
    const bar = foo.pow(2);
    const g = grad(bar, foo);
    expect(g.type.toString()).toBe(foo.type.toString());
    expect((await g.eval({ foo: 10 })).toString()).toBe('20.0');
    expect(sym.pp(g)).toContain('foo');
  });

  it('answers a list with a list and sums every path', async () => {
    const x = T.dscalar('x');
    const y = T.dscalar('y');
    const cost = x.mul(y).add(x.mul(x)).add(T.sin(y));
    const [gx, gy] = grad(cost, [x, y]);
    const f = sym.function([x, y], [gx!, gy!]);
    const [a, b] = await f(3, 2);
    expect(a!.toArray()).toBeCloseTo(2 + 6);
    expect(b!.toArray()).toBeCloseTo(3 + Math.cos(2));
  });

  it('undoes broadcasting and keeps the input broadcastable pattern', async () => {
    const m = T.matrix('m');
    const r = T.row('r');
    const v = T.vector('v');
    const cost = m.mul(r).add(v).sum();
    const [gm, gr, gv] = grad(cost, [m, r, v]);
    expect(gr!.broadcastable).toEqual([true, false]);
    expect(gv!.broadcastable).toEqual([false]);
    const f = sym.function([m, r, v], [gm!, gr!, gv!]);
    const out = await f([[1, 2], [3, 4], [5, 6]], [[10, 20]], [7, 8]);
    expect(out.map((o) => o.toArray())).toEqual([
      [[10, 20], [10, 20], [10, 20]],
      [[9, 12]],
      [3, 3],
    ]);
  });

  it('names an op of a kind it has no rule for, and says how an op of your own gets one', () => {
    class Twice extends sym.Op {
      readonly kind = 'Twice' as unknown as sym.OpKind;
      key() {
        return 'Twice';
      }
      override toString() {
        return 'Twice';
      }
      outputTypes(inputs: readonly sym.TensorVariable[]) {
        return [inputs[0]!.type];
      }
      inferShape(shapes: readonly sym.StaticShape[]) {
        return [shapes[0]!];
      }
      perform(inputs: readonly sym.NDArray[]) {
        return [inputs[0]!];
      }
      lower(_ctx: sym.LowerContext, inputs: readonly sym.TensorView[]) {
        return [inputs[0]!];
      }
    }
    const x = T.dvector('x');
    expect(() => grad(sym.apply1(new Twice(), [x]).sum(), x)).toThrow(/Twice \(kind "Twice"\) has no gradient rule: .*subclassing sym.CustomOp \(with its grad method\)/);
  });
  it('rejects a non-scalar cost, showing its type', () => {
    const v = T.vector('v');
    expect(() => grad(v.mul(2), v)).toThrow(/cost must be a scalar \(0-d\), got .*TensorType\(float64, vector\)/);
    // an unnamed cost by its expression, not by its op's output (Elemwise{mul,no_inplace}.0)
    expect(() => grad(v.mul(2), v)).toThrow('the cost must be a scalar (0-d), got (v * 2) (TensorType(float64, vector));');
  });

  it('raises on a disconnected wrt naming it, unless told to ignore or warn', async () => {
    const x = T.dscalar('x');
    const unused = T.dscalar('unused');
    expect(() => grad(x.mul(2), unused)).toThrow(DisconnectedInputError);
    expect(() => grad(x.mul(2), unused)).toThrow(/unused \(TensorType\(float64, scalar\)\)/);
    const z = grad(x.mul(2), unused, { disconnectedInputs: 'ignore' });
    expect((await z.eval({ unused: 3 })).toString()).toBe('0.0');
  });

  it('gives integer inputs no gradient (zeros in floatX), as Theano', async () => {
    const i = T.iscalar('i');
    const x = T.dscalar('x');
    const g = grad(x.mul(i), [x, i]);
    expect(g[1]!.dtype).toBe(sym.config.floatX);
    // the zero does not depend on i: Theano's UnusedInputError, unless told to ignore it
    const f = sym.function([x, i], g, { onUnusedInput: 'ignore' });
    expect((await f(2, 5)).map((a) => a.toArray())).toEqual([5, 0]);
  });

  it("gives an integer cost 1 (floatX) with respect to itself, as Theano's grad(icost, icost)", async () => {
    const i = T.iscalar('i');
    const cost = i.mul(3);
    const [self, input] = grad(cost, [cost, i]);
    expect(self!.dtype).toBe(sym.config.floatX);
    const f = sym.function([i], [self!, input!], { onUnusedInput: 'ignore' });
    expect((await f(2)).map((a) => a.toArray())).toEqual([1, 0]);
    // a known gradient of an integer variable asked for itself is given back, in floatX
    const v = T.ivector('v');
    const gv = grad(null, v, { knownGrads: new Map([[v, T.constant([2, 5], { dtype: 'int32' })]]) });
    expect(gv.dtype).toBe(sym.config.floatX);
    expect((await gv.eval()).toArray()).toEqual([2, 5]);
  });

  it('treats considerConstant variables as constants', async () => {
    const x = T.dscalar('x');
    const y = x.mul(x);
    const cost = y.mul(x);
    const g = grad(cost, x, { considerConstant: [y] });
    expect((await g.eval({ x: 3 })).toArray()).toBe(9);
  });

  it('treats one considerConstant output of a multi-output node as a constant, and only that one', async () => {
    const x = T.dvector('x');
    const q = T.dvector('q');
    const [a, b] = sym.opFromGraph([q], [q.mul(2), q.pow(2)])(x) as unknown as sym.TensorVariable[];
    // d(sum 2x + sum x^2)/dx with x^2 held constant: 2
    expect((await grad(a!.sum().add(b!.sum()), x, { considerConstant: [b!] }).eval({ x: [1, 3] })).toArray()).toEqual([2, 2]);
    const [outs] = sym.scan((xt: sym.TensorVariable) => [xt.mul(2), xt.pow(2)], { sequences: x });
    const [s, t] = outs as unknown as sym.TensorVariable[];
    expect((await grad(s!.sum().add(t!.sum()), x, { considerConstant: [s!] }).eval({ x: [1, 3] })).toArray()).toEqual([2, 6]);
  });

  it("works from knownGrads alone; a known gradient replaces what the cost sends its variable, as Theano's known_grads", async () => {
    const x = T.dvector('x');
    const h = x.mul(3);
    const g = grad(null, x, { knownGrads: new Map([[h, T.constant([1, 2])]]) });
    expect((await g.eval()).toArray()).toEqual([3, 6]);
    // d(sum h)/dh is replaced by [1, 2], not added to it
    const g2 = grad(h.sum(), x, { knownGrads: [[h, T.constant([1, 2])]] });
    expect((await g2.eval()).toArray()).toEqual([3, 6]);
    // paths that do not go through h still count
    const g3 = grad(h.sum().add(x.sum()), x, { knownGrads: [[h, T.constant([1, 2])]] });
    expect((await g3.eval({ x: [0, 0] })).toArray()).toEqual([4, 7]);
    // a known gradient of the cost itself replaces its 1
    const cost = h.sum();
    expect((await grad(cost, x, { knownGrads: [[cost, 5]] }).eval({ x: [0, 0] })).toArray()).toEqual([15, 15]);
  });

  it('keeps float32 gradients float32', () => {
    const x = T.fvector('x');
    const g = grad(T.exp(x).mul(0.5).sum().add(x.pow(2).sum()), x);
    expect(g.dtype).toBe('float32');
  });

  it('warns on a disconnected wrt with disconnectedInputs: warn', async () => {
    const x = T.dscalar('x');
    const u = T.dscalar('u');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const g = grad(x.mul(2), [x, u], { disconnectedInputs: 'warn' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/does not depend on u/);
    warn.mockRestore();
    expect((await sym.function([x, u], g, { onUnusedInput: 'ignore' })(1, 2)).map((a) => a.toArray())).toEqual([2, 0]);
  });

  it('rejects bad wrt, bad knownGrads and mismatched Lop eval points with clear errors', () => {
    const x = T.dvector('x');
    expect(() => grad(x.sum(), [x, 3 as unknown as sym.TensorVariable])).toThrow(/wrt\[1\] must be a symbolic variable, got number/);
    expect(() => grad(x.sum(), [])).toThrow(/wrt is an empty list/);
    expect(() => grad(null, x)).toThrow(/nothing to differentiate/);
    expect(() => grad(null, x, { knownGrads: [[x.mul(2), T.constant([[1]])]] })).toThrow(/grad: the knownGrads value for .* must be a vector like .*, got TensorConstant/);
    expect(() => Lop(x.mul(2), x, T.dmatrix('v'))).toThrow(/Lop: eval point 0 must be a vector like f, .*; got v \(matrix\)/);
  });

  it("names Lop's and Rop's f, not wrt, when f is not a variable", () => {
    const x = T.dvector('x');
    expect(() => Lop(3 as never, x, [1])).toThrow(/^Lop: f must be a symbolic variable, got number$/);
    expect(() => Lop([x, 3] as never, x, [[1], [1]])).toThrow(/^Lop: f\[1\] must be a symbolic variable, got number$/);
    expect(() => Lop([], x, [])).toThrow(/^Lop: f is an empty list; pass the expressions to differentiate$/);
    expect(() => Rop(3 as never, x, [1])).toThrow(/^Rop: f must be a symbolic variable, got number$/);
    expect(() => Lop(x, 3 as never, [1])).toThrow(/^Lop: wrt must be a symbolic variable, got number$/);
  });

  it('rejects a considerConstant or knownGrads of the wrong shape, naming the option', () => {
    const x = T.dvector('x');
    const one = x as never;
    expect(() => grad(x.sum(), x, { considerConstant: one })).toThrow(/^grad: considerConstant must be a list of symbolic variables, got x \(TensorType\(float64, vector\)\)$/);
    expect(() => grad(x.sum(), x, { considerConstant: [x, 3] as never })).toThrow(/^grad: considerConstant\[1\] must be a symbolic variable, got number$/);
    expect(() => Lop(x.mul(2), x, [1, 1], { considerConstant: one })).toThrow(/^Lop: considerConstant must be a list/);
    expect(() => grad(null, x, { knownGrads: { x: 1 } as never })).toThrow(/^grad: knownGrads must be a Map or a list of \[variable, gradient\] pairs, got object$/);
    expect(() => grad(null, x, { knownGrads: [x] as never })).toThrow(/^grad: knownGrads\[0\] must be a \[variable, gradient\] pair, got x \(TensorType\(float64, vector\)\)$/);
  });

  it('checks a knownGrads value against the length of its variable when both are known at build time', async () => {
    const x = T.dvector('x');
    const y = T.constant(sym.array([1, 2, 3], { dtype: 'float64' })).mul(x); // length 3
    expect(() => grad(null, x, { knownGrads: [[y, T.constant(sym.array([1, 2], { dtype: 'float64' }))]] })).toThrow(
      /grad: knownGrads gives Elemwise\{mul,no_inplace\}\.0 a gradient of shape \(2,\), but .* has shape \(3,\)/,
    );
    // a broadcastable gradient is spread over the variable
    const g = grad(null, x, { knownGrads: [[y, T.constant(sym.array([2], { dtype: 'float64' }))]] });
    expect((await sym.function([x], g, { onUnusedInput: 'ignore' })([0, 0, 0])).toArray()).toEqual([2, 4, 6]);
  });

  it('rejects an unknown disconnectedInputs value, listing the valid ones', () => {
    const x = T.dvector('x');
    const bad = { disconnectedInputs: 'zero' as unknown as 'ignore' };
    expect(() => grad(x.sum(), x, bad)).toThrow(/grad: disconnectedInputs must be one of 'raise', 'warn', 'ignore', got 'zero'/);
    expect(() => Lop(x.mul(2), x, x, bad)).toThrow(/Lop: disconnectedInputs must be one of/);
  });

  it("refuses option names it does not know, with the camelCase spelling of Theano's keywords", () => {
    const x = T.dvector('x');
    const h = x.mul(2);
    const cost = h.mul(x).sum();
    // ignoring consider_constant would silently give 4x instead of 2x
    expect(() => grad(cost, x, { consider_constant: [h] } as never)).toThrow(
      'grad: unknown option "consider_constant" (did you mean considerConstant? sym spells Theano\'s keywords in camelCase); the options are considerConstant, disconnectedInputs, knownGrads',
    );
    expect(() => grad(cost, x, { wrtConstant: true } as never)).toThrow('grad: unknown option "wrtConstant"; the options are considerConstant, disconnectedInputs, knownGrads');
    expect(() => grad(cost, x, [h] as never)).toThrow('grad: options must be an object (considerConstant, disconnectedInputs, knownGrads), got an array');
    expect(() => Lop(h, x, [1, 1], { known_grads: [] } as never)).toThrow('Lop: unknown option "known_grads"; the options are considerConstant, disconnectedInputs');
    expect(() => grad(cost, x, { considerConstant: [h], disconnectedInputs: 'raise', knownGrads: [] })).not.toThrow();
  });

  it('differentiates with respect to an intermediate variable and through shared variables', async () => {
    const x = T.dvector('x');
    const h = x.mul(3);
    const cost = h.pow(2).sum();
    expect((await grad(cost, h).eval({ x: [1, 2] })).toArray()).toEqual([6, 12]);
    const w = sym.shared(sym.array([1, 2], { dtype: 'float64' }), { name: 'w' });
    const gw = grad(w.mul(x).sum().mul(w.sum()), w);
    expect((await sym.function([x], gw)([1, 1])).toArray()).toEqual([1 * 3 + 3, 1 * 3 + 3]);
  });
});
