/**
 * CustomOp: the base class of an op written outside sym (Theano's
 * `theano.Op`, "Making a new Op"). Its kind, `'Custom'`, is the one
 * `OpKind` that names no op of sym's own: `@sym/grad`'s rule table sends
 * it to the op's own `grad` method, so a library adds ops without editing
 * sym's packages, while the table stays exhaustive over sym's own kinds.
 */
import { Apply, Op, applyNode, asTensor, type TensorLike } from './op.js';
import type { TensorVariable } from './variable.js';
import { NDArray, shapeToString } from './ndarray.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';

/**
 * A parameter of a custom op (Theano's `__props__`): what makes two
 * instances of one class compute different things (an axis, a constant).
 */
export type CustomOpParam = string | number | boolean | null | readonly (string | number | boolean | null)[];

/**
 * The base of an op of your own: declare its types (`outputTypes`), its
 * shapes (`inferShape`), a reference `perform` (plain TypeScript, which
 * DebugMode, constant folding and the conformance suite use), how it
 * lowers to the kernel IR (`lower`, through the `LowerContext`: so it runs
 * on every backend, and fusion merges an elementwise lowering with its
 * neighbours), and, to be differentiable, its `grad`.
 *
 * `lower` is required: there is no host fallback that would run `perform`
 * between a program's kernels (every op of a function runs on its device).
 * A class without one is refused when it is constructed.
 *
 * `name` (unique among your ops: `'mylib.Softsign'`) and `params()` make
 * the op's `key()`, which the optimizer merges equal nodes by, and its
 * `toString()` (`Softsign`, `CumMax{axis=1}`), which pp, debugprint and
 * error messages show.
 *
 * ```ts
 * class Softsign extends sym.CustomOp {
 *   readonly name = 'Softsign';
 *   outputTypes(inputs: readonly sym.TensorVariable[]) { return [inputs[0]!.type]; }
 *   inferShape(shapes: readonly sym.StaticShape[]) { return [shapes[0]!]; }
 *   perform([x]: readonly sym.NDArray[]) { return [sym.fill(x!.shape, x!.dtype, (i) => x!.data[i]! / (1 + Math.abs(x!.data[i]!)))]; }
 *   lower(ctx: sym.LowerContext, [x]: readonly sym.TensorView[]) { ... ctx.elementwise(...) ... }
 *   grad([x]: readonly sym.TensorVariable[], [g]: readonly sym.TensorVariable[]) { return [g!.div(T.sqr(T.abs(x!).add(1)))]; }
 * }
 * const y = new Softsign().apply(x);
 * ```
 */
export abstract class CustomOp extends Op {
  readonly kind = 'Custom' as const;
  /** How the op is named in `toString()`, pp, debugprint and errors; part of its `key()`, so unique among your ops. */
  abstract readonly name: string;
  /**
   * Its gradient: given the node's inputs, the gradient of the cost with
   * respect to each of its outputs (zeros for an output that receives
   * none) and its outputs, the gradient with respect to each input. An
   * entry is a variable of the input's dtype and rank, a number or array
   * (broadcast to the input's shape; `0` is a zero gradient), or `null`:
   * no gradient flows to that input (Theano's DisconnectedType: an input
   * read only for its shape, an index). Without it, differentiating
   * through the op raises an error that names it. `Rop` needs nothing
   * more: sym builds J v from this gradient (two L-operators), so a
   * custom op has no `R_op` of its own to write.
   */
  grad?(inputs: readonly TensorVariable[], outputGrads: readonly TensorVariable[], outputs: readonly TensorVariable[]): readonly (TensorLike | null)[];

  constructor() {
    super();
    // TypeScript refuses a subclass without these (they are abstract); this is for JavaScript callers, whose
    // missing method would otherwise fail later as "op.perform is not a function" (DebugMode, constant folding)
    const missing = REQUIRED_METHODS.filter((m) => typeof (this as unknown as Record<string, unknown>)[m] !== 'function');
    if (missing.includes('lower')) {
      const others = missing.filter((m) => m !== 'lower');
      throw new TypeError(
        `CustomOp ${new.target.name}: no lower method. A custom op must lower to the kernel IR through its LowerContext ` +
          `(ctx.elementwise, ctx.indexed, ctx.reduce, ...): sym has no host fallback that would run perform between a program's kernels` +
          (others.length ? ` (it has no ${others.join(', ')} method either)` : ''),
      );
    }
    if (missing.length) {
      throw new TypeError(
        `CustomOp ${new.target.name}: no ${missing.join(', ')} method${missing.length > 1 ? 's' : ''}. A custom op declares its output types (outputTypes), ` +
          `their static shapes (inferShape) and a reference implementation (perform, which DebugMode and constant folding run)`,
      );
    }
    // what the op's own perform and lower return is checked against its node wherever they run (constant folding,
    // DebugMode, the schedule): a wrong count or dtype otherwise came out as a folded constant of the wrong shape,
    // a function output of another dtype than its variable, or "Missing input: Op.0 ... is not an input"
    const perform = this.perform;
    const lower = this.lower;
    Object.defineProperties(this, {
      perform: { value: (inputs: readonly NDArray[], node: Apply) => checkPerformed(this, node, inputs, perform.call(this, inputs, node)), writable: true, configurable: true },
      lower: { value: (ctx: LowerContext, inputs: readonly TensorView[], node: Apply) => checkLowered(this, node, lower.call(this, ctx, inputs, node)), writable: true, configurable: true },
    });
  }

  /** The parameters that tell two instances apart (Theano's `__props__`); none by default. */
  params(): Readonly<Record<string, CustomOpParam>> {
    return {};
  }

  /**
   * `custom:"name"{params}`: equal keys mean equal computations, merged by
   * the optimizer. The name is quoted, so that no name can pass for
   * another's parameters; a name that is not a non-empty string, or a
   * parameter outside `CustomOpParam` (an object, which would print as
   * `[object Object]` whatever it holds), is refused: two different ops
   * would share a key and be merged.
   */
  key(): string {
    const name: unknown = this.name;
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(
        `CustomOp ${this.constructor.name}: name must be a non-empty string (unique among your ops: it makes the op's key, which the optimizer merges equal nodes by); got ${
          typeof name === 'string' ? 'an empty string' : String(name)
        }`,
      );
    }
    return `custom:${JSON.stringify(name)}${paramsText(checkedParams(this, name), true)}`;
  }

  /** `name`, or `name{axis=1}` with parameters. */
  toString(): string {
    return `${this.name}${paramsText(this.params(), false)}`;
  }

  /**
   * The node applying this op to `inputs` (numbers and arrays become
   * constants); its types and static shapes are inferred, and checked,
   * here.
   */
  applyNode(...inputs: TensorLike[]): Apply {
    this.key(); // a missing name or a parameter that cannot be keyed is refused here, where the op is used
    return applyNode(
      this,
      inputs.map((x, i) => asTensor(x, `${this.toString()}: input ${i}`)),
    );
  }

  /** The output of the op applied to `inputs`; for an op of several outputs, `applyAll`. */
  apply(...inputs: TensorLike[]): TensorVariable {
    const outs = this.applyNode(...inputs).outputs;
    if (outs.length !== 1) throw new TypeError(`${this.toString()}.apply: the op has ${outs.length} outputs; use applyAll to get them all`);
    return outs[0]!;
  }

  /** Every output of the op applied to `inputs`. */
  applyAll(...inputs: TensorLike[]): TensorVariable[] {
    return [...this.applyNode(...inputs).outputs];
  }
}

type Scalar = string | number | boolean | null;

/** `results`, one per output of `node`, or a TypeError naming the op and what `method` returned instead. */
function checkCount<R>(op: CustomOp, node: Apply, method: string, results: unknown): R[] {
  const n = node.outputs.length;
  if (Array.isArray(results) && results.length === n) return results as R[];
  const got = Array.isArray(results) ? `${results.length}` : results === null ? 'null' : typeof results;
  throw new TypeError(`${op}: ${method} must return a list of ${n} value(s), one per output (as outputTypes declares), got ${got}`);
}

/** The op's `perform` results, checked to have its outputs' dtypes and the shapes its inferShape gives for these inputs. */
function checkPerformed(op: CustomOp, node: Apply, inputs: readonly NDArray[], results: unknown): NDArray[] {
  const rs = checkCount<NDArray>(op, node, 'perform', results);
  const shapes = op.inferShape(
    inputs.map((x) => x.shape),
    node,
  );
  rs.forEach((r, i) => {
    const out = node.outputs[i]!;
    if (!(r instanceof NDArray)) throw new TypeError(`${op}: perform's output ${i} must be an NDArray (sym.fill, sym.array), got ${r === null ? 'null' : typeof r}`);
    if (r.dtype !== out.dtype) throw new TypeError(`${op}: perform's output ${i} has dtype ${r.dtype}, where outputTypes gives ${out.dtype}`);
    const want = shapes[i] ?? [];
    if (r.shape.length !== want.length || r.shape.some((d, k) => want[k] !== null && want[k] !== undefined && d !== want[k])) {
      throw new RangeError(`${op}: perform's output ${i} has shape ${shapeToString(r.shape)}, where inferShape gives ${shapeToString(want)} for inputs of shapes ${inputs.map((x) => shapeToString(x.shape)).join(', ')}`);
    }
  });
  return rs;
}

/** The op's `lower` results, checked to be one view per output of its dtype (the schedule checks their shapes). */
function checkLowered(op: CustomOp, node: Apply, results: unknown): TensorView[] {
  const vs = checkCount<TensorView>(op, node, 'lower', results);
  vs.forEach((v, i) => {
    const out = node.outputs[i]!;
    if (v?.dtype !== out.dtype) throw new TypeError(`${op}: lower's output ${i} has dtype ${v?.dtype}, where outputTypes gives ${out.dtype} (cast it in the kernel: an apply of 'cast')`);
  });
  return vs;
}

/** The methods a custom op must have (abstract in TypeScript), checked when a JavaScript subclass is constructed. */
const REQUIRED_METHODS = ['outputTypes', 'inferShape', 'perform', 'lower'] as const;

// undefined is outside the type, but keyed apart from everything else ("undefined", strings being quoted): an unset option of a JavaScript op
const isScalarParam = (v: unknown): v is Scalar => v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** `op.params()`, each value checked to be a `CustomOpParam` (for JavaScript callers: TypeScript refuses the others). */
function checkedParams(op: CustomOp, name: string): Readonly<Record<string, CustomOpParam>> {
  const params: unknown = op.params();
  const describe = (v: unknown): string =>
    v === null || v === undefined
      ? String(v)
      : Array.isArray(v)
        ? 'an array holding another value (an array, an object)'
        : typeof v === 'object'
          ? `an object (${(v as { constructor?: { name?: string } }).constructor?.name ?? 'without a prototype'})`
          : typeof v === 'symbol' || typeof v === 'function'
            ? `a ${typeof v}`
            : `${typeof v} ${String(v)}`.slice(0, 80);
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new TypeError(`CustomOp ${name}: params() must return an object of parameters by name, got ${Array.isArray(params) ? 'an array' : describe(params)}`);
  }
  for (const [k, v] of Object.entries(params)) {
    if (isScalarParam(v) || (Array.isArray(v) && v.every(isScalarParam))) continue;
    throw new TypeError(
      `CustomOp ${name}: parameter ${k} must be a string, number, boolean, null or an array of those (parameters make the op's key, ` +
        `which the optimizer merges equal nodes by); got ${describe(v)}`,
    );
  }
  return params as Readonly<Record<string, CustomOpParam>>;
}

/** A parameter in a key: strings quoted (a comma or brace inside one cannot make two keys equal), numbers exact (-0, Infinity and NaN kept apart). */
function exactText(v: Scalar): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  return String(v);
}

/** `{axis=1, keep=true}`: the parameters by name, in a key exactly, in a printed name as they read. */
function paramsText(params: Readonly<Record<string, CustomOpParam>>, exact: boolean): string {
  const names = Object.keys(params).sort();
  if (names.length === 0) return '';
  const one = (v: Scalar): string => (exact ? exactText(v) : String(v));
  const text = (v: CustomOpParam): string => (Array.isArray(v) ? `[${(v as readonly Scalar[]).map(one).join(', ')}]` : one(v as Scalar));
  return `{${names.map((n) => `${n}=${text(params[n]!)}`).join(', ')}}`;
}
