/**
 * The reverse pass: accumulate the gradient of every variable between the
 * seeds (the cost, known gradients) and the variables asked for, in reverse
 * topological order, summing the contributions of all consumers. Each
 * variable's gradient is built once and reused by every rule that needs it,
 * so the gradient graph shares subexpressions and grows linearly with the
 * forward graph.
 */
import { T, TensorVariable, config, isFloat, nameInError, toposort, type Apply, type DType } from '@sym/graph';
import { OP_GRADS, disconnectedInputs } from './rules.js';
import { sumTo } from './shape-helpers.js';
import { GradOverride } from './ops.js';
import { opFromGraphGrad } from './op-from-graph-grad.js';
import { DISCONNECTED, ZERO, type InputGrad, type OpGrad } from './types.js';

/** `x (TensorType(float64, vector))`: how errors name a variable. */
export function describeVariable(v: TensorVariable): string {
  // an unnamed intermediate by the expression that made it ((a * 2)), not its op's output (Elemwise{mul,no_inplace}.0)
  return `${nameInError(v)} (${v.type.toString()})`;
}

/** `x`, `matrix`, `3-d tensor`: how errors name a rank. */
export function rankName(ndim: number): string {
  return ['scalar', 'vector', 'matrix'][ndim] ?? `${ndim}-d tensor`;
}

/** How errors name a value that is not what was expected: a variable by its name and type, anything else by its type. */
export function describeValue(v: unknown): string {
  return v instanceof TensorVariable ? describeVariable(v) : v === null ? 'null' : typeof v;
}

/** `considerConstant` when it is a list of variables; otherwise an error naming what came. */
function checkConsiderConstant(value: unknown, caller: string): readonly TensorVariable[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`${caller}: considerConstant must be a list of symbolic variables, got ${describeValue(value)}`);
  value.forEach((v, i) => {
    if (!(v instanceof TensorVariable)) throw new TypeError(`${caller}: considerConstant[${i}] must be a symbolic variable, got ${describeValue(v)}`);
  });
  return value as TensorVariable[];
}

/** The values of `disconnectedInputs`. */
export const DISCONNECTED_POLICIES = ['raise', 'warn', 'ignore'] as const;
/** What a gradient does with a `wrt` variable the cost does not depend on: `'raise'` a {@link DisconnectedInputError}, `'warn'` and give zeros, or `'ignore'` and give zeros. */
export type DisconnectedPolicy = (typeof DISCONNECTED_POLICIES)[number];

/** `policy` when it is a valid `disconnectedInputs` (undefined means 'raise'); otherwise an error naming the valid values. */
export function checkPolicy(policy: unknown, caller: string): DisconnectedPolicy {
  if (policy === undefined) return 'raise';
  if (!DISCONNECTED_POLICIES.includes(policy as DisconnectedPolicy)) {
    throw new TypeError(
      `${caller}: disconnectedInputs must be one of ${DISCONNECTED_POLICIES.map((p) => `'${p}'`).join(', ')}, got ${typeof policy === 'string' ? `'${policy}'` : String(policy)}`,
    );
  }
  return policy as DisconnectedPolicy;
}

export interface ReverseOptions {
  readonly considerConstant?: readonly TensorVariable[];
  readonly disconnectedInputs?: DisconnectedPolicy;
  /** Who is asking, for error messages: `grad`, `Lop`, `jacobian`, the function the user called. */
  readonly caller: string;
  /** What is differentiated, for error messages: `the cost` (the default), `the expression`, `f`. */
  readonly subject?: string;
  /**
   * Differentiate the forward function itself: gradClip and gradScale,
   * identities forward, pass the gradient on unchanged. Rop needs it: its
   * J v must be the Jacobian of what the graph computes.
   */
  readonly forwardIdentityOverrides?: boolean;
}

export interface Seed {
  readonly variable: TensorVariable;
  /** d(cost)/d(variable), with `nb` leading batch dimensions. */
  readonly grad: TensorVariable;
  /**
   * The variable's whole gradient (Theano's known_grads): what its
   * consumers would send it is dropped. Otherwise the seed is added to it.
   */
  readonly replaces?: boolean;
}

/** Raised when a variable asked for is not part of the cost's graph (Theano's DisconnectedInputError). */
export class DisconnectedInputError extends Error {
  /** Always `'DisconnectedInputError'`. */
  override readonly name = 'DisconnectedInputError';
}

/** Raised when a gradient has to flow through an op that declares it has none. */
export class NullGradError extends Error {
  /** Always `'NullGradError'`. */
  override readonly name = 'NullGradError';
}


/** gradClip and gradScale: identities forward whose rule alters the gradient (zeroGrad and disconnectedGrad cut it, forward too). */
function passesForward(node: Apply): boolean {
  return node.op instanceof GradOverride && (node.op.mode.kind === 'clip' || node.op.mode.kind === 'scale');
}

const passOn: OpGrad = ({ gz }) => [gz];

/** Rop's rule for an opFromGraph: its rop override transposed, or the gradient of its inner graph, whatever its grad override says. */
const innerGraph: OpGrad = (c) => opFromGraphGrad(c, { forward: true });

/** The rule for `node`: its op's, unless the caller differentiates the forward function itself (Rop). */
function ruleFor(node: Apply, opts: ReverseOptions): OpGrad | undefined {
  if (opts.forwardIdentityOverrides && passesForward(node)) return passOn;
  if (opts.forwardIdentityOverrides && node.op.kind === 'OpFromGraph') return innerGraph;
  return OP_GRADS[node.op.kind] as OpGrad | undefined;
}

/**
 * Gradients of the seeds' (implicit) cost with respect to `wrt`, each with
 * `nb` leading batch dimensions. `zerosFor(w)` builds the gradient of a
 * variable that receives none.
 */
export function reverse(
  seeds: readonly Seed[],
  wrt: readonly TensorVariable[],
  nb: number,
  opts: ReverseOptions,
  zerosFor: (w: TensorVariable, dtype: DType) => TensorVariable,
): TensorVariable[] {
  const roots = seeds.map((s) => s.variable);
  const nodes = toposort(roots);
  // A considerConstant variable receives its gradient but passes none on;
  // the other outputs of its node still do.
  const constant = new Set(checkConsiderConstant(opts.considerConstant, opts.caller));

  // Variables whose gradient can reach a seed.
  const reach = new Set<TensorVariable>(roots);
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k]!;
    if (!node.outputs.some((o) => reach.has(o) && !constant.has(o))) continue;
    const off = disconnectedInputs(node, opts.forwardIdentityOverrides);
    node.inputs.forEach((v, i) => off.includes(i) || reach.add(v));
  }
  // Variables that depend on something asked for.
  const depends = new Set<TensorVariable>(wrt);
  for (const node of nodes) {
    const off = disconnectedInputs(node, opts.forwardIdentityOverrides);
    if (node.inputs.some((v, i) => !off.includes(i) && depends.has(v))) node.outputs.forEach((o) => constant.has(o) || depends.add(o));
  }
  const needed = (v: TensorVariable) => reach.has(v) && depends.has(v);

  const policy = checkPolicy(opts.disconnectedInputs, opts.caller);
  const subject = opts.subject ?? 'the cost';
  for (const w of wrt) {
    if (reach.has(w)) continue;
    const msg =
      `${opts.caller}: ${subject} does not depend on ${describeVariable(w)} ` +
      `(it is not part of the graph of ${subject}, or is reached only through a disconnected input such as a shape or disconnectedGrad). ` +
      `Pass { disconnectedInputs: 'ignore' } (or 'warn') to get a zero gradient instead.`;
    if (policy === 'raise') throw new DisconnectedInputError(msg);
    if (policy === 'warn') console.warn(msg);
  }

  const known = new Set(seeds.filter((s) => s.replaces).map((s) => s.variable));
  const parts = new Map<TensorVariable, TensorVariable[]>();
  const totals = new Map<TensorVariable, TensorVariable | undefined>();
  const contribute = (v: TensorVariable, g: TensorVariable) => {
    let fitted = sumTo(g, v, nb);
    if (fitted.dtype !== v.dtype) fitted = T.cast(fitted, v.dtype);
    const list = parts.get(v);
    if (list) list.push(fitted);
    else parts.set(v, [fitted]);
  };
  const total = (v: TensorVariable): TensorVariable | undefined => {
    if (totals.has(v)) return totals.get(v);
    const list = parts.get(v);
    const t = list === undefined ? undefined : list.length === 1 ? list[0]! : T.add(...list);
    totals.set(v, t);
    return t;
  };
  for (const s of seeds) {
    if (s.grad.ndim !== s.variable.ndim + nb) {
      throw new TypeError(
        `${opts.caller}: the gradient given for ${describeVariable(s.variable)} must have ${s.variable.ndim + nb} dimensions, got ${describeVariable(s.grad)}`,
      );
    }
    if (isFloat(s.variable.dtype)) contribute(s.variable, s.grad);
  }

  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k]!;
    const gzs = node.outputs.map((o) => (needed(o) && isFloat(o.dtype) && !constant.has(o) ? total(o) : undefined));
    const gz = gzs.find((g) => g !== undefined);
    if (gz === undefined) continue; // every contribution was zero
    const rule = ruleFor(node, opts);
    if (!rule) {
      throw new NullGradError(
        `${opts.caller}: ${node.op.toString()} (kind ${JSON.stringify(node.op.kind)}) has no gradient rule: @sym/grad's table covers sym's own ops; ` +
          `an op of your own gets one by subclassing sym.CustomOp (with its grad method)`,
      );
    }
    const results = rule({ node, x: node.inputs, z: node.outputs[0]!, gz, gzs, nb, forward: opts.forwardIdentityOverrides });
    node.inputs.forEach((v, i) => {
      if (!needed(v) || !isFloat(v.dtype) || known.has(v)) return; // integer inputs get no gradient; a known one is given whole
      const r = results[i];
      if (r === undefined) throw new Error(`${opts.caller}: the gradient rule of ${node.op.toString()} returned nothing for input ${i}`);
      if (r === ZERO || r === DISCONNECTED) return;
      if (!(r instanceof TensorVariable)) {
        throw new NullGradError(
          `${opts.caller}: ${node.op.toString()} is not differentiable with respect to its input ${i} (${describeVariable(v)}): ${r.notDifferentiable}`,
        );
      }
      contribute(v, r);
    });
  }

  return wrt.map((w) => {
    const dtype: DType = isFloat(w.dtype) ? w.dtype : config.floatX;
    // An integer variable passes no gradient on, but one asked for as a seed
    // itself gets its seed, in floatX: Theano's grad(icost, icost) is 1.0.
    const seed = isFloat(w.dtype) ? undefined : seeds.find((s) => s.variable === w);
    const t = isFloat(w.dtype) ? total(w) : seed && T.cast(seed.grad, dtype);
    return t ?? zerosFor(w, dtype);
  });
}
