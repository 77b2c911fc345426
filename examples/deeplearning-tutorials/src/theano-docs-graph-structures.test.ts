/**
 * Theano's documentation page "Graph Structures"
 * (tutorial/symbolic_graphs.html): walking y = x * 2. from its owner (the
 * Apply node) to its op and inputs, and the page's optimization example,
 * a + a ** 10, compiled and called; the xy / y to x rewrite it mentions.
 *
 * Differs, by design: sym's op has no `name` field (its `toString()` is
 * the name Theano prints), and the constant 2. is an input as it is,
 * broadcasting being in the Elemwise's rule rather than a
 * DimShuffle{x,x} node.
 */
import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { useFloat64 } from './test-support.js';

const T = sym.T;

describe("Theano's Graph Structures page", () => {
  useFloat64();

  it('y = x * 2.: its owner is an Apply of Elemwise{mul} to x and the constant 2', () => {
    const x = T.dmatrix('x');
    const y = x.mul(2);
    expect(y.owner).toBeInstanceOf(sym.Apply);
    expect(y.owner!.op.toString()).toBe('Elemwise{mul,no_inplace}');
    expect(y.owner!.inputs.length).toBe(2);
    expect(y.owner!.inputs[0]).toBe(x);
    const two = y.owner!.inputs[1]!;
    expect(two).toBeInstanceOf(sym.TensorConstant);
    expect(String(two)).toBe('TensorConstant{2}');
    expect(two.owner).toBeNull();
    expect(y.owner!.outputs).toEqual([y]);
    // the leaves of the graph, walking owners from y
    expect(sym.graphLeaves([y])).toEqual([x, two]);
  });

  it('a + a ** 10 compiles and gives [0, 2, 1026]', async () => {
    const a = T.vector('a');
    const b = a.add(a.pow(10));
    const f = sym.function([a], b);
    expect(String(await f([0, 1, 2]))).toBe('[   0.    2. 1026.]');
  });

  it('the pattern xy / y is replaced by x when the function is compiled', async () => {
    const x = T.dmatrix('x');
    const y = T.dmatrix('y');
    const f = sym.function([x, y], x.mul(y).div(y));
    await f([[1]], [[2]]); // the first call installs the optimizer
    expect(f.debugprint()).toBe('x [id A]');
  });
});
