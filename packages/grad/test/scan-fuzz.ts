/**
 * A seeded generator of random scan programs, for fuzzing `sym.scan`'s
 * values and gradients (`scan-fuzz.test.ts`). A program is plain data (a
 * {@link ScanProgram}): sequences with taps, recurrent outputs with taps,
 * map-only outputs, non-sequences passed or read by closure, a random
 * elementwise step (add, mul, sub, tanh, sigmoid, exp of a tanh, dot with a
 * matrix non-sequence, switch, a scan nested in the step), `goBackwards`,
 * `nSteps` as a number, an input or from the sequences, and `sym.until`.
 * {@link buildScan} makes it a sym graph; {@link referenceScan} runs the
 * same program in plain JavaScript (float64) following Theano's rules, so
 * the two can be compared, and the sym graph's gradient against central
 * differences of the reference's cost.
 */
import * as sym from '@sym/graph';
import { seededRandom } from '../src/index.js';

const T = sym.T;
type V = sym.TensorVariable;

/** What one value of the step is: a scalar, a vector of the program's length D, or a D x D matrix (non-sequences only). */
export type Kind = 's' | 'v' | 'm';
/** A step expression over an environment of values (the step's arguments, then the closure's); `leaf` indexes it. */
export type Expr =
  | { k: 'leaf'; i: number }
  | { k: 'const'; v: number[][] | number[] | number }
  | { k: 'bin'; op: 'add' | 'mul' | 'sub'; a: Expr; b: Expr }
  | { k: 'un'; op: 'tanh' | 'sigmoid' | 'expTanh' | 'neg'; a: Expr }
  | { k: 'sum'; a: Expr }
  | { k: 'dot'; m: number; a: Expr; side: 'mv' | 'vm' }
  /** dot of two expressions: matrix by matrix, matrix by vector or vector by matrix. */
  | { k: 'matmul'; a: Expr; b: Expr }
  /** A matrix's sum over its first axis. */
  | { k: 'sum0'; a: Expr }
  | { k: 'switch'; c: Expr; a: Expr; b: Expr }
  /** A scan inside the step: over the elements of `seq` (a vector), a scalar state from `init`, `body` over [x, h, ...the outer environment]; all its states (a vector) or the last. */
  | { k: 'nest'; seq: Expr; init: Expr; body: Expr; back: boolean; take: 'all' | 'last' };

/** How an output enters the cost: the sum of all of it, of its squares, of its tanh, of its first, last or next-to-last row, of its rows from the second on, of its last two rows. */
export type CostForm = 'sum' | 'sq' | 'tanh' | 'first' | 'last' | 'prev' | 'tail' | 'window';
const COST_FORMS = ['sum', 'sq', 'tanh', 'first', 'last', 'last', 'prev', 'tail', 'window'] as const;

/** A sequence: `len` steps of a scalar or a vector, the input itself or a view of it (reversed, every other row of 2 len - 1 rows) or its tanh. */
export interface SeqSpec { len: number; kind: Kind; taps: number[]; view: 'plain' | 'rev' | 'every2' | 'tanh'; shared: boolean }
/** An output: recurrent (taps), its initial value an input, a shared variable or (`plain`, a scalar of taps [-1]) a JavaScript number; or map-only (taps null). */
export interface OutSpec { kind: Kind; taps: number[] | null; body: Expr; shared: boolean; plain: boolean }
/** A non-sequence passed to the step, or read by closure: an input, or a shared variable. */
export interface NonSeqSpec { kind: Kind; closure: boolean; shared: boolean; /** The step gets tanh of the value (an expression, not a variable). */ derived: boolean }
export interface ScanProgram {
  seed: number;
  D: number;
  seqs: SeqSpec[];
  outs: OutSpec[];
  nons: NonSeqSpec[];
  nStepsMode: 'sequences' | 'number' | 'input';
  nSteps: number;
  back: boolean;
  /** until(cond > thr), over the step's environment followed by its new outputs. */
  until: { cond: Expr; thr: number } | null;
  /** Whether the step reads sum(tanh(s0)) by closure, after the non-sequences. */
  seqTotal: boolean;
  /** truncateGradient (never with until), or null. */
  truncate: number | null;
  /** Whether a step with one output returns it bare (not in an array). */
  bare: boolean;
  /** Whether until comes as [[a, b], until(c)] rather than [a, b, until(c)]. */
  nestedReturn: boolean;
  /** Whether an output of taps [-1] is given as { initial, taps: [-1] } rather than its initial value. */
  tapsForm: boolean;
  /** Each output's term of the cost: its form times w. */
  cost: { form: CostForm; w: number }[];
  /** A second scan over output `of` (h = tanh(a h + x), from zeros), its states added to the outputs and the cost. */
  chain: { of: number; back: boolean; a: number; form: CostForm; w: number } | null;
  /** The input values, in the order of {@link BuiltScan.inputs}' float inputs: sequences, initial values of the recurrent outputs, non-sequences. */
  values: sym.NDArray[];
  log: string;
}

const SEQ_TAPS = [[0], [0], [-1, 0], [-2, 1], [2], [1, -1]];
const OUT_TAPS = [[-1], [-1], [-2, -1], [-3]];

/** The largest |tap| of an output's taps: the rows of its initial value. */
export const depthOf = (taps: readonly number[]) => Math.max(...taps.map((t) => -t));

export function generateScan(seed: number, opts: { nest?: boolean } = {}): ScanProgram {
  const rnd = seededRandom(seed * 104729 + 7);
  const ri = (n: number) => Math.floor(rnd() * n);
  const pick = <X>(xs: readonly X[]): X => xs[ri(xs.length)]!;
  const D = 1 + ri(3);
  const kindOf = (): Kind => (rnd() < 0.6 ? 'v' : rnd() < 0.6 ? 's' : 'm');
  const seqs: SeqSpec[] = Array.from({ length: ri(4) }, () => ({ len: 0, kind: kindOf(), taps: pick(SEQ_TAPS), view: rnd() < 0.6 ? 'plain' : pick(['rev', 'every2', 'tanh'] as const), shared: rnd() < 0.15 }));
  const nRec = ri(4);
  const nMap = nRec === 0 ? 1 + ri(2) : ri(2);
  const nons: NonSeqSpec[] = Array.from({ length: ri(3) }, () => {
    const closure = rnd() < 0.35;
    return { kind: pick(['s', 'v', 'm', 'm'] as const), closure, shared: closure && rnd() < 0.5, derived: rnd() < 0.2 };
  });
  const outKinds = [...Array.from({ length: nRec }, () => ({ taps: pick(OUT_TAPS) as number[] | null })), ...Array.from({ length: nMap }, () => ({ taps: null }))].map((o) => ({
    ...o,
    kind: kindOf(),
  }));
  // shuffle so map-only outputs may come before recurrent ones
  for (let i = outKinds.length - 1; i > 0; i--) {
    const j = ri(i + 1);
    [outKinds[i], outKinds[j]] = [outKinds[j]!, outKinds[i]!];
  }
  const back = rnd() < 0.3;
  // the environment the step sees: each sequence's taps, each recurrent output's taps, the passed non-sequences, the closure's
  const env: Kind[] = [];
  for (const s of seqs) for (const _ of s.taps) env.push(s.kind);
  for (const o of outKinds) if (o.taps) for (const _ of o.taps) env.push(o.kind);
  for (const n of nons) if (!n.closure) env.push(n.kind);
  for (const n of nons) if (n.closure) env.push(n.kind);
  // the step may read a whole sequence by closure too (sum(tanh(s0))), besides its steps
  const seqTotal = seqs.length > 0 && rnd() < 0.2;
  if (seqTotal) env.push('s');
  const nest = opts.nest ?? rnd() < 0.3;
  let nestsLeft = nest ? 1 : 0;

  const gen = (kinds: readonly Kind[], t: Kind, depth: number): Expr => {
    const leaves = kinds.flatMap((k, i) => (k === t ? [i] : []));
    const matrices = kinds.flatMap((k, i) => (k === 'm' ? [i] : []));
    if (depth <= 0 || rnd() < 0.25) {
      if (leaves.length && rnd() < 0.85) return { k: 'leaf', i: pick(leaves) };
      if (t === 's' && kinds.some((k) => k !== 's') && rnd() < 0.6) return { k: 'sum', a: { k: 'leaf', i: pick(kinds.flatMap((k, i) => (k !== 's' ? [i] : []))) } };
      const c = () => Math.round((rnd() * 2 - 1) * 100) / 100;
      return { k: 'const', v: t === 's' ? c() : t === 'v' ? Array.from({ length: D }, c) : Array.from({ length: D }, () => Array.from({ length: D }, c)) };
    }
    const r = rnd();
    if (nestsLeft > 0 && r < 0.3 && t !== 'm') {
      nestsLeft--;
      const inner: Kind[] = ['s', 's', ...kinds];
      return { k: 'nest', seq: gen(kinds, 'v', depth - 1), init: gen(kinds, 's', depth - 2), body: gen(inner, 's', depth), back: rnd() < 0.4, take: t === 'v' ? 'all' : 'last' };
    }
    if (r < 0.4) {
      const a = gen(kinds, t, depth - 1);
      const b = gen(kinds, t !== 's' && rnd() < 0.3 ? (t === 'm' && rnd() < 0.5 ? 'v' : 's') : t, depth - 1);
      return { k: 'bin', op: pick(['add', 'add', 'mul', 'sub'] as const), ...(rnd() < 0.5 ? { a, b } : { a: b, b: a }) };
    }
    if (r < 0.6) return { k: 'un', op: pick(['tanh', 'sigmoid', 'expTanh', 'neg'] as const), a: gen(kinds, t, depth - 1) };
    if (r < 0.7 && t === 's') return { k: 'sum', a: gen(kinds, rnd() < 0.8 ? 'v' : 'm', depth - 1) };
    if (r < 0.75 && t === 'v') return rnd() < 0.3 ? { k: 'sum0', a: gen(kinds, 'm', depth - 1) } : rnd() < 0.5 ? { k: 'matmul', a: gen(kinds, 'm', depth - 1), b: gen(kinds, 'v', depth - 1) } : { k: 'matmul', a: gen(kinds, 'v', depth - 1), b: gen(kinds, 'm', depth - 1) };
    if (r < 0.8 && t === 'm') return { k: 'matmul', a: gen(kinds, 'm', depth - 1), b: gen(kinds, 'm', depth - 1) };
    if (r < 0.85 && t === 'v' && matrices.length) return { k: 'dot', m: pick(matrices), a: gen(kinds, 'v', depth - 1), side: rnd() < 0.5 ? 'mv' : 'vm' };
    if (r < 0.92) return { k: 'switch', c: gen(kinds, rnd() < 0.5 ? 's' : t, depth - 2), a: gen(kinds, t, depth - 1), b: gen(kinds, t, depth - 1) };
    return { k: 'un', op: 'tanh', a: { k: 'bin', op: 'add', a: gen(kinds, t, depth - 1), b: gen(kinds, t, depth - 1) } };
  };
  const outs: OutSpec[] = outKinds.map((o) => {
    const shared = o.taps !== null && rnd() < 0.15;
    return { ...o, body: gen(env, o.kind, 3), shared, plain: !shared && o.kind === 's' && o.taps?.length === 1 && o.taps[0] === -1 && rnd() < 0.3 };
  });
  // how many steps the sequences allow (Theano's rule: each tap window is len - (max(M, 0) - min(m, 0)) long)
  const span = (taps: number[]) => Math.max(...taps, 0) - Math.min(...taps, 0);
  let nStepsMode: ScanProgram['nStepsMode'] = seqs.length === 0 ? pick(['number', 'input'] as const) : pick(['sequences', 'sequences', 'number', 'input'] as const);
  // past 8 steps the rows are stacked by more than one gathering kernel
  const steps = rnd() < 0.2 ? 8 + ri(12) : 1 + ri(7);
  // sequences of different lengths: the loop runs as long as the shortest window
  for (const s of seqs) s.len = span(s.taps) + steps + ri(3);
  let nSteps = steps;
  if (seqs.length && nStepsMode === 'sequences') nSteps = Math.min(...seqs.map((s) => s.len - span(s.taps)));
  if (seqs.length && nStepsMode !== 'sequences' && rnd() < 0.3) nSteps = Math.max(1, nSteps - ri(2));
  if (seqs.length === 0 && nStepsMode === 'sequences') nStepsMode = 'number';
  const untilOn = rnd() < 0.25;
  const untilEnv: Kind[] = [...env, ...outs.map((o) => o.kind)];
  const until = untilOn ? { cond: gen(untilEnv, 's', 2), thr: Math.round((rnd() * 2 - 1) * 100) / 100 } : null;
  // the next-to-last row needs two rows, which until may not leave
  const form = (): CostForm => {
    const f = pick(COST_FORMS);
    return f === 'prev' && (until || nSteps < 2) ? 'last' : f;
  };
  const weight = () => Math.round((0.5 + rnd()) * 100) / 100;
  const cost = outs.map(() => ({ form: form(), w: weight() }));
  const chain = rnd() < 0.25 ? { of: ri(outs.length), back: rnd() < 0.5, a: Math.round((rnd() * 2 - 1) * 100) / 100, form: form(), w: weight() } : null;
  const truncate = !until && rnd() < 0.2 ? 1 + ri(nSteps + 1) : null;
  const rand = (shape: number[], scale = 1) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return new sym.NDArray(Float64Array.from({ length: n }, () => (rnd() * 2 - 1) * scale), shape, 'float64');
  };
  const shapeOf = (k: Kind) => (k === 's' ? [] : k === 'v' ? [D] : [D, D]);
  const values = [
    ...seqs.map((s) => rand([s.view === 'every2' ? 2 * s.len - 1 : s.len, ...shapeOf(s.kind)])),
    ...outs.flatMap((o) => (o.taps ? [rand([depthOf(o.taps), ...shapeOf(o.kind)])] : [])),
    ...nons.map((n) => rand(shapeOf(n.kind), n.kind === 'm' ? 0.8 : 1)),
  ];
  const prog: ScanProgram = { seed, D, seqs, outs, nons, nStepsMode, nSteps, back, until, bare: rnd() < 0.5, nestedReturn: rnd() < 0.5, tapsForm: rnd() < 0.4, seqTotal, cost, chain, truncate, values, log: '' };
  prog.log = describe(prog);
  return prog;
}

function show(e: Expr): string {
  switch (e.k) {
    case 'leaf': return `a${e.i}`;
    case 'const': return JSON.stringify(e.v);
    case 'bin': return `${e.op}(${show(e.a)}, ${show(e.b)})`;
    case 'un': return `${e.op}(${show(e.a)})`;
    case 'sum': return `sum(${show(e.a)})`;
    case 'dot': return e.side === 'mv' ? `dot(a${e.m}, ${show(e.a)})` : `dot(${show(e.a)}, a${e.m})`;
    case 'matmul': return `matmul(${show(e.a)}, ${show(e.b)})`;
    case 'sum0': return `sum0(${show(e.a)})`;
    case 'switch': return `switch(${show(e.c)} > 0, ${show(e.a)}, ${show(e.b)})`;
    case 'nest': return `scan[${e.back ? 'back ' : ''}${e.take}](seq=${show(e.seq)}, h0=${show(e.init)}, (a0=x, a1=h, a2.. = outer a0..) => ${show(e.body)})`;
  }
}

/** A one-line account of a program, for failure messages. */
export function describe(p: ScanProgram): string {
  const seqs = p.seqs.map((s) => `${s.shared ? 'shared ' : ''}${s.view === 'plain' ? '' : `${s.view} `}[${s.len}${s.kind === 'v' ? `,${p.D}` : s.kind === 'm' ? `,${p.D},${p.D}` : ''}] taps ${JSON.stringify(s.taps)}`).join('; ');
  const outs = p.outs.map((o, i) => `o${i}[${o.kind}]${o.taps ? ` taps ${JSON.stringify(o.taps)}${o.shared ? ' shared' : o.plain ? ' number' : ''}` : ' map'} = ${show(o.body)}`).join('; ');
  const nons = p.nons.map((n) => `${n.derived ? 'tanh ' : ''}${n.kind}${n.closure ? (n.shared ? ' (shared, closure)' : ' (closure)') : ''}`).join(', ');
  const until = p.until ? ` until(${show(p.until.cond)} > ${p.until.thr})` : '';
  const chain = p.chain ? ` | chain over o${p.chain.of}${p.chain.back ? ' backwards' : ''}` : '';
  const cost = [...p.cost, ...(p.chain ? [p.chain] : [])].map((c) => `${c.w} ${c.form}`).join(' + ');
  return `seed ${p.seed}: D=${p.D} seqs: ${seqs || '-'} | outs: ${outs} | nons: ${nons || '-'}${p.seqTotal ? ' + sum(tanh(s0))' : ''} | nSteps ${p.nStepsMode} ${p.nSteps}${p.back ? ' backwards' : ''}${p.truncate !== null ? ` truncateGradient ${p.truncate}` : ''}${until}${chain} | cost ${cost}`;
}

// ---- the sym graph ----

export interface BuiltScan {
  /** The float inputs (sequences, initial values, non-sequences; not the shared ones), then nSteps's when it is an input. */
  inputs: V[];
  /** What the gradient is taken with respect to, in the order of the program's values: sequences, initial values, non-sequences (shared ones included; numbers built into the graph not). */
  wrt: V[];
  /** The index in the program's values of each of `wrt`, and of each float input. */
  wrtIndex: number[];
  inputIndex: number[];
  outputs: V[];
  cost: V;
  /** The arguments to call a function of `inputs` with, given the program's values (and nSteps, when it is an input). */
  args: (values: readonly sym.NDArray[], nSteps?: number) => unknown[];
}

function buildExpr(e: Expr, env: readonly V[], dtype: FloatType): V {
  const build = (x: Expr, inner: readonly V[] = env) => buildExpr(x, inner, dtype);
  switch (e.k) {
    case 'leaf': return env[e.i]!;
    case 'const': return T.constant(typeof e.v === 'number' ? e.v : e.v, { dtype });
    case 'bin': return T[e.op](build(e.a), build(e.b));
    case 'un': {
      const a = build(e.a);
      return e.op === 'tanh' ? T.tanh(a) : e.op === 'sigmoid' ? T.sigmoid(a) : e.op === 'neg' ? T.neg(a) : T.exp(T.tanh(a));
    }
    case 'sum': return T.sum(build(e.a));
    case 'dot': return e.side === 'mv' ? T.dot(env[e.m]!, build(e.a)) : T.dot(build(e.a), env[e.m]!);
    case 'matmul': return T.dot(build(e.a), build(e.b));
    case 'sum0': return T.sum(build(e.a), 0);
    case 'switch': return T.switch_(T.gt(build(e.c), 0), build(e.a), build(e.b));
    case 'nest': {
      const [hs] = sym.scan((x: V, h: V) => build(e.body, [x, h, ...env]), { sequences: build(e.seq), outputsInfo: build(e.init), goBackwards: e.back });
      return e.take === 'all' ? hs : hs.get(-1);
    }
  }
}

export type FloatType = 'float64' | 'float32';

/** The sym graph of `p`, in float64 or (for devices without it) float32. */
export function buildScan(p: ScanProgram, dtype: FloatType = 'float64'): BuiltScan {
  const ty = (k: Kind, lead: boolean, name: string): V => T.tensor(dtype, [...(lead ? [false] : []), ...(k === 's' ? [] : k === 'v' ? [false] : [false, false])], name);
  // one slot per value: what it is (an input, a shared variable, a number built into the graph)
  const recurrent = p.outs.filter((o) => o.taps);
  const slots = [
    ...p.seqs.map((s, i) => ({ kind: s.kind, lead: true, name: `s${i}`, shared: s.shared, plain: false })),
    ...recurrent.map((o) => ({ kind: o.kind, lead: true, name: `init${p.outs.indexOf(o)}`, shared: o.shared, plain: o.plain })),
    ...p.nons.map((n, i) => ({ kind: n.kind, lead: false, name: `non${i}`, shared: n.shared, plain: false })),
  ];
  const vars = slots.map((s, k) => (s.shared ? sym.shared(dtype === 'float64' ? p.values[k]! : p.values[k]!.astype(dtype), { name: `shared_${s.name}` }) : ty(s.kind, s.lead, s.name)));
  const seqVars = vars.slice(0, p.seqs.length);
  const seqExprs = seqVars.map((x, i) => ({ plain: x, rev: x.get('::-1'), every2: x.get('::2'), tanh: T.tanh(x) })[p.seqs[i]!.view]);
  const initVars = vars.slice(p.seqs.length, p.seqs.length + recurrent.length);
  const nonVars = vars.slice(p.seqs.length + recurrent.length);
  const nVar = p.nStepsMode === 'input' ? T.iscalar('n') : undefined;
  const nonExprs = nonVars.map((v, i) => (p.nons[i]!.derived ? T.tanh(v) : v));
  const closure = [...nonExprs.filter((_, i) => p.nons[i]!.closure), ...(p.seqTotal ? [T.sum(T.tanh(seqVars[0]!))] : [])];
  const explicit = nonExprs.filter((_, i) => !p.nons[i]!.closure);
  const step = (...args: V[]) => {
    const env = [...args, ...closure];
    const outs = p.outs.map((o) => buildExpr(o.body, env, dtype));
    if (p.until) {
      const c = sym.until(T.gt(buildExpr(p.until.cond, [...env, ...outs], dtype), p.until.thr));
      return outs.length === 1 && p.bare ? [outs[0]!, c] : p.nestedReturn ? [outs, c] : [...outs, c];
    }
    return outs.length === 1 && p.bare ? outs[0]! : outs;
  };
  const [res] = sym.scan(step as (...args: V[]) => V, {
    ...(p.seqs.length ? { sequences: p.seqs.map((s, i) => (s.taps.length === 1 && s.taps[0] === 0 && i % 2 === 0 ? seqExprs[i]! : { input: seqExprs[i]!, taps: s.taps })) } : {}),
    outputsInfo: p.outs.map((o) => {
      if (!o.taps) return null;
      const slot = recurrent.indexOf(o);
      if (o.plain) return Number(p.values[p.seqs.length + slot]!.data[0]);
      const init = initVars[slot]!;
      // Theano's rule: an output of taps [-1] gives its initial value without the leading axis, in either form
      if (o.taps.length === 1 && o.taps[0] === -1) return p.tapsForm ? { initial: init.get(0), taps: [-1] } : init.get(0);
      return { initial: init, taps: o.taps };
    }),
    ...(explicit.length ? { nonSequences: explicit } : {}),
    ...(p.nStepsMode === 'number' ? { nSteps: p.nSteps } : nVar ? { nSteps: nVar } : {}),
    goBackwards: p.back,
    ...(p.truncate !== null ? { truncateGradient: p.truncate } : {}),
  });
  const outputs = Array.isArray(res) ? res : [res];
  if (p.chain) {
    const { of, back, a } = p.chain;
    const zeros = T.zerosLike(outputs[of]!.get(0));
    const [hs] = sym.scan((x: V, h: V) => T.tanh(T.add(T.mul(h, a), x)), { sequences: outputs[of]!, outputsInfo: zeros, goBackwards: back });
    outputs.push(hs);
  }
  const terms = [...p.cost, ...(p.chain ? [p.chain] : [])];
  const cost = outputs
    .map((o, i) => {
      const { form, w } = terms[i]!;
      const sumOf = (x: V) => T.sum(x);
      const c =
        form === 'sum' ? sumOf(o)
        : form === 'sq' ? sumOf(T.mul(o, o))
        : form === 'tanh' ? sumOf(T.tanh(o))
        : form === 'first' ? sumOf(o.get(0))
        : form === 'last' ? sumOf(o.get(-1))
        : form === 'prev' ? sumOf(o.get(-2))
        : form === 'tail' ? sumOf(o.get('1:'))
        : sumOf(o.get('-2:'));
      return T.mul(c, w);
    })
    .reduce((a, b) => T.add(a, b));
  const wrtIndex = slots.flatMap((s, k) => (s.plain ? [] : [k]));
  const inputIndex = slots.flatMap((s, k) => (s.plain || s.shared ? [] : [k]));
  return {
    inputs: [...inputIndex.map((k) => vars[k]!), ...(nVar ? [nVar] : [])],
    wrt: wrtIndex.map((k) => vars[k]!),
    wrtIndex,
    inputIndex,
    outputs,
    cost,
    args: (values, nSteps = p.nSteps) => [...inputIndex.map((k) => (dtype === 'float64' ? values[k]! : values[k]!.astype(dtype))), ...(nVar ? [nSteps] : [])],
  };
}
