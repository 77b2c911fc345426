/**
 * sym.Print, Theano's theano.printing.Print: x itself, printing
 * `message attr = value` whenever a call computes it, on the host between
 * programs; merged when equal, refused with bad arguments.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

describe('sym.Print', () => {
  it("prints the debug FAQ's very important value at each call, and returns x unchanged", async () => {
    const lines: string[] = [];
    const x = T.dvector('x');
    const xPrinted = sym.Print('this is a very important value', { log: (line) => lines.push(line) })(x);
    const f = sym.function([x], x.mul(5));
    const fWithPrint = sym.function([x], xPrinted.mul(5));
    expect((await f([1, 2, 3])).toArray()).toEqual([5, 10, 15]);
    expect(lines).toEqual([]);
    expect((await fWithPrint([1, 2, 3])).toArray()).toEqual([5, 10, 15]);
    expect(lines).toEqual(['this is a very important value __str__ = [1. 2. 3.]']);
    expect(fWithPrint.sync([4, 5, 6]).toArray()).toEqual([20, 25, 30]);
    expect(lines[1]).toBe('this is a very important value __str__ = [4. 5. 6.]');
    expect(sym.pp(xPrinted)).toBe('Print{this is a very important value}(x)');
  });

  it('prints the attributes asked for, of an intermediate value computed on the device', async () => {
    const lines: string[] = [];
    const m = T.dmatrix('m');
    const h = sym.Print('h', { attrs: ['shape', 'dtype', '__str__'], log: (line) => lines.push(line) })(T.tanh(m).mul(0));
    await sym.function([m], h.add(1).sum())([[1, 2, 3], [4, 5, 6]]);
    expect(lines).toEqual(['h shape = (2, 3)', 'h dtype = float64', 'h __str__ = [[0. 0. 0.]\n [0. 0. 0.]]']);
  });

  it('merges equal Prints printing to the console (one line per call), keeps those with logs of their own apart', () => {
    const x = T.dvector('x');
    expect(sym.Print('a')(x).owner!.op.key()).toBe(sym.Print('a')(x).owner!.op.key());
    expect(sym.Print('a')(x).owner!.op.key()).not.toBe(sym.Print('b')(x).owner!.op.key());
    const log = () => undefined;
    expect(sym.Print('a', { log })(x).owner!.op.key()).not.toBe(sym.Print('a', { log })(x).owner!.op.key());
  });

  it('refuses a message that is not a string and an unknown attribute', () => {
    expect(() => sym.Print(3 as never)).toThrow('Print: the message must be a string, got number');
    expect(() => sym.Print('m', { attrs: ['strides' as never] })).toThrow('Print: unknown attribute "strides"; the attributes are __str__, shape, dtype, size, ndim');
  });
});
