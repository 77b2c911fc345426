/**
 * The Transformer language model of transformer-lm.ts in plain TypeScript
 * loops, float64, independent of sym: embeddings, layer norms (biased
 * variance, epsilon 1e-5), causal multi-head attention (scores scaled by
 * 1 / sqrt(keyDim), positions after t never weighed), the relu
 * feed-forward block, residuals, the read-out and the mean cross-entropy;
 * then backpropagation through all of it by hand.
 */

/** The parameters by the names @sym/nn gives them, each flat row-major; a Dense's W is (nIn, nOut). */
export type RefParams = Record<string, Float64Array>;

export const PARAM_NAMES = [
  'tokens.W', 'positions.W', 'norm1.gamma', 'norm1.beta',
  'attention.query.W', 'attention.query.b', 'attention.key.W', 'attention.key.b',
  'attention.value.W', 'attention.value.b', 'attention.out.W', 'attention.out.b',
  'norm2.gamma', 'norm2.beta', 'hidden.W', 'hidden.b', 'back.W', 'back.b', 'readOut.W', 'readOut.b',
] as const;

type Rows = number[][];
const EPS = 1e-5;

/** X (n, k) times W (k, m) plus b. */
function affine(X: Rows, W: Float64Array, b: Float64Array): Rows {
  const m = b.length;
  return X.map((x) => Array.from({ length: m }, (_, j) => x.reduce((s, v, i) => s + v * W[i * m + j]!, b[j]!)));
}

/** The gradients of affine's W and b added into dW, db; returns dX. */
function affineBack(X: Rows, dY: Rows, W: Float64Array, dW: Float64Array, db: Float64Array): Rows {
  const m = db.length;
  const k = W.length / m;
  dY.forEach((dy, r) => {
    for (let j = 0; j < m; j++) {
      db[j]! += dy[j]!;
      for (let i = 0; i < k; i++) dW[i * m + j]! += X[r]![i]! * dy[j]!;
    }
  });
  return dY.map((dy) => Array.from({ length: k }, (_, i) => dy.reduce((s, g, j) => s + g * W[i * m + j]!, 0)));
}

interface NormCache {
  xhat: Rows;
  inv: number[];
}

function layerNorm(X: Rows, gamma: Float64Array, beta: Float64Array): { y: Rows; cache: NormCache } {
  const xhat: Rows = [];
  const inv: number[] = [];
  const y = X.map((x) => {
    const mu = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mu) ** 2, 0) / x.length;
    const i = 1 / Math.sqrt(variance + EPS);
    const h = x.map((v) => (v - mu) * i);
    xhat.push(h);
    inv.push(i);
    return h.map((v, j) => gamma[j]! * v + beta[j]!);
  });
  return { y, cache: { xhat, inv } };
}

function layerNormBack(dY: Rows, gamma: Float64Array, { xhat, inv }: NormCache, dgamma: Float64Array, dbeta: Float64Array): Rows {
  return dY.map((dy, r) => {
    const h = xhat[r]!;
    const dh = dy.map((g, j) => {
      dgamma[j]! += g * h[j]!;
      dbeta[j]! += g;
      return g * gamma[j]!;
    });
    const n = dh.length;
    const mean = dh.reduce((s, v) => s + v, 0) / n;
    const meanH = dh.reduce((s, v, j) => s + v * h[j]!, 0) / n;
    return dh.map((v, j) => inv[r]! * (v - mean - h[j]! * meanH));
  });
}

const add = (a: Rows, b: Rows): Rows => a.map((row, r) => row.map((v, j) => v + b[r]![j]!));

export interface RefOutput {
  cost: number;
  /** (batch, steps, vocab) */
  logits: number[][][];
  /** (batch, heads, steps, steps) */
  weights: number[][][][];
  grads: RefParams;
}

/** Cost, logits, attention weights and every parameter's gradient for ids and targets (batch rows of steps). */
export function referenceLM(p: RefParams, heads: number, ids: number[][], targets: number[][]): RefOutput {
  const D = p['norm1.gamma']!.length;
  const V = p['readOut.b']!.length;
  const dk = D / heads;
  const scale = 1 / Math.sqrt(dk);
  const count = ids.length * ids[0]!.length;
  const grads: RefParams = Object.fromEntries(PARAM_NAMES.map((k) => [k, new Float64Array(p[k]!.length)]));
  const g = (k: (typeof PARAM_NAMES)[number]) => grads[k]!;
  const w = (k: (typeof PARAM_NAMES)[number]) => p[k]!;
  let cost = 0;
  const logitsOut: number[][][] = [];
  const weightsOut: number[][][][] = [];
  ids.forEach((seq, n) => {
    const L = seq.length;
    // forward
    const x = seq.map((id, t) => Array.from({ length: D }, (_, j) => w('tokens.W')[id * D + j]! + w('positions.W')[t * D + j]!));
    const n1 = layerNorm(x, w('norm1.gamma'), w('norm1.beta'));
    const Q = affine(n1.y, w('attention.query.W'), w('attention.query.b'));
    const K = affine(n1.y, w('attention.key.W'), w('attention.key.b'));
    const Vv = affine(n1.y, w('attention.value.W'), w('attention.value.b'));
    const O: Rows = x.map(() => new Array<number>(D).fill(0));
    const P: Rows[] = [];
    for (let h = 0; h < heads; h++) {
      const cols = Array.from({ length: dk }, (_, c) => h * dk + c);
      const Ph: Rows = Q.map((q, t) => {
        // only s <= t: the causal mask; later positions get weight exactly 0
        const scores = Array.from({ length: t + 1 }, (_, s) => cols.reduce((acc, c) => acc + q[c]! * K[s]![c]!, 0) * scale);
        const m = Math.max(...scores);
        const e = scores.map((v) => Math.exp(v - m));
        const sum = e.reduce((a, b) => a + b, 0);
        return Array.from({ length: L }, (_, s) => (s <= t ? e[s]! / sum : 0));
      });
      Ph.forEach((row, t) => cols.forEach((c) => (O[t]![c] = row.reduce((acc, pw, s) => acc + pw * Vv[s]![c]!, 0))));
      P.push(Ph);
    }
    weightsOut.push(P);
    const att = affine(O, w('attention.out.W'), w('attention.out.b'));
    const hres = add(x, att);
    const n2 = layerNorm(hres, w('norm2.gamma'), w('norm2.beta'));
    const u = affine(n2.y, w('hidden.W'), w('hidden.b'));
    const r = u.map((row) => row.map((v) => Math.max(0, v)));
    const ff = affine(r, w('back.W'), w('back.b'));
    const y = add(hres, ff);
    const logits = affine(y, w('readOut.W'), w('readOut.b'));
    logitsOut.push(logits);
    const dlogits = logits.map((z, t) => {
      const m = Math.max(...z);
      const sum = z.reduce((s, v) => s + Math.exp(v - m), 0);
      cost -= z[targets[n]![t]!]! - m - Math.log(sum);
      return z.map((v, k) => (Math.exp(v - m) / sum - (k === targets[n]![t]! ? 1 : 0)) / count);
    });
    // backward
    const dy = affineBack(y, dlogits, w('readOut.W'), g('readOut.W'), g('readOut.b'));
    const dr = affineBack(r, dy, w('back.W'), g('back.W'), g('back.b'));
    const du = dr.map((row, t) => row.map((v, j) => (u[t]![j]! > 0 ? v : 0)));
    const dn2 = affineBack(n2.y, du, w('hidden.W'), g('hidden.W'), g('hidden.b'));
    const dh = add(dy, layerNormBack(dn2, w('norm2.gamma'), n2.cache, g('norm2.gamma'), g('norm2.beta')));
    const dO = affineBack(O, dh, w('attention.out.W'), g('attention.out.W'), g('attention.out.b'));
    const [dQ, dK, dV] = [0, 1, 2].map(() => x.map(() => new Array<number>(D).fill(0))) as [Rows, Rows, Rows];
    for (let h = 0; h < heads; h++) {
      const cols = Array.from({ length: dk }, (_, c) => h * dk + c);
      const Ph = P[h]!;
      for (let t = 0; t < L; t++) {
        const dP = Array.from({ length: L }, (_, s) => cols.reduce((acc, c) => acc + dO[t]![c]! * Vv[s]![c]!, 0));
        const dot = Ph[t]!.reduce((acc, pw, s) => acc + pw * dP[s]!, 0);
        for (let s = 0; s <= t; s++) {
          const pw = Ph[t]![s]!;
          const dS = pw * (dP[s]! - dot) * scale;
          for (const c of cols) {
            dV[s]![c]! += pw * dO[t]![c]!;
            dQ[t]![c]! += dS * K[s]![c]!;
            dK[s]![c]! += dS * Q[t]![c]!;
          }
        }
      }
    }
    const dn1 = add(
      add(affineBack(n1.y, dQ, w('attention.query.W'), g('attention.query.W'), g('attention.query.b')), affineBack(n1.y, dK, w('attention.key.W'), g('attention.key.W'), g('attention.key.b'))),
      affineBack(n1.y, dV, w('attention.value.W'), g('attention.value.W'), g('attention.value.b')),
    );
    const dx = add(dh, layerNormBack(dn1, w('norm1.gamma'), n1.cache, g('norm1.gamma'), g('norm1.beta')));
    seq.forEach((id, t) => {
      for (let j = 0; j < D; j++) {
        g('tokens.W')[id * D + j]! += dx[t]![j]!;
        g('positions.W')[t * D + j]! += dx[t]![j]!;
      }
    });
  });
  return { cost: cost / count, logits: logitsOut, weights: weightsOut, grads };
}
