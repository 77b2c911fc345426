/**
 * A scan's step is rewritten with the function's rewrites: stabilised where
 * the written form overflows, and left alone when the mode excludes them.
 */
import { describe, expect, it } from 'vitest';
import { Scan } from '@sym/graph';
import { optimizeGraph } from '../src/index.js';
import { opNames, sym, T, values } from './helpers.js';

type V = sym.TensorVariable;

describe("rewriting a scan's step", () => {
  const x = T.dvector('x');
  // log(sigmoid(x)) overflows to -inf at x = -800; stabilize rewrites it to -softplus(-x)
  const [logp] = sym.scan((xt: V) => T.log(T.sigmoid(xt)), { sequences: x });

  it('runs the same phases on the step as on the outer graph (the step is stabilised)', () => {
    const report = optimizeGraph([logp]);
    const scan = report.outputs[0]!.owner!.op as Scan;
    expect(scan).toBeInstanceOf(Scan);
    expect(opNames(scan.inner.outputs)).not.toContain('Elemwise{log,no_inplace}');
    expect(opNames(scan.inner.outputs).join(' ')).toMatch(/softplus/);
    // the scan the user built keeps its own step
    expect(opNames((logp.owner!.op as Scan).inner.outputs)).toContain('Elemwise{log,no_inplace}');
  });

  it('gives finite values where the written step overflows, and the written values without the rewrites', async () => {
    const opt = sym.function([x], logp);
    const plain = sym.function([x], logp, { optimizer: { excluding: ['fast_run'] } });
    expect(values(await opt([-800, 0]))[0]).toEqual([-800, Math.log(0.5)]);
    expect(values(await plain([-800, 0]))[0]![0]).toBe(-Infinity);
  });
});
