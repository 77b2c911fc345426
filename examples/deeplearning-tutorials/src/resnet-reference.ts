/**
 * The residual network of resnet.ts in plain TypeScript loops, float64,
 * independent of sym: true convolutions ('half' padding, flipped filters,
 * as Theano's and Lasagne's), batch normalisation in both modes (Theano's
 * `bn`: the batch's biased variance to normalise, the unbiased one for the
 * running average), relu, the residual sum, global average pooling,
 * inverted dropout with a given mask, a dense read-out, the mean
 * cross-entropy; and the backward pass of all of it by hand.
 */

/** A (batch, channels, rows, cols) tensor, flat row-major, with its shape. */
export interface Tensor4 {
  data: Float64Array;
  shape: [number, number, number, number];
}

export interface RefBN {
  gamma: Float64Array;
  beta: Float64Array;
  mean: Float64Array;
  var: Float64Array;
}

export interface RefResNet {
  W1: Float64Array;
  bn1: RefBN;
  W2: Float64Array;
  bn2: RefBN;
  W3: Float64Array;
  bn3: RefBN;
  /** (channels, classes) */
  Wd: Float64Array;
  bd: Float64Array;
}

export const EPSILON = 1e-4;
export const ALPHA = 0.1;

/** A true convolution of x with W (out, in, k, k), zero padding k >> 1 on each side: the output has x's size. */
function conv(x: Tensor4, W: Float64Array, out: number, k: number): Tensor4 {
  const [n, c, h, w] = x.shape;
  const p = k >> 1;
  const y = new Float64Array(n * out * h * w);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < out; o++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) {
          let s = 0;
          for (let ci = 0; ci < c; ci++)
            for (let u = 0; u < k; u++)
              for (let v = 0; v < k; v++) {
                const [r, q] = [i + u - p, j + v - p];
                if (r < 0 || r >= h || q < 0 || q >= w) continue;
                // the filter flipped: a convolution, not a correlation
                s += x.data[((b * c + ci) * h + r) * w + q]! * W[((o * c + ci) * k + (k - 1 - u)) * k + (k - 1 - v)]!;
              }
          y[((b * out + o) * h + i) * w + j] = s;
        }
  return { data: y, shape: [n, out, h, w] };
}

/** The gradients of conv's x and W from dy. */
function convBack(x: Tensor4, W: Float64Array, dy: Tensor4, k: number): { dx: Tensor4; dW: Float64Array } {
  const [n, c, h, w] = x.shape;
  const out = dy.shape[1];
  const p = k >> 1;
  const dx = new Float64Array(x.data.length);
  const dW = new Float64Array(W.length);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < out; o++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) {
          const g = dy.data[((b * out + o) * h + i) * w + j]!;
          for (let ci = 0; ci < c; ci++)
            for (let u = 0; u < k; u++)
              for (let v = 0; v < k; v++) {
                const [r, q] = [i + u - p, j + v - p];
                if (r < 0 || r >= h || q < 0 || q >= w) continue;
                const wi = ((o * c + ci) * k + (k - 1 - u)) * k + (k - 1 - v);
                const xi = ((b * c + ci) * h + r) * w + q;
                dW[wi]! += g * x.data[xi]!;
                dx[xi]! += g * W[wi]!;
              }
        }
  return { dx: { data: dx, shape: x.shape }, dW };
}

/** Each channel's elements: (batch, rows, cols) for channel ci. */
function forChannel(shape: Tensor4['shape'], ci: number, f: (index: number) => void): void {
  const [n, c, h, w] = shape;
  for (let b = 0; b < n; b++) for (let s = 0; s < h * w; s++) f((b * c + ci) * h * w + s);
}

interface BNCache {
  xhat: Float64Array;
  invStd: Float64Array;
}

/**
 * Batch normalisation per channel. Training: the batch's mean and biased
 * variance, and the running averages' next values (the variance unbiased,
 * m / (m - 1)); inference: the running averages.
 */
function bn(x: Tensor4, p: RefBN, training: boolean): { y: Tensor4; cache: BNCache; mean: Float64Array; var: Float64Array } {
  const c = x.shape[1];
  const m = x.data.length / c;
  const y = new Float64Array(x.data.length);
  const xhat = new Float64Array(x.data.length);
  const invStd = new Float64Array(c);
  const newMean = Float64Array.from(p.mean);
  const newVar = Float64Array.from(p.var);
  for (let ci = 0; ci < c; ci++) {
    let mu = p.mean[ci]!;
    let variance = p.var[ci]!;
    if (training) {
      let s = 0;
      forChannel(x.shape, ci, (i) => (s += x.data[i]!));
      mu = s / m;
      let q = 0;
      forChannel(x.shape, ci, (i) => (q += (x.data[i]! - mu) ** 2));
      variance = q / m;
      newMean[ci] = (1 - ALPHA) * p.mean[ci]! + ALPHA * mu;
      newVar[ci] = (1 - ALPHA) * p.var[ci]! + (ALPHA * variance * m) / (m - 1);
    }
    invStd[ci] = 1 / Math.sqrt(variance + EPSILON);
    forChannel(x.shape, ci, (i) => {
      xhat[i] = (x.data[i]! - mu) * invStd[ci]!;
      y[i] = p.gamma[ci]! * xhat[i]! + p.beta[ci]!;
    });
  }
  return { y: { data: y, shape: x.shape }, cache: { xhat, invStd }, mean: newMean, var: newVar };
}

/** Training-mode batch normalisation's backward pass: dx, dgamma, dbeta. */
function bnBack(dy: Tensor4, p: RefBN, { xhat, invStd }: BNCache): { dx: Tensor4; dgamma: Float64Array; dbeta: Float64Array } {
  const c = dy.shape[1];
  const m = dy.data.length / c;
  const dx = new Float64Array(dy.data.length);
  const dgamma = new Float64Array(c);
  const dbeta = new Float64Array(c);
  for (let ci = 0; ci < c; ci++) {
    let [sdy, sdyx] = [0, 0];
    forChannel(dy.shape, ci, (i) => {
      sdy += dy.data[i]!;
      sdyx += dy.data[i]! * xhat[i]!;
    });
    dgamma[ci] = sdyx;
    dbeta[ci] = sdy;
    forChannel(dy.shape, ci, (i) => (dx[i] = p.gamma[ci]! * invStd[ci]! * (dy.data[i]! - sdy / m - (xhat[i]! * sdyx) / m)));
  }
  return { dx: { data: dx, shape: dy.shape }, dgamma, dbeta };
}

const relu = (t: Tensor4): Tensor4 => ({ data: t.data.map((v) => Math.max(0, v)), shape: t.shape });
/** dy where the relu's output is positive, 0 elsewhere. */
const reluBack = (dy: Tensor4, y: Tensor4): Tensor4 => ({ data: dy.data.map((g, i) => (y.data[i]! > 0 ? g : 0)), shape: dy.shape });
const add = (a: Tensor4, b: Tensor4): Tensor4 => ({ data: a.data.map((v, i) => v + b.data[i]!), shape: a.shape });

export interface RefResult {
  cost: number;
  logits: number[][];
  /** The running averages after the call (unchanged at inference). */
  running: { mean: Float64Array; var: Float64Array }[];
  /** Training only: the gradients, as RefResNet (the running averages' entries left 0). */
  grads?: RefResNet;
}

/**
 * The network on x (batch, inChannels, rows, cols) against integer labels.
 * `mask` (batch, channels) of 0 and 1 is the dropout's, in training; `rate` its rate.
 */
export function referenceResNet(p: RefResNet, x: Tensor4, labels: number[], training: boolean, rate: number, mask?: number[][]): RefResult {
  const channels = p.bn1.gamma.length;
  const classes = p.bd.length;
  const [n, , h, w] = x.shape;
  const a1 = conv(x, p.W1, channels, 3);
  const b1 = bn(a1, p.bn1, training);
  const r1 = relu(b1.y);
  const a2 = conv(r1, p.W2, channels, 3);
  const b2 = bn(a2, p.bn2, training);
  const r2 = relu(b2.y);
  const a3 = conv(r2, p.W3, channels, 3);
  const b3 = bn(a3, p.bn3, training);
  const r3 = relu(add(b3.y, r1));
  const pooled = Array.from({ length: n }, (_, b) => Array.from({ length: channels }, (_, ci) => {
    let s = 0;
    for (let q = 0; q < h * w; q++) s += r3.data[(b * channels + ci) * h * w + q]!;
    return s / (h * w);
  }));
  const scale = (b: number, ci: number) => (training ? (mask![b]![ci]! * 1) / (1 - rate) : 1);
  const dropped = pooled.map((row, b) => row.map((v, ci) => v * scale(b, ci)));
  const logits = dropped.map((row) => Array.from({ length: classes }, (_, k) => p.bd[k]! + row.reduce((s, v, ci) => s + v * p.Wd[ci * classes + k]!, 0)));
  let cost = 0;
  const dlogits = logits.map((z, b) => {
    const m = Math.max(...z);
    const sum = z.reduce((s, v) => s + Math.exp(v - m), 0);
    cost -= z[labels[b]!]! - m - Math.log(sum);
    return z.map((v, k) => (Math.exp(v - m) / sum - (k === labels[b] ? 1 : 0)) / n);
  });
  const running = [b1, b2, b3].map((b) => ({ mean: b.mean, var: b.var }));
  const result: RefResult = { cost: cost / n, logits, running };
  if (!training) return result;

  // backward
  const Wd = new Float64Array(p.Wd.length);
  const bd = new Float64Array(classes);
  const dr3 = new Float64Array(r3.data.length);
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < classes; k++) bd[k]! += dlogits[b]![k]!;
    for (let ci = 0; ci < channels; ci++) {
      let dd = 0;
      for (let k = 0; k < classes; k++) {
        Wd[ci * classes + k]! += dropped[b]![ci]! * dlogits[b]![k]!;
        dd += p.Wd[ci * classes + k]! * dlogits[b]![k]!;
      }
      const dPooled = dd * scale(b, ci);
      for (let q = 0; q < h * w; q++) dr3[(b * channels + ci) * h * w + q] = dPooled / (h * w);
    }
  }
  const dsum = reluBack({ data: dr3, shape: r3.shape }, r3);
  const g3 = bnBack(dsum, p.bn3, b3.cache);
  const c3 = convBack(r2, p.W3, g3.dx, 3);
  const g2 = bnBack(reluBack(c3.dx, r2), p.bn2, b2.cache);
  const c2 = convBack(r1, p.W2, g2.dx, 3);
  // r1 feeds the block and the shortcut: both gradients meet there
  const dr1 = add(c2.dx, dsum);
  const g1 = bnBack(reluBack(dr1, r1), p.bn1, b1.cache);
  const c1 = convBack(x, p.W1, g1.dx, 3);
  const zeros = new Float64Array(channels);
  const bnGrads = (g: { dgamma: Float64Array; dbeta: Float64Array }): RefBN => ({ gamma: g.dgamma, beta: g.dbeta, mean: zeros, var: zeros });
  result.grads = { W1: c1.dW, bn1: bnGrads(g1), W2: c2.dW, bn2: bnGrads(g2), W3: c3.dW, bn3: bnGrads(g3), Wd, bd };
  return result;
}

/** The trainable parameters in the network's params order: conv1.W, bn1.gamma, bn1.beta, conv2.W, ..., readOut.W, readOut.b. */
export function trainable(p: RefResNet): Float64Array[] {
  return [p.W1, p.bn1.gamma, p.bn1.beta, p.W2, p.bn2.gamma, p.bn2.beta, p.W3, p.bn3.gamma, p.bn3.beta, p.Wd, p.bd];
}

/**
 * Lasagne's Nesterov momentum, in place, one velocity per trainable parameter:
 * v' = momentum v - lr g, p' = p + momentum v' - lr g.
 */
export function nesterovStep(params: Float64Array[], grads: Float64Array[], velocities: Float64Array[], lr: number, momentum: number): void {
  params.forEach((p, k) => {
    const [g, v] = [grads[k]!, velocities[k]!];
    for (let i = 0; i < p.length; i++) {
      v[i] = momentum * v[i]! - lr * g[i]!;
      p[i]! += momentum * v[i]! - lr * g[i]!;
    }
  });
}
