import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad, verifyGrad } from '../src/index.js';
import { randomPoint, seededRandom, type Domain } from './helpers.js';

const T = sym.T;
type V = sym.TensorVariable;

interface Case {
  readonly name: string;
  readonly f: (...xs: V[]) => V;
  /** Domain of each argument. */
  readonly domains: readonly Domain[];
  /** Points to keep away from, per argument (kinks, discontinuities). */
  readonly avoid?: readonly (readonly number[])[];
  /** Skip the second-derivative check (zero first derivative). */
  readonly flat?: boolean;
}

const R: Domain = [-2, 2];
const POS: Domain = [0.2, 2];
const UNIT: Domain = [-0.9, 0.9];
const INT_KINKS = [-2, -1, 0, 1, 2];
const HALF_KINKS = [-1.5, -0.5, 0.5, 1.5];

const UNARY: Case[] = [
  { name: 'neg', f: T.neg, domains: [R] },
  { name: 'abs', f: T.abs, domains: [R], avoid: [[0]] },
  { name: 'sign', f: (x) => T.sgn(x), domains: [R], avoid: [[0]], flat: true },
  { name: 'exp', f: T.exp, domains: [R] },
  { name: 'log', f: T.log, domains: [POS] },
  { name: 'log1p', f: T.log1p, domains: [[-0.8, 2]] },
  { name: 'expm1', f: T.expm1, domains: [R] },
  { name: 'sqrt', f: T.sqrt, domains: [POS] },
  { name: 'floor', f: T.floor, domains: [R], avoid: [INT_KINKS], flat: true },
  { name: 'ceil', f: T.ceil, domains: [R], avoid: [INT_KINKS], flat: true },
  { name: 'round', f: (x) => T.round(x), domains: [R], avoid: [HALF_KINKS], flat: true },
  { name: 'sin', f: T.sin, domains: [R] },
  { name: 'cos', f: T.cos, domains: [R] },
  { name: 'tan', f: T.tan, domains: [[-1.2, 1.2]] },
  { name: 'tanh', f: T.tanh, domains: [R] },
  { name: 'arcsin', f: T.arcsin, domains: [UNIT] },
  { name: 'arccos', f: T.arccos, domains: [UNIT] },
  { name: 'arctan', f: T.arctan, domains: [R] },
  { name: 'sinh', f: T.sinh, domains: [R] },
  { name: 'cosh', f: T.cosh, domains: [R] },
  { name: 'sigmoid', f: T.sigmoid, domains: [R] },
  { name: 'softplus', f: T.softplus, domains: [R] },
  { name: 'relu', f: T.relu, domains: [R], avoid: [[0]] },
  { name: 'identity', f: T.identity, domains: [R] },
  { name: 'not (cast to float)', f: (x) => T.cast(T.not(x.gt(0)), 'float64'), domains: [R], avoid: [[0]], flat: true },
];

const BINARY: Case[] = [
  { name: 'add', f: T.add, domains: [R, R] },
  { name: 'sub', f: T.sub, domains: [R, R] },
  { name: 'mul', f: T.mul, domains: [R, R] },
  { name: 'truediv', f: T.trueDiv, domains: [R, POS] },
  { name: 'intdiv', f: T.intDiv, domains: [[0.1, 0.9], [2, 3]], flat: true },
  { name: 'mod', f: T.mod, domains: [[2.1, 2.5], [1.3, 1.4]] },
  { name: 'pow', f: T.pow, domains: [POS, R] },
  { name: 'maximum', f: T.maximum, domains: [[-2, -0.1], [0.1, 2]] },
  { name: 'minimum', f: T.minimum, domains: [[-2, -0.1], [0.1, 2]] },
  { name: 'second', f: T.second, domains: [R, R] },
  { name: 'lt (cast)', f: (a, b) => T.cast(a.lt(b), 'float64'), domains: [[-2, -0.5], [0.5, 2]], flat: true },
  { name: 'eq/neq/le/ge/gt/and/or/xor (cast)', f: (a, b) => T.cast(T.xor(T.and(a.le(b), b.ge(a)), T.or(a.eq(b), a.neq(b).and(a.gt(b)))), 'float64'), domains: [[-2, -0.5], [0.5, 2]], flat: true },
];

const TERNARY: Case[] = [
  { name: 'switch', f: (c, a, b) => T.switch_(c.gt(0), a.mul(a), b.mul(3)), domains: [R, R, R], avoid: [[0], [], []] },
  { name: 'clip', f: (x, lo, hi) => T.clip(x, lo, hi), domains: [R, [-1, -0.9], [0.9, 1]], avoid: [[-1, -0.95, -0.9, 0.9, 0.95, 1], [], []] },
];

/** Shape lists and broadcastable patterns of the operands, one list per arity. */
const SHAPES: Record<number, { shapes: number[][]; bc?: boolean[][] }[]> = {
  1: [{ shapes: [[]] }, { shapes: [[4]] }, { shapes: [[2, 3]] }],
  2: [
    { shapes: [[3], [3]] },
    { shapes: [[2, 3], [1, 3]], bc: [[false, false], [true, false]] },
    { shapes: [[2, 3], [3]] },
    { shapes: [[], [2, 3]] },
    { shapes: [[2, 1], [1, 3]], bc: [[false, true], [true, false]] },
  ],
  3: [{ shapes: [[4], [4], [4]] }, { shapes: [[2, 3], [3], []] }, { shapes: [[2, 3], [2, 1], [1, 3]], bc: [[false, false], [false, true], [true, false]] }],
};

function points(c: Case, shapes: number[][], seed: number): sym.NDArray[] {
  const rng = seededRandom(seed);
  return shapes.map((s, i) => randomPoint(rng, s, c.domains[i]!, c.avoid?.[i] ?? []));
}

describe('verifyGrad on every elementwise op, over shapes and broadcasting patterns', () => {
  for (const c of [...UNARY, ...BINARY, ...TERNARY]) {
    it(c.name, async () => {
      let seed = 1;
      for (const { shapes, bc } of SHAPES[c.domains.length]!) {
        const report = await verifyGrad(c.f, points(c, shapes, seed++), { broadcastable: bc });
        expect(report.maxAbsErr).toBeLessThan(1e-4);
      }
    });
  }
});

describe('second derivatives of the elementwise ops', () => {
  for (const c of [...UNARY, ...BINARY, ...TERNARY].filter((k) => !k.flat)) {
    it(c.name, async () => {
      const { shapes, bc } = SHAPES[c.domains.length]![1]!;
      const pts = points(c, shapes, 7);
      for (let i = 0; i < c.domains.length; i++) {
        const report = await verifyGrad((...xs) => grad(c.f(...xs).sum(), xs[i]!, { disconnectedInputs: 'ignore' }), pts, { broadcastable: bc });
        expect(report.maxRelErr).toBeLessThan(1e-3);
      }
    });
  }
});

describe('casts', () => {
  it('differentiate through float64 -> float32 -> float64 within float32 precision', async () => {
    const report = await verifyGrad((x) => T.cast(T.cast(x, 'float32').mul(3), 'float64'), [[0.5, -1.25]], { eps: 1e-2, absTol: 1e-3, relTol: 1e-3 });
    expect(report.maxAbsErr).toBeLessThan(1e-3);
    const x = T.fvector('x');
    const g = grad(T.cast(x, 'float64').sum(), x);
    expect(g.dtype).toBe('float32');
  });
});
