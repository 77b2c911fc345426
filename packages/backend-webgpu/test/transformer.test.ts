/**
 * @sym/nn's transformer layers on the GPU: the one-block transformer of
 * nn's tests (Embedding, LayerNorm, causal MultiHeadAttention with dropout
 * on its weights, Dense) trains in float32 on WebGPU with the CPU's costs,
 * and learns its task (naming the previous token) there as on the CPU.
 */
import { describe, expect, it } from 'vitest';
import { adam, RandomState } from '@sym/nn';
import { TinyTransformer, previousTokens } from '../../nn/test/tiny-transformer.js';
import { T, sym, webgpu } from './setup.js';

const STEPS = 60;
// 32 training and 40 unseen sequences of 6 tokens: every product stays under the
// tiled matmul's size, whose lavapipe tile (16 x 16 sums per invocation) takes
// 10-30 s per shape to compile when Mesa's shader cache is cold
const [TRAIN, UNSEEN] = [32, 40];

/** The costs of STEPS Adam steps of a fresh seeded model on `device`, and its accuracy on unseen sequences after them. */
async function run(device: string): Promise<{ costs: number[]; accuracy: number }> {
  const net = new TinyTransformer(1, { dropout: 0.1 });
  const ids = T.imatrix('ids');
  const targets = T.imatrix('targets');
  const { cost } = net.loss(ids, targets, { training: true });
  const step = sym.function([ids, targets], cost, { updates: adam(cost, net.params, { learningRate: 0.01 }), device });
  const data = previousTokens(new RandomState(5), TRAIN);
  const costs: number[] = [];
  for (let i = 0; i < STEPS; i++) costs.push(((await step(data.ids, data.targets)) as sym.NDArray).item());
  const unseen = previousTokens(new RandomState(6), UNSEEN);
  const accuracy = sym.function([ids, targets], net.loss(ids, targets).accuracy, { device });
  return { costs, accuracy: ((await accuracy(unseen.ids, unseen.targets)) as sym.NDArray).item() };
}

describe('a one-block transformer (@sym/nn), float32', () => {
  // about 30 s with Mesa's shader cache cold (MESA_SHADER_CACHE_DISABLE=true), 10 s warm
  it(`trains ${STEPS} Adam steps on the GPU with the CPU's costs (the same dropout masks) and learns the task`, async () => {
    const gpu = await run('webgpu');
    const cpu = await run('cpu');
    expect(webgpu.describe().device).toMatch(/WebGPU/);
    gpu.costs.forEach((c, i) => expect(Math.abs(c - cpu.costs[i]!), `cost of step ${i + 1}: GPU ${c}, CPU ${cpu.costs[i]}`).toBeLessThanOrEqual(1e-4 + 1e-4 * cpu.costs[i]!));
    expect(gpu.costs[0]).toBeGreaterThan(Math.log(6));
    expect(gpu.costs.at(-1)).toBeLessThan(0.01);
    expect(gpu.accuracy).toBe(1);
  });
});
