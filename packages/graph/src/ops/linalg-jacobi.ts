/**
 * The symmetric eigenproblem by parallel cyclic Jacobi (Brent and Luk's
 * round-robin ordering), shared by eigh's kernels and its reference.
 *
 * Why Jacobi: the kernel IR has no loops and no data-dependent control
 * flow, so the method must be a fixed sequence of data-parallel steps.
 * One Jacobi rotation zeroes one off-diagonal pair; rotations on disjoint
 * index pairs commute, so a round of n/2 of them (a round-robin
 * tournament's pairing) is one elementwise kernel over A, whose element
 * (i, j) reads only rows i, partner(i) and columns j, partner(j). n - 1
 * rounds (n even, an odd n gets a dummy index) meet every pair once: a
 * sweep. Cyclic Jacobi converges quadratically once the off-diagonal part
 * is small, and it is accurate for every eigenvalue (Demmel and Veselić),
 * repeated ones included; QR iteration would need a tridiagonalisation and
 * shifts chosen from the data at each step.
 */
import type { DType } from '../core/dtype.js';
import type { ScalarExpr } from '../kernel/kernel.js';
import type { ScalarOpName } from '../core/scalar.js';
import * as ix from '../kernel/index-expr.js';

const fop = (op: ScalarOpName, d: DType, ...args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op, args, computeDType: d, dtype: d });
const fconst = (value: number, d: DType): ScalarExpr => ({ kind: 'const', value, dtype: d });
const fcmp = (op: ScalarOpName, a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ kind: 'apply', op, args: [a, b], computeDType: a.dtype, dtype: 'bool' });

/** The partner of every index in round r of the round-robin tournament on N (even) players: N - 1 stays, the others rotate. */
export function roundPartners(N: number, r: number): Int32Array {
  const p = new Int32Array(N);
  const M = N - 1;
  p[M] = r;
  p[r] = M;
  for (let k = 1; k < N / 2; k++) {
    const a = (r + k) % M;
    const b = (r - k + M) % M;
    p[a] = b;
    p[b] = a;
  }
  return p;
}

/** Rounding to the dtype a kernel computes in, after each operation: float32's (Math.fround) or none. */
export type Round = (x: number) => number;
export const roundingOf = (dtype: string): Round => (dtype === 'float32' ? Math.fround : (x) => x);

/**
 * The rotation of the pair (i, partner): c, and sigma such that row i of
 * J^T A is c A[i, :] + sigma A[partner, :] (sigma = -s for the smaller
 * index of the pair, +s for the larger); c = 1, sigma = 0 where A[p, q] is
 * already 0 or the partner is the dummy. Each operation is rounded by `r`,
 * in the kernels' order, so that a float32 reference takes the kernels'
 * steps exactly (a rotation's direction flips with the sign of theta, and
 * a repeated eigenvalue's eigenvectors depend on every such choice).
 */
export function rotationOf(app: number, aqq: number, apq: number, isP: boolean, r: Round = (x) => x): [number, number] {
  if (apq === 0) return [1, 0];
  const theta = r(r(aqq - app) / r(2 * apq));
  const t = r((theta >= 0 ? 1 : -1) / r(Math.abs(theta) + r(Math.sqrt(r(r(theta * theta) + 1)))));
  const c = r(1 / r(Math.sqrt(r(r(t * t) + 1))));
  const s = r(t * c);
  return [c, isP ? -s : s];
}

/**
 * rotationOf as a kernel expression, for the (2, n) buffer of a round's
 * rotations that eigh (two-sided, on A's entries) and svd (one-sided, on
 * the columns' norms and products) both build: the entry in row `cRow` 0
 * is c, in row 1 sigma (-s where `isLo`, the index is the pair's smaller,
 * else s); c = 1, sigma = 0 where `noRotation` (the partner is the dummy)
 * or apq is 0. The operations are rotationOf's, in its order, so the
 * float32 reference (rounding after each) takes the same steps.
 */
export function rotationEntry(d: DType, app: ScalarExpr, aqq: ScalarExpr, apq: ScalarExpr, isLo: ScalarExpr, noRotation: ScalarExpr, cRow: ScalarExpr): ScalarExpr {
  const theta = fop('truediv', d, fop('sub', d, aqq, app), fop('mul', d, fconst(2, d), apq));
  const sign = ix.select(fcmp('ge', theta, fconst(0, d)), fconst(1, d), fconst(-1, d), d);
  const t = fop('truediv', d, sign, fop('add', d, fop('abs', d, theta), fop('sqrt', d, fop('add', d, fop('mul', d, theta, theta), fconst(1, d)))));
  const c = fop('truediv', d, fconst(1, d), fop('sqrt', d, fop('add', d, fop('mul', d, t, t), fconst(1, d))));
  const s = fop('mul', d, t, c);
  const none = ix.or(noRotation, fcmp('eq', apq, fconst(0, d)));
  const first = ix.eq(cRow, ix.int(0));
  return ix.select(none, ix.select(first, fconst(1, d), fconst(0, d), d), ix.select(first, c, ix.select(isLo, fop('neg', d, s), s, d), d), d);
}

/**
 * The sweeps eigh runs for an n x n matrix. Measured on the float64
 * reference (worst of 4 random symmetric matrices, entries uniform in
 * [-1, 1), and of 4 with eigenvalues repeated three times each), the sweeps
 * after which the off-diagonal norm is below 1e-16 ||A||: 4 at n = 3 and 4,
 * 6 at n = 8, 7 at n = 16, 9 at n = 32, 64 and 128 (repeated eigenvalues;
 * 7 to 9 for random ones), 10 at n = 256. Each count below is that, with a
 * sweep to spare where it was tight; float32 needs fewer (1e-7 within 4 to
 * 8) and gains nothing from more. A 2 x 2 matrix is diagonalised by one
 * rotation.
 */
export function jacobiSweeps(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  if (n <= 4) return 4;
  if (n <= 8) return 6;
  if (n <= 16) return 8;
  if (n <= 128) return 10;
  return 10 + Math.ceil(Math.log2(n / 128));
}

/** A (n x n, symmetric, float64) diagonalised: [eigenvalues (unsorted, A's diagonal), V with A = V diag(w) V^T]. */
export function jacobiRef(A: Float64Array, n: number, sweeps: number, onSweep?: (a: Float64Array) => void, r: Round = (x) => x): [Float64Array, Float64Array] {
  const N = n + (n % 2);
  let a = A;
  let v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const c = new Float64Array(n);
  const sg = new Float64Array(n);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (let round = 0; round < N - 1; round++) {
      const partner = roundPartners(N, round);
      for (let i = 0; i < n; i++) {
        const q = partner[i]!;
        if (q >= n) {
          c[i] = 1;
          sg[i] = 0;
          continue;
        }
        const [lo, hi] = i < q ? [i, q] : [q, i];
        [c[i], sg[i]] = rotationOf(a[lo * n + lo]!, a[hi * n + hi]!, a[lo * n + hi]!, i === lo, r);
      }
      const next = new Float64Array(n * n);
      const at = (i: number, j: number): number => (i < n && j < n ? a[i * n + j]! : 0);
      for (let i = 0; i < n; i++) {
        const pi = partner[i]!;
        for (let j = 0; j < n; j++) {
          const pj = partner[j]!;
          next[i * n + j] = j === pi ? 0 : r(r(c[i]! * r(r(c[j]! * at(i, j)) + r(sg[j]! * at(i, pj)))) + r(sg[i]! * r(r(c[j]! * at(pi, j)) + r(sg[j]! * at(pi, pj)))));
        }
      }
      a = next;
      const nv = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const pj = partner[j]!;
          nv[i * n + j] = r(r(c[j]! * v[i * n + j]!) + r(sg[j]! * v[i * n + Math.min(pj, n - 1)]!));
        }
      }
      v = nv;
    }
    onSweep?.(a);
  }
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = a[i * n + i]!;
  return [w, v];
}

/** The order that sorts w ascending, ties by index (a stable argsort). */
export function ascendingOrder(w: Float64Array): number[] {
  return Array.from(w.keys()).sort((x, y) => w[x]! - w[y]! || x - y);
}
