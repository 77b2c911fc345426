/**
 * T.nnet.neighbours (Theano's images2neibs and neibs2images) against a loop
 * written from Theano's definition of the rows (row (n, s, a, b) holds the
 * window a-th down and b-th across, flattened row by row; its positions
 * wrap around the image in 'wrap_centered', read zeros past it in 'half'
 * and 'full'). Hand-written values come from NumPy (.audit/conv-extras/ref.py).
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';
import type { NeibsMode } from './neighbours.js';

type Pair = [number, number];

const arange = (shape: number[], dtype: sym.DType = 'float64') => sym.fill(shape, dtype, (i) => i);

function directNeibs(x: sym.NDArray, ns: Pair, st: Pair, mode: NeibsMode): sym.NDArray {
  const [A, B, H, W] = x.shape as [number, number, number, number];
  const [r, c] = ns;
  const ceil = (a: number, b: number) => Math.ceil(a / b);
  const [gr, gc] =
    mode === 'wrap_centered'
      ? [ceil(H, st[0]), ceil(W, st[1])]
      : mode === 'half'
        ? [1 + Math.floor((H - (r % 2)) / st[0]), 1 + Math.floor((W - (c % 2)) / st[1])]
        : mode === 'full'
          ? [1 + Math.floor((H + r - 2) / st[0]), 1 + Math.floor((W + c - 2) / st[1])]
          : [1 + Math.floor((H - r) / st[0]), 1 + Math.floor((W - c) / st[1])];
  const shift = mode === 'wrap_centered' || mode === 'half' ? [Math.floor(r / 2), Math.floor(c / 2)] : mode === 'full' ? [r - 1, c - 1] : [0, 0];
  const z = sym.NDArray.zeros([A * B * gr * gc, r * c], x.dtype);
  for (let n = 0; n < A; n++)
    for (let s = 0; s < B; s++)
      for (let a = 0; a < gr; a++)
        for (let b = 0; b < gc; b++) {
          const row = b + gc * (a + gr * (s + B * n));
          for (let i = 0; i < r; i++)
            for (let j = 0; j < c; j++) {
              let h = i + a * st[0] - shift[0]!;
              let w = j + b * st[1] - shift[1]!;
              if (mode === 'wrap_centered') {
                h = (h + H) % H;
                w = (w + W) % W;
              }
              z.data[row * r * c + i * c + j] = h >= 0 && h < H && w >= 0 && w < W ? x.data[((n * B + s) * H + h) * W + w]! : 0;
            }
        }
  return z;
}

const run = async (inputs: sym.TensorVariable[], out: sym.TensorVariable, ...values: sym.NDArray[]) => (await sym.function(inputs, out)(...values)) as sym.NDArray;

describe('T.nnet.neighbours.images2neibs', () => {
  const cases: [number[], Pair, Pair | null, NeibsMode][] = [
    [[2, 3, 4, 6], [2, 3], null, 'valid'],
    [[2, 1, 5, 6], [3, 2], [2, 2], 'valid'],
    [[1, 2, 5, 7], [2, 3], null, 'ignore_borders'],
    [[1, 2, 5, 7], [3, 2], [1, 2], 'ignore_borders'],
    [[1, 2, 5, 4], [3, 3], [1, 1], 'wrap_centered'],
    [[1, 1, 5, 7], [3, 5], [2, 3], 'wrap_centered'],
    [[1, 2, 5, 5], [3, 2], [2, 1], 'half'],
    [[1, 1, 5, 3], [3, 2], [2, 1], 'full'],
  ];
  for (const [shape, ns, st, mode] of cases) {
    it(`${mode}, ${ns.join('x')} windows, step ${(st ?? ns).join('x')}, image ${shape.join('x')}: Theano's rows`, async () => {
      const x = arange(shape);
      const X = T.dtensor4('x');
      const z = await run([X], T.nnet.neighbours.images2neibs(X, ns, st, mode), x);
      expect(z.toArray()).toEqual(directNeibs(x, ns, st ?? ns, mode).toArray());
    });
  }
  it('hand-computed (NumPy): 2x2 windows of a 4x4 image, and the first wrapped windows of a 3x4 one', async () => {
    expect((await run([], T.nnet.images2neibs(T.constant(arange([1, 1, 4, 4])), [2, 2]))).toArray()).toEqual([
      [0, 1, 4, 5],
      [2, 3, 6, 7],
      [8, 9, 12, 13],
      [10, 11, 14, 15],
    ]);
    const wrapped = await run([], T.nnet.images2neibs(T.constant(arange([1, 1, 3, 4])), [3, 3], [1, 1], 'wrap_centered'));
    expect(wrapped.shape).toEqual([12, 9]);
    expect((wrapped.toArray() as number[][]).slice(0, 3)).toEqual([
      [11, 8, 9, 3, 0, 1, 7, 4, 5],
      [8, 9, 10, 0, 1, 2, 4, 5, 6],
      [9, 10, 11, 1, 2, 3, 5, 6, 7],
    ]);
  });
  it('keeps the dtype (int32 in, int32 out)', async () => {
    const z = await run([], T.nnet.images2neibs(T.constant(arange([1, 1, 2, 4], 'int32')), [2, 2]));
    expect(z.dtype).toBe('int32');
    expect(z.toArray()).toEqual([
      [0, 1, 4, 5],
      [2, 3, 6, 7],
    ]);
  });
  it("refuses what Theano refuses, naming the mode, the window, the step and the image's length, when built and when run", async () => {
    const X = T.dtensor4('x');
    expect(() => T.nnet.images2neibs(T.constant(arange([1, 1, 5, 4])), [2, 2])).toThrow(/images2neibs: in mode 'valid' the windows must fit the image exactly: neibShape\[0\]=2, neibStep\[0\]=2 and ten4.shape\[2\]=5/);
    expect(() => T.nnet.images2neibs(T.constant(arange([1, 1, 4, 4])), [3, 2], [1, 1], 'wrap_centered')).toThrow(/'wrap_centered' needs windows of odd lengths/);
    expect(() => T.nnet.images2neibs(T.constant(arange([1, 1, 2, 4])), [3, 3], [1, 1], 'wrap_centered')).toThrow(/at least as large as the window: neibShape\[0\]=3, neibStep\[0\]=1 and ten4.shape\[2\]=2/);
    expect(() => T.nnet.images2neibs(X, [2, 2], null, 'wrap' as NeibsMode)).toThrow(/mode must be one of 'valid', 'ignore_borders', 'wrap_centered', 'half', 'full', got "wrap"/);
    expect(() => T.nnet.images2neibs(T.dmatrix('m'), [2, 2])).toThrow(/ten4 must be 4-d/);
    expect(() => T.nnet.images2neibs(X, [0, 2])).toThrow(/neibShape must be two integers >= 1, got \[0,2\]/);
    const f = sym.function([X], T.nnet.images2neibs(X, [3, 2], [2, 2]));
    await expect(f(arange([1, 1, 6, 4]))).rejects.toThrow(/in mode 'valid' the windows must fit the image exactly: neibShape\[0\]=3, neibStep\[0\]=2 and ten4.shape\[2\]=6 \(ten4 x\) are not consistent/);
    await expect(f(arange([1, 1, 1, 4]))).rejects.toThrow(/neibShape\[0\]=3, neibStep\[0\]=2 and ten4.shape\[2\]=1/);
    expect((await f(arange([1, 1, 5, 4]))).shape).toEqual([4, 6]);
  });
});

describe('T.nnet.neighbours.neibs2images', () => {
  it("'valid': the inverse of images2neibs, the original shape as numbers or symbolic", async () => {
    const X = T.dtensor4('x');
    const x = arange([2, 3, 4, 6]);
    const z = T.nnet.images2neibs(X, [2, 3]);
    expect((await run([X], T.nnet.neighbours.neibs2images(z, [2, 3], [2, 3, 4, 6]), x)).toArray()).toEqual(x.toArray());
    expect((await run([X], T.nnet.neibs2images(z, [2, 3], X.shape), x)).toArray()).toEqual(x.toArray());
  });
  it("'ignore_borders': the rows and cols the windows do not reach are zeros", async () => {
    const x = arange([1, 2, 5, 7]);
    const X = T.dtensor4('x');
    const back = await run([X], T.nnet.neibs2images(T.nnet.images2neibs(X, [2, 3], null, 'ignore_borders'), [2, 3], [1, 2, 5, 7], 'ignore_borders'), x);
    for (let i = 0; i < x.size; i++) {
      const [h, w] = [Math.floor(i / 7) % 5, i % 7];
      expect(back.data[i]).toBe(h < 4 && w < 6 ? x.data[i] : 0);
    }
  });
  it('refuses other modes, windows of the wrong size, and images the windows do not tile', async () => {
    const Z = T.dmatrix('z');
    expect(() => T.nnet.neibs2images(Z, [2, 2], [1, 1, 4, 4], 'wrap_centered')).toThrow(/neibs2images: mode must be 'valid' or 'ignore_borders' \(Theano's neibs2images has no other\), got "wrap_centered"/);
    expect(() => T.nnet.neibs2images(T.constant(arange([4, 3])), [2, 2], [1, 1, 4, 4])).toThrow(/has 3 values per row but windows of 2x2 have 4/);
    expect(() => T.nnet.neibs2images(Z, [2, 2], [1, 1, 5, 4])).toThrow(/originalShape\[2\]=5 is not a multiple of neibShape\[0\]=2/);
    const X = T.dtensor4('x');
    const f = sym.function([Z, X], T.nnet.neibs2images(Z, [2, 2], X.shape));
    await expect(f(arange([4, 4]), arange([1, 1, 5, 4]))).rejects.toThrow(/neibs2images: in mode 'valid' the windows must tile the image: originalShape\[2\]=5 is not a multiple of neibShape\[0\]=2/);
  });
});
