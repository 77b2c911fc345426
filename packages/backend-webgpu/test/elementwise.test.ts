/**
 * Every scalar op, rendered to WGSL and run on Dawn, against the CPU
 * backend. Tolerances are per op, for float32 results: exact where one
 * correctly rounded operation (or a choice) gives the answer; a few ulps for
 * division and square root (WGSL allows 2.5 ulp); 1e-5 relative for
 * transcendental functions; sin/cos/tan get WGSL's absolute bound.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ScalarOpName } from '@sym/graph';
import { EXACT, expectClose, type Tol } from './compare.js';
import { T, both, sym } from './setup.js';

const TRANSCENDENTAL: Tol = { rtol: 1e-5, atol: 1e-6 };
const TRIG: Tol = { rtol: 1e-5, atol: 5e-4 };
const NEAR: Tol = { rtol: 4e-7, atol: 0 };

/** float32 inputs covering signs, zeros, halves, large values and the specials. */
const SPECIAL = [0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 1, -1, 3, -7.25, 1e-7, 80, -80, 1e6, NaN, Infinity, -Infinity];
const SMOOTH = [0, 0.1, -0.3, 0.5, -0.9, 0.99, 1, -1, 2, -3, 10, -20, 1e-6];

const UNARY: [ScalarOpName, Tol, number[]][] = [
  ['neg', EXACT, SPECIAL],
  ['abs', EXACT, SPECIAL],
  ['sign', EXACT, SPECIAL],
  ['floor', EXACT, SPECIAL],
  ['ceil', EXACT, SPECIAL],
  ['round', EXACT, SPECIAL],
  ['relu', EXACT, SPECIAL],
  ['sqrt', NEAR, [0, 0.25, 2, 3, 1e6, 1e-7, Infinity, -1, NaN]],
  ['exp', TRANSCENDENTAL, [...SMOOTH, 80, -80, 100, -Infinity, Infinity, NaN]],
  ['log', TRANSCENDENTAL, [1e-7, 0.5, 1, 2, 10, 1e6, 0, Infinity, NaN]],
  ['log1p', TRANSCENDENTAL, [...SMOOTH.filter((v) => v > -1), 1e-7, -1e-7, 1e6, Infinity]],
  ['expm1', TRANSCENDENTAL, [...SMOOTH, 1e-7, -1e-7, 50, -50]],
  ['tanh', TRANSCENDENTAL, [...SMOOTH, 30, -30, 1e-7, NaN]],
  ['sigmoid', TRANSCENDENTAL, [...SMOOTH, 50, -50, 100, -100]],
  ['softplus', TRANSCENDENTAL, [...SMOOTH, 50, -50, 100, -100]],
  ['sinh', TRANSCENDENTAL, SMOOTH],
  ['cosh', TRANSCENDENTAL, SMOOTH],
  ['arcsin', TRANSCENDENTAL, [0, 0.5, -0.5, 0.99, -1, 1]],
  ['arccos', TRANSCENDENTAL, [0, 0.5, -0.5, 0.99, -1, 1]],
  ['arctan', TRANSCENDENTAL, [...SMOOTH, 1e6]],
  ['sin', TRIG, SMOOTH],
  ['cos', TRIG, SMOOTH],
  ['tan', TRIG, [0, 0.1, -0.3, 0.5, 1, -1, 1.2]],
];

const X = [-7.5, -3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 7.5, NaN, Infinity];
const Y = [-2, -1, -0.5, 0.5, 2, 3, 0];

const BINARY: [string, (a: sym.TensorVariable, b: sym.TensorVariable) => sym.TensorVariable, Tol][] = [
  ['add', (a, b) => a.add(b), EXACT],
  ['sub', (a, b) => a.sub(b), EXACT],
  ['mul', (a, b) => a.mul(b), EXACT],
  ['truediv', (a, b) => a.div(b), NEAR],
  ['intdiv', (a, b) => a.intDiv(b), EXACT],
  ['mod', (a, b) => a.mod(b), { rtol: 1e-6, atol: 1e-6 }],
  ['pow', (a, b) => a.pow(b), TRANSCENDENTAL],
  ['maximum', (a, b) => a.maximum(b), EXACT],
  ['minimum', (a, b) => a.minimum(b), EXACT],
  ['eq', T.eq, EXACT],
  ['neq', T.neq, EXACT],
  ['lt', T.lt, EXACT],
  ['le', T.le, EXACT],
  ['gt', T.gt, EXACT],
  ['ge', T.ge, EXACT],
  ['and', T.and, EXACT],
  ['or', T.or, EXACT],
  ['xor', T.xor, EXACT],
];

// every test compares through expectClose; make sure none slips through without it
beforeEach(() => expect.hasAssertions());

describe('float32 elementwise ops', () => {
  for (const [op, tol, values] of UNARY) {
    it(`${op}`, async () => {
      const x = T.fvector('x');
      const { gpu, ref } = await both([x], sym.elemwise(op, x), [new Float32Array(values)]);
      expectClose(gpu[0]!, ref[0]!, tol, op);
    });
  }

  for (const [op, f, tol] of BINARY) {
    it(`${op} over a broadcast grid (column x row)`, async () => {
      const a = T.fcol('a');
      const b = T.frow('b');
      const args = [sym.array(X.map((v) => [v]), { dtype: 'float32' }), sym.array([Y], { dtype: 'float32' })];
      const { gpu, ref } = await both([a, b], f(a, b), args);
      expectClose(gpu[0]!, ref[0]!, tol, op);
    });
  }

  it('switch, clip, not and casts in one fused expression over transposed input', async () => {
    const m = T.fmatrix('m');
    const t = m.transpose();
    const outs = [
      T.switch_(T.gt(t, 0), t.mul(2), t.neg()),
      T.clip(t, -1, 2.5),
      T.not(t),
      t.astype('int32'),
      t.astype('uint8'),
      t.astype('bool'),
      t.astype('int8').astype('float32').add(1),
    ];
    const data = sym.array([[1.5, -2, 0, 300], [-0.5, 7, NaN, -129]], { dtype: 'float32' });
    const { gpu, ref } = await both([m], outs, [data]);
    outs.forEach((_, i) => expectClose(gpu[i]!, ref[i]!, EXACT, `output ${i}`));
  });
});

describe('integer and bool elementwise ops', () => {
  const ints = [-2147483648, -7, -3, -1, 0, 1, 2, 3, 7, 2147483647];
  const divisors = [-3, -1, 0, 2, 5];
  const IOPS: [string, (a: sym.TensorVariable, b: sym.TensorVariable) => sym.TensorVariable][] = [
    ['add (wraps)', (a, b) => a.add(b)],
    ['sub (wraps)', (a, b) => a.sub(b)],
    ['mul (wraps)', (a, b) => a.mul(b)],
    ['intdiv (floors, x // 0 = 0)', (a, b) => a.intDiv(b)],
    ['mod (floors, x % 0 = 0)', (a, b) => a.mod(b)],
    ['maximum', (a, b) => a.maximum(b)],
    ['minimum', (a, b) => a.minimum(b)],
    ['lt', T.lt],
    ['eq', T.eq],
    ['and', T.and],
    ['xor', T.xor],
  ];
  for (const dtype of ['int32', 'uint32', 'int8', 'int16', 'uint8', 'uint16'] as const) {
    for (const [name, f] of IOPS) {
      it(`${dtype} ${name}`, async () => {
        const a = T.tensor(dtype, [false, true], 'a');
        const b = T.tensor(dtype, [true, false], 'b');
        const A = sym.array(ints.map((v) => [v]), { dtype: 'float64' }).astype(dtype);
        const B = sym.array([divisors], { dtype: 'float64' }).astype(dtype);
        const { gpu, ref } = await both([a, b], f(a, b), [A, B]);
        expectClose(gpu[0]!, ref[0]!, EXACT, `${dtype} ${name}`);
      });
    }
  }

  it('int32 unary ops, integer pow and neg of the minimum', async () => {
    const x = T.ivector('x');
    const outs = [x.neg(), T.abs(x), T.sign(x), T.relu(x), x.pow(2), x.pow(3), T.pow(2, T.clip(x, -3, 30)), x.astype('float32').div(2)];
    const { gpu, ref } = await both([x], outs, [new Int32Array([-2147483648, -5, -1, 0, 1, 5, 46341, 2147483647])]);
    outs.forEach((_, i) => expectClose(gpu[i]!, ref[i]!, EXACT, `output ${i}`));
  });

  it('bool arithmetic becomes int8, logic stays bool', async () => {
    const p = T.tensor('bool', [false], 'p');
    const q = T.tensor('bool', [false], 'q');
    const outs = [p.add(q), T.and(p, q), T.or(p, q), T.xor(p, q), T.not(p), p.maximum(q), T.lt(p, q), T.switch_(p, 3, 4)];
    const args = [new Uint8Array([0, 0, 1, 1]), new Uint8Array([0, 1, 0, 1])].map((d) => sym.fromTyped(d, [4], 'bool'));
    const { gpu, ref } = await both([p, q], outs, args);
    outs.forEach((_, i) => expectClose(gpu[i]!, ref[i]!, EXACT, `output ${i}`));
  });

  it('int64 is 64 bits wide: values past 2^32 go up, compute and come back exact', async () => {
    const x = T.lvector('x');
    const outs = [x.add(1), x.mul(3).sub(x).intDiv(-7), x.mod(1000003), T.shapeI(x, 0).add(x), x.astype('float32'), x.astype('int32')];
    const values = [-(2 ** 40) - 3, -5, 0, 7, 40000, 3e9, 2 ** 33 + 1];
    const { gpu, ref } = await both([x], outs, [sym.array(values, { dtype: 'int64' })]);
    // the round trip past the int32 range is exact
    expect([...gpu[0]!.data]).toEqual(values.map((v) => v + 1));
    outs.forEach((_, i) => expectClose(gpu[i]!, ref[i]!, EXACT, `output ${i}`));
    // products carry into the high word
    const squares = await both([x], [x.mul(x)], [sym.array([-(2 ** 26) - 3, 65537, 3e6, 2 ** 26 + 1], { dtype: 'int64' })]);
    expect([...squares.gpu[0]!.data]).toEqual([(2 ** 26 + 3) ** 2, 65537 ** 2, 9e12, (2 ** 26 + 1) ** 2]);
  });
});
