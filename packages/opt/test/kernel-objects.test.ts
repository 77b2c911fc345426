/**
 * The passes before fusion rewrite a kernel once per kernel object, not once
 * per step: an unrolled scan's steps share their kernel objects (the
 * lowering replays a step, and makes one object per kernel), and a pass
 * making a new object per step would hand fusion's and the epilogues'
 * memos, and the compile cache, one twin per step to key.
 */
import { describe, expect, it } from 'vitest';
import { kernelKey, schedule, type Program, type TensorVariable } from '@sym/graph';
import { grad } from '@sym/grad';
import { optimizeGraph, smallDotsToElementwise } from '../src/index.js';
import { dropFillLoads } from '../src/program/simplify.js';
import { T, sym } from './helpers.js';

const objects = (p: Program) => new Set(p.steps.map((s) => s.kernel));
const keys = (p: Program) => new Set(p.steps.map((s) => kernelKey(s.kernel)));

describe('kernel objects through the passes before fusion', () => {
  it("an unrolled recurrent net's training step keeps one object per kernel through small_dot_elemwise and drop_fill_loads", () => {
    // h_t = tanh(x_t U + h_{t-1} W + b): both products are small dots (k = 3, 4), written out as elementwise kernels; b is a fill of h's shape, whose load of h goes
    const [U, W, b, V] = [T.matrix('U'), T.matrix('W'), T.vector('b'), T.vector('V')];
    const X = T.tensor3('X');
    const [hs] = sym.scan((x: TensorVariable, h: TensorVariable) => T.tanh(T.dot(x, U).add(T.dot(h, W)).add(T.second(h, b))), { sequences: X, outputsInfo: T.zeros([2, 4]) });
    const cost = T.sum(T.dot(hs.get(-1), V).pow(2));
    const outputs = optimizeGraph([cost, ...grad(cost, [U, W, b, V])]).outputs;
    const scheduled = schedule({ inputs: [X, U, W, b, V], inputShapes: [[12, 2, 3], [3, 4], [4, 4], [4], [4]], outputs });
    expect(objects(scheduled).size).toBe(keys(scheduled).size);
    const dots = smallDotsToElementwise(scheduled);
    expect(dots.steps.filter((s, i) => s.kernel !== scheduled.steps[i]!.kernel).length).toBeGreaterThan(12);
    expect(objects(dots).size).toBe(keys(dots).size);
    const filled = dropFillLoads(dots);
    expect(filled.steps.filter((s, i) => s.kernel !== dots.steps[i]!.kernel).length).toBeGreaterThan(12);
    expect(objects(filled).size).toBe(keys(filled).size);
  });
});
