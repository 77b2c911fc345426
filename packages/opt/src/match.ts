/** Small pattern-matching helpers the rewrites share. */
import { DimShuffle, Elemwise, Reduce, T, TensorConstant, foldGraph, type Apply, type DType, type ElemwiseOpName, type Reducer, type TensorVariable } from '@sym/graph';

/** The node computing `v` when it is an elementwise `op` (any scalar op when omitted). */
export function elem(v: TensorVariable, op?: ElemwiseOpName): Apply | null {
  const n = v.owner;
  if (!n || !(n.op instanceof Elemwise)) return null;
  return op === undefined || n.op.scalarOp === op ? n : null;
}

/** The scalar op of an elementwise node, or null. */
export function scalarOpOf(node: Apply): ElemwiseOpName | null {
  return node.op instanceof Elemwise ? node.op.scalarOp : null;
}

/** The node computing `v` when it is a reduction with `reducer`. */
export function reduction(v: TensorVariable, reducer: Reducer): Apply | null {
  const n = v.owner;
  return n && n.op instanceof Reduce && n.op.reducer === reducer ? n : null;
}

export function dimshuffleOf(v: TensorVariable): Apply | null {
  const n = v.owner;
  return n && n.op instanceof DimShuffle ? n : null;
}

/**
 * The value of a constant whose elements are all equal, looking through
 * `second(a, c)` (a fill with a constant). Null otherwise.
 */
export function uniformValue(v: TensorVariable): number | null {
  // a loop, not a recursion: fills of fills may be many
  for (let fill = elem(v, 'second'); fill; fill = elem(v, 'second')) v = fill.inputs[1]!;
  if (!(v instanceof TensorConstant) || v.value.size === 0) return null;
  const d = v.value.data;
  const first = d[0]!;
  for (let i = 1; i < d.length; i++) if (!Object.is(d[i], first) && d[i] !== first) return null;
  return first;
}

/** `v` is a constant (or fill) whose elements all equal `x`. */
export function isValue(v: TensorVariable, x: number): boolean {
  return uniformValue(v) === x;
}

/**
 * Whether an elementwise op with operands `c` (a neutral constant: x * 1,
 * x + 0) and `other` computes `other`'s shape, so that dropping `c` keeps
 * the result and the op's shape check: sym broadcasts only dimensions a
 * type marks, so x of length 2 times ones(3) fails, which `x` alone would
 * hide. A constant fits when each of its lengths is 1 or the length
 * `other` is known to have; a fill (second) is taken to fit, as the
 * gradients that build them make it their operand's shape.
 */
export function fits(c: TensorVariable, other: TensorVariable): boolean {
  if (!(c instanceof TensorConstant)) return true;
  const shape = c.value.shape;
  const lead = other.ndim - shape.length;
  return shape.every((n, d) => n === 1 || (lead + d >= 0 && other.staticShape[lead + d] === n));
}

/** `c` is a neutral constant with value `x` whose shape `other` fits (see {@link fits}). */
export function isNeutral(c: TensorVariable, x: number, other: TensorVariable): boolean {
  return isValue(c, x) && fits(c, other);
}

/**
 * Whether every element of the constant (or fill) `v` is a zero of one
 * sign, -0 when `negative` (an integer constant's zeros are +0): in floats
 * x + -0 and x - +0 are x for every x, while x + 0 is +0 at x = -0.
 */
export function isSignedZero(v: TensorVariable, negative: boolean): boolean {
  for (let fill = elem(v, 'second'); fill; fill = elem(v, 'second')) v = fill.inputs[1]!;
  if (!(v instanceof TensorConstant) || v.value.size === 0) return false;
  const zero = negative ? -0 : 0;
  const d = v.value.data;
  for (let i = 0; i < d.length; i++) if (!Object.is(d[i], zero)) return false;
  return true;
}

export function isFloatVar(v: TensorVariable): boolean {
  return v.dtype === 'float32' || v.dtype === 'float64';
}

/**
 * A product `(-1)^negative * num[0] * num[1] ... / (den[0] * den[1] ...)`,
 * read through the mul, true_div and neg nodes that compute it (Theano's
 * `get_num_denum`), so that equal factors above and below the bar can be
 * cancelled and pairs such as exp(x) / (1 + exp(x)) found.
 */
export interface Product {
  readonly num: TensorVariable[];
  readonly den: TensorVariable[];
  readonly negative: boolean;
}

/**
 * The factors of `v`. Only nodes of `v`'s float dtype are looked through (a
 * product computed in another dtype rounds or wraps differently); whatever
 * else is a factor as it stands.
 */
export function productTerms(v: TensorVariable): Product {
  const num: TensorVariable[] = [];
  const den: TensorVariable[] = [];
  let negative = false;
  const dtype = v.dtype;
  // left to right with an explicit stack (the last operand pushed first): a product of 10,000 factors is deeper than the call stack
  const stack: [TensorVariable, boolean][] = [[v, false]];
  while (stack.length) {
    const [t, below] = stack.pop()!;
    const n = productNode(t, dtype);
    const op = n ? (n.op as Elemwise).scalarOp : null;
    if (n && op === 'mul') stack.push([n.inputs[1]!, below], [n.inputs[0]!, below]);
    else if (n && op === 'truediv') stack.push([n.inputs[1]!, !below], [n.inputs[0]!, below]);
    else if (n && op === 'neg') {
      negative = !negative;
      stack.push([n.inputs[0]!, below]);
    } else (below ? den : num).push(t);
  }
  return { num, den, negative };
}

/** The mul, true_div or neg node computing `t` that `productTerms` looks through in a product of `dtype`, or null. */
function productNode(t: TensorVariable, dtype: DType): Apply | null {
  const n = t.dtype === dtype && isFloatVar(t) ? elem(t) : null;
  const op = n ? (n.op as Elemwise).scalarOp : null;
  return op === 'mul' || op === 'truediv' || op === 'neg' ? n : null;
}

/**
 * What a product's factors may hold, read children first and remembered per
 * variable (graphs do not change): one memo per `leaf` test. Whether a
 * factor `leaf` holds for is above the bar, and whether one is below (a
 * division flips its divisor's).
 */
type FactorMask = readonly [above: boolean, below: boolean];
const NONE: FactorMask = [false, false];

function factorMask(v: TensorVariable, memo: WeakMap<TensorVariable, FactorMask>, leaf: (t: TensorVariable) => FactorMask): FactorMask {
  // without recursion; an operand of another dtype is a factor as it stands
  return foldGraph(
    v,
    memo,
    (t) => productNode(t, t.dtype)?.inputs.filter((i) => i.dtype === t.dtype) ?? [],
    (t) => {
      const n = productNode(t, t.dtype);
      if (!n) return leaf(t);
      const masks = n.inputs.map((i) => (i.dtype === t.dtype ? memo.get(i)! : leaf(i)));
      if ((n.op as Elemwise).scalarOp === 'neg') return masks[0]!;
      const [a, b] = masks as [FactorMask, FactorMask];
      return (n.op as Elemwise).scalarOp === 'truediv' ? [a[0] || b[1], a[1] || b[0]] : [a[0] || b[0], a[1] || b[1]];
    },
  );
}

/** A factor that is not a constant. */
const variableMasks = new WeakMap<TensorVariable, FactorMask>();
const variableBit = (t: TensorVariable): FactorMask => (t instanceof TensorConstant ? NONE : [true, false]);

/**
 * Whether `productTerms(v).den` holds a factor that is not a constant,
 * remembered per variable. Cancelling needs one, as does exp(x) / (1 +
 * exp(x)): rewrites ask this first, since reading the whole product at
 * each node of a chain of 10,000 cost its square.
 */
export function hasVariableDivisor(v: TensorVariable): boolean {
  return factorMask(v, variableMasks, variableBit)[1];
}

/** A product's factors that are not constants, each with how often it is above and below the bar. */
interface FactorCounts {
  readonly above: Map<TensorVariable, number>;
  readonly below: Map<TensorVariable, number>;
}
const cancels = new WeakMap<TensorVariable, boolean>();
/** The factor counts of a variable `hasCancellingFactor` read, until the reader of it takes them over. */
const handedOn = new WeakMap<TensorVariable, FactorCounts>();

/** `v`'s factor counts: taken over from where they were built (once), else read afresh. */
function takeCounts(v: TensorVariable, dtype: DType): FactorCounts {
  // kept counts read through v's own product: only a product of `dtype` is read through, else v is one factor
  const kept = v.dtype === dtype ? handedOn.get(v) : undefined;
  if (kept) {
    handedOn.delete(v);
    return kept;
  }
  return productOf(v, dtype);
}

function productOf(v: TensorVariable, dtype: DType): FactorCounts {
  const counts: FactorCounts = { above: new Map(), below: new Map() };
  if (!productNode(v, dtype)) {
    if (!(v instanceof TensorConstant)) counts.above.set(v, 1);
    return counts;
  }
  const p = productTerms(v);
  for (const t of p.num) if (!(t instanceof TensorConstant)) counts.above.set(t, (counts.above.get(t) ?? 0) + 1);
  for (const t of p.den) if (!(t instanceof TensorConstant)) counts.below.set(t, (counts.below.get(t) ?? 0) + 1);
  return counts;
}

/**
 * Whether a factor that is not a constant is both above and below the
 * bar of `v`'s product (`(a / s) * s`): what mul_div_cancel cancels.
 * Remembered per variable and read children first, the larger operand's
 * counts taken over and the smaller's added to them, so a chain of n
 * links costs O(n) (a tree O(n log n)): mul_div_cancel asks it at every
 * node of `x / y / y / ...`, and reading the whole product there cost the
 * chain's square (4000 links: 4 s).
 */
export function hasCancellingFactor(v: TensorVariable): boolean {
  return foldGraph(
    v,
    cancels,
    (t) => productNode(t, t.dtype)?.inputs.filter((i) => i.dtype === t.dtype) ?? [],
    (t) => {
      const n = productNode(t, t.dtype);
      if (!n) return false;
      const op = (n.op as Elemwise).scalarOp;
      const within = n.inputs.some((i) => i.dtype === t.dtype && cancels.get(i)!);
      if (op === 'neg') {
        handedOn.set(t, takeCounts(n.inputs[0]!, t.dtype));
        return within;
      }
      const first = takeCounts(n.inputs[0]!, t.dtype);
      let second = takeCounts(n.inputs[1]!, t.dtype);
      if (op === 'truediv') second = { above: second.below, below: second.above };
      const [into, from] = first.above.size + first.below.size >= second.above.size + second.below.size ? [first, second] : [second, first];
      let meet = within;
      for (const [side, other, add] of [
        [into.above, into.below, from.above],
        [into.below, into.above, from.below],
      ] as const) {
        for (const [f, k] of add) {
          side.set(f, (side.get(f) ?? 0) + k);
          if (other.has(f)) meet = true;
        }
      }
      handedOn.set(t, into);
      return meet;
    },
  );
}

/**
 * `hasDivisorWhere(test)`: a test of whether `productTerms(v).den` holds
 * a factor for which `test` holds, remembered per variable (one memo per
 * `test`): a rewrite acting on such divisors asks it before reading a
 * product that may be 10,000 factors long at each of its nodes.
 */
export function hasDivisorWhere(test: (factor: TensorVariable) => boolean): (v: TensorVariable) => boolean {
  const memo = new WeakMap<TensorVariable, FactorMask>();
  const leaf = (t: TensorVariable): FactorMask => (test(t) ? [true, false] : NONE);
  return (v) => factorMask(v, memo, leaf)[1];
}

/** A 0-d constant 1: a factor that changes neither the value, the dtype nor the shape of a float product. */
function isScalarOne(v: TensorVariable): boolean {
  return v instanceof TensorConstant && v.ndim === 0 && isValue(v, 1);
}

/**
 * `p` as a graph of `dtype`: the product of `num` over the product of `den`,
 * negated when `p.negative`; null when no factor is left. Factors of
 * `dtype` come first (the first one cast to it if none is), so that no
 * partial product is computed in a narrower (integer or bool) dtype.
 */
export function buildProduct(p: Product, dtype: DType): TensorVariable | null {
  const first = (t: TensorVariable) => (t.dtype === dtype ? 0 : 1);
  const num = p.num.filter((t) => !isScalarOne(t)).sort((a, b) => first(a) - first(b));
  const den = p.den.filter((t) => !isScalarOne(t)).sort((a, b) => first(a) - first(b));
  if (num.length === 0 && den.length === 0) return null;
  // The first factor sets the dtype the partial products are computed in.
  if (num.length > 0 && num[0]!.dtype !== dtype) num[0] = T.cast(num[0]!, dtype);
  let q: TensorVariable | null = num.length > 0 ? T.mul(...num) : null;
  if (den.length > 0 && den.every((t) => t.dtype === dtype)) q = T.trueDiv(q ?? 1, T.mul(...den));
  else for (const d of den) q = T.trueDiv(q ?? 1, d);
  return p.negative ? T.neg(q!) : q!;
}

/** -x, without stacking negations: neg(neg(y)) is y. */
export function negate(x: TensorVariable): TensorVariable {
  const n = elem(x, 'neg');
  return n ? n.inputs[0]! : T.neg(x);
}
