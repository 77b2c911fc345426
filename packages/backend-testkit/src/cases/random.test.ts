/** The random cases' expected values: reproducible, a fresh stream's draws, new at each call only with default updates. */
import { describe, expect, it } from 'vitest';
import type { NDArray } from '@sym/graph';
import { RandomVariable, toposort } from '@sym/graph';
import type { OpCase } from '../case.js';
import { evaluateReference } from '../reference.js';
import { caseRng } from '../rng.js';
import { randomCases } from './random.js';

const cases = randomCases(['int32', 'float16', 'float32', 'float64']);
const numbers = (xs: readonly NDArray[]): number[][] => xs.map((x) => [...x.data]);

function inputs(c: OpCase): NDArray[] {
  return c.graph.values(caseRng(1, c.name));
}

/** What call `call` of the case must return, as runCase computes it (the reference just before the call, unless the case says). */
function expectedAt(c: OpCase, values: readonly NDArray[], call: number): NDArray[] {
  const calls = c.graph.calls!;
  return calls.expected ? calls.expected(values, call) : evaluateReference(c.graph.outputs, new Map(c.graph.inputs.map((v, i) => [v, values[i]!])));
}

describe('random cases', () => {
  it('cover float32 and float64 only (the dtypes a sample has), each with a random variable and a start from its seed', () => {
    expect(new Set(cases.map((c) => c.dtype))).toEqual(new Set(['float32', 'float64']));
    expect(cases).toHaveLength(26);
    for (const c of cases) {
      expect(toposort(c.graph.outputs).some((n) => n.op instanceof RandomVariable), c.name).toBe(true);
      expect(c.graph.calls?.start, c.name).toBeDefined();
    }
  });

  it('give the same first values every run: start() puts the generators back to the seed', () => {
    for (const c of cases) {
      const values = inputs(c);
      c.graph.calls!.start!();
      const first = numbers(expectedAt(c, values, 0));
      // move every generator, as a call would
      for (const n of toposort(c.graph.outputs)) if (n.op instanceof RandomVariable) n.op.rng.getValue({ borrow: true }).seed(12345);
      c.graph.calls!.start!();
      expect(numbers(expectedAt(c, values, 0)), c.name).toEqual(first);
    }
  });

  it('expect new samples at each call with default updates, the first ones again with noDefaultUpdates', () => {
    const repeated = cases.filter((c) => c.graph.calls!.count > 1);
    expect(repeated.map((c) => `${c.name.split(' ')[0]} ${c.dtype} ${c.graph.calls!.count}`)).toEqual([
      'default float32 2',
      'noDefaultUpdates float32 3',
      'host-drawn float32 2',
      'default float64 2',
      'noDefaultUpdates float64 3',
      'host-drawn float64 2',
    ]);
    for (const c of repeated) {
      const values = inputs(c);
      c.graph.calls!.start!();
      const draws = [0, 1, 2].slice(0, c.graph.calls!.count).map((k) => numbers(expectedAt(c, values, k)));
      // the function's own stream, before any call, gives the fresh stream's first draw
      expect(numbers(evaluateReference(c.graph.outputs, new Map(c.graph.inputs.map((v, i) => [v, values[i]!])))), c.name).toEqual(draws[0]);
      if (c.graph.calls!.noDefaultUpdates) {
        for (const d of draws) expect(d, c.name).toEqual(draws[0]);
      } else {
        // every output differs: each has its own generator, moved by the first call
        draws[0]!.forEach((out, i) => expect(draws[1]![i], `${c.name}: output ${i}`).not.toEqual(out));
      }
    }
  });

  it('hold masks of both values and counts up to n', () => {
    const dropout = cases.find((c) => c.name.startsWith('dropout float32'))!;
    const values = inputs(dropout);
    dropout.graph.calls!.start!();
    const [mask] = expectedAt(dropout, values, 0);
    expect(new Set(mask!.data)).toEqual(new Set([0, 1]));
    const trials = cases.find((c) => c.name.startsWith('binomial float64'))!;
    trials.graph.calls!.start!();
    const [five, three] = expectedAt(trials, inputs(trials), 0);
    expect(Math.max(...five!.data)).toBeLessThanOrEqual(5);
    expect(new Set(five!.data).size).toBeGreaterThan(2);
    expect(Math.max(...three!.data)).toBeLessThanOrEqual(3);
  });
});
