/**
 * Plain TypeScript (no sym) for the deeplearning.net tutorial rnnslu
 * (elman.py): the context windows of a sentence (contextwin), and one
 * sentence-level SGD step of the Elman RNN over word embeddings by
 * backpropagation through time, then the embeddings' normalisation.
 * Row-major Float64Arrays.
 */

/**
 * The tutorial's contextwin: for each word of `l`, the `win` words centred
 * on it, the sentence padded with -1 (the padding word, the embeddings' last
 * row) on both sides. `win` must be odd and at least 1.
 */
export function contextwin(l: readonly number[], win: number): number[][] {
  if (!Number.isInteger(win) || win < 1 || win % 2 !== 1) throw new RangeError(`contextwin: the window must be an odd integer >= 1, got ${win}`);
  const pad = Array<number>((win - 1) / 2).fill(-1);
  const padded = [...pad, ...l, ...pad];
  return l.map((_, i) => padded.slice(i, i + win));
}

export interface ElmanParams {
  emb: Float64Array; // (ne + 1, de): the last row is the padding word's
  wx: Float64Array; // (de * cs, nh)
  wh: Float64Array; // (nh, nh)
  w: Float64Array; // (nh, nc)
  bh: Float64Array; // (nh)
  b: Float64Array; // (nc)
  h0: Float64Array; // (nh)
}

export interface ElmanSizes {
  readonly ne: number;
  readonly de: number;
  readonly cs: number;
  readonly nh: number;
  readonly nc: number;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** The embedding row of word index `i`: -1 counts from the end, as NumPy's and Theano's indexing. */
const row = (i: number, rows: number): number => (i < 0 ? rows + i : i);

function forward(p: ElmanParams, s: ElmanSizes, windows: readonly number[][]) {
  const { de, cs, nh, nc } = s;
  const rows = s.ne + 1;
  const xs: Float64Array[] = [];
  const hs: Float64Array[] = [p.h0];
  const ps: Float64Array[] = [];
  for (const win of windows) {
    const x = new Float64Array(de * cs);
    win.forEach((idx, k) => x.set(p.emb.subarray(row(idx, rows) * de, (row(idx, rows) + 1) * de), k * de));
    const prev = hs.at(-1)!;
    const h = Float64Array.from({ length: nh }, (_, j) => {
      let a = p.bh[j]!;
      for (let i = 0; i < de * cs; i++) a += x[i]! * p.wx[i * nh + j]!;
      for (let i = 0; i < nh; i++) a += prev[i]! * p.wh[i * nh + j]!;
      return sigmoid(a);
    });
    const z = Float64Array.from({ length: nc }, (_, k) => {
      let a = p.b[k]!;
      for (let i = 0; i < nh; i++) a += h[i]! * p.w[i * nc + k]!;
      return a;
    });
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const total = e.reduce((a, v) => a + v, 0);
    xs.push(x);
    hs.push(h);
    ps.push(e.map((v) => v / total));
  }
  return { xs, hs, ps };
}

/** The words' predicted classes: argmax of each step's softmax. */
export function classify(p: ElmanParams, s: ElmanSizes, windows: readonly number[][]): number[] {
  return forward(p, s, windows).ps.map((pr) => pr.indexOf(Math.max(...pr)));
}

/**
 * sentence_train then normalize: the mean negative log-likelihood of the
 * labels, every parameter moved by -lr times its gradient, then each
 * embedding row scaled to unit length.
 */
export function elmanStep(p: ElmanParams, s: ElmanSizes, windows: readonly number[][], labels: readonly number[], lr: number) {
  const { de, cs, nh, nc } = s;
  const rows = s.ne + 1;
  const n = windows.length;
  const { xs, hs, ps } = forward(p, s, windows);
  const nll = -ps.reduce((a, pr, t) => a + Math.log(pr[labels[t]!]!), 0) / n;
  const g: ElmanParams = { emb: new Float64Array(p.emb.length), wx: new Float64Array(p.wx.length), wh: new Float64Array(p.wh.length), w: new Float64Array(p.w.length), bh: new Float64Array(nh), b: new Float64Array(nc), h0: new Float64Array(nh) };
  let dhNext = new Float64Array(nh);
  for (let t = n - 1; t >= 0; t--) {
    const h = hs[t + 1]!;
    const prev = hs[t]!;
    const dz = ps[t]!.map((v, k) => (v - (k === labels[t] ? 1 : 0)) / n);
    const dh = Float64Array.from(dhNext);
    for (let i = 0; i < nh; i++) {
      for (let k = 0; k < nc; k++) {
        g.w[i * nc + k]! += h[i]! * dz[k]!;
        dh[i]! += dz[k]! * p.w[i * nc + k]!;
      }
    }
    dz.forEach((v, k) => (g.b[k]! += v));
    const da = dh.map((v, j) => v * h[j]! * (1 - h[j]!));
    da.forEach((v, j) => (g.bh[j]! += v));
    const dx = new Float64Array(de * cs);
    for (let i = 0; i < de * cs; i++) {
      for (let j = 0; j < nh; j++) {
        g.wx[i * nh + j]! += xs[t]![i]! * da[j]!;
        dx[i]! += da[j]! * p.wx[i * nh + j]!;
      }
    }
    dhNext = new Float64Array(nh);
    for (let i = 0; i < nh; i++) {
      for (let j = 0; j < nh; j++) {
        g.wh[i * nh + j]! += prev[i]! * da[j]!;
        dhNext[i]! += da[j]! * p.wh[i * nh + j]!;
      }
    }
    // a word seen at several places of the window, or in several windows, adds up its gradients
    windows[t]!.forEach((idx, k) => {
      const r = row(idx, rows);
      for (let d = 0; d < de; d++) g.emb[r * de + d]! += dx[k * de + d]!;
    });
  }
  g.h0.set(dhNext);
  const next = Object.fromEntries((Object.keys(p) as (keyof ElmanParams)[]).map((k) => [k, p[k].map((v, i) => v - lr * g[k][i]!)])) as unknown as ElmanParams;
  const trained = Float64Array.from(next.emb);
  for (let r = 0; r < rows; r++) {
    const norm = Math.hypot(...next.emb.subarray(r * de, (r + 1) * de));
    for (let d = 0; d < de; d++) next.emb[r * de + d]! /= norm;
  }
  return { nll, grads: g, trained, next };
}
