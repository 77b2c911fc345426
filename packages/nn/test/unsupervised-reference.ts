/**
 * Plain TypeScript (no sym) for the deeplearning.net tutorials dA.py and
 * rbm.py: one SGD step of a denoising autoencoder with tied weights, and
 * one CD-k / PCD-k step of a binary RBM, given the corrupted input and the
 * uniforms each binomial draw compares against. Row-major Float64Arrays.
 */
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/** a (n, k) times b (k, m); with bT, b is (m, k) and is read transposed. */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, n: number, k: number, m: number, bT = false): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[i * k + t]! * (bT ? b[j * k + t]! : b[t * m + j]!);
      out[i * m + j] = s;
    }
  }
  return out;
}

const step = (w: Float64Array, g: Float64Array, lr: number): Float64Array => w.map((v, i) => v - lr * g[i]!);
const mean = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
};

export interface DAParams {
  W: Float64Array; // (nv, nh)
  b: Float64Array; // (nh)
  bPrime: Float64Array; // (nv)
}

/** One dA step: cost = mean over rows of the cross-entropy of z = sigmoid(sigmoid(tx W + b) W^T + b') against x. */
export function dAStep(p: DAParams, x: ArrayLike<number>, tx: ArrayLike<number>, n: number, nv: number, nh: number, lr: number) {
  const y = matmul(tx, p.W, n, nv, nh).map((v, i) => sigmoid(v + p.b[i % nh]!));
  const a = matmul(y, p.W, n, nh, nv, true).map((v, i) => v + p.bPrime[i % nv]!);
  let cost = 0;
  const dA = new Float64Array(n * nv); // d cost / d a: (z - x) / n
  for (let i = 0; i < n * nv; i++) {
    const z = sigmoid(a[i]!);
    cost -= x[i]! * Math.log(z) + (1 - x[i]!) * Math.log(1 - z);
    dA[i] = (z - x[i]!) / n;
  }
  const dY = matmul(dA, p.W, n, nv, nh).map((g, i) => g * y[i]! * (1 - y[i]!));
  const gW = new Float64Array(nv * nh);
  const gb = new Float64Array(nh);
  const gbp = new Float64Array(nv);
  for (let r = 0; r < n; r++) {
    for (let v = 0; v < nv; v++) {
      gbp[v] += dA[r * nv + v]!;
      for (let h = 0; h < nh; h++) gW[v * nh + h] += tx[r * nv + v]! * dY[r * nh + h]! + dA[r * nv + v]! * y[r * nh + h]!;
    }
    for (let h = 0; h < nh; h++) gb[h] += dY[r * nh + h]!;
  }
  return { cost: cost / n, next: { W: step(p.W, gW, lr), b: step(p.b, gb, lr), bPrime: step(p.bPrime, gbp, lr) } };
}

export interface RBMParams {
  W: Float64Array; // (nv, nh)
  hbias: Float64Array;
  vbias: Float64Array;
}

export function freeEnergy(p: RBMParams, v: ArrayLike<number>, n: number, nv: number, nh: number): Float64Array {
  const wx = matmul(v, p.W, n, nv, nh);
  return Float64Array.from({ length: n }, (_, r) => {
    let hidden = 0;
    let vb = 0;
    for (let h = 0; h < nh; h++) hidden += softplus(wx[r * nh + h]! + p.hbias[h]!);
    for (let j = 0; j < nv; j++) vb += v[r * nv + j]! * p.vbias[j]!;
    return -hidden - vb;
  });
}

const hMean = (p: RBMParams, v: ArrayLike<number>, n: number, nv: number, nh: number) => matmul(v, p.W, n, nv, nh).map((a, i) => sigmoid(a + p.hbias[i % nh]!));
const below = (mean: Float64Array, u: ArrayLike<number>) => mean.map((m, i) => (u[i]! < m ? 1 : 0));

/**
 * One CD-k step (the chain starts at the positive phase's hidden sample) or
 * PCD-k step (at `persistent`), with the uniforms of each draw: `pos`
 * (n, nh), and per chain step t `v[t]` (n, nv) and `h[t]` (n, nh).
 */
export function rbmStep(
  p: RBMParams,
  v0: ArrayLike<number>,
  u: { pos: ArrayLike<number>; v: readonly ArrayLike<number>[]; h: readonly ArrayLike<number>[] },
  dims: { n: number; nv: number; nh: number; k: number },
  lr: number,
  persistent?: ArrayLike<number>,
) {
  const { n, nv, nh, k } = dims;
  let h: ArrayLike<number> = persistent ?? below(hMean(p, v0, n, nv, nh), u.pos);
  let vk = new Float64Array(0);
  let preVk = new Float64Array(0);
  for (let t = 0; t < k; t++) {
    preVk = matmul(h, p.W, n, nh, nv, true).map((a, i) => a + p.vbias[i % nv]!);
    vk = below(preVk.map(sigmoid), u.v[t]!);
    h = below(hMean(p, vk, n, nv, nh), u.h[t]!);
  }
  const s0 = hMean(p, v0, n, nv, nh);
  const sk = hMean(p, vk, n, nv, nh);
  const gW = new Float64Array(nv * nh);
  const gh = new Float64Array(nh);
  const gv = new Float64Array(nv);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < nv; j++) {
      gv[j] += (vk[r * nv + j]! - v0[r * nv + j]!) / n;
      for (let q = 0; q < nh; q++) gW[j * nh + q] += (vk[r * nv + j]! * sk[r * nh + q]! - v0[r * nv + j]! * s0[r * nh + q]!) / n;
    }
    for (let q = 0; q < nh; q++) gh[q] += (sk[r * nh + q]! - s0[r * nh + q]!) / n;
  }
  let recon = 0;
  for (let i = 0; i < n * nv; i++) {
    const z = sigmoid(preVk[i]!);
    recon += v0[i]! * Math.log(z) + (1 - v0[i]!) * Math.log(1 - z);
  }
  return {
    cost: mean(freeEnergy(p, v0, n, nv, nh)) - mean(freeEnergy(p, vk, n, nv, nh)),
    recon: recon / n,
    vk,
    hk: Float64Array.from(h),
    next: { W: step(p.W, gW, lr), hbias: step(p.hbias, gh, lr), vbias: step(p.vbias, gv, lr) },
  };
}

/** The PCD monitoring cost: mean(nv * log(sigmoid(F(xi with bit `bit` flipped) - F(xi)))), xi = round(v0). */
export function pseudoLikelihood(p: RBMParams, v0: ArrayLike<number>, n: number, nv: number, nh: number, bit: number): number {
  const xi = Float64Array.from(v0, (v) => Math.round(v));
  const flip = xi.slice();
  for (let r = 0; r < n; r++) flip[r * nv + bit] = 1 - flip[r * nv + bit]!;
  const f0 = freeEnergy(p, xi, n, nv, nh);
  const f1 = freeEnergy(p, flip, n, nv, nh);
  return mean(f0.map((f, r) => nv * Math.log(sigmoid(f1[r]! - f))));
}
