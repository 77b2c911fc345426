/** Shared variables: implicit inputs, updates (simultaneous, committed only after success), values on host and device, memory. */
import { describe, expect, it } from 'vitest';
import { T, collectGarbage, cpu, sym } from './helpers.js';
import { MAX_PLANS, PLAN_BYTES } from '../src/function/plan.js';

const f64 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float64' });

describe('shared variables', () => {
  it('are implicit inputs that see their current value (the tutorial)', async () => {
    const sv = sym.shared(f64([[1, 2], [3, 4]]));
    expect(sv.type.toString()).toBe('TensorType(float64, matrix)');
    sv.setValue([[3, 4], [2, 1]]);
    expect(sv.getValue().toString()).toBe('[[3. 4.]\n [2. 1.]]');
    const f1 = sym.function([], sv.pow(2));
    expect((await f1()).toString()).toBe('[[ 9. 16.]\n [ 4.  1.]]');
    const subtract = T.matrix('subtract');
    const f2 = sym.function([subtract], sv, { updates: [[sv, sv.sub(subtract)]] });
    expect((await f2([[1, 1], [1, 1]])).toString()).toBe('[[3. 4.]\n [2. 1.]]');
    expect(sv.getValue().toString()).toBe('[[2. 3.]\n [1. 0.]]');
    expect((await f1()).toString()).toBe('[[4. 9.]\n [1. 0.]]');
  });

  it('take their dtype from the value, or from options', () => {
    expect(sym.shared([1, 2]).dtype).toBe('int64');
    expect(sym.shared([1.5]).dtype).toBe('float64');
    expect(sym.shared(new Float32Array([1])).dtype).toBe('float32');
    expect(sym.shared([1, 2], { dtype: 'float32' }).dtype).toBe('float32');
    expect(sym.shared([[1, 2]], { broadcastable: [true, false] }).type.toString()).toBe('TensorType(int64, row)');
    expect(() => sym.shared([1, 2], { broadcastable: [true, false] })).toThrow(/broadcastable \[true,false\] has 2 entries but the value has shape \(2,\)/);
    expect(() => sym.shared([1, 2], { broadcastable: [true] })).toThrow(/dimension 0 is broadcastable in TensorType\(int64, \(True,\)\) and must have length 1, got shape \(2,\)/);
  });

  it('getValue returns a copy unless borrowed', () => {
    const s = sym.shared(f64([1, 2]));
    const v = s.getValue();
    v.data[0] = 99;
    expect(s.getValue().toString()).toBe('[1. 2.]');
    expect(s.getValue({ borrow: true })).toBe(s.getValue({ borrow: true }));
  });

  it('takes a plain value as an update, converted to the shared variable\'s type as Theano does (updates={count: 0})', () => {
    // a float accumulator reset to 0 was refused: 0 is an int64 constant, and the hint said to call .astype on it
    const total = sym.shared(f64(5), { name: 'total' });
    const bias = sym.shared(f64([1, 2]), { name: 'bias' });
    const reset = sym.function([], [], { updates: [[total, 0], [bias, [0.5, 0]]] });
    reset.sync();
    expect(sym.reprValue([total.getValue(), bias.getValue()])).toBe('[array(0.), array([0.5, 0. ])]');
    const count = sym.shared(sym.array(3, { dtype: 'int32' }), { name: 'count' });
    expect(() => sym.function([], [], { updates: [[count, 1.5]] })).toThrow(
      'function: the update of count: expected TensorType(int32, scalar), but element 0 is 1.5, which is not an integer in the int32 range [-2147483648, 2147483647].',
    );
    expect(() => sym.function([], [], { updates: [[bias, [[1, 2]]]] })).toThrow('function: the update of bias: wrong number of dimensions: expected 1');
    // a missing value reads "undefined", not "undefined undefined"
    expect(() => sym.function([], [], { updates: [[bias, undefined as never]] })).toThrow(
      'function: the update of bias: expected TensorType(float64, vector) (a number, nested arrays, a typed array or an NDArray), got undefined',
    );
    expect(() => bias.setValue(undefined as never)).toThrow(/got undefined$/);
  });

  it('setValue checks dtype and ndim, and accepts a new shape', () => {
    const s = sym.shared(f64([1, 2]), { name: 's' });
    expect(() => s.setValue([[1]])).toThrow(/setValue of shared variable s: wrong number of dimensions: expected 1/);
    const i = sym.shared(sym.array([1, 2], { dtype: 'int32' }), { name: 'i' });
    // the hint is one setValue can follow: allowInputDowncast is an option of sym.function, not of setValue
    expect(() => i.setValue(f64([1]))).toThrow(
      "setValue of shared variable i: expected TensorType(int32, vector), got NDArray(float64, shape (1,)): casting float64 to int32 may lose data. Cast the value first (value.astype('int32')).",
    );
    expect(() => i.setValue([f64([1])])).toThrow("got rows of float64: casting float64 to int32 may lose data. Cast the value first (value.astype('int32')).");
    s.setValue([1, 2, 3]);
    const f = sym.function([], s.sum());
    expect(f.sync().item()).toBe(6);
  });
  it('shared, getValue, getValueAsync and setValue refuse option names they do not know', async () => {
    // a misspelt borrow or dtype would otherwise be ignored: a copy, or float64 where float32 was asked for
    expect(() => sym.shared(f64([1]), { borow: true } as never)).toThrow('shared: unknown option "borow"; the options are name, broadcastable, borrow, dtype');
    const s = sym.shared(f64([1]), { name: 's', borrow: true, dtype: 'float32', broadcastable: [false] });
    expect(() => s.getValue({ borrow_: true } as never)).toThrow('getValue: unknown option "borrow_"; the options are borrow');
    await expect(s.getValueAsync({ copy: false } as never)).rejects.toThrow('getValueAsync: unknown option "copy"; the options are borrow');
    expect(() => s.setValue([2], { borow: true } as never)).toThrow('setValue: unknown option "borow"; the options are borrow');
  });
});

describe('updates', () => {
  it('are simultaneous: swapping two shared variables', async () => {
    const a = sym.shared(f64([1, 2]), { name: 'a' });
    const b = sym.shared(f64([3, 4]), { name: 'b' });
    const swap = sym.function([], [], { updates: [[a, b], [b, a]] });
    await swap();
    expect([a.getValue().toString(), b.getValue().toString()]).toEqual(['[3. 4.]', '[1. 2.]']);
    swap.sync();
    expect([a.getValue().toString(), b.getValue().toString()]).toEqual(['[1. 2.]', '[3. 4.]']);
  });

  it('outputs see the values from before the updates', () => {
    const s = sym.shared(f64(0), { name: 's' });
    const inc = sym.function([], [s, s.add(1)], { updates: new Map([[s, s.add(1)]]) });
    expect(sym.reprValue(inc.sync())).toBe('[array(0.), array(1.)]');
    expect(sym.reprValue(inc.sync())).toBe('[array(1.), array(2.)]');
    expect(s.getValue().item()).toBe(2);
  });

  it('a call that fails in DebugMode (NaN) changes no shared variable', async () => {
    const s = sym.shared(f64([1, 2]), { name: 's' });
    const x = T.vector('x');
    const f = sym.function([x], x.div(x).add(s), { mode: 'DebugMode', updates: [[s, s.add(1)]] });
    await expect(f([0, 1])).rejects.toThrow(sym.InvalidValueError);
    expect(() => f.sync([0, 1])).toThrow(/DebugMode: Elemwise\{true_div,no_inplace\}\(x, x\) produced nan/);
    expect(s.getValue().toString()).toBe('[1. 2.]');
    await f([1, 1]);
    expect(s.getValue().toString()).toBe('[2. 3.]');
  });

  it('a call that fails on a shape mismatch changes no shared variable', async () => {
    const s = sym.shared(f64([1, 2]), { name: 's' });
    const t = sym.shared(f64(5), { name: 't' });
    const x = T.vector('x');
    const f = sym.function([x], s.add(x), { updates: [[t, t.mul(2)], [s, s.add(x)]] });
    await expect(f([1, 2, 3])).rejects.toThrow(/shapes do not match at dimension 0: s has shape \(2,\) .* and x has shape \(3,\)/);
    expect([s.getValue().toString(), t.getValue().toString()]).toEqual(['[1. 2.]', '5.0']);
    f.sync([1, 1]);
    expect([s.getValue().toString(), t.getValue().toString()]).toEqual(['[2. 3.]', '10.0']);
  });

  it('keep the device buffers flat over 2000 calls', () => {
    const w = sym.shared(f64([0, 0, 0]), { name: 'w' });
    const x = T.vector('x');
    const step = sym.function([x], w.sum(), { updates: [[w, w.add(x.mul(0.5))]] });
    step.sync([1, 1, 1]);
    const before = cpu.liveBuffers();
    for (let i = 0; i < 2000; i++) step.sync([1, 2, 3]);
    expect(cpu.liveBuffers()).toBe(before);
    expect(w.getValue().toString()).toBe('[1000.5 2000.5 3000.5]');
  });

  it('keep memory flat for async calls, eval and alternating input shapes', async () => {
    const s = sym.shared(f64(0), { name: 's' });
    const v = T.vector('v');
    const acc = sym.function([v], s, { updates: [[s, s.add(v.sum())]] });
    const y = T.scalar('y');
    const sq = y.mul(y);
    for (let i = 0; i < 20; i++) {
      await acc([1]);
      await acc([1, 1]);
      await sq.eval({ y: i });
    }
    // the awaits below let finalizers run: what earlier tests dropped goes back now, not between the two counts
    await collectGarbage();
    const before = cpu.liveBuffers();
    for (let i = 0; i < 500; i++) {
      await acc([1]);
      acc.sync([1, 1]);
      sq.evalSync({ y: i });
    }
    expect(cpu.liveBuffers()).toBe(before);
    expect(s.getValue().item()).toBe(20 * 3 + 500 * 3);
  });
});

describe('values on host and device', () => {
  it('setValue after an update on the device wins, and getValueAsync reads the device copy', async () => {
    const s = sym.shared(f64([1, 2]), { name: 's' });
    const inc = sym.function([], s, { updates: [[s, s.add(1)]] });
    inc.sync();
    expect((await s.getValueAsync()).toString()).toBe('[2. 3.]');
    inc.sync();
    s.setValue([10, 20]);
    expect(inc.sync().toString()).toBe('[10. 20.]');
    expect(s.getValue().toString()).toBe('[11. 21.]');
    s.setValue([5, 5, 5]);
    expect(inc.sync().toString()).toBe('[5. 5. 5.]');
    expect(s.getValue().toString()).toBe('[6. 6. 6.]');
  });
});

describe('compiled plans', () => {
  it('are cached per input shape, small ones past 16 (a text of many sentence lengths), and freed by dispose', () => {
    const x = T.vector('x');
    const f = sym.function([x], x.mul(2).add(1));
    const base = cpu.liveBuffers();
    for (let n = 1; n <= 100; n++) f.sync(new Array<number>(n).fill(1));
    const warm = cpu.liveBuffers();
    // 100 small programs hold far less than PLAN_BYTES together: every one is kept, and a second pass allocates nothing
    for (let n = 100; n >= 1; n -= 3) f.sync(new Array<number>(n).fill(1));
    expect(cpu.liveBuffers()).toBe(warm);
    expect(warm - base).toBeGreaterThanOrEqual(100);
    f.compiled.dispose();
    expect(cpu.liveBuffers()).toBe(base);
    expect(f.sync([1, 2]).toString()).toBe('[3. 5.]');
  });
  it(`past ${MAX_PLANS} programs and ${PLAN_BYTES / 2 ** 20} MiB the least recently used plan goes, and only it`, () => {
    const x = T.vector('x');
    const f = sym.function([x], x.mul(2).add(1));
    // each program holds two float64 buffers of 3.2 MB: 16 of them are more than PLAN_BYTES
    const call = (n: number) => f.sync(new Float64Array(400_000 + n).fill(1));
    for (let n = 1; n <= MAX_PLANS; n++) call(n);
    const warm = cpu.liveBuffers();
    for (let n = MAX_PLANS; n >= 1; n--) call(n); // every one is cached: nothing is allocated
    expect(cpu.liveBuffers()).toBe(warm);
    call(MAX_PLANS + 1); // evicts the least recently used: n = 16, called first in the loop above
    expect(cpu.liveBuffers()).toBe(warm);
    for (let n = 1; n < MAX_PLANS; n++) call(n);
    expect(cpu.liveBuffers()).toBe(warm);
    f.compiled.dispose();
  });
  it('an input computed from others cuts the graph there', () => {
    const x = T.vector('x');
    const h = x.exp();
    h.name = 'h';
    const g = sym.function([h], h.mul(2));
    expect(g.sync([1, 2]).toString()).toBe('[2. 4.]');
  });
});
