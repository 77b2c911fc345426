/**
 * Loops that compute what the convolution and pooling layers should, one
 * output element at a time, written from Theano's definitions and not from
 * the graph's im2col: the tests' references.
 */

/** A 4-d array as flat row-major data and its shape. */
export interface Tensor4 {
  shape: [number, number, number, number];
  data: Float64Array;
}

export const at = (t: Tensor4, a: number, b: number, c: number, d: number): number => {
  const [, s1, s2, s3] = t.shape;
  return t.data[((a * s1 + b) * s2 + c) * s3 + d]!;
};

/** Uniform draws in [-1, 1) from a tiny LCG, so that a test's inputs do not depend on the library's generator. */
export function randomTensor(shape: [number, number, number, number], seed: number): Tensor4 {
  let s = seed >>> 0 || 1;
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = (s / 2 ** 32) * 2 - 1;
  }
  return { shape, data };
}

/** Nested arrays, as sym.array takes them. */
export const nested = (t: Tensor4): number[][][][] =>
  Array.from({ length: t.shape[0] }, (_, a) =>
    Array.from({ length: t.shape[1] }, (_, b) => Array.from({ length: t.shape[2] }, (_, c) => Array.from({ length: t.shape[3] }, (_, d) => at(t, a, b, c, d)))),
  );

export interface ConvReferenceOptions {
  stride?: [number, number];
  /** Zeros on each side of [rows, cols], or Theano's 'valid', 'full', 'half'. */
  padding?: 'valid' | 'full' | 'half' | [number, number];
  dilation?: [number, number];
  groups?: number;
  flip?: boolean;
  bias?: readonly number[];
}

/**
 * Theano's conv2d: out[n, o, i, j] = sum over the channels c of o's group
 * and the window (p, q) of xpad[n, c, i s0 + p d0, j s1 + q d1] w'[o, c, p, q],
 * w' the filters with their window reversed when `flip` (a convolution).
 */
export function conv2dReference(x: Tensor4, w: Tensor4, o: ConvReferenceOptions = {}): Tensor4 {
  const [batch, channels, rows, cols] = x.shape;
  const [outChannels, perGroup, kRows, kCols] = w.shape;
  const [s0, s1] = o.stride ?? [1, 1];
  const [d0, d1] = o.dilation ?? [1, 1];
  const groups = o.groups ?? 1;
  const flip = o.flip ?? true;
  if (perGroup * groups !== channels) throw new Error('conv2dReference: channels do not fit the filters');
  const padOf = (k: number, d: number, a: 0 | 1): number => {
    const p = o.padding ?? 'valid';
    if (p === 'valid') return 0;
    if (p === 'full') return d * (k - 1);
    if (p === 'half') return Math.floor((d * (k - 1) + 1) / 2);
    return p[a];
  };
  const p0 = padOf(kRows, d0, 0);
  const p1 = padOf(kCols, d1, 1);
  const outRows = Math.floor((rows + 2 * p0 - d0 * (kRows - 1) - 1) / s0) + 1;
  const outCols = Math.floor((cols + 2 * p1 - d1 * (kCols - 1) - 1) / s1) + 1;
  const out: Tensor4 = { shape: [batch, outChannels, outRows, outCols], data: new Float64Array(batch * outChannels * outRows * outCols) };
  const perGroupOut = outChannels / groups;
  let k = 0;
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < outChannels; oc++) {
      const g = Math.floor(oc / perGroupOut);
      for (let i = 0; i < outRows; i++) {
        for (let j = 0; j < outCols; j++) {
          let sum = o.bias ? o.bias[oc]! : 0;
          for (let c = 0; c < perGroup; c++) {
            for (let p = 0; p < kRows; p++) {
              for (let q = 0; q < kCols; q++) {
                const r = i * s0 + p * d0 - p0;
                const s = j * s1 + q * d1 - p1;
                if (r < 0 || r >= rows || s < 0 || s >= cols) continue;
                const wv = flip ? at(w, oc, c, kRows - 1 - p, kCols - 1 - q) : at(w, oc, c, p, q);
                sum += at(x, n, g * perGroup + c, r, s) * wv;
              }
            }
          }
          out.data[k++] = sum;
        }
      }
    }
  }
  return out;
}

export interface PoolReferenceOptions {
  stride?: [number, number];
  pad?: [number, number];
  ignoreBorder?: boolean;
  mode?: 'max' | 'sum' | 'average_inc_pad' | 'average_exc_pad';
}

/**
 * Theano's pool_2d: windows start at i s - pad; with ignoreBorder only
 * those that end inside the padded image, without it also those that start
 * inside it (cut at its end). Max and sum read the image's values only;
 * average_inc_pad divides by the window's cells inside the padded image,
 * average_exc_pad by those inside the image.
 */
export function pool2dReference(x: Tensor4, ws: [number, number], o: PoolReferenceOptions = {}): Tensor4 {
  const [batch, channels, rows, cols] = x.shape;
  const [s0, s1] = o.stride ?? ws;
  const [p0, p1] = o.pad ?? [0, 0];
  const mode = o.mode ?? 'max';
  const count = (n: number, k: number, s: number, p: number): number => {
    const v = n + 2 * p;
    if (o.ignoreBorder ?? true) return v < k ? 0 : Math.floor((v - k) / s) + 1;
    // Theano's out_shape for a stride not shorter than the window
    if (s >= k) return Math.floor((v - 1) / s) + 1;
    return Math.max(0, Math.floor((v - 1 - k + s) / s)) + 1;
  };
  const outRows = count(rows, ws[0], s0, p0);
  const outCols = count(cols, ws[1], s1, p1);
  const out: Tensor4 = { shape: [batch, channels, outRows, outCols], data: new Float64Array(batch * channels * outRows * outCols) };
  let k = 0;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < outRows; i++) {
        for (let j = 0; j < outCols; j++) {
          let max = -Infinity;
          let sum = 0;
          let inImage = 0;
          let inPadded = 0;
          for (let p = 0; p < ws[0]; p++) {
            for (let q = 0; q < ws[1]; q++) {
              const r = i * s0 + p - p0;
              const s = j * s1 + q - p1;
              if (r >= rows + p0 || s >= cols + p1) continue;
              inPadded++;
              if (r < 0 || r >= rows || s < 0 || s >= cols) continue;
              inImage++;
              const v = at(x, n, c, r, s);
              max = Math.max(max, v);
              sum += v;
            }
          }
          out.data[k++] = mode === 'max' ? max : mode === 'sum' ? sum : mode === 'average_inc_pad' ? sum / inPadded : sum / inImage;
        }
      }
    }
  }
  return out;
}
