/**
 * The gradient of a scan is a scan that walks the steps in the other
 * direction (Theano's scan_grad). At time index t it receives the step's
 * inputs (x[t], the state before the step, the non-sequences) and the
 * gradient flowing into the step's outputs (from the cost at t, and from
 * the steps after t through the states), and differentiates the step's own
 * graph:
 *
 * - its carried states are the gradients with respect to the states before
 *   the step (after the last step visited: the gradients of the initial
 *   values), and sums of the non-sequences' gradients;
 * - its per-step outputs are the gradients with respect to x[t].
 *
 * Only the final carried values are kept. The backward scan is an ordinary
 * scan, so it differentiates again (hessians), and `nb` batch dimensions
 * (jacobian's batched pass) ride along in front of every gradient.
 *
 * With Theano's truncate_gradient k the backward scan runs only the last k
 * steps of the loop (a window of time indices; the others' rows are zeros
 * and cost no kernels), as Theano's gradient scan does: the sequences get
 * gradient at those steps only, the non-sequences the sum over them, and
 * the initial states none when the window stops short of the first step.
 * The gradient of a windowed scan runs the same window.
 *
 * A loop ending with until (`op.until`) has as many rows as steps ran: its
 * gradient is that of an ordinary scan of that many steps, at the values
 * the loop computed, as Theano's; the rows such a loop drew itself (its
 * random variables) are drawn again, a row at a time, the same numbers.
 */
import { RandomVariable, Scan, T, TensorType, TensorVariable, apply1, applyNode, isFloat, type DType, type ScanWindow } from '@sym/graph';
import { reverse, type Seed } from './reverse.js';
import { batchedLike, fromFront, range, toFront } from './shape-helpers.js';
import { ZERO, type GradContext, type InputGrad } from './types.js';

export function scanGrad({ node, gzs, nb, forward }: GradContext): InputGrad[] {
  const op = node.op as Scan;
  // every step's state, when the forward scan kept only the last: a twin that keeps all
  const fwd = op.keep.some((k) => k === 'last') ? applyNode(new Scan(op.inner, { ...op.options, keep: op.inner.states.map(() => 'all') }), node.inputs).outputs : node.outputs;
  if (!op.until) return walkBack(op, node.inputs, fwd, gzs, nb, forward);
  // A loop that ended on its condition (sym.until): the reversed loop over the steps that ran (Theano's), the gradient
  // of an ordinary scan of that many steps over the same inputs, at the values the loop computed
  if (!fwd.length) return node.inputs.map((): InputGrad => ZERO);
  const ran = fwd[0]!.shape[0]!;
  const plain = new Scan({ ...op.inner, outputs: op.inner.outputs.slice(0, -1) }, { ...op.options, until: false, hasNSteps: true, draws: undefined });
  // the rows the loop drew itself (Scan's draws), drawn again from the generator as the call found it, a row at a
  // time, as the loop drew them: the same numbers (the generator moves only when the call succeeds)
  const inputs = (op.hasNSteps ? node.inputs.slice(0, -1) : node.inputs).map((v, i) => {
    const d = op.draws[i];
    if (!d) return v;
    const rowLengths = range(v.ndim - 1).map((k) => v.shape[k + 1]!);
    return apply1(new RandomVariable(d.distribution, d.dtype, d.rng, d.range, d.lam, true), [ran, ...rowLengths]);
  });
  const grads = walkBack(plain, [...inputs, ran], fwd, gzs, nb, forward).map((g, i): InputGrad => (op.draws[i] ? ZERO : g));
  // the bound (n_steps, or the sequences' lengths) gets none, as the count
  return op.hasNSteps ? grads : grads.slice(0, -1);
}

/**
 * The gradient of the node `op(inputs)` whose outputs, every step of each
 * state kept, are `fwd`.
 */
function walkBack(op: Scan, inputs: readonly TensorVariable[], fwd: readonly TensorVariable[], gzs: readonly (TensorVariable | undefined)[], nb: number, forward = false): InputGrad[] {
  const { sequences, states, nonSequences, outputs } = op.inner;
  const ns = sequences.length;
  const nk = states.length;
  const nn = nonSequences.length;
  const seqs = inputs.slice(0, ns);
  const inits = inputs.slice(ns, ns + nk);
  const nons = inputs.slice(ns + nk, ns + nk + nn);
  const nSteps = op.hasNSteps ? [inputs[inputs.length - 1]!] : [];
  const batchRef = gzs.find((g) => g !== undefined)!;
  // the steps the gradient walks: a truncated loop's last k (Theano's truncate_gradient), a windowed loop's own window;
  // Rop's pass (forward) walks every step: truncation is the gradient's, J v is the Jacobian's (Theano's R_op ignores it)
  const truncate = forward ? -1 : op.truncateGradient;
  const window: ScanWindow | undefined = op.window ?? (truncate === -1 ? undefined : { at: op.reverse ? 'start' : 'end', length: truncate });
  const n = op.hasNSteps ? nSteps[0]! : seqs.map((s) => s.shape[0]!).reduce((a, b) => T.minimum(a, b));
  // the state each step starts from, at its time index: the initial value where the walk begins
  const before = inits.map((init, k) => {
    const first = T.dimshuffle(init, ['x', ...range(init.ndim)]);
    const shifted = op.reverse ? T.concatenate([fwd[k]!.get('1:'), first]) : T.concatenate([first, fwd[k]!.get(':-1')]);
    const w = op.window;
    // a windowed loop that starts inside the sequence starts from the initial value there (the row before is one it skipped)
    if (!w || (w.at === 'end') === op.reverse) return shifted;
    const start = w.at === 'end' ? T.maximum(n.sub(w.length), 0) : T.minimum(n, w.length).sub(1);
    const isStart = T.dimshuffle(T.eq(T.arange(n), start), [0, ...range(init.ndim).map(() => 'x' as const)]);
    return T.switch(isStart, first, shifted);
  });

  // gradients flowing into each step's outputs from the cost, time first
  const perStep = (i: number): TensorVariable | undefined => {
    const g = gzs[i];
    if (g === undefined) return undefined;
    if (i < nk && op.keep[i] === 'last') return undefined;
    return toFront(g, nb);
  };
  const gSeqs = outputs.map((_, i) => perStep(i));
  const gHolders = gSeqs.map((g) => (g === undefined ? undefined : holder(g.type, 1, 'g[t]')));

  const floatStates = range(nk).filter((k) => isFloat(states[k]!.dtype));
  const floatNons = range(nn).filter((m) => isFloat(nonSequences[m]!.dtype));
  const floatSeqs = range(ns).filter((i) => isFloat(sequences[i]!.dtype));
  const batched = (v: TensorVariable, dtype: DType = v.dtype) => new TensorType(dtype, [...range(nb).map(() => false), ...v.broadcastable]);
  const carryHolders = floatStates.map((k) => holder(batched(states[k]!), 0, `d${states[k]!.name ?? 'state'}`));
  const accHolders = floatNons.map((m) => holder(batched(nonSequences[m]!), 0, `d${nonSequences[m]!.name ?? 'non_sequence'}`));
  const innerRef = [...carryHolders, ...(gHolders.filter((g) => g !== undefined) as TensorVariable[])][0]!;

  // the backward step: differentiate the forward step's graph at t
  const seeds: Seed[] = [];
  floatStates.forEach((k, c) => {
    const g = gHolders[k];
    seeds.push({ variable: outputs[k]!, grad: g ? T.add(carryHolders[c]!, g) : carryHolders[c]! });
  });
  range(outputs.length - nk, nk).forEach((i) => {
    const g = gHolders[i];
    if (g && isFloat(outputs[i]!.dtype)) seeds.push({ variable: outputs[i]!, grad: g });
  });
  const wrt = [...floatSeqs.map((i) => sequences[i]!), ...floatStates.map((k) => states[k]!), ...floatNons.map((m) => nonSequences[m]!)];
  const grads = wrt.length
    ? reverse(seeds, wrt, nb, { disconnectedInputs: 'ignore', caller: 'scan gradient', forwardIdentityOverrides: forward }, (w, dtype) => batchedLike(T.zerosLike(w, dtype), innerRef, nb))
    : [];
  const gx = grads.slice(0, floatSeqs.length);
  const newCarry = grads.slice(floatSeqs.length, floatSeqs.length + floatStates.length);
  const newAcc = grads.slice(floatSeqs.length + floatStates.length).map((g, j) => T.add(accHolders[j]!, g));

  const stepSeqs = gSeqs.flatMap((g, i) => (g === undefined ? [] : [{ outer: g, inner: gHolders[i]! }]));
  const back = new Scan(
    {
      sequences: [...sequences, ...states, ...stepSeqs.map((s) => s.inner)],
      states: [...carryHolders, ...accHolders],
      nonSequences,
      outputs: [...newCarry.map((g, c) => castTo(g, carryHolders[c]!.dtype)), ...newAcc.map((g, j) => castTo(g, accHolders[j]!.dtype)), ...gx],
    },
    {
      keep: [...carryHolders, ...accHolders].map(() => 'last'),
      reverse: !op.reverse,
      // a sequence longer than the loop gets zeros past the steps
      padTo: floatSeqs,
      hasNSteps: op.hasNSteps,
      ...(window ? { window } : {}),
      name: `grad_of_${op.name ?? 'scan'}`,
    },
  );
  const outerZeros = (v: TensorVariable) => batchedLike(T.zerosLike(v), batchRef, nb);
  const carryInits = floatStates.map((k) => {
    const g = gzs[k];
    return op.keep[k] === 'last' && g !== undefined ? castTo(g, states[k]!.dtype) : outerZeros(inits[k]!);
  });
  const accInits = floatNons.map((m) => outerZeros(nons[m]!));
  const result = applyNode(back, [...seqs, ...before, ...stepSeqs.map((s) => s.outer), ...carryInits, ...accInits, ...nons, ...nSteps]).outputs;
  // a walk cut short of the first step leaves the initial values without gradient (Theano's truncate_gradient)
  const cut = !op.window && truncate !== -1;
  const gInit = result.slice(0, floatStates.length).map((g) => (cut ? T.switch(T.le(n, truncate), g, T.zerosLike(g)) : g));
  const gNon = result.slice(floatStates.length, floatStates.length + floatNons.length);
  const gSeq = result.slice(floatStates.length + floatNons.length).map((g) => fromFront(g, nb));

  return [
    ...range(ns).map((i): InputGrad => (floatSeqs.includes(i) ? gSeq[floatSeqs.indexOf(i)]! : ZERO)),
    ...range(nk).map((k): InputGrad => (floatStates.includes(k) ? gInit[floatStates.indexOf(k)]! : ZERO)),
    ...range(nn).map((m): InputGrad => (floatNons.includes(m) ? gNon[floatNons.indexOf(m)]! : ZERO)),
    ...nSteps.map((): InputGrad => ZERO),
  ];
}

/** A placeholder of `type` with its first `drop` dimensions removed. */
function holder(type: TensorType, drop: number, name: string): TensorVariable {
  return new TensorVariable(new TensorType(type.dtype, type.broadcastable.slice(drop)), { name });
}

const castTo = (v: TensorVariable, d: DType) => (v.dtype === d ? v : T.cast(v, d));
