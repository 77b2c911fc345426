/**
 * T.fft.rfft and T.fft.irfft against NumPy 2.4's rfftn/irfftn (numbers
 * below, axes 1.. of each input, (real, imaginary) stacked on a last
 * axis), Theano's norms, its errors, and gradients against finite
 * differences (float64), the first and last (Nyquist) bins included.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';
import { dftPlan } from './fft-plan.js';
import { dftGraph, type DftForm } from './fft-stages.js';

type V = sym.TensorVariable;
const { verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};

const run = (f: (v: V) => V, value: sym.NestedArray, ndim: number, dtype: sym.DType = 'float64'): sym.NDArray => {
  const x = T.tensor(dtype, Array.from({ length: ndim }, () => false), 'x');
  return sym.function([x], f(x)).sync(sym.array(value, { dtype })) as sym.NDArray;
};

function expectClose(got: sym.NDArray, want: sym.NestedArray, digits = 12): void {
  const w = sym.array(want);
  expect(got.shape).toEqual(w.shape);
  w.data.forEach((v, i) => expect(got.data[i]).toBeCloseTo(v, digits));
}

const X5 = [[1, 2, 0, -1, 3], [0.5, -2, 4, 1, 1]];
const X6 = [[1, 2, 0, -1, 3, 2], [0.5, -2, 4, 1, 1, -3]];
const X45 = [[[1, 2, 3, 4, 0], [5, 6, 7, 9, 1], [0, 1, -1, 2, 2], [3, 0, 1, 1, -2]]];
// (1, 3, 4, 2): the first bin's imaginary parts nonzero, and the last's, which NumPy ignores for an even length
const Z = [[[[4, 1], [1, 2], [-1, 0.5], [2, 3]], [[0, 1], [1, 1], [2, -1], [0.5, 2]], [[1, -1], [3, 0], [0, 0], [1, 1]]]];

describe('T.fft.rfft', () => {
  it('is numpy.fft.rfftn over axes 1.. as (real, imag) pairs: odd length, batch of 2', () => {
    expectClose(run((x) => T.fft.rfft(x), X5, 2), [
      [[5, 0], [3.35410196624968, 0.36327126400268], [-3.35410196624968, 1.53884176858763]],
      [[4.5, 0], [-3.85410196624968, 1.08981379200804], [2.85410196624968, 4.61652530576288]],
    ]);
  });

  it("scales by 1/sqrt(n) with norm 'ortho': even length, the Nyquist bin real", () => {
    expectClose(run((x) => T.fft.rfft(x, 'ortho'), X6, 2), [
      [[2.85773803324704, 0], [1.02062072615966, 1.06066017177982], [-1.42886901662352, -1.06066017177982], [0.40824829046386, 0]],
      [[0.61237243569579, 0], [-2.24536559755125, -1.4142135623731], [0.61237243569579, 0.70710678118655], [3.8783587594067, 0]],
    ]);
  });

  it('transforms a 2-d image: (1, 4, 5) to (1, 4, 3, 2)', () => {
    expectClose(run((x) => T.fft.rfft(x), X45, 3), [
      [
        [[45, 0], [-8.94427190999916, -4.08174061660639], [8.94427190999916, -10.40862111611071]],
        [[6, -25], [-5.84071800492515, 2.51634491840433], [-0.00234982884309, 1.09367230383815]],
        [[-17, 0], [1.09016994374947, 6.88190960235587], [-10.09016994374947, 1.62459848116453]],
        [[6, 25], [-2.48551991632412, -10.57382502534514], [7.32858775009236, -0.81615775241238]],
      ],
    ]);
  });

  it("keeps float32, and 'no_norm' is unscaled as null is", () => {
    const a = run((x) => T.fft.rfft(x), X45, 3, 'float32');
    expect(a.dtype).toBe('float32');
    expect(a.data[0]).toBeCloseTo(45, 4);
    expect(run((x) => T.fft.rfft(x, 'no_norm'), X45, 3).data[2]).toBeCloseTo(-8.94427190999916, 12);
  });

  it("gives NumPy's exact zeros: the Nyquist bin's imaginary part, and the quarter turn's real part", () => {
    // NumPy: [[10, 0], [-2, 2], [-2, 0]]; sin(pi) and cos(pi / 2) in floating point are 1e-16, not 0
    const got = run((x) => T.fft.rfft(x), [[1, 2, 3, 4]], 2);
    expect(Array.from(got.data).map((v) => v + 0)).toEqual([10, 0, -2, 2, -2, 0]);
  });

  it('rejects an input of rank below 2 and a bad norm, naming them', () => {
    expect(() => T.fft.rfft(T.vector('sig'))).toThrow(/rfft: inp must have at least 2 dimensions .*sig/);
    expect(() => T.fft.rfft(T.matrix('m'), 'forward' as never)).toThrow(`rfft: norm must be null, 'ortho' or 'no_norm', got "forward"`);
  });
});

describe('T.fft.irfft', () => {
  it('is numpy.fft.irfftn, even length: the imaginary parts of the first and last bins ignored', () => {
    expectClose(run((z) => T.fft.irfft(z), Z, 4), [
      [
        [1.13888888888889, 0.06499294339321, -0.19789876813839, -0.36111111111111, 0.47567654591617, 0.5461181677179],
        [-0.21378201174185, -0.20434462390419, 0.57143879915901, 0.1582264561863, 0.00099717735728, 0.27678060042049],
        [0.07489312285296, 0.08433051069062, 0.19344726708716, -0.13044867840852, 0.95633897861876, 0.56545573501531],
      ],
    ]);
  });

  it("odd length with isOdd, norms null, 'ortho' and 'no_norm'", () => {
    const none = [
      [
        [1.14285714285714, -0.21140913222282, 0.40170514833576, -0.92402973696934, 0.51256729763592, 0.10660737905882, 0.63836856797118],
        [-0.16495721976846, -0.31601577956939, 0.45772512906591, 0.28278020151541, 0.05488482889749, 0.02994808330505, 0.24495115403104],
        [0.16495721976846, -0.13220512774191, 0.43714344553055, -0.32193218203759, 0.41315785514453, 0.80997226479737, 0.37292346039488],
      ],
    ];
    expectClose(run((z) => T.fft.irfft(z, null, true), Z, 4), none);
    const ortho = run((z) => T.fft.irfft(z, 'ortho', true), Z, 4);
    expect(ortho.data[0]).toBeCloseTo(5.23722936566382, 12);
    expect(ortho.data[20]).toBeCloseTo(1.70894998568441, 12);
    // no_norm: NumPy's inverse (scaled by 1/N) times N = 3 * 7
    const unscaled = run((z) => T.fft.irfft(z, 'no_norm', true), Z, 4);
    sym.array(none).data.forEach((v, i) => expect(unscaled.data[i]).toBeCloseTo(v * 21, 11));
  });

  it('inverts rfft: 1-d odd and even, a 3-d transform, batches of 1 and 3', () => {
    const cases: [number[], boolean][] = [[[3, 7], true], [[1, 8], false], [[2, 3, 4, 5], true], [[3, 2, 2, 6], false]];
    for (const [shape, odd] of cases) {
      const value = sym.fill(shape, 'float64', (i) => Math.sin(i * 1.7) * 3);
      for (const norm of [null, 'ortho', 'no_norm'] as const) {
        const back = run((x) => {
          const y = T.fft.irfft(T.fft.rfft(x, norm), norm, odd);
          return norm === 'no_norm' ? T.trueDiv(y, shape.slice(1).reduce((p, n) => p * n, 1)) : y;
        }, value.toArray() as sym.NestedArray, shape.length);
        expectClose(back, value.toArray() as sym.NestedArray, 11);
      }
    }
  });

  it('rejects a last axis that is not 2, rank below 3, a bad norm or isOdd, naming the input', () => {
    const spec = T.tensor3('spec');
    const f = sym.function([spec], T.fft.irfft(spec));
    expect(() => f.sync(sym.NDArray.zeros([1, 4, 3], "float64"))).toThrow(/irfft: spec has shape \(1, 4, 3\), but the shape specified is \(\?, \?, 2\)/);
    expect(() => T.fft.irfft(T.matrix('m'))).toThrow(/irfft: inp must have at least 3 dimensions .*m of type/);
    expect(() => T.fft.irfft(spec, 'unitary' as never)).toThrow(`irfft: norm must be null, 'ortho' or 'no_norm', got "unitary"`);
    expect(() => T.fft.irfft(spec, null, 1 as never)).toThrow('irfft: isOdd must be true or false, got 1');
  });

  // NumPy: rfftn/irfftn raise "Invalid number of data points (0) specified"; these gave (m, 1, 2) zeros and an empty signal
  it('rejects a transform of no points: an empty axis, or one bin of an even irfft (n = 0)', () => {
    const x = T.matrix('x');
    const z = T.tensor3('z');
    const x3 = T.tensor3('x3');
    const empty = (shape: number[]) => sym.NDArray.zeros(shape, 'float64');
    expect(() => sym.function([x], T.fft.rfft(x)).sync(empty([2, 0]))).toThrow('rfft: x has 0 points along axis 1; a transform needs at least 1 (NumPy: Invalid number of data points (0) specified)');
    expect(() => sym.function([x3], T.fft.rfft(x3)).sync(empty([1, 0, 4]))).toThrow('rfft: x3 has 0 points along axis 1; a transform needs at least 1');
    expect(() => sym.function([z], T.fft.irfft(z)).sync(empty([1, 1, 2]))).toThrow('irfft: z has 1 bin along axis 1, an even output of 0 points (2 (bins - 1)); it needs at least 2 bins, or isOdd for 1 point (NumPy: Invalid number of data points (0) specified)');
    expect(() => sym.function([z], T.fft.irfft(z, null, true)).sync(empty([1, 0, 2]))).toThrow('irfft: z has 0 bins along axis 1');
    const z4 = T.tensor4('z4');
    expect(() => sym.function([z4], T.fft.irfft(z4)).sync(empty([1, 0, 3, 2]))).toThrow('irfft: z4 has 0 points along axis 1; a transform needs at least 1');
    // the smallest valid ones still run: one point forward, one bin to one point (isOdd), two bins to two points
    expect(sym.function([x], T.fft.rfft(x)).sync([[3]]).toArray()).toEqual([[[3, 0]]]);
    expect(sym.function([z], T.fft.irfft(z, null, true)).sync([[[3, 1]]]).toArray()).toEqual([[3]]);
    expect(sym.function([z], T.fft.irfft(z)).sync([[[2, 0], [4, 0]]]).toArray()).toEqual([[3, -1]]);
  });
});

// sin(1.7 i) * 3, i in C order: the signal of the factorised lengths' checks (NumPy 2.4's numbers below)
const sig = (shape: number[], dtype: sym.DType = 'float64') => sym.fill(shape, dtype, (i) => Math.sin(i * 1.7) * 3);
const bin = (got: sym.NDArray, k: number): [number, number] => [got.data[2 * k]!, got.data[2 * k + 1]!];

describe('T.fft: factorised lengths (fft-plan.ts, fft-stages.ts)', () => {
  it('splits a length into two stages near its square root, keeps one DFT for a short length, and runs Bluestein for a prime or badly factored one', () => {
    const stages = (...factors: number[]) => ({ kind: 'stages', factors });
    expect([12, 13, 64, 96, 256, 509, 4096, 65536].map(dftPlan)).toEqual([stages(12), stages(13), stages(8, 8), stages(8, 12), stages(16, 16), stages(509), stages(64, 64), stages(256, 256)]);
    // a convolution of a 5-smooth length m >= 2n - 1, in two stages
    expect([1021, 4093, 8191, 65537, 2 * 65537].map(dftPlan)).toEqual([
      { kind: 'bluestein', m: 2048, factors: [32, 64] },
      { kind: 'bluestein', m: 8192, factors: [64, 128] },
      { kind: 'bluestein', m: 16384, factors: [128, 128] },
      { kind: 'bluestein', m: 131220, factors: [324, 405] },
      { kind: 'bluestein', m: 262440, factors: [486, 540] },
    ]);
  });

  it("runs no stage of length 1: a short or prime length's rfft is one product and its layout's copy (8 x 13: 2 kernels), its gradient 6", async () => {
    const { grad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as { grad: (c: V, wrt: V) => V };
    const x = T.matrix('x', 'float32');
    const y = T.fft.rfft(x);
    const v = sig([8, 13], 'float32');
    expect(sym.function([x], y).compiled.kernelCount(v)).toBe(2);
    const cost = T.sum(T.sqr(y));
    expect(sym.function([x], [cost, grad(cost, x)]).compiled.kernelCount(v)).toBe(6);
  });

  it('is numpy.fft.rfft at composite, prime and odd lengths (12, 13, 64, 96, 4096)', () => {
    const want: [number, [number, number, number][]][] = [
      [12, [[0, -0.20878931903165565, 0], [1, -0.03494969360316125, -0.7537112908473284], [2, 0.8176170842147452, -2.0653263038031016], [3, 9.810265342485103, -11.63952994975661], [4, -5.425874926042146, 3.499258545566131], [5, -3.4764434605400605, 1.0171786402158332], [6, -3.172439373997303, 0]]],
      [13, [[0, 2.790589381396353, 0], [1, 3.0873255966466666, 0.07466122056419619], [3, 12.057159539641258, 0.6486727347614585], [5, -4.623800407063254, -0.1743827120388308], [6, -3.359429804711728, -0.046310156116876916]]],
      [64, [[0, 0.4764290737577799, 0], [1, 0.4843503832665146, -0.11969658435704744], [5, 0.6924395496165319, -0.6401671464486074], [16, 14.827614479074704, -10.653479295617062], [32, -3.768671172940751, 0]]],
      [96, [[0, 0.26057692921280645, 0], [1, 0.2606100468849207, 0.014114386998233506], [5, 0.2614366628311642, 0.07265257413991064], [24, 0.39583752989342297, 1.8871535555270276], [48, 0.22056665876460252, 0]]],
      [4096, [[0, -0.3516134214215345, 0], [1, -0.35161223982538026, -0.0020183669971720053], [5, -0.3515838809273508, -0.010091992438990283], [1024, 8.447258007094732, -11.527846565125097], [2048, -2.954331609284834, 0]]],
    ];
    for (const [n, bins] of want) {
      const got = run((x) => T.fft.rfft(x), sig([1, n]).toArray() as sym.NestedArray, 2);
      expect(got.shape).toEqual([1, Math.floor(n / 2) + 1, 2]);
      for (const [k, re, im] of bins) {
        const [r, i] = bin(got, k);
        expect(r).toBeCloseTo(re, n === 4096 ? 10 : 12);
        expect(i).toBeCloseTo(im, n === 4096 ? 10 : 12);
      }
    }
  });

  it("a 2-d transform of composite lengths with 'ortho': (2, 12, 16)", () => {
    const got = run((x) => T.fft.rfft(x, 'ortho'), sig([2, 12, 16]).toArray() as sym.NestedArray, 3);
    expect(got.shape).toEqual([2, 12, 9, 2]);
    const at = (i: number, j: number) => bin(got, (12 + i) * 9 + j);
    expect(at(0, 0)[0]).toBeCloseTo(0.045459134168331757, 12);
    expect(at(3, 5)).toEqual([expect.closeTo(0.19475059097833392, 12), expect.closeTo(-0.4087587786705544, 12)]);
    expect(at(11, 8)).toEqual([expect.closeTo(0.014834886571266779, 12), expect.closeTo(0.005107452710380973, 12)]);
    expect(at(7, 1)).toEqual([expect.closeTo(0.0076930993230614605, 12), expect.closeTo(0.03575963934435189, 12)]);
  });

  it('irfft of 49 bins: numpy.fft.irfft to 96 points (8 x 12) and, isOdd, 97 (prime)', () => {
    const x = T.matrix('x');
    const spec = sym.function([x], T.fft.rfft(x)).sync(sig([1, 97])) as sym.NDArray;
    const z = T.tensor3('z');
    const even = sym.function([z], T.fft.irfft(z)).sync(spec) as sym.NDArray;
    const odd = sym.function([z], T.fft.irfft(z, null, true)).sync(spec) as sym.NDArray;
    expect([even.shape, odd.shape]).toEqual([[1, 96], [1, 97]]);
    [[0, 0.03281520901301308], [1, 2.9835242956894654], [50, -2.6479158507951626], [95, -0.5402326264623316]].forEach(([t, v]) => expect(even.data[t!]).toBeCloseTo(v!, 12));
    [[0, 0], [1, 2.9749944313574046], [50, -0.528226859845761], [96, -0.4862986910397752]].forEach(([t, v]) => expect(odd.data[t!]).toBeCloseTo(v!, 12));
  });

  it('float32 at 4096 (64 x 64): bins within 1e-3 of NumPy (|X| up to 12), the round trip within 1e-5 (|x| up to 3)', () => {
    const x = T.matrix('x', 'float32');
    const spec = sym.function([x], T.fft.rfft(x)).sync(sig([2, 4096], 'float32')) as sym.NDArray;
    expect(spec.dtype).toBe('float32');
    const [r, i] = bin(spec, 1024);
    expect(Math.abs(r - 8.447258007094732)).toBeLessThan(1e-3);
    expect(Math.abs(i + 11.527846565125097)).toBeLessThan(1e-3);
    const z = T.tensor3('z', 'float32');
    const back = sym.function([z], T.fft.irfft(z)).sync(spec) as sym.NDArray;
    const v = sig([2, 4096], 'float32');
    let err = 0;
    for (let k = 0; k < v.size; k++) err = Math.max(err, Math.abs(back.data[k]! - v.data[k]!));
    expect(err).toBeLessThan(1e-5);
  });

  it('is numpy.fft.rfft at primes by Bluestein (8191, 65537), and irfft to 65537 points', () => {
    const want: [number, [number, number, number][]][] = [
      [8191, [[0, -0.5828746746878875, 0], [1, -0.5828744679752352, -0.0009350458099121305], [777, -0.43988442191276, -0.8076347341176516], [4095, -2.403773418302998, 0.0006058167591029839]]],
      [65537, [[0, 0.9623709533923108, 0], [1, 0.9623709542000922, 6.570192607127719e-5], [12345, 1.1943194020317205, 1.414280797088209], [32768, 0.5290007575373487, -4.2568258170727624e-5]]],
    ];
    for (const [n, bins] of want) {
      const got = run((x) => T.fft.rfft(x), sig([1, n]).toArray() as sym.NestedArray, 2);
      expect(got.shape).toEqual([1, Math.floor(n / 2) + 1, 2]);
      for (const [k, re, im] of bins) expect(bin(got, k)).toEqual([expect.closeTo(re, 10), expect.closeTo(im, 10)]);
    }
    const x = T.matrix('x');
    const z = T.tensor3('z');
    const back = sym.function([z], T.fft.irfft(z, null, true)).sync(sym.function([x], T.fft.rfft(x)).sync(sig([1, 65537]))) as sym.NDArray;
    expect(back.shape).toEqual([1, 65537]);
    [[0, 0], [1, 2.9749944313573997], [40000, -0.6752046509457814], [65536, -2.3494692018829624]].forEach(([t, v]) => expect(back.data[t!]).toBeCloseTo(v!, 10));
  });

  it('float32 at the prime 8191 by Bluestein: bins within 1e-4 of NumPy (|X| up to 2.4), the round trip within 1e-5', () => {
    const x = T.matrix('x', 'float32');
    const spec = sym.function([x], T.fft.rfft(x)).sync(sig([1, 8191], 'float32')) as sym.NDArray;
    expect(bin(spec, 777).map((v, i) => Math.abs(v - [-0.43988442191276, -0.8076347341176516][i]!)).every((e) => e < 1e-4)).toBe(true);
    expect(Math.abs(bin(spec, 4095)[0] + 2.403773418302998)).toBeLessThan(1e-4);
    const z = T.tensor3('z', 'float32');
    const back = sym.function([z], T.fft.irfft(z, null, true)).sync(spec) as sym.NDArray;
    const v = sig([1, 8191], 'float32');
    let err = 0;
    for (let k = 0; k < v.size; k++) err = Math.max(err, Math.abs(back.data[k]! - v.data[k]!));
    expect(err).toBeLessThan(1e-5);
  });

  it("Bluestein's graph gives each form's DFT at short lengths too (5, 6: a convolution of 16 = 4 x 4)", () => {
    const plan = { kind: 'bluestein', m: 16, factors: [4, 4] } as const;
    const z = T.tensor3('z');
    const r = T.matrix('r');
    const cplx = (n: number) => sig([2, n, 2]).toArray() as sym.NestedArray;
    const each = (v: V, shape: number[], form: DftForm, sign: 1 | -1, keep: number | null) => dftGraph(v, shape, { axis: 1, form, sign, scale: 1, keep, subject: 'test' }, plan);
    const pairs = (xs: [number, number][][]) => xs;
    // numpy.fft.fft(z[..., 0] + 1j z[..., 1], axis=1); its inverse's real part times n; numpy.fft.rfft(r, axis=1)
    expectClose(run((v) => each(v, [2, 5, 2], 'c2c', -1, null), cplx(5), 3), pairs([
      [[1.193578129124, 1.928822104925], [-0.216481470157, 3.1218078493], [-8.029774017844, 9.798546032933], [4.718235030329, -0.945990206143], [2.334442328548, 0.971786375772]],
      [[-2.347472230985, 0.867339847127], [-3.258556847368, -0.947493431426], [-7.879341986546, -10.599057584946], [0.62184629154, 6.058483568852], [-1.557437604834, 2.38574221318]],
    ]), 10);
    expectClose(run((v) => each(v, [2, 6, 2], 'c2r', 1, null), cplx(6), 3), [
      [-1.690614346514, -0.781238426527, 0.757865484131, 9.810265342485, -5.366123325958, -2.730154727616],
      [1.239953498513, 1.958173134634, 3.071124467145, 13.208938388967, -1.868188774859, 0.386271488167],
    ], 10);
    expectClose(run((v) => each(v, [2, 6], 'r2c', -1, 4), sig([2, 6]).toArray() as sym.NestedArray, 2), pairs([
      [[3.30872846958, 0], [5.104813557929, 1.445769020211], [-5.820530305265, -2.449549782798], [-1.877294974909, 0]],
      [[-3.517517788612, 0], [-4.287196473715, -3.511095324014], [0.394655379223, 5.948808328364], [-1.295144399088, 0]],
    ]), 10);
    void z;
    void r;
  });

  it('builds its tables once per program: a call runs the transform kernels only (8 x 4096: 5)', () => {
    const x = T.matrix('x', 'float32');
    const f = sym.function([x], T.fft.rfft(x));
    // the real stage's matrix product, the twiddle pass, the complex stage's matrix product, the gather of the bins in order, and the input's copy into the first stage's layout
    expect(f.compiled.kernelCount(sig([8, 4096], 'float32'))).toBe(5);
  });
});

describe('T.fft gradients (finite differences, float64)', () => {
  // a readout of every output that is not linear, so that each bin's gradient differs
  const sumW = (y: V, seed: number): V => T.sum(T.sin(T.mul(y, seed)));
  const pts = (shape: number[], seed: number) => sym.fill(shape, 'float64', (i) => Math.cos(i * seed + 0.3) * 2).toArray() as sym.NestedArray;

  it('rfft: 1-d odd and even lengths, batches 1 and 3, every norm', async () => {
    // 12 and 13 one DFT each, 64 two stages (8 x 8)
    for (const shape of [[1, 5], [3, 6], [1, 1], [2, 2], [2, 12], [1, 13], [1, 64]]) {
      for (const norm of [null, 'ortho'] as const) {
        const r = await verifyGrad((x) => sumW(T.fft.rfft(x, norm), 0.7), [pts(shape, 1.3)]);
        expect(r.maxAbsErr).toBeLessThan(1e-6);
      }
    }
  });

  it('rfft: 2-d transforms, odd and even last axes', async () => {
    // (1, 64, 3): a complex axis in two stages
    for (const shape of [[1, 3, 4], [2, 4, 5], [1, 4, 9], [1, 2, 3, 4], [1, 64, 3]]) {
      const r = await verifyGrad((x) => sumW(T.fft.rfft(x), 1.1), [pts(shape, 0.9)]);
      expect(r.maxAbsErr).toBeLessThan(1e-6);
    }
  });

  it("rfft by Bluestein (1021): the gradient of a weighted sum of the bins is NumPy's (the adjoint transform)", async () => {
    const { grad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as { grad: (c: V, wrt: V) => V };
    const x = T.matrix('x');
    const h = 511;
    const w = sym.fill([1, h, 2], 'float64', (i) => (i % 2 === 0 ? Math.cos(0.3 * (i >> 1) + 0.1) : Math.sin(0.7 * (i >> 1))));
    const g = sym.function([x], grad(T.sum(T.mul(T.fft.rfft(x), T.constant(w))), x)).sync(sig([1, 1021])) as sym.NDArray;
    [[0, 2.2919300993652025], [1, -1.9672595229998007], [500, 0.124549743498368], [1020, -1.949768603156688]].forEach(([j, v]) => expect(g.data[j!]).toBeCloseTo(v!, 10));
  });

  it('irfft: 1-d and 2-d, even and odd outputs, the first and Nyquist bins included', async () => {
    for (const [shape, odd] of [[[1, 4, 2], false], [[3, 4, 2], true], [[1, 3, 4, 2], false], [[2, 2, 3, 2], true], [[1, 7, 2], false], [[1, 2, 2, 3, 2], true], [[1, 33, 2], false]] as const) {
      for (const norm of [null, 'ortho'] as const) {
        const r = await verifyGrad((z) => sumW(T.fft.irfft(z, norm, odd), 0.5), [pts([...shape], 1.7)]);
        expect(r.maxAbsErr).toBeLessThan(1e-6);
      }
    }
  });
});
