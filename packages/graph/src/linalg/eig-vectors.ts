/**
 * The eigenvectors of eig-host.ts's Schur form: back-substitution in the
 * quasi-triangular T (EISPACK hqr2's), and their normalization to unit
 * 2-norm with the phase sym picks.
 */

const EPS = 2 ** -52;

/** Complex division (xr + i xi) / (yr + i yi), Smith's algorithm. */
export function cdiv(xr: number, xi: number, yr: number, yi: number): [number, number] {
  if (Math.abs(yr) > Math.abs(yi)) {
    const r = yi / yr;
    const d = yr + r * yi;
    return [(xr + r * xi) / d, (xi - r * xr) / d];
  }
  const r = yr / yi;
  const d = yi + r * yr;
  return [(r * xr + xi) / d, (r * xi - xr) / d];
}

/** The eigenvectors of the quasi-triangular Schur form T, written over T's upper triangle (EISPACK hqr2's back-substitution). */
export function backSubstitute(H: Float64Array[], wr: Float64Array, wi: Float64Array, nn: number, norm: number): void {
  let r = 0;
  let s = 0;
  let z = 0;
  let t: number;
  let w: number;
  let x: number;
  let y: number;
  for (let n = nn - 1; n >= 0; n--) {
    const p = wr[n]!;
    const q = wi[n]!;
    if (q === 0) {
      // a real vector
      let l = n;
      H[n]![n] = 1;
      for (let i = n - 1; i >= 0; i--) {
        w = H[i]![i]! - p;
        r = 0;
        for (let j = l; j <= n; j++) r += H[i]![j]! * H[j]![n]!;
        if (wi[i]! < 0) {
          z = w;
          s = r;
          continue;
        }
        l = i;
        if (wi[i] === 0) {
          // a zero divisor (a repeated eigenvalue): a tiny one, as EISPACK
          H[i]![n] = w !== 0 ? -r / w : -r / (EPS * norm);
        } else {
          x = H[i]![i + 1]!;
          y = H[i + 1]![i]!;
          const qq = (wr[i]! - p) * (wr[i]! - p) + wi[i]! * wi[i]!;
          t = (x * s - z * r) / qq;
          H[i]![n] = t;
          H[i + 1]![n] = Math.abs(x) > Math.abs(z) ? (-r - w * t) / x : (-s - y * t) / z;
        }
        // overflow control
        t = Math.abs(H[i]![n]!);
        if (EPS * t * t > 1) for (let j = i; j <= n; j++) H[j]![n]! /= t;
      }
    } else if (q < 0) {
      // a complex vector, its real part in column n - 1 and imaginary part in column n
      let l = n - 1;
      if (Math.abs(H[n]![n - 1]!) > Math.abs(H[n - 1]![n]!)) {
        H[n - 1]![n - 1] = q / H[n]![n - 1]!;
        H[n - 1]![n] = -(H[n]![n]! - p) / H[n]![n - 1]!;
      } else {
        [H[n - 1]![n - 1], H[n - 1]![n]] = cdiv(0, -H[n - 1]![n]!, H[n - 1]![n - 1]! - p, q);
      }
      H[n]![n - 1] = 0;
      H[n]![n] = 1;
      for (let i = n - 2; i >= 0; i--) {
        let ra = 0;
        let sa = 0;
        for (let j = l; j <= n; j++) {
          ra += H[i]![j]! * H[j]![n - 1]!;
          sa += H[i]![j]! * H[j]![n]!;
        }
        w = H[i]![i]! - p;
        if (wi[i]! < 0) {
          z = w;
          r = ra;
          s = sa;
          continue;
        }
        l = i;
        if (wi[i] === 0) {
          [H[i]![n - 1], H[i]![n]] = cdiv(-ra, -sa, w, q);
        } else {
          x = H[i]![i + 1]!;
          y = H[i + 1]![i]!;
          let vr = (wr[i]! - p) * (wr[i]! - p) + wi[i]! * wi[i]! - q * q;
          const vi = (wr[i]! - p) * 2 * q;
          if (vr === 0 && vi === 0) vr = EPS * norm * (Math.abs(w) + Math.abs(q) + Math.abs(x) + Math.abs(y) + Math.abs(z));
          [H[i]![n - 1], H[i]![n]] = cdiv(x * r - z * ra + q * sa, x * s - z * sa - q * ra, vr, vi);
          if (Math.abs(x) > Math.abs(z) + Math.abs(q)) {
            H[i + 1]![n - 1] = (-ra - w * H[i]![n - 1]! + q * H[i]![n]!) / x;
            H[i + 1]![n] = (-sa - w * H[i]![n]! - q * H[i]![n - 1]!) / x;
          } else {
            [H[i + 1]![n - 1], H[i + 1]![n]] = cdiv(-r - y * H[i]![n - 1]!, -s - y * H[i]![n]!, z, q);
          }
        }
        t = Math.max(Math.abs(H[i]![n - 1]!), Math.abs(H[i]![n]!));
        if (EPS * t * t > 1) {
          for (let j = i; j <= n; j++) {
            H[j]![n - 1]! /= t;
            H[j]![n]! /= t;
          }
        }
      }
    }
  }
}

/**
 * The eigenvectors as complex columns of unit 2-norm (LAPACK's geev), each
 * turned so that its largest-modulus component, the first one on a tie, is
 * real and positive. LAPACK makes that component real too but leaves its
 * sign (and a real eigenvector's) as its iteration gives it, so NumPy's
 * vectors are sym's times 1 or -1.
 */
export function normalizedVectors(V: Float64Array[], wi: Float64Array, n: number): { vr: Float64Array; vi: Float64Array } {
  const vr = new Float64Array(n * n);
  const vi = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    // a pair's first column (positive imaginary part) holds the real part, its second the imaginary part
    const pair = wi[j]! !== 0;
    for (let i = 0; i < n; i++) {
      vr[i * n + j] = V[i]![j]!;
      vi[i * n + j] = pair ? V[i]![j + 1]! : 0;
    }
    if (pair) j++;
  }
  unitColumns(vr, vi, n);
  // the second of a pair: the conjugate of the first (its largest component's imaginary part -0, as NumPy's)
  for (let j = 0; j < n; j++) {
    if (wi[j]! <= 0) continue;
    for (let i = 0; i < n; i++) [vr[i * n + j + 1], vi[i * n + j + 1]] = [vr[i * n + j]!, -vi[i * n + j]!];
    j++;
  }
  return { vr, vi };
}

/** Each column of the complex n x n (vr + i vi), in place: divided by its 2-norm and turned so that its largest-modulus component (the first such) is real and positive. */
export function unitColumns(vr: Float64Array, vi: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    // scaled by the largest modulus first, so that the squares neither overflow nor underflow
    let big = 0;
    for (let i = 0; i < n; i++) big = Math.max(big, Math.hypot(vr[i * n + j]!, vi[i * n + j]!));
    if (big === 0) big = 1; // never for the back-substitutions' vectors (a 1 on the diagonal), kept finite anyway
    let k = 0;
    let kMod = -1;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const m2 = (vr[i * n + j]! / big) ** 2 + (vi[i * n + j]! / big) ** 2;
      sum += m2;
      if (m2 > kMod) {
        kMod = m2;
        k = i;
      }
    }
    // v * conj(v_k) / |v_k| / ||v||
    const norm = big * Math.sqrt(sum);
    const mk = Math.hypot(vr[k * n + j]!, vi[k * n + j]!);
    const cr = vr[k * n + j]! / mk / norm;
    const ci = -vi[k * n + j]! / mk / norm;
    for (let i = 0; i < n; i++) {
      const a = vr[i * n + j]!;
      const b = vi[i * n + j]!;
      vr[i * n + j] = a * cr - b * ci;
      vi[i * n + j] = a * ci + b * cr;
    }
    vi[k * n + j] = 0;
  }
}
