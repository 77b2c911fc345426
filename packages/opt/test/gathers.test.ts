/**
 * Kernels that gather (indexing at run-time positions) read their inputs
 * at computed positions: no producer can be evaluated in place of such a
 * read (a producer read through an affine load, or the gathering kernel
 * itself inlined into its readers, is: gather-fusion.test.ts), no
 * gathering kernel becomes an epilogue, and an update that gathers its own
 * old value never goes in place.
 */
import { describe, expect, it } from 'vitest';
import { gathers, schedule, type TensorVariable } from '@sym/graph';
import { optimizeProgram } from '../src/index.js';
import { both, close, sym, T, values } from './helpers.js';

const gathering = (inputs: TensorVariable[], shapes: number[][], outputs: TensorVariable[]) =>
  optimizeProgram(schedule({ inputs, inputShapes: shapes, outputs })).steps.filter((s) => (s.kernel.kind === 'elementwise' || s.kernel.kind === 'reduce') && gathers(s.kernel.expr));

describe('gathering kernels and the program passes', () => {
  it('take in the work after them but not a producer they gather from', async () => {
    const x = T.dvector('x');
    const idx = T.lvector('idx');
    const out = T.exp(x.mul(2)).get(idx).add(1).sqrt();
    const [g] = gathering([x, idx], [[5], [3]], [out]);
    expect(g).toBeDefined();
    // the gather reads exp(2x) from a buffer; the add and the sqrt after it are in its kernel
    expect(JSON.stringify(g!.kernel)).not.toContain('"op":"exp"');
    expect(JSON.stringify(g!.kernel)).toContain('"op":"sqrt"');
    const { opt, plain } = both([x, idx], out);
    expect(opt.compiled.kernelCount([1, 2, 3, 4, 5], [4, 0, 4])).toBe(2);
    expect(close(values(await opt([1, 2, 3, 4, 5], [4, 0, -1]))[0]!, values(await plain([1, 2, 3, 4, 5], [4, 0, -1]))[0]!)).toBe(true);
  });

  it('are not fused as epilogues of a reduction or a product', async () => {
    const m = T.dmatrix('m');
    // as many elements as the sum: a shape an epilogue could take, were it not read at mirrored positions
    const out = T.sum(m, 0).get('::-1');
    const { opt, plain } = both([m], out);
    const p = optimizeProgram(schedule({ inputs: [m], inputShapes: [[2, 3]], outputs: [out] }));
    expect(p.steps.map((s) => s.kernel.kind)).toEqual(['reduce', 'elementwise']);
    expect(values(await opt([[1, 2, 3], [4, 5, 6]]))).toEqual([[9, 7, 5]]);
    expect(values(await plain([[1, 2, 3], [4, 5, 6]]))).toEqual([[9, 7, 5]]);
  });

  it('keep an update that reads its own old value at other positions out of place', async () => {
    const w = sym.shared(sym.array([1, 2, 3, 4], { dtype: 'float64' }), { name: 'w' });
    // w[::-1] + w reads w at mirrored positions: written over w, the second half would read new values
    const step = sym.function([], [], { updates: [[w, w.get('::-1').add(w)]] });
    await step();
    expect(w.getValue().toArray()).toEqual([5, 5, 5, 5]);
    const v = sym.shared(sym.array([1, 2, 3, 4], { dtype: 'float64' }), { name: 'v' });
    const shift = sym.function([], [], { updates: [[v, T.concatenate([v.get('1:'), v.get(':1')])]] });
    await shift();
    expect(v.getValue().toArray()).toEqual([2, 3, 4, 1]);
  });
});
