/**
 * The determinant of a complex matrix. The real block form that gives
 * complex solve and inverse (linalg.ts) has det |det A|^2, without the
 * phase, so det is an op of its own: complex LU with partial pivoting (by
 * modulus) on the host, in float64, between programs (a HostOp, which
 * `sym.function` runs on every backend by reading its inputs back). Its
 * gradient (in @sym/grad) is g conj(det(A) A^-T), through the complex
 * inverse.
 */
import { shapeToString, type NDArray } from '../core/ndarray.js';
import { applyNode, type Apply } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import { HostOp } from '../ops/host.js';
import { result } from '../ops/linalg.js';
import { asComplex, broadcastParts, ComplexVariable, type ComplexLike } from './variable.js';

/** Inputs: the real and imaginary parts of a square matrix; outputs: those of its determinant (0-d). */
export class ComplexDet extends HostOp {
  key(): string {
    return 'ComplexDet';
  }
  override toString(): string {
    return 'ComplexDet';
  }
  override pp(args: readonly string[], _node: Apply, output = 0): string {
    return `det(${args[0]} + ${args[1]}j).${output === 0 ? 'real' : 'imag'}`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const [re, im] = inputs as [TensorVariable, TensorVariable];
    if (re.ndim !== 2 || im.ndim !== 2 || re.dtype !== im.dtype) throw new TypeError(`ComplexDet: expected the two parts of a complex matrix, got ${re.type} and ${im.type}`);
    return [new TensorType(re.dtype, []), new TensorType(re.dtype, [])];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    const [r, c] = shapes[0]! as [number | null, number | null];
    if (r !== null && c !== null && r !== c) throw new RangeError(`complex.det: a must be a square matrix, got shape ${shapeToString(shapes[0]!)}`);
    return [[], []];
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const [re, im] = inputs as [NDArray, NDArray];
    this.inferShape([re.shape]);
    const n = re.shape[0]!;
    const ar = Float64Array.from(re.data as ArrayLike<number>);
    const ai = Float64Array.from(im.data as ArrayLike<number>);
    let dr = 1;
    let di = 0;
    for (let k = 0; k < n; k++) {
      let p = k;
      let best = -1;
      for (let i = k; i < n; i++) {
        const m = Math.hypot(ar[i * n + k]!, ai[i * n + k]!);
        if (m > best) [best, p] = [m, i];
      }
      // an exactly singular matrix: 0, as NumPy's (LAPACK's getrf leaves the zero pivot; the product is 0)
      if (best === 0) return [result([], node.outputs[0]!.dtype, [0]), result([], node.outputs[1]!.dtype, [0])];
      if (p !== k) {
        for (let j = 0; j < n; j++) {
          [ar[k * n + j], ar[p * n + j]] = [ar[p * n + j]!, ar[k * n + j]!];
          [ai[k * n + j], ai[p * n + j]] = [ai[p * n + j]!, ai[k * n + j]!];
        }
        dr = -dr;
        di = -di;
      }
      const pr = ar[k * n + k]!;
      const pi = ai[k * n + k]!;
      [dr, di] = [dr * pr - di * pi, dr * pi + di * pr];
      const den = pr * pr + pi * pi;
      for (let i = k + 1; i < n; i++) {
        // l = a[i][k] / pivot
        const xr = ar[i * n + k]!;
        const xi = ai[i * n + k]!;
        const lr = (xr * pr + xi * pi) / den;
        const li = (xi * pr - xr * pi) / den;
        for (let j = k + 1; j < n; j++) {
          const ur = ar[k * n + j]!;
          const ui = ai[k * n + j]!;
          ar[i * n + j]! -= lr * ur - li * ui;
          ai[i * n + j]! -= lr * ui + li * ur;
        }
      }
    }
    return [result([], node.outputs[0]!.dtype, [dr]), result([], node.outputs[1]!.dtype, [di])];
  }
}

/**
 * `numpy.linalg.det(a)` of a complex matrix (a real one is T.nlinalg.det):
 * complex LU with partial pivoting on the host in float64, its result
 * cast to a's part dtype; 1 for a 0 x 0 matrix, 0 for an exactly singular
 * one (NumPy's). Differentiable: g conj(det(a) a^-T), infinite or NaN
 * where a is singular, as the real det's.
 */
export function det(a: ComplexLike): ComplexVariable {
  const z = asComplex(a, 'complex.det: a');
  if (z.ndim !== 2) throw new TypeError(`complex.det: a must be a square matrix, got ${String(z)} with ${z.ndim} dimensions`);
  const [re, im] = broadcastParts(z);
  const [dr, di] = applyNode(new ComplexDet(), [re, im]).outputs;
  return new ComplexVariable(dr!, di!);
}
