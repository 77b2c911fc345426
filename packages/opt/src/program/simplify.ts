/**
 * Expression clean-up before fusion: `second(a, b)` (a fill: b broadcast to
 * a's shape) needs only a's shape, which the kernel's iteration already
 * has, so its load of `a` goes. A kernel that no longer reads an input
 * drops it, so the input's producer may find a single consumer and fuse.
 */
import type { DType, Program, ScalarExpr, Step } from '@sym/graph';
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

function simplifyStep(s: Step): Step {
  const k = s.kernel;
  // a gathering kernel's inputs are numbered by its gathers too, which renumbering by loads would lose
  if (k.kind === 'matmul' || k.kind === 'sort' || k.kind === 'scatterAdd' || gathersOnce(k.expr)) return s;
  const expr = dropFills(k.expr);
  if (expr === k.expr) return s;
  const used = [...new Set(loadsOf(expr).map((l) => l.input))].sort((a, b) => a - b);
  const inputs: number[] = used.map((i) => s.inputs[i]!);
  const dtypes: DType[] = used.map((i) => k.inputs[i]!);
  return {
    ...s,
    inputs,
    kernel: { ...k, inputs: dtypes, expr: mapLoads(expr, (l) => ({ ...l, input: used.indexOf(l.input) })) },
  };
}

export function dropFillLoads(program: Program): Program {
  const steps = program.steps.map(simplifyStep);
  return steps.every((s, i) => s === program.steps[i]) ? program : { ...program, steps };
}
