/**
 * Expression clean-up before fusion: `second(a, b)` (a fill: b broadcast to
 * a's shape) needs only a's shape, which the kernel's iteration already
 * has, so its load of `a` goes. A kernel that no longer reads an input
 * drops it, so the input's producer may find a single consumer and fuse.
 */
import type { DType, Kernel, Program, ScalarExpr, Step } from '@sym/graph';
import { loadsOf } from '@sym/graph';
import { gathersOnce, mapLoads } from './loads.js';

function dropFills(e: ScalarExpr): ScalarExpr {
  if (e.kind !== 'apply') return e;
  const args = e.args.map(dropFills);
  if (e.op === 'second') {
    const b = args[1]!;
    return b.dtype === e.dtype ? b : { kind: 'apply', op: 'cast', args: [b], computeDType: b.dtype, dtype: e.dtype };
  }
  return args.every((a, i) => a === e.args[i]) ? e : { ...e, args };
}

/** A kernel without its fills' loads, and which of its inputs it still reads; null when it has none to drop. */
type Simplified = { kernel: Kernel; used: number[] } | null;

function simplifyKernel(k: Kernel): Simplified {
  // a gathering kernel's inputs are numbered by its gathers too, which renumbering by loads would lose
  if (k.kind === 'matmul' || k.kind === 'sort' || k.kind === 'scatterAdd' || gathersOnce(k.expr)) return null;
  const expr = dropFills(k.expr);
  if (expr === k.expr) return null;
  const used = [...new Set(loadsOf(expr).map((l) => l.input))].sort((a, b) => a - b);
  const dtypes: DType[] = used.map((i) => k.inputs[i]!);
  return { kernel: { ...k, inputs: dtypes, expr: mapLoads(expr, (l) => ({ ...l, input: used.indexOf(l.input) })) }, used };
}

export function dropFillLoads(program: Program): Program {
  // one simplified kernel per kernel object, not per step: an unrolled scan's steps share their kernel objects, and so should the passes after this one
  const made = new Map<Kernel, Simplified>();
  const steps = program.steps.map((s): Step => {
    let done = made.get(s.kernel);
    if (done === undefined) made.set(s.kernel, (done = simplifyKernel(s.kernel)));
    return done ? { ...s, inputs: done.used.map((i) => s.inputs[i]!), kernel: done.kernel } : s;
  });
  return steps.every((s, i) => s === program.steps[i]) ? program : { ...program, steps };
}
