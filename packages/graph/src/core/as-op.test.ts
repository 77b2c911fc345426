/**
 * sym.asOp, Theano's as_op: an op from a plain function of arrays, run on
 * the host between programs (values before and after it computed on the
 * device), its inputs' types checked when applied, its results converted
 * to otypes, and its errors naming the function.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const dmatrix = T.dmatrix().type;

/** numpy.dot of two matrices, in plain loops. */
function numpyDot(a: sym.NDArray, b: sym.NDArray): sym.NDArray {
  const [n, k] = a.shape as [number, number];
  const m = b.shape[1]!;
  const out = sym.NDArray.zeros([n, m], 'float64');
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let t = 0; t < k; t++) out.data[i * m + j]! += a.data[i * k + t]! * b.data[t * m + j]!;
  return out;
}

describe('sym.asOp', () => {
  const dot = sym.asOp({ itypes: [dmatrix, dmatrix], otypes: [dmatrix] }, numpyDot);

  it("computes the function's result inside a graph, on the device before and after it, called async and sync", async () => {
    const x = T.dmatrix('x');
    const y = T.dmatrix('y');
    const z = dot(x.mul(2), y) as sym.TensorVariable;
    expect(sym.pp(z)).toBe('numpyDot((x * TensorConstant{2}), y)');
    const f = sym.function([x, y], z.add(1));
    expect((await f([[1, 2]], [[3], [4]])).toArray()).toEqual([[23]]);
    expect(f.sync([[1, 2], [0, 1]], [[3, 0], [4, 1]]).toArray()).toEqual([[23, 5], [9, 3]]);
  });

  it('gives several outputs as a list, and the shapes inferShape declares', async () => {
    const x = T.dvector('x');
    const dvector = x.type;
    const split = sym.asOp(
      { itypes: [dvector], otypes: [dvector, dvector], inferShape: ([s]) => [s!, s!], name: 'splitSign' },
      (v: sym.NDArray) => [(v.toArray() as number[]).map((e) => Math.max(e, 0)), (v.toArray() as number[]).map((e) => Math.min(e, 0))],
    );
    const [pos, neg] = split(T.specifyShape(x, [3])) as sym.TensorVariable[];
    expect(pos!.staticShape).toEqual([3]);
    const f = sym.function([x], [pos!, neg!.mul(10)]);
    expect((await f([1, -2, 3])).map((a) => a.toArray())).toEqual([[1, 0, 3], [0, -20, 0]]);
  });

  it('refuses an input of another type than itypes, a wrong result, and a function that is not one', async () => {
    expect(() => dot(T.fmatrix('q'), T.dmatrix('y'))).toThrow('numpyDot: input 0 (q) has type TensorType(float32, matrix), but itypes[0] is TensorType(float64, matrix)');
    expect(() => dot(T.dmatrix('y'))).toThrow('numpyDot: expected 2 inputs, got 1');
    const x = T.dmatrix('x');
    const scalarOut = sym.asOp({ itypes: [dmatrix], otypes: [dmatrix] }, function sumAll(a: sym.NDArray) {
      return sym.array(a.size, { dtype: 'float64' });
    });
    await expect(sym.function([x], scalarOut(x) as sym.TensorVariable)([[1]])).rejects.toThrow(/^sumAll: output 0: wrong number of dimensions: expected 2/);
    const twoOuts = sym.asOp({ itypes: [dmatrix], otypes: [dmatrix, dmatrix] }, (a: sym.NDArray) => a);
    await expect(sym.function([x], (twoOuts(x) as sym.TensorVariable[])[0]!)([[1]])).rejects.toThrow('asOp: the function must return a list of 2 arrays (otypes), got object');
    expect(() => sym.asOp({ itypes: [dmatrix], otypes: [dmatrix] }, 3 as never)).toThrow('asOp: the second argument must be the function to wrap, got number');
    expect(() => sym.asOp({ itypes: [dmatrix], outputs: [dmatrix] } as never, numpyDot)).toThrow(/asOp: unknown option "outputs"/);
  });

  it("hands the function copies: its changes to its arguments do not reach the graph's values", async () => {
    const x = T.dvector('x');
    const scribble = sym.asOp({ itypes: [x.type], otypes: [x.type] }, (v: sym.NDArray) => {
      v.data[0] = 99;
      return v;
    });
    const f = sym.function([x], [scribble(x) as sym.TensorVariable, x.mul(1)]);
    expect((await f([1, 2])).map((a) => a.toArray())).toEqual([[99, 2], [1, 2]]);
  });
});

describe('sym.asOp results', () => {
  it('takes for one output an NDArray, a nested list of numbers or a list holding the NDArray', async () => {
    const x = T.dmatrix('x');
    const asNested = sym.asOp({ itypes: [dmatrix], otypes: [dmatrix] }, (a: sym.NDArray) => (a.toArray() as number[][]).map((row) => row.map((e) => e + 1)));
    const inList = sym.asOp({ itypes: [dmatrix], otypes: [dmatrix] }, (a: sym.NDArray) => [a]);
    const f = sym.function([x], [asNested(x) as sym.TensorVariable, inList(x) as sym.TensorVariable]);
    expect((await f([[1, 2], [3, 4]])).map((a) => a.toArray())).toEqual([[[2, 3], [4, 5]], [[1, 2], [3, 4]]]);
  });
});

describe('sym.asOp inferShape', () => {
  it('refuses a result of other lengths than inferShape declares (FAST_RUN compiles a declared length to a constant: it would be silently wrong)', async () => {
    const x = T.dvector('x');
    const three = sym.asOp({ itypes: [x.type], otypes: [x.type], inferShape: () => [[5]], name: 'three' }, () => sym.array([1, 2, 3], { dtype: 'float64' }));
    const y = three(x) as sym.TensorVariable;
    for (const mode of ['FAST_RUN', 'FAST_COMPILE'] as const) {
      const f = sym.function([x], [T.stack([y.shape[0]!]), y.sum()], { mode });
      await expect(f([1, 2])).rejects.toThrow('three: output 0 has shape (3,), but inferShape gives (5,) for inputs of shape (2,)');
    }
    // a truthful inferShape, and a null length, pass
    const same = sym.asOp({ itypes: [x.type], otypes: [x.type], inferShape: ([s]) => [s!] }, (a: sym.NDArray) => a);
    const open = sym.asOp({ itypes: [x.type], otypes: [x.type], inferShape: () => [[null]] }, () => sym.array([1, 2, 3], { dtype: 'float64' }));
    const g = sym.function([x], [(same(x) as sym.TensorVariable).mul(2), (open(x) as sym.TensorVariable).shape[0]!]);
    expect((await g([1, 2])).map((a) => a.toArray())).toEqual([[2, 4], 3]);
  });
});
