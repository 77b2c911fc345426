import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const values = (a: sym.NDArray): number[] => Array.from(a.data, Number);

describe("RandomStreams' tensor parameters that do not broadcast over the size", () => {
  it('name the parameter, its shape and the size when the function runs (was an Elemwise{mul} of RandomFunction{normal})', async () => {
    const srng = new sym.RandomStreams(1);
    const s = T.vector('s');
    const f = sym.function([s], srng.normal([2, 3], { std: s }));
    await expect(f([1, 2])).rejects.toThrow(
      "RandomStreams.normal: std s of shape (2,) does not broadcast over the size (2, 3): each of its lengths must be the size's last ones, or 1 where its type is broadcastable",
    );
    const m = T.vector('m');
    await expect(sym.function([m], srng.normal([2, 3], { avg: m }))([1, 2])).rejects.toThrow(/^RandomStreams\.normal: avg m of shape \(2,\) does not broadcast over the size \(2, 3\)/);
    const lo = T.vector('lo');
    await expect(sym.function([lo], srng.uniform([2, 3], { low: lo }))([1, 2])).rejects.toThrow(/^RandomStreams\.uniform: low lo of shape \(2,\) does not broadcast over the size \(2, 3\)/);
    await expect(sym.function([lo], srng.uniform([2, 3], { high: lo.add(5) }))([1, 2])).rejects.toThrow(/^RandomStreams\.uniform: high \(lo \+ 5\) of shape \(2,\) does not broadcast/);
    const p = T.vector('p');
    await expect(sym.function([p], srng.binomial([2, 3], { p }))([0.1, 0.2])).rejects.toThrow(/^RandomStreams\.binomial: p of shape \(2,\) does not broadcast over the size \(2, 3\)/);
    await expect(sym.function([p], srng.binomial([2, 3], { n: 4, p }))([0.1, 0.2])).rejects.toThrow(/^RandomStreams\.binomial: p of shape \(2,\) does not broadcast over the size \(2, 3\)/);
  });

  it('a size the program computes is named by its lengths at the call', async () => {
    const srng = new sym.RandomStreams(2);
    const x = T.matrix('x');
    const s = T.vector('s');
    const f = sym.function([x, s], srng.normal([x.shape[0]!, x.shape[1]!], { std: s }));
    await expect(f([[1, 2, 3, 4]], [1, 2])).rejects.toThrow(/RandomStreams\.normal: std s of shape \(2,\) does not broadcast over the size \(1, 4\)/);
    expect((await f([[1, 2]], [1, 2])).shape).toEqual([1, 2]);
  });

  it('a parameter of known values is refused when the variable is made', () => {
    const srng = new sym.RandomStreams(3);
    expect(() => srng.normal([2, 3], { std: [1, 2] })).toThrow(/^RandomStreams\.normal: std of shape \(2,\) does not broadcast over the size \(2, 3\)/);
    // a length of 1 broadcasts: a constant's type marks it
    expect(srng.normal([2, 3], { std: [[1], [2]] }).ndim).toBe(2);
  });

  it('parameters that broadcast give the values they gave before the check', async () => {
    const [a, b] = [new sym.RandomStreams(7), new sym.RandomStreams(7)];
    const std = T.vector('std');
    const avg = T.vector('avg');
    const [z] = [await sym.function([], a.normal([2, 3]))()];
    const got = await sym.function([std, avg], b.normal([2, 3], { std, avg }))([1, 2, 3], [10, 20, 30]);
    expect(values(got)).toEqual(values(z!).map((v, i) => v * [1, 2, 3][i % 3]! + [10, 20, 30][i % 3]!));
  });
});
