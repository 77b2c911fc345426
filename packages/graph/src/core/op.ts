/**
 * Ops and Apply nodes. An op is declared once: its type inference, its
 * shape inference, its reference `perform` (plain TypeScript over typed
 * arrays: the ground truth DebugMode and the conformance suite compare
 * against), and how it lowers to the kernel IR.
 */
import type { DType } from './dtype.js';
import { KIND, castScalar, intRange, isDType, isIntLiteral, promote, promoteAll } from './dtype.js';
import { config } from './config.js';
import { NDArray, array, isTypedArray, shapeToString, type NestedArray } from './ndarray.js';
import { TensorType } from './type.js';
import { TensorConstant, TensorVariable, type StaticShape } from './variable.js';
import type { LowerContext, TensorView } from '../kernel/lower.js';

/**
 * The kinds of op sym has; `@sym/grad` keys its rule table by these.
 * `Gradient` marks the ops `@sym/grad` itself defines (identity in the
 * forward pass with an altered gradient, such as `zeroGrad` or `gradClip`,
 * and helpers its gradient graphs use); each carries its own rule.
 * `Custom` marks ops written outside sym (`CustomOp`), which carry their
 * own gradient (`CustomOp.grad`).
 */
export type OpKind =
  | 'Elemwise'
  | 'Reduce'
  | 'Dot'
  | 'BatchedDot'
  | 'DimShuffle'
  | 'Reshape'
  | 'Softmax'
  | 'Shape'
  | 'Subtensor'
  | 'IncSubtensor'
  | 'AdvancedSubtensor1'
  | 'AdvancedIncSubtensor1'
  | 'Join'
  | 'JoinSplit'
  | 'Im2Col'
  | 'Col2Im'
  | 'Scan'
  | 'OpFromGraph'
  | 'MatchLength'
  | 'SpecifyShape'
  | 'CheckIndex'
  | 'Alloc'
  | 'ARange'
  | 'DFT'
  | 'FFT'
  | 'Random'
  | 'WithUpdates'
  | 'Sort'
  | 'TakeAlongAxis'
  | 'MatrixInverse'
  | 'Det'
  | 'Cholesky'
  | 'Solve'
  | 'QR'
  | 'Eigh'
  | 'SVD'
  | 'HostOp'
  | 'Gradient'
  | 'Custom';

/**
 * A computation a graph node applies (Theano's `Op`): its output types and
 * shapes and how to merge equal ones; the backends lower each kind. Users
 * write their own ops as `sym.CustomOp` (or `OpFromGraph`).
 */
export abstract class Op {
  /** Which op this is, for lowering, gradients and rewrites. */
  abstract readonly kind: OpKind;
  /** Equal keys mean equal computations (used to merge duplicate nodes). */
  abstract key(): string;
  /** Output types of a node applying this op; throws an error that names the op and its inputs. */
  abstract outputTypes(inputs: readonly TensorVariable[]): TensorType[];
  /**
   * Output shapes from input shapes. At graph build time dimensions may be
   * null (unknown); at run time all are numbers. Throws on a mismatch,
   * naming the op and the shapes.
   */
  abstract inferShape(shapes: readonly StaticShape[], node: Apply): StaticShape[];
  /** Reference implementation. */
  abstract perform(inputs: readonly NDArray[], node: Apply): NDArray[];
  /** Emit kernels computing the outputs. */
  abstract lower(ctx: LowerContext, inputs: readonly TensorView[], node: Apply): TensorView[];
  /** How debugprint names it: `Elemwise{add}`. */
  abstract toString(): string;
  /**
   * Inputs whose values (not only shapes) lowering needs, such as a scan's
   * n_steps. They must be integer scalars computed from constants and the
   * function's inputs; programs are then made per value.
   */
  staticInputs?(node: Apply): readonly number[];
  /**
   * Its value changes from call to call (a random variable's sample): it is
   * never folded into a constant, even when its inputs are constants.
   */
  varies?(): boolean;
  /**
   * Outputs may hold infinities by design (a max pool's windows padded with
   * -inf): DebugMode and NanGuardMode do not report them (NaN still).
   */
  infinitiesByDesign?(): boolean;
  /**
   * Its outputs' shapes depend on its inputs' values (nonzero, unique): it
   * never lowers; `sym.function` computes it on the host between programs
   * (see `host-stage.ts`).
   */
  dataDependentShape?(): boolean;
  /** Infix/prefix form for pp, given the printed arguments (and which output is printed, for a node of several). */
  pp?(args: readonly string[], node: Apply, output?: number): string;
}

/**
 * `parts.join(', ')` for printed operands: joined with `+`, which V8 keeps
 * as a rope over the parts, where `join` copies them. pp of a chain of
 * n two-operand calls (maximum(maximum(...), 0)) then keeps n strings
 * sharing their text, not n copies (n^2 characters: 20,000 levels ran out
 * of memory).
 */
export function ppArgs(parts: readonly string[]): string {
  let s = parts[0] ?? '';
  for (let i = 1; i < parts.length; i++) s = s + ', ' + parts[i]!;
  return s;
}

/** A node of a graph (Theano's `Apply`): an op applied to input variables, owning its output variables. */
export class Apply {
  /** The op applied. */
  readonly op: Op;
  /** The variables it reads. */
  readonly inputs: readonly TensorVariable[];
  /** The variables it computes (their `owner` is this node). */
  readonly outputs: readonly TensorVariable[];

  constructor(op: Op, inputs: readonly TensorVariable[], outputTypes: readonly TensorType[], shapes: readonly StaticShape[]) {
    this.op = op;
    this.inputs = inputs;
    this.outputs = outputTypes.map((t, i) => new TensorVariable(t, { owner: this, index: i, staticShape: shapes[i] }));
  }
}

/** Build a node applying `op` to `inputs`: types and static shapes are inferred (and checked) here. */
export function applyNode(op: Op, inputs: readonly TensorVariable[]): Apply {
  const types = op.outputTypes(inputs);
  const probe = { op, inputs, outputs: [] } as unknown as Apply;
  const shapes = op.inferShape(
    inputs.map((v) => v.staticShape),
    probe,
  );
  return new Apply(op, inputs, types, shapes);
}

/** Apply a single-output op. */
export function apply1(op: Op, inputs: readonly TensorVariable[]): TensorVariable {
  return applyNode(op, inputs).outputs[0]!;
}

/** Anything that can stand for a tensor: a variable, a number, nested arrays, an NDArray. */
export type TensorLike = TensorVariable | number | boolean | NDArray | NestedArray;

/** `T.constant(value)`: broadcastable where the value has length 1, as in Theano. */
export function constant(value: NDArray | NestedArray, options: { name?: string; dtype?: DType } = {}): TensorConstant {
  if (options.dtype !== undefined && !isDType(options.dtype)) throw new TypeError(`constant: unknown dtype ${String(options.dtype)}`);
  const weak = (typeof value === 'number' || typeof value === 'boolean') && options.dtype === undefined;
  let v: NDArray;
  if (typeof value === 'number' && options.dtype === undefined) {
    // an integer int64 holds is int64, also past 2^53 (NumPy's int64 + 2**60 is int64); 1e20 is a float
    v = array(value, { dtype: isIntLiteral(value) ? 'int64' : config.floatX });
  } else v = array(value as NDArray | NestedArray, options.dtype ? { dtype: options.dtype } : {});
  const type = new TensorType(v.dtype, v.shape.map((d) => d === 1));
  return new TensorConstant(type, v, { name: options.name, weak, literal: weak && typeof value === 'number' ? value : undefined });
}

/**
 * `x` as a symbolic tensor: a variable as itself; a number, boolean, array
 * or NDArray as a constant (a number literal weak, see the guide's dtypes).
 * Throws a TypeError naming `what` for anything else (a list holding
 * variables: use `T.stack`).
 */
export function asTensor(x: TensorLike, what = 'argument'): TensorVariable {
  if (x instanceof TensorVariable) return x;
  // Theano's as_tensor_variable stacks [x.shape[0], 2]; here the list would reach the value checks, named "value"
  const at = Array.isArray(x) ? symbolicAt(x) : null;
  if (at) throw new TypeError(`${what}: a list holding symbolic variables (${at.v} at ${at.path}) is not a tensor; T.stack(list) makes one of it (Theano's as_tensor_variable stacks such a list)`);
  if (typeof x === 'number' || typeof x === 'boolean' || Array.isArray(x) || x instanceof NDArray || isTypedArray(x)) {
    return constant(x as NDArray | NestedArray);
  }
  // a sym.sparse variable (not imported here: sparse/ builds on this module)
  if (typeof x === 'object' && x !== null && 'majorIds' in x && 'format' in x) {
    throw new TypeError(`${what}: got the sparse variable ${String(x)}, which dense ops do not take; use sym.sparse's ops (sparse.dot, sparse.spSum, ...) or sparse.denseFromSparse(x)`);
  }
  // a sym.complex variable (not imported here either)
  if (typeof x === 'object' && x !== null && 're' in x && 'im' in x && 'conj' in x) {
    throw new TypeError(`${what}: got the complex variable ${String(x)}, which real ops do not take; use sym.complex's ops (complex.exp(z), z.abs(), ...) or its parts, T.real(z) and T.imag(z)`);
  }
  throw new TypeError(`${what}: expected a symbolic variable, a number or an array, got ${x === null ? 'null' : typeof x}`);
}

/** The first symbolic variable in nested lists, and where. */
function symbolicAt(list: readonly unknown[], path = ''): { v: TensorVariable; path: string } | null {
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (e instanceof TensorVariable) return { v: e, path: `${path}[${i}]` };
    const inner = Array.isArray(e) ? symbolicAt(e, `${path}[${i}]`) : null;
    if (inner) return inner;
  }
  return null;
}

const KIND_ORDER = { b: 0, u: 1, i: 1, f: 2 } as const;

/**
 * The dtype several operands compute in. Weak constants (JS number literals)
 * follow NEP 50: they take the dtype of the strong operands when their kind
 * fits (int literal with int array: the array's dtype; float literal with
 * float array: the array's), and widen it only across kinds (float literal
 * with an int array: float64). Literals alone take the dtype of the literals
 * of the widest kind among them (1 - 0.3: floatX), float64 where an integer
 * among them is not exact in it.
 */
export function resultDType(vars: readonly TensorVariable[], options: { what?: string; widenOnOverflow?: boolean } = {}): DType {
  const strong = vars.filter((v) => !(v instanceof TensorConstant && v.weak));
  const weak = vars.filter((v) => v instanceof TensorConstant && v.weak) as TensorConstant[];
  if (strong.length === 0) {
    // literals alone are Python's numbers: 1 - 0.3 is a float, floatX as 0.3 is (Theano's int8 - float32
    // under floatX=float32), not int64 promoted with float32 to float64
    // ... unless an integer among them is not exact there (2 ** 24 + 1 - 0.5 computes in float64)
    const top = Math.max(...weak.map((w) => KIND_ORDER[KIND[w.dtype]]));
    const d = weak.filter((w) => KIND_ORDER[KIND[w.dtype]] === top).map((v) => v.dtype).reduce(promote);
    if (KIND[d] !== 'f' || d === 'float64') return d;
    const exact = weak.every((w) => KIND[w.dtype] === 'f' || castScalar(w.value.data[0]!, d) === w.value.data[0]);
    return exact ? d : 'float64';
  }
  let d = promoteAll(strong.map((v) => v.dtype));
  for (const w of weak) {
    if (KIND_ORDER[KIND[w.dtype]] > KIND_ORDER[KIND[d]]) d = KIND[w.dtype] === 'f' ? 'float64' : 'int64';
  }
  // NEP 50: an integer literal that does not fit the array's integer dtype is
  // an error (numpy raises OverflowError), except in comparisons, which compare
  // exactly in a wider dtype
  if (KIND[d] === 'i' || KIND[d] === 'u') {
    const [lo, hi] = intRange(d);
    for (const w of weak) {
      if (KIND[w.dtype] === 'f' || KIND[w.dtype] === 'b') continue;
      const x = w.value.data[0]!;
      // an int64 holds every integer literal (intRange's int64 is only the part exact in its storage, +-2^53)
      if (d === 'int64' || (x >= lo && x <= hi)) continue;
      if (options.widenOnOverflow) {
        d = 'int64'; // integer literals are int64's: it holds them and every integer dtype
        continue;
      }
      throw new TypeError(
        `${options.what ?? 'operation'}: the literal ${x} does not fit in ${d} (range [${lo}, ${hi}]) of ` +
          `${strong.map((v) => v.toString()).join(', ')}; cast the operand first (.astype(...)) or give the constant a dtype (T.constant(${x}, { dtype }))`,
      );
    }
  }
  return d;
}

export function describeVar(v: TensorVariable): string {
  return `${v.toString()} ${v.type.toString()}`;
}

export { shapeToString };
