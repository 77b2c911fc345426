/**
 * An indexed kernel's reads at loop counters and constants are loads, not
 * gathers: a take reads its indices by a load (the optimizer can compute
 * them inside the take's kernel; it gathered them before), and gathers
 * only the rows they pick.
 */
import { describe, expect, it } from 'vitest';
import { T } from '../../test/helpers.js';
import { schedule } from './schedule.js';
import { gathers, loadsOf, operandUses, type ElementwiseKernel, type GatherExpr } from './kernel.js';

describe('indexed kernels read at counters and constants by loads', () => {
  it("a take's indices are a load along the kernel's rows; W is the one gather", () => {
    const W = T.dmatrix('W');
    const idx = T.ivector('idx');
    const p = schedule({ inputs: [W, idx], inputShapes: [[5, 3], [4]], outputs: [T.take(W, idx.add(1), 0)] });
    const take = p.steps.find((s) => s.kernel.kind === 'elementwise' && gathers(s.kernel.expr))!;
    const k = take.kernel as ElementwiseKernel;
    const gathered = [...operandUses(k.expr).keys()].filter((e): e is GatherExpr => e.kind === 'gather');
    expect(gathered.map((g) => take.inputs[g.input])).toEqual([p.inputBuffers[0]]);
    // idx + 1 read at its row (stride 1 along the 4 rows, 0 along the 3 columns), and the column counter; no range over the rows
    const reads = loadsOf(k.expr).map((l) => [take.inputs[l.input], l.strides.join(',')]);
    const idx1 = p.steps.find((s) => s.kernel.kind === 'elementwise' && !gathers(s.kernel.expr) && s.kernel.shape.join() === '4')!.output;
    expect(reads).toContainEqual([idx1, '1,0']);
    expect(new Set(take.inputs).size).toBe(take.inputs.length);
    expect(take.inputs).toHaveLength(k.inputs.length);
  });
});
