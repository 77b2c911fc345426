import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { RANDOM_GRAPH_DTYPES, randomGraph } from './random-graph.js';
import { evaluateReference, graphDTypes } from './reference.js';

const SEEDS = Array.from({ length: 100 }, (_, i) => i);

describe('randomGraph', () => {
  it('builds the same graph and values from the same seed', () => {
    for (const seed of [0, 7, 12345]) {
      const a = randomGraph(seed);
      const b = randomGraph(seed);
      expect(a.description).toBe(b.description);
      expect(a.inputValues.map((v) => Array.from(v.data))).toEqual(b.inputValues.map((v) => Array.from(v.data)));
    }
    expect(randomGraph(1).description).not.toBe(randomGraph(2).description);
  });

  it('draws the ops, shapes and updates the optimizer combines', () => {
    const ops = new Set<string>();
    let updates = 0;
    let windowUpdates = 0;
    let empty = 0;
    let nodes = 0;
    for (const seed of SEEDS) {
      const g = randomGraph(seed);
      updates += g.updates.length;
      windowUpdates += (g.description.match(/ is written at /g) ?? []).length;
      if (/\(([\d, ]*\b0\b[\d, ]*)\)$/m.test(g.description)) empty++;
      for (const node of sym.toposort([...g.outputs, ...g.updates.map((u) => u[1])])) {
        ops.add(node.op.constructor.name);
        nodes++;
      }
      // every graph evaluates on the reference
      expect(evaluateReference(g.outputs, new Map(g.inputs.map((v, i) => [v, g.inputValues[i]!]))).length).toBe(g.outputs.length);
    }
    for (const op of ['Elemwise', 'Reduce', 'Dot', 'DimShuffle', 'Reshape', 'Subtensor', 'IncSubtensor', 'AdvancedSubtensor1', 'AdvancedIncSubtensor1', 'Join', 'Sort', 'Softmax']) {
      expect(ops).toContain(op);
    }
    expect(nodes / SEEDS.length).toBeGreaterThan(10);
    expect(updates).toBeGreaterThan(20);
    expect(windowUpdates).toBeGreaterThan(5);
    expect(empty).toBeGreaterThan(0);
  });

  it('computes in no float64 when the dtypes leave it out (devices without it)', () => {
    for (const seed of SEEDS) {
      const g = randomGraph(seed, { dtypes: ['float32', 'int32', 'bool'] });
      expect(graphDTypes([...g.outputs, ...g.updates.map((u) => u[1])]).has('float64')).toBe(false);
    }
    expect(RANDOM_GRAPH_DTYPES).toContain('float64');
  });
});
