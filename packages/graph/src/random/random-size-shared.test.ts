/**
 * A random draw whose size reads a shared integer (a GAN's noise of
 * `batch_size` rows, the batch size a shared variable) is refused when the
 * function is made; the error names the draw's size among the lengths that
 * must be known then, as a user without a scan, alloc or arange looks for it.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

describe("a random draw's size from a shared variable", () => {
  it("is refused naming the size and the shared variable, and works as an input", async () => {
    const srng = new sym.RandomStreams(3);
    const batchSize = sym.shared(sym.array(4, { dtype: 'int64' }), { name: 'batch_size' });
    const noise = srng.normal([batchSize, 2]);
    expect(() => sym.function([], noise).sync()).toThrow(/a random draw's size.* depends on the shared variable batch_size, whose value lives on the device; pass it as an input/);
    const m = T.lscalar('m');
    expect((await sym.function([m], srng.normal([m, 2]))(4)).shape).toEqual([4, 2]);
  });
});
