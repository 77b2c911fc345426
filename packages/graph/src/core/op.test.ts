/** asTensor: what becomes a tensor, and the error for a list that holds symbolic variables (Theano stacks one). */
import { describe, expect, it } from 'vitest';
import * as sym from '../index.js';

const T = sym.T;

describe('asTensor', () => {
  it('refuses a list holding symbolic variables, naming the argument, the variable and T.stack (was "value: expected a number at [0]")', () => {
    const x = T.tensor3('x');
    const hint = "is not a tensor; T.stack(list) makes one of it (Theano's as_tensor_variable stacks such a list)";
    expect(() => T.prod(x.shape as never)).toThrow(`prod: a list holding symbolic variables (Shape_i{0}.0 at [0]) ${hint}`);
    const a = T.scalar('a');
    expect(() => T.dot(T.matrix('W'), [1, a] as never)).toThrow(`dot: a list holding symbolic variables (a at [1]) ${hint}`);
    expect(() => sym.asTensor([[a]] as never, 'f')).toThrow(`f: a list holding symbolic variables (a at [0][0]) ${hint}`);
    // the way that works, and plain nested numbers as before
    expect(T.prod(T.stack(x.shape)).type.toString()).toBe('TensorType(int64, scalar)');
    expect(sym.asTensor([[1, 2], [3, 4]]).type.toString()).toBe('TensorType(int64, matrix)');
  });
});

describe('T.asTensorVariable', () => {
  it("is Theano's as_tensor_variable: a variable as it is, an array or number as a constant, named when a name is given", () => {
    const x = T.vector('x');
    expect(T.asTensorVariable(x)).toBe(x);
    expect(T.asTensorVariable(x, 'y').name).toBe('x');
    const zero = T.asTensorVariable(sym.array(0, { dtype: 'int32' }));
    expect(zero).toBeInstanceOf(sym.TensorConstant);
    expect(zero.type.toString()).toBe('TensorType(int32, scalar)');
    expect(T.asTensorVariable([1.5, 2], 'c').toString()).toBe('c');
    expect(() => T.asTensorVariable([x] as never)).toThrow(/^asTensorVariable: a list holding symbolic variables \(x at \[0\]\)/);
  });
});
