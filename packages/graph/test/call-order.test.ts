/**
 * Calls return promises, but a program must behave as if each call had
 * finished before its next line ran (Theano's order): arguments are taken
 * when a call is made, shared variables are read and written in the order
 * of the calls, setValue and getValueAsync take their place in that order.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { T, cpu, sym } from './helpers.js';

const f64 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float64' });

/** A counter w and a function that returns w + 0 and adds 1 to it. */
function counter(start = 0) {
  const w = sym.shared(f64([start]), { name: 'w' });
  const step = sym.function([], w.add(0), { updates: [[w, w.add(1)]] });
  return { w, step };
}

describe('calls made without awaiting each', () => {
  it('take their arguments when they are made: refilling one batch array is safe', async () => {
    const x = T.vector('x');
    const f = sym.function([x], x.sum());
    const batch = f64([0, 0]);
    const calls: Promise<sym.NDArray>[] = [];
    for (let i = 0; i < 3; i++) {
      batch.data.fill(i);
      calls.push(f(batch));
    }
    expect((await Promise.all(calls)).map((r) => r.item())).toEqual([0, 2, 4]);
    const list = [1, 2];
    const p = f(list);
    list[0] = 100;
    expect((await p).item()).toBe(3);
  });

  it('run in order and each sees the updates of the ones before', async () => {
    const { w, step } = counter();
    const outs = await Promise.all([step(), step(), step()]);
    expect(outs.map((o) => o.item())).toEqual([0, 1, 2]);
    expect(w.getValue().toArray()).toEqual([3]);
  });

  it('refuse a synchronous call while one is queued, which would jump the queue', async () => {
    const { w, step } = counter();
    await step();
    const p = step();
    expect(() => step.sync()).toThrow('an asynchronous call (of this or another function) or getValueAsync has not finished; await it before calling synchronously');
    expect((await p).item()).toBe(1);
    expect(step.sync().item()).toBe(2);
    expect(w.getValue().toArray()).toEqual([3]);
  });
});

describe('setValue while calls are queued', () => {
  it('takes effect after them: it wins over their updates, and getValue shows it at once', async () => {
    const { w, step } = counter();
    await step();
    const p = step();
    w.setValue([100]);
    expect(w.getValue().toArray()).toEqual([100]);
    expect((await p).item()).toBe(1); // made before setValue: sees the old value
    expect(w.getValue().toArray()).toEqual([100]);
  });

  it('is seen by the calls made after it', async () => {
    const { w, step } = counter();
    const first = step();
    w.setValue([100]);
    const second = step();
    expect([(await first).item(), (await second).item()]).toEqual([0, 100]);
    expect(w.getValue().toArray()).toEqual([101]);
  });

  it('checks the value at once, and a bad one changes nothing', async () => {
    const { w, step } = counter();
    const p = step();
    expect(() => w.setValue([[1]])).toThrow(/setValue of shared variable w: wrong number of dimensions/);
    await p;
    expect(w.getValue().toArray()).toEqual([1]);
  });
});

describe('reading a shared variable while calls are queued', () => {
  it('getValueAsync waits for the calls made before it', async () => {
    const { w, step } = counter();
    await step();
    const p = step();
    const read = w.getValueAsync();
    await Promise.all([p, read]);
    expect((await read).toArray()).toEqual([2]);
    expect((await w.getValueAsync()).toArray()).toEqual([2]);
    await step();
    expect(w.getValue().toArray()).toEqual([3]);
  });

  it('getValue refuses while a call that updates the variable is pending, and names it', async () => {
    const { w, step } = counter();
    const other = sym.shared(f64([7]), { name: 'other' });
    const p = step();
    expect(() => w.getValue()).toThrow('shared variable w: a call that updates it has not finished; await the call, or use await getValueAsync(), which waits for it.');
    expect(other.getValue().toArray()).toEqual([7]); // not written by the pending call
    await p;
    expect(w.getValue().toArray()).toEqual([1]);
  });

  it('a failed call releases the variable and the queue', async () => {
    const w = sym.shared(f64([1, 2]), { name: 'w' });
    const x = T.vector('x');
    const f = sym.function([x], w.sum(), { updates: [[w, w.add(x)]] });
    await expect(f([1, 2, 3])).rejects.toThrow(/shapes do not match|shape/);
    expect(w.getValue().toArray()).toEqual([1, 2]);
    await expect(f('nope')).rejects.toThrow(/argument 0 \(x\)/);
    expect((await f([1, 1])).item()).toBe(3);
    expect(w.getValue().toArray()).toEqual([2, 3]);
  });
});

describe('what else waits its turn', () => {
  /**
   * The CPU, with reads that take a few milliseconds, as a GPU's do (a call
   * waits between its launch and its commit), and that refuses a buffer
   * after it was freed, as WebGPU does.
   */
  const freed = new WeakSet<sym.DeviceBuffer>();
  const live = (b: sym.DeviceBuffer, what: string) => {
    if (freed.has(b)) throw new Error(`slow-reads.${what}: the buffer was already freed`);
    return b;
  };
  const slow: sym.Backend = {
    describe: () => ({ ...cpu.describe(), name: 'slow-reads' }),
    alloc: (d, n) => {
      const b = cpu.alloc(d, n);
      freed.delete(b);
      return b;
    },
    write: (b, data) => cpu.write(live(b, 'write'), data),
    read: async (b) => {
      await new Promise((r) => setTimeout(r, 5));
      return cpu.read(live(b, 'read'));
    },
    free: (b) => {
      freed.add(b);
      cpu.free(b);
    },
    compile: (k) => cpu.compile(k),
    run: (l) => {
      for (const x of l) [...x.inputs, x.output].forEach((b) => live(b, 'run'));
      cpu.run(l);
    },
  };
  sym.registerBackend(slow);

  it('dispose frees the plans after the calls made before it, which still use them', async () => {
    const w = sym.shared(f64([0, 0]), { name: 'w' });
    const f = sym.function([], w.sum(), { updates: [[w, w.add(1)]], device: 'slow-reads' });
    await f();
    const p = f();
    await new Promise((r) => setImmediate(r)); // the call is waiting for its read
    f.compiled.dispose();
    expect((await p).item()).toBe(2);
    expect((await w.getValueAsync()).toArray()).toEqual([2, 2]);
    await f();
    expect((await w.getValueAsync()).toArray()).toEqual([3, 3]);
  });

  it('valueShape is the shape in program order: a setValue queued behind a call included', async () => {
    const w = sym.shared(f64([1, 1]), { name: 'w' });
    const f = sym.function([], w.sum(), { device: 'slow-reads' });
    const p = f();
    w.setValue([1, 2, 3]);
    expect(w.valueShape).toEqual([3]);
    expect((await p).item()).toBe(2); // made before the setValue: the old value
    expect((await f()).item()).toBe(6);
  });

  it('a failed call nobody awaits is reported as an unhandled rejection', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/unawaited-failure.ts', import.meta.url));
    const root = fileURLToPath(new URL('..', import.meta.url));
    const run = promisify(execFile);
    const failure = await run(process.execPath, ['--import', 'tsx/esm', '--conditions=@sym/source', fixture], { cwd: root }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/shapes do not match/);
  });
});

describe('function options', () => {
  it('copy and check a default value when the function is made', async () => {
    const x = T.vector('x');
    const b = T.vector('b');
    const d = [1, 1];
    const f = sym.function([x, sym.In(b, { value: d })], x.add(b));
    d[0] = 100;
    expect((await f([1, 2])).toArray()).toEqual([2, 3]);
    expect(() => sym.function([x, sym.In(b, { value: 'nope' })], x.add(b))).toThrow(
      /function: the default value of input 1 \(b\): expected TensorType\(float64, vector\)/,
    );
  });

  it('refuse an input the outputs do not need, unless told otherwise (Theano on_unused_input)', async () => {
    const x = T.vector('x');
    const y = T.vector('y');
    expect(() => sym.function([x, y], x.sum())).toThrow(
      "function: input 1 (y) is not needed to compute the outputs or updates. Remove it, or pass onUnusedInput: 'warn' (or 'ignore') to accept it.",
    );
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const f = sym.function([x, y], x.sum(), { onUnusedInput: 'warn' });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('input 1 (y) is not needed'));
      expect((await f([1, 2], [9])).item()).toBe(3);
    } finally {
      warn.mockRestore();
    }
    expect((await sym.function([x, y], x.sum(), { onUnusedInput: 'ignore' })([1, 2], [9])).item()).toBe(3);
    expect(() => sym.function([x], x.sum(), { onUnusedInput: 'never' as 'raise' })).toThrow("onUnusedInput must be 'raise', 'warn' or 'ignore'");
  });

  it('refuse givens that replace an input, which would have no effect', () => {
    const x = T.vector('x');
    const y = T.vector('y');
    expect(() => sym.function([x, y], x.mul(2), { givens: [[x, y]] })).toThrow(
      'function: givens replaces x, which is an input of the function; replacing an input has no effect',
    );
  });

  it('explain updates written as an object or as one bare pair', () => {
    const w = sym.shared(f64([0]), { name: 'w' });
    expect(() => sym.function([], w, { updates: { w: w.add(1) } as never })).toThrow(
      "function: updates must be a Map or a list of [shared variable, expression] pairs (Theano's dict), got a plain object with keys w",
    );
    expect(() => sym.function([], w, { updates: [w, w.add(1)] as never })).toThrow(
      'function: updates entry 0 must be a [shared variable, expression] pair, got w; a single pair is written [[a, b]]',
    );
  });

  it('take an object of input names as keyword arguments', async () => {
    const b = T.vector('bias');
    const f = sym.function([b], b.sum());
    expect(Number(await f({ bias: [3, 3] }))).toBe(6);
    await expect(f({ bais: [3, 3] })).rejects.toThrow("function: no input is named bais; its inputs' names are bias (did you mean bias?)");
  });

  it('debugprint says when the graph is not rewritten yet', () => {
    const x = T.vector('x');
    const f = sym.function([x], x.mul(1));
    const installed = sym.getOptimizer();
    sym.setOptimizer(undefined);
    try {
      const g = sym.function([x], x.mul(1));
      expect(g.debugprint()).toMatch(/\n\(not rewritten yet: the optimizer is installed when a backend is imported, or by the first call\)$/);
    } finally {
      sym.setOptimizer(installed);
    }
    expect(f.debugprint()).not.toMatch(/not rewritten/);
  });

  it('dimshuffle takes its pattern as one array too, as Theano takes a tuple', () => {
    const m = T.matrix('m');
    expect(m.dimshuffle([1, 0]).type.toString()).toBe(m.dimshuffle(1, 0).type.toString());
    expect(m.dimshuffle([1, 'x', 0]).broadcastable).toEqual([false, true, false]);
  });
});
