/**
 * Mistakes a Theano user makes with sym's public API, each answered by an
 * error that names the call, what was expected and what came (found by a
 * probe of 200 such mistakes; these are the ones whose message fell short).
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

describe('misused calls', () => {
  it('refuse inputs that are not a list, as Theano does, instead of failing inside', () => {
    const x = T.vector('x');
    const f = sym.function as (inputs: unknown, outputs: sym.TensorVariable) => unknown;
    // was: TypeError: inputs.some is not a function
    expect(() => f(x, x.mul(2))).toThrow(/^function: the inputs must be a list, even for a single input \(sym\.function\(\[x\], \.\.\.\)\); got the variable x$/);
    expect(() => f({ x }, x.mul(2))).toThrow(/^function: the inputs must be a list.*; got a plain object with keys x$/);
  });

  it('name an input that is an expression by the expression in a missing-input error', () => {
    const x = T.vector('x');
    // was: ... not among the inputs [<TensorType(float64, vector)>]
    expect(() => sym.function([x.mul(2)], x.mul(3))).toThrow('function: missing input: x (TensorType(float64, vector)) is needed to compute the outputs but is not among the inputs [(x * 2)]');
  });

  it('name the expression evaluated when a Map key is not in its graph', async () => {
    const x = T.vector('x');
    const y = T.vector('y');
    // was: eval: Elemwise{mul,no_inplace}.0 does not depend on y
    await expect(x.mul(2).eval(new Map([[y, [1]]]))).rejects.toThrow(/^eval: \(x \* 2\) does not depend on y; its inputs are \[x\]$/);
  });

  it('name zeros and ones, and list the dtypes, for an unknown dtype', () => {
    // was: constant: unknown dtype float128
    expect(() => T.zeros([2], 'float128' as sym.DType)).toThrow(/^zeros: unknown dtype float128; the dtypes are bool, int8, .*float64/);
    expect(() => T.ones([2], 'float' as sym.DType)).toThrow(/^ones: unknown dtype float; the dtypes are /);
    expect(() => T.vector('v').astype('int' as sym.DType)).toThrow(/^cast: unknown dtype int; the dtypes are bool, int8, /);
  });
});

describe('misused shared variables', () => {
  it('name shared, not "value", for a value that is no array', () => {
    // was: value: expected a number at the top, got string abc
    expect(() => sym.shared('abc' as unknown as number)).toThrow(/^shared\(\): expected a number, nested arrays, a typed array or an NDArray, got string abc$/);
    expect(() => sym.shared(undefined as unknown as number, { name: 'w' })).toThrow(/^shared\(w\): expected a number, .* got undefined$/);
    expect(() => sym.shared({ a: 1 } as unknown as number)).toThrow(/got a plain object with keys a$/);
    // was: value: ragged nested array at [1]: ...
    expect(() => sym.shared([[1, 2], [3]], { name: 'w' })).toThrow(/^shared\(w\): ragged nested array at \[1\]: expected 2 elements, got an array of length 1$/);
  });

  it('refuse a name that is not a string, as T.vector does', () => {
    // was: accepted, the variable named by a number
    expect(() => sym.shared([1, 2], { name: 3 as unknown as string })).toThrow(/^shared: name must be a string, got number 3$/);
  });
});

describe('misnamed devices', () => {
  it("suggest the device meant: a misspelling of sym's own, or Theano's gpu", async () => {
    const x = T.vector('x');
    const call = (device: string) => sym.function([x], x.mul(2), { device })([1]);
    await expect(call('webgpU')).rejects.toThrow(/^device=webgpU: no backend named "webgpU" is registered \(did you mean webgpu\?\) and the package/);
    await expect(call('gpu.js')).rejects.toThrow(/is registered \(did you mean gpujs\?\) and/);
    await expect(call('cuda0')).rejects.toThrow(/is registered \(Theano's device=cuda0: sym's GPU devices are webgpu and gpujs\) and/);
    // a third party's name gets no hint
    await expect(call('tpu')).rejects.toThrow(/no backend named "tpu" is registered and the package @sym\/backend-tpu could not be loaded/);
    expect(() => sym.function([x], x.mul(2), { device: 'GPU' }).sync([1])).toThrow(/^device=GPU: no backend named "GPU" is registered \(Theano's device=GPU: sym's GPU devices are webgpu and gpujs\)\. Synchronous/);
  });
});

describe('an expression listed as an input (the graph cut there)', () => {
  it('is named by the expression at call time', async () => {
    const x = T.vector('x');
    const e = x.mul(2);
    const f = sym.function([e], e.add(1));
    expect(Array.from((await f([1, 2])).data)).toEqual([2, 3]);
    // was: argument 0 (<TensorType(float64, vector)>)
    expect(() => f.sync([[1]])).toThrow(/^function: argument 0 \(\(x \* 2\)\): wrong number of dimensions: expected 1/);
  });
});

describe('a scan state that changes type', () => {
  it('names the step output by its expression, not its op', () => {
    const x = T.vector('x');
    const h0 = T.fvector('h0');
    // was: scan: step output 0 (Elemwise{mul,no_inplace}.0) is float64 ...
    expect(() => sym.scan((h: sym.TensorVariable) => h.mul(x.get(0)), { outputsInfo: [h0], nSteps: 3 })).toThrow(
      'scan: step output 0 ((h0[t-1] * x[0])) is float64, but its initial value h0 is float32; cast one of them so that the state keeps one dtype',
    );
    const s0 = T.scalar('s0');
    expect(() => sym.scan((s: sym.TensorVariable) => s.add(x), { outputsInfo: [s0], nSteps: 3 })).toThrow(
      'scan: step output 0 ((s0[t-1] + x)) has 1 dimensions, but its initial value s0 has 0; a state keeps its shape',
    );
  });
});
