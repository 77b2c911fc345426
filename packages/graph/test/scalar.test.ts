/**
 * Every scalar op, elementwise, against values worked out by hand with
 * NumPy's semantics. Each graph runs compiled on the CPU backend and through
 * the ops' reference `perform`; `both` checks the two agree exactly.
 */
import { describe, expect, it } from 'vitest';
import { T, both, sym } from './helpers.js';

const c = (v: sym.NestedArray, dtype?: sym.DType) => T.constant(v, dtype ? { dtype } : {});
const i32 = (v: sym.NestedArray) => c(v, 'int32');
const f64 = (v: sym.NestedArray) => c(v, 'float64');
const f32 = (v: sym.NestedArray) => c(v, 'float32');
const run = (v: sym.TensorVariable): [sym.DType, sym.NestedArray] => {
  const r = both(v);
  return [r.dtype, r.toArray()];
};

describe('arithmetic', () => {
  it('add, sub, mul keep the promoted dtype', () => {
    expect(run(T.add(i32([1, 2]), i32([10, 20])))).toEqual(['int32', [11, 22]]);
    expect(run(T.sub(f32([1.5]), f32([0.25])))).toEqual(['float32', [1.25]]);
    expect(run(T.mul(i32([3]), f64([0.5])))).toEqual(['float64', [1.5]]);
    expect(run(T.add(c([1, 2], 'int8'), c([1, 2], 'uint8')))).toEqual(['int16', [2, 4]]);
  });
  it('wraps integer overflow like C', () => {
    expect(run(T.add(c([127], 'int8'), c([1], 'int8')))).toEqual(['int8', [-128]]);
    expect(run(T.mul(i32([7]), i32([2 ** 30])))).toEqual(['int32', [-1073741824]]);
  });
  it('truediv of integers gives floats (int32: float64, int8: float32 as Theano)', () => {
    expect(run(T.trueDiv(i32([1, 2, 3]), i32([2, 2, 2])))).toEqual(['float64', [0.5, 1, 1.5]]);
    expect(run(T.trueDiv(c([1, 3], 'int8'), c([2, 2], 'int8')))).toEqual(['float32', [0.5, 1.5]]);
    expect(run(T.trueDiv(i32([1, -1, 0]), i32([0, 0, 0])))).toEqual(['float64', [Infinity, -Infinity, NaN]]);
  });
  it('intdiv floors like NumPy for negative operands', () => {
    expect(run(T.intDiv(i32([7, -7, 7, -7]), i32([2, 2, -2, -2])))).toEqual(['int32', [3, -4, -4, 3]]);
    expect(run(T.intDiv(f64([7.5, -7.5]), f64([2, 2])))).toEqual(['float64', [3, -4]]);
  });
  it('mod takes the sign of the divisor like NumPy', () => {
    expect(run(T.mod(i32([7, -7, 7, -7]), i32([2, 2, -2, -2])))).toEqual(['int32', [1, 1, -1, -1]]);
    expect(run(T.mod(f64([7.5, -7.5, 7.5]), f64([2, 2, -2])))).toEqual(['float64', [1.5, 0.5, -0.5]]);
  });
  it('integer division and remainder by zero give 0; float ones give inf or nan (NumPy)', () => {
    expect(run(T.intDiv(i32([1, 0, -3]), i32([0, 0, 0])))).toEqual(['int32', [0, 0, 0]]);
    expect(run(T.mod(i32([5, -5]), i32([0, 0])))).toEqual(['int32', [0, 0]]);
    expect(run(T.intDiv(f64([1, -1, 0]), f64([0, 0, 0])))).toEqual(['float64', [Infinity, -Infinity, NaN]]);
    expect(run(T.mod(f64([1, -1]), f64([0, 0])))).toEqual(['float64', [NaN, NaN]]);
  });
  it('float // and % by -0 and +0 in a kernel (inputs, not folded) give NumPy\'s signs: 1 // -0 is -inf, 0 // -0 NaN', async () => {
    const signed = (a: sym.NDArray) => Array.from(a.data, (v) => (Object.is(v, -0) ? '-0' : String(v)));
    // np.floor_divide and np.remainder of these by -0.0 and by 0.0, in each float dtype
    const xs = [1, -1, 0, -0, Infinity, -Infinity, NaN, 5e-324];
    const byNegZero = ['-Infinity', 'Infinity', 'NaN', 'NaN', '-Infinity', 'Infinity', 'NaN', '-Infinity'];
    const byZero = ['Infinity', '-Infinity', 'NaN', 'NaN', 'Infinity', '-Infinity', 'NaN', 'Infinity'];
    for (const dtype of ['float64', 'float32', 'float16'] as const) {
      const x = T.tensor(dtype, [false], 'x');
      const y = T.tensor(dtype, [false], 'y');
      const f = sym.function([x, y], [T.intDiv(x, y), T.floorDiv(x, y), T.mod(x, y)]);
      const [q, fq, r] = await f(sym.array(xs, { dtype }), sym.array(xs.map(() => -0), { dtype }));
      const tiny = dtype === 'float64' ? byNegZero : [...byNegZero.slice(0, 7), 'NaN']; // 5e-324 is 0 in float32
      expect(signed(q!), dtype).toEqual(tiny);
      expect(signed(fq!), dtype).toEqual(tiny);
      expect(signed(r!), dtype).toEqual(xs.map(() => 'NaN'));
      const [q0] = await f(sym.array(xs, { dtype }), sym.array(xs.map(() => 0), { dtype }));
      expect(signed(q0!), dtype).toEqual(dtype === 'float64' ? byZero : [...byZero.slice(0, 7), 'NaN']);
      // a typed -0 constant is the float -0; the JavaScript literal -0 is the integer 0, as Python's -0
      const g = sym.function([x], [T.intDiv(x, T.constant(-0, { dtype })), T.intDiv(x, -0)]);
      const [typed, literal] = await g(sym.array([1, -1], { dtype }));
      expect(signed(typed!)).toEqual(['-Infinity', 'Infinity']);
      expect(signed(literal!)).toEqual(['Infinity', '-Infinity']);
    }
  });
  it('pow of integers stays integer', () => {
    expect(run(T.pow(i32([2, 3, -2]), i32([10, 2, 3])))).toEqual(['int32', [1024, 9, -8]]);
    expect(run(T.pow(f64([4, 2]), 0.5))).toEqual(['float64', [2, Math.SQRT2]]);
  });
  it('float pow follows C99 and NumPy where JavaScript does not: 1 ** anything and (-1) ** inf are 1', () => {
    expect(run(T.pow(f64([1, 1, 1, -1, -1, 2, NaN]), f64([NaN, Infinity, -Infinity, Infinity, -Infinity, NaN, 0])))).toEqual(['float64', [1, 1, 1, 1, 1, NaN, 1]]);
  });
  it('neg and abs wrap at the int8 minimum like NumPy', () => {
    expect(run(T.neg(c([-128, 5], 'int8')))).toEqual(['int8', [-128, -5]]);
    expect(run(T.abs(c([-128, -5], 'int8')))).toEqual(['int8', [-128, 5]]);
  });
  it('sign keeps NaN and the dtype', () => {
    expect(run(T.sgn(f64([-2, 0, 3, NaN])))).toEqual(['float64', [-1, 0, 1, NaN]]);
    expect(run(T.sgn(c([-2, 0, 3], 'int8')))).toEqual(['int8', [-1, 0, 1]]);
  });
});

describe('rounding', () => {
  it('round is half to even', () => {
    const r = both(T.round(f64([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6])));
    expect(r.toString()).toBe('[ 0.  2.  2. -0. -2. -2.  2.  3.]');
  });
  it('floor and ceil go to floats', () => {
    expect(run(T.floor(f64([-1.5, 1.5])))).toEqual(['float64', [-2, 1]]);
    expect(run(T.ceil(f64([-1.5, 1.5])))).toEqual(['float64', [-1, 2]]);
    expect(run(T.floor(i32([3])))).toEqual(['float64', [3]]);
  });
});

describe('transcendental functions', () => {
  it('upgrade integers to floats (int32: float64, int8: float32)', () => {
    expect(run(T.exp(i32([0, 1])))).toEqual(['float64', [1, Math.E]]);
    expect(T.exp(c([0], 'int8')).dtype).toBe('float32');
    expect(T.sqrt(c([0], 'uint16')).dtype).toBe('float32');
    expect(T.log(c([1], 'int64')).dtype).toBe('float64');
  });
  it('give nan and inf where NumPy does', () => {
    expect(run(T.sqrt(f64([-1, 4])))).toEqual(['float64', [NaN, 2]]);
    expect(run(T.log(f64([0, 1])))).toEqual(['float64', [-Infinity, 0]]);
    expect(run(T.exp(f64([1000, -1000])))).toEqual(['float64', [Infinity, 0]]);
  });
  it('log1p, expm1 and the trigonometric family match Math', () => {
    expect(run(T.log1p(f64([1e-10])))[1]).toEqual([Math.log1p(1e-10)]);
    expect(run(T.expm1(f64([1e-10])))[1]).toEqual([Math.expm1(1e-10)]);
    const x = [0.25, -0.5];
    const table: [(v: sym.TensorVariable) => sym.TensorVariable, (v: number) => number][] = [
      [T.sin, Math.sin], [T.cos, Math.cos], [T.tan, Math.tan], [T.tanh, Math.tanh],
      [T.arcsin, Math.asin], [T.arccos, Math.acos], [T.arctan, Math.atan], [T.sinh, Math.sinh], [T.cosh, Math.cosh],
    ];
    for (const [op, ref] of table) expect(run(op(f64(x)))).toEqual(['float64', x.map(ref)]);
  });
  it('sigmoid and softplus are stable at the extremes', () => {
    expect(run(T.sigmoid(f64([0, 1000, -1000])))).toEqual(['float64', [0.5, 1, 0]]);
    expect(run(T.softplus(f64([0, 1000, -1000])))).toEqual(['float64', [Math.LN2, 1000, 0]]);
    expect(both(T.sigmoid(f32([2]))).data[0]).toBe(Math.fround(1 / (1 + Math.exp(-2))));
  });
  it('relu keeps the dtype and NaN', () => {
    expect(run(T.relu(f64([-1, 0, 2, NaN])))).toEqual(['float64', [0, 0, 2, NaN]]);
    expect(run(T.relu(i32([-3, 4])))).toEqual(['int32', [0, 4]]);
  });
});

describe('maximum and minimum', () => {
  it('propagate NaN like numpy.maximum', () => {
    expect(run(T.maximum(f64([1, NaN, 3]), f64([NaN, 2, 1])))).toEqual(['float64', [NaN, NaN, 3]]);
    expect(run(T.minimum(f64([1, NaN, 3]), f64([NaN, 2, 1])))).toEqual(['float64', [NaN, NaN, 1]]);
  });
  it('promote their operands', () => {
    expect(run(T.maximum(i32([1, 5]), c([2, 2], 'int8')))).toEqual(['int32', [2, 5]]);
  });
});

describe('comparisons and logic', () => {
  it('give bool, comparing in the promoted dtype', () => {
    expect(run(T.lt(i32([1, 2, 3]), f64([2, 2, 2])))).toEqual(['bool', [true, false, false]]);
    expect(run(T.le(i32([1, 2, 3]), 2))).toEqual(['bool', [true, true, false]]);
    expect(run(T.gt(f64([1, 2, 3]), 2))).toEqual(['bool', [false, false, true]]);
    expect(run(T.ge(f64([1, 2, 3]), 2))).toEqual(['bool', [false, true, true]]);
    expect(run(T.eq(f32([0.1]), f64([0.1])))).toEqual(['bool', [false]]);
  });
  it('treat NaN as unequal to everything', () => {
    expect(run(T.eq(f64([NaN, 1]), f64([NaN, 1])))).toEqual(['bool', [false, true]]);
    expect(run(T.neq(f64([NaN, 1]), f64([NaN, 1])))).toEqual(['bool', [true, false]]);
    expect(run(T.lt(f64([NaN]), 1))).toEqual(['bool', [false]]);
  });
  it('and, or, xor, not are logical on truthiness', () => {
    const a = c([true, true, false, false]);
    const b = c([true, false, true, false]);
    expect(run(T.and(a, b))).toEqual(['bool', [true, false, false, false]]);
    expect(run(T.or(a, b))).toEqual(['bool', [true, true, true, false]]);
    expect(run(T.xor(a, b))).toEqual(['bool', [false, true, true, false]]);
    expect(run(T.not(a))).toEqual(['bool', [false, false, true, true]]);
    expect(run(T.and(i32([2, 0]), i32([3, 3])))).toEqual(['bool', [true, false]]);
  });
  it('bitand, bitor, bitxor, invert are bitwise on integers (NumPy: 6 & 3, 6 | 3, 6 ^ 3, ~6, ~-1)', () => {
    expect(run(T.bitwiseAnd(i32([6, -1]), i32([3, -8])))).toEqual(['int32', [2, -8]]);
    expect(run(T.bitwiseOr(i32([6, -1]), i32([3, -8])))).toEqual(['int32', [7, -1]]);
    expect(run(T.bitwiseXor(i32([6, -1]), i32([3, -8])))).toEqual(['int32', [5, 7]]);
    expect(run(T.invert(i32([6, -1])))).toEqual(['int32', [-7, 0]]);
  });
});

describe('switch, clip, cast, identity, second', () => {
  it('switch picks elementwise and promotes only its branches', () => {
    expect(run(T.switch_(c([1, 0, 1]), i32([1, 2, 3]), i32([-1, -2, -3])))).toEqual(['int32', [1, -2, 3]]);
    expect(run(T.switch_(c([true, false, true]), i32([1, 2, 3]), 0.5))).toEqual(['float64', [1, 0.5, 3]]);
    expect(run(T.where(f64([0.5, 0]), c([1, 2], 'int8'), c([7, 8], 'int8')))).toEqual(['int8', [1, 8]]);
  });
  it("T.switch is Theano's spelling (lstm.py's dropout layer writes tensor.switch(use_noise, ...))", () => {
    expect(run(T.switch(f64(1), f64([1, 2]), f64([3, 4])))).toEqual(['float64', [1, 2]]);
    expect(run(T.switch(c([0, 1]), 5, f64([3, 4])))).toEqual(['float64', [3, 5]]);
  });
  it('switch broadcasts a scalar condition', () => {
    expect(run(T.switch_(c(0), f64([1, 2]), f64([3, 4])))).toEqual(['float64', [3, 4]]);
  });
  it('clip keeps NaN and the dtype of x', () => {
    expect(run(T.clip(f64([-1, 0.5, 3, NaN]), 0, 1))).toEqual(['float64', [0, 0.5, 1, NaN]]);
    expect(run(T.clip(i32([-5, 5, 50]), 0, 10))).toEqual(['int32', [0, 5, 10]]);
  });
  it('cast truncates toward zero and wraps like astype', () => {
    expect(run(T.cast(f64([300, -1.7, 2.9]), 'uint8'))).toEqual(['uint8', [44, 255, 2]]);
    expect(run(T.cast(f64([200, -1.7]), 'int8'))).toEqual(['int8', [-56, -1]]);
    expect(run(T.cast(f64([0.1]), 'float32'))).toEqual(['float32', [Math.fround(0.1)]]);
    expect(run(T.cast(f64([0, -2, NaN]), 'bool'))).toEqual(['bool', [false, true, true]]);
    expect(run(i32([1, 2]).astype('float64'))).toEqual(['float64', [1, 2]]);
  });
  it('cast to the same dtype is the variable itself', () => {
    const x = T.dvector('x');
    expect(T.cast(x, 'float64')).toBe(x);
    expect(() => T.cast(x, 'bfloat16' as sym.DType)).toThrow(/cast: unknown dtype bfloat16/);
  });
  it('identity and second (fill) keep values and take the dtype of the value', () => {
    expect(run(T.identity(i32([4, 5])))).toEqual(['int32', [4, 5]]);
    expect(run(T.second(f64([[1, 2], [3, 4]]), c(7, 'int8')))).toEqual(['int8', [[7, 7], [7, 7]]]);
    expect(run(T.zerosLike(f32([1, 2])))).toEqual(['float32', [0, 0]]);
    expect(run(T.onesLike(i32([1, 2]), 'float64'))).toEqual(['float64', [1, 1]]);
  });
});

describe('every scalar op', () => {
  it('has a test above', () => {
    // the list of scalar ops is closed: a new one must be added to this file
    expect(sym.SCALAR_OP_NAMES.slice().sort()).toEqual(
      [
        'abs', 'add', 'and', 'arccos', 'arcsin', 'arctan', 'bitand', 'bitor', 'bitxor', 'cast', 'ceil', 'clip', 'cos', 'cosh', 'eq', 'exp', 'expm1', 'floor', 'ge', 'gt',
        'identity', 'intdiv', 'invert', 'le', 'log', 'log1p', 'lt', 'maximum', 'minimum', 'mod', 'mul', 'neg', 'neq', 'not', 'or', 'pow', 'relu',
        'round', 'second', 'sigmoid', 'sign', 'sin', 'sinh', 'softplus', 'sqrt', 'sub', 'switch', 'tan', 'tanh', 'truediv', 'xor',
      ].sort(),
    );
  });
});
