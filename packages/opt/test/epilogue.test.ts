import { describe, expect, it } from 'vitest';
import { schedule, type Program, type ReduceKernel, type TensorVariable } from '@sym/graph';
import { grad } from '@sym/grad';
import { fuseEpilogues, optimizeProgram } from '../src/index.js';
import { both, close, sym, T, values } from './helpers.js';

const programOf = (inputs: TensorVariable[], shapes: number[][], outputs: TensorVariable[]): Program =>
  optimizeProgram(schedule({ inputs, inputShapes: shapes, outputs }));
const kinds = (p: Program) => p.steps.map((s) => ((s.kernel.kind === 'reduce' || s.kernel.kind === 'matmul') && s.kernel.epilogue ? `${s.kernel.kind}+epilogue` : s.kernel.kind));

describe('reduction epilogues', () => {
  it('runs the elementwise kernel after a reduction inside it', async () => {
    const A = T.matrix('A');
    const b = T.vector('b');
    const out = T.tanh(T.sum(A, { axis: 1 }).mul(2).add(b));
    const p = programOf([A, b], [[2, 3], [2]], [out]);
    expect(kinds(p)).toEqual(['reduce+epilogue']);
    const k = p.steps[0]!.kernel as ReduceKernel;
    // the reduction's operand first, then the epilogue's; its loads walk the output space only
    expect(p.steps[0]!.inputs).toEqual(p.inputBuffers);
    expect(k.epilogue!.value).toBe('float64');
    expect(k.epilogue!.expr).toMatchObject({ op: 'tanh' });
    const { opt, plain } = both([A, b], out);
    const args = [[[1, 2, 3], [-4, 0.5, 6]], [0.25, -1]];
    expect(opt.compiled.kernelCount(...args)).toBe(1);
    expect(close(values(await opt(...args))[0]!, values(await plain(...args))[0]!, 1e-12)).toBe(true);
  });

  it('fuses across a reshape that adds or drops dimensions of length 1', async () => {
    // the tutorial's bias gradient: a (4,) sum read as (4, 1) by the momentum update of a (4, 1) velocity
    const A = T.matrix('A');
    const v = T.matrix('v');
    const out = v.mul(0.9).add(T.sum(A, { axis: 1 }).dimshuffle(0, 'x').mul(0.1));
    const p = programOf([A, v], [[4, 5], [4, 1]], [out]);
    expect(kinds(p)).toEqual(['reduce+epilogue']);
    const { opt, plain } = both([A, v], out);
    const args = [[[1, 2, 3, 4, 5], [0, 1, 0, 1, 0], [-1, -2, -3, -4, -5], [9, 8, 7, 6, 5]], [[1], [2], [3], [4]]];
    expect(close(values(await opt(...args))[0]!, values(await plain(...args))[0]!, 1e-12)).toBe(true);
  });

  it('converts the reduced value and the stored result as the two kernels did (argmax, int wrap, bool)', async () => {
    const A = T.matrix('A', 'float32');
    const outs = [T.argmax(A, { axis: 1 }).astype('int8').mul(100), T.sum(A, { axis: 1 }).gt(0), T.max(A, { axis: 0 }).astype('int32').add(1)];
    const args = [[[1.5, 2, -3], [4, 0.5, -6]]];
    for (const out of outs) {
      expect(kinds(programOf([A], [[2, 3]], [out]))).toEqual(['reduce+epilogue']);
      const { opt, plain } = both([A], out);
      expect(values(await opt(...args))).toEqual(values(await plain(...args)));
      expect((await opt(...args) as sym.NDArray).dtype).toBe(out.dtype);
    }
  });

  it('makes gemm of a product, a scale and an added matrix, and fuses bias and activation into a product', async () => {
    const A = T.matrix('A');
    const B = T.matrix('B');
    const C = T.matrix('C');
    const b = T.vector('b');
    const X = T.tensor3('X');
    const cases: [TensorVariable[], TensorVariable, number[][]][] = [
      [[A, B, C], T.dot(A, B).mul(0.5).add(C.mul(2)), [[2, 6], [6, 3], [2, 3]]],
      [[A, B, b], T.relu(T.dot(A.T, B).add(b)), [[6, 2], [6, 3], [3]]],
      [[A, B, C], T.dot(A, B.T).sub(C.T), [[2, 6], [3, 6], [3, 2]]],
      [[X, B], T.tanh(T.dot(X, B)), [[2, 3, 6], [6, 4]]],
    ];
    for (const [inputs, out, shapes] of cases) {
      const p = programOf(inputs, shapes, [out]);
      expect(kinds(p)).toEqual(['matmul+epilogue']);
      const rng = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + n));
      const args = shapes.map((s) => sym.array(rng(s.reduce((x, y) => x * y, 1)), { shape: s }));
      const { opt, plain } = both(inputs, out);
      expect(opt.compiled.kernelCount(...args)).toBe(1);
      expect(close(values(await opt(...args))[0]!, values(await plain(...args))[0]!, 1e-12)).toBe(true);
    }
  });

  it('leaves a reduction alone when its value is read twice, broadcast, or returned', () => {
    const A = T.matrix('A');
    const s = T.sum(A, { axis: 1 });
    // two readers
    expect(kinds(programOf([A], [[2, 3]], [s.mul(2), s.add(1)]))).toEqual(['reduce', 'elementwise', 'elementwise']);
    // broadcast over the rows: each reduced value read three times (softmax's shape)
    expect(kinds(programOf([A], [[2, 3]], [A.sub(s.dimshuffle(0, 'x'))]))).toEqual(['reduce', 'elementwise']);
    // the sum itself is an output
    expect(kinds(programOf([A], [[2, 3]], [s, s.exp()]))).toEqual(['reduce', 'elementwise']);
    // a product read by two kernels, or transposed by its reader
    const B = T.matrix('B');
    const d = T.dot(A, B);
    expect(kinds(programOf([A, B], [[2, 6], [6, 3]], [d.mul(2), d.add(1)]))).toEqual(['matmul', 'elementwise', 'elementwise']);
    expect(kinds(programOf([A, B], [[2, 6], [6, 3]], [d.T.exp()]))).toEqual(['matmul', 'elementwise']);
  });

  it('is a registered rewrite the caller can exclude, and leaves programs without one unchanged', async () => {
    const A = T.matrix('A');
    const out = T.sum(A, { axis: 0 }).exp();
    const args = [[[1, 2], [3, 4]]];
    const without = sym.function([A], out, { optimizer: { excluding: ['epilogue_fusion'] } });
    expect(without.compiled.kernelCount(...args)).toBe(2);
    expect(sym.function([A], out).compiled.kernelCount(...args)).toBe(1);
    const p = schedule({ inputs: [A], inputShapes: [[2, 2]], outputs: [T.sum(A)] });
    expect(fuseEpilogues(p)).toBe(p);
  });

  it('cuts the tutorial training step by one kernel per parameter', async () => {
    // 2-4-1, sigmoid, squared error, momentum: each gradient (a sum over the batch for a bias, a product
    // over it for a weight) is read only by its velocity's update
    const x = T.matrix('x');
    const y = T.vector('y');
    const params = [
      sym.shared(sym.array([[0.1, 0.2], [0.3, -0.4], [0.5, 0.6], [-0.7, 0.8]]), { name: 'W1' }),
      sym.shared(sym.array([[0], [0], [0], [0]]).astype('float64'), { name: 'b1', broadcastable: [false, true] }),
      sym.shared(sym.array([[0.1, -0.2, 0.3, 0.4]]), { name: 'W2' }),
      sym.shared(sym.array([[0]]).astype('float64'), { name: 'b2', broadcastable: [true, true] }),
    ];
    const h = T.sigmoid(T.dot(params[0]!, x).add(params[1]!));
    const cost = T.sum(T.sigmoid(T.dot(params[2]!, h).add(params[3]!)).flatten().sub(y).pow(2));
    const gs = grad(cost, params);
    const velocities = params.map((p) => sym.shared(sym.NDArray.zeros(p.valueShape, 'float64'), { broadcastable: p.broadcastable }));
    const updates = velocities.flatMap((v, i): [sym.TensorSharedVariable, TensorVariable][] => [
      [v, v.mul(0.9).add(gs[i]!.mul(0.1))],
      [params[i]!, params[i]!.sub(v.mul(0.01))],
    ]);
    const start = [...params, ...velocities].map((s) => s.getValue());
    const restart = () => [...params, ...velocities].forEach((s, i) => s.setValue(start[i]!));
    const step = (excluding: string[]) => sym.function([x, y], cost, { updates, optimizer: { excluding } });
    const X = [[1, 2, 3, -1, 0.5], [0, -1, 1, 2, 0.25]];
    const Y = [0, 1, 1, 0, 1];
    const [fused, split] = [step([]), step(['epilogue_fusion'])];
    expect(fused.compiled.kernelCount(X, Y)).toBe(split.compiled.kernelCount(X, Y) - 4);
    const costs = async (f: typeof fused) => {
      restart();
      const out: number[] = [];
      for (let i = 0; i < 4; i++) out.push(Number((await f(X, Y)).data[0]));
      return out;
    };
    const [a, b] = [await costs(fused), await costs(split)];
    // the updates ran: parameters move from the second step on (the first applies the zero velocity)
    expect(new Set(a).size).toBe(3);
    expect(close(a, b, 1e-12)).toBe(true);
  });
});
