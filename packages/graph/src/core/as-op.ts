/**
 * `sym.asOp({ itypes, otypes }, fn)`: Theano's `@as_op(itypes, otypes)`,
 * an op made from a plain function of arrays. Having no lowering, it runs
 * on the host between programs, as the ops whose shapes depend on their
 * values do (host-stage.ts): a program computes its inputs, the values are
 * read back, `fn` runs, and its results are inputs of the next program
 * (inside a scan's step, once per step: the loop runs a step at a time).
 * As Theano's, it has no gradient; an op to differentiate is a `CustomOp`.
 */
import { convertValue } from './convert.js';
import { NDArray, shapeToString } from './ndarray.js';
import { applyNode, asTensor, type Apply, type TensorLike } from './op.js';
import { HostOp } from '../ops/host.js';
import type { TensorType } from './type.js';
import type { StaticShape, TensorVariable } from './variable.js';
import { checkOptionNames } from './options.js';

/** What `asOp` takes besides the function (Theano's `as_op(itypes, otypes, infer_shape)`). */
export interface AsOpOptions {
  /** The types of the inputs, in order: an input of another type is refused when the op is applied. */
  readonly itypes: readonly TensorType[];
  /** The types of the outputs, in order: the function's results are converted to them (a lossy cast is refused). */
  readonly otypes: readonly TensorType[];
  /** The output shapes from the input shapes, where known (null lengths: unknown); by default every length is unknown. */
  readonly inferShape?: (shapes: readonly StaticShape[]) => readonly StaticShape[];
  /** The op's name in pp, debugprint and errors; defaults to the function's name. */
  readonly name?: string;
}

let made = 0;

/** The op `asOp` makes: its function's results on the host. */
export class AsOp extends HostOp {
  readonly #id = made++;
  constructor(
    readonly label: string,
    readonly options: AsOpOptions,
    readonly fn: (...inputs: NDArray[]) => NDArray | NDArray[] | unknown,
  ) {
    super();
  }
  // two asOp of the same function are two ops, as Theano's (functions cannot be compared)
  key(): string {
    return `asOp:${this.#id}:${this.label}`;
  }
  override toString(): string {
    return this.label;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    const { itypes, otypes } = this.options;
    if (inputs.length !== itypes.length) throw new TypeError(`${this.label}: expected ${itypes.length} input${itypes.length === 1 ? '' : 's'}, got ${inputs.length}`);
    inputs.forEach((v, i) => {
      if (!v.type.equals(itypes[i]!)) throw new TypeError(`${this.label}: input ${i} (${v}) has type ${v.type}, but itypes[${i}] is ${itypes[i]}`);
    });
    return [...otypes];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    const given = this.options.inferShape?.(shapes);
    return this.options.otypes.map((t, i) => given?.[i] ?? t.broadcastable.map((b) => (b ? 1 : null)));
  }
  perform(inputs: readonly NDArray[], node: Apply): NDArray[] {
    const result = this.fn(...inputs.map((x) => x.copy()));
    const otypes = this.options.otypes;
    // one output: the result is it (a nested list of numbers too), or a list holding it; several: a list of them
    const single = Array.isArray(result) && result.length === 1 && result[0] instanceof NDArray;
    const results = otypes.length === 1 && !single ? [result] : result;
    if (!Array.isArray(results) || results.length !== otypes.length) {
      throw new TypeError(`${this.label}: the function must return ${otypes.length === 1 ? 'one array' : `a list of ${otypes.length} arrays`} (otypes), got ${Array.isArray(results) ? `a list of ${results.length}` : typeof results}`);
    }
    const outputs = results.map((r, i) => convertValue(r, node.outputs[i]!.type, `${this.label}: output ${i}`));
    // the rewrites take the lengths inferShape declares for the real ones (a shape compiles to them): a result of
    // other lengths would make those silently wrong, so it is refused
    const declared = this.inferShape(inputs.map((x) => x.shape));
    outputs.forEach((out, i) => {
      const want = declared[i]!;
      if (want.some((n, d) => n !== null && n !== undefined && n !== out.shape[d])) {
        throw new RangeError(`${this.label}: output ${i} has shape ${shapeToString(out.shape)}, but inferShape gives ${shapeToString(want)} for inputs of shape ${inputs.map((x) => shapeToString(x.shape)).join(', ')}`);
      }
    });
    return outputs;
  }
  // the function, not the program, decides the shapes: the op runs on the host, between programs
  override dataDependentShape(): boolean {
    return true;
  }
}

/**
 * Theano's `as_op`: an op computing `fn` (arrays in, an array or a list
 * of arrays out), applied like a function: `asOp({ itypes: [T.dmatrix().type],
 * otypes: [T.dmatrix().type] }, (x) => ...)(x)` is a variable. It runs
 * on the host (the values are read back from a device and the results
 * written to it), costs a program boundary, and has no gradient.
 */
export function asOp(options: AsOpOptions, fn: (...inputs: NDArray[]) => NDArray | NDArray[] | unknown): (...inputs: TensorLike[]) => TensorVariable | TensorVariable[] {
  checkOptionNames(options, 'asOp', ['itypes', 'otypes', 'inferShape', 'name']);
  if (typeof fn !== 'function') throw new TypeError(`asOp: the second argument must be the function to wrap, got ${typeof fn}`);
  if (!Array.isArray(options.itypes) || !Array.isArray(options.otypes) || options.otypes.length === 0) {
    throw new TypeError('asOp: itypes and otypes must be lists of TensorTypes (x.type of a variable of that type), otypes not empty');
  }
  const label = options.name ?? (fn.name || 'asOp');
  const op = new AsOp(label, options, fn);
  return (...inputs) => {
    const node = applyNode(op, inputs.map((x, i) => asTensor(x, `${label}: input ${i}`)));
    return node.outputs.length === 1 ? node.outputs[0]! : [...node.outputs];
  };
}
