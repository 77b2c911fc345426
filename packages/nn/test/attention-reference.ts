/**
 * Plain TypeScript float64 loops for the transformer layers, written from
 * the equations in their documentation (no sym): an embedding lookup,
 * layer normalisation, and multi-head scaled dot-product attention with
 * its masks. The tests compare the layers' compiled graphs with these.
 */
export type Vec = number[];
export type Mat = number[][];
export type Mat3 = number[][][];

/** Rows of the table the ids name, keeping the ids' nesting. */
export function embed(table: Mat, ids: unknown): unknown {
  return Array.isArray(ids) ? ids.map((i) => embed(table, i)) : [...table[ids as number]!];
}

/** Each row of x (n, features) normalised, then scaled by gamma and shifted by beta. */
export function layerNorm(x: Mat, gamma: Vec, beta: Vec, epsilon: number): Mat {
  return x.map((row) => {
    const mean = row.reduce((s, v) => s + v, 0) / row.length;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length;
    return row.map((v, j) => ((v - mean) / Math.sqrt(variance + epsilon)) * gamma[j]! + beta[j]!);
  });
}

/** x W + b for one row x, W (nInput, nOutput). */
export function affine(x: Vec, W: Mat, b: Vec): Vec {
  return b.map((bj, j) => x.reduce((s, xi, i) => s + xi * W[i]![j]!, bj));
}

export interface AttentionWeights {
  Wq: Mat;
  bq: Vec;
  Wk: Mat;
  bk: Vec;
  Wv: Mat;
  bv: Vec;
  Wo: Mat;
  bo: Vec;
}

/** Whether query position t of example n may see source position s, and what is added to its score. */
export type MaskAt = (n: number, t: number, s: number) => { allowed: boolean; add: number };

const noMask: MaskAt = () => ({ allowed: true, add: 0 });

/**
 * Multi-head attention of `query` (batch, T, dq) over `value` (batch, S,
 * dv) with keys from `key`: per head, scores q.k / sqrt(keyDim) plus the
 * additive mask, a disallowed score replaced by -1e9, softmax over s, the
 * weighted sum of values; heads side by side through the output projection.
 */
export function attention(query: Mat3, value: Mat3, key: Mat3, w: AttentionWeights, heads: number, mask: MaskAt = noMask): { output: Mat3; weights: number[][][][] } {
  const keyDim = w.Wq[0]!.length / heads;
  const valueDim = w.Wv[0]!.length / heads;
  const output: Mat3 = [];
  const weights: number[][][][] = [];
  query.forEach((qs, n) => {
    const Q = qs.map((x) => affine(x, w.Wq, w.bq));
    const K = key[n]!.map((x) => affine(x, w.Wk, w.bk));
    const V = value[n]!.map((x) => affine(x, w.Wv, w.bv));
    const perHead: number[][][] = [];
    const joined: Mat = Q.map(() => []);
    for (let h = 0; h < heads; h++) {
      const rows = Q.map((q, t) => {
        const scores = K.map((k, s) => {
          let dot = 0;
          for (let d = 0; d < keyDim; d++) dot += q[h * keyDim + d]! * k[h * keyDim + d]!;
          const m = mask(n, t, s);
          const score = dot / Math.sqrt(keyDim) + m.add;
          return m.allowed ? score : -1e9;
        });
        const top = Math.max(...scores);
        const e = scores.map((v) => Math.exp(v - top));
        const total = e.reduce((a, v) => a + v, 0);
        return e.map((v) => v / total);
      });
      perHead.push(rows);
      rows.forEach((p, t) => {
        for (let d = 0; d < valueDim; d++) joined[t]!.push(p.reduce((acc, ps, s) => acc + ps * V[s]![h * valueDim + d]!, 0));
      });
    }
    weights.push(perHead);
    output.push(joined.map((row) => affine(row, w.Wo, w.bo)));
  });
  return { output, weights };
}
