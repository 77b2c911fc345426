/**
 * Plain TypeScript (no sym) for the deeplearning.net tutorial hmc.py: one
 * Hybrid Monte-Carlo move of a batch of chains on the energy of a Gaussian,
 * E(x) = 1/2 (x - mu) A (x - mu)^T per row, given the momenta and the
 * uniforms the Metropolis-Hastings test compares against, and the adaptive
 * stepsize update. Row-major Float64Arrays; the target's mean and inverse
 * covariance helpers for the sampler test.
 */

export interface Gaussian {
  readonly dim: number;
  readonly mu: Float64Array;
  /** The inverse covariance A (dim, dim), row-major. */
  readonly covInv: Float64Array;
}

/** Per row of x (n, dim): 1/2 (x - mu) A (x - mu)^T. */
export function gaussianEnergy(g: Gaussian, x: ArrayLike<number>, n: number): Float64Array {
  const { dim, mu, covInv } = g;
  const e = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let j = 0; j < dim; j++) {
      let dA = 0;
      for (let i = 0; i < dim; i++) dA += (x[r * dim + i]! - mu[i]!) * covInv[i * dim + j]!;
      s += dA * (x[r * dim + j]! - mu[j]!);
    }
    e[r] = 0.5 * s;
  }
  return e;
}

/** The gradient of the summed energy: 1/2 (x - mu)(A + A^T), row by row. */
function energyGrad(g: Gaussian, x: Float64Array, n: number): Float64Array {
  const { dim, mu, covInv } = g;
  const out = new Float64Array(n * dim);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < dim; k++) {
      let s = 0;
      for (let i = 0; i < dim; i++) s += (x[r * dim + i]! - mu[i]!) * (covInv[i * dim + k]! + covInv[k * dim + i]!);
      out[r * dim + k] = 0.5 * s;
    }
  }
  return out;
}

const kinetic = (v: Float64Array, n: number, dim: number): Float64Array =>
  Float64Array.from({ length: n }, (_, r) => 0.5 * v.subarray(r * dim, (r + 1) * dim).reduce((s, x) => s + x * x, 0));

/** simulate_dynamics: a half step of the velocity, nSteps - 1 leapfrog steps, then the last half step. */
export function leapfrog(g: Gaussian, pos0: ArrayLike<number>, vel0: ArrayLike<number>, n: number, stepsize: number, nSteps: number) {
  let pos = Float64Array.from(pos0);
  let vel = Float64Array.from(vel0);
  let dE = energyGrad(g, pos, n);
  vel = vel.map((v, i) => v - 0.5 * stepsize * dE[i]!);
  pos = pos.map((p, i) => p + stepsize * vel[i]!);
  for (let t = 0; t < nSteps - 1; t++) {
    dE = energyGrad(g, pos, n);
    vel = vel.map((v, i) => v - stepsize * dE[i]!);
    pos = pos.map((p, i) => p + stepsize * vel[i]!);
  }
  dE = energyGrad(g, pos, n);
  vel = vel.map((v, i) => v - 0.5 * stepsize * dE[i]!);
  return { pos, vel };
}

export interface HMCState {
  readonly positions: Float64Array;
  readonly stepsize: number;
  readonly avgAcceptanceRate: number;
}

export interface HMCSettings {
  readonly nSteps: number;
  readonly targetAcceptanceRate: number;
  readonly stepsizeInc: number;
  readonly stepsizeDec: number;
  readonly stepsizeMin: number;
  readonly stepsizeMax: number;
  readonly avgAcceptanceSlowness: number;
}

/**
 * hmc_move then hmc_updates: the chains whose exp(H0 - H1) >= u move to
 * the end of their trajectory; the stepsize grows or shrinks by the old
 * average acceptance rate (all three updates read the values before the call).
 */
export function hmcStep(g: Gaussian, s: HMCState, n: number, momenta: ArrayLike<number>, uniforms: ArrayLike<number>, o: HMCSettings) {
  const { dim } = g;
  const vel0 = Float64Array.from(momenta);
  const end = leapfrog(g, s.positions, vel0, n, s.stepsize, o.nSteps);
  const h0 = gaussianEnergy(g, s.positions, n).map((e, r) => e + kinetic(vel0, n, dim)[r]!);
  const h1 = gaussianEnergy(g, end.pos, n).map((e, r) => e + kinetic(end.vel, n, dim)[r]!);
  const accept = Array.from(h0, (e0, r) => Math.exp(e0 - h1[r]!) - uniforms[r]! >= 0);
  const positions = s.positions.map((p, i) => (accept[Math.floor(i / dim)] ? end.pos[i]! : p));
  const grown = s.avgAcceptanceRate > o.targetAcceptanceRate ? s.stepsize * o.stepsizeInc : s.stepsize * o.stepsizeDec;
  const stepsize = Math.min(Math.max(grown, o.stepsizeMin), o.stepsizeMax);
  const rate = accept.filter(Boolean).length / n;
  const avgAcceptanceRate = o.avgAcceptanceSlowness * s.avgAcceptanceRate + (1 - o.avgAcceptanceSlowness) * rate;
  return { accept, next: { positions, stepsize, avgAcceptanceRate } };
}

/** The inverse of a (d, d) matrix by Gauss-Jordan elimination with partial pivoting; throws if it is singular. */
export function inverse(a: ArrayLike<number>, d: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0));
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(m[r * d + c]!) > Math.abs(m[p * d + c]!)) p = r;
    if (Math.abs(m[p * d + c]!) < 1e-12) throw new RangeError(`inverse: the matrix is singular (column ${c})`);
    for (const x of [m, inv]) for (let k = 0; k < d; k++) [x[c * d + k], x[p * d + k]] = [x[p * d + k]!, x[c * d + k]!];
    const pivot = m[c * d + c]!;
    for (const x of [m, inv]) for (let k = 0; k < d; k++) x[c * d + k]! /= pivot;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = m[r * d + c]!;
      for (const x of [m, inv]) for (let k = 0; k < d; k++) x[r * d + k]! -= f * x[c * d + k]!;
    }
  }
  return inv;
}

/** Whether a symmetric (d, d) matrix is positive definite (its Cholesky factorisation exists). */
export function positiveDefinite(a: ArrayLike<number>, d: number): boolean {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
      if (i === j) {
        if (!(s > 0)) return false;
        l[i * d + i] = Math.sqrt(s);
      } else l[i * d + j] = s / l[j * d + j]!;
    }
  }
  return true;
}

/** The mean (dim) and the unbiased covariance (dim, dim) of the rows of `samples` (n, dim), as numpy.cov(samples.T). */
export function meanAndCov(samples: ArrayLike<number>, n: number, dim: number): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(dim);
  for (let r = 0; r < n; r++) for (let j = 0; j < dim; j++) mean[j]! += samples[r * dim + j]! / n;
  const cov = new Float64Array(dim * dim);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < dim; i++) {
      for (let j = 0; j < dim; j++) cov[i * dim + j]! += ((samples[r * dim + i]! - mean[i]!) * (samples[r * dim + j]! - mean[j]!)) / (n - 1);
    }
  }
  return { mean, cov };
}
