/**
 * A shape claim on a host op's result (a Print's, an asOp's, nonzero's)
 * inside a scan's step run on the host, read only for its shape: the
 * function's rewrite rewrites the step apart and folds the claimed length
 * into a constant, so the step's function saw no claim and FAST_RUN gave
 * the claimed length for a value of another, where FAST_COMPILE raised.
 * Now both raise, with the claim's own message.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const MODES = ['FAST_RUN', 'FAST_COMPILE'] as const;
const f64 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float64' });
const values = (r: sym.NDArray | sym.NDArray[]) => (Array.isArray(r) ? r : [r]).map((a) => a.toArray());
const dvector = T.dvector().type;
/** An asOp doubling a vector, run on the host. */
const double = sym.asOp({ itypes: [dvector], otypes: [dvector], name: 'double' }, (v: sym.NDArray) => (v.toArray() as number[]).map((e) => 2 * e));

describe("a claim on a host op's result in a host-run step, read only for its shape", () => {
  it.each(MODES)('%s: on a Print', async (mode) => {
    const lines: string[] = [];
    const x = T.dmatrix('x');
    const [lengths] = sym.scan((row: V) => T.specifyShape(sym.Print('p', { log: (l) => lines.push(l) })(row.mul(2)), [2]).shape[0]!, { sequences: x });
    const f = sym.function([x], lengths as V, { mode });
    const error = 'specifyShape: Print{p}((x[t] * 2)) has shape (3,), but the shape specified is (2,)';
    expect(() => f.sync(f64([[1, 2, 3]]))).toThrow(error);
    await expect(f(f64([[1, 2, 3]]))).rejects.toThrow(error);
    // the claim is checked on the value printed: checking it prints nothing
    expect(lines).toEqual([]);
    expect(values(f.sync(f64([[1, 2], [3, 4]])))).toEqual([[2, 2]]);
  });

  it.each(MODES)('%s: on an asOp', async (mode) => {
    const x = T.dmatrix('x');
    const [lengths] = sym.scan((row: V) => T.specifyShape(double(row) as V, [2]).shape[0]!, { sequences: x });
    const f = sym.function([x], lengths as V, { mode });
    expect(() => f.sync(f64([[1, 2, 3]]))).toThrow('specifyShape: double(x[t]) has shape (3,), but the shape specified is (2,)');
    await expect(f(f64([[1, 2, 3]]))).rejects.toThrow('specifyShape: double(x[t]) has shape (3,), but the shape specified is (2,)');
    expect(values(f.sync(f64([[1, 2], [3, 4]])))).toEqual([[2, 2]]);
  });

  it.each(MODES)('%s: on nonzero', (mode) => {
    const x = T.dmatrix('x');
    const [lengths] = sym.scan((row: V) => T.specifyShape(T.nonzero(row)[0]!, [2]).shape[0]!, { sequences: x });
    const f = sym.function([x], lengths as V, { mode });
    expect(() => f.sync(f64([[1, 2, 3]]))).toThrow('specifyShape: nonzero(x[t])[0] has shape (3,), but the shape specified is (2,)');
    expect(values(f.sync(f64([[1, 0, 2], [0, 3, 4]])))).toEqual([[2, 2]]);
  });

  it.each(MODES)("%s: in an until loop's step", (mode) => {
    const x = T.dmatrix('x');
    const [lengths] = sym.scan((row: V) => {
      const picked = T.nonzero(row)[0]!;
      return [T.specifyShape(picked, [2]).shape[0]!, sym.until(row.sum().gt(5))];
    }, { sequences: x });
    const f = sym.function([x], lengths as V, { mode });
    expect(() => f.sync(f64([[1, 2, 3], [1, 1, 1]]))).toThrow('specifyShape: nonzero(x[t])[0] has shape (3,), but the shape specified is (2,)');
    expect(values(f.sync(f64([[1, 0, 2], [0, 3, 4], [5, 0, 6]])))).toEqual([[2, 2]]);
  });
});
