/**
 * Gradients written by users as functions of variables: an opFromGraph's
 * grad override and a CustomOp's `grad`. Both take (inputs, output
 * gradients, outputs) and answer one entry per input: a variable, a
 * number or array, or null (disconnected). Here the answers are checked
 * (count, dtype, rank, static shape, in errors naming the op; lengths
 * known only at run time against a root input when the function runs), the null
 * entries found (the op's connection pattern), and jacobian's batched
 * pass served by calling the function once per row, in a scan, so that it
 * is written for one gradient.
 */
import { MatchLength, T, TensorVariable, apply1, asTensor, isFloat, scan, shapeToString, type TensorLike } from '@sym/graph';
import { batchedLike } from './shape-helpers.js';
import { DISCONNECTED, ZERO, type GradContext, type InputGrad } from './types.js';

/** A user's gradient function. */
export type UserGradFn = (inputs: readonly TensorVariable[], outputGrads: readonly TensorVariable[], outputs: readonly TensorVariable[]) => readonly (TensorLike | null)[];

/** One application of a user's gradient function, and how errors name it. */
export interface UserGrad {
  readonly fn: UserGradFn;
  /** The inputs it answers for. */
  readonly inputs: readonly TensorVariable[];
  readonly outputs: readonly TensorVariable[];
  /** The op, as errors name it. */
  readonly op: string;
  /** The function, as errors name it: `the grad override`, `grad`. */
  readonly source: string;
  /** The inputs, as the count error lists them. */
  readonly inputNames: readonly string[];
  /** The name of the scan of jacobian's batched pass. */
  readonly scanName: string;
}

/** The gradients flowing into the node's outputs, zeros (with the batch dimensions) for those that receive none. */
export function outputGrads({ node, gzs, gz, nb }: GradContext): TensorVariable[] {
  return node.outputs.map((o, i) => gzs[i] ?? batchedLike(T.zerosLike(o, isFloat(o.dtype) ? o.dtype : gz.dtype), gz, nb));
}

/** One result, checked against the input it is the gradient of; unbatched. */
function checkResult(r: TensorLike | null | undefined, input: TensorVariable, i: number, g: UserGrad): InputGrad {
  const what = `${g.op}: ${g.source}'s result ${i} (the gradient of input ${i}, ${input} of type ${input.type})`;
  if (r === null) return DISCONNECTED;
  if (r === undefined) throw new TypeError(`${what} is undefined; return null for no gradient, 0 for a zero gradient`);
  if (r === 0) return ZERO;
  if (!isFloat(input.dtype)) return ZERO; // an integer input gets no gradient, whatever is returned
  if (!(r instanceof TensorVariable)) {
    const c = asTensor(r, what);
    if (c.ndim > input.ndim) throw new TypeError(`${what} is a constant of ${c.ndim} dimensions, more than the input's ${input.ndim}`);
    return T.second(input, T.cast(c, input.dtype));
  }
  if (r.dtype !== input.dtype) throw new TypeError(`${what} is ${r} of dtype ${r.dtype}; it must have the input's dtype ${input.dtype} (cast it: .astype('${input.dtype}'))`);
  if (r.ndim !== input.ndim) throw new TypeError(`${what} is ${r} of type ${r.type}: ${r.ndim} dimensions where the input has ${input.ndim}`);
  const clash = input.staticShape.findIndex((n, d) => {
    const m = r.staticShape[d];
    return n !== null && m !== null && m !== undefined && m !== n && m !== 1;
  });
  if (clash >= 0) {
    throw new RangeError(`${what} has shape ${shapeToString(r.staticShape)} where the input has shape ${shapeToString(input.staticShape)} (dimension ${clash} differs)`);
  }
  return checkLengthsWhenRun(r, input, what);
}

/**
 * `r`, checked when the function runs to be as long as a root input (an
 * input or shared variable, whose value is there anyway) along every
 * dimension whose length is unknown when built: a gradient one element
 * short would otherwise be added in, or broadcast, silently. A length
 * only an intermediate result knows is left to the ops that use the
 * gradient, rather than computing that result for the check; a gradient
 * 1 long by its type broadcasts, as the build-time check allows. The
 * check is an identity that costs no kernel.
 */
function checkLengthsWhenRun(r: TensorVariable, input: TensorVariable, what: string): TensorVariable {
  if (input.owner !== null) return r;
  let checked = r;
  for (let d = 0; d < input.ndim; d++) {
    const n = input.staticShape[d] ?? null;
    const m = r.staticShape[d] ?? null;
    if ((n !== null && m !== null) || m === 1 || r.broadcastable[d]) continue;
    const describe = (got: readonly (number | null)[], want: readonly (number | null)[]) =>
      `${what} has shape ${shapeToString(got)} where the input has shape ${shapeToString(want)} (dimension ${d} differs)`;
    checked = apply1(new MatchLength(d, d, describe, `user gradient ${d}`), [checked, input]);
  }
  return checked;
}

/** The function's checked results, given unbatched output gradients. */
function callOnce(g: UserGrad, gs: readonly TensorVariable[]): InputGrad[] {
  const rs = g.fn(g.inputs, gs, g.outputs);
  if (!Array.isArray(rs) || rs.length !== g.inputs.length) {
    const got = Array.isArray(rs) ? `${rs.length} result(s)` : `${rs === null ? 'null' : typeof rs}`;
    throw new TypeError(`${g.op}: ${g.source} must return a list of ${g.inputs.length} gradient(s), one per input (${g.inputNames.join(', ')}), got ${got}`);
  }
  return g.inputs.map((v, i) => checkResult(rs[i] as TensorLike | null | undefined, v, i, g));
}

/**
 * The function's results with `nb` batch dimensions in front of every
 * output gradient: a scan over the first, the function (or the next
 * level) inside.
 */
export function userGrads(g: UserGrad, gs: readonly TensorVariable[], nb: number): InputGrad[] {
  if (nb === 0) return callOnce(g, gs);
  let pattern: InputGrad[] = [];
  const [rows] = scan(
    (...gRows: TensorVariable[]) => {
      pattern = userGrads(g, gRows, nb - 1);
      const tensors = pattern.filter((r): r is TensorVariable => r instanceof TensorVariable);
      // a scan needs a step output; when every gradient is null or zero, a placeholder nobody reads
      return tensors.length ? tensors : [gRows[0]!];
    },
    { sequences: [...gs], name: g.scanName },
  );
  const stacked = Array.isArray(rows) ? rows : [rows];
  let k = 0;
  return pattern.map((r) => (r instanceof TensorVariable ? stacked[k++]! : r));
}

/**
 * The inputs the function answers `null` for, asked once with fresh
 * output gradients. A function that throws here throws again, with its
 * message checked, when the gradient is built: nothing is disconnected
 * meanwhile.
 */
export function userGradNulls(fn: UserGradFn, inputs: readonly TensorVariable[], outputs: readonly TensorVariable[]): number[] {
  const gs = outputs.map((o) => T.tensor(isFloat(o.dtype) ? o.dtype : undefined, o.broadcastable));
  let rs: readonly unknown[];
  try {
    rs = fn(inputs, gs, outputs);
  } catch {
    return [];
  }
  // a list of another length is refused by that call
  return Array.isArray(rs) && rs.length === inputs.length ? inputs.flatMap((_, i) => (rs[i] === null ? [i] : [])) : [];
}
