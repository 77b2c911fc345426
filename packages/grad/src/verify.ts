/**
 * `verifyGrad`: Theano's `verify_grad`. The output of `fn` is projected on a
 * random array to a scalar cost; its symbolic gradient is compared with
 * central finite differences computed in float64, and the worst element is
 * reported.
 */
import * as sym from '@sym/graph';
import { NDArray, T, TensorVariable, array, checkOptionNames, type NestedArray } from '@sym/graph';
import { grad } from './grad.js';

/** Options of {@link verifyGrad} (Theano's `verify_grad` eps, abs_tol, rel_tol, rng). */
export interface VerifyGradOptions {
  /** Finite-difference step (default 1e-6; 1e-3 when `fn` computes in float32, 1e-1 in float16). */
  readonly eps?: number;
  /** Absolute tolerance (default Theano's for the lowest float precision `fn` computes in: 1e-4 for float64, 1e-2 for float32, 5e-2 for float16). */
  readonly absTol?: number;
  /** Relative tolerance (the same defaults as `absTol`). */
  readonly relTol?: number;
  /** Uniform numbers in [0, 1) for the random projection (default: `seededRandom(42)`). */
  readonly rng?: () => number;
  /** Broadcastable pattern of each input (default: none broadcastable). */
  readonly broadcastable?: readonly (readonly boolean[] | undefined)[];
}

/** The worst element found, and the largest errors overall. */
export interface VerifyGradReport {
  /** The largest |analytic - numeric| over every element checked. */
  readonly maxAbsErr: number;
  /** The largest |analytic - numeric| / max(|analytic| + |numeric|, 1e-8). */
  readonly maxRelErr: number;
  /** The element furthest past the tolerances (a failing one if any); null when no element was checked. */
  readonly worst: {
    /** Index of its input in `points`. */
    readonly input: number;
    /** Multi-index of the element in its input. */
    readonly index: readonly number[];
    /** The symbolic gradient's value there (of the random projection of the output). */
    readonly analytic: number;
    /** The finite-difference estimate there. */
    readonly numeric: number;
    /** Its absolute error. */
    readonly absErr: number;
    /** Its relative error. */
    readonly relErr: number;
  } | null;
}

/** Raised by `verifyGrad` when a symbolic gradient disagrees with finite differences. */
export class GradientError extends Error {
  /** Always `'GradientError'`. */
  override readonly name = 'GradientError';
  constructor(
    message: string,
    /** The errors measured. */
    readonly report: VerifyGradReport,
  ) {
    super(message);
  }
}

/** A small deterministic generator of uniform numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The defaults for the lowest float precision among the variables `out` is
 * computed from: the inputs are always float64, but a function that rounds
 * them to float32 cannot resolve a step of 1e-6, nor agree to 1e-4 (Theano
 * picks its defaults from the dtypes of the points, `_type_tol`).
 */
function defaultsFor(out: TensorVariable): { eps: number; tol: number } {
  const dtypes = new Set<string>([out.dtype]);
  for (const node of sym.toposort([out])) for (const v of [...node.inputs, ...node.outputs]) dtypes.add(v.dtype);
  if (dtypes.has('float16')) return { eps: 1e-1, tol: 5e-2 };
  if (dtypes.has('float32')) return { eps: 1e-3, tol: 1e-2 };
  return { eps: 1e-6, tol: 1e-4 };
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}

/**
 * Check the symbolic gradient of `fn` at `points` against central finite
 * differences. The inputs are float64; where `fn` computes in float32 the
 * step and tolerances default to Theano's float32 ones. Resolves to a
 * report when every element agrees (within `absTol` or `relTol`, as
 * Theano), rejects with a `GradientError` naming the worst element
 * otherwise.
 *
 * ```ts
 * await verifyGrad((x) => T.tanh(x).sum(), [[0.1, -0.4]]);
 * ```
 */
export async function verifyGrad(
  fn: (...inputs: TensorVariable[]) => TensorVariable,
  points: readonly (NDArray | NestedArray | number)[],
  options: VerifyGradOptions = {},
): Promise<VerifyGradReport> {
  checkOptionNames(options, 'verifyGrad', ['eps', 'absTol', 'relTol', 'rng', 'broadcastable'] satisfies (keyof VerifyGradOptions)[]);
  const rng = options.rng ?? seededRandom(42);
  if (!Array.isArray(points) || points.length === 0) throw new TypeError('verifyGrad: points must be a non-empty list of input values');
  const values = points.map((p, i) => {
    try {
      return array(p as NDArray | NestedArray, { dtype: 'float64' });
    } catch (e) {
      throw new TypeError(`verifyGrad: point ${i} is not an array of numbers: ${(e as Error).message}`);
    }
  });
  const inputs = values.map((v, i) => {
    const bc = options.broadcastable?.[i] ?? v.shape.map(() => false);
    if (bc.length !== v.ndim || bc.some((b, d) => b && v.shape[d] !== 1)) {
      throw new TypeError(`verifyGrad: broadcastable pattern ${JSON.stringify(bc)} of input ${i} does not fit its shape [${v.shape.join(', ')}]`);
    }
    return T.tensor('float64', bc, `verifyGrad_in${i}`);
  });
  const out = fn(...inputs);
  if (!(out instanceof TensorVariable)) throw new TypeError(`verifyGrad: fn must return a symbolic variable, got ${typeof out}`);
  if (!sym.isFloat(out.dtype)) throw new TypeError(`verifyGrad: fn must return a float tensor, got ${out.toString()} of type ${out.type}`);
  const defaults = defaultsFor(out);
  const eps = options.eps ?? defaults.eps;
  const absTol = options.absTol ?? defaults.tol;
  const relTol = options.relTol ?? defaults.tol;
  // fn need not use every input (a constant derivative): that is not the caller's mistake here
  const shape = ((await sym.function(inputs, out, { onUnusedInput: 'ignore' })(...values)) as NDArray).shape;
  const projection = NDArray.zeros(shape, 'float64');
  for (let i = 0; i < projection.size; i++) projection.data[i] = rng() + 0.5;
  const cost = T.sum(T.mul(out, T.constant(projection)));
  const grads = grad(cost, inputs, { disconnectedInputs: 'ignore' });
  const fCost = sym.function(inputs, cost, { onUnusedInput: 'ignore' });
  const analytic = (await sym.function(inputs, grads, { onUnusedInput: 'ignore' })(...values)) as NDArray[];
  const at = async (vals: NDArray[]) => ((await fCost(...vals)) as NDArray).data[0]!;

  let maxAbsErr = 0;
  let maxRelErr = 0;
  let worst: VerifyGradReport['worst'] = null;
  let worstScore = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    for (let j = 0; j < v.size; j++) {
      const shifted = (delta: number) => {
        const copy = new NDArray(v.data.slice(), v.shape, 'float64');
        copy.data[j] = v.data[j]! + delta;
        return values.map((w, k) => (k === i ? copy : w));
      };
      const numeric = ((await at(shifted(eps))) - (await at(shifted(-eps)))) / (2 * eps);
      const a = analytic[i]!.data[j]!;
      const absErr = Math.abs(a - numeric);
      const relErr = absErr / Math.max(Math.abs(a) + Math.abs(numeric), 1e-8);
      maxAbsErr = Math.max(maxAbsErr, absErr);
      maxRelErr = Math.max(maxRelErr, relErr);
      // Failing elements rank by absolute error (their relative errors often tie); passing ones by closeness to failing.
      const fails = Number.isNaN(absErr) || (absErr > absTol && relErr > relTol);
      const score = Number.isNaN(absErr) ? Infinity : fails ? 1 + absErr : Math.min(absErr / absTol, relErr / relTol);
      if (score > worstScore) {
        worstScore = score;
        worst = { input: i, index: unravel(j, v.shape), analytic: a, numeric, absErr, relErr };
      }
    }
  }
  const report: VerifyGradReport = { maxAbsErr, maxRelErr, worst };
  if (worst && worstScore > 1) {
    throw new GradientError(
      `verifyGrad: the gradient of input ${worst.input} at index [${worst.index.join(', ')}] is ${worst.analytic} symbolically ` +
        `but ${worst.numeric} by finite differences (abs err ${worst.absErr.toExponential(3)} > ${absTol}, ` +
        `rel err ${worst.relErr.toExponential(3)} > ${relTol})`,
      report,
    );
  }
  return report;
}
