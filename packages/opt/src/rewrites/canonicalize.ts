/**
 * Canonicalize: simpler, equivalent forms that later phases match on.
 * Each rewrite answers null when it does not apply; the engine rejects a
 * replacement whose type differs from the node's output.
 */
import { DimShuffle, Reshape, SCALAR_OPS, ShapeI, T, TensorConstant, TensorType, array, castScalar, foldGraph, promoteAll, type Apply, type DType, type TensorVariable } from '@sym/graph';
import { registerRewrite, type NodeRewriter, type RewriteContext } from '../registry.js';
import { buildProduct, dimshuffleOf, elem, fits, hasVariableDivisor, isFloatVar, isNeutral, isSignedZero, hasCancellingFactor, productTerms, scalarOpOf, uniformValue } from '../match.js';

/** x * 1 and 1 * x: x. */
export const mulOne: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'mul') return null;
  const [a, b] = node.inputs as [TensorVariable, TensorVariable];
  if (isNeutral(b, 1, a)) return a;
  if (isNeutral(a, 1, b)) return b;
  return null;
};

/**
 * x + 0, 0 + x and x - 0: x. A float result keeps the sign of a zero as
 * NumPy's: -0 + 0 is +0, so there the zero dropped must be -0 (x + -0 is
 * x for every x) and the one subtracted +0.
 */
export const addZero: NodeRewriter = (node) => {
  const op = scalarOpOf(node);
  if (op !== 'add' && op !== 'sub') return null;
  const [a, b] = node.inputs as [TensorVariable, TensorVariable];
  const float = isFloatVar(node.outputs[0]!);
  const neutral = (c: TensorVariable, other: TensorVariable) => isNeutral(c, 0, other) && (!float || isSignedZero(c, op === 'add'));
  if (neutral(b, a)) return a;
  if (op === 'add' && neutral(a, b)) return b;
  return null;
};

/** 0 - x: -x. In floats only -0 - x (+0 - 0 is +0, -(0) is -0). */
export const subFromZero: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'sub') return null;
  const [c, x] = node.inputs as [TensorVariable, TensorVariable];
  if (!isNeutral(c, 0, x) || (isFloatVar(node.outputs[0]!) && !isSignedZero(c, true))) return null;
  return T.neg(x);
};

/** x * -1 and -1 * x: -x. */
export const mulMinusOne: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'mul') return null;
  const [a, b] = node.inputs as [TensorVariable, TensorVariable];
  if (isNeutral(b, -1, a)) return T.neg(a);
  if (isNeutral(a, -1, b)) return T.neg(b);
  return null;
};

/** --x: x. */
export const negNeg: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'neg') return null;
  const inner = elem(node.inputs[0]!, 'neg');
  return inner ? inner.inputs[0]! : null;
};

/**
 * x + -y and -y + x: x - y, where -y is negated in the add's own dtype (a
 * uint8 -1 is 255, which a float add keeps and a subtraction would not).
 */
export const addNeg: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'add') return null;
  const [a, b] = node.inputs as [TensorVariable, TensorVariable];
  const d = node.outputs[0]!.dtype;
  const nb = elem(b, 'neg');
  if (nb && b.dtype === d) return T.sub(a, nb.inputs[0]!);
  const na = elem(a, 'neg');
  if (na && a.dtype === d) return T.sub(b, na.inputs[0]!);
  return null;
};

/** pow(x, 2) -> x*x, pow(x, 3) -> x*x*x, pow(x, 1) -> x, pow(x, 0.5) -> sqrt(x), pow(x, -1) -> 1/x (floats). */
export const powSpecialize: NodeRewriter = (node) => {
  if (scalarOpOf(node) !== 'pow') return null;
  const c = node.inputs[1] instanceof TensorConstant ? uniformValue(node.inputs[1]) : null;
  if (c === null || !fits(node.inputs[1]!, node.inputs[0]!)) return null;
  const out = node.outputs[0]!;
  // compute in the output dtype, as pow did
  const x = T.cast(node.inputs[0]!, out.dtype);
  switch (c) {
    case 1:
      return x;
    case 2:
      return T.mul(x, x);
    case 3:
      // float16 rounds after each op: x*x*x would round twice where NumPy's power rounds once (an ulp off
      // for a fifth of the values); pow computes in float32 and rounds once. (x*x is exact in float32, so 2 stays.)
      return out.dtype === 'float16' ? null : T.mul(T.mul(x, x), x);
    case 0.5:
      return isFloatVar(out) ? T.sqrt(x) : null;
    case -1:
      return isFloatVar(out) ? T.trueDiv(1, x) : null;
    default:
      return null;
  }
};

/** dimshuffle(dimshuffle(x, p1), p2) -> dimshuffle(x, p1 . p2), or x when that is the identity. */
export const dimshuffleDimshuffle: NodeRewriter = (node) => {
  if (!(node.op instanceof DimShuffle)) return null;
  const inner = dimshuffleOf(node.inputs[0]!);
  if (!inner) return null;
  const p1 = (inner.op as DimShuffle).pattern;
  const composed = node.op.pattern.map((p) => (p === 'x' ? 'x' : p1[p]!));
  return T.dimshuffle(inner.inputs[0]!, composed);
};

/** A dimshuffle that keeps every dimension in place. */
export const dimshuffleNoop: NodeRewriter = (node) => {
  if (!(node.op instanceof DimShuffle)) return null;
  const x = node.inputs[0]!;
  const p = node.op.pattern;
  return p.length === x.ndim && p.every((d, i) => d === i) ? x : null;
};

/**
 * reshape(reshape(x, s1), s2) -> reshape(x, s2) when s2 does not refer to
 * the intermediate's dimensions (no 0 entries), and only where reshaping x
 * to s2 checks what reshaping it to s1 did (x's size), so that an x the
 * inner reshape refuses is still refused: s1 without -1 fixes the size
 * (s2's -1 is then that size's quotient), s1 whose other lengths multiply
 * to 1 accepts any size, and otherwise a size s2 fixes must be a multiple
 * of theirs.
 */
export const reshapeReshape: NodeRewriter = (node) => {
  if (!(node.op instanceof Reshape) || node.op.spec.includes(0)) return null;
  const inner = node.inputs[0]!.owner;
  if (!inner || !(inner.op instanceof Reshape) || inner.op.spec.includes(0)) return null;
  const known = (spec: readonly number[]) => spec.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const s1 = inner.op.spec;
  const s2 = node.op.spec;
  const [k1, k2] = [known(s1), known(s2)];
  const free2 = s2.includes(-1);
  let spec = s2;
  if (!s1.includes(-1)) {
    // the inner reshape wants exactly k1 elements; a -1 in s2 becomes k1 / k2 (kept as -1 when that is 1: a 1 would be broadcastable)
    if (!free2 && k2 !== k1) return null;
    if (free2 && k1 % k2 !== 0) return null;
    if (free2 && k1 / k2 !== 1) spec = s2.map((d) => (d === -1 ? k1 / k2 : d));
    if (free2 && k1 / k2 === 1) return null;
  } else if (k1 !== 1 && (free2 || k2 % k1 !== 0)) return null;
  return T.reshape(inner.inputs[0]!, spec);
};

/** second(a, b) where b already has the output's shape: b (fills from gradients). */
export const fillUseless: NodeRewriter = (node) => (scalarOpOf(node) === 'second' ? node.inputs[1]! : null);

/**
 * Flatten chains of add (or mul) and combine their scalar constants:
 * (x + 1) + (y + 2) -> (x + y) + 3. Inner nodes used elsewhere stay put.
 * Exact for integers (wrapping arithmetic is associative); in floats it
 * reassociates as Theano's canonizer does, so the last bits can differ
 * (1e16 + 1 + 1 is 1e16, 1e16 + 2 is not) and a partial product that
 * overflowed need not (x * 1e200 * 1e-200 is x). A float fold whose
 * constant would overflow, or for a product underflow, is not made
 * (foldInRange).
 */
export const combineChainConstants: NodeRewriter = (node, ctx: RewriteContext) => {
  const op = scalarOpOf(node);
  if (op !== 'add' && op !== 'mul') return null;
  const out = node.outputs[0]!;
  if (out.dtype === 'bool') return null;
  // most nodes of a chain hold fewer than two constants: counted once per node, not by walking the chain below each
  if (chainConstantCount(out, ctx) < 2) return null;
  const terms: TensorVariable[] = [];
  // left to right with an explicit stack (the last operand pushed first): a chain of 10,000 ops is deeper than the call stack
  const stack: TensorVariable[] = [...node.inputs].reverse();
  while (stack.length) {
    const v = stack.pop()!;
    const n = chainNode(v, op, out.dtype, ctx);
    if (n) for (let k = n.inputs.length - 1; k >= 0; k--) stack.push(n.inputs[k]!);
    else terms.push(v);
  }
  const consts = terms.filter((t): t is TensorConstant => t instanceof TensorConstant && t.ndim === 0);
  const rest = terms.filter((t) => !consts.includes(t as TensorConstant));
  if (consts.length < 2 || rest.length === 0) return null;
  // Reordering is only exact in one dtype (and in floats not even there): every other term must already have the output's.
  if (rest.some((t) => t.dtype !== out.dtype)) return null;
  const acc = combine(op, consts, out.dtype);
  if (!foldInRange(op, acc, consts, out.dtype)) return null;
  const weak = consts.every((c) => c.weak);
  const dtype = weak ? promoteAll(consts.map((c) => c.dtype)) : out.dtype;
  const combined = new TensorConstant(new TensorType(dtype, []), array(castScalar(acc, dtype), { dtype }), { weak });
  const chain = rest.reduce((a, b) => (op === 'add' ? T.add(a, b) : T.mul(a, b)));
  return op === 'add' ? T.add(chain, combined) : T.mul(chain, combined);
};

/** The smallest normal magnitude of each float dtype: a product below it has lost bits. */
const MIN_NORMAL: Partial<Record<DType, number>> = { float16: 2 ** -14, float32: 2 ** -126, float64: 2 ** -1022 };

/** The 0-d constants `consts` added or multiplied left to right in `dtype`'s arithmetic (float32 overflows at 3.4e38). */
function combine(op: 'add' | 'mul', consts: readonly TensorConstant[], dtype: DType): number {
  const impl = SCALAR_OPS[op].impl;
  let acc = castScalar(consts[0]!.value.data[0]!, dtype);
  for (const c of consts.slice(1)) acc = castScalar(impl([acc, castScalar(c.value.data[0]!, dtype)], dtype, dtype), dtype);
  return acc;
}

/** Whether the 0-d constants among `factors` multiply (as a rebuilt product does) to a constant foldInRange accepts. */
function factorsInRange(factors: readonly TensorVariable[], dtype: DType): boolean {
  const consts = factors.filter((t): t is TensorConstant => t instanceof TensorConstant && t.ndim === 0);
  return consts.length < 2 || foldInRange('mul', combine('mul', consts, dtype), consts, dtype);
}

/**
 * Whether the folded constant `acc` of a float chain stays in range:
 * finite for a sum, finite and normal for a product. Otherwise the fold
 * would put into the graph an inf, a 0 or a subnormal that the written
 * chain does not have (x * 1e200 * 1e200 as x * inf is NaN at x = 0 where
 * the chain as written gives 0, and inf at 1e-300 where it gives 1e100),
 * unless a written constant is already one (x * 0 * 5 is x * 0 as
 * written); a NaN only where one is written. Integers wrap alike in any
 * order.
 */
function foldInRange(op: 'add' | 'mul', acc: number, consts: readonly TensorConstant[], dtype: DType): boolean {
  const tiny = MIN_NORMAL[dtype];
  if (tiny === undefined) return true;
  const values = consts.map((c) => castScalar(c.value.data[0]!, dtype));
  // a NaN made of written infinities and zeros (x * 1e200 * 1e200 * 0) is NaN at x = 0, where the chain gives 0
  if (Number.isNaN(acc)) return values.some(Number.isNaN);
  const extreme = (v: number) => !Number.isFinite(v) || (op === 'mul' && Math.abs(v) < tiny);
  return !extreme(acc) || values.some(extreme);
}

/** The node computing `v` that combineChainConstants reads through below the top of an `op` chain of `dtype`: used once, of that dtype. */
function chainNode(v: TensorVariable, op: 'add' | 'mul', dtype: DType, ctx: RewriteContext): Apply | null {
  const n = elem(v, op);
  return n && ctx.clients(v) === 1 && v.dtype === dtype ? n : null;
}

const constantCounts = new WeakMap<RewriteContext, Map<TensorVariable, number>>();

/**
 * How many 0-d constants combineChainConstants finds among the terms of
 * the chain `out` (an add or mul) tops, remembered for the pass (`ctx`'s
 * client counts): the count of an inner node of the chain is the same
 * whichever node above it the walk started from.
 */
function chainConstantCount(out: TensorVariable, ctx: RewriteContext): number {
  let counts = constantCounts.get(ctx);
  if (!counts) constantCounts.set(ctx, (counts = new Map()));
  const known = counts;
  const op = scalarOpOf(out.owner!) as 'add' | 'mul';
  const term = (v: TensorVariable): number => (v instanceof TensorConstant && v.ndim === 0 ? 1 : 0);
  // children first without recursion: a chain of 10,000 ops is deeper than the call stack
  const inner = (v: TensorVariable) => v.owner!.inputs.filter((i) => chainNode(i, op, out.dtype, ctx));
  return foldGraph(out, known, inner, (v) =>
    v.owner!.inputs.reduce((sum, i) => sum + (chainNode(i, op, out.dtype, ctx) ? known.get(i)! : term(i)), 0),
  );
}

/**
 * A variable both above and below the bar of a product cancels:
 * `(a / s) * (s * b)` -> `a * b` (Theano's mul canonizer, which gradients
 * need). The rule of log divides by its input and the rule of the op that
 * computed that input multiplies by it again: d log(sigmoid(x)) is
 * `g / sigmoid(x) * (sigmoid(x) * (1 - sigmoid(x)))`, 0 * inf = NaN where
 * sigmoid(x) underflows to 0, and `g * (1 - sigmoid(x))` once cancelled.
 * Like Theano, it takes s / s as 1 even where s is 0 or infinite. It
 * does not cancel where the constants left above or below the bar would
 * multiply to an inf or a 0 (as chain_constants does not fold them).
 */
export const mulDivCancel: NodeRewriter = (node) => {
  const op = scalarOpOf(node);
  const out = node.outputs[0]!;
  // asked first (remembered per variable, O(1) a link), it spares reading the whole product at every node of a
  // long one where nothing cancels (x / y / y / ...: its square)
  if ((op !== 'mul' && op !== 'truediv') || !isFloatVar(out) || !hasCancellingFactor(out)) return null;
  const p = productTerms(out);
  const den = [...p.den];
  const num: TensorVariable[] = [];
  for (const t of p.num) {
    const k = t instanceof TensorConstant ? -1 : den.indexOf(t);
    if (k >= 0) den.splice(k, 1);
    else num.push(t);
  }
  if (num.length === p.num.length) return null;
  // the rebuilt product multiplies the divisors together, and its constants: not where they overflow or underflow
  // (x * y / 1e-200 / (y * 1e-200) as x / (1e-200 * 1e-200) is x / 0)
  if (!factorsInRange(num, out.dtype) || !factorsInRange(den, out.dtype)) return null;
  return buildProduct({ num, den, negative: p.negative }, out.dtype);
};

/** The terms of a sum computed in `dtype`, through add, sub and neg, each with its sign. */
function sumTerms(v: TensorVariable, dtype: TensorVariable['dtype']): { v: TensorVariable; negative: boolean }[] {
  const out: { v: TensorVariable; negative: boolean }[] = [];
  // left to right with an explicit stack (the last operand pushed first): a sum of 10,000 terms is deeper than the call stack
  const stack: { v: TensorVariable; negative: boolean }[] = [{ v, negative: false }];
  while (stack.length) {
    const t = stack.pop()!;
    const n = t.v.dtype === dtype ? elem(t.v) : null;
    const op = n ? scalarOpOf(n) : null;
    if (n && (op === 'add' || op === 'sub')) stack.push({ v: n.inputs[1]!, negative: op === 'sub' ? !t.negative : t.negative }, { v: n.inputs[0]!, negative: t.negative });
    else if (n && op === 'neg') stack.push({ v: n.inputs[0]!, negative: !t.negative });
    else out.push(t);
  }
  return out;
}

/**
 * `(a / s + b / t) * (s * t * c)` -> `a / s * (s * t * c) + b / t * (s * t * c)`
 * when every term of the sum has a divisor the other factor cancels, so
 * that mul_div_cancel can cancel each one. Gradients need it where a
 * variable feeds two logs: the gradient of sigmoid(z) in binary
 * cross-entropy `y log(p) + (1 - y) log(1 - p)` is
 * `(g y / p - g (1 - y) / (1 - p)) * (p * (1 - p))`.
 */
export const mulDistributeCancel: NodeRewriter = (node, ctx) => distributeCancelling(node, ctx, 'every');

/**
 * mulDistributeCancel's distribution where `every` term of the sum has a
 * divisor the other factor cancels, or only `some` (stabilize's
 * mul_distribute_partial_cancel: `(a / s + b) * s` -> `a + b * s`).
 */
export function distributeCancelling(node: Apply, ctx: RewriteContext, terms: 'every' | 'some'): TensorVariable | null {
  const out = node.outputs[0]!;
  if (scalarOpOf(node) !== 'mul' || !isFloatVar(out)) return null;
  for (const [i, j] of [[0, 1], [1, 0]] as const) {
    const sum = sumTerms(node.inputs[i]!, out.dtype);
    if (sum.length < 2 || !sum.every((t) => isFloatVar(t.v))) continue;
    // a term without a divisor that is not a constant cancels nothing: asked first, it spares reading a long product (the other factor) at every node
    const dividing = sum.filter((t) => hasVariableDivisor(t.v));
    if (dividing.length === 0 || (terms === 'every' && dividing.length < sum.length)) continue;
    const other = node.inputs[j]!;
    const above = productTerms(other).num.filter((t) => !(t instanceof TensorConstant));
    if (!dividing[terms]((t) => productTerms(t.v).den.some((d) => above.includes(d)))) continue;
    // in stabilize, after canonicalize's mul_div_cancel has run, each term is cancelled here
    const times = (v: TensorVariable): TensorVariable => {
      const product = T.mul(v, other);
      return (terms === 'some' ? mulDivCancel(product.owner!, ctx) : null) ?? product;
    };
    const [first, ...rest] = sum.map((t) => ({ v: times(t.v), negative: t.negative }));
    let acc = first!.negative ? T.neg(first!.v) : first!.v;
    for (const t of rest) acc = t.negative ? T.sub(acc, t.v) : T.add(acc, t.v);
    return acc;
  }
  return null;
}

/**
 * x.shape[i] where x's length i is known when the graph is built (a
 * broadcastable dimension, a constant, specifyShape): that number, as
 * Theano's shape feature makes it, so nothing computes it.
 */
export const shapeIConstant: NodeRewriter = (node) => {
  if (!(node.op instanceof ShapeI)) return null;
  const n = node.inputs[0]!.staticShape[node.op.axis];
  return typeof n === 'number' ? new TensorConstant(node.outputs[0]!.type, array(n, { dtype: 'int64' })) : null;
};

const CANON: [string, NodeRewriter][] = [
  ['mul_one', mulOne],
  ['add_zero', addZero],
  ['sub_from_zero', subFromZero],
  ['mul_minus_one', mulMinusOne],
  ['neg_neg', negNeg],
  ['add_neg_to_sub', addNeg],
  ['pow_specialize', powSpecialize],
  ['dimshuffle_dimshuffle', dimshuffleDimshuffle],
  ['dimshuffle_noop', dimshuffleNoop],
  ['reshape_reshape', reshapeReshape],
  ['fill_useless', fillUseless],
  ['chain_constants', combineChainConstants],
  ['mul_div_cancel', mulDivCancel],
  ['mul_distribute_cancel', mulDistributeCancel],
  ['shape_i_constant', shapeIConstant],
];
for (const [name, rewrite] of CANON) registerRewrite({ kind: 'node', name, phase: 'canonicalize', tags: ['fast_run'], rewrite });

export type { Apply };
