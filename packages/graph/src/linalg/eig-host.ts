/**
 * The eigenvalues and right eigenvectors of a general real matrix, in
 * float64 on the host (the Eig op's perform): balancing by powers of two
 * (LAPACK's dgebal, scaling only), Householder reduction to Hessenberg
 * form, the Francis double-shift QR iteration with deflation, then
 * back-substitution in the quasi-triangular Schur form and the
 * accumulated transformations for the eigenvectors (the EISPACK orthes
 * and hqr2 routines, in the form of JAMA's public-domain port).
 *
 * Why the host and not kernels: the iteration chooses its shifts, splits
 * the matrix where a subdiagonal entry becomes negligible and stops when
 * the values say so, a data-dependent loop that a fixed, unrolled program
 * (how eigh's Jacobi sweeps run) cannot express without a huge worst-case
 * sweep count.
 */

import { backSubstitute, normalizedVectors } from './eig-vectors.js';

const EPS = 2 ** -52;

export interface RealEig {
  /** The eigenvalues' real and imaginary parts; a conjugate pair is adjacent, the positive imaginary part first. */
  readonly wr: Float64Array;
  readonly wi: Float64Array;
  /** Row-major n x n: column j the unit eigenvector of w[j], its largest-modulus component (the first such) real and positive. */
  readonly vr: Float64Array;
  readonly vi: Float64Array;
}

/** Thrown when the QR iteration does not converge (LAPACK's dgeev info > 0, NumPy's "Eigenvalues did not converge"). */
export class EigConvergenceError extends Error {}

/**
 * eig of the row-major n x n matrix a (all entries finite: the caller
 * checks). With `vectors` false, vr and vi are empty.
 */
export function realEig(a: ArrayLike<number>, n: number, vectors: boolean): RealEig {
  const H = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => a[i * n + j]!));
  const scale = balance(H, n);
  const V = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  hessenberg(H, vectors ? V : null, n);
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  hqr2(H, V, wr, wi, n, vectors);
  if (!vectors) return { wr, wi, vr: new Float64Array(0), vi: new Float64Array(0) };
  // undo the balancing: the balanced matrix is D^-1 A D, its eigenvectors D^-1 v
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) V[i]![j]! *= scale[i]!;
  return { wr, wi, ...normalizedVectors(V, wi, n) };
}

/**
 * Scales H to D^-1 H D, D a diagonal of powers of two (exact), so that each
 * row and column have norms of one order (Parlett and Reinsch; LAPACK's
 * dgebal without its permutations): the QR iteration's errors are relative
 * to the matrix's norm, which a badly scaled matrix makes large beside its
 * small eigenvalues. Returns D.
 */
function balance(H: Float64Array[], n: number): Float64Array {
  const d = new Float64Array(n).fill(1);
  const RADIX = 2;
  let done = false;
  while (!done) {
    done = true;
    for (let i = 0; i < n; i++) {
      let c = 0;
      let r = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        c += Math.abs(H[j]![i]!);
        r += Math.abs(H[i]![j]!);
      }
      if (c === 0 || r === 0) continue;
      let g = r / RADIX;
      let f = 1;
      const s = c + r;
      while (c < g) {
        f *= RADIX;
        c *= RADIX * RADIX;
      }
      g = r * RADIX;
      while (c >= g) {
        f /= RADIX;
        c /= RADIX * RADIX;
      }
      // only a scaling that shrinks the row and column norms' sum by more than 5% (dgebal's 0.95)
      if ((c + r) / f < 0.95 * s) {
        done = false;
        d[i]! *= f;
        for (let j = 0; j < n; j++) H[i]![j]! /= f;
        for (let j = 0; j < n; j++) H[j]![i]! *= f;
      }
    }
  }
  return d;
}

/** Householder reduction of H to upper Hessenberg form, the transformations accumulated in V unless null (eigvals: EISPACK orthes, ortran). */
function hessenberg(H: Float64Array[], V: Float64Array[] | null, n: number): void {
  const high = n - 1;
  const ort = new Float64Array(n);
  for (let m = 1; m <= high - 1; m++) {
    let scale = 0;
    for (let i = m; i <= high; i++) scale += Math.abs(H[i]![m - 1]!);
    if (scale === 0) continue;
    let h = 0;
    for (let i = high; i >= m; i--) {
      ort[i] = H[i]![m - 1]! / scale;
      h += ort[i]! * ort[i]!;
    }
    let g = Math.sqrt(h);
    if (ort[m]! > 0) g = -g;
    h -= ort[m]! * g;
    ort[m]! -= g;
    // H = (I - u u^T / h) H (I - u u^T / h)
    for (let j = m; j < n; j++) {
      let f = 0;
      for (let i = high; i >= m; i--) f += ort[i]! * H[i]![j]!;
      f /= h;
      for (let i = m; i <= high; i++) H[i]![j]! -= f * ort[i]!;
    }
    for (let i = 0; i <= high; i++) {
      let f = 0;
      for (let j = high; j >= m; j--) f += ort[j]! * H[i]![j]!;
      f /= h;
      for (let j = m; j <= high; j++) H[i]![j]! -= f * ort[j]!;
    }
    ort[m]! *= scale;
    H[m]![m - 1] = scale * g;
  }
  if (!V) return;
  for (let m = high - 1; m >= 1; m--) {
    if (H[m]![m - 1] === 0) continue;
    for (let i = m + 1; i <= high; i++) ort[i] = H[i]![m - 1]!;
    for (let j = m; j <= high; j++) {
      let g = 0;
      for (let i = m; i <= high; i++) g += ort[i]! * V[i]![j]!;
      // two divisions: the product of ort[m] and H[m][m - 1] may underflow
      g = g / ort[m]! / H[m]![m - 1]!;
      for (let i = m; i <= high; i++) V[i]![j]! += g * ort[i]!;
    }
  }
}

/**
 * The most QR steps spent on one eigenvalue (or pair) before giving up:
 * LAPACK's dhseqr allows 30 per eigenvalue of the whole matrix; exceptional
 * shifts are taken at steps 10 and 30 as EISPACK's hqr2.
 */
const MAX_STEPS = 30;

/**
 * The Francis double-shift QR iteration on the Hessenberg H (EISPACK
 * hqr2): the eigenvalues into wr, wi, and with `vectors` the eigenvectors
 * of the original matrix into V's columns (a complex pair's real and
 * imaginary parts in the columns of its two eigenvalues, the positive
 * imaginary part's first), unnormalized.
 */
function hqr2(H: Float64Array[], V: Float64Array[], wr: Float64Array, wi: Float64Array, nn: number, vectors: boolean): void {
  let n = nn - 1;
  let exshift = 0;
  let p = 0;
  let q = 0;
  let r = 0;
  let s = 0;
  let z = 0;
  let t: number;
  let w: number;
  let x: number;
  let y: number;
  let norm = 0;
  for (let i = 0; i < nn; i++) for (let j = Math.max(i - 1, 0); j < nn; j++) norm += Math.abs(H[i]![j]!);
  let iter = 0;
  const stepLimit = MAX_STEPS * Math.max(10, nn);
  while (n >= 0) {
    // a single small subdiagonal entry splits the matrix
    let l = n;
    while (l > 0) {
      s = Math.abs(H[l - 1]![l - 1]!) + Math.abs(H[l]![l]!);
      if (s === 0) s = norm;
      // an exact zero always splits (a zero matrix's s is 0)
      if (Math.abs(H[l]![l - 1]!) < EPS * s || H[l]![l - 1] === 0) break;
      l--;
    }
    if (l === n) {
      // one root
      H[n]![n]! += exshift;
      wr[n] = H[n]![n]!;
      wi[n] = 0;
      n--;
      iter = 0;
    } else if (l === n - 1) {
      // two roots
      w = H[n]![n - 1]! * H[n - 1]![n]!;
      p = (H[n - 1]![n - 1]! - H[n]![n]!) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      H[n]![n]! += exshift;
      H[n - 1]![n - 1]! += exshift;
      x = H[n]![n]!;
      if (q >= 0) {
        // a real pair: rotated to triangular form
        z = p >= 0 ? p + z : p - z;
        wr[n - 1] = x + z;
        wr[n] = z !== 0 ? x - w / z : x + z;
        wi[n - 1] = 0;
        wi[n] = 0;
        x = H[n]![n - 1]!;
        s = Math.abs(x) + Math.abs(z);
        p = x / s;
        q = z / s;
        r = Math.sqrt(p * p + q * q);
        p /= r;
        q /= r;
        for (let j = n - 1; j < nn; j++) {
          z = H[n - 1]![j]!;
          H[n - 1]![j] = q * z + p * H[n]![j]!;
          H[n]![j] = q * H[n]![j]! - p * z;
        }
        for (let i = 0; i <= n; i++) {
          z = H[i]![n - 1]!;
          H[i]![n - 1] = q * z + p * H[i]![n]!;
          H[i]![n] = q * H[i]![n]! - p * z;
        }
        // the transformations, for the vectors alone (eigvals skips them)
        for (let i = 0; vectors && i < nn; i++) {
          z = V[i]![n - 1]!;
          V[i]![n - 1] = q * z + p * V[i]![n]!;
          V[i]![n] = q * V[i]![n]! - p * z;
        }
      } else {
        // a complex pair
        wr[n - 1] = x + p;
        wr[n] = x + p;
        wi[n - 1] = z;
        wi[n] = -z;
      }
      n -= 2;
      iter = 0;
    } else {
      // no convergence yet: a double shift
      x = H[n]![n]!;
      y = 0;
      w = 0;
      if (l < n) {
        y = H[n - 1]![n - 1]!;
        w = H[n]![n - 1]! * H[n - 1]![n]!;
      }
      // Wilkinson's exceptional shift
      if (iter === 10) {
        exshift += x;
        for (let i = 0; i <= n; i++) H[i]![i]! -= x;
        s = Math.abs(H[n]![n - 1]!) + Math.abs(H[n - 1]![n - 2]!);
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      // MATLAB's exceptional shift
      if (iter === 30) {
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = 0; i <= n; i++) H[i]![i]! -= s;
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      if (iter > stepLimit) throw new EigConvergenceError(`the QR iteration did not converge after ${stepLimit} steps on one eigenvalue`);
      // two consecutive small subdiagonal entries
      let m = n - 2;
      while (m >= l) {
        z = H[m]![m]!;
        r = x - z;
        s = y - z;
        p = (r * s - w) / H[m + 1]![m]! + H[m]![m + 1]!;
        q = H[m + 1]![m + 1]! - z - r - s;
        r = H[m + 2]![m + 1]!;
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s;
        q /= s;
        r /= s;
        if (m === l) break;
        if (Math.abs(H[m]![m - 1]!) * (Math.abs(q) + Math.abs(r)) < EPS * (Math.abs(p) * (Math.abs(H[m - 1]![m - 1]!) + Math.abs(z) + Math.abs(H[m + 1]![m + 1]!)))) break;
        m--;
      }
      for (let i = m + 2; i <= n; i++) {
        H[i]![i - 2] = 0;
        if (i > m + 2) H[i]![i - 3] = 0;
      }
      // the double QR step on rows l..n and columns m..n
      for (let k = m; k <= n - 1; k++) {
        const notlast = k !== n - 1;
        if (k !== m) {
          p = H[k]![k - 1]!;
          q = H[k + 1]![k - 1]!;
          r = notlast ? H[k + 2]![k - 1]! : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x === 0) continue;
          p /= x;
          q /= x;
          r /= x;
        }
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s === 0) continue;
        if (k !== m) H[k]![k - 1] = -s * x;
        else if (l !== m) H[k]![k - 1] = -H[k]![k - 1]!;
        p += s;
        x = p / s;
        y = q / s;
        z = r / s;
        q /= p;
        r /= p;
        for (let j = k; j < nn; j++) {
          p = H[k]![j]! + q * H[k + 1]![j]!;
          if (notlast) {
            p += r * H[k + 2]![j]!;
            H[k + 2]![j]! -= p * z;
          }
          H[k]![j]! -= p * x;
          H[k + 1]![j]! -= p * y;
        }
        reflectColumns(H, Math.min(n, k + 3) + 1, k, x, y, z, q, r, notlast);
        if (vectors) reflectColumns(V, nn, k, x, y, z, q, r, notlast);
      }
    }
  }
  if (!vectors || norm === 0) return;
  backSubstitute(H, wr, wi, nn, norm);
  // back to the original matrix's coordinates: V times the triangular eigenvectors
  for (let j = nn - 1; j >= 0; j--) {
    for (let i = 0; i < nn; i++) {
      let sum = 0;
      for (let k = 0; k <= j; k++) sum += V[i]![k]! * H[k]![j]!;
      V[i]![j] = sum;
    }
  }
}

/** The double-shift step's reflector applied to columns k, k + 1 (and k + 2 unless last) of M's first `rows` rows: H's, then the vectors' V. */
function reflectColumns(M: Float64Array[], rows: number, k: number, x: number, y: number, z: number, q: number, r: number, notlast: boolean): void {
  for (let i = 0; i < rows; i++) {
    const row = M[i]!;
    let p = x * row[k]! + y * row[k + 1]!;
    if (notlast) {
      p += z * row[k + 2]!;
      row[k + 2]! -= p * r;
    }
    row[k]! -= p;
    row[k + 1]! -= p * q;
  }
}
