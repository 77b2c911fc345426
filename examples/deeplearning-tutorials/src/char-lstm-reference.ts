/**
 * The character-level LSTM language model of char-lstm.ts written out in
 * plain TypeScript loops, float64, independent of sym: the forward pass
 * (embedding rows, Keras's LSTM gates i, f, g, o, a dense read-out, the
 * mean cross-entropy of a log-softmax), backpropagation through time by
 * hand, clipping by global norm and Lasagne's Adam.
 */

/** The parameters, each a flat row-major array: table (V, E), W (E, 4H), U (H, 4H), b (4H), Wd (H, V), bd (V). */
export interface RefParams {
  table: Float64Array;
  W: Float64Array;
  U: Float64Array;
  b: Float64Array;
  Wd: Float64Array;
  bd: Float64Array;
}
export const REF_ORDER = ['table', 'W', 'U', 'b', 'Wd', 'bd'] as const;

export interface RefSizes {
  vocab: number;
  embed: number;
  hidden: number;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * Loss, gradients, logits and final states of one chunk: ids and targets
 * (batch rows of steps), initial states h0 and c0 (batch rows of H),
 * which get no gradient (truncated BPTT).
 */
export function referenceChunk(
  p: RefParams,
  sizes: RefSizes,
  ids: number[][],
  targets: number[][],
  h0: number[][],
  c0: number[][],
): { cost: number; grads: RefParams; logits: number[][][]; h: number[][]; c: number[][] } {
  const { vocab: V, embed: E, hidden: H } = sizes;
  const G = 4 * H;
  const batch = ids.length;
  const steps = ids[0]!.length;
  const count = batch * steps;
  const grads: RefParams = { table: new Float64Array(V * E), W: new Float64Array(E * G), U: new Float64Array(H * G), b: new Float64Array(G), Wd: new Float64Array(H * V), bd: new Float64Array(V) };
  let cost = 0;
  const logitsOut: number[][][] = [];
  const hOut: number[][] = [];
  const cOut: number[][] = [];
  for (let n = 0; n < batch; n++) {
    // forward, keeping what the backward pass needs
    const hs: Float64Array[] = [Float64Array.from(h0[n]!)];
    const cs: Float64Array[] = [Float64Array.from(c0[n]!)];
    const gates: Float64Array[] = []; // i, f, g, o after their activations, side by side
    const probs: Float64Array[] = [];
    logitsOut.push([]);
    for (let t = 0; t < steps; t++) {
      const id = ids[n]![t]!;
      const hPrev = hs[t]!;
      const z = Float64Array.from(p.b);
      for (let e = 0; e < E; e++) for (let j = 0; j < G; j++) z[j]! += p.table[id * E + e]! * p.W[e * G + j]!;
      for (let k = 0; k < H; k++) for (let j = 0; j < G; j++) z[j]! += hPrev[k]! * p.U[k * G + j]!;
      const a = z.map((v, j) => (j >= 2 * H && j < 3 * H ? Math.tanh(v) : sigmoid(v)));
      const c = new Float64Array(H);
      const h = new Float64Array(H);
      for (let k = 0; k < H; k++) {
        c[k] = a[H + k]! * cs[t]![k]! + a[k]! * a[2 * H + k]!;
        h[k] = a[3 * H + k]! * Math.tanh(c[k]!);
      }
      gates.push(a);
      hs.push(h);
      cs.push(c);
      const logits = Float64Array.from(p.bd);
      for (let k = 0; k < H; k++) for (let v = 0; v < V; v++) logits[v]! += h[k]! * p.Wd[k * V + v]!;
      logitsOut[n]!.push([...logits]);
      const m = Math.max(...logits);
      const sum = logits.reduce((s, v) => s + Math.exp(v - m), 0);
      const logp = logits.map((v) => v - m - Math.log(sum));
      cost -= logp[targets[n]![t]!]!;
      probs.push(logp.map(Math.exp));
    }
    hOut.push([...hs[steps]!]);
    cOut.push([...cs[steps]!]);
    // backward through time
    let dhNext = new Float64Array(H);
    let dcNext = new Float64Array(H);
    for (let t = steps - 1; t >= 0; t--) {
      const dlogits = probs[t]!.map((q, v) => (q - (v === targets[n]![t]! ? 1 : 0)) / count);
      const h = hs[t + 1]!;
      const dh = Float64Array.from(dhNext);
      for (let v = 0; v < V; v++) grads.bd[v]! += dlogits[v]!;
      for (let k = 0; k < H; k++) {
        for (let v = 0; v < V; v++) {
          grads.Wd[k * V + v]! += h[k]! * dlogits[v]!;
          dh[k]! += p.Wd[k * V + v]! * dlogits[v]!;
        }
      }
      const a = gates[t]!;
      const dz = new Float64Array(G);
      const dcPrev = new Float64Array(H);
      for (let k = 0; k < H; k++) {
        const [i, f, g, o] = [a[k]!, a[H + k]!, a[2 * H + k]!, a[3 * H + k]!];
        const tc = Math.tanh(cs[t + 1]![k]!);
        const dc = dh[k]! * o * (1 - tc * tc) + dcNext[k]!;
        dz[k] = dc * g * i * (1 - i);
        dz[H + k] = dc * cs[t]![k]! * f * (1 - f);
        dz[2 * H + k] = dc * i * (1 - g * g);
        dz[3 * H + k] = dh[k]! * tc * o * (1 - o);
        dcPrev[k] = dc * f;
      }
      const id = ids[n]![t]!;
      const hPrev = hs[t]!;
      const dhPrev = new Float64Array(H);
      for (let j = 0; j < G; j++) grads.b[j]! += dz[j]!;
      for (let e = 0; e < E; e++) {
        for (let j = 0; j < G; j++) {
          grads.W[e * G + j]! += p.table[id * E + e]! * dz[j]!;
          grads.table[id * E + e]! += p.W[e * G + j]! * dz[j]!;
        }
      }
      for (let k = 0; k < H; k++) {
        for (let j = 0; j < G; j++) {
          grads.U[k * G + j]! += hPrev[k]! * dz[j]!;
          dhPrev[k]! += p.U[k * G + j]! * dz[j]!;
        }
      }
      dhNext = dhPrev;
      dcNext = dcPrev;
    }
  }
  return { cost: cost / count, grads, logits: logitsOut, h: hOut, c: cOut };
}

/** Lasagne's total_norm_constraint: every gradient times min(norm, maxNorm) / (norm + 1e-7); returns the norm before. */
export function clipByGlobalNorm(grads: RefParams, maxNorm: number): number {
  let sq = 0;
  for (const k of REF_ORDER) for (const v of grads[k]) sq += v * v;
  const norm = Math.sqrt(sq);
  const scale = Math.min(norm, maxNorm) / (norm + 1e-7);
  for (const k of REF_ORDER) grads[k] = grads[k].map((v) => v * scale);
  return norm;
}

/** Adam's moments, one pair per parameter, and the step count. */
export interface AdamState {
  t: number;
  m: RefParams;
  v: RefParams;
}

export function adamState(p: RefParams): AdamState {
  const zeros = (): RefParams => Object.fromEntries(REF_ORDER.map((k) => [k, new Float64Array(p[k].length)])) as unknown as RefParams;
  return { t: 0, m: zeros(), v: zeros() };
}

/**
 * Lasagne's Adam, in place: t' = t + 1, m' = b1 m + (1 - b1) g, v' = b2 v + (1 - b2) g^2,
 * p' = p - lr sqrt(1 - b2^t') / (1 - b1^t') m' / (sqrt(v') + eps).
 */
export function adamStep(p: RefParams, grads: RefParams, state: AdamState, lr: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): void {
  state.t += 1;
  const stepSize = (lr * Math.sqrt(1 - beta2 ** state.t)) / (1 - beta1 ** state.t);
  for (const k of REF_ORDER) {
    const [pk, gk, mk, vk] = [p[k], grads[k], state.m[k], state.v[k]];
    for (let i = 0; i < pk.length; i++) {
      mk[i] = beta1 * mk[i]! + (1 - beta1) * gk[i]!;
      vk[i] = beta2 * vk[i]! + (1 - beta2) * gk[i]! * gk[i]!;
      pk[i]! -= (stepSize * mk[i]!) / (Math.sqrt(vk[i]!) + eps);
    }
  }
}
