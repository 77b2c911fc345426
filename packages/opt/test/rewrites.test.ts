import { describe, expect, it } from 'vitest';
import { SCALAR_OPS, toposort, Elemwise } from '@sym/graph';
import { optimizeGraph } from '../src/index.js';
import { both, close, opNames, sym, T, values } from './helpers.js';
import { CANONICALIZE, SPECIALIZE, STABILIZE, type RewriteCase } from './rewrite-cases.js';

/** Names a graph's nodes answer to: op names plus scalar op names of elementwise nodes. */
function names(outs: Parameters<typeof toposort>[0]): string[] {
  return toposort(outs).flatMap((n) => [n.op.toString(), ...(n.op instanceof Elemwise ? [n.op.scalarOp, SCALAR_OPS[n.op.scalarOp].theanoName] : [])]);
}

function runCases(phase: string, cases: readonly RewriteCase[]): void {
  describe(phase, () => {
    cases.forEach((c, i) => {
      it(`${c.rewrite} (${i}): graph shape and values`, async () => {
        const { inputs, output } = c.build();
        const before = names([output]);
        const report = optimizeGraph([output], 'FAST_RUN', { including: [c.rewrite] });
        expect(report.applied.get(c.rewrite) ?? 0).toBeGreaterThan(0);
        expect(report.converged).toBe(true);
        expect(report.applied.get(c.rewrite)).toBeLessThanOrEqual(4);
        expect([...report.applied.keys()].filter((k) => k.endsWith(':rejected'))).toEqual([]);
        const after = names(report.outputs);
        for (const g of c.gone) {
          expect(before).toContain(g);
          expect(after).not.toContain(g);
        }
        for (const p of c.present ?? []) expect(after).toContain(p);
        // the user's graph is untouched
        expect(names([output])).toEqual(before);
        const { opt, plain } = both(inputs, output, { optimizer: { including: [c.rewrite] } });
        expect(opNames(plain.compiled.graphOutputs)).toEqual(opNames(output));
        const [a] = values(await opt(...c.args));
        const [b] = values(await plain(...c.args));
        expect(close(a!, b!, 1e-12), `${a} vs ${b}`).toBe(true);
        expect((await opt(...c.args)).dtype).toBe(output.dtype);
      });
    });
  });
}

runCases('canonicalize', CANONICALIZE);
runCases('stabilize', STABILIZE);
runCases('specialize', SPECIALIZE);

describe('add_neg_to_sub', () => {
  it('keeps a negation that wraps in a narrower dtype than the add (NumPy: -uint8(1) is 255)', async () => {
    const i = T.vector('i', 'uint8');
    const y = T.vector('y', 'float32');
    const { opt, plain } = both([i, y], T.neg(i).add(y));
    const args = [sym.array([1, 2], { dtype: 'uint8' }), sym.array([0.5, 2], { dtype: 'float32' })];
    expect(values(await plain(...args))).toEqual([[255.5, 256]]);
    expect(values(await opt(...args))).toEqual([[255.5, 256]]);
  });
});
