/**
 * The graph a function runs for a call whose minibatch window NumPy would
 * cut short (ops/window-check.ts): each window of a known length from a
 * start found on the host (`x[i * bs:(i + 1) * bs]` of an input `i`) made
 * a window whose length is found from the values, as `x[i:j]`'s is
 * (indexing.ts's `hostWindow`: Python's `slice.indices` on the host, the
 * program made per length). Writes into such a window (incSubtensor, the
 * gradient) write back through the same positions. A start the kernels
 * compute (an argmax: its window's flag found NumPy's window shorter) is
 * taken by value too, read back from the program that computes it.
 */
import { apply1, applyNode, constant } from '../core/op.js';
import type { Apply } from '../core/op.js';
import type { NDArray } from '../core/ndarray.js';
import type { TensorType } from '../core/type.js';
import { TensorConstant, type StaticShape, type TensorVariable } from '../core/variable.js';
import { HostOp } from '../ops/host.js';
import { cloneReplace } from '../core/clone.js';
import { toposort } from '../kernel/schedule.js';
import { IncSubtensor, Subtensor, type IndexEntry } from '../ops/subtensor.js';
import { cast, elemwise } from '../ops/elemwise.js';
import { hostScalar, windowProven } from '../ops/window-check.js';
import { castsFloatToIndex } from '../ops/check-index.js';
import { Slice, gatherAlong, hostWindow, scatterAlong } from './indexing.js';

let hostScalars = 0;

/**
 * An integer scalar (a window's bound: i * bs) computed on the host from
 * its leaves, the function's inputs and lengths (`frontier`): as a host
 * op's input, arithmetic would cost a program and a readback
 * (host-stage.ts); this costs neither.
 */
class HostScalar extends HostOp {
  readonly #id = hostScalars++;
  constructor(
    readonly expr: TensorVariable,
    readonly frontier: readonly TensorVariable[],
  ) {
    super();
  }
  key(): string {
    return `HostScalar:${this.#id}`;
  }
  override toString(): string {
    return 'HostScalar';
  }
  outputTypes(): TensorType[] {
    return [this.expr.type];
  }
  inferShape(): StaticShape[] {
    return [[]];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const known = new Map(this.frontier.map((v, k) => [v, inputs[k]!]));
    const value = (v: TensorVariable): NDArray => {
      const have = known.get(v) ?? (v instanceof TensorConstant ? v.value : undefined);
      if (have) return have;
      const node = v.owner!;
      const out = node.op.perform(node.inputs.map(value), node)[0]!;
      known.set(v, out);
      return out;
    };
    return [value(this.expr)];
  }
}

/** `v` (integer arithmetic of inputs, constants and lengths: `hostScalar`) as a HostScalar of its leaves and lengths. */
function onHost(v: TensorVariable): TensorVariable {
  const frontier: TensorVariable[] = [];
  const walk = (u: TensorVariable): void => {
    if (u instanceof TensorConstant || frontier.includes(u)) return;
    if (!u.owner || u.owner.op.kind === 'Shape') frontier.push(u);
    else u.owner.inputs.forEach(walk);
  };
  walk(v);
  return applyNode(new HostScalar(v, frontier), frontier).outputs[0] as TensorVariable;
}

/**
 * x, or the tensor an elementwise op of one operand made it from (the
 * tutorials' `T.cast(shared_y, 'int32')`): the same lengths, and those of
 * a leaf are known on the host, where a computed tensor's would cost a
 * program and a readback (host-stage.ts).
 */
function lengthSource(x: TensorVariable): TensorVariable {
  let v = x;
  while (v.owner && v.owner.op.kind === 'Elemwise' && v.owner.inputs.length === 1) v = v.owner.inputs[0]!;
  return v;
}

const WHOLE: IndexEntry = { kind: 'slice', start: null, stop: null, step: null };

/**
 * A start cast from a float, as NumPy casts it: NaN, an infinity or a
 * float past the dtype is its least value, whose window along axis d is
 * empty (the kernels' cast gives 0): taken as -(n + length), as empty and
 * an integer every device reads back exactly.
 */
function numpyCastStart(start: TensorVariable, x: TensorVariable, d: number, length: number): TensorVariable {
  if (!castsFloatToIndex(start.owner)) return start;
  const f = start.owner.inputs[0]!;
  const bound = start.dtype === 'int64' ? 2 ** 63 : 2 ** 31;
  const bad = elemwise('or', elemwise('neq', f, f), elemwise('or', elemwise('ge', f, bound), elemwise('lt', f, -bound)));
  const empty = cast(elemwise('sub', constant(-length, { dtype: 'int64' }), lengthSource(x).shape[d]!), start.dtype);
  return elemwise('switch', bad, empty, start);
}

/**
 * A Subtensor's or IncSubtensor's node with its windows taken by value
 * (those `found`: a start found on the host, or one the kernels compute
 * that the graph does not bound, read back); undefined when it has none.
 */
function byValue(node: Apply, found: (v: TensorVariable, length: number, n: number | null) => 'host' | 'computed' | undefined): TensorVariable | undefined {
  const write = node.op instanceof IncSubtensor ? node.op : undefined;
  const entries = write ? write.entries : (node.op as Subtensor).entries;
  const first = write ? 2 : 1;
  const x = node.inputs[0]!;
  const vars = node.inputs.slice(first);
  const gathers: { axis: number; idx: TensorVariable }[] = [];
  const kept: TensorVariable[] = [];
  const rest = entries.map((e, d): IndexEntry => {
    const how = e.kind === 'window' && e.length > 0 ? found(vars[e.input]!, e.length, x.staticShape[d] ?? null) : undefined;
    if (e.kind === 'window' && how) {
      const start = how === 'computed' ? numpyCastStart(vars[e.input]!, x, d, e.length) : vars[e.input]!;
      const stop = elemwise('add', start, constant(e.length, { dtype: start.dtype }));
      const bounds = how === 'host' ? new Slice(onHost(start), onHost(stop)) : new Slice(start, stop);
      gathers.push({ axis: d, idx: hostWindow(lengthSource(x), d, bounds, d) });
      return WHOLE;
    }
    if (e.kind === 'var' || e.kind === 'window') {
      kept.push(vars[e.input]!);
      return { ...e, input: kept.length - 1 };
    }
    return e;
  });
  if (gathers.length === 0) return undefined;
  const steps = [x];
  for (const g of gathers) steps.push(gatherAlong(steps[steps.length - 1]!, g.axis, g.idx));
  const gathered = steps[steps.length - 1]!;
  const whole = rest.every((e) => e === WHOLE || (e.kind === 'slice' && e.start === null && e.stop === null && e.step === null));
  if (!write) return whole ? gathered : apply1(new Subtensor(rest), [gathered, ...kept]);
  const given = node.inputs[1]!;
  const y = given.dtype === x.dtype ? given : cast(given, x.dtype);
  let value = whole ? elemwise(write.set ? 'second' : 'add', gathered, y) : apply1(new IncSubtensor(rest, write.set), [gathered, y, ...kept]);
  for (let k = gathers.length - 1; k >= 0; k--) value = scatterAlong(steps[k]!, gathers[k]!.axis, gathers[k]!.idx, value);
  return value;
}

/**
 * `graph` with every window of a start found on the host from `inputs`
 * (the function's explicit inputs), or computed by the kernels and not
 * bounded by the graph (ops/window-check.ts's flag), taken by value, or
 * undefined when there is none.
 */
export function windowsByValue(graph: readonly TensorVariable[], inputs: readonly TensorVariable[]): TensorVariable[] | undefined {
  const slotOf = new Map(inputs.map((v, k) => [v, k]));
  const startOnHost = (v: TensorVariable, length: number, n: number | null): 'host' | 'computed' | undefined => {
    if (hostScalar(v, slotOf) !== undefined) return 'host';
    return v instanceof TensorConstant || (n !== null && windowProven(v, length, n)) ? undefined : 'computed';
  };
  let current: readonly TensorVariable[] = graph;
  // one window at a time, the first in order: the next one found reads the graph with it replaced (a gradient's write reads the window's value)
  for (;;) {
    let found: [TensorVariable, TensorVariable] | undefined;
    for (const node of toposort(current)) {
      if (!(node.op instanceof Subtensor || node.op instanceof IncSubtensor)) continue;
      const made = byValue(node, startOnHost);
      if (made) {
        found = [node.outputs[0]!, made];
        break;
      }
    }
    if (!found) return current === graph ? undefined : [...current];
    current = cloneReplace(current, new Map([found]));
  }
}
