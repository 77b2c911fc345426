/**
 * Merge keys a constant by its dtype, weakness, shape, pattern and values,
 * -0 apart from 0: equal constants become one, a -0 keeps its own.
 */
import { describe, expect, it } from 'vitest';
import { merge } from '../src/index.js';
import { T, sym } from './helpers.js';

const adds = (outs: readonly sym.TensorVariable[]) => sym.toposort(outs).filter((n) => n.op.toString().startsWith('Elemwise{add'));

describe('merge: constants by value', () => {
  const x = T.dvector('x');
  const c = (values: number[]) => T.constant(sym.array(values, { dtype: 'float64' }));

  it('merges equal constants (and then the nodes over them)', () => {
    const out = x.add(c([0, 1.5, NaN])).mul(x.add(c([0, 1.5, NaN])));
    expect(adds([out])).toHaveLength(2);
    expect(adds(merge([out]))).toHaveLength(1);
  });

  it('keeps a constant holding -0 apart from the same with 0, wherever the -0 is', () => {
    for (const at of [0, 1, 2]) {
      const signed = [0, 2, 0];
      signed[at] = at === 1 ? 2 : -0;
      const out = x.add(c([0, 2, 0])).mul(x.add(c(signed)));
      expect(adds(merge([out]))).toHaveLength(at === 1 ? 1 : 2);
    }
  });

  it('keys an integer constant by its values', () => {
    const i = T.ivector('i');
    const ci = (v: number[]) => T.constant(sym.array(v, { dtype: 'int32' }));
    expect(adds(merge([i.add(ci([1, 2])).mul(i.add(ci([1, 2])))]))).toHaveLength(1);
    expect(adds(merge([i.add(ci([1, 2])).mul(i.add(ci([1, 3])))]))).toHaveLength(2);
  });
});
