/**
 * conv2d and pool2d: the patch ops' reference loops against hand-computed
 * values and against each other (Col2Im is Im2Col's adjoint), then the
 * composites compiled for the CPU against a direct convolution loop and a
 * direct pooling loop written from Theano's definitions.
 */
import { describe, expect, it } from 'vitest';
import { T, both, cpu, reference, sym } from '../../test/helpers.js';
import { Col2Im, Im2Col, type PatchGeometry } from './conv.js';

type Pair = readonly [number, number];

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}
function random(shape: number[], seed: number, dtype: sym.DType = 'float64'): sym.NDArray {
  const r = seeded(seed);
  return sym.fill(shape, dtype, () => Math.round((r() * 4 - 2) * 64) / 64);
}
const arange = (shape: number[], dtype: sym.DType = 'float64') => sym.fill(shape, dtype, (i) => i);
const geom = (g: Partial<PatchGeometry> = {}): PatchGeometry => ({ stride: [1, 1], dilation: [1, 1], pad: [0, 0], edges: 'strict', ...g });

function maxAbsDiff(a: sym.NDArray, b: sym.NDArray): number {
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  for (let i = 0; i < a.size; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  return m;
}

/** Theano's conv2d by its definition: out[b, o, i, j] = sum x[b, c, i s + p d - pad, ...] f[o, c, p, q] (f flipped for a convolution). */
function directConv(x: sym.NDArray, f: sym.NDArray, o: { pad: Pair; stride?: Pair; dilation?: Pair; flip?: boolean }): sym.NDArray {
  const [B, C, H, W] = x.shape as number[];
  const [O, , KH, KW] = f.shape as number[];
  const [sh, sw] = o.stride ?? [1, 1];
  const [dh, dw] = o.dilation ?? [1, 1];
  const OH = Math.floor((H! + 2 * o.pad[0] - dh * (KH! - 1) - 1) / sh) + 1;
  const OW = Math.floor((W! + 2 * o.pad[1] - dw * (KW! - 1) - 1) / sw) + 1;
  const out = sym.NDArray.zeros([B!, O!, OH, OW], 'float64');
  for (let b = 0; b < B!; b++)
    for (let k = 0; k < O!; k++)
      for (let i = 0; i < OH; i++)
        for (let j = 0; j < OW; j++) {
          let s = 0;
          for (let c = 0; c < C!; c++)
            for (let p = 0; p < KH!; p++)
              for (let q = 0; q < KW!; q++) {
                const h = i * sh - o.pad[0] + p * dh;
                const w = j * sw - o.pad[1] + q * dw;
                if (h < 0 || h >= H! || w < 0 || w >= W!) continue;
                const [fp, fq] = o.flip === false ? [p, q] : [KH! - 1 - p, KW! - 1 - q];
                s += x.data[((b * C! + c) * H! + h) * W! + w]! * f.data[((k * C! + c) * KH! + fp) * KW! + fq]!;
              }
          out.data[((b * O! + k) * OH + i) * OW + j] = s;
        }
  return out;
}

/** Theano's Pool.perform, transcribed: region bounds per axis, then max, sum or mean over each region. */
function directPool(x: sym.NDArray, ws: Pair, o: { ignoreBorder: boolean; stride?: Pair; pad?: Pair; mode: string }): sym.NDArray {
  const st = o.stride ?? ws;
  const pad = o.pad ?? [0, 0];
  const [H, W] = x.shape.slice(-2) as [number, number];
  const lead = x.size / (H * W);
  const img = [H + 2 * pad[0], W + 2 * pad[1]];
  const outLen = (v: number, d: number, s: number) =>
    o.ignoreBorder ? (d === s ? Math.floor(v / s) : Math.max(0, Math.floor((v - d) / s) + 1)) : s >= d ? Math.floor((v - 1) / s) + 1 : Math.max(0, Math.floor((v - 1 - d + s) / s)) + 1;
  const OH = outLen(img[0]!, ws[0], st[0]);
  const OW = outLen(img[1]!, ws[1], st[1]);
  const region = (a: 0 | 1, j: number): [number, number] => {
    let start = j * st[a];
    let end = Math.min(start + ws[a], img[a]!);
    if (o.mode !== 'average_inc_pad') {
      start = Math.max(start, pad[a]);
      end = Math.min(end, img[a]! - pad[a]);
    }
    return [start, end];
  };
  const out = sym.NDArray.zeros([...x.shape.slice(0, -2), OH, OW], 'float64');
  for (let l = 0; l < lead; l++)
    for (let i = 0; i < OH; i++)
      for (let j = 0; j < OW; j++) {
        const [r0, r1] = region(0, i);
        const [c0, c1] = region(1, j);
        const vals: number[] = [];
        for (let r = r0; r < r1; r++)
          for (let c = c0; c < c1; c++) {
            const h = r - pad[0];
            const w = c - pad[1];
            vals.push(h >= 0 && h < H && w >= 0 && w < W ? x.data[(l * H + h) * W + w]! : 0);
          }
        const sum = vals.reduce((a, b) => a + b, 0);
        out.data[(l * OH + i) * OW + j] = o.mode === 'max' ? Math.max(...vals) : o.mode === 'sum' ? sum : sum / vals.length;
      }
  return out;
}

describe('Im2Col and Col2Im (reference loops)', () => {
  it('windows of a 3x3 image, hand-computed', () => {
    const x = T.constant(arange([3, 3]));
    const p = sym.apply1(new Im2Col(geom(), [2, 2]), [x]);
    expect(p.staticShape).toEqual([2, 2, 2, 2]);
    const v = both(p).toArray() as number[][][][];
    expect(v[0]![0]).toEqual([
      [0, 1],
      [3, 4],
    ]);
    expect(v[1]![1]).toEqual([
      [4, 5],
      [7, 8],
    ]);
    // padded by 1, stride 2: the top-left window position reads the padding (the fill), the bottom-right x[0, 0]
    const q = both(sym.apply1(new Im2Col(geom({ pad: [1, 1], stride: [2, 2] }), [2, 2], -7), [x])).toArray() as number[][][][];
    expect(q[0]![0]).toEqual([
      [-7, -7],
      [-7, 4],
    ]);
    expect(q[1]![1]).toEqual([
      [0, 2],
      [6, 8],
    ]);
  });

  it('Col2Im of ones counts the windows covering each pixel', () => {
    const g = T.constant(sym.fill([2, 2, 2, 2], 'float64', () => 1));
    const img = T.constant(arange([3, 3]));
    expect(both(sym.apply1(new Col2Im(geom()), [g, img])).toArray()).toEqual([
      [1, 2, 1],
      [2, 4, 2],
      [1, 2, 1],
    ]);
  });

  const geom3 = (g: Partial<PatchGeometry> = {}): PatchGeometry => ({ stride: [1, 1, 1], dilation: [1, 1, 1], pad: [0, 0, 0], edges: 'strict', ...g });
  const geometries: [string, PatchGeometry, readonly number[], number[]][] = [
    ['valid 3x2', geom(), [3, 2], [2, 3, 6, 5]],
    ['padded, strided, dilated', geom({ pad: [2, 1], stride: [2, 3], dilation: [2, 1] }), [3, 2], [2, 6, 7]],
    ["'full' and 'half' padding", geom({ pad: ['full', 'half'], dilation: [1, 2] }), [2, 3], [1, 1, 4, 5]],
    ['partial windows kept (pooling without ignoreBorder)', geom({ stride: [2, 2], edges: 'keep' }), [3, 2], [7, 5]],
    ['windows that do not fit dropped', geom({ stride: [2, 1], edges: 'drop' }), [4, 4], [3, 5, 3]],
    ['a 9x8 window (the sum in two kernels)', geom({ pad: [3, 2] }), [9, 8], [2, 10, 9]],
    ['windows that tile the image (Col2Im a permuting copy)', geom({ stride: [2, 3], edges: 'drop' }), [2, 3], [2, 3, 4, 6]],
    ['three window axes, padded, strided, dilated', geom3({ pad: [1, 'half', 0], stride: [2, 1, 2], dilation: [1, 2, 1] }), [2, 2, 3], [2, 4, 5, 6]],
    ['three window axes, partial windows kept', geom3({ stride: [2, 1, 3], edges: 'keep' }), [3, 2, 2], [5, 4, 7]],
    ['three window axes, a 5x4x4 window (the sum in two kernels)', geom3({ pad: [2, 1, 0] }), [5, 4, 4], [1, 6, 5, 4]],
    ['three window axes that tile the volume', geom3({ stride: [3, 5, 2], edges: 'drop' }), [3, 5, 2], [2, 6, 5, 4]],
  ];
  for (const [what, g, window, shape] of geometries) {
    it(`Col2Im is Im2Col's adjoint, <Im2Col(x), y> = <x, Col2Im(y)>, and the CPU agrees with perform: ${what}`, () => {
      const x = random(shape, 3);
      const patches = sym.apply1(new Im2Col(g, window), [T.constant(x)]);
      const y = random(patches.staticShape as number[], 5);
      const back = sym.apply1(new Col2Im(g), [T.constant(y), T.constant(x)]);
      const p = both(patches);
      const b = reference(back);
      expect(maxAbsDiff(back.evalSync(), b)).toBeLessThan(1e-12);
      let lhs = 0;
      let rhs = 0;
      for (let i = 0; i < y.size; i++) lhs += p.data[i]! * y.data[i]!;
      for (let i = 0; i < x.size; i++) rhs += x.data[i]! * b.data[i]!;
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9);
      // the same windows with their size read from a second input at run time
      const fromInput = sym.apply1(new Im2Col(g, null), [T.constant(x), T.constant(sym.NDArray.zeros([...window], 'float64'))]);
      expect(Array.from(fromInput.evalSync().data)).toEqual(Array.from(p.data));
    });
  }

  it('Col2Im of windows that tile the image is one gather-free kernel with its producer fused in, and agrees with perform', () => {
    const g = geom({ stride: [2, 2], edges: 'drop' });
    const img = T.constant(random([3, 4, 6], 7));
    const w = T.tensor('float64', [false, false, false, false, false], 'w');
    const wv = random([3, 2, 2, 2, 3], 8);
    const windows = T.constant(wv);
    const back = sym.apply1(new Col2Im(g), [w.mul(2), img]);
    const kernels: sym.Kernel[] = [];
    const compile = cpu.compile.bind(cpu);
    cpu.compile = (k) => (kernels.push(k), compile(k));
    try {
      const f = sym.function([w], back);
      expect(maxAbsDiff(f.sync(wv), reference(sym.apply1(new Col2Im(g), [windows.mul(2), img])))).toBeLessThan(1e-12);
      expect(f.compiled.kernelCount(wv)).toBe(1);
    } finally {
      cpu.compile = compile;
    }
    expect(kernels.some((k) => JSON.stringify(k).includes('"gather"'))).toBe(false);
    // a map of odd size is not tiled (its last row is in no window): the gather-sum, zeros there
    const odd = sym.apply1(new Col2Im(g), [windows, T.constant(random([3, 5, 7], 9))]);
    const v = both(odd);
    expect(Array.from({ length: 3 * 7 }, (_, i) => v.data[(Math.floor(i / 7) * 5 + 4) * 7 + (i % 7)])).toEqual(new Array(21).fill(0));
  });

  it('checks shapes, naming them', () => {
    const x = T.constant(arange([2, 3]));
    expect(() => sym.apply1(new Im2Col(geom(), [3, 3]), [x])).toThrow(/Im2Col.*shape \(2, 3\) has no 3x3 window along axis 0.*spans 3 positions.*only 2/);
    expect(() => sym.apply1(new Im2Col(geom({ stride: [0, 1] }), [1, 1]), [x])).toThrow(/stride must be two integers >= 1/);
    expect(() => sym.apply1(new Im2Col(geom(), [1, 1]), [T.constant([1, 2])])).toThrow(/2 dimensions or more/);
    const g = T.constant(sym.NDArray.zeros([2, 2, 3, 3], 'float64'));
    expect(() => sym.apply1(new Col2Im(geom()), [g, T.constant(arange([3, 3]))])).toThrow(/do not come from an image of shape \(3, 3\).*2 windows, not 3/);
  });
});

describe('T.nnet.conv2d', () => {
  const x = random([2, 3, 7, 6], 1);
  const f = random([4, 3, 3, 2], 2);
  const cases: [string, sym.Conv2dOptions, { pad: Pair; stride?: Pair; dilation?: Pair; flip?: boolean }][] = [
    ['valid (the default)', {}, { pad: [0, 0] }],
    ["'full'", { borderMode: 'full' }, { pad: [2, 1] }],
    // Theano's 'half' pads (dilated window) // 2: the 2-wide filter dilated by 2 spans 3 columns, so 1, not 2 (= dilation * (2 // 2))
    ["'half', strided, dilated", { borderMode: 'half', subsample: [2, 1], filterDilation: [1, 2] }, { pad: [1, 1], stride: [2, 1], dilation: [1, 2] }],
    ["'half', an even filter dilated by 3", { borderMode: 'half', filterDilation: [3, 3] }, { pad: [3, 2], dilation: [3, 3] }],
    ['a padding per axis, cross-correlation', { borderMode: [1, 2], subsample: [2, 3], filterFlip: false }, { pad: [1, 2], stride: [2, 3], flip: false }],
    ['one padding for both axes', { borderMode: 1, filterDilation: [2, 2] }, { pad: [1, 1], dilation: [2, 2] }],
  ];
  for (const [what, options, direct] of cases) {
    it(`${what}: matches a direct convolution loop, filters known at build time or not`, async () => {
      const expected = directConv(x, f, direct);
      const xi = T.dtensor4('x');
      const fi = T.dtensor4('f');
      const y = T.nnet.conv2d(xi, fi, options);
      expect(y.broadcastable).toEqual([false, false, false, false]);
      expect(maxAbsDiff((await y.eval({ x, f })) as sym.NDArray, expected)).toBeLessThan(1e-12);
      // constant filters: the window is the op's; with a constant image too, the whole shape is known when the graph is built
      const yc = T.nnet.conv2d(xi, T.constant(f), options);
      expect(yc.staticShape).toEqual([null, 4, null, null]);
      expect(maxAbsDiff((await yc.eval({ x })) as sym.NDArray, expected)).toBeLessThan(1e-12);
      const known = T.nnet.conv2d(T.constant(x), T.constant(f), options);
      expect(known.staticShape).toEqual(expected.shape);
      expect(maxAbsDiff(reference(known), expected)).toBeLessThan(1e-12);
    });
  }

  it('a batch of no images gives no outputs (the rows of the im2col matrix collapse an empty batch)', async () => {
    const xi = T.dtensor4('x');
    const y = (await T.nnet.conv2d(xi, T.constant(f), { borderMode: 'half' }).eval({ x: sym.NDArray.zeros([0, 3, 7, 6], 'float64') })) as sym.NDArray;
    expect(y.shape).toEqual([0, 4, 7, 7]);
  });

  it('a hand-computed convolution flips the filter; cross-correlation does not', async () => {
    const img = T.constant([[[[1, 2, 3], [4, 5, 6]]]], { dtype: 'float32' });
    const k = T.constant([[[[1, 10]]]], { dtype: 'float32' });
    const conv = (await T.nnet.conv2d(img, k).eval()) as sym.NDArray;
    expect(conv.dtype).toBe('float32');
    expect(conv.toArray()).toEqual([[[[12, 23], [45, 56]]]]);
    expect((await T.nnet.conv2d(img, k, { filterFlip: false }).eval()).toArray()).toEqual([[[[21, 32], [54, 65]]]]);
  });

  it('float32 input and filters stay float32 and agree with the loop', async () => {
    const x32 = random([3, 2, 5, 5], 9, 'float32');
    const f32 = random([2, 2, 2, 3], 10, 'float32');
    const y = (await T.nnet.conv2d(T.ftensor4('a'), T.ftensor4('b'), { borderMode: 'half' }).eval({ a: x32, b: f32 })) as sym.NDArray;
    expect(y.dtype).toBe('float32');
    expect(maxAbsDiff(y, directConv(x32, f32, { pad: [1, 1] }))).toBeLessThan(1e-5);
  });

  it('refuses mismatched channels, wrong ranks, bad options and images smaller than the filters, saying which', () => {
    const xs = T.constant(sym.NDArray.zeros([1, 3, 5, 5], 'float64'), { name: 'img' });
    const fs = T.constant(sym.NDArray.zeros([2, 4, 3, 3], 'float64'), { name: 'w' });
    expect(() => T.nnet.conv2d(xs, fs)).toThrow('conv2d: the input img of shape (1, 3, 5, 5) has 3 channels but the filters w of shape (2, 4, 3, 3) expect 4');
    expect(() => T.nnet.conv2d(T.dmatrix('m'), fs)).toThrow(/input must be 4-d.*m/);
    expect(() => T.nnet.conv2d(xs, T.dmatrix('k'))).toThrow(/filters must be 4-d/);
    expect(() => T.nnet.conv2d(T.dtensor4(), T.dtensor4(), { borderMode: 'same' as 'full' })).toThrow(/borderMode must be/);
    expect(() => T.nnet.conv2d(T.dtensor4(), T.dtensor4(), { subsample: [0, 1] })).toThrow(/subsample must be two integers >= 1/);
    expect(() => T.nnet.conv2d(T.dtensor4(), T.dtensor4(), { border_mode: 'full' } as sym.Conv2dOptions)).toThrow(/unknown option "border_mode"/);
    const big = T.constant(sym.NDArray.zeros([1, 3, 7, 7], 'float64'), { name: 'big' });
    expect(() => T.nnet.conv2d(xs, big)).toThrow('conv2d: the input img of shape (1, 3, 5, 5) is too small for one 7x7 window of the filters big with these options: expected at least 7 rows, got 5');
  });

  it('refuses mismatched channels found only when the function runs, naming conv2d and both shapes', () => {
    const img = T.dtensor4('img');
    const W = T.dtensor4('W');
    const g = sym.function([img, W], T.nnet.conv2d(img, W));
    expect(() => g.sync(sym.NDArray.zeros([1, 2, 5, 5], 'float64'), sym.NDArray.zeros([3, 1, 3, 3], 'float64'))).toThrow(
      'conv2d: the input img of shape (1, 2, 5, 5) has 2 channels but the filters W of shape (3, 1, 3, 3) expect 1',
    );
  });
});

describe('T.signal.pool.pool2d in the checking modes', () => {
  it("max pooling's partial and padded windows read -inf by design: DebugMode and NanGuardMode do not report it", () => {
    const x = T.dtensor4('x');
    const value = sym.fill([1, 1, 3, 3], 'float64', (i) => i + 1);
    for (const mode of ['DebugMode', 'NanGuardMode'] as const) {
      expect((sym.function([x], T.signal.pool.pool2d(x, { ws: [2, 2] }), { mode }).sync(value) as sym.NDArray).toArray()).toEqual([[[[5, 6], [8, 9]]]]);
      const padded = T.signal.pool.pool2d(x, { ws: [2, 2], ignoreBorder: true, pad: [1, 1] });
      expect((sym.function([x], padded, { mode }).sync(value) as sym.NDArray).shape).toEqual([1, 1, 2, 2]);
    }
  });
});

describe('T.signal.pool.pool2d', () => {
  const modes = ['max', 'sum', 'average_inc_pad', 'average_exc_pad'] as const;
  const x = random([2, 3, 7, 6], 4);
  const settings: [string, sym.Pool2dOptions['ws'], Omit<sym.Pool2dOptions, 'ws' | 'mode'>][] = [
    ['2x2, ignoreBorder', [2, 2], { ignoreBorder: true }],
    ['2x2, partial windows kept', [2, 2], { ignoreBorder: false }],
    ['3x2 overlapping (stride 1x1), partial windows kept', [3, 2], { ignoreBorder: false, stride: [1, 1] }],
    ['3x3, stride 2x1, padded 1x2', [3, 3], { ignoreBorder: true, stride: [2, 1], pad: [1, 2] }],
    ['2x3, stride 3x4 (gaps), partial windows kept', [2, 3], { ignoreBorder: false, stride: [3, 4] }],
  ];
  for (const [what, ws, o] of settings) {
    it(`${what}: every mode matches Theano's Pool.perform, transcribed`, async () => {
      const xi = T.dtensor4('x');
      for (const mode of modes) {
        const y = T.signal.pool.pool2d(xi, { ws, ...o, mode });
        const expected = directPool(x, ws, { ignoreBorder: o.ignoreBorder ?? false, stride: o.stride, pad: o.pad, mode });
        expect(maxAbsDiff((await y.eval({ x })) as sym.NDArray, expected), mode).toBeLessThan(1e-12);
      }
    });
  }

  it("integer images: the averages are Theano's float mean cast to the image's dtype (truncated toward 0), with no float64 in the graph", async () => {
    const ints = sym.fill(x.shape, 'float64', (i) => Math.round(x.data[i]! * 60) - (i % 7));
    for (const dtype of ['int8', 'int32', 'int64', 'uint8'] as const) {
      const xi = T.tensor(dtype, [false, false, false, false], 'xi');
      const value = dtype === 'uint8' ? sym.fill(x.shape, 'float64', (i) => Math.abs(ints.data[i]!)) : ints;
      for (const [what, ws, o] of settings) {
        for (const mode of ['average_inc_pad', 'average_exc_pad'] as const) {
          const y = T.signal.pool.pool2d(xi, { ws, ...o, mode });
          const expected = directPool(value, ws, { ignoreBorder: o.ignoreBorder ?? false, stride: o.stride, pad: o.pad, mode });
          const got = (await y.eval({ xi: value.astype(dtype) })) as sym.NDArray;
          expect(got.dtype).toBe(dtype);
          expect(Array.from(got.data, Number), `${dtype} ${what} ${mode}`).toEqual(Array.from(expected.data, (v) => Math.trunc(v) + 0));
          expect(sym.toposort([y]).flatMap((node) => node.outputs.map((v) => v.dtype)), 'no float64 in the graph').not.toContain('float64');
        }
      }
    }
  });

  it("refuses Theano's positional window, snake_case options and bad modes, saying what was expected", () => {
    const img = T.dtensor4('img');
    const pool = T.signal.pool.pool2d;
    expect(() => pool(img, [2, 2] as never)).toThrow('pool2d (the window goes in the options: { ws: [2, 2] }): options must be an object (ws, ignoreBorder, stride, pad, mode), got an array');
    expect(() => pool(img, { ws: [2, 2], ignore_border: true } as never)).toThrow('pool2d: unknown option "ignore_border" (did you mean ignoreBorder?');
    expect(() => pool(img, undefined as never)).toThrow('pool2d: options with ws (the window) are required');
    expect(() => pool(img, { stride: [1, 1] } as never)).toThrow('pool2d: ws (the window) is required');
    expect(() => pool(img, { ws: [2, 2], mode: 'avg' as never })).toThrow('pool2d: mode must be one of max, sum, average_inc_pad, average_exc_pad, got "avg"');
  });

  it('hand-computed: max, sum and both averages of a 3x3 image with partial windows', async () => {
    const m = T.constant([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ], { dtype: 'float64' });
    const pool = (mode: sym.PoolMode) => both(T.signal.pool.pool2d(m, { ws: [2, 2], mode })).toArray();
    expect(pool('max')).toEqual([
      [5, 6],
      [8, 9],
    ]);
    expect(pool('sum')).toEqual([
      [12, 9],
      [15, 9],
    ]);
    expect(pool('average_exc_pad')).toEqual([
      [3, 4.5],
      [7.5, 9],
    ]);
    expect(pool('average_inc_pad')).toEqual([
      [3, 4.5],
      [7.5, 9],
    ]);
    // padded by 1: inc_pad divides by the whole window, exc_pad by the image's values in it
    const padded = (mode: sym.PoolMode) => both(T.signal.pool.pool2d(m, { ws: [2, 2], ignoreBorder: true, pad: [1, 1], mode })).toArray();
    expect(padded('average_inc_pad')).toEqual([
      [0.25, 1.25],
      [2.75, 7],
    ]);
    expect(padded('average_exc_pad')).toEqual([
      [1, 2.5],
      [5.5, 7],
    ]);
    expect(padded('max')).toEqual([
      [1, 3],
      [7, 9],
    ]);
  });

  it('any number of leading axes; integer and negative inputs keep their dtype', async () => {
    const v = T.constant([[-3, -1, -2, -8]], { dtype: 'int16' });
    expect(both(T.signal.pool.pool2d(v, { ws: [1, 3] })).toArray()).toEqual([[-1, -8]]);
    expect(both(T.signal.pool.pool2d(v, { ws: [1, 3], mode: 'average_exc_pad' })).dtype).toBe('int16');
    expect(both(T.signal.pool.pool2d(v, { ws: [1, 3], mode: 'average_exc_pad' })).toArray()).toEqual([[-2, -8]]);
    expect(both(T.signal.pool.pool2d(v, { ws: [1, 2], mode: 'sum' })).toArray()).toEqual([[-4, -10]]);
    const five = random([2, 1, 2, 5, 4], 6);
    const y = (await T.signal.pool.pool2d(T.tensor('float64', [false, false, false, false, false], 'x5'), { ws: [2, 2], ignoreBorder: true, mode: 'average_inc_pad' }).eval({ x5: five })) as sym.NDArray;
    expect(maxAbsDiff(y, directPool(five, [2, 2], { ignoreBorder: true, mode: 'average_inc_pad' }))).toBeLessThan(1e-12);
  });

  it("max pooling of an image with no rows (or cols) under padding raises as Theano's Pool.perform; the sums and averages give Theano's 0, 0 and NaN", async () => {
    const x = T.dtensor4('x');
    const pool = (mode: sym.PoolMode, ws: Pair = [2, 2]) => sym.function([x], T.signal.pool.pool2d(x, { ws, ignoreBorder: true, pad: [1, 1], mode }));
    // each 2x2 window of the padded (1, 1, 2, 5) image is padding alone: it read -inf
    for (const [shape, axis] of [[[1, 1, 0, 3], 'rows'], [[1, 1, 3, 0], 'cols'], [[2, 1, 0, 0], 'rows']] as const) {
      await expect(pool('max')(sym.NDArray.zeros([...shape], 'float64'))).rejects.toThrow(
        new RegExp(`^pool2d: the input x of shape \\(${shape.join(', ')}\\) has no ${axis}, so its 2x2 windows hold only the padding \\[1,1\\], which has no maximum`),
      );
    }
    const empty = sym.NDArray.zeros([1, 1, 0, 3], 'float64');
    expect(((await pool('sum')(empty)) as sym.NDArray).toArray()).toEqual([[[[0, 0]]]]);
    expect(((await pool('average_inc_pad')(empty)) as sym.NDArray).toArray()).toEqual([[[[0, 0]]]]);
    expect(((await pool('average_exc_pad')(empty)) as sym.NDArray).toArray()).toEqual([[[[NaN, NaN]]]]);
    // no window at all (3x3 over 0 + 2 padded rows), or no images: nothing to take a maximum of, an empty result
    expect(((await pool('max', [3, 3])(empty)) as sym.NDArray).shape).toEqual([1, 1, 0, 1]);
    expect(((await pool('max')(sym.NDArray.zeros([0, 1, 0, 3], 'float64'))) as sym.NDArray).shape).toEqual([0, 1, 1, 2]);
    // shapes known when built: refused when built
    expect(() => T.signal.pool.pool2d(T.constant(sym.NDArray.zeros([0, 3], 'float64')), { ws: [2, 2], ignoreBorder: true, pad: [1, 1] })).toThrow(/^pool2d: the input .* of shape \(0, 3\) has no rows/);
  });

  it("ignoreBorder false over an image with no rows (or cols): Theano's Pool.out_shape, 1 window where the stride is smaller than the window; max raises there, sum gives 0, the averages NaN", async () => {
    const x = T.dtensor4('x');
    const pool = (mode: sym.PoolMode, stride: Pair) => sym.function([x], T.signal.pool.pool2d(x, { ws: [2, 2], stride, mode }));
    const run = async (mode: sym.PoolMode, stride: Pair, shape: readonly number[]) => (await pool(mode, stride)(sym.NDArray.zeros([...shape], 'float64'))) as sym.NDArray;
    // Theano: max(0, (0 - 1 - 2 + 1) // 1) + 1 = 1 row; 3 cols give max(0, (3 - 1 - 2 + 1) // 1) + 1 = 2
    expect((await run('sum', [1, 1], [1, 1, 0, 3])).toArray()).toEqual([[[[0, 0]]]]);
    expect((await run('sum', [1, 1], [1, 1, 3, 0])).toArray()).toEqual([[[[0], [0]]]]);
    expect((await run('average_inc_pad', [1, 1], [1, 1, 0, 3])).toArray()).toEqual([[[[NaN, NaN]]]]);
    expect((await run('average_exc_pad', [1, 2], [2, 1, 0, 3])).toArray()).toEqual([[[[NaN, NaN]]], [[[NaN, NaN]]]]);
    for (const [shape, axis] of [[[1, 1, 0, 3], 'rows'], [[1, 1, 3, 0], 'cols'], [[1, 1, 0, 0], 'rows']] as const) {
      await expect(run('max', [1, 1], shape)).rejects.toThrow(
        new RegExp(`^pool2d: the input x of shape \\(${shape.join(', ')}\\) has no ${axis}, so its 2x2 windows \\(stride \\[1,1\\], ignoreBorder false\\) hold none of its values, which have no maximum`),
      );
    }
    // the stride as long as the window or longer: (0 - 1) // 2 + 1 = 0 rows, an empty result in every mode (Theano's perform asserts there)
    for (const mode of ['max', 'sum', 'average_exc_pad'] as const) expect((await run(mode, [2, 2], [1, 1, 0, 3])).shape).toEqual([1, 1, 0, 2]);
    // shapes known when built: refused when built
    expect(() => T.signal.pool.pool2d(T.constant(sym.NDArray.zeros([0, 3], 'float64')), { ws: [2, 2], stride: [1, 1] })).toThrow(/^pool2d: the input .* of shape \(0, 3\) has no rows/);
  });

  it("a uint8 max pool (whose padding reads 0, as a sum pool's does) and a sum pool of one input are not merged: only the max raises on an empty image", async () => {
    const x = T.tensor('uint8', [false, false, false, false], 'x');
    const pool = (mode: sym.PoolMode) => T.signal.pool.pool2d(x, { ws: [2, 2], stride: [1, 1], ignoreBorder: true, pad: [1, 1], mode });
    const empty = sym.NDArray.zeros([1, 1, 0, 3], 'uint8');
    const image = sym.array([[[[1, 5], [7, 2]]]], { dtype: 'uint8' });
    // before, their Im2Cols had one key: [sum, max] gave the max pool's zeros, [max, sum] raised for the sum pool too
    for (const order of [['sum', 'max'], ['max', 'sum']] as const) {
      const f = sym.function([x], order.map(pool));
      await expect(f(empty)).rejects.toThrow(/^pool2d: the input x of shape \(1, 1, 0, 3\) has no rows/);
      const byMode = Object.fromEntries(((await f(image)) as sym.NDArray[]).map((r, i) => [order[i]!, r.toArray()]));
      expect(byMode).toEqual({ sum: [[[[1, 6, 5], [8, 15, 7], [7, 9, 2]]]], max: [[[[1, 5, 5], [7, 7, 5], [7, 7, 2]]]] });
    }
    expect(((await sym.function([x], pool('sum'))(empty)) as sym.NDArray).toArray()).toEqual([[[[0, 0, 0, 0]]]]);
  });

  it("refuses what Theano refuses, saying why", () => {
    const m = T.dmatrix('m');
    expect(() => T.signal.pool.pool2d(m, { ws: [2, 2], pad: [1, 1] })).toThrow(/padding works only with ignoreBorder: true/);
    expect(() => T.signal.pool.pool2d(m, { ws: [2, 2], ignoreBorder: true, pad: [2, 0] })).toThrow(/padding \[2,0\] must be smaller than the window \[2,2\]/);
    expect(() => T.signal.pool.pool2d(m, { ws: [2, 2], mode: 'avg' as sym.PoolMode })).toThrow(/mode must be one of max, sum, average_inc_pad, average_exc_pad/);
    expect(() => T.signal.pool.pool2d(T.dvector('v'), { ws: [2, 2] })).toThrow(/2 dimensions or more/);
    expect(() => T.signal.pool.pool2d(m, { ws: [0, 2] })).toThrow(/ws must be two integers >= 1/);
  });
});
