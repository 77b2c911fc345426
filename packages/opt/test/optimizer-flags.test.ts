/**
 * Theano's optimizer_excluding, optimizer_including and optimizer_requiring
 * flags: rewrites every function created while they are set runs or not,
 * besides its own `optimizer` option; and `requiring` itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { selectRewrites } from '../src/index.js';
import { T, close, opNames, sym } from './helpers.js';

afterEach(() => sym.config.reload());

describe('the optimizer_* flags', () => {
  const x = T.vector('x');
  const z = x.mul(2).add(1).exp();
  const logSig = T.log(T.sigmoid(x));

  it('optimizer_excluding leaves out rewrites, as the excluding option does, and adds to it', () => {
    expect(sym.function([x], z).compiled.kernelCount([1])).toBe(1);
    sym.config.optimizer_excluding = 'fusion';
    expect(sym.function([x], z).compiled.kernelCount([1])).toBe(3);
    // Theano's colon-separated list, and the function's own list on top
    sym.config.optimizer_excluding = 'elemwise_fusion';
    expect(sym.function([x], z).compiled.kernelCount([1])).toBe(1); // reduce_prologue_fusion fuses it too
    sym.config.optimizer_excluding = 'elemwise_fusion:reduce_prologue_fusion';
    expect(sym.function([x], z).compiled.kernelCount([1])).toBe(3);
    const own = sym.function([x], [z, logSig], { optimizer: { excluding: ['log_sigmoid'] } });
    expect(own.compiled.kernelCount([1])).toBe(5);
    expect(opNames(own.compiled.graphOutputs)).toContain('Elemwise{sigmoid,no_inplace}');
  });

  it('optimizer_including adds rewrites to a mode, as in Theano', () => {
    expect(opNames(sym.function([x], logSig, { mode: 'FAST_COMPILE' }).compiled.graphOutputs)).toContain('Elemwise{sigmoid,no_inplace}');
    sym.config.set('optimizer_including=stabilize');
    expect(opNames(sym.function([x], logSig, { mode: 'FAST_COMPILE' }).compiled.graphOutputs)).toContain('Elemwise{softplus,no_inplace}');
  });

  it("optimizer_requiring keeps only rewrites with every tag (Theano's requiring), as the requiring option", () => {
    expect(selectRewrites('FAST_RUN', { requiring: ['fusion'] }).map((r) => r.name)).toEqual(['small_dot_elemwise', 'elemwise_fusion', 'reduce_prologue_fusion', 'epilogue_fusion']);
    expect(selectRewrites('FAST_RUN', { requiring: ['fast_run', 'fast_compile'] }).map((r) => r.name)).toEqual(['merge', 'constant_folding']);
    sym.config.optimizer_requiring = 'fast_compile';
    expect(opNames(sym.function([x], logSig).compiled.graphOutputs)).toContain('Elemwise{sigmoid,no_inplace}');
    expect(sym.function([x], z).compiled.kernelCount([1])).toBe(3);
  });

  it("optimizer_excluding=fast_run is Theano's optimizer=None: no rewrite at all, same values", () => {
    const y = x.mul(0).add(T.log(T.sigmoid(x)));
    const opt = sym.function([x], y);
    sym.config.optimizer_excluding = 'fast_run';
    const none = sym.function([x], y);
    expect(opNames(none.compiled.graphOutputs)).toEqual(opNames(y));
    expect(close(Array.from(none.sync([-2, 0, 3]).data), Array.from(opt.sync([-2, 0, 3]).data), 1e-12)).toBe(true);
    expect(opt.compiled.kernelCount([3])).toBe(1);
    expect(none.compiled.kernelCount([3])).toBe(4); // mul, sigmoid, log, add
  });

  it('keeps the flags a function was created with, also in its later compilations', () => {
    const f = sym.config.changeFlags({ optimizer_excluding: 'fusion' }, () => sym.function([x], z));
    expect(sym.config.optimizer_excluding).toBe('');
    // the program passes run at the first call for each shape: still without fusion
    expect(f.compiled.kernelCount([4])).toBe(3);
    expect(sym.function([x], z).compiled.kernelCount([4])).toBe(1);
    // and so does a copy made later, as Theano's copy keeps its maker's mode
    expect(f.compiled.optimizerOptions.excluding).toEqual(['fusion']);
    expect(f.copy().compiled.kernelCount([4])).toBe(3);
  });

  it('names the flag when it names no rewrite or tag', () => {
    sym.config.optimizer_excluding = 'fusoin';
    expect(() => sym.function([x], z)).toThrow(/^the flag optimizer_excluding \(SYM_FLAGS, \.symrc or sym\.config\): no rewrite or tag is called "fusoin"; known: .*fusion/);
    sym.config.optimizer_excluding = '';
    expect(() => sym.function([x], z, { optimizer: { requiring: ['fusoin'] } })).toThrow(/^optimizer\.requiring: no rewrite or tag is called "fusoin"/);
  });
});
