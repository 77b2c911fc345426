/**
 * The gradient rules: one per op, in tables keyed by op kind, scalar op and
 * reducer. The tables are mapped types over the closed sets @sym/graph
 * declares (`OpKind`, `ElemwiseOpName`, `Reducer`), so adding an op there
 * without a rule here is a compile error. Ops from outside sym have the
 * kinds `Gradient` (GradientOp) and `Custom` (CustomOp), whose entries
 * call the op's own rule. A rule builds the gradient of each
 * input from `T.*` functions; elementwise results are reduced to the input's
 * shape by the reverse pass (undoing broadcasting), so elementwise rules
 * ignore shapes.
 *
 * Semantics at kinks and ties follow Theano: `abs'(0) = 0` (sgn),
 * `maximum`/`minimum` at a tie send the whole gradient to the first
 * argument, `clip` passes the gradient where `lo <= x <= hi` (boundaries
 * included), the max/min reductions send it to every element equal to the
 * result, `switch` routes it by the condition, and rounding, comparisons,
 * `argmax`/`argmin` and integer division have zero gradient.
 */
import { eigGrad, complexDetGrad, isEig, isComplexDet } from './eig-grad.js';
import {
  AdvancedIncSubtensor1,
  Col2Im,
  type DftAxis,
  Im2Col,
  IncSubtensor,
  Join,
  JoinSplit,
  OpFromGraph,
  Subtensor,
  T,
  apply1,
  resolveSlice,
  applyNode,
  type DimShuffle,
  type DType,
  type Elemwise,
  type IndexEntry,
  type OpKind,
  type Reduce,
  type Reducer,
  type ElemwiseOpName,
  type TensorVariable,
} from '@sym/graph';
import { GradientOp } from './ops.js';
import { reshapeAs } from './ops.js';
import { batchedLike, expandReduced, fromFront, range, scalarValue, sumTo, toFront } from './shape-helpers.js';
import { scanGrad } from './scan-grad.js';
import { opFromGraphDisconnected, opFromGraphGrad } from './op-from-graph-grad.js';
import { COMPOSITE_GRADS } from './special-grads.js';
import { sortGrad, takeAlongAxisGrad } from './sort-grad.js';
import { choleskyGrad, detGrad, eighGrad, matrixInverseGrad, qrGrad, solveGrad } from './linalg-grad.js';
import { svdGrad } from './linalg-svd-grad.js';
import { batchedDotGrad } from './batched-dot-grad.js';
import { customOpDisconnected, customOpGrad } from './custom-op-grad.js';
import { DISCONNECTED, ZERO, type GradContext, type InputGrad, type OpGrad } from './types.js';

const zeros = (n: number): InputGrad[] => new Array<InputGrad>(n).fill(ZERO);

/**
 * `y - 1`, folded to a literal when y is a 0-d constant (so x ** 2
 * differentiates to 2 * x ** 1 in x's dtype), else computed in the
 * output's float dtype: in y's own dtype an integer exponent would wrap
 * (uint8 0 - 1 is 255, int8 -128 - 1 is 127).
 */
function minusOne(y: TensorVariable, z: TensorVariable): TensorVariable | number {
  const v = scalarValue(y);
  if (v !== undefined) return v - 1;
  return (y.dtype === z.dtype ? y : T.cast(y, z.dtype)).sub(1);
}

function powGrad({ x: [a, b], z, gz }: GradContext): InputGrad[] {
  const yv = scalarValue(b!);
  const ga = gz.mul(yv ?? b!).mul(a!.pow(minusOne(b!, z)));
  // d(x**y)/dy = log(x) x**y; at x == 0 Theano takes it as 0 rather than nan.
  const gb = T.switch_(a!.eq(0), 0, gz.mul(T.log(a!)).mul(z));
  return [ga, gb];
}

/** Rules for Elemwise, keyed by scalar op (composites' in special-grads.ts). */
export const ELEMWISE_GRADS: { readonly [S in ElemwiseOpName]: OpGrad } = {
  neg: ({ gz }) => [gz.neg()],
  abs: ({ x: [a], gz }) => [gz.mul(T.sgn(a!))],
  sign: () => zeros(1),
  exp: ({ z, gz }) => [gz.mul(z)],
  log: ({ x: [a], gz }) => [gz.div(a!)],
  log1p: ({ x: [a], gz }) => [gz.div(a!.add(1))],
  expm1: ({ z, gz }) => [gz.mul(z.add(1))],
  sqrt: ({ z, gz }) => [gz.mul(0.5).div(z)],
  floor: () => zeros(1),
  ceil: () => zeros(1),
  round: () => zeros(1),
  sin: ({ x: [a], gz }) => [gz.mul(T.cos(a!))],
  cos: ({ x: [a], gz }) => [gz.mul(T.sin(a!)).neg()],
  tan: ({ z, gz }) => [gz.mul(z.mul(z).add(1))],
  tanh: ({ z, gz }) => [gz.mul(T.sub(1, z.mul(z)))],
  arcsin: ({ x: [a], gz }) => [gz.div(T.sqrt(T.sub(1, a!.mul(a!))))],
  arccos: ({ x: [a], gz }) => [gz.div(T.sqrt(T.sub(1, a!.mul(a!)))).neg()],
  arctan: ({ x: [a], gz }) => [gz.div(a!.mul(a!).add(1))],
  sinh: ({ x: [a], gz }) => [gz.mul(T.cosh(a!))],
  cosh: ({ x: [a], gz }) => [gz.mul(T.sinh(a!))],
  sigmoid: ({ z, gz }) => [gz.mul(z.mul(T.sub(1, z)))],
  softplus: ({ x: [a], gz }) => [gz.mul(T.sigmoid(a!))],
  // relu'(0) = 0: the gradient passes where the input is positive.
  relu: ({ x: [a], gz }) => [gz.mul(a!.gt(0))],
  not: () => zeros(1),
  // bitwise ops of integers: a zero gradient, as Theano's BinaryBitOp and Invert give
  invert: () => zeros(1),
  identity: ({ gz }) => [gz],
  cast: ({ x: [a], gz }) => [T.cast(gz, a!.dtype)],
  add: ({ gz }) => [gz, gz],
  sub: ({ gz }) => [gz, gz.neg()],
  mul: ({ x: [a, b], gz }) => [gz.mul(b!), gz.mul(a!)],
  truediv: ({ x: [a, b], gz }) => [gz.div(b!), gz.mul(a!).div(b!.mul(b!)).neg()],
  intdiv: () => zeros(2),
  // x mod y = x - floor(x / y) * y
  mod: ({ x: [a, b], gz }) => [gz, gz.mul(T.intDiv(a!, b!)).neg()],
  pow: powGrad,
  maximum: ({ x: [a], z, gz }) => [gz.mul(z.eq(a!)), gz.mul(z.neq(a!))],
  minimum: ({ x: [a], z, gz }) => [gz.mul(z.eq(a!)), gz.mul(z.neq(a!))],
  second: ({ gz }) => [DISCONNECTED, gz],
  eq: () => zeros(2),
  neq: () => zeros(2),
  lt: () => zeros(2),
  le: () => zeros(2),
  gt: () => zeros(2),
  ge: () => zeros(2),
  and: () => zeros(2),
  or: () => zeros(2),
  xor: () => zeros(2),
  bitand: () => zeros(2),
  bitor: () => zeros(2),
  bitxor: () => zeros(2),
  switch: ({ x: [c], gz }) => [ZERO, T.switch_(c!, gz, 0), T.switch_(c!, 0, gz)],
  // NumPy's clip is minimum(maximum(x, lo), hi): where lo > hi the result is hi, whatever x
  clip: ({ x: [a, lo, hi], gz }) => [gz.mul(a!.ge(lo!).and(a!.le(hi!))), gz.mul(a!.lt(lo!).and(lo!.le(hi!))), gz.mul(a!.gt(hi!).or(lo!.gt(hi!)))],
  ...COMPOSITE_GRADS,
};

/** The number of elements reduced, as a literal when the shape is known at build time. */
function reducedCount(x: TensorVariable, axes: readonly number[], dtype: TensorVariable['dtype']): TensorVariable | number {
  const dims = axes.map((a) => x.staticShape[a]);
  if (dims.every((d) => d !== null)) return (dims as number[]).reduce((p, d) => p * d, 1);
  return T.cast(T.mul(...axes.map((a) => T.shapeI(x, a))), dtype);
}

/** A reduction's rule: the context and the reduced axes. */
export type ReduceGrad = (c: GradContext, axes: readonly number[]) => InputGrad[];

function prodGrad({ x: [x], z, gz, nb }: GradContext, axes: readonly number[]): InputGrad[] {
  // The product of the other elements, without dividing by zero: with one
  // zero in a group only that element gets the product of the rest, with
  // two or more every element gets 0.
  const isZero = x!.eq(0);
  const safe = T.switch_(isZero, 1, x!);
  const prodNonZero = T.prod(safe, { axis: axes, keepdims: true });
  const zeroCount = T.sum(isZero, { axis: axes, keepdims: true });
  const others = T.switch_(isZero, T.switch_(zeroCount.eq(1), prodNonZero, 0), T.switch_(zeroCount.gt(0), 0, prodNonZero.div(safe)));
  void z;
  return [expandReduced(gz, x!.ndim, axes, nb).mul(others)];
}

function extremumGrad({ x: [x], z, gz, nb }: GradContext, axes: readonly number[]): InputGrad[] {
  return [expandReduced(gz, x!.ndim, axes, nb).mul(x!.eq(expandReduced(z, x!.ndim, axes, 0)))];
}

/** Rules for Reduce, keyed by reducer. */
export const REDUCE_GRADS: { readonly [R in Reducer]: ReduceGrad } = {
  sum: ({ x: [x], gz, nb }, axes) => [T.second(x!, expandReduced(gz, x!.ndim, axes, nb))],
  mean: ({ x: [x], gz, nb }, axes) => [T.second(x!, expandReduced(gz, x!.ndim, axes, nb).div(reducedCount(x!, axes, gz.dtype)))],
  prod: prodGrad,
  max: extremumGrad,
  min: extremumGrad,
  any: () => zeros(1),
  all: () => zeros(1),
  argmax: () => zeros(1),
  argmin: () => zeros(1),
};

/** numpy.dot's gradient, with Dot itself where operands are vectors or matrices. */
function dotGrad({ x: [a, b], gz, nb }: GradContext): InputGrad[] {
  const ra = a!.ndim;
  const rb = b!.ndim;
  const batch = range(nb);
  if (ra <= 2 && rb <= 2) {
    if (ra === 2 && rb === 2) return [T.dot(gz, b!.T), T.dimshuffle(T.dot(a!.T, gz), [...range(nb, 1), 0, nb + 1])];
    if (ra === 1 && rb === 2) return [T.dot(gz, b!.T), T.dimshuffle(gz, [...batch, 'x', nb]).mul(T.dimshuffle(a!, [0, 'x']))];
    if (ra === 2 && rb === 1) return [T.dimshuffle(gz, [...batch, nb, 'x']).mul(b!), T.dot(gz, a!)];
    return [T.dimshuffle(gz, [...batch, 'x']).mul(b!), T.dimshuffle(gz, [...batch, 'x']).mul(a!)];
  }
  if (nb === 0 && rb === 2) {
    // a = [A..., K] times a matrix (conv2d's windows times its filters, a
    // dense layer over (batch, steps, K)): the weights' gradient is one gemm
    // over the flattened A axes, [A, K]^T . [A, N]; flattened before the
    // transpose, so a contiguous a and gz are views the gemm reads in place
    // (transposing first made each a copy)
    // the rows' count as the leading lengths' product, not -1: an empty v with a last length of 0 (K or N) has no -1
    const rows = (v: TensorVariable) => v.reshape([range(v.ndim - 2).reduce((n: TensorVariable, d) => n.mul(T.shapeI(v, d + 1)), T.shapeI(v, 0)), T.shapeI(v, v.ndim - 1)]);
    return [T.dot(gz, b!.T), T.dot(rows(a!).T, rows(gz))];
  }
  // General ranks: index space [batch, A..., Bt..., K, N] with a = [A..., K],
  // b = [Bt..., K, N] (or [K]), gz = [batch, A..., Bt..., N].
  const nA = ra - 1;
  const nBt = rb >= 2 ? rb - 2 : 0;
  const hasN = rb >= 2;
  const kPos = nb + nA + nBt;
  const gzE = T.dimshuffle(gz, [...range(kPos), 'x', ...(hasN ? [kPos] : [])]);
  const aE = T.dimshuffle(a!, [...range(nA), ...new Array<'x'>(nBt).fill('x'), nA, ...(hasN ? ['x' as const] : [])]);
  const overB = [...range(nBt, nb + nA), ...(hasN ? [kPos + 1] : [])];
  const ga = overB.length > 0 ? T.sum(gzE.mul(b!), { axis: overB }) : gzE.mul(b!);
  const gb = nA > 0 ? T.sum(gzE.mul(aE), { axis: range(nA, nb) }) : gzE.mul(aE);
  return [ga, gb];
}

function dimShuffleGrad({ node, gz, nb }: GradContext): InputGrad[] {
  const op = node.op as DimShuffle;
  const inserted = op.pattern.map((p, i) => (p === 'x' ? nb + i : -1)).filter((i) => i >= 0);
  let g = gz;
  if (inserted.length > 0) {
    g = inserted.every((d) => gz.broadcastable[d])
      ? T.dimshuffle(gz, range(gz.ndim).filter((d) => !inserted.includes(d)))
      : T.sum(gz, { axis: inserted });
  }
  const kept = op.pattern.filter((p): p is number => p !== 'x');
  const back = op.inputBroadcastable.map((_, d) => (kept.includes(d) ? nb + kept.indexOf(d) : ('x' as const)));
  return [T.dimshuffle(g, [...range(nb), ...back])];
}

/** Index entries for a tensor with `nb` leading batch dimensions: those are taken whole. */
function batchEntries(entries: readonly IndexEntry[], nb: number): IndexEntry[] {
  return [...range(nb).map((): IndexEntry => ({ kind: 'slice', start: null, stop: null, step: null })), ...entries];
}


const castTo = (v: TensorVariable, d: TensorVariable['dtype']) => (v.dtype === d ? v : T.cast(v, d));

/**
 * Im2Col of `gz` with the window of the windows `g` (its dimensions -2N to
 * -N, for the geometry's N window axes): the op's own when known at build
 * time, else read from `g` at run time through a view whose last N
 * dimensions they are.
 */
function windowsOf(gz: TensorVariable, g: TensorVariable, op: Col2Im): TensorVariable {
  const n = g.ndim;
  const nw = op.geometry.stride.length;
  const window = g.staticShape.slice(n - 2 * nw, n - nw);
  if (window.every((k) => k !== null)) return apply1(new Im2Col(op.geometry, window as number[]), [gz]);
  const axes = range(n);
  return apply1(new Im2Col(op.geometry, null), [gz, T.dimshuffle(g, [...axes.slice(0, n - 2 * nw), ...axes.slice(n - nw), ...axes.slice(n - 2 * nw, n - nw)])]);
}

/**
 * The steps of a window that takes every element of x once, each axis whole
 * or whole reversed (`x[:, ::-1]`, a conv's filter flip), else null. Such a
 * window is a bijection onto x and its own inverse, so its gradient is the
 * same window of the output's gradient: no zeros to fill and write into.
 * Bounds must cover the axis: where its length is not known when the graph
 * is built only open bounds (`:` and `::-1`) do. A step of 2 skips elements
 * and is not whole.
 */
function wholeAxisSteps(entries: readonly IndexEntry[], x: TensorVariable): (1 | -1)[] | null {
  const steps: (1 | -1)[] = [];
  for (const [d, e] of entries.entries()) {
    if (e.kind !== 'slice') return null;
    const step = e.step ?? 1;
    if (step !== 1 && step !== -1) return null;
    const n = x.staticShape[d];
    const whole = n === null || n === undefined ? e.start === null && e.stop === null : resolveSlice(e, n).length === n;
    if (!whole) return null;
    steps.push(step);
  }
  return steps;
}

/** gz with the axes whose step is -1 reversed (gz itself when none is), its `nb` leading batch axes whole. */
function reversedWhere(gz: TensorVariable, steps: readonly (1 | -1)[], nb: number): TensorVariable {
  if (!steps.includes(-1)) return gz;
  const entries = steps.map((step): IndexEntry => ({ kind: 'slice', start: null, stop: null, step: step === -1 ? -1 : null }));
  return apply1(new Subtensor(batchEntries(entries, nb)), [gz]);
}

/** Rules keyed by op kind: the single entry point the reverse pass uses. */
/**
 * 1 where idx[k] is the last write to its row of g (axis 0), else 0, in
 * `dtype`: each row's last writer is found by the same set-scatter (the
 * last write wins), of k into the rows, read back at idx.
 */
function lastWrites(g: TensorVariable, idx: TensorVariable, dtype: DType): TensorVariable {
  const k = T.arange(T.shapeI(idx, 0), undefined, 1, { dtype: 'int32' });
  const writer = apply1(new AdvancedIncSubtensor1(true), [T.zeros([T.shapeI(g, 0)], 'int32'), k, idx]);
  return T.cast(T.eq(T.take(writer, idx, 0), k), dtype);
}

/**
 * nonzero's positions, bincount's length, unique's outputs: integers but
 * unique's values, which Theano's Unique does not differentiate either;
 * sym.Print passes x through (Theano's Print: its gradient is the output's).
 */
const hostOpGrad: OpGrad = ({ node, gz, gzs }) =>
  node.op.key().startsWith('Print:') ? [gz] : node.inputs.map((): InputGrad =>
    gzs.some((g, i) => g !== undefined && node.outputs[i]!.dtype.startsWith('float'))
      ? {
          // sym.asOp's ops (float outputs of a user's function) too: the way to a gradient is a CustomOp
          notDifferentiable: node.op.key().startsWith('asOp:')
            ? `${node.op.toString()} runs on the host and has no gradient (as Theano's as_op); a sym.CustomOp with a grad method is differentiable`
            : `${node.op.toString()} has no gradient (Theano's has none); its integer outputs are disconnected`,
        }
      : DISCONNECTED,
  );

/** The gradient rule of every op kind of @sym/graph (a GradientOp or CustomOp brings its own). */
export const OP_GRADS: { readonly [K in OpKind]: OpGrad } = {
  Elemwise: (c) => ELEMWISE_GRADS[(c.node.op as Elemwise).scalarOp](c),
  Reduce: (c) => REDUCE_GRADS[(c.node.op as Reduce).reducer](c, (c.node.op as Reduce).axes),
  Dot: dotGrad,
  BatchedDot: batchedDotGrad,
  DimShuffle: dimShuffleGrad,
  Reshape: ({ x: [x], gz, nb }) => [reshapeAs(gz, x!, nb)],
  Softmax: ({ z, gz }) => [T.sub(gz, T.sum(gz.mul(z), { axis: -1, keepdims: true })).mul(z)],
  // Shape_i reads only the shape of its input.
  Shape: () => [DISCONNECTED],
  // the gradient of a window is the window of the gradient, put back in place; indices have none
  Subtensor: ({ node, x: [x, ...vars], gz, nb }) => {
    const op = node.op as Subtensor;
    const steps = wholeAxisSteps(op.entries, x!);
    if (steps) return [reversedWhere(gz, steps, nb)];
    const zeros = batchedLike(T.zerosLike(x!, gz.dtype), gz, nb);
    return [apply1(new IncSubtensor(batchEntries(op.entries, nb), false), [zeros, gz, ...vars]), ...vars.map((): InputGrad => DISCONNECTED)];
  },
  IncSubtensor: ({ node, x: [, y, ...vars], gz, nb }) => {
    const op = node.op as IncSubtensor;
    const entries = batchEntries(op.entries, nb);
    const window = apply1(new Subtensor(entries), [gz, ...vars]);
    // set: the old values under the window were overwritten and get nothing
    const gx = op.set ? apply1(new IncSubtensor(entries, true), [gz, T.constant(0, { dtype: gz.dtype }), ...vars]) : gz;
    return [gx, sumTo(window, y!, nb), ...vars.map((): InputGrad => DISCONNECTED)];
  },
  // along axis 0 of x, which is axis nb of a batched gradient: moved to the front for the op and back
  AdvancedSubtensor1: ({ x: [x, idx], gz, nb }) => {
    const zeros = toFront(batchedLike(T.zerosLike(x!, gz.dtype), gz, nb), nb);
    return [fromFront(apply1(new AdvancedIncSubtensor1(false), [zeros, toFront(gz, nb), idx!]), nb), DISCONNECTED];
  },
  AdvancedIncSubtensor1: ({ node, x: [, y, idx], gz, nb }) => {
    const g = toFront(gz, nb);
    const set = (node.op as AdvancedIncSubtensor1).set;
    const gx = set ? fromFront(apply1(new AdvancedIncSubtensor1(true), [g, T.constant(0, { dtype: gz.dtype }), idx!]), nb) : gz;
    const rows = T.take(g, idx!, 0);
    // set: of a repeated row only the last write stays (NumPy's); the rows of y written before it get nothing
    const gy = set ? rows.mul(T.dimshuffle(lastWrites(g, idx!, gz.dtype), [0, ...new Array<'x'>(rows.ndim - 1).fill('x')])) : rows;
    return [gx, sumTo(fromFront(gy, nb), y!, nb), DISCONNECTED];
  },
  // one split for every piece (a split per piece, each reading every piece's shape, was quadratic)
  Join: ({ node, x: pieces, gz, nb }) => {
    const axis = (node.op as Join).axis;
    return applyNode(new JoinSplit(axis, nb), [gz, ...pieces]).outputs.map((g, i) => castTo(g, pieces[i]!.dtype));
  },
  JoinSplit: ({ node, x: [g, ...pieces], gz, gzs, nb }) => {
    const op = node.op as JoinSplit;
    // zeros for the pieces without a gradient, with g's batch dimensions (those of the split's output) and the gradient's in front
    const parts = pieces.map((p, i) => gzs[i] ?? batchedLike(T.zerosLike(op.nb === 0 ? p : node.outputs[i]!, gz.dtype), gz, nb));
    return [castTo(apply1(new Join(op.axis + op.nb + nb), parts), g!.dtype), ...pieces.map((): InputGrad => DISCONNECTED)];
  },
  Scan: scanGrad,
  OpFromGraph: (c) => opFromGraphGrad(c),
  // an identity checking a length: the other input gives only its shape
  MatchLength: ({ gz }) => [gz, DISCONNECTED],
  SpecifyShape: ({ gz }) => [gz],
  // an identity checking integer indices against the other input's shape
  CheckIndex: ({ gz }) => [gz, DISCONNECTED],
  // the value is broadcast to the shape: its gradient sums back; the lengths give only the shape
  Alloc: ({ x: [value, ...dims], gz, nb }) => [sumTo(gz, value!, nb), ...dims.map((): InputGrad => DISCONNECTED)],
  ARange: ({ x }) => x.map((): InputGrad => DISCONNECTED),
  // T.fft's stage lengths and tables: functions of lengths only
  DFT: ({ x }) => x.map((): InputGrad => DISCONNECTED),
  // a DFT's gradient is the adjoint DFT (the other sign), planned for its length as the forward one is
  FFT: ({ node, gz, nb }) => [(node.op as DftAxis).adjoint(node, gz, nb), DISCONNECTED],
  // a sample depends on its size only through its shape (its parameters are applied to it by ordinary ops)
  Random: ({ x }) => x.map((): InputGrad => DISCONNECTED),
  // an identity carrying updates: the gradient passes through
  WithUpdates: ({ gz }) => [gz],
  // conv2d and pool2d: the windows' gradient is summed back into the image, and the reverse;
  // the other inputs (the window's size, the image's shape) give only shapes
  Im2Col: ({ node, x: [x, ...window], gz }) => [castTo(apply1(new Col2Im((node.op as Im2Col).geometry), [gz, x!]), x!.dtype), ...window.map((): InputGrad => DISCONNECTED)],
  Col2Im: ({ node, x: [g], gz }) => [castTo(windowsOf(gz, g!, node.op as Col2Im), g!.dtype), DISCONNECTED],
  MatrixInverse: matrixInverseGrad,
  Det: detGrad,
  Cholesky: choleskyGrad,
  Solve: solveGrad,
  Eigh: eighGrad,
  SVD: svdGrad,
  QR: qrGrad,
  // eig and complex det run on the host with a gradient of their own (eig-grad.ts); the other host ops have none
  HostOp: (c) => (isEig(c.node.op) ? eigGrad(c) : isComplexDet(c.node.op) ? complexDetGrad(c) : hostOpGrad(c)),
  Sort: sortGrad,
  TakeAlongAxis: takeAlongAxisGrad,
  Gradient: (c) => (c.node.op as GradientOp).gradRule(c),
  // ops written outside sym carry their own gradient
  Custom: customOpGrad,
};

/**
 * Inputs of a node no gradient can reach, whatever the output's dtype
 * (Theano's connection pattern); `forward`: in Rop's pass, where an
 * opFromGraph's grad override does not apply.
 */
export function disconnectedInputs(node: GradContext['node'], forward = false): readonly number[] {
  const op = node.op;
  if (op.kind === 'Shape') return [0];
  if (op instanceof GradientOp) return op.disconnectedInputs();
  if (op.kind === 'Custom') return customOpDisconnected(node);
  if (op instanceof OpFromGraph) return opFromGraphDisconnected(op, forward);
  if (op.kind === 'Elemwise' && (op as Elemwise).scalarOp === 'second') return [0];
  // indices, and the pieces a JoinSplit reads only for their shapes
  if (op.kind === 'Subtensor' || op.kind === 'AdvancedSubtensor1' || op.kind === 'JoinSplit') return range(node.inputs.length - 1, 1);
  if (op.kind === 'IncSubtensor' || op.kind === 'AdvancedIncSubtensor1') return range(node.inputs.length - 2, 2);
  if (op.kind === 'Alloc') return range(node.inputs.length - 1, 1);
  if (op.kind === 'MatchLength' || op.kind === 'CheckIndex' || op.kind === 'FFT') return [1];
  // topk's k; a TakeAlongAxis's indices
  if (op.kind === 'Sort' || op.kind === 'TakeAlongAxis') return range(node.inputs.length - 1, 1);
  if (op.kind === 'ARange' || op.kind === 'DFT' || op.kind === 'Random') return range(node.inputs.length);
  // shapes only: Im2Col's window, Col2Im's image
  if (op.kind === 'Im2Col' || op.kind === 'Col2Im') return range(node.inputs.length - 1, 1);
  return [];
}
