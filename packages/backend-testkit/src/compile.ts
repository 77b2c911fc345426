/**
 * Compile semantics a backend must keep: simultaneous updates, givens,
 * default inputs, shared variables living on the device, failed calls that
 * change nothing, plans per input shape, and memory that stays flat.
 */
import * as sym from '@sym/graph';
// every case compiles with the optimizer on, as users' functions do: fused kernels (epilogues included) and in-place updates
import '@sym/opt';
import type { Backend, DType, NestedArray, TensorSharedVariable, TensorVariable } from '@sym/graph';
import { NDArray, array } from '@sym/graph';
import { assertArrayClose } from './compare.js';
import { evaluateReference } from './reference.js';
import { randomArray, type Rng } from './rng.js';
import { EXACT, type Tolerance } from './tolerance.js';

/** What a compile check knows of the run. */
export interface CompileContext {
  /** The device name functions compile for. */
  readonly device: string;
  /** The backend under test. */
  readonly backend: Backend;
  /** The float dtype the checks compute in (float64 when the backend has it). */
  readonly dtype: DType;
  /** The generator of the check's random values. */
  readonly rng: Rng;
  /** The tolerance for an op's results of a dtype. */
  readonly tolerance: (op: string, dtype: DType) => Tolerance;
}

/** A check of what `sym.function` promises beyond an op's values (updates, givens, buffer reuse ...); group `compile`. */
export interface CompileCheck {
  /** What it checks, as its test is titled. */
  readonly name: string;
  /** Runs only when this holds (for instance: the backend counts its buffers). */
  readonly applies?: (backend: Backend) => boolean;
  /** Runs the check; rejects with what differs. */
  run(ctx: CompileContext): Promise<void>;
}

function near(actual: NDArray, expected: NDArray | NestedArray, label: string, ctx: CompileContext, op = 'add'): void {
  const e = expected instanceof NDArray ? expected : array(expected, { dtype: actual.dtype });
  assertArrayClose(actual, e, label, { tolerance: ctx.tolerance(op, actual.dtype) });
}

function fail(message: string): never {
  throw new Error(message);
}

async function rejects(p: Promise<unknown>, what: string): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  return fail(`${what}: the call succeeded, but it should have failed`);
}

function sharedOf(ctx: CompileContext, value: NestedArray, name: string): TensorSharedVariable {
  return sym.shared(array(value, { dtype: ctx.dtype }), { name });
}

async function value(s: TensorSharedVariable): Promise<NDArray> {
  return s.getValueAsync();
}

function vec(ctx: CompileContext, name: string): TensorVariable {
  return sym.T.tensor(ctx.dtype, [false], name);
}

/** The `compile` group's checks. */
export const COMPILE_CHECKS: readonly CompileCheck[] = [
  {
    name: 'updates are simultaneous: every update and output sees the values from before the call',
    async run(ctx) {
      const a = sharedOf(ctx, [1, 2, 3], 'a');
      const b = sharedOf(ctx, [10, 20, 30], 'b');
      const f = sym.function([], a.add(b), { device: ctx.device, updates: [[a, b], [b, a.add(b)]] });
      near(await f(), [11, 22, 33], 'first call output', ctx);
      near(await value(a), [10, 20, 30], 'a after the first call (old b)', ctx);
      near(await value(b), [11, 22, 33], 'b after the first call (old a + old b)', ctx);
      near(await f(), [21, 42, 63], 'second call output', ctx);
      near(await value(a), [11, 22, 33], 'a after the second call', ctx);
      near(await value(b), [21, 42, 63], 'b after the second call', ctx);
    },
  },
  {
    name: 'givens replace a variable and a shared variable before compiling',
    async run(ctx) {
      const x = vec(ctx, 'x');
      const w = vec(ctx, 'w');
      const s = sharedOf(ctx, [100, 100, 100], 's');
      const f = sym.function([x], x.mul(w).add(s), { device: ctx.device, givens: [[w, x.add(1)], [s, x.mul(2)]] });
      near(await f(array([1, 2, 3], { dtype: ctx.dtype })), [4, 10, 18], 'x * (x + 1) + 2x', ctx, 'mul');
    },
  },
  {
    name: 'In defaults: an omitted argument takes its default, a given one overrides it',
    async run(ctx) {
      const x = vec(ctx, 'x');
      const y = sym.T.tensor(ctx.dtype, [], 'y');
      const f = sym.function([x, sym.In(y, { value: 2 })], x.mul(y), { device: ctx.device });
      const xs = array([1, 2, 3], { dtype: ctx.dtype });
      near(await f(xs), [2, 4, 6], 'default y = 2', ctx, 'mul');
      near(await f(xs, 3), [3, 6, 9], 'y = 3', ctx, 'mul');
      near(await f(xs), [2, 4, 6], 'default again', ctx, 'mul');
    },
  },
  {
    name: 'shared variables: getValue/setValue/getValueAsync round trips through the device',
    async run(ctx) {
      const s = sharedOf(ctx, [[1, 2], [3, 4]], 's');
      const inc = sym.function([], s, { device: ctx.device, updates: [[s, s.add(1)]] });
      near(await inc(), [[1, 2], [3, 4]], 'output: the value before the update', ctx);
      near(await s.getValueAsync(), [[2, 3], [4, 5]], 'getValueAsync after an update', ctx);
      if (ctx.backend.describe().sync) near(s.getValue(), [[2, 3], [4, 5]], 'getValue after an update', ctx);
      const copy = await s.getValueAsync();
      copy.data[0] = -99;
      near(await s.getValueAsync(), [[2, 3], [4, 5]], 'the value after changing a copy returned by getValueAsync', ctx);
      s.setValue(array([[0, 0], [0, 0]], { dtype: ctx.dtype }));
      near(s.getValue(), [[0, 0], [0, 0]], 'getValue right after setValue', ctx);
      await inc();
      await inc();
      near(await s.getValueAsync(), [[2, 2], [2, 2]], 'two updates after setValue', ctx);
      s.setValue(array([[1, 1, 1]], { dtype: ctx.dtype }));
      near(await inc(), [[1, 1, 1]], 'a call after setValue with a new shape', ctx);
      near(await s.getValueAsync(), [[2, 2, 2]], 'the new shape after its update', ctx);
    },
  },
  {
    name: 'a failed call changes no shared variable, and the next call works',
    async run(ctx) {
      const acc = sharedOf(ctx, [5, 5], 'acc');
      const x = vec(ctx, 'x');
      const y = vec(ctx, 'y');
      const f = sym.function([x, y], x.add(y), { device: ctx.device, updates: [[acc, acc.add(x.sum().add(y.sum()))]] });
      await rejects(f(array([1, 2], { dtype: ctx.dtype }), array([1, 2, 3], { dtype: ctx.dtype })), 'inputs of mismatched shapes');
      await rejects(f('not an array', [1, 2]), 'a string argument');
      near(await value(acc), [5, 5], 'acc after two rejected calls', ctx);
      const g = sym.function([x], x.log(), { device: ctx.device, mode: 'DebugMode', updates: [[acc, acc.add(1)]] });
      // this one fails after its kernels ran: DebugMode finds the NaN of log(-1)
      await rejects(g(array([-1, 1], { dtype: ctx.dtype })), 'DebugMode with a NaN result');
      near(await value(acc), [5, 5], 'acc after a call that failed after running', ctx);
      near(await f(array([1, 2], { dtype: ctx.dtype }), array([3, 4], { dtype: ctx.dtype })), [4, 6], 'the next good call', ctx);
      near(await value(acc), [15, 15], 'acc after the good call', ctx);
    },
  },
  {
    name: 'repeated calls with different input shapes each match the reference',
    async run(ctx) {
      const x = sym.T.tensor(ctx.dtype, [false, false], 'x');
      const outs = [x.sum(0), x.mul(2).T, sym.T.softmax(x), x.max(1)];
      const f = sym.function([x], outs, { device: ctx.device });
      for (const shape of [[2, 3], [5, 1], [1, 7], [4, 4], [2, 3]]) {
        const v = randomArray(ctx.rng, ctx.dtype, shape);
        const want = evaluateReference(outs, new Map([[x, v]]));
        const got = await f(v);
        const ops = ['sum', 'mul', 'softmax', 'max'];
        want.forEach((w, i) => near(got[i]!, w, `output ${i} for shape [${shape.join(', ')}]`, ctx, ops[i]));
      }
    },
  },
  {
    name: 'outputs are fresh arrays: an output that is an input, repeated outputs, a shared variable',
    async run(ctx) {
      const x = vec(ctx, 'x');
      const s = sharedOf(ctx, [7, 8], 's');
      const f = sym.function([x], [x, x.mul(2), x.mul(2), s], { device: ctx.device });
      const xs = array([1, 2], { dtype: ctx.dtype });
      const [a, b, c, d] = await f(xs);
      near(a!, [1, 2], 'the input as output', ctx);
      b!.data[0] = 123;
      near(c!, [2, 4], 'a repeated output after the first copy was changed', ctx);
      const inc = sym.function([], [], { device: ctx.device, updates: [[s, s.add(1)]] });
      await inc();
      near(d!, [7, 8], 'a returned shared value after the variable was updated', ctx);
      const [a2] = await f(array([5, 6], { dtype: ctx.dtype }));
      near(a!, [1, 2], 'an earlier output after another call', ctx);
      near(a2!, [5, 6], 'the new output', ctx);
    },
  },
  {
    name: 'constant arrays in the graph are uploaded once and stay right across calls',
    async run(ctx) {
      const x = vec(ctx, 'x');
      const f = sym.function([x], x.add(array([10, 20, 30], { dtype: ctx.dtype })), { device: ctx.device });
      near(await f(array([1, 2, 3], { dtype: ctx.dtype })), [11, 22, 33], 'first call', ctx);
      near(await f(array([0, 0, 0], { dtype: ctx.dtype })), [10, 20, 30], 'second call', ctx);
    },
  },
  {
    name: 'synchronous calls agree with asynchronous ones',
    applies: (b) => b.describe().sync,
    async run(ctx) {
      const x = sym.T.tensor(ctx.dtype, [false, false], 'x');
      const f = sym.function([x], [x.exp().sum(1), sym.T.dot(x, x.T)], { device: ctx.device });
      const v = randomArray(ctx.rng, ctx.dtype, [3, 4]);
      const sync = f.sync(v);
      const async_ = await f(v);
      sync.forEach((a, i) => assertArrayClose(a, async_[i]!, `output ${i}`, { tolerance: EXACT }));
    },
  },
  {
    name: 'memory stays flat: liveBuffers() is the same after 5 and after 105 training-like calls',
    applies: (b) => typeof b.liveBuffers === 'function',
    async run(ctx) {
      const w = sharedOf(ctx, [0, 0, 0, 0], 'w');
      const x = sym.T.tensor(ctx.dtype, [false, false], 'x');
      const y = vec(ctx, 'y');
      const err = sym.T.dot(x, w).sub(y);
      const loss = err.mul(err).mean();
      const gw = sym.T.dot(x.T, err).mul(2 / 8);
      const train = sym.function([x, y], loss, { device: ctx.device, updates: [[w, w.sub(gw.mul(0.1))]] });
      const xs = randomArray(ctx.rng, ctx.dtype, [8, 4]);
      const ys = randomArray(ctx.rng, ctx.dtype, [8]);
      const live = (): number => ctx.backend.liveBuffers!();
      for (let i = 0; i < 5; i++) await train(xs, ys);
      const before = live();
      let last = Infinity;
      for (let i = 0; i < 100; i++) {
        const l = (await train(xs, ys)).item();
        if (i % 25 === 0) await w.getValueAsync();
        last = l;
      }
      const after = live();
      if (after !== before) fail(`liveBuffers() went from ${before} after 5 calls to ${after} after 105`);
      if (!(last < Infinity)) fail(`the loss is not finite: ${last}`);
    },
  },
  {
    // a backend's `overwrites` lets updates go in place: wrong answers there show up as values that differ
    name: 'updates in place (where the backend allows them) give the values updates out of place give',
    async run(ctx) {
      const train = (excluding: string[]) => {
        const w = sharedOf(ctx, [0.5, -0.25, 1, 2], 'w');
        const v = sharedOf(ctx, [0, 0, 0, 0], 'v');
        const x = sym.T.tensor(ctx.dtype, [false, false], 'x');
        const y = vec(ctx, 'y');
        const err = sym.T.dot(x, w).sub(y);
        const gw = sym.T.dot(x.T, err).mul(2 / 8);
        // momentum (its update can go in a product's epilogue), a weight decay that reads the old w again,
        // and a velocity that reads the old w after w's own update is computed: w must not go in place
        const updates: [TensorSharedVariable, TensorVariable][] = [
          [w, w.sub(v.mul(0.1)).add(w.mul(0.01))],
          [v, v.mul(0.9).add(gw).add(w.mul(0.001))],
        ];
        const f = sym.function([x, y], [err.mul(err).mean()], { device: ctx.device, updates, optimizer: { excluding } });
        return { f, w, v };
      };
      const xs = randomArray(ctx.rng, ctx.dtype, [8, 4]);
      const ys = randomArray(ctx.rng, ctx.dtype, [8]);
      const [inPlace, outOfPlace] = [train([]), train(['inplace'])];
      for (let i = 0; i < 6; i++) {
        const a = await inPlace.f(xs, ys);
        const b = await outOfPlace.f(xs, ys);
        a.forEach((o, j) => assertArrayClose(o, b[j]!, `call ${i}, output ${j}`, { tolerance: EXACT }));
      }
      assertArrayClose(await value(inPlace.w), await value(outOfPlace.w), 'w after 6 calls', { tolerance: EXACT });
      assertArrayClose(await value(inPlace.v), await value(outOfPlace.v), 'v after 6 calls', { tolerance: EXACT });
    },
  },
  {
    // x[::-1] is a view of x with negative strides: an update reading it must not be written over x while x is still read
    name: 'updates from reversed views of their own variable (x <- x[::-1]) are never written over the view they read',
    async run(ctx) {
      const x = sharedOf(ctx, [1, 2, 3, 4, 5], 'x');
      const w = sharedOf(ctx, [[1, 2, 3], [4, 5, 6]], 'w');
      const f = sym.function([], [x.get('::-1'), w.get('::-1', '::-1')], { device: ctx.device, updates: [[x, x.get('::-1')], [w, w.get(':', '::-1').mul(2).add(w)]] });
      const [rx, rw] = await f();
      near(rx!, [5, 4, 3, 2, 1], "first call's x.get('::-1') (a view returned)", ctx);
      near(rw!, [[6, 5, 4], [3, 2, 1]], "first call's w.get('::-1', '::-1')", ctx);
      near(await value(x), [5, 4, 3, 2, 1], 'x after one call', ctx);
      near(await value(w), [[7, 6, 5], [16, 15, 14]], 'w after one call', ctx, 'mul');
      await f();
      near(await value(x), [1, 2, 3, 4, 5], 'x after two calls', ctx);
      near(await value(w), [[17, 18, 19], [44, 45, 46]], 'w after two calls', ctx, 'mul');
    },
  },
];
