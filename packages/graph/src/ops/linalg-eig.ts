/**
 * `Eig`: NumPy's `linalg.eig` / `eigvals` of a general square matrix,
 * real (one input) or complex (two: its real and imaginary parts), as the
 * real and imaginary parts of the eigenvalues (and of the unit right
 * eigenvectors). It runs on the host, in float64, between
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
import { complexEig } from '../linalg/eig-complex-host.js';

export class Eig extends HostOp {
  /** `vectors` false: eigvals, the eigenvalues' parts alone; `complexInput`: two inputs, a complex matrix's parts. */
  constructor(
    /** true: NumPy's `eig`, four outputs (the eigenvalues' real and imaginary parts, then the eigenvectors'); false: `eigvals`, the eigenvalues' two parts alone. */
    readonly vectors = true,
    /** true: two inputs, a complex matrix's real and imaginary parts (of one dtype); false: one real matrix. */
    readonly complexInput = false,
  ) {
    super();
  }
  key(): string {
    return `Eig${this.complexInput ? ':complex' : ''}${this.vectors ? '' : ':values'}`;
  }
  override toString(): string {
    const flags = [this.complexInput && 'complex', !this.vectors && 'values'].filter(Boolean);
    return flags.length ? `Eig{${flags.join(', ')}}` : 'Eig';
  }
  override pp(args: readonly string[], node: Apply, output = 0): string {
    const parts = this.vectors ? ['w.real', 'w.imag', 'v.real', 'v.imag'] : ['real', 'imag'];
    const a = this.complexInput ? `${args[0]} + ${args[1]}j` : args[0];
    return `${this.vectors ? 'eig' : 'eigvals'}(${a}).${parts[output] ?? output}`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const what = this.vectors ? 'eig' : 'eigvals';
    const a = inputs[0]!;
    checkMatrix(what, a, 'a');
    if (inputs.length !== (this.complexInput ? 2 : 1)) throw new TypeError(`${this.toString()}: expected ${this.complexInput ? "a complex matrix's two parts" : 'one matrix'}, got ${inputs.length} inputs`);
    if (this.complexInput && (inputs[1]!.dtype !== a.dtype || inputs[1]!.ndim !== 2)) throw new TypeError(`${this.toString()}: the parts must be matrices of one dtype, got ${a.type} and ${inputs[1]!.type}`);
    const d = linalgDType(what, [a]);
    const vector = new TensorType(d, [false]);
    return this.vectors ? [vector, vector, new TensorType(d, [false, false]), new TensorType(d, [false, false])] : [vector, vector];
  }
  inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    const n = this.#side(shapes[0]!, node);
    return this.vectors ? [[n], [n], [n, n], [n, n]] : [[n], [n]];
  }
  /** The matrix as errors name it: a complex one by its parts' names (a.real, a.imag) when it has no other. */
  #name(node: Apply): string {
    const [re, im] = node.inputs.map((v) => nameInError(v));
    if (im === undefined) return re!;
    // a complex input's parts are named z.real and z.imag (T.zmatrix('z'))
    return re!.endsWith('.real') && im === `${re!.slice(0, -'.real'.length)}.imag` ? re!.slice(0, -'.real'.length) : `${re} + i ${im}`;
  }
  #side(shape: StaticShape, node: Apply): number | null {
    const [r, c] = shape as [number | null, number | null];
    if (r !== null && c !== null && r !== c) {
      throw new RangeError(`${this.vectors ? 'eig' : 'eigvals'}: a must be a square matrix, got ${this.#name(node)} of shape ${shapeToString(shape)}`);
    }
    return r ?? c;
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const what = this.vectors ? 'eig' : 'eigvals';
    const a = inputs[0]!;
    const n = this.#side(a.shape, node)!;
    const parts = inputs.map((x) => x.data as ArrayLike<number>);
    parts.forEach((data, p) => {
      for (let i = 0; i < data.length; i++) {
        const x = Number(data[i]);
        if (!Number.isFinite(x)) {
          const where = this.complexInput ? `${p === 0 ? 'a real' : 'an imaginary'} part ${x}` : `${x}`;
          throw new RangeError(`${what}: a (${this.#name(node)}) holds ${where} at (${Math.floor(i / n)}, ${i % n}); the eigenvalues of a matrix with a NaN or infinite entry are not defined (NumPy's LinAlgError "Array must not contain infs or NaNs")`);
        }
      }
    });
    let r;
    try {
      r = this.complexInput ? complexEig(parts[0]!, parts[1]!, n, this.vectors) : realEig(parts[0]!, n, this.vectors);
    } catch (e) {
      if (e instanceof EigConvergenceError) throw new RangeError(`${what}: the eigenvalues of a (${this.#name(node)}, ${n} x ${n}) did not converge: ${e.message} (NumPy's LinAlgError)`);
      throw e;
    }
    const d = node.outputs[0]!.dtype;
    const out = [result([n], d, r.wr), result([n], d, r.wi)];
    if (this.vectors) out.push(result([n, n], d, r.vr), result([n, n], d, r.vi));
    return out;
  }
}

