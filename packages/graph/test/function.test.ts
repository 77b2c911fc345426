/** sym.function: outputs, defaults, shared variables and updates, givens, input validation, sync and async calls, eval. */
import { describe, expect, it } from 'vitest';
import { T, cpu, sym } from './helpers.js';

const f64 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float64' });

describe('outputs', () => {
  it('a single output gives an NDArray, a list gives a list', async () => {
    const x = T.vector('x');
    const one = sym.function([x], x.mul(2));
    expect((await one([1, 2])).repr()).toBe('array([2., 4.])');
    const many = sym.function([x], [x.mul(2), x.sum()]);
    expect(sym.reprValue(await many([1, 2]))).toBe('[array([2., 4.]), array(3.)]');
    const listOfOne = sym.function([x], [x.neg()]);
    expect(sym.reprValue(await listOfOne([1]))).toBe('[array([-1.])]');
  });
  it('an input or the same expression twice as outputs gives separate arrays', () => {
    const x = T.vector('x');
    const y = x.add(1);
    const f = sym.function([x], [x, y, y]);
    const [a, b, c] = f.sync([1, 2]);
    expect(sym.reprValue([a, b, c])).toBe('[array([1., 2.]), array([2., 3.]), array([2., 3.])]');
    expect(b!.data).not.toBe(c!.data);
  });
  it('outputs null is Theano\'s outputs=None: a function of updates only, whose call gives [] (rnnslu\'s normalize)', async () => {
    const emb = sym.shared(f64([[3, 4], [0, 2]]), { name: 'emb' });
    const normalize = sym.function([], null, { updates: [[emb, emb.div(T.sqrt(emb.pow(2).sum(1)).dimshuffle(0, 'x'))]] });
    expect(await normalize()).toEqual([]);
    expect(emb.getValue().toString()).toBe('[[0.6 0.8]\n [0.  1. ]]');
    const double = sym.function([], null, { updates: [[emb, emb.mul(2)]] });
    expect(double.sync()).toEqual([]);
    expect(emb.getValue().toString()).toBe('[[1.2 1.6]\n [0.  2. ]]');
    // undefined is a mistake (a property that does not exist, a lookup that missed), not Theano's None
    const outputs = new Map<string, sym.TensorVariable>().get('cost');
    expect(() => sym.function([], outputs as unknown as null, { updates: [[emb, emb.mul(2)]] })).toThrow(
      "function: outputs is undefined; give a variable, a list of them, or null (Theano's outputs=None: a function of updates only)",
    );
    expect(() => sym.function([T.vector('v')], null)).toThrow(/input 0 \(v\) is not needed to compute the outputs or updates/);
  });
  it('a function without inputs computes constants and shared values', () => {
    const f = sym.function([], T.constant([1, 2]).mul(3));
    expect(f.sync().toString()).toBe('[3 6]');
  });
  it('sync and async calls agree, and async calls run in order', async () => {
    const x = T.scalar('x');
    const f = sym.function([x], x.pow(2));
    expect(f.sync(3).toString()).toBe('9.0');
    const results = await Promise.all([f(1), f(2), f(3)]);
    expect(results.map((r) => r.item())).toEqual([1, 4, 9]);
  });
});

describe('In: inputs with defaults', () => {
  it('uses the default when the argument is left out (the tutorial linear_mix)', async () => {
    const A = T.matrix('A');
    const x = T.vector('x');
    const b = T.vector('b');
    const f = sym.function([A, x, sym.In(b, { value: [0, 0] })], [T.dot(A, x).add(b), A.pow(2).sum()]);
    expect(sym.reprValue(await f([[1, 2, 3], [4, 5, 6]], [1, 2, 3], [4, 5]))).toBe('[array([18., 37.]), array(91.)]');
    expect(sym.reprValue(await f([[1, 2, 3], [4, 5, 6]], [1, 2, 3]))).toBe('[array([14., 32.]), array(91.)]');
  });
  it('names the input in errors, by its In name', () => {
    const x = T.scalar();
    const f = sym.function([sym.In(x, { name: 'rate' })], x.mul(2));
    expect(() => f.sync()).toThrow('function: argument 0 (rate): missing, and it has no default value');
    expect(() => sym.In(3 as unknown as sym.TensorVariable)).toThrow('In: expected a symbolic variable, got number');
  });
  it('takes value: undefined as no default, as Theano takes In(b, value=None)', () => {
    // it was a default of undefined, refused when the function was made ("got undefined undefined")
    const b = T.vector('b');
    const maybe: number[] | undefined = undefined;
    const f = sym.function([sym.In(b, { value: maybe })], b.add(1));
    expect(f.sync([1]).toString()).toBe('[2.]');
    expect(() => f.sync()).toThrow('function: argument 0 (b): missing, and it has no default value');
  });
});

describe('input validation', () => {
  const x = T.vector('x');
  const f = sym.function([x], x.mul(2), { name: 'double' });
  it('refuses too many arguments', () => {
    expect(() => f.sync([1], [2])).toThrow('function double: expected at most 1 argument, got 2');
  });
  it("takes Theano's keyword arguments (f(x=...), here a last object of input names), and refuses a name no input has", () => {
    const y = T.vector('y');
    const g = sym.function([x, sym.In(y, { name: 'bias', value: [0] })], x.add(y), { name: 'g' });
    expect(g.sync({ x: [1], bias: [2] }).toArray()).toEqual([3]);
    expect(g.sync([1], { bias: [2] }).toArray()).toEqual([3]);
    // src/function-call-args.test.ts has every refusal
    expect(() => g.sync({ a: 1 })).toThrow("function g: no input is named a; its inputs' names are x, bias");
  });
  it('refuses a missing argument', () => {
    expect(() => f.sync()).toThrow('function double: argument 0 (x): missing, and it has no default value');
  });
  it('refuses the wrong number of dimensions, with both', () => {
    expect(() => f.sync([[1]])).toThrow(
      'function double: argument 0 (x): wrong number of dimensions: expected 1 (TensorType(float64, vector)), got 2 with shape (1, 1)',
    );
    expect(() => f.sync(3)).toThrow(/expected 1 \(TensorType\(float64, vector\)\), got 0 with shape \(\)/);
  });
  it('refuses values that are not numbers or arrays', () => {
    expect(() => f.sync('abc')).toThrow('function double: argument 0 (x): expected TensorType(float64, vector) (a number, nested arrays, a typed array or an NDArray), got string abc');
    expect(() => f.sync([1, [2]])).toThrow(/argument 0 \(x\): expected a number at \[1\], got an array of length 1/);
  });
  it('refuses a lossy downcast of typed data unless allowInputDowncast', () => {
    const v = T.fvector('v');
    const g = sym.function([v], v.mul(2));
    expect(() => g.sync(f64([1.5, 2]))).toThrow(
      'function: argument 0 (v): expected TensorType(float32, vector), got NDArray(float64, shape (2,)): casting float64 to float32 may lose data. Cast the value first, or compile with { allowInputDowncast: true }.',
    );
    expect(() => g.sync(new Float64Array([1]))).toThrow(/got Float64Array\(1\): casting float64 to float32 may lose data/);
    expect(g.sync(new Float32Array([1.5])).repr()).toBe('array([3.], dtype=float32)');
    expect(g.sync(sym.array([1, 2], { dtype: 'int16' })).dtype).toBe('float32');
    const h = sym.function([v], v.mul(2), { allowInputDowncast: true });
    expect(h.sync(f64([1.5, 2])).repr()).toBe('array([3., 4.], dtype=float32)');
  });
  it("takes a Uint8ClampedArray (a canvas's pixels) as uint8 data, and refuses BigInt arrays, which it read as inf or 0", () => {
    expect(sym.array(new Uint8ClampedArray([1, 255])).repr()).toBe('array([  1, 255], dtype=uint8)');
    expect(sym.array(new Uint8ClampedArray([1, 255])).data).toBeInstanceOf(Uint8Array);
    expect(sym.shared(new Uint8ClampedArray([3])).dtype).toBe('uint8');
    const u = T.tensor('uint8', [false], 'u');
    expect(sym.function([u], u.add(1)).sync(new Uint8ClampedArray([1, 254])).repr()).toBe('array([  2, 255], dtype=uint8)');
    const i = T.lvector('i');
    const g = sym.function([i], i.add(1), { allowInputDowncast: true });
    expect(() => g.sync(new BigInt64Array([1n]))).toThrow(
      'function: argument 0 (i): BigInt64Array(1) holds BigInts, which sym does not take (int64 values are JavaScript numbers, exact to 2^53); convert it first, e.g. Array.from(a, Number)',
    );
    expect(() => sym.array(new BigUint64Array([1n]) as never)).toThrow('BigUint64Array(1) holds BigInts, which sym does not take');
  });
  it('rounds plain numbers to a float input, where Theano refuses those it cannot hold exactly (the guide says so)', () => {
    const v = T.fvector('v');
    const g = sym.function([v], v.mul(1));
    expect(g.sync([0.1, 1e40]).repr()).toBe('array([0.1, inf], dtype=float32)');
  });
  it('refuses non-integers and out-of-range values for integer inputs', () => {
    const i = T.ivector('i');
    const g = sym.function([i], i.add(1));
    expect(() => g.sync([1.5])).toThrow(
      'function: argument 0 (i): expected TensorType(int32, vector), but element 0 is 1.5, which is not an integer in the int32 range [-2147483648, 2147483647].',
    );
    expect(() => g.sync([1, 2 ** 31])).toThrow(/element 1 is 2147483648, which is not an integer in the int32 range/);
    expect(() => g.sync(f64([1]))).toThrow(/casting float64 to int32 may lose data/);
    expect(g.sync([3]).repr()).toBe('array([4], dtype=int32)');
  });
  it('refuses a length other than 1 in a broadcastable dimension', () => {
    const r = T.row('r');
    const g = sym.function([r], r.add(1));
    expect(() => g.sync([[1, 2], [3, 4]])).toThrow(
      'function: argument 0 (r): dimension 0 is broadcastable in TensorType(float64, row) and must have length 1, got shape (2, 2)',
    );
    expect(g.sync([[1, 2]]).toString()).toBe('[[2. 3.]]');
  });
});

describe('compile-time errors', () => {
  it('names a missing input and the inputs given', () => {
    const x = T.vector('x');
    const y = T.vector('y');
    expect(() => sym.function([x], x.add(y))).toThrow(
      'function: missing input: y (TensorType(float64, vector)) is needed to compute the outputs but is not among the inputs [x]; list it as an input or give it a value with givens.',
    );
    // read only by an update: the message names the update, not the outputs
    const w = sym.shared(f64([1, 2]), { name: 'w' });
    const lr = T.scalar('lr');
    expect(() => sym.function([x], x.sum(), { updates: [[w, w.sub(lr.mul(x))]] })).toThrow(
      'function: missing input: lr (TensorType(float64, scalar)) is needed to compute the update of w but is not among the inputs [x]; list it as an input or give it a value with givens.',
    );
  });
  it('refuses shared variables, constants and repeated variables as inputs, and bad modes', () => {
    const s = sym.shared(f64([1]), { name: 's' });
    const x = T.vector('x');
    expect(() => sym.function([s], s.mul(2))).toThrow('function: input 0 (s) is a shared variable; shared variables are implicit inputs and cannot be listed');
    expect(() => sym.function([T.constant(1)], x)).toThrow(/input 0 \(TensorConstant\{1\}\) is a constant/);
    expect(() => sym.function([x, x], x)).toThrow('function: input x is listed twice');
    expect(() => sym.function([x], x, { mode: 'Fast' as sym.Mode })).toThrow(/mode must be one of FAST_RUN, FAST_COMPILE, DebugMode, NanGuardMode; got "Fast"/);
  });
  it("refuses Theano's Mode(linker=...) objects by what they hold, naming the mode that matches", () => {
    const x = T.vector('x');
    // the Conditions tutorial's theano.function(..., mode=theano.Mode(linker='vm'))
    expect(() => sym.function([x], x, { mode: { linker: 'vm' } as unknown as sym.Mode })).toThrow(
      `function: mode must be one of FAST_RUN, FAST_COMPILE, DebugMode, NanGuardMode; got {"linker":"vm"}, a Theano Mode(linker="vm", optimizer="default") object. ` +
        `sym has no choice of linker (the backend runs one program of kernels): pass the mode by name, here 'FAST_RUN' (the default: mode can be left out)`,
    );
    expect(() => sym.function([x], x, { mode: { linker: 'cvm', optimizer: 'fast_compile' } as unknown as sym.Mode })).toThrow(/Mode\(linker="cvm", optimizer="fast_compile"\) object.*here 'FAST_COMPILE'$/);
  });
  it("refuses option names it does not know, with the camelCase spelling of Theano's keywords", async () => {
    const s = sym.shared(f64([1, 2]), { name: 's' });
    const x = T.vector('x');
    const names = 'the options are updates, givens, mode, name, allowInputDowncast, device, optimizer, onUnusedInput, noDefaultUpdates';
    // a misspelt updates would leave s as it is at every call: training that does not train
    expect(() => sym.function([x], x, { update: [[s, s.mul(2)]] } as never)).toThrow(`function: unknown option "update"; ${names}`);
    expect(() => sym.function([x], x, { no_default_updates: true } as never)).toThrow(
      `function: unknown option "no_default_updates" (did you mean noDefaultUpdates? sym spells Theano's keywords in camelCase); ${names}`,
    );
    expect(() => sym.function([x], x, [[s, s.mul(2)]] as never)).toThrow('function: options must be an object (updates, givens,');
    // a Map of updates where the options go had no keys to refuse: the function ran and never updated s
    expect(() => sym.function([x], x.add(s), new Map([[s, s.mul(2)]]) as never)).toThrow(
      'function: options must be an object (updates, givens, mode, name, allowInputDowncast, device, optimizer, onUnusedInput, noDefaultUpdates, profile), got a Map; updates and givens go in it by name: { updates: ... }',
    );
    expect(() => s.getValue(new Set() as never)).toThrow('getValue: options must be an object (borrow), got a Set');
    expect(() => sym.In(x, { default: [0, 0] } as never)).toThrow('In: unknown option "default"; the options are value, name');
    const f = sym.function([sym.In(x, { value: [1, 1], name: 'x' })], x.add(s), { updates: [[s, s.mul(2)]], name: 'f', mode: 'FAST_RUN', onUnusedInput: 'raise' });
    expect(Array.from((await f()).data)).toEqual([2, 3]);
  });
  it('refuses updates of the wrong type or to non-shared variables', () => {
    const s = sym.shared(f64([1, 2]), { name: 's' });
    const x = T.vector('x');
    expect(() => sym.function([], s, { updates: [[s, s.sum()]] })).toThrow(/the update of shared variable s must have its type TensorType\(float64, vector\), but the expression has type TensorType\(float64, scalar\)/);
    expect(() => sym.function([], s, { updates: [[s, s.astype('float32')]] })).toThrow(/cast it with .astype\('float64'\)/);
    expect(() => sym.function([x], s, { updates: [[x as unknown as sym.TensorSharedVariable, x]] })).toThrow('function: update 0 targets x, which is not a shared variable');
    expect(() => sym.function([], s, { updates: [[s, s.add(1)], [s, s.add(2)]] })).toThrow('function: shared variable s is updated twice');
  });
});

describe('givens', () => {
  it('substitutes an expression for a variable before compiling', () => {
    const x = T.scalar('x');
    const y = T.scalar('y');
    const f = sym.function([x], y.mul(10), { givens: [[y, x.add(1)]] });
    expect(f.sync(2).item()).toBe(30);
  });
  it('can replace a shared variable by an input, leaving the shared value alone', () => {
    const s = sym.shared(f64([1, 2]), { name: 's' });
    const v = T.vector('v');
    const f = sym.function([v], s.mul(2), { givens: new Map([[s, v]]) });
    expect(f.sync([5, 6]).toString()).toBe('[10. 12.]');
    expect(f.compiled.sharedInputs).toHaveLength(0);
  });
  it('refuses a replacement of another type', () => {
    const x = T.vector('x');
    const y = T.scalar('y');
    expect(() => sym.function([x], y, { givens: [[y, x]] })).toThrow(
      'function: givens replaces y (TensorType(float64, scalar)) with an expression of type TensorType(float64, vector)',
    );
  });
  it('refuses a replacement of another dtype with a hint to cast it (a float64 dataset given to a float32 minibatch, as in the tutorials)', () => {
    const x = T.fmatrix('x');
    const index = T.lscalar('index');
    const trainSetX = sym.shared(sym.array([[1, 0], [0, 1]], { dtype: 'float64' }), { name: 'train_set_x' });
    expect(() => sym.function([index], x.sum(), { givens: [[x, trainSetX.get(T.slice(index, index.add(1)))]] })).toThrow(
      /^function: givens replaces x \(TensorType\(float32, matrix\)\) with an expression of type TensorType\(float64, matrix\); cast it with \.astype\('float32'\)$/,
    );
  });
  it('refuses a replacement that does not broadcast where the variable does, and accepts one that broadcasts more (as Theano)', () => {
    // a row's graph relies on its length 1: x.dimshuffle(1) of a (2, 2) matrix in its place kept the first row and dropped the second
    const r = T.row('r');
    const m = T.matrix('m');
    expect(() => sym.function([m], r.dimshuffle(1), { givens: [[r, m]] })).toThrow(
      'function: givens replaces r (TensorType(float64, row)) with an expression of type TensorType(float64, matrix), which does not broadcast in dimension 0; T.addbroadcast(m, 0) marks it, if its length is 1',
    );
    const f = sym.function([r], m.add(1), { givens: [[m, r]] });
    expect(f.sync([[1, 2]]).toString()).toBe('[[2. 3.]]');
  });
  it('refuses a variable given twice, and a replacement that reads another replaced variable (Theano refuses both)', () => {
    const x = T.vector('x');
    const a = T.vector('a');
    const b = T.vector('b');
    // the second pair won without a word
    expect(() => sym.function([x], a.add(1), { givens: [[a, x], [a, x.mul(3)]] })).toThrow('function: givens replaces a twice');
    // a replacement is not rewritten by the other pairs: b stayed in the graph, reported as a missing input that givens did give
    expect(() => sym.function([x], a.add(b), { givens: [[a, b.mul(2)], [b, x]] })).toThrow(
      'function: givens replaces a with an expression that reads b, which givens also replaces; replacements are not rewritten by the other pairs: write the replacement of a in terms of the inputs and shared variables',
    );
    // a replacement may read the variable it replaces (a shared variable scaled in place)
    const w = sym.shared(f64([1, 2]), { name: 'w' });
    expect(sym.function([], w.add(1), { givens: [[w, w.mul(10)]] }).sync().toString()).toBe('[11. 21.]');
  });
  it('keeps the replacement of one output of a node whose inputs givens also replace', () => {
    // a scan with two outputs over a, a given x: the copy of the scan overwrote o0's replacement e, and e was reported unused
    const a = T.vector('a');
    const x = T.vector('x');
    const e = T.vector('e');
    const [[o0, o1]] = sym.scan((s: sym.TensorVariable) => [s.mul(2), s.add(100)], { sequences: a }) as unknown as [sym.TensorVariable[]];
    const out = o0!.sum().add(o1!.sum());
    const f = sym.function([x, e], out, { givens: [[a, x], [o0!, e]] });
    expect(f.sync([1, 2], [1000, 1000]).item()).toBe(2000 + 101 + 102);
    // an input cut at one output of that node, the node's input given
    const g = sym.function([o0!, x], out, { givens: [[a, x]] });
    expect(g.sync([1000, 1000], [1, 2]).item()).toBe(2000 + 101 + 102);
  });
});

describe('backends without synchronous calls', () => {
  it('refuse f.sync with a message saying to await, and still run f()', async () => {
    // the CPU backend behind an asynchronous-only interface
    const asyncOnly: sym.Backend = {
      describe: () => ({ ...cpu.describe(), name: 'cpu-async-only', sync: false }),
      alloc: (d, n) => cpu.alloc(d, n),
      write: (b, data) => cpu.write(b, data),
      read: (b) => cpu.read(b),
      free: (b) => cpu.free(b),
      compile: (k) => cpu.compile(k),
      run: (l) => cpu.run(l),
    };
    sym.registerBackend(asyncOnly);
    const x = T.vector('x');
    const f = sym.function([x], x.add(1), { device: 'cpu-async-only' });
    expect(() => f.sync([1])).toThrow('device=cpu-async-only: this backend has no synchronous calls; use await f(...) instead of f.sync(...).');
    expect((await f([1])).toString()).toBe('[2.]');
    const s = sym.shared(sym.array([1], { dtype: 'float64' }), { name: 's' });
    const inc = sym.function([], [], { updates: [[s, s.add(1)]], device: 'cpu-async-only' });
    await inc();
    expect(() => s.getValue()).toThrow('shared variable s: its value lives on device cpu-async-only, which has no synchronous reads; use await getValueAsync().');
    expect((await s.getValueAsync()).toString()).toBe('[2.]');
  });
});

describe('eval', () => {
  it('takes values by variable name or in a Map', async () => {
    const x = T.scalar('x');
    const y = T.scalar('y');
    const z = x.add(y.mul(2));
    expect((await z.eval({ x: 1, y: 2 })).toString()).toBe('5.0');
    expect((await z.eval(new Map([[x, 1], [y, 3]]))).toString()).toBe('7.0');
    expect(z.evalSync({ x: 0.5, y: 0 }).toString()).toBe('0.5');
    expect((await T.constant([1, 2]).sum().eval()).toString()).toBe('3');
  });
  it('names an unknown variable and lists the inputs it has', () => {
    const x = T.scalar('x');
    const y = T.scalar('y');
    expect(() => x.add(y).evalSync({ z: 1 })).toThrow('eval: (x + y) does not depend on a variable named "z"; its inputs are [x, y]');
    expect(() => x.add(y).evalSync({ x: 1 })).toThrow('eval: (x + y) needs a value for y (TensorType(float64, scalar)); pass them by name');
    const twin = T.scalar('x');
    expect(() => x.add(twin).evalSync({ x: 1 })).toThrow('depends on 2 different variables named "x"; pass a Map');
    expect(() => x.evalSync(new Map([[y, 1]]))).toThrow('eval: x does not depend on y; its inputs are [x]');
  });
  it('takes a value for an intermediate variable in a Map, cutting the graph there as Theano\'s eval does', () => {
    const x = T.scalar('x');
    const h = x.mul(2);
    const z = h.add(1);
    // it said z "does not depend on" h
    expect(z.evalSync(new Map([[h, 5]])).item()).toBe(6);
    expect(z.evalSync(new Map([[x, 5]])).item()).toBe(11);
    expect(z.evalSync(new Map([[z, 3]])).item()).toBe(3);
    const y = T.scalar('y');
    expect(() => h.add(y).evalSync(new Map([[h, 5]]))).toThrow('eval: ((x * 2) + y) needs a value for y (TensorType(float64, scalar))');
    const w = sym.shared(f64(1), { name: 'w' });
    expect(() => w.mul(2).evalSync(new Map([[w, 5]]))).toThrow('function: input 0 (w) is a shared variable');
  });
});

describe('names', () => {
  it('never reach the kernels a backend compiles, whatever characters they hold', () => {
    // quotes, a backtick, a comment end, a template hole, a newline: what would break generated JS, WGSL or GLSL
    const evil = "q'\"`*/${x}\n</script>";
    const kernels: string[] = [];
    const recording: sym.Backend = {
      describe: () => ({ ...cpu.describe(), name: 'cpu-recording' }),
      alloc: (d, n) => cpu.alloc(d, n),
      write: (b, data) => cpu.write(b, data),
      read: (b) => cpu.read(b),
      readSync: (b) => cpu.readSync!(b),
      free: (b) => cpu.free(b),
      compile: (k) => {
        kernels.push(JSON.stringify(k));
        return cpu.compile(k);
      },
      run: (l) => cpu.run(l),
    };
    sym.registerBackend(recording);
    const x = T.vector(`${evil}x`);
    const w = sym.shared(f64([1, 2]), { name: `${evil}w` });
    const h = x.mul(w).exp();
    h.name = `${evil}h`;
    const s = h.sum();
    s.name = `${evil}s`;
    const f = sym.function([sym.In(x, { name: `${evil}in` })], [h, s, T.dot(x, w), T.sort(h)], { name: evil, updates: [[w, w.add(x)]], device: 'cpu-recording' });
    expect(sym.reprValue(f.sync([0, 1]))).toBe('[array([1.       , 7.3890561]), array(8.3890561), array(2.), array([1.       , 7.3890561])]');
    expect(kernels.length).toBeGreaterThan(0);
    for (const k of kernels) expect(k).not.toMatch(/script|\$\{x\}|q'/);
  });
});

describe('lengths from values', () => {
  it('refuse a buffer past the most elements one array may hold, naming the node, before allocating it', async () => {
    const n = T.scalar('n', 'int64');
    const big = sym.array(2 ** 31, { dtype: 'int64' });
    const zeros = sym.function([n], T.zeros([n], 'float64'), { name: 'zeros' });
    expect(() => zeros.sync(big)).toThrow(/function zeros: Alloc\(.*, n\) would need 2147483648 float64 elements; the most one array may hold is 2147483647/);
    await expect(sym.function([n], T.alloc(T.constant(1.5), n, 2))(sym.array(2 ** 30, { dtype: 'int64' }))).rejects.toThrow(/would need 2147483648 float64 elements/);
    expect(zeros.sync(sym.array(3, { dtype: 'int64' })).toArray()).toEqual([0, 0, 0]);
    expect(() => sym.NDArray.zeros([2 ** 31], 'int64')).toThrow(/allocate: an array of 2147483648 int64 elements is past the most one array may hold \(2147483647\)/);
  });
});
