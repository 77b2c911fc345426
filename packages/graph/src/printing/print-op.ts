/**
 * `sym.Print(message)(x)`: Theano's `theano.printing.Print`, x itself,
 * printing `message __str__ = value` each time a call computes it ("how do
 * I print an intermediate value in a function?"). The value is printed on
 * the host, so the op runs between programs there (as `asOp`'s): a
 * debugging aid that costs a read back. Inside a scan's step it prints
 * once per step (the loop runs a step at a time, host-stage.ts). Its
 * gradient is the output's, as Theano's.
 */
import { shapeToString, type NDArray } from '../core/ndarray.js';
import { applyNode, asTensor, type TensorLike } from '../core/op.js';
import { HostOp } from '../ops/host.js';
import type { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import { checkOptionNames } from '../core/options.js';

/** What Print can show of the value (Theano's `attrs`): the value itself (`__str__`), its shape, dtype, size or ndim. */
export type PrintAttr = '__str__' | 'shape' | 'dtype' | 'size' | 'ndim';
const ATTRS: readonly PrintAttr[] = ['__str__', 'shape', 'dtype', 'size', 'ndim'];
let printsWithLog = 0;

/** The op of `Print`: an identity printing its input where a call computes it. */
export class PrintOp extends HostOp {
  constructor(
    /** The text printed before the value. */
    readonly message: string,
    /** What is shown of the value. */
    readonly attrs: readonly PrintAttr[],
    /** Where the lines go; undefined: console.log. */
    readonly log: ((line: string) => void) | undefined,
  ) {
    super();
    this.#own = log === undefined ? '' : `:${printsWithLog++}`;
  }
  /** Two Prints of one message and attributes are one op (merged, as Theano's), unless their lines go to logs of their own. */
  readonly #own: string;
  key(): string {
    return `Print:${JSON.stringify(this.message)}:${this.attrs.join(',')}${this.#own}`;
  }
  override toString(): string {
    return `Print{${this.message}}`;
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    return [inputs[0]!.type];
  }
  inferShape(shapes: readonly StaticShape[]): StaticShape[] {
    return [shapes[0]!];
  }
  perform([x]: readonly NDArray[]): NDArray[] {
    for (const attr of this.attrs) {
      const shown = attr === '__str__' ? x!.toString() : attr === 'shape' ? shapeToString(x!.shape) : String(x![attr]);
      const line = `${this.message} ${attr} = ${shown}`;
      // @sym/graph is built without any environment's types (no DOM, no Node): console is reached through globalThis
      if (this.log) this.log(line);
      else (globalThis as { console?: { log(line: string): void } }).console?.log(line);
    }
    return [x!.copy()];
  }
  // printed on the host, where the value is read back: between programs, as the ops whose shapes depend on values
  override dataDependentShape(): boolean {
    return true;
  }
}

/**
 * Theano's `theano.printing.Print(message, attrs=('__str__',))`: a function
 * of x returning x, which prints `message __str__ = value` (and each other
 * attribute asked for) whenever a call computes it.
 *
 * ```ts
 * const xPrinted = sym.Print('this is a very important value')(x);
 * const f = sym.function([x], xPrinted.mul(5)); // f([1, 2, 3]) prints: this is a very important value __str__ = [1. 2. 3.]
 * ```
 */
export function Print(message = '', options: { attrs?: readonly PrintAttr[]; log?: (line: string) => void } = {}): (x: TensorLike) => TensorVariable {
  if (typeof message !== 'string') throw new TypeError(`Print: the message must be a string, got ${typeof message}`);
  checkOptionNames(options, 'Print', ['attrs', 'log']);
  const attrs = options.attrs ?? ['__str__'];
  const bad = attrs.find((a) => !ATTRS.includes(a));
  if (bad !== undefined) throw new TypeError(`Print: unknown attribute ${JSON.stringify(bad)}; the attributes are ${ATTRS.join(', ')}`);
  if (options.log !== undefined && typeof options.log !== 'function') throw new TypeError(`Print: log must be a function of a line, got ${typeof options.log}`);
  const op = new PrintOp(message, attrs, options.log);
  return (x) => applyNode(op, [asTensor(x, 'Print')]).outputs[0]!;
}
