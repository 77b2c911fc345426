import { describe, expect, it } from 'vitest';
import { schedule, type ElementwiseKernel, type Program, type ReduceKernel, type TensorVariable } from '@sym/graph';
import { composeLoad, DEFAULT_FUSION, fuse, fuseEpilogues, mapLoad, optimizeProgram, SMALL_K } from '../src/index.js';
import { both, close, sym, T, values } from './helpers.js';

function programOf(inputs: ReturnType<typeof T.vector>[], shapes: number[][], outputs: ReturnType<typeof T.vector>[]): Program {
  return schedule({ inputs, inputShapes: shapes, outputs });
}

describe('load composition', () => {
  it('maps identical, broadcast, permuted and reshaped reads of a contiguous array', () => {
    expect(mapLoad({ strides: [3, 1], offset: 0 }, [2, 3], [2, 3])).toEqual({ dims: [0, 1], scale: [1, 1], base: [0, 0] });
    // a row vector broadcast down the rows
    expect(mapLoad({ strides: [0, 1], offset: 0 }, [4, 3], [3])).toEqual({ dims: [-1, 0], scale: [0, 1], base: [0] });
    // transposed: iteration (3, 2) over a (2, 3) array
    expect(mapLoad({ strides: [1, 3], offset: 0 }, [3, 2], [2, 3])).toEqual({ dims: [1, 0], scale: [1, 1], base: [0, 0] });
    // a (6,) array read as (2, 3)
    expect(mapLoad({ strides: [3, 1], offset: 0 }, [2, 3], [6])).toEqual({ dims: [0, 0], scale: [3, 1], base: [0] });
    // reads that leave the array, or do not follow its dimensions
    expect(mapLoad({ strides: [3, 1], offset: 1 }, [2, 3], [2, 3])).toBeNull();
    expect(mapLoad({ strides: [2], offset: 0 }, [3], [2, 3])).toBeNull();
  });

  it('re-expresses a producer load over the consumer iteration space', () => {
    const m = mapLoad({ strides: [1, 3], offset: 0 }, [3, 2], [2, 3])!;
    // the producer read its input transposed: strides (1, 2) over its (2, 3) space
    const l = composeLoad({ kind: 'load', input: 0, strides: [1, 2], offset: 5, dtype: 'float64' }, m, 4);
    expect(l).toEqual({ kind: 'load', input: 4, strides: [2, 1], offset: 5, dtype: 'float64' });
  });
});

describe('kernel fusion', () => {
  it('collapses an elementwise chain into one kernel', async () => {
    const x = T.vector('x');
    const y = T.vector('y');
    const out = T.tanh(x.mul(2).add(y)).sub(T.exp(y));
    const { opt, plain } = both([x, y], out);
    expect(plain.compiled.kernelCount([1, 2], [3, 4])).toBe(5);
    expect(opt.compiled.kernelCount([1, 2], [3, 4])).toBe(1);
    expect(close(values(await opt([1, 2], [3, 4]))[0]!, values(await plain([1, 2], [3, 4]))[0]!)).toBe(true);
  });

  it('fuses through broadcast and transposed views', async () => {
    const A = T.matrix('A');
    const b = T.vector('b');
    // b * 3 (cheap: recomputed per row) is broadcast over the rows; A.T is a permuted view
    const out = A.T.mul(2).add(b.mul(3));
    const { opt, plain } = both([A, b], out);
    const args = [[[1, 2, 3], [4, 5, 6]], [0.5, -1]];
    expect(plain.compiled.kernelCount(...args)).toBe(3);
    expect(opt.compiled.kernelCount(...args)).toBe(1);
    expect(close(values(await opt(...args))[0]!, values(await plain(...args))[0]!)).toBe(true);
  });

  it('fuses elementwise prologues into reductions', async () => {
    const A = T.matrix('A');
    const out = T.sum(A.sub(1).pow(2), { axis: 1 });
    const p = programOf([A], [[2, 3]], [out]);
    const f = optimizeProgram(p);
    expect(p.steps.map((s) => s.kernel.kind)).toEqual(['elementwise', 'elementwise', 'reduce']);
    expect(f.steps.map((s) => s.kernel.kind)).toEqual(['reduce']);
    expect(f.steps[0]!.inputs).toEqual(p.inputBuffers);
    const { opt, plain } = both([A], out);
    const args = [[[1, 2, 3], [4, 5, 6]]];
    expect(values(await opt(...args))).toEqual(values(await plain(...args)));
  });

  it('keeps values the caller reads: outputs are never fused away', async () => {
    const x = T.vector('x');
    const e = T.exp(x);
    const f = sym.function([x], [e, e.add(1)]);
    expect(f.compiled.kernelCount([1, 2])).toBe(2);
    const [a, b] = values(await f([1, 2]));
    expect(close(a!, [Math.exp(1), Math.exp(2)])).toBe(true);
    expect(close(b!, a!.map((v) => v + 1))).toBe(true);
  });

  it('recomputes only cheap producers that several kernels read', () => {
    const x = T.vector('x');
    const cheap = x.add(1);
    const costly = T.exp(T.tanh(T.sin(T.cos(T.exp(x)))));
    const sumsOf = (v: typeof x) => [T.sum(v), T.max(v)];
    const pc = optimizeProgram(programOf([x], [[4]], sumsOf(cheap)));
    expect(pc.steps.map((s) => s.kernel.kind)).toEqual(['reduce', 'reduce']);
    const pe = optimizeProgram(programOf([x], [[4]], sumsOf(costly)));
    // the costly chain fuses into one kernel, read by both reductions
    expect(pe.steps.map((s) => s.kernel.kind)).toEqual(['elementwise', 'reduce', 'reduce']);
  });

  it('never fuses into matmul, and fuses the epilogue after it', () => {
    const A = T.matrix('A');
    const B = T.matrix('B');
    const out = T.sigmoid(T.dot(A.mul(2), B).add(1));
    const p = optimizeProgram(programOf([A, B], [[2, SMALL_K + 1], [SMALL_K + 1, 4]], [out]));
    expect(p.steps.map((s) => s.kernel.kind)).toEqual(['elementwise', 'matmul']);
    expect(p.steps[1]!.kernel).toMatchObject({ epilogue: { expr: { op: 'sigmoid' } } });
  });

  it('writes products over a short contraction out as sums, which then fuse both ways', async () => {
    const A = T.matrix('A');
    const B = T.matrix('B');
    const out = T.sigmoid(T.dot(A.mul(2), B).add(1));
    const p = optimizeProgram(programOf([A, B], [[2, 3], [3, 4]], [out]));
    expect(p.steps.map((s) => s.kernel.kind)).toEqual(['elementwise']);
    // transposed operands, a batched (3-d . 2-d) product and float32 all take the same form
    const X = T.tensor3('X');
    const cases: [TensorVariable[], TensorVariable, unknown[]][] = [
      [[A, B], T.sigmoid(T.dot(A.mul(2), B).add(1)), [[[1, 2, 3], [-1, 0.5, 4]], [[1, 0, 2, 1], [0, 1, -1, 2], [3, 1, 0, -2]]]],
      [[A, B], T.dot(A.T, B.T), [[[1, 2], [3, 4], [5, 6]], [[1, 2, 3], [4, 5, 6]]]],
      [[X, B], T.dot(X, B), [[[[1, 2], [3, 4]], [[5, 6], [7, 8]]], [[1, -1, 2], [0.5, 2, -3]]]],
    ];
    for (const [inputs, o, args] of cases) {
      const { opt, plain } = both(inputs, o);
      expect(opt.compiled.kernelCount(...args)).toBe(1);
      const shapes = args.map((a) => sym.array(a as number[]).shape as number[]);
      expect(programOf(inputs, shapes, [o]).steps.some((st) => st.kernel.kind === 'matmul')).toBe(true);
      expect(close(values(await opt(...args))[0]!, values(await plain(...args))[0]!, 1e-12)).toBe(true);
    }
  });

  it('fuses a small MLP forward pass and its cost into one reduction', async () => {
    // the tutorial's 2-4-1 network: each hidden value is read once by the next layer, so nothing is computed twice
    const x = T.matrix('x');
    const y = T.vector('y');
    const W1 = T.matrix('W1');
    const W2 = T.matrix('W2');
    const h = T.sigmoid(T.dot(W1, x).add(1));
    const cost = T.sum(T.sigmoid(T.dot(W2, h)).flatten().sub(y).pow(2));
    const { opt, plain } = both([x, y, W1, W2], cost);
    const args = [
      [[0.1, 0.5, -1, 2, 0.3], [1, -0.5, 0.2, 0, 4]],
      [0, 1, 1, 0, 1],
      [[1, 2], [-1, 0.5], [0.3, 0.3], [2, -2]],
      [[0.5, -1, 1.5, 0.25]],
    ];
    const p = optimizeProgram(programOf([x, y, W1, W2], args.map((a) => sym.array(a).shape as number[]), [cost]));
    expect(p.steps.map((st) => st.kernel.kind)).toEqual(['reduce']);
    expect(close(values(await opt(...args))[0]!, values(await plain(...args))[0]!, 1e-12)).toBe(true);
  });

  it('leaves integer and long contractions as matmul kernels', () => {
    const kinds = (k: number, dtype: 'float64' | 'int32') => {
      const A = T.matrix('A', dtype);
      const B = T.matrix('B', dtype);
      return optimizeProgram(programOf([A, B], [[2, k], [k, 3]], [T.dot(A, B)])).steps.map((s) => s.kernel.kind);
    };
    expect(kinds(SMALL_K, 'float64')).toEqual(['elementwise']);
    expect(kinds(SMALL_K + 1, 'float64')).toEqual(['matmul']);
    expect(kinds(2, 'int32')).toEqual(['matmul']);
  });

  it('softmax: exp is not recomputed by default; a higher recompute limit fuses it into the sum and the division', async () => {
    const x = T.matrix('x');
    const { opt, plain } = both([x], T.softmax(x));
    const args = [[[1, 2, 3], [0, 0, 1000]]];
    expect(plain.compiled.kernelCount(...args)).toBe(4);
    expect(opt.compiled.kernelCount(...args)).toBe(4);
    expect(close(values(await opt(...args))[0]!, values(await plain(...args))[0]!)).toBe(true);
    const p = programOf([x], [[2, 3]], [T.softmax(x)]);
    expect(fuse(p, { ...DEFAULT_FUSION, maxRecompute: 20 }).steps.map((s) => s.kernel.kind)).toEqual(['reduce', 'reduce', 'elementwise']);
  });

  it('leaves programs without elementwise producers alone', () => {
    const A = T.matrix('A');
    const p = programOf([A], [[2, 2]], [T.sum(A)]);
    expect(fuse(p).steps).toEqual(p.steps);
    const k = p.steps[0]!.kernel as ReduceKernel;
    expect(k.kind).toBe('reduce');
  });

  it('keeps the stored dtype of a fused producer (float32 rounding, int wrap)', async () => {
    const x = T.vector('x', 'float32');
    const i = T.vector('i', 'int8');
    const out = x.mul(3).div(7).astype('float64').add(i.mul(100).astype('float64'));
    const { opt, plain } = both([x, i], out);
    expect(opt.compiled.kernelCount([0.1, 0.2], [3, -5])).toBe(1);
    expect(values(await opt([0.1, 0.2], [3, -5]))).toEqual(values(await plain([0.1, 0.2], [3, -5])));
    const el = optimizeProgram(programOf([x, i], [[2], [2]], [out])).steps[0]!.kernel as ElementwiseKernel;
    expect(el.inputs).toEqual(['float32', 'int8']);
  });

  it("finds a kernel's readers without walking every later kernel (an unrolled scan has thousands)", () => {
    // 2000 links sigmoid -> dot: no sigmoid fuses into its dot (a matmul), each dot takes the next sigmoid as its epilogue
    const x = T.matrix('x');
    const W = T.matrix('W');
    let y = x;
    for (let i = 0; i < 2000; i++) y = T.dot(T.nnet.sigmoid(y), W);
    const p = programOf([x, W], [[2, 2], [2, 2]], [y]);
    let reads = 0;
    const counted: Program = {
      ...p,
      steps: p.steps.map((s) => {
        const inputs = s.inputs;
        return Object.defineProperty({ ...s }, 'inputs', { get: () => (reads++, inputs), enumerable: true });
      }),
    };
    expect(fuse(counted).steps).toHaveLength(4000);
    // each step's inputs read a few times, not once per earlier kernel (2000 * 4000 / 2 reads before)
    expect(reads).toBeLessThan(4 * 4000);
    reads = 0;
    expect(fuseEpilogues(counted).steps).toHaveLength(2001);
    expect(reads).toBeLessThan(4 * 4000);
  });
});

describe('fill loads', () => {
  it('drops the load a fill needs only for its shape, so its producer can fuse', () => {
    const x = T.vector('x');
    const sq = x.sub(1).mul(x.sub(1));
    // second(sq, 2): the shape of sq, the value 2; sq itself is also summed
    const p = schedule({ inputs: [x], inputShapes: [[5]], outputs: [T.sum(sq), T.exp(T.second(sq, T.constant(2)))] });
    const q = optimizeProgram(p);
    expect(q.steps.map((s) => s.kernel.kind)).toEqual(['reduce', 'elementwise']);
    const fill = q.steps[1]!;
    expect(fill.inputs).toEqual([]);
    expect((fill.kernel as ElementwiseKernel).expr).toMatchObject({ kind: 'apply', op: 'exp', args: [{ kind: 'const', value: 2 }] });
  });
});
