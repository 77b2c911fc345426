// A matmul and the elementwise kernel after it (a bias and an activation) are fused by @sym/opt
// (epilogue_fusion) into one matmul kernel with an epilogue, which gpujs runs as one shader
// (test/epilogue.test.ts); so is a reduction and the elementwise kernel after it. (gpujs fused
// matmuls at run time before, src/fuse.ts, now gone.)
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import type { DeviceBuffer, MatmulKernel, TypedArray } from '@sym/graph';
import '@sym/backend-cpu';
import '@sym/opt';
import { gpujs } from '../src/index.js';
import { draws, gpu, load, mismatches, typed, values } from './harness.js';

const T = sym.T;

/** Sizes of (x, w, b) as sym.function arguments: x (m x k), w (k x n), b (n). */
function layerArgs(m: number, k: number, n: number, seed: number): sym.NDArray[] {
  return [
    sym.array(values(m * k, seed), { shape: [m, k], dtype: 'float32' }),
    sym.array(values(k * n, seed + 1), { shape: [k, n], dtype: 'float32' }),
    sym.array(values(n, seed + 2), { dtype: 'float32' }),
  ];
}

/** Draws of the second call of `f` (the first builds the shaders) and its results. */
async function secondCall(f: (...a: sym.NDArray[]) => unknown, args: sym.NDArray[]): Promise<{ n: number; got: sym.NDArray[] }> {
  await f(...args);
  let got: sym.NDArray[] = [];
  const n = await draws(gpujs, async () => (got = (await f(...args)) as sym.NDArray[]));
  return { n, got };
}

describe('matmul + elementwise fusion, now in the IR', () => {
  it('runs a layer as one draw; with the product an output too, the product and the layer', async () => {
    const x = T.matrix('x', 'float32');
    const w = T.matrix('w', 'float32');
    const b = T.vector('b', 'float32');
    const z = T.dot(x, w);
    const h = T.sigmoid(z.add(b));
    const args = layerArgs(6, 7, 50, 1);
    // the product read at its own index, once: an epilogue; read twice (an output too): computed once, read twice
    for (const [outs, want] of [[[h], 1], [[z, h], 2]] as const) {
      const expected = (await sym.function([x, w, b], [...outs], { device: 'cpu' })(...args)) as sym.NDArray[];
      const { n, got } = await secondCall(sym.function([x, w, b], [...outs], { device: 'gpujs' }), args);
      expect(n).toBe(want);
      got.forEach((g, i) => expect(mismatches(g.data as ArrayLike<number>, expected[i]!.data as ArrayLike<number>, 1e-5, 1e-6)).toEqual([]));
    }
  });

  it('does not fuse an elementwise kernel that reads each product more than once (broadcast over another axis)', async () => {
    const x = T.matrix('x', 'float32');
    const w = T.matrix('w', 'float32');
    const y = T.tensor3('y', 'float32');
    const out = T.tanh(T.dot(x, w)).add(y);
    const args = [...layerArgs(4, 3, 5, 2).slice(0, 2), sym.array(values(2 * 4 * 5, 5), { shape: [2, 4, 5], dtype: 'float32' })];
    const expected = (await sym.function([x, w, y], [out], { device: 'cpu' })(...args)) as sym.NDArray[];
    const { n, got } = await secondCall(sym.function([x, w, y], [out], { device: 'gpujs' }), args);
    // no dot product computed twice: the product, then the kernel over (2, 4, 5) reading it
    expect(n).toBe(2);
    expect(mismatches(got[0]!.data as ArrayLike<number>, expected[0]!.data as ArrayLike<number>, 1e-5, 1e-6)).toEqual([]);
  });

  it('keeps memory flat over repeated launches of a matmul with an epilogue', () => {
    // out = sigmoid(A B + bias[m]) over (m, n)
    const [m, n, k] = [4, 1000, 2];
    const f = 'float32';
    const mm: MatmulKernel = {
      kind: 'matmul', batch: 1, m, n, k, inputs: [f, f, f], acc: f, out: f,
      a: { strides: [0, k, 1], offset: 0 }, b: { strides: [0, n, 1], offset: 0 }, outStrides: [m * n, n, 1],
      epilogue: {
        value: f,
        expr: { kind: 'apply', op: 'sigmoid', computeDType: f, dtype: f, args: [{ kind: 'apply', op: 'add', args: [{ kind: 'reduced', dtype: f }, load(2, [0, 1, 0])], computeDType: f, dtype: f }] },
      },
    };
    const upload = (data: TypedArray): DeviceBuffer => {
      const buf = gpu.alloc('float32', data.length);
      gpu.write(buf, data);
      return buf;
    };
    const [A, B, bias] = [values(m * k, 4), values(k * n, 5), values(m, 6)].map((v) => upload(typed('float32', v))) as DeviceBuffer[];
    const out = gpu.alloc('float32', m * n);
    const launches = [{ exe: gpu.compile(mm), inputs: [A!, B!, bias!], output: out }];
    gpu.run(launches);
    gpu.readSync(out);
    const textures = gpu.glTextures();
    for (let i = 0; i < 200; i++) gpu.run(launches);
    gpu.readSync(out);
    expect(gpu.glTextures()).toBe(textures);
    for (const x of [A, B, bias, out]) gpu.free(x!);
  });

  it('a network whose pre-activations are also outputs and feed a later kernel matches the CPU', async () => {
    const x = T.matrix('x', 'float32');
    const w = T.matrix('w', 'float32');
    const bias = T.vector('b', 'float32');
    const z = T.dot(x, w).add(bias);
    const h = T.tanh(T.dot(x, w)).add(bias);
    const outs = [z, h, h.sum().add(T.dot(x, w).sum())];
    const args = [sym.array(values(8 * 5, 7), { shape: [8, 5], dtype: 'float32' }), sym.array(values(5 * 30, 8), { shape: [5, 30], dtype: 'float32' }), sym.array(values(30, 9), { dtype: 'float32' })];
    const want = (await sym.function([x, w, bias], outs, { device: 'cpu' })(...args)) as sym.NDArray[];
    const f = sym.function([x, w, bias], outs, { device: 'gpujs' });
    for (let call = 0; call < 3; call++) {
      const got = (await f(...args)) as sym.NDArray[];
      got.forEach((g, i) => expect(mismatches(g.data as ArrayLike<number>, want[i]!.data as ArrayLike<number>, 1e-5, 1e-5)).toEqual([]));
    }
  });
});

// A reduction and the elementwise kernel after it are fused by @sym/opt (epilogue_fusion) into
// one reduce kernel with an epilogue, which gpujs runs as one shader (test/epilogue.test.ts).
describe('reduction + elementwise fusion, now in the IR', () => {
  it('runs a gradient sum and its momentum update in one draw, like the CPU; with the sum an output too, both', async () => {
    const d = T.matrix('d', 'float32');
    const v = T.vector('v', 'float32');
    const g = d.sum(1);
    const update = v.mul(0.9).add(g.mul(0.1));
    const args = [sym.array(values(4 * 1000, 11), { shape: [4, 1000], dtype: 'float32' }), sym.array(values(4, 12), { dtype: 'float32' })];
    for (const outs of [[update], [g, update]]) {
      const want = (await sym.function([d, v], outs, { device: 'cpu' })(...args)) as sym.NDArray[];
      const f = sym.function([d, v], outs, { device: 'gpujs' });
      await f(...args);
      let got: sym.NDArray[] = [];
      const n = await draws(gpujs, async () => (got = (await f(...args)) as sym.NDArray[]));
      // the sum read by the update and returned is no epilogue: computed once, read twice
      expect(n).toBe(outs.length);
      got.forEach((x, i) => expect(mismatches(x.data as ArrayLike<number>, want[i]!.data as ArrayLike<number>, 1e-5, 1e-6)).toEqual([]));
    }
  });
});

// gpujs declares gathers in reductions (BackendInfo.gathers.inReductions): render.ts names a gather's
// index in a statement inside the reduce loop, as in an elementwise kernel's body
describe('a gather inside a reduction', () => {
  it('sums exp of embedding rows in one draw, with the values of the CPU', async () => {
    const E = T.matrix('E', 'float32');
    const ids = T.ivector('ids');
    const g = T.vector('g', 'float32');
    const outs = [T.sum(T.exp(T.take(E, ids, 0).mul(g)), { axis: 1 }), T.max(T.take(E, ids.add(1), 0), { axis: 0 })];
    const args = [
      sym.array(values(20 * 33, 21), { shape: [20, 33], dtype: 'float32' }),
      sym.array([3, -1, 0, 7, 18, 3], { dtype: 'int32' }),
      sym.array(values(33, 22), { dtype: 'float32' }),
    ];
    expect(gpujs.describe().gathers?.inReductions).toBe(true);
    for (const out of outs) {
      const want = (await sym.function([E, ids, g], out, { device: 'cpu', onUnusedInput: 'ignore' })(...args)) as sym.NDArray;
      const f = sym.function([E, ids, g], out, { device: 'gpujs', onUnusedInput: 'ignore' });
      // one kernel: the gather, the product and the exp inside the sum (the second: the index check, then the max)
      expect(f.compiled.kernelCount(...args)).toBe(out === outs[0] ? 1 : 2);
      const got = (await f(...args)) as sym.NDArray;
      expect(mismatches(got.data as ArrayLike<number>, want.data as ArrayLike<number>, 1e-5, 1e-5)).toEqual([]);
    }
  });
});
