/**
 * `Eig`: NumPy's `linalg.eig` / `eigvals` of a general real square
 * matrix, as the real and imaginary parts of the eigenvalues (and of the
 * unit right eigenvectors). It runs on the host, in float64, between
 * programs (a HostOp: `sym.function` cuts the graph at it, reads its input
 * back, runs `perform`, and passes its results to the next program), so
 * every backend runs it with no code of its own; see linalg/eig-host.ts
 * for the algorithm and why it is not kernels. `linalg/eig.ts` makes the
 * complex variables of its parts.
 */
import { shapeToString, type NDArray } from '../core/ndarray.js';
import type { Apply } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import { nameInError } from '../core/error-names.js';
import { HostOp } from './host.js';
import { checkMatrix, linalgDType, result } from './linalg.js';
import { EigConvergenceError, realEig } from '../linalg/eig-host.js';

export class Eig extends HostOp {
  /** `vectors` false: eigvals, the eigenvalues' parts alone. */
  constructor(readonly vectors = true) {
    super();
  }
  key(): string {
    return this.vectors ? 'Eig' : 'Eig:values';
  }
  override toString(): string {
    return this.vectors ? 'Eig' : 'Eig{values}';
  }
  override pp(args: readonly string[], node: Apply, output = 0): string {
    const parts = this.vectors ? ['w.real', 'w.imag', 'v.real', 'v.imag'] : ['real', 'imag'];
    return `${this.vectors ? 'eig' : 'eigvals'}(${args[0]}).${parts[output] ?? output}`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const what = this.vectors ? 'eig' : 'eigvals';
    const a = inputs[0]!;
    checkMatrix(what, a, 'a');
    const d = linalgDType(what, [a]);
    const vector = new TensorType(d, [false]);
    return this.vectors ? [vector, vector, new TensorType(d, [false, false]), new TensorType(d, [false, false])] : [vector, vector];
  }
  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const n = this.#side(shapes[0]!, node);
    return this.vectors ? [[n], [n], [n, n], [n, n]] : [[n], [n]];
  }
  #side(shape: StaticShape, node: Apply): number | null {
    const [r, c] = shape as [number | null, number | null];
    if (r !== null && c !== null && r !== c) {
      throw new RangeError(`${this.vectors ? 'eig' : 'eigvals'}: a must be a square matrix, got ${nameInError(node.inputs[0]!)} of shape ${shapeToString(shape)}`);
    }
    return r ?? c;
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const what = this.vectors ? 'eig' : 'eigvals';
    const a = inputs[0]!;
    const n = this.#side(a.shape, node)!;
    const data = a.data as ArrayLike<number>;
    for (let i = 0; i < data.length; i++) {
      const x = Number(data[i]);
      if (!Number.isFinite(x)) {
        throw new RangeError(`${what}: a (${nameInError(node.inputs[0]!)}) holds ${x} at (${Math.floor(i / n)}, ${i % n}); the eigenvalues of a matrix with a NaN or infinite entry are not defined (NumPy's LinAlgError "Array must not contain infs or NaNs")`);
      }
    }
    let r;
    try {
      r = realEig(data, n, this.vectors);
    } catch (e) {
      if (e instanceof EigConvergenceError) throw new RangeError(`${what}: the eigenvalues of a (${nameInError(node.inputs[0]!)}, ${n} x ${n}) did not converge: ${e.message} (NumPy's LinAlgError)`);
      throw e;
    }
    const d = node.outputs[0]!.dtype;
    const out = [result([n], d, r.wr), result([n], d, r.wi)];
    if (this.vectors) out.push(result([n, n], d, r.vr), result([n, n], d, r.vi));
    return out;
  }
}

