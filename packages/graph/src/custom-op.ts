/**
 * CustomOp: the base class of an op written outside sym (Theano's
 * `theano.Op`, "Making a new Op"). Its kind, `'Custom'`, is the one
 * `OpKind` that names no op of sym's own: `@sym/grad`'s rule table sends
 * it to the op's own `grad` method, so a library adds ops without editing
 * sym's packages, while the table stays exhaustive over sym's own kinds.
 */
import { Apply, Op, applyNode, asTensor, type TensorLike } from './op.js';
import type { TensorVariable } from './variable.js';

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
    // TypeScript refuses a subclass without `lower` (it is abstract); this is for JavaScript callers
    const lower = (this as { lower?: unknown }).lower;
    if (typeof lower !== 'function') {
      throw new TypeError(
        `CustomOp ${new.target.name}: no lower method. A custom op must lower to the kernel IR through its LowerContext ` +
          `(ctx.elementwise, ctx.indexed, ctx.reduce, ...): sym has no host fallback that would run perform between a program's kernels`,
      );
    }
  }

  /** The parameters that tell two instances apart (Theano's `__props__`); none by default. */
  params(): Readonly<Record<string, CustomOpParam>> {
    return {};
  }

  /** `custom:name{params}`: equal keys mean equal computations, merged by the optimizer. */
  key(): string {
    return `custom:${this.name}${paramsText(this.params(), true)}`;
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
