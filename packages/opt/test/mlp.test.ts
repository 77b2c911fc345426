/**
 * The tutorial's MLP training step (In [19]-[24]): two sigmoid layers,
 * squared error, gradient descent with momentum through shared variables.
 * The optimized function must train exactly like the unoptimized one, with
 * far fewer kernels.
 */
import { describe, expect, it } from 'vitest';
import type { FunctionOptions, TensorSharedVariable, TensorVariable } from '@sym/graph';
import { grad } from '@sym/grad';
import { close, sym, T } from './helpers.js';

function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
}

function trainingStep(options: FunctionOptions) {
  const rand = lcg(7);
  const sizes = [2, 4, 1];
  const params: TensorSharedVariable[] = [];
  const x = T.matrix('x');
  const y = T.vector('y');
  let out: TensorVariable = x;
  for (let l = 0; l < sizes.length - 1; l++) {
    const [nIn, nOut] = [sizes[l]!, sizes[l + 1]!];
    const W = sym.shared(sym.array(Array.from({ length: nOut }, () => Array.from({ length: nIn }, rand)), { dtype: 'float64' }), { name: 'W' });
    const b = sym.shared(sym.array(Array.from({ length: nOut }, () => [0]), { dtype: 'float64' }), { name: 'b', broadcastable: [false, true] });
    params.push(W, b);
    out = T.sigmoid(T.dot(W, out).add(b));
  }
  const cost = T.sum(out.sub(y).pow(2));
  const gs = grad(cost, params);
  const updates: [TensorSharedVariable, TensorVariable][] = [];
  params.forEach((p, i) => {
    const v = sym.shared(sym.fill(p.getValue().shape, 'float64', () => 0), { broadcastable: p.broadcastable });
    updates.push([p, p.sub(v.mul(0.01))]);
    updates.push([v, v.mul(0.9).add(gs[i]!.mul(1 - 0.9))]);
  });
  const train = sym.function([x, y], cost, { ...options, updates });
  return { train, params };
}

describe('tutorial MLP training step', () => {
  const N = 64;
  const rand = lcg(3);
  const X = [Array.from({ length: N }, rand), Array.from({ length: N }, rand)];
  const Y = Array.from({ length: N }, (_, i) => (X[0]![i]! + X[1]![i]! > 0 ? 1 : 0));

  it('trains like the unoptimized function, with fewer kernels', async () => {
    const plain = trainingStep({ optimizer: { excluding: ['fast_run'] } });
    const fastCompile = trainingStep({ mode: 'FAST_COMPILE' });
    const fast = trainingStep({});
    const counts = [plain, fastCompile, fast].map((t) => t.train.compiled.kernelCount(X, Y));
    console.log(`MLP training step kernels: unoptimized ${counts[0]}, FAST_COMPILE ${counts[1]}, FAST_RUN ${counts[2]}`);
    expect(counts[2]!).toBeLessThan(counts[0]! / 2);
    for (let step = 0; step < 5; step++) {
      const a = (await plain.train(X, Y)).data[0]!;
      const b = (await fast.train(X, Y)).data[0]!;
      const c = (await fastCompile.train(X, Y)).data[0]!;
      expect(Math.abs(a - b)).toBeLessThan(1e-9 * (1 + Math.abs(a)));
      expect(Math.abs(a - c)).toBeLessThan(1e-9 * (1 + Math.abs(a)));
    }
    fast.params.forEach((p, i) => expect(close(Array.from(p.getValue().data), Array.from(plain.params[i]!.getValue().data))).toBe(true));
  });
});
