import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { replayUniforms, useFloat64 } from './test-support.js';
import { HMCSampler, hamiltonian, hmcMove, metropolisHastingsAccept, simulateDynamics, type HMCSettings } from './hmc.js';

const T = sym.T;
type Matrix = number[][];

/** test_hmc.py's target: a Gaussian with mean mu and a random covariance (made positive definite here; the tutorial's symmetrised uniform matrix with a unit diagonal need not be). */
function gaussianTarget(dim: number, seed: number) {
  const rng = new sym.RandomState(seed);
  const mu = Array.from(rng.uniform([dim]).data, (v) => v * 10);
  const B = rng.uniform([dim, dim], { low: -1, high: 1 }).toArray() as Matrix;
  const cov = B.map((row, i) => B.map((other, j) => row.reduce((acc, b, k) => acc + b * other[k]!, 0) / dim + (i === j ? 0.1 : 0)));
  return { mu, cov, covInv: inverse(cov) };
}

/** Gauss-Jordan elimination with partial pivoting, float64. */
function inverse(A: Matrix): Matrix {
  const n = A.length;
  const M = A.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const pivot = M[c]![c]!;
    M[c] = M[c]!.map((v) => v / pivot);
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]!;
      M[r] = M[r]!.map((v, j) => v - f * M[c]![j]!);
    }
  }
  return M.map((row) => row.slice(n));
}

/** The tutorial's gaussian_energy: 0.5 * ((x - mu) . cov_inv * (x - mu)).sum(axis=1). */
const gaussianEnergy = (mu: number[], covInv: Matrix) => (x: sym.TensorVariable) => {
  const d = x.sub(sym.array(mu, { dtype: sym.config.floatX }));
  return T.mul(0.5, T.dot(d, sym.array(covInv, { dtype: sym.config.floatX })).mul(d).sum({ axis: 1 }));
};

// ----------------------------------------------------------- float64 reference

const energyRef = (mu: number[], A: Matrix) => (x: number[]) => {
  const d = x.map((v, i) => v - mu[i]!);
  return 0.5 * d.reduce((acc, dj, j) => acc + dj * d.reduce((s, dk, k) => s + dk * A[k]![j]!, 0), 0);
};
/** d/dx of 0.5 d^T A d is 0.5 (A + A^T) d (the inverse computed is not exactly symmetric). */
const gradRef = (mu: number[], A: Matrix) => (x: number[]) => {
  const d = x.map((v, i) => v - mu[i]!);
  return d.map((_, j) => 0.5 * d.reduce((s, dk, k) => s + (A[j]![k]! + A[k]![j]!) * dk, 0));
};

/** hmc.py's leapfrog, one row at a time: half step, nSteps - 1 full steps, half step. */
function leapfrogRef(pos: number[], vel: number[], eps: number, nSteps: number, g: (x: number[]) => number[]): [number[], number[]] {
  let v = vel.map((vi, i) => vi - 0.5 * eps * g(pos)[i]!);
  let x = pos.map((xi, i) => xi + eps * v[i]!);
  for (let s = 1; s < nSteps; s++) {
    const gx = g(x);
    v = v.map((vi, i) => vi - eps * gx[i]!);
    x = x.map((xi, i) => xi + eps * v[i]!);
  }
  const gx = g(x);
  v = v.map((vi, i) => vi - 0.5 * eps * gx[i]!);
  return [x, v];
}

const kineticRef = (v: number[]) => 0.5 * v.reduce((acc, vi) => acc + vi * vi, 0);

/** Moments of the rows of `samples`. */
function meanAndCov(samples: Matrix) {
  const n = samples.length;
  const dim = samples[0]!.length;
  const mean = Array.from({ length: dim }, (_, j) => samples.reduce((acc, s) => acc + s[j]!, 0) / n);
  const cov = mean.map((mi, i) => mean.map((mj, j) => samples.reduce((acc, s) => acc + (s[i]! - mi) * (s[j]! - mj), 0) / (n - 1)));
  return { mean, cov };
}

/** The mean energy of the samples: a Gaussian's is dim / 2 (half a chi-square of dim degrees of freedom). */
const energyMean = (samples: Matrix, mu: number[], covInv: Matrix): number => samples.reduce((acc, x) => acc + energyRef(mu, covInv)(x), 0) / samples.length;

/** 200 draws of burn-in, then 500 kept: their rows, and the sum of the average acceptance rate after each. */
async function burnInAndSample(sampler: HMCSampler): Promise<{ samples: Matrix; rateSum: number }> {
  for (let i = 0; i < 200; i++) await sampler.draw();
  const samples: Matrix = [];
  let rateSum = 0;
  for (let i = 0; i < 500; i++) {
    samples.push(...((await sampler.draw()).toArray() as Matrix));
    rateSum += sampler.avgAcceptanceRate.getValue().item();
  }
  return { samples, rateSum };
}

describe("Theano's hmc.py", () => {
  useFloat64();

  const dim = 5;
  const batchsize = 3;

  it('simulate_dynamics (a scan whose step takes grad of the energy) equals the float64 leapfrog loop', async () => {
    const { mu, covInv } = gaussianTarget(dim, 123);
    const x = T.matrix('x');
    const v = T.matrix('v');
    const eps = T.scalar('eps');
    const rng = new sym.RandomState(5);
    const pos = rng.normal([batchsize, dim]).toArray() as Matrix;
    const vel = rng.normal([batchsize, dim]).toArray() as Matrix;
    for (const nSteps of [2, 3, 20]) {
      const [finalPos, finalVel] = simulateDynamics(x, v, eps, nSteps, gaussianEnergy(mu, covInv));
      const f = sym.function([x, v, eps], [finalPos, finalVel, hamiltonian(x, v, gaussianEnergy(mu, covInv)), hamiltonian(finalPos, finalVel, gaussianEnergy(mu, covInv))]);
      const [gotPos, gotVel, h0, h1] = (await f(pos, vel, 0.05)).map((a) => a.toArray()) as [Matrix, Matrix, number[], number[]];
      pos.forEach((row, r) => {
        const [wantPos, wantVel] = leapfrogRef(row, vel[r]!, 0.05, nSteps, gradRef(mu, covInv));
        wantPos.forEach((w, i) => expect(gotPos[r]![i]).toBeCloseTo(w, 11));
        wantVel.forEach((w, i) => expect(gotVel[r]![i]).toBeCloseTo(w, 11));
        expect(h0[r]).toBeCloseTo(energyRef(mu, covInv)(row) + kineticRef(vel[r]!), 11);
        expect(h1[r]).toBeCloseTo(energyRef(mu, covInv)(wantPos) + kineticRef(wantVel), 11);
      });
      // leapfrog is symplectic: the Hamiltonian drifts little at a small step
      h0.forEach((h, r) => expect(Math.abs(h1[r]! - h)).toBeLessThan(0.05 * Math.abs(h)));
    }
    // n_steps = 1 leaves the scan no step, and all_pos[-1] nothing to read (Theano fails too): the error names the index and the scan's output
    expect(() => simulateDynamics(x, v, eps, 1, gaussianEnergy(mu, covInv))).toThrow('Subtensor{-1}: index -1 is out of bounds for axis 0 with size 0, indexing Scan{leapfrog}.0 of shape (0, ?, 5)');
  });

  it('metropolis_hastings_accept with its uniform given as an input: (exp(E0 - E1) - u) >= 0', async () => {
    const e0 = T.vector('energy_prev');
    const e1 = T.vector('energy_next');
    const uIn = T.vector('u');
    const { accept, u } = metropolisHastingsAccept(e0, e1, new sym.RandomStreams(1));
    const f = sym.function([e0, e1, uIn], accept, { givens: [[u, uIn]] });
    const prev = [1, 1, 1, 2, 5, 0];
    const next = [0, 2, 2, 2, 5.5, 0.1];
    const us = [0.99, Math.exp(-1) - 1e-9, Math.exp(-1) + 1e-9, 0.999999, 0.5, 0.95];
    const got = Array.from((await f(prev, next, us)).data);
    expect(got).toEqual(prev.map((p, i) => (Math.exp(p - next[i]!) - us[i]! >= 0 ? 1 : 0)));
    expect(got).toEqual([1, 1, 0, 1, 1, 0]);
  });

  it('hmc_move with its momenta and uniforms given as inputs (givens in place of the draws): the reference move and decision', async () => {
    const { mu, covInv } = gaussianTarget(dim, 123);
    const pos = T.matrix('positions');
    const velIn = T.matrix('vel');
    const uIn = T.vector('u');
    const eps = T.scalar('stepsize');
    const move = hmcMove(new sym.RandomStreams(3), pos, gaussianEnergy(mu, covInv), eps, 10);
    const f = sym.function([pos, velIn, uIn, eps], [move.finalPos, move.accept], { givens: [[move.initialVel, velIn], [move.u, uIn]] });
    const rng = new sym.RandomState(11);
    // near the mode, where the leapfrog's energy error has either sign: some moves are accepted, some not
    const x0 = (rng.normal([batchsize, dim]).toArray() as Matrix).map((row) => row.map((v, i) => mu[i]! + 0.3 * v));
    const vel = rng.normal([batchsize, dim]).toArray() as Matrix;
    const decisions: number[] = [];
    for (const stepsize of [0.05, 0.3, 0.5]) {
      const ratios = x0.map((row, r) => {
        const [xEnd, vEnd] = leapfrogRef(row, vel[r]!, stepsize, 10, gradRef(mu, covInv));
        return { xEnd, ratio: Math.exp(energyRef(mu, covInv)(row) + kineticRef(vel[r]!) - energyRef(mu, covInv)(xEnd) - kineticRef(vEnd)) };
      });
      // uniforms just below and just above each acceptance probability: accept, then reject where it is below 1
      for (const side of [-1, 1]) {
        const us = ratios.map(({ ratio }) => Math.min(ratio, 1 - 1e-6) * (1 + side * 1e-6));
        const [gotPos, gotAccept] = (await f(x0, vel, us, stepsize)).map((a) => a.toArray()) as [Matrix, boolean[]];
        ratios.forEach(({ xEnd, ratio }, r) => {
          xEnd.forEach((w, i) => expect(gotPos[r]![i]).toBeCloseTo(w, 11));
          expect(Number(gotAccept[r])).toBe(ratio - us[r]! >= 0 ? 1 : 0);
          decisions.push(Number(gotAccept[r]));
        });
      }
    }
    expect(decisions).toContain(0);
    expect(decisions).toContain(1);
  });

  it.each(['float64', 'float32'] as const)("floatX=%s, one simulate call: the momenta and uniforms are the generators' (replayed from copies taken before the call, in floatX), the call moves each generator past exactly those, and they give the reference move, accept decision and updates", async (floatX) => {
    const before = sym.config.floatX;
    try {
      sym.config.floatX = floatX;
      // float32: the graph reads mu and cov_inv as float32 constants, and so does the reference; 8 float32 leapfrog steps
      // against float64 ones from the same inputs measured 1.9e-6 at most (positions up to 10)
      const round = (x: number): number => (floatX === 'float32' ? Math.fround(x) : x);
      const [tol, margin, rateTol] = floatX === 'float64' ? [5e-12, 1e-9, 1e-15] : [2e-5, 1e-4, 1e-7];
      const target = gaussianTarget(dim, 123);
      const [mu, covInv] = [target.mu.map(round), target.covInv.map((row) => row.map(round))];
      const start = new sym.RandomState(9).normal([batchsize, dim], { dtype: floatX });
      const positions = sym.shared(start, { name: 'positions' });
      // a stepsize past the stable one for the narrowest direction: some moves are rejected
      const sampler = HMCSampler.newFromSharedPositions(positions, gaussianEnergy(target.mu, target.covInv), { initialStepsize: 0.3, stepsizeMax: 0.35, stepsizeMin: 0.26, nSteps: 8, seed: 7 });
      const s: HMCSettings = sampler;
      const { initialVel, u, finalPos, accept } = sampler.move;
      expect([initialVel.dtype, u.dtype]).toEqual([floatX, floatX]);
      // Theano's function with the move's draws as outputs and the sampler's updates: the draws are those the updates used
      const probe = sym.function([], [initialVel, u, finalPos, accept], { updates: sampler.updates });
      const seen = { accepted: 0, rejected: 0, inc: 0, dec: 0, clipped: 0 };
      for (let call = 0; call < 25; call++) {
        const pos0 = positions.getValue().toArray() as Matrix;
        const eps = sampler.stepsize.getValue().item();
        const rate = sampler.avgAcceptanceRate.getValue().item();
        const rngs = [initialVel.rng.getValue(), u.rng.getValue()];
        const [vel, us, gotFinal, gotAccept] = (await probe()).map((a) => a.toArray()) as [Matrix, number[], Matrix, boolean[] | number[]];
        const momenta = floatX === 'float32' ? new Float32Array(batchsize * dim) : new Float64Array(batchsize * dim);
        rngs[0]!.fillNormal(momenta);
        expect(vel.flat()).toEqual(Array.from(momenta));
        expect(us).toEqual(Array.from(replayUniforms(rngs[1]!, batchsize, floatX)));
        // with no updates entry of their own (Theano's default updates)
        expect(initialVel.rng.getValue().getState()).toEqual(rngs[0]!.getState());
        expect(u.rng.getValue().getState()).toEqual(rngs[1]!.getState());
        const decisions = pos0.map((row, r) => {
          const [xEnd, vEnd] = leapfrogRef(row, vel[r]!, eps, 8, gradRef(mu, covInv));
          xEnd.forEach((w, i) => expect(Math.abs(gotFinal[r]![i]! - w)).toBeLessThan(tol));
          const h0 = energyRef(mu, covInv)(row) + kineticRef(vel[r]!);
          const h1 = energyRef(mu, covInv)(xEnd) + kineticRef(vEnd);
          const m = Math.exp(h0 - h1) - us[r]!;
          if (Math.abs(m) > margin) expect(Number(gotAccept[r])).toBe(m >= 0 ? 1 : 0);
          return Number(gotAccept[r]) === 1;
        });
        // an accepted row moves to the end of its trajectory, a rejected one stays exactly where it was
        const pos1 = positions.getValue().toArray() as Matrix;
        pos1.forEach((row, r) => row.forEach((x, i) => expect(x).toBe(decisions[r] ? gotFinal[r]![i] : pos0[r]![i])));
        const grown = rate > s.targetAcceptanceRate ? eps * s.stepsizeInc : eps * s.stepsizeDec;
        const wantEps = Math.min(Math.max(grown, s.stepsizeMin), s.stepsizeMax);
        expect(Math.abs(sampler.stepsize.getValue().item() - wantEps)).toBeLessThan(rateTol);
        const acceptedFraction = decisions.filter(Boolean).length / batchsize;
        expect(Math.abs(sampler.avgAcceptanceRate.getValue().item() - (s.avgAcceptanceSlowness * rate + (1 - s.avgAcceptanceSlowness) * acceptedFraction))).toBeLessThan(rateTol);
        seen.accepted += decisions.filter(Boolean).length;
        seen.rejected += decisions.filter((d) => !d).length;
        seen[rate > s.targetAcceptanceRate ? 'inc' : 'dec'] += 1;
        if (wantEps !== grown) seen.clipped += 1;
      }
      // every branch was taken: accepted and rejected rows, the stepsize grown, shrunk and clipped
      for (const [branch, count] of Object.entries(seen)) expect([branch, count > 0]).toEqual([branch, true]);
    } finally {
      sym.config.floatX = before;
    }
  });

  it("samples test_hmc.py's 5-d Gaussian: the samples' mean and covariance approach the target's", async () => {
    const { mu, cov, covInv } = gaussianTarget(dim, 123);
    const positions = sym.shared(new sym.RandomState(123).normal([batchsize, dim]), { name: 'positions' });
    const sampler = HMCSampler.newFromSharedPositions(positions, gaussianEnergy(mu, covInv), { initialStepsize: 1e-3, stepsizeMax: 0.5 });
    // test_hmc.py burns in 1000 draws and keeps 1000 (of batchsize rows each); fewer here, with tolerances to match
    const { samples, rateSum } = await burnInAndSample(sampler);
    const { mean, cov: empirical } = meanAndCov(samples);
    const meanError = Math.max(...mean.map((m, i) => Math.abs(m - mu[i]!)));
    const covError = Math.max(...empirical.flatMap((row, i) => row.map((c, j) => Math.abs(c - cov[i]![j]!))));
    // the target's standard deviations are 0.5 to 0.78 and its variances 0.26 to 0.61; seeds 1 to 6 of the
    // streams gave mean errors of 0.02 to 0.11 and covariance errors of 0.02 to 0.08 over these 1500 rows
    expect(meanError).toBeLessThan(0.2);
    expect(covError).toBeLessThan(0.15);
    // the start (standard normal rows) is far from mu (in [0, 10)): the chain moved there
    expect(Math.max(...mu)).toBeGreaterThan(3);
    // test_hmc.py's own assertions
    expect(Math.abs(sampler.avgAcceptanceRate.getValue().item() - sampler.targetAcceptanceRate)).toBeLessThan(0.1);
    expect(sampler.stepsize.getValue().item()).toBeGreaterThanOrEqual(sampler.stepsizeMin);
    expect(sampler.stepsize.getValue().item()).toBeLessThanOrEqual(sampler.stepsizeMax);
    // the samples' energy averages dim / 2, as a Gaussian's must (measured 2.44); the average acceptance rate, which
    // spans about ten draws of three chains and wanders, averages the target over the draws (measured 0.916)
    expect(Math.abs(energyMean(samples, mu, covInv) - dim / 2)).toBeLessThan(0.3);
    expect(Math.abs(rateSum / 500 - sampler.targetAcceptanceRate)).toBeLessThan(0.03);
    // the stepsize adapted: from 1e-3 to 0.35
    expect(sampler.stepsize.getValue().item()).toBeGreaterThan(0.01);
  });

  it('under floatX=float32 samples in float32 throughout (the tutorial\'s sharedX), to the same moments', async () => {
    const before = sym.config.floatX;
    try {
      sym.config.floatX = 'float32';
      const { mu, cov, covInv } = gaussianTarget(dim, 123);
      const positions = sym.shared(new sym.RandomState(123).normal([batchsize, dim], { dtype: 'float32' }), { name: 'positions' });
      const sampler = HMCSampler.newFromSharedPositions(positions, gaussianEnergy(mu, covInv), { initialStepsize: 1e-3, stepsizeMax: 0.5 });
      const graph = [sampler.move.finalPos, sampler.move.accept, ...sampler.updates.map(([, u]) => u)];
      expect(sym.toposort(graph).flatMap((node) => node.outputs).filter((v) => v.dtype === 'float64').map(String)).toEqual([]);
      expect(sampler.updates.map(([p, u]) => [p.dtype, u.dtype])).toEqual([['float32', 'float32'], ['float32', 'float32'], ['float32', 'float32']]);
      const { samples, rateSum } = await burnInAndSample(sampler);
      const { mean, cov: empirical } = meanAndCov(samples);
      expect(Math.max(...mean.map((m, i) => Math.abs(m - mu[i]!)))).toBeLessThan(0.2);
      expect(Math.max(...empirical.flatMap((row, i) => row.map((c, j) => Math.abs(c - cov[i]![j]!))))).toBeLessThan(0.15);
      expect(Math.abs(sampler.avgAcceptanceRate.getValue().item() - sampler.targetAcceptanceRate)).toBeLessThan(0.1);
      // measured: energy 2.54, rate 0.914 over the draws, stepsize 0.30
      expect(Math.abs(energyMean(samples, mu, covInv) - dim / 2)).toBeLessThan(0.3);
      expect(Math.abs(rateSum / 500 - sampler.targetAcceptanceRate)).toBeLessThan(0.03);
      expect(sampler.stepsize.getValue().item()).toBeGreaterThan(0.01);
    } finally {
      sym.config.floatX = before;
    }
  });

  it('moves the same in FAST_RUN, FAST_COMPILE and DebugMode (the same draws; the scan with grad in its step unoptimised and checked)', async () => {
    const { mu, covInv } = gaussianTarget(dim, 123);
    const mode = sym.config.mode;
    const states: number[][] = [];
    try {
      for (const m of ['FAST_RUN', 'FAST_COMPILE', 'DebugMode'] as const) {
        sym.config.mode = m;
        const positions = sym.shared(new sym.RandomState(4).normal([batchsize, dim]), { name: 'positions' });
        const sampler = HMCSampler.newFromSharedPositions(positions, gaussianEnergy(mu, covInv), { initialStepsize: 0.2, nSteps: 6 });
        for (let i = 0; i < 15; i++) await sampler.draw();
        states.push([...positions.getValue().data, sampler.stepsize.getValue().item(), sampler.avgAcceptanceRate.getValue().item()]);
      }
    } finally {
      sym.config.mode = mode;
    }
    states.slice(1).forEach((state) => state.forEach((v, i) => expect(v).toBeCloseTo(states[0]![i]!, 12)));
  });
});
