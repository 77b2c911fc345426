/**
 * eig of a complex matrix, in float64 on the host (the Eig op's perform
 * for a complex input): Householder reduction to Hessenberg form, the
 * single-shift QR iteration (Wilkinson's shift, Givens rotations, as
 * LAPACK's zlahqr) to the complex Schur form T = Z^H A Z, then the
 * eigenvectors of the triangular T by back-substitution (as ztrevc),
 * taken back by Z. A complex matrix's eigenvalues come in no pairs: each
 * is one diagonal entry of T, in T's order.
 */
import { EigConvergenceError, type RealEig } from './eig-host.js';
import { cdiv, unitColumns } from './eig-vectors.js';

const EPS = 2 ** -52;

/** Complex n x n, row-major, as two arrays. */
interface CMatrix {
  re: Float64Array;
  im: Float64Array;
}

/** eig of the row-major complex n x n matrix (ar + i ai), all entries finite. */
export function complexEig(ar: ArrayLike<number>, ai: ArrayLike<number>, n: number, vectors: boolean): RealEig {
  const H: CMatrix = { re: Float64Array.from(ar), im: Float64Array.from(ai) };
  const Z: CMatrix = { re: new Float64Array(n * n), im: new Float64Array(n * n) };
  for (let i = 0; i < n; i++) Z.re[i * n + i] = 1;
  hessenberg(H, Z, n);
  schur(H, Z, n);
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  for (let i = 0; i < n; i++) [wr[i], wi[i]] = [H.re[i * n + i]!, H.im[i * n + i]!];
  if (!vectors) return { wr, wi, vr: new Float64Array(0), vi: new Float64Array(0) };
  const X = triangularVectors(H, n);
  // V = Z X
  const vr = new Float64Array(n * n);
  const vi = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sr = 0;
      let si = 0;
      for (let k = 0; k <= j; k++) {
        const [zr, zi, xr, xi] = [Z.re[i * n + k]!, Z.im[i * n + k]!, X.re[k * n + j]!, X.im[k * n + j]!];
        sr += zr * xr - zi * xi;
        si += zr * xi + zi * xr;
      }
      vr[i * n + j] = sr;
      vi[i * n + j] = si;
    }
  }
  unitColumns(vr, vi, n);
  return { wr, wi, vr, vi };
}

/** Householder reflections bring H to upper Hessenberg form, accumulated in Z (H <- P H P, Z <- Z P, P = I - 2 u u^H). */
function hessenberg(H: CMatrix, Z: CMatrix, n: number): void {
  const ur = new Float64Array(n);
  const ui = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) norm2 += H.re[i * n + k]! ** 2 + H.im[i * n + k]! ** 2;
    const norm = Math.sqrt(norm2);
    if (norm === 0) continue;
    // alpha = -e^{i arg x0} ||x||: u = x - alpha e1 has no cancellation
    const x0r = H.re[(k + 1) * n + k]!;
    const x0i = H.im[(k + 1) * n + k]!;
    const m0 = Math.hypot(x0r, x0i);
    const [pr, pi] = m0 === 0 ? [1, 0] : [x0r / m0, x0i / m0];
    ur.fill(0);
    ui.fill(0);
    for (let i = k + 1; i < n; i++) [ur[i], ui[i]] = [H.re[i * n + k]!, H.im[i * n + k]!];
    ur[k + 1]! += pr * norm;
    ui[k + 1]! += pi * norm;
    let un = 0;
    for (let i = k + 1; i < n; i++) un += ur[i]! ** 2 + ui[i]! ** 2;
    const s = Math.sqrt(un);
    for (let i = k + 1; i < n; i++) {
      ur[i]! /= s;
      ui[i]! /= s;
    }
    // H <- (I - 2 u u^H) H: each column c -= 2 u (u^H c)
    for (let j = 0; j < n; j++) {
      let dr = 0;
      let di = 0;
      for (let i = k + 1; i < n; i++) {
        const [cr, ci] = [H.re[i * n + j]!, H.im[i * n + j]!];
        dr += ur[i]! * cr + ui[i]! * ci;
        di += ur[i]! * ci - ui[i]! * cr;
      }
      for (let i = k + 1; i < n; i++) {
        H.re[i * n + j]! -= 2 * (ur[i]! * dr - ui[i]! * di);
        H.im[i * n + j]! -= 2 * (ur[i]! * di + ui[i]! * dr);
      }
    }
    // H <- H (I - 2 u u^H) and Z <- Z (I - 2 u u^H): each row r -= 2 (r u) u^H
    for (const M of [H, Z]) {
      for (let i = 0; i < n; i++) {
        let dr = 0;
        let di = 0;
        for (let j = k + 1; j < n; j++) {
          const [rr, ri] = [M.re[i * n + j]!, M.im[i * n + j]!];
          dr += rr * ur[j]! - ri * ui[j]!;
          di += rr * ui[j]! + ri * ur[j]!;
        }
        for (let j = k + 1; j < n; j++) {
          M.re[i * n + j]! -= 2 * (dr * ur[j]! + di * ui[j]!);
          M.im[i * n + j]! -= 2 * (di * ur[j]! - dr * ui[j]!);
        }
      }
    }
    for (let i = k + 2; i < n; i++) H.re[i * n + k] = H.im[i * n + k] = 0;
  }
}

const MAX_STEPS = 30;

/** The shifted QR iteration on the Hessenberg H, to upper triangular (the Schur form), rotations accumulated in Z. */
function schur(H: CMatrix, Z: CMatrix, n: number): void {
  const at = (i: number, j: number): [number, number] => [H.re[i * n + j]!, H.im[i * n + j]!];
  const abs1 = (i: number, j: number): number => Math.abs(H.re[i * n + j]!) + Math.abs(H.im[i * n + j]!);
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm = Math.max(norm, Math.hypot(H.re[i]!, H.im[i]!));
  const cs = new Float64Array(n);
  const snr = new Float64Array(n);
  const sni = new Float64Array(n);
  let hi = n - 1;
  let iter = 0;
  while (hi > 0) {
    let l = hi;
    while (l > 0) {
      let s = abs1(l - 1, l - 1) + abs1(l, l);
      if (s === 0) s = norm;
      if (abs1(l, l - 1) <= EPS * s) {
        H.re[l * n + l - 1] = H.im[l * n + l - 1] = 0;
        break;
      }
      l--;
    }
    if (l === hi) {
      hi--;
      iter = 0;
      continue;
    }
    iter++;
    if (iter > MAX_STEPS * Math.max(10, n)) throw new EigConvergenceError(`the QR iteration did not converge after ${MAX_STEPS * Math.max(10, n)} steps on one eigenvalue`);
    // the shift: the eigenvalue of the trailing 2 x 2 block nearer its last entry (Wilkinson's); an exceptional one now and then
    let [mr, mi] = at(hi, hi);
    if (iter % 10 === 0) {
      mr += Math.abs(H.re[hi * n + hi - 1]!) * 0.75;
    } else {
      const [ar, ai] = at(hi - 1, hi - 1);
      const [br, bi] = at(hi - 1, hi);
      const [cr, ci] = at(hi, hi - 1);
      // half the difference of the diagonal, and its square plus b c
      const hr = (ar - mr) / 2;
      const hi2 = (ai - mi) / 2;
      const dr = hr * hr - hi2 * hi2 + (br * cr - bi * ci);
      const di = 2 * hr * hi2 + (br * ci + bi * cr);
      // sqrt(d), the root with h's direction taken away from d's last entry
      const mod = Math.hypot(dr, di);
      let sr = Math.sqrt((mod + dr) / 2);
      let si = sr === 0 ? Math.sqrt(mod) : di / (2 * sr);
      if (hr * sr + hi2 * si < 0) [sr, si] = [-sr, -si];
      // mu = d - b c / (h + sqrt(...)): the root of the block nearer d
      const er = hr + sr;
      const ei = hi2 + si;
      const den = er * er + ei * ei;
      if (den !== 0) {
        const bcr = br * cr - bi * ci;
        const bci = br * ci + bi * cr;
        mr -= (bcr * er + bci * ei) / den;
        mi -= (bci * er - bcr * ei) / den;
      }
    }
    // H - mu I = Q R on rows and columns l..hi by Givens rotations from the left, then R Q + mu I from the right
    for (let k = l; k <= hi; k++) {
      H.re[k * n + k]! -= mr;
      H.im[k * n + k]! -= mi;
    }
    for (let k = l; k < hi; k++) {
      const [fr, fi] = at(k, k);
      const [gr, gi] = at(k + 1, k);
      const fm = Math.hypot(fr, fi);
      const gm = Math.hypot(gr, gi);
      const r = Math.hypot(fm, gm);
      // G = [[c, s], [-conj(s), c]] with c real: G [f; g] = [r'; 0]
      let c: number;
      let sr: number;
      let si: number;
      if (r === 0) [c, sr, si] = [1, 0, 0];
      else if (fm === 0) [c, sr, si] = [0, gr / gm, -gi / gm];
      else {
        c = fm / r;
        // s = (f / |f|) conj(g) / r
        const [ur, ui] = [fr / fm, fi / fm];
        sr = (ur * gr + ui * gi) / r;
        si = (ui * gr - ur * gi) / r;
      }
      [cs[k], snr[k], sni[k]] = [c, sr, si];
      for (let j = k; j < n; j++) {
        const [xr, xi] = at(k, j);
        const [yr, yi] = at(k + 1, j);
        H.re[k * n + j] = c * xr + (sr * yr - si * yi);
        H.im[k * n + j] = c * xi + (sr * yi + si * yr);
        H.re[(k + 1) * n + j] = -(sr * xr + si * xi) + c * yr;
        H.im[(k + 1) * n + j] = -(sr * xi - si * xr) + c * yi;
      }
    }
    for (let k = l; k < hi; k++) {
      const [c, sr, si] = [cs[k]!, snr[k]!, sni[k]!];
      // columns k, k + 1 times G^H = [[c, -s], [conj(s), c]]
      for (const [M, rows] of [[H, Math.min(k + 2, hi)], [Z, n - 1]] as const) {
        for (let i = 0; i <= rows; i++) {
          const [xr, xi] = [M.re[i * n + k]!, M.im[i * n + k]!];
          const [yr, yi] = [M.re[i * n + k + 1]!, M.im[i * n + k + 1]!];
          M.re[i * n + k] = c * xr + (sr * yr + si * yi);
          M.im[i * n + k] = c * xi + (sr * yi - si * yr);
          M.re[i * n + k + 1] = -(sr * xr - si * xi) + c * yr;
          M.im[i * n + k + 1] = -(sr * xi + si * xr) + c * yi;
        }
      }
    }
    for (let k = l; k <= hi; k++) {
      H.re[k * n + k]! += mr;
      H.im[k * n + k]! += mi;
    }
  }
}

/** The eigenvectors of the upper triangular T: column k solves (T - t_kk I) x = 0 with x_k = 1, x_j = 0 below (ztrevc's). */
function triangularVectors(T: CMatrix, n: number): CMatrix {
  const X: CMatrix = { re: new Float64Array(n * n), im: new Float64Array(n * n) };
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm = Math.max(norm, Math.abs(T.re[i]!) + Math.abs(T.im[i]!));
  // a zero divisor (a repeated eigenvalue) is replaced by this, as ztrevc's smin
  const tiny = Math.max(EPS * norm, 2 ** -1022);
  for (let k = 0; k < n; k++) {
    const [lr, li] = [T.re[k * n + k]!, T.im[k * n + k]!];
    X.re[k * n + k] = 1;
    for (let i = k - 1; i >= 0; i--) {
      let sr = 0;
      let si = 0;
      for (let j = i + 1; j <= k; j++) {
        const [tr, ti, xr, xi] = [T.re[i * n + j]!, T.im[i * n + j]!, X.re[j * n + k]!, X.im[j * n + k]!];
        sr += tr * xr - ti * xi;
        si += tr * xi + ti * xr;
      }
      let dr = T.re[i * n + i]! - lr;
      let di = T.im[i * n + i]! - li;
      if (Math.abs(dr) + Math.abs(di) < tiny) [dr, di] = [tiny, 0];
      // Smith's division: |d|^2 of a tiny d underflows
      [X.re[i * n + k], X.im[i * n + k]] = cdiv(-sr, -si, dr, di);
    }
  }
  return X;
}
