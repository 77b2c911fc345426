// The composite special functions (T.erf, T.gammaln, T.arctan2...): reference values against NumPy/SciPy,
// the float32 approximations' error in float32 ulps, their kernels on the CPU, names in printing, dtypes.
import { describe, expect, it } from 'vitest';
import { COMPOSITE_OPS, type CompositeScalarOp } from '../src/tensor/special.js';
import * as S from '../src/tensor/special-math.js';
import { ARCTAN2, ARCTAN2_ARGS, REFERENCE } from './special-reference.js';
import { T, sym } from './helpers.js';

/** The SciPy functions of special-scipy.test.ts, which has their own references and tolerances. */
type SciPyExtra = 'erfcx' | 'gammainc' | 'gammaincc' | 'gammau' | 'gammal' | 'chi2sf' | 'j0' | 'j1' | 'jv' | 'i0' | 'i1' | 'iv';
type Unary = Exclude<CompositeScalarOp, 'arctan2' | SciPyExtra>;
const impl = (op: string, ...args: number[]): number => COMPOSITE_OPS[op as keyof typeof COMPOSITE_OPS].impl(args, 'float64', 'float64');

/**
 * Relative tolerance of the reference against SciPy, per function. gamma's
 * grows with |x psi(x)|, the function's own condition number: 1 - x and
 * the recurrences round x at 1e-16 relative, which Gamma(x) amplifies (at
 * x = -30.5 by about 100).
 */
const RTOL: Partial<Record<Unary, (x: number) => number>> = {
  gamma: (x) => 4e-16 * Math.max(4, Math.abs(x) * Math.log(Math.abs(x) + 1)),
  gammaln: (x) => (Math.abs(x) > 2 && x < 0 ? 2e-15 : 8e-16),
  // psi(-0.5) = 0.0365 lies next to psi's zero at -0.504 (condition number 120)
  psi: (x) => (x < 0 ? 2e-14 : 8e-16),
};

function expectClose(got: number, want: number, rtol: number, what: string): void {
  if (Number.isNaN(want)) return void expect(got, what).toBeNaN();
  if (want === 0) return void expect(Object.is(got, want), `${what}: got ${got}, expected ${Object.is(want, -0) ? '-0' : '0'}`).toBe(true);
  if (!Number.isFinite(want)) return void expect(got, what).toBe(want);
  expect(Math.abs(got - want), `${what}: got ${got}, expected ${want}`).toBeLessThanOrEqual(rtol * Math.abs(want));
}

describe('reference implementations against NumPy and SciPy', () => {
  for (const [op, { source, values }] of Object.entries(REFERENCE) as [Unary, (typeof REFERENCE)[string]][]) {
    it(`${op} matches ${source} at ${values.length} points, special values exactly`, () => {
      for (const [x, want] of values) {
        // subnormal results (erfc(26.5)) keep only the digits a subnormal has
        const rtol = Math.abs(want) < 2 ** -1022 ? 1e-6 : (RTOL[op]?.(x) ?? 8e-16);
        expectClose(impl(op, x), want, rtol, `${op}(${Object.is(x, -0) ? '-0' : x})`);
      }
    });
  }

  it('arctan2 matches numpy.arctan2 on every pair of special values, signed zeros included', () => {
    ARCTAN2_ARGS.forEach((y, i) =>
      ARCTAN2_ARGS.forEach((x, j) => {
        // Math.atan2 and NumPy's differ by an ulp at some points (arctan2(3, -1))
        expectClose(impl('arctan2', y, x), ARCTAN2[i]![j]!, 2.3e-16, `arctan2(${y}, ${x})`);
        // the expansion (what the kernels compute) gives the same, to an ulp
        expectClose(S.arctan2(S.F64, y, x), ARCTAN2[i]![j]!, 2.3e-16, `expanded arctan2(${y}, ${x})`);
      }),
    );
  });

  it('the expansions of the functions JavaScript has (asinh, acosh, atanh, trunc) agree with Math to 2 ulps', () => {
    const xs = Array.from({ length: 400 }, (_, i) => Math.sinh((i - 200) / 12));
    for (const x of [...xs, ...xs.map((v) => 1 + Math.abs(v)), ...xs.map((v) => Math.tanh(v / 20))]) {
      for (const [op, f, g] of [
        ['arcsinh', Math.asinh, S.arcsinh],
        ['arccosh', Math.acosh, S.arccosh],
        ['arctanh', Math.atanh, S.arctanh],
        ['trunc', Math.trunc, S.trunc],
      ] as const) {
        const want = f(x);
        if (Number.isFinite(want)) expectClose(g(S.F64, x), want, 4.5e-16, `${op}(${x})`);
      }
    }
  });

  it('gammaln is inf at every negative integer, those where lgamma(1 - x) overflows included (NaN before)', async () => {
    // python3 -c "import scipy.special as sp, numpy as np; print(sp.gammaln([-1e306, -1.7e308]), sp.gammaln(np.float32(-3.4e38)))": inf each
    for (const x of [-1, -1e300, -1e306, -1.7e308]) expect(impl('gammaln', x), `gammaln(${x})`).toBe(Infinity);
    for (const x of [-1e37, -3.4e38]) expect(COMPOSITE_OPS.gammaln.expand(S.F32, [Math.fround(x)]), `float32 gammaln(${x})`).toBe(Infinity);
    for (const dtype of ['float64', 'float32'] as const) {
      const v = T.vector('v', dtype);
      const xs = dtype === 'float64' ? [-1e306, -1.7e308, -Infinity] : [-1e37, -3.4e38, -Infinity];
      const got = (await sym.function([v], T.gammaln(v))(sym.array(xs, { dtype }))) as sym.NDArray;
      expect(Array.from(got.data), dtype).toEqual([Infinity, Infinity, -Infinity]);
    }
  });

  it('psi keeps its digits next to its zero at 1.46163... (the recurrence cancelled: 4e-13 relative at 1.46, none at the zero)', async () => {
    // python3 -c "import mpmath as mp; mp.mp.dps = 40; print(mp.digamma(mp.mpf(1.4616321449683622)))", and so on
    const want: [number, number][] = [
      [1.4616321449683622, -9.2412655217294275e-17],
      [1.46, -0.0015805619870834521],
      [1.47, 0.0080664890113648684],
      [1.5, 0.036489973978576521],
      [1.25, -0.22745353337626541],
      [1.7, 0.20854787487349392],
      [1.2116321449683622, -0.27439673187196257],
    ];
    for (const [x, w] of want) expectClose(impl('psi', x), w, 1e-15, `psi(${x})`);
    const v = T.vector('v', 'float32');
    const got = (await sym.function([v], T.psi(v))(sym.array([1.4616321325302124, 1.46, 1.5], { dtype: 'float32' }))) as sym.NDArray;
    [-1.2036052549106669e-8, -0.0015805250181043615, 0.036489973978576521].forEach((w, i) => expect(ulps32(got.data[i]!, w), `float32 psi(${got.data[i]})`).toBeLessThanOrEqual(3));
  });

  it('psi reflects with pi cot(pi x) exact near the half-integers (float32 psi(-0.5) was 37 ulps off: tan(pi * -0.5) is not infinite)', async () => {
    // python3 -c "import mpmath as mp, numpy as np; print(mp.digamma(mp.mpf(float(np.float32(-1.3)))))", and so on
    const want: [number, number][] = [
      [-0.5, 0.036489973978576521],
      [-2.5, 1.1031566406452432],
      [-1.2999999523162842, 2.8825412420385216],
      [-0.699999988079071, -2.0739526233241621],
      [-10.449999809265137, 2.8912677623138381],
      [-3.0999999046325684, 10.952944910960672],
    ];
    expectClose(impl('psi', -0.5), want[0]![1], 1e-15, 'psi(-0.5)');
    const v = T.vector('v', 'float32');
    const got = (await sym.function([v], T.psi(v))(sym.array(want.map(([x]) => x), { dtype: 'float32' }))) as sym.NDArray;
    want.forEach(([x, w], i) => expect(ulps32(got.data[i]!, w), `float32 psi(${x}): ${got.data[i]} vs ${w}`).toBeLessThanOrEqual(4));
  });

  it('erfcinv of the smallest subnormal is its true value (SciPy gives inf, its y / 2 underflowing)', () => {
    // python3 -c "import mpmath as mp; mp.mp.dps = 30; print(mp.findroot(lambda v: mp.log(mp.erfc(v)) - mp.log(mp.mpf(5e-324)), 27))"
    expectClose(impl('erfcinv', 5e-324), 27.2132932108129488, 4e-16, 'erfcinv(5e-324)');
    expect(impl('erfinv', -0)).toBe(0);
  });

  it('erf(x) + erfc(x) = 1 and erfinv(erf(x)) = x, erfcinv(erfc(x)) = x to a few ulps', () => {
    for (let i = -300; i <= 300; i++) {
      const x = i / 50;
      expect(Math.abs(impl('erf', x) + impl('erfc', x) - 1)).toBeLessThan(3e-16);
      // erf's rounding, 1e-16 relative, moves erfinv by 1e-16 / erf'(x)
      const erfPrime = (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x);
      if (Math.abs(x) < 4.5) expectClose(impl('erfinv', impl('erf', x)), x, 5e-16 + 2.3e-16 / (erfPrime * Math.abs(x)), `erfinv(erf(${x}))`);
      // erfc's rounding moves erfcinv by 1.2e-16 erfc(x) / erfc'(x): far more than x near 0 and below 0
      const ill = (1.2e-16 * impl('erfc', x)) / (erfPrime * Math.abs(x));
      // erfcinv(1) is -0, as in SciPy
      if (x > -4.5 && x !== 0) expectClose(impl('erfcinv', impl('erfc', x)), x, 1e-15 + ill, `erfcinv(erfc(${x}))`);
    }
  });

  it('gamma = exp(gammaln) and Gamma(x + 1) = x Gamma(x); psi(x + 1) = psi(x) + 1 / x; trigamma(x + 1) = trigamma(x) - 1 / x^2', () => {
    for (let i = 1; i < 400; i++) {
      const x = i / 13 + 0.01;
      const lgamma = impl('gammaln', x);
      // absolute near gammaln's zeros at 1 and 2
      expectClose(Math.log(Math.abs(impl('gamma', x))), lgamma, 2e-15 + 1e-16 / Math.abs(lgamma), `log gamma(${x})`);
      expectClose(impl('gamma', x + 1), x * impl('gamma', x), 2e-15 * Math.max(1, x), `gamma(${x} + 1)`);
      // absolute: psi(x + 1) crosses zero at 1.46
      const psi1 = impl('psi', x + 1);
      expectClose(psi1, impl('psi', x) + 1 / x, 2e-15 * Math.max(1, 1 / Math.abs(psi1), 1 / (x * Math.abs(psi1))), `psi(${x} + 1)`);
      // the difference of two values near 1 / x^2 keeps their absolute error
      const trigamma1 = impl('trigamma', x + 1);
      expectClose(trigamma1, impl('trigamma', x) - 1 / (x * x), 2e-15 * Math.max(1, 1 / (x * x * trigamma1)), `trigamma(${x} + 1)`);
    }
  });
});

/** How many float32 ulps (of the exact value) apart two numbers are. */
function ulps32(got: number, want: number): number {
  const e = Math.max(Math.floor(Math.log2(Math.abs(want))), -126);
  return Math.abs(got - want) / 2 ** (e - 23);
}

/** Points of [lo, hi] spread evenly (uniform) or by magnitude (log), as float32 values. */
function grid(lo: number, hi: number, n: number, log = false): number[] {
  return Array.from({ length: n }, (_, i) => Math.fround(log ? lo * (hi / lo) ** (i / (n - 1)) : lo + ((hi - lo) * i) / (n - 1)));
}

/**
 * float32's approximations, computed as the CPU backend's float32 kernels
 * compute them (every operation rounded to float32), against the float64
 * reference at the same float32 inputs: the worst error in float32 ulps,
 * on ranges where the function is well conditioned (away from the zeros of
 * gammaln and psi, where the error relative to a value near 0 is not
 * bounded by any method).
 */
const F32_RANGES: Record<Unary, { xs: number[]; ulps: number }> = {
  erf: { xs: [...grid(-6, 6, 2001), ...grid(1e-30, 0.5, 200, true)], ulps: 4 },
  erfc: { xs: [...grid(-6, 9, 2001), ...grid(1e-30, 0.5, 200, true)], ulps: 6 },
  erfinv: { xs: [...grid(-0.9999, 0.9999, 2001), ...grid(1e-30, 0.5, 200, true), ...grid(0.99, 0.99999994, 300)], ulps: 5 },
  erfcinv: { xs: [...grid(1e-37, 1, 500, true), ...grid(0.001, 1.999, 2001)], ulps: 5 },
  gammaln: { xs: [...grid(1e-30, 0.9, 200, true), ...grid(2.2, 40, 1000), ...grid(40, 1e30, 200, true), ...grid(-20.9, -0.1, 1000).filter((x) => Math.abs(x - Math.round(x)) > 0.05)], ulps: 8 },
  gamma: { xs: [...grid(1e-30, 1, 200, true), ...grid(0.01, 34, 1500), ...grid(-30.9, -0.1, 1000).filter((x) => Math.abs(x - Math.round(x)) > 0.01)], ulps: 10 },
  psi: { xs: [...grid(1e-30, 1.2, 200, true), ...grid(1.8, 40, 1000), ...grid(40, 1e30, 200, true)], ulps: 10 },
  trigamma: { xs: [...grid(1e-15, 1, 200, true), ...grid(0.01, 40, 1000), ...grid(-20.9, -0.1, 1000).filter((x) => Math.abs(x - Math.round(x)) > 0.01)], ulps: 8 },
  arcsinh: { xs: [...grid(-50, 50, 2001), ...grid(1e-30, 1e30, 300, true)], ulps: 3 },
  arccosh: { xs: [...grid(1, 50, 2001), ...grid(1, 1e30, 300, true)], ulps: 3 },
  arctanh: { xs: [...grid(-0.9999, 0.9999, 2001), ...grid(1e-30, 0.5, 200, true)], ulps: 3 },
  deg2rad: { xs: grid(-720, 720, 1001), ulps: 1 },
  rad2deg: { xs: grid(-7, 7, 1001), ulps: 1 },
  trunc: { xs: grid(-1e6, 1e6, 1001), ulps: 0 },
};

/**
 * |x f'(x) / f(x)|, at least 1, for the functions with zeros or poles amid
 * their range: the error a rounding of x alone causes, in units of its own.
 */
function condition(op: Unary, x: number): number {
  const psi = impl('psi', x);
  const c = op === 'gammaln' ? (x * psi) / impl('gammaln', x) : op === 'gamma' ? x * psi : op === 'psi' ? (x * impl('trigamma', x)) / psi : 1;
  return Math.max(1, Math.abs(c));
}

describe('float32 approximations', () => {
  for (const [op, { xs, ulps }] of Object.entries(F32_RANGES) as [Unary, { xs: number[]; ulps: number }][]) {
    it(`${op}: within ${ulps} float32 ulps (times the condition number, for the gamma family) of the reference on ${xs.length} points`, () => {
      const spec = COMPOSITE_OPS[op];
      let worst = 0;
      let at = NaN;
      for (const x of xs) {
        const want = spec.impl([x], 'float64', 'float64');
        if (!Number.isFinite(want) || Math.abs(want) > 3.4e38 || (want !== 0 && Math.abs(want) < 2 ** -126)) continue;
        const err = ulps32(spec.expand(S.F32, [x]), want) / condition(op, x);
        if (err > worst) [worst, at] = [err, x];
      }
      expect(worst, `worst at ${op}(${at})`).toBeLessThanOrEqual(ulps);
    });
  }
});

/** Where each function is evaluated on the CPU: its domain's inside, and where it is well conditioned. */
const POINTS = [-7.3, -2.5, -0.3, -0, 0, 1e-9, 0.2, 0.7, 1, 1.5, 4, 13.5, 30, 1e5];
const KERNEL_POINTS: Partial<Record<Unary, readonly number[]>> = {
  erfinv: [-0.999, -0.7, -0.3, -0, 0, 1e-9, 0.2, 0.5, 0.9, 0.99, 0.99999, 1, -1, 1.5],
  erfcinv: [0, 1e-30, 1e-9, 0.001, 0.2, 0.5, 0.9, 1, 1.2, 1.7, 1.99, 1.999, 2, -0.5],
  arccosh: [1, 1.0001, 1.5, 2, 3.7, 10, 1e5, 1e20, 0.5, -3],
};
const f32 = Math.fround;

describe('kernels (CPU): the lowered composites compute the reference', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`every unary composite in ${dtype}, and in float64 as the reference computes it`, async () => {
      const single = dtype === 'float32';
      const v = T.vector('v', dtype);
      for (const op of Object.keys(F32_RANGES) as Unary[]) {
        const points = KERNEL_POINTS[op] ?? POINTS;
        const y = T[op === 'trigamma' ? 'triGamma' : op](v);
        const got = (await sym.function([v], y)(sym.array(points, { dtype }))) as sym.NDArray;
        expect(got.dtype).toBe(dtype);
        points.forEach((p, i) => {
          const x = single ? f32(p) : p;
          const w = single ? f32(impl(op, x)) : impl(op, x);
          const g = got.data[i]!;
          // float64 runs the reference's own expansion; float32 its cheaper one, a few ulps off (at most 30 near gammaln's zero at 1)
          const rtol = single ? 2e-6 : op === 'arcsinh' || op === 'arccosh' || op === 'arctanh' ? 4.5e-16 : 0;
          if (Number.isFinite(w) && w !== 0) expect(Math.abs(g - w), `${op}(${x}) in ${dtype}: ${g} vs ${w}`).toBeLessThanOrEqual(rtol * Math.abs(w));
          else expect(g, `${op}(${x}) in ${dtype}`).toBe(w);
        });
      }
    });
  }

  it('arctan2 broadcasts (y column, x row), on every pair of special values', async () => {
    const y = T.tensor('float64', [false, true], 'y');
    const x = T.tensor('float64', [true, false], 'x');
    const f = sym.function([y, x], T.arctan2(y, x));
    const n = ARCTAN2_ARGS.length;
    const got = (await f(sym.array([...ARCTAN2_ARGS], { shape: [n, 1] }), sym.array([...ARCTAN2_ARGS], { shape: [1, n] }))) as sym.NDArray;
    ARCTAN2.forEach((row, i) => row.forEach((w, j) => expectClose(got.data[i * n + j]!, w, 2.3e-16, `arctan2(${ARCTAN2_ARGS[i]}, ${ARCTAN2_ARGS[j]})`)));
  });

  it('kernels hold primitive ops only; a value read many times is a kernel of its own, not a tree written out at each use', () => {
    const v = T.dvector('v');
    const primitive = new Set<string>(sym.SCALAR_OP_NAMES);
    for (const [y, kernels] of [[T.deg2rad(v), 1], [T.erf(v), 4], [T.gammaln(v), 9], [T.erfinv(v), 12]] as const) {
      const p = sym.schedule({ inputs: [v], inputShapes: [[5]], outputs: [y] });
      expect(p.steps.length, sym.pp(y)).toBeLessThanOrEqual(kernels);
      let nodes = 0;
      for (const s of p.steps) {
        sym.walkExpr((s.kernel as sym.ElementwiseKernel).expr, (e) => {
          nodes++;
          if (e.kind === 'apply') expect(primitive.has(e.op), e.op).toBe(true);
        });
      }
      expect(nodes, sym.pp(y)).toBeLessThan(600);
    }
  });
});

describe('graph: names and dtypes', () => {
  it('pp and debugprint show Theano names', () => {
    const x = T.vector('x');
    expect(sym.pp(T.erf(x))).toBe('erf(x)');
    expect(sym.pp(T.gammaln(x).add(T.triGamma(x)))).toBe('(gammaln(x) + tri_gamma(x))');
    expect(sym.pp(T.arctan2(x, x))).toBe('arctan2(x, x)');
    expect(sym.debugprint(T.psi(x))).toBe("Elemwise{psi,no_inplace} [id A] ''\n |x [id B]");
  });

  it('integer and boolean inputs give floats, as the other float functions do (trunc included, as Theano\'s)', () => {
    expect(T.trunc(T.ivector('i')).dtype).toBe('float64');
    expect(T.erf(T.bvector('b')).dtype).toBe(T.exp(T.bvector('b')).dtype);
    expect(T.arctan2(T.fvector('y'), T.ivector('x')).dtype).toBe('float64');
    expect(T.gammaln(T.fvector('x')).dtype).toBe('float32');
  });

  it('int32 inputs compute in float64 (trunc(-7) is -7.0, gammaln(5) is log(24))', async () => {
    const i = T.ivector('i');
    const f = sym.function([i], [T.trunc(i), T.gammaln(i)]);
    const [t, g] = (await f(sym.array([-7, 5], { dtype: 'int32' }))) as sym.NDArray[];
    expect(Array.from(t!.data)).toEqual([-7, 5]);
    expect(g!.data[1]).toBeCloseTo(Math.log(24), 14);
  });
});
