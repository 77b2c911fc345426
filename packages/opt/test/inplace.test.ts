/**
 * `inplace_updates`: a shared variable's update written over its old value
 * where nothing reads that value afterwards and the kernel reads each old
 * element only where it writes the new one. Graph shape before and after,
 * the cases that must stay out of place, and unchanged numbers on the CPU.
 */
import { describe, expect, it } from 'vitest';
import { schedule, type Kernel, type Program, type TensorVariable } from '@sym/graph';
import { cpu } from '@sym/backend-cpu';
import { grad } from '@sym/grad';
import { optimizeProgram, readsAtOutputIndex } from '../src/index.js';
import { T, sym } from './helpers.js';

const always = () => true;

/** The optimized program of `outputs`, with output `output` allowed to go over input `input`. */
function program(inputs: TensorVariable[], shapes: number[][], outputs: TensorVariable[], input: number, output: number, overwrites: (k: Kernel, j: number) => boolean = always, excluding: string[] = []): Program {
  const p = schedule({ inputs, inputShapes: shapes, outputs });
  return optimizeProgram({ ...p, inPlace: { candidates: [{ input, output }], overwrites } }, 'FAST_RUN', { excluding });
}

/** Whether output `output` of `p` is written over input `input`'s buffer. */
const inPlace = (p: Program, input: number, output: number) => p.outputs[output]!.buffer === p.inputBuffers[input];

describe('inplace_updates: which updates go in place', () => {
  const x = T.vector('x');
  const w = T.vector('w');

  it('an elementwise update after every read of the old value writes over it', () => {
    const p = program([x, w], [[4], [4]], [T.sum(w.mul(x)), w.sub(x.mul(0.5))], 1, 1);
    expect(inPlace(p, 1, 1)).toBe(true);
    // the kernel writing it is the last one, and it reads w too: at the element it writes
    const last = p.steps[p.steps.length - 1]!;
    expect(last.output).toBe(p.inputBuffers[1]);
    expect(last.inputs).toContain(p.inputBuffers[1]);
  });

  it('stays out of place when a later kernel reads the old value', () => {
    // the update's kernel comes first, the sum of the old w after it
    const p = program([x, w], [[4], [4]], [w.sub(x.mul(0.5)), T.sum(T.exp(w))], 1, 0);
    const writer = p.steps.findIndex((s) => s.output === p.outputs[0]!.buffer);
    const laterRead = p.steps.slice(writer + 1).some((s) => s.inputs.includes(p.inputBuffers[1]!));
    expect(laterRead).toBe(true);
    expect(inPlace(p, 1, 0)).toBe(false);
  });

  it('stays out of place when the kernel reads the old value elsewhere than where it writes (a transpose)', () => {
    const m = T.matrix('m');
    const p = program([m], [[3, 3]], [m.transpose().mul(2)], 0, 0);
    expect(inPlace(p, 0, 0)).toBe(false);
  });

  it('returns the old value when a function returns a variable it updates', () => {
    const s = sym.shared(sym.array([1, 2, 3], { dtype: 'float64' }));
    const f = sym.function([x], [s, s.mul(2)], { updates: [[s, s.add(x)]], device: 'cpu' });
    const [old, twice] = f.sync([10, 10, 10]) as sym.NDArray[];
    expect(Array.from(old!.data)).toEqual([1, 2, 3]);
    expect(Array.from(twice!.data)).toEqual([2, 4, 6]);
    expect(Array.from(s.getValue().data)).toEqual([11, 12, 13]);
  });

  it('asks the backend, and users can exclude it by name or by the inplace tag', () => {
    const outs = [T.sum(w.mul(x)), w.sub(x.mul(0.5))];
    const asked: Kernel[] = [];
    const no = (k: Kernel) => (asked.push(k), false);
    expect(inPlace(program([x, w], [[4], [4]], outs, 1, 1, no), 1, 1)).toBe(false);
    expect(asked).toHaveLength(1);
    expect(inPlace(program([x, w], [[4], [4]], outs, 1, 1, always, ['inplace']), 1, 1)).toBe(false);
    expect(inPlace(program([x, w], [[4], [4]], outs, 1, 1, always, ['inplace_updates']), 1, 1)).toBe(false);
    expect(inPlace(program([x, w], [[4], [4]], outs, 1, 1, always, ['buffer_reuse']), 1, 1)).toBe(true);
  });

  it('reads at the output index: elementwise loads, epilogue loads; never a product operand or a reduced input', () => {
    const a = T.matrix('a');
    const v = T.matrix('v');
    // v * 0.9 + a^T a: the product's epilogue reads v at the output index
    // (large enough to stay a product: small ones become elementwise kernels)
    const p = program([a, v], [[100, 40], [40, 40]], [v.mul(0.9).add(T.dot(a.transpose(), a))], 1, 0);
    const k = p.steps[p.steps.length - 1]!;
    expect(k.kernel.kind).toBe('matmul');
    const j = k.inputs.indexOf(p.inputBuffers[1]!);
    expect(readsAtOutputIndex(k.kernel, j)).toBe(true);
    expect(readsAtOutputIndex(k.kernel, 0)).toBe(false);
    expect(inPlace(p, 1, 0)).toBe(true);
  });

  it("a sparse update of rows (a scatter-add's contiguous base) writes over the old value; its values and indices are read anywhere", () => {
    const W = T.matrix('W');
    const g = T.matrix('g');
    const ids = T.ivector('ids');
    const optimized = (outputs: TensorVariable[], input: number) =>
      optimizeProgram({ ...schedule({ inputs: [W, g, ids], inputShapes: [[50, 4], [6, 4], [6]], outputs, kernels: ['scatterAdd'] }), inPlace: { candidates: [{ input, output: 0 }], overwrites: always } }, 'FAST_RUN');
    const p = optimized([T.incSubtensor(W.get(ids), g.mul(-0.1))], 0);
    const k = p.steps[p.steps.length - 1]!;
    expect(k.kernel.kind).toBe('scatterAdd');
    expect([0, 1, 2].map((j) => readsAtOutputIndex(k.kernel, j))).toEqual([true, false, false]);
    expect(inPlace(p, 0, 0)).toBe(true);
    // g's rows are the values: not at the output's index
    expect(inPlace(optimized([T.incSubtensor(W.get(ids), g)], 1), 1, 0)).toBe(false);
    // a base that is not W from element 0 in order (a transposed view, copied first, or a window) reads elsewhere
    expect(readsAtOutputIndex({ ...(k.kernel as sym.ScatterAddKernel), base: { offset: 4, stride: 1 } }, 0)).toBe(false);
  });
});

describe('inplace_updates on the CPU: same numbers, less memory', () => {
  /** A momentum MLP step (2-8-1, as the tutorial's), its parameters and velocities. */
  function mlpStep(excluding: string[]) {
    const x = T.matrix('x');
    const y = T.vector('y');
    const W1 = sym.shared(sym.array(Array.from({ length: 16 }, (_, i) => Math.sin(i)), { dtype: 'float64' }).reshape([8, 2]));
    const W2 = sym.shared(sym.array(Array.from({ length: 8 }, (_, i) => Math.cos(i)), { dtype: 'float64' }).reshape([1, 8]));
    const h = T.sigmoid(T.dot(W1, x));
    const out = T.sigmoid(T.dot(W2, h)).flatten();
    const cost = T.sum(out.sub(y).pow(2));
    const params = [W1, W2];
    const grads = grad(cost, params);
    const updates: [sym.TensorSharedVariable, TensorVariable][] = [];
    const state = [...params];
    params.forEach((p, i) => {
      const v = sym.shared(sym.NDArray.zeros(p.valueShape, 'float64'));
      state.push(v);
      updates.push([p, p.sub(v.mul(0.1))], [v, v.mul(0.9).add(grads[i]!)]);
    });
    const f = sym.function([x, y], cost, { updates, device: 'cpu', optimizer: { excluding } });
    return { f, state };
  }

  it('trains to the same values, bit for bit, holding one copy of each parameter and velocity', () => {
    const X = sym.array(Array.from({ length: 20 }, (_, i) => ((i * 7) % 11) / 5 - 1), { dtype: 'float64' }).reshape([2, 10]);
    const Y = sym.array(Array.from({ length: 10 }, (_, i) => i % 2), { dtype: 'float64' });
    const before = cpu.liveBuffers();
    const a = mlpStep([]);
    const costsA = Array.from({ length: 5 }, () => a.f.sync(X, Y).data[0]);
    const liveA = cpu.liveBuffers() - before;
    const b = mlpStep(['inplace']);
    const costsB = Array.from({ length: 5 }, () => b.f.sync(X, Y).data[0]);
    const liveB = cpu.liveBuffers() - before - liveA;
    expect(costsA).toEqual(costsB);
    a.state.forEach((s, i) => expect(Array.from(s.getValue().data)).toEqual(Array.from(b.state[i]!.getValue().data)));
    // out of place, each of the four updates keeps a second buffer
    expect(liveB - liveA).toBe(4);
  });

  it('a sparse update of an embedding table by repeated rows runs in place, with the values out of place', () => {
    const table = () => sym.array(Array.from({ length: 30 }, (_, i) => i), { dtype: 'float64' }).reshape([10, 3]);
    const ids = T.ivector('ids');
    const g = T.matrix('g');
    const run = (excluding: string[]) => {
      const W = sym.shared(table());
      const f = sym.function([ids, g], [], { updates: [[W, T.incSubtensor(W.get(ids), g.mul(-0.5))]], device: 'cpu', optimizer: { excluding } });
      const args = [sym.array([3, -1, 3, 0], { dtype: 'int32' }), sym.array(Array.from({ length: 12 }, (_, i) => i % 5), { dtype: 'float64' }).reshape([4, 3])];
      const before = cpu.liveBuffers();
      f.sync(...args);
      f.sync(...args);
      return { value: Array.from(W.getValue().data), live: cpu.liveBuffers() - before };
    };
    const [inPlace, outOfPlace] = [run([]), run(['inplace'])];
    expect(inPlace.value).toEqual(outOfPlace.value);
    // rows 3 (twice: g rows 0 and 2), 9 (-1) and 0, each call adding -0.5 times those rows
    const want = Array.from(table().data);
    for (const [row, ks] of [[3, [0, 2]], [9, [1]], [0, [3]]] as const) for (const k of ks) for (let c = 0; c < 3; c++) want[row * 3 + c]! -= 2 * 0.5 * ((k * 3 + c) % 5);
    expect(inPlace.value).toEqual(want);
    expect(outOfPlace.live - inPlace.live).toBe(1);
  });

  it('simultaneous updates stay simultaneous (a swap)', () => {
    const p = sym.shared(sym.array([1, 2, 3], { dtype: 'float64' }));
    const q = sym.shared(sym.array([10, 20, 30], { dtype: 'float64' }));
    const f = sym.function([], [], { updates: [[p, q.add(0)], [q, p.mul(1).add(0)]], device: 'cpu' });
    f.sync();
    expect(Array.from(p.getValue().data)).toEqual([10, 20, 30]);
    expect(Array.from(q.getValue().data)).toEqual([1, 2, 3]);
    f.sync();
    expect(Array.from(p.getValue().data)).toEqual([1, 2, 3]);
  });

  it('two variables updated to one value each keep a buffer of their own', () => {
    const p = sym.shared(sym.array([1, 2, 3], { dtype: 'float64' }));
    const q = sym.shared(sym.array([5, 5, 5], { dtype: 'float64' }));
    const x = T.vector('x');
    const next = p.add(x);
    const f = sym.function([x], [next], { updates: [[p, next], [q, next]], device: 'cpu' });
    for (let i = 0; i < 3; i++) f.sync([1, 1, 1]);
    expect(Array.from(p.getValue().data)).toEqual([4, 5, 6]);
    expect(Array.from(q.getValue().data)).toEqual([4, 5, 6]);
    // an update of one in place (on the device) is not seen by the other
    sym.function([], [], { updates: [[p, p.mul(10)]], device: 'cpu' }).sync();
    expect(Array.from(p.getValue().data)).toEqual([40, 50, 60]);
    expect(Array.from(q.getValue().data)).toEqual([4, 5, 6]);
  });

  it('a kernel the CPU passes over twice (sin of big arguments) is not given its input as output', () => {
    const big = [1e5, 2, -3e6, 0.5, 1e7, -7, 40000, 1];
    const p = sym.shared(sym.array(big, { dtype: 'float32' }));
    const f = sym.function([], [], { updates: [[p, T.sin(p)]], device: 'cpu' });
    f.sync();
    const expected = big.map((v) => Math.sin(Math.fround(v)));
    Array.from(p.getValue().data).forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-6));
  });
});
