/**
 * One conformance case: a small graph, how to draw its inputs, and the op
 * whose tolerance applies. Running a case compiles the graph for the
 * backend under test through `sym.function(..., { device })` (the real
 * path: graph, schedule, backend.compile/run/read) and compares every
 * output with the reference `perform` on the same inputs.
 */
import * as sym from '@sym/graph';
// every case compiles with the optimizer on, as users' functions do: fused kernels (epilogues included) and in-place updates
import '@sym/opt';
import type { DType, NDArray, TensorSharedVariable, TensorVariable } from '@sym/graph';
import { getBackend, shapeToString } from '@sym/graph';
import { assertArrayClose } from './compare.js';
import { evaluateReference, graphDTypes } from './reference.js';
import { caseRng, type Rng } from './rng.js';
import { EXACT, ZERO_SIGN_UNSPECIFIED, type Tolerance } from './tolerance.js';

/** The groups of cases; `ConformanceOptions.groups` selects among them. */
export type CaseGroup = 'elemwise' | 'special' | 'ieee' | 'promotion' | 'reduce' | 'dot' | 'shape' | 'softmax' | 'cast' | 'composite' | 'indexing' | 'scan' | 'random' | 'sort' | 'nlinalg' | 'ir' | 'compile';

/** A case's graph: compiled on the backend under test and checked against the reference `perform`. */
export interface CaseGraph {
  /** The function's inputs, in order. */
  readonly inputs: readonly TensorVariable[];
  /** The outputs compared with the reference. */
  readonly outputs: readonly TensorVariable[];
  /** What each output is, for messages (default: `output i`). */
  readonly labels?: readonly string[];
  /** Input values, drawn from the case's own generator. */
  values(rng: Rng): NDArray[];
  /** Several calls of the compiled function, for graphs whose value moves between calls (random variables); default one call. */
  readonly calls?: CaseCalls;
  /**
   * The reference raises on these inputs (NumPy's IndexError of an index
   * out of range): the call must raise the same error, word for word.
   */
  readonly raises?: true;
  /**
   * Theano's `updates` (a training step): the case starts each run from the
   * variables' `initial` values; after a call that returns they hold the
   * reference's new values, after a call that raises the values they had
   * (a failed call commits nothing).
   */
  readonly updates?: readonly CaseUpdate[];
  /** Calls after the first (on `values`), in order, each with inputs of its own; a call may have to raise. */
  readonly next?: readonly CaseCall[];
}

/** A shared variable a case's function updates (`CaseGraph.updates`). */
export interface CaseUpdate {
  /** The variable. */
  readonly shared: TensorSharedVariable;
  /** Its value before the case's first call. */
  readonly initial: NDArray;
  /** Its new value, computed by each call. */
  readonly value: TensorVariable;
}

/** One call after a case's first (`CaseGraph.next`). */
export interface CaseCall {
  /** The call's inputs, in the order of `CaseGraph.inputs`. */
  readonly values: readonly NDArray[];
  /**
   * The call must raise an error whose message contains this text (or
   * matches this pattern), and leave every shared variable as it was. The
   * reference need not raise: some errors are the compiled function's own
   * (a window a scan's step cannot return at the length NumPy would).
   */
  readonly raises?: string | RegExp;
  /**
   * NumPy's outputs, then the updates' new values, where the reference
   * cannot give them: a minibatch window NumPy cuts short (its last partial
   * batch), which the reference's window refuses and the function runs by
   * value. Default: the reference evaluated just before the call.
   */
  readonly expected?: readonly NDArray[];
}

/**
 * How a case calls its function more than once, or from a known state: a
 * random variable's generator moves at each call, so each call has its own
 * expected values.
 */
export interface CaseCalls {
  /** How many calls, each compared with its expected values (at least 1). */
  readonly count: number;
  /** Compile with Theano's `no_default_updates`: the calls leave the generators where they are. */
  readonly noDefaultUpdates?: boolean;
  /** Before the expected values of the first call: put the generators back to their seeds, so that every run of the case gives the same numbers. */
  readonly start?: () => void;
  /** What call `call` (from 0) must return; default: the reference `perform` evaluated just before that call. */
  readonly expected?: (values: readonly NDArray[], call: number) => NDArray[];
}

/** One conformance case: a small graph exercising an op at a dtype and shape. */
export interface OpCase {
  /** The group it belongs to (`groups` selects by it). */
  readonly group: CaseGroup;
  /** Unique and informative: op, dtype, shapes. */
  readonly name: string;
  /** The op whose tolerance applies (scalar op name, reducer, `dot`, `softmax`, ...). */
  readonly op: string;
  /** The main input dtype of the case. */
  readonly dtype: DType;
  /** The graph to compile and check. */
  readonly graph: CaseGraph;
  /**
   * Compare bit for bit: no tolerance (whatever the run's), NaN with NaN,
   * and the sign of every zero (whatever the run's `signedZeros`). For
   * tables whose values are exact (the `ieee` group): a backend that
   * flushes subnormals or drops the sign of zero skips the cases that show
   * it, saying so.
   */
  readonly bitwise?: true;
}

/** What a case needs to know about the run. */
export interface CaseContext {
  /** The device name functions compile for. */
  readonly device: string;
  /** Seed of the input values (each case draws from it and its name); failure messages repeat it. */
  readonly seed: number;
  /** The tolerance for an op's results of a dtype. */
  readonly tolerance: (op: string, dtype: DType) => Tolerance;
  /** Require -0 where the reference has -0 (except ops whose zero sign is unspecified). */
  readonly signedZeros: boolean;
  /** Passed to every `sym.function` (a mode, optimizer inclusions/exclusions). */
  readonly functionOptions?: CaseFunctionOptions;
}

/** The compile options a run may set for all its functions. */
export type CaseFunctionOptions = Pick<sym.FunctionOptions, 'mode' | 'optimizer'>;

/** Whether a backend holding only `dtypes` can run the case. */
export function caseFits(c: OpCase, dtypes: ReadonlySet<DType>): boolean {
  for (const d of graphDTypes(c.graph.outputs)) if (!dtypes.has(d)) return false;
  return true;
}

function describeInputs(g: CaseGraph, values: readonly NDArray[]): string {
  return g.inputs
    .map((v, i) => {
      const a = values[i]!;
      const body = a.size <= 48 ? a.toString().replace(/\n\s*/g, ' ') : `(${a.size} values)`;
      return `  input ${i} ${v.type.toString()} shape ${shapeToString(a.shape)}: ${body}`;
    })
    .join('\n');
}

/** Run one case; throws an Error saying which output (and which call), where, and with which inputs, when it fails. */
export async function runCase(c: OpCase, ctx: CaseContext): Promise<void> {
  const g = c.graph;
  const values = g.values(caseRng(ctx.seed, c.name));
  if (g.raises) return runRaising(c, values, ctx);
  if (g.updates || g.next) return runSequence(c, values, ctx);
  const calls = g.calls;
  calls?.start?.();
  const count = calls?.count ?? 1;
  const expectedAt = (call: number): NDArray[] =>
    calls?.expected ? calls.expected(values, call) : evaluateReference(g.outputs, new Map(g.inputs.map((v, i) => [v, values[i]!])));
  // the first call's values before compiling, as for any case: compiling must not move what they depend on
  let expected = expectedAt(0);
  const signedZeros = c.bitwise ?? (ctx.signedZeros && !ZERO_SIGN_UNSPECIFIED.has(c.op));
  const noDefaultUpdates = calls?.noDefaultUpdates ? { noDefaultUpdates: true } : {};
  const f = sym.function([...g.inputs], [...g.outputs], { ...ctx.functionOptions, ...noDefaultUpdates, device: ctx.device });
  try {
    for (let call = 0; call < count; call++) {
      if (call > 0) expected = expectedAt(call);
      const actual = await f(...values);
      const which = count > 1 ? ` (call ${call + 1} of ${count})` : '';
      g.outputs.forEach((o, i) => {
        const label = `${c.name}: ${g.labels?.[i] ?? `output ${i}`}${which}`;
        try {
          assertArrayClose(actual[i]!, expected[i]!, label, { tolerance: c.bitwise ? EXACT : ctx.tolerance(c.op, o.dtype), signedZeros });
        } catch (e) {
          throw new Error(`${(e as Error).message}\nwith inputs (seed ${ctx.seed}):\n${describeInputs(g, values)}`);
        }
      });
    }
  } finally {
    f.compiled.dispose();
  }
}

/** A case whose reference raises: the backend's call raises the same message (`CaseGraph.raises`). */
async function runRaising(c: OpCase, values: readonly NDArray[], ctx: CaseContext): Promise<void> {
  const g = c.graph;
  let expected: Error | undefined;
  try {
    evaluateReference(g.outputs, new Map(g.inputs.map((v, i) => [v, values[i]!])));
  } catch (e) {
    expected = e as Error;
  }
  if (!expected) throw new Error(`${c.name}: the case says the reference raises, and it computed the outputs`);
  const f = sym.function([...g.inputs], [...g.outputs], { ...ctx.functionOptions, device: ctx.device });
  try {
    let got: Error | undefined;
    try {
      await f(...values);
    } catch (e) {
      got = e as Error;
    }
    if (got?.message !== expected.message) {
      throw new Error(`${c.name}: expected the call to raise\n  ${expected.message}\n${got ? `it raised\n  ${got.message}` : 'it returned values'}\nwith inputs (seed ${ctx.seed}):\n${describeInputs(g, values)}`);
    }
  } finally {
    f.compiled.dispose();
  }
}

/** A call returning or raising, as `raises` says; a backend with synchronous runs makes every other call with `f.sync`. */
async function callOnce(f: sym.SymFunction, values: readonly NDArray[], sync: boolean): Promise<NDArray[] | Error> {
  try {
    return (sync ? f.sync(...values) : await f(...values)) as NDArray[];
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

function messageFits(message: string, want: string | RegExp): boolean {
  return typeof want === 'string' ? message.includes(want) : want.test(message);
}

/**
 * A case of several calls (`CaseGraph.next`) or updates: each call that
 * returns gives the reference's outputs and leaves the shared variables at
 * the reference's updates; each call that must raise raises and leaves them
 * unchanged. On a backend with synchronous runs, calls 1, 3, ... are
 * `f.sync`, the others `await f`.
 */
async function runSequence(c: OpCase, first: readonly NDArray[], ctx: CaseContext): Promise<void> {
  const g = c.graph;
  const updates = g.updates ?? [];
  for (const u of updates) u.shared.setValue(u.initial);
  const sync = getBackend(ctx.device)?.describe().sync === true;
  const calls: readonly CaseCall[] = [{ values: first }, ...(g.next ?? [])];
  const f = sym.function([...g.inputs], [...g.outputs], { ...ctx.functionOptions, device: ctx.device, updates: updates.map((u) => [u.shared, u.value] as const) });
  const tolerance = (o: TensorVariable) => (c.bitwise ? EXACT : ctx.tolerance(c.op, o.dtype));
  const signedZeros = c.bitwise ?? (ctx.signedZeros && !ZERO_SIGN_UNSPECIFIED.has(c.op));
  try {
    for (const [k, call] of calls.entries()) {
      const how = `call ${k + 1} of ${calls.length}${sync ? (k % 2 === 0 ? ', sync' : ', async') : ''}`;
      const fail = (text: string): never => {
        throw new Error(`${c.name} (${how}): ${text}\nwith inputs (seed ${ctx.seed}):\n${describeInputs(g, call.values)}`);
      };
      const before = await Promise.all(updates.map((u) => u.shared.getValueAsync()));
      const expected = call.raises !== undefined ? [] : call.expected ?? evaluateReference([...g.outputs, ...updates.map((u) => u.value)], new Map([...g.inputs.map((v, i) => [v, call.values[i]!] as const), ...updates.map((u, i) => [u.shared as TensorVariable, before[i]!] as const)]));
      const got = await callOnce(f, call.values, sync && k % 2 === 0);
      if (call.raises !== undefined) {
        if (!(got instanceof Error)) fail(`expected the call to raise ${String(call.raises)}; it returned values`);
        else if (!messageFits(got.message, call.raises)) fail(`expected the call to raise ${String(call.raises)}; it raised\n  ${got.message}`);
      } else if (got instanceof Error) {
        fail(`the call raised ${got.message}`);
      } else {
        try {
          g.outputs.forEach((o, i) => assertArrayClose(got[i]!, expected[i]!, `${c.name}: ${g.labels?.[i] ?? `output ${i}`} (${how})`, { tolerance: tolerance(o), signedZeros }));
        } catch (e) {
          fail((e as Error).message);
        }
      }
      // the variables after the call: the reference's updates, or what they held when the call raised
      const after = await Promise.all(updates.map((u) => u.shared.getValueAsync()));
      updates.forEach((u, i) => {
        const want = call.raises === undefined ? expected[g.outputs.length + i]! : before[i]!;
        const what = call.raises === undefined ? 'updated' : 'left as it was by the failed call';
        try {
          assertArrayClose(after[i]!, want, `${c.name}: shared ${u.shared.name ?? i} ${what} (${how})`, { tolerance: call.raises === undefined ? tolerance(u.value) : EXACT, signedZeros: call.raises !== undefined || signedZeros });
        } catch (e) {
          fail((e as Error).message);
        }
      });
    }
  } finally {
    f.compiled.dispose();
  }
}

// ---------------------------------------------------------------- building graphs

/** An input of a case: its shape, which dimensions broadcast, and whether the graph reads it transposed. */
export interface OperandSpec {
  /** The shape the graph sees. */
  readonly shape: readonly number[];
  /** Which dimensions broadcast (default none). */
  readonly broadcastable?: readonly boolean[];
  /** The input holds the reversed shape and the graph uses its transpose (a non-contiguous view). */
  readonly transposed?: boolean;
}

/** An operand made by {@link operand}: the function input and what the graph uses. */
export interface Operand {
  /** The symbolic input, of the value's shape. */
  readonly input: TensorVariable;
  /** What the graph reads: the input, or its transpose. */
  readonly expr: TensorVariable;
  /** Shape of the input value. */
  readonly valueShape: readonly number[];
}

/** A symbolic input of `dtype` named `name` for `spec`, transposed in the graph when `spec.transposed`. */
export function operand(dtype: DType, spec: OperandSpec, name: string): Operand {
  const shape = spec.transposed ? [...spec.shape].reverse() : [...spec.shape];
  const bc = spec.broadcastable ? [...spec.broadcastable] : shape.map(() => false);
  if (spec.transposed) bc.reverse();
  const input = sym.T.tensor(dtype, bc, name);
  return { input, expr: spec.transposed ? sym.T.transpose(input) : input, valueShape: shape };
}

export function describeOperand(spec: OperandSpec): string {
  const s = shapeToString(spec.shape);
  return spec.transposed ? `${shapeToString([...spec.shape].reverse())}.T` : s;
}
