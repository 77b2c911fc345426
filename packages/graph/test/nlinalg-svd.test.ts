/**
 * T.nlinalg.svd and pinv against numpy.linalg's results recorded in
 * fixtures/numpy-nlinalg.json (fixtures/numpy-nlinalg.py makes them), run
 * in DebugMode (the reference `perform` checked against the kernels).
 * Singular vectors are unique up to the sign of a pair (u_i, v_i), so they
 * are compared after matching signs, and only through U diag(s) Vh = A and
 * orthonormality where a singular value is repeated or zero.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

interface Arr {
  values: number[];
  shape: number[];
  dtype: sym.DType;
}
interface SVDCase {
  fn: 'svd';
  x: Arr;
  full_matrices: boolean;
  compute_uv: boolean;
  distinct: boolean;
  result: { u?: Arr; s: Arr; vh?: Arr };
}
interface PinvCase {
  fn: 'pinv';
  x: Arr;
  rcond: number;
  result: Arr;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/numpy-nlinalg.json', import.meta.url), 'utf8')) as { cases: { fn: string }[] };
const svdCases = fixture.cases.filter((c): c is SVDCase => c.fn === 'svd');
const pinvCases = fixture.cases.filter((c): c is PinvCase => c.fn === 'pinv');

function close(got: sym.NDArray, want: Arr, tol: number): void {
  expect(got.dtype).toBe(want.dtype);
  expect(got.shape).toEqual(want.shape);
  got.data.forEach((g, i) => {
    if (!(Math.abs(Number(g) - want.values[i]!) <= tol)) expect(`${g} at ${i}`).toBe(`${want.values[i]} at ${i}`);
  });
}

const at = (a: sym.NDArray, i: number, j: number): number => Number(a.data[i * a.shape[1]! + j]);

describe('svd matches numpy.linalg.svd (singular vectors up to the sign of a pair)', () => {
  for (const c of svdCases) {
    const [m, n] = c.x.shape as [number, number];
    it(`svd(${c.x.dtype} (${m}, ${n}), fullMatrices ${c.full_matrices}, computeUv ${c.compute_uv})${c.distinct ? '' : ', rank-deficient'}`, async () => {
      const x = T.tensor(c.x.dtype, [false, false], 'x');
      const outs = c.compute_uv ? T.nlinalg.svd(x, { fullMatrices: c.full_matrices }) : [T.nlinalg.svd(x, { computeUv: false })];
      const f = sym.function([x], outs, { mode: 'DebugMode' });
      const got = (await f(sym.array(c.x.values, { dtype: c.x.dtype, shape: c.x.shape }))) as sym.NDArray[];
      const f32 = c.result.s.dtype === 'float32';
      const scale = Math.max(1, ...c.result.s.values);
      const tol = (f32 ? 1e-6 : 1e-14) * scale * 8;
      const s = got[c.compute_uv ? 1 : 0]!;
      close(s, c.result.s, tol);
      if (!c.compute_uv) return;
      const [u, , vh] = got as [sym.NDArray, sym.NDArray, sym.NDArray];
      expect([u.shape, vh.shape]).toEqual([c.result.u!.shape, c.result.vh!.shape]);
      const k = Math.min(m, n);
      // U diag(s) Vh = A
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let r = 0;
          for (let t = 0; t < k; t++) r += at(u, i, t) * Number(s.data[t]) * at(vh, t, j);
          expect(Math.abs(r - c.x.values[i * n + j]!)).toBeLessThan(tol);
        }
      }
      // Vh's rows orthonormal; U's columns too where s is not 0 (and all of them, completed, in a full U of a tall A)
      const gram = (a: sym.NDArray, rows: boolean, count: number, len: number, skip: (t: number) => boolean) => {
        for (let p = 0; p < count; p++) {
          for (let q = 0; q < count; q++) {
            if (skip(p) || skip(q)) continue;
            let g = 0;
            for (let t = 0; t < len; t++) g += rows ? at(a, p, t) * at(a, q, t) : at(a, t, p) * at(a, t, q);
            expect(Math.abs(g - (p === q ? 1 : 0))).toBeLessThan(f32 ? 1e-5 : 1e-13);
          }
        }
      };
      const zero = (t: number): boolean => t < k && Number(s.data[t]) === 0;
      gram(u, false, u.shape[1]!, m, zero);
      gram(vh, true, vh.shape[0]!, n, () => false);
      if (!c.distinct) return;
      // distinct non-zero singular values: each pair (u_t, v_t) is NumPy's or both negated
      for (let t = 0; t < k; t++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += at(u, i, t) * c.result.u!.values[i * c.result.u!.shape[1]! + t]!;
        const sign = dot < 0 ? -1 : 1;
        for (let i = 0; i < m; i++) expect(Math.abs(sign * at(u, i, t) - c.result.u!.values[i * c.result.u!.shape[1]! + t]!)).toBeLessThan(f32 ? 2e-5 : 1e-12);
        for (let j = 0; j < n; j++) expect(Math.abs(sign * at(vh, t, j) - c.result.vh!.values[t * n + j]!)).toBeLessThan(f32 ? 2e-5 : 1e-12);
      }
    });
  }

  it('float32 with repeated singular values: the reference takes the kernels\' float32 steps, so DebugMode agrees', async () => {
    // Q diag(2, 2, 2, 1, 1) for a Householder reflection Q
    const n = 5;
    const x = [0.3, -0.5, 0.2, 0.6, -0.1];
    const xx = x.reduce((s, v) => s + v * v, 0);
    const A = sym.fill([n, n], 'float32', (e) => ((Math.floor(e / n) === e % n ? 1 : 0) - (2 * x[Math.floor(e / n)]! * x[e % n]!) / xx) * (e % n < 3 ? 2 : 1));
    const a = T.fmatrix('a');
    const [, s] = (await sym.function([a], T.nlinalg.svd(a), { mode: 'DebugMode' })(A)) as sym.NDArray[];
    Array.from(s!.data).forEach((v, i) => expect(Math.abs(v - (i < 3 ? 2 : 1))).toBeLessThan(2e-6));
  });

  it('static shapes, errors, and the order of the outputs (U, s, Vh)', () => {
    const a = T.reshape(T.dmatrix('a'), [5, 3]);
    expect(T.nlinalg.svd(a).map((v) => v.staticShape)).toEqual([[5, 5], [3], [3, 3]]);
    expect(T.nlinalg.svd(a, { fullMatrices: false }).map((v) => v.staticShape)).toEqual([[5, 3], [3], [3, 3]]);
    expect(T.nlinalg.svd(a.T, { computeUv: false }).staticShape).toEqual([3]);
    expect(() => T.nlinalg.svd(T.dvector('v'))).toThrow(/SVD\{full_matrices=true, compute_uv=true\}: A must be a matrix \(2 dimensions\), got v/);
    expect(() => T.nlinalg.svd(T.dmatrix('m'), { full: true } as never)).toThrow(/svd: unknown option/);
  });

  it('lowers to 5 kernels per round of rotations', () => {
    const x = T.dmatrix('x');
    const p = sym.schedule({ inputs: [x], inputShapes: [[12, 8]], outputs: [T.nlinalg.svd(x, { computeUv: false })] });
    // 2 setup kernels, 7 rounds x 6 sweeps x 5, then the squared norms, their roots, the rank, the order and the gather
    expect(p.steps.filter((s) => s.label.startsWith('SVD{')).length).toBe(2 + 7 * 6 * 5 + 5);
    // the others scale A by a power of two near max |A| and s back (linalg.ts's scaledToUnit), unfused before any rewrite
    expect(p.steps.filter((s) => !s.label.startsWith('SVD{')).length).toBe(20);
  });
});

describe('pinv matches numpy.linalg.pinv', () => {
  for (const c of pinvCases) {
    it(`pinv(${c.x.dtype} ${JSON.stringify(c.x.shape)}, rcond ${c.rcond})`, async () => {
      const x = T.tensor(c.x.dtype, [false, false], 'x');
      const f = sym.function([x], T.nlinalg.pinv(x, c.rcond), { mode: 'DebugMode' });
      const got = (await f(sym.array(c.x.values, { dtype: c.x.dtype, shape: c.x.shape }))) as sym.NDArray;
      const scale = Math.max(1, ...c.result.values.map(Math.abs));
      close(got, c.result, (got.dtype === 'float32' ? 2e-6 : 1e-13) * scale * 8);
    });
  }
});

interface TensorCase {
  fn: 'tensorinv' | 'tensorsolve';
  x: Arr;
  b?: Arr;
  ind?: number;
  axes?: number[] | null;
  result: Arr;
}
interface LstsqCase {
  fn: 'lstsq';
  x: Arr;
  b: Arr;
  result: { x: Arr; residuals: Arr; rank: number; s: Arr };
}
const input = (a: Arr, name: string) => T.tensor(a.dtype, a.shape.map(() => false), name);
const value = (a: Arr) => sym.array(a.values, { dtype: a.dtype, shape: a.shape });

describe('tensorinv, tensorsolve and lstsq match NumPy', () => {
  for (const c of fixture.cases.filter((k): k is TensorCase => k.fn === 'tensorinv' || k.fn === 'tensorsolve')) {
    it(`${c.fn}(${JSON.stringify(c.x.shape)}${c.b ? `, ${JSON.stringify(c.b.shape)}` : ''}, ${c.ind ?? JSON.stringify(c.axes)})`, async () => {
      const a = input(c.x, 'a');
      const b = c.b ? input(c.b, 'b') : undefined;
      const out = c.fn === 'tensorinv' ? T.nlinalg.tensorinv(a, c.ind) : T.nlinalg.tensorsolve(a, b!, c.axes ?? null);
      const f = sym.function(b ? [a, b] : [a], out, { mode: 'DebugMode' });
      const got = (await (b ? f(value(c.x), value(c.b!)) : f(value(c.x)))) as sym.NDArray;
      close(got, c.result, 1e-13 * Math.max(1, ...c.result.values.map(Math.abs)));
    });
  }
  for (const c of fixture.cases.filter((k): k is LstsqCase => k.fn === 'lstsq')) {
    it(`lstsq(${c.x.dtype} ${JSON.stringify(c.x.shape)}, ${JSON.stringify(c.b.shape)}), rank ${c.result.rank}`, async () => {
      const a = input(c.x, 'a');
      const b = input(c.b, 'b');
      const outs = T.nlinalg.lstsq(a, b);
      const f = sym.function([a, b], outs, { mode: 'DebugMode' });
      const [x, residuals, rank, s] = (await f(value(c.x), value(c.b))) as sym.NDArray[];
      const tol = (x!.dtype === 'float32' ? 2e-6 : 1e-13) * 16 * Math.max(1, ...c.result.x.values.map(Math.abs));
      close(x!, c.result.x, tol);
      close(s!, c.result.s, tol);
      expect([rank!.dtype, rank!.item()]).toEqual(['int64', c.result.rank]);
      // NumPy's residuals are empty unless the rank is full and a is tall; sym gives them always
      if (c.result.residuals.values.length > 0) close(residuals!, c.result.residuals, tol);
      else expect(residuals!.shape).toEqual([c.b.shape.length === 1 ? 1 : c.b.shape[1]!]);
    });
  }
  it('refuse shapes NumPy refuses', () => {
    expect(() => T.nlinalg.tensorinv(T.dmatrix('m'), 2)).toThrow(/tensorinv: ind must be an integer from 1 to 1 \(a has 2 dimensions\), got 2/);
    expect(() => T.nlinalg.tensorinv(T.reshape(T.dvector('v'), [2, 3, 4]), 1)).toThrow(/tensorinv: the product of a's first 1 lengths \(2\) must equal that of the others \(12\)/);
    expect(() => T.nlinalg.tensorsolve(T.dmatrix('a'), T.dmatrix('b'))).toThrow(/tensorsolve: b must have fewer dimensions than a, got a of 2 and b of 2/);
    expect(() => T.nlinalg.lstsq(T.dvector('a'), T.dvector('b'))).toThrow(/lstsq: a must be a matrix \(2 dimensions\), got a/);
  });
});
