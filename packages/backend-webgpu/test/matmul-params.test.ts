/**
 * Parametric matmuls (params.ts, matmul.ts): a product that comes again
 * with the same structure (tile, which strides are 1, split or not, its
 * epilogue) but other sizes reads its sizes, strides and offsets from a
 * uniform and shares the first one's pipeline. Every form must compute
 * what the product with its numbers compiled in computes, bit for bit,
 * and match a float64 product computed here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatmulKernel, ScalarExpr } from '@sym/graph';
import { WebGpuBackend, renderKernel, type MatmulTile } from '../src/index.js';
import { planMatmul } from '../src/matmul.js';
import { gridData } from './compare.js';

/** A small tile: its shaders compile fast on lavapipe, and its 16 outputs per invocation keep an epilogue in the tiled shader. */
const TILE: MatmulTile = { rows: 32, cols: 32, depth: 8, perRow: 4, perCol: 4 };
const limits = { maxWorkgroupsPerDimension: 65535, matmulTile: TILE };

interface Shape {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

const apply = (op: string, args: ScalarExpr[]): ScalarExpr => ({ kind: 'apply', op, args, computeDType: 'float32', dtype: 'float32' }) as ScalarExpr;

/**
 * out = A B over (batch, m, k) by (batch, k, n), A stored (batch, k, m) when
 * `aT`, B (batch, n, k) when `bT`, both after an offset of 3 elements; with
 * `epilogue`, relu(0.5 A B + v[n]) - A[b, m, 0] (v is input 2).
 */
function product({ batch, m, n, k }: Shape, aT: boolean, bT: boolean, epilogue = false): MatmulKernel {
  const load = (input: number, strides: number[], offset = 0): ScalarExpr => ({ kind: 'load', input, strides, offset, dtype: 'float32' });
  const aStrides: [number, number, number] = aT ? [m * k, 1, m] : [m * k, k, 1];
  return {
    kind: 'matmul',
    batch,
    m,
    n,
    k,
    inputs: epilogue ? ['float32', 'float32', 'float32'] : ['float32', 'float32'],
    acc: 'float32',
    out: 'float32',
    a: { strides: aStrides, offset: 3 },
    b: { strides: bT ? [k * n, 1, k] : [k * n, n, 1], offset: 3 },
    outStrides: [m * n, n, 1],
    ...(epilogue && {
      epilogue: {
        value: 'float32' as const,
        expr: apply('sub', [
          apply('relu', [apply('add', [apply('mul', [{ kind: 'reduced', dtype: 'float32' }, { kind: 'const', value: 0.5, dtype: 'float32' }]), load(2, [0, 0, 1])])]),
          load(0, [aStrides[0]!, aStrides[1]!, 0], 3),
        ]),
      },
    }),
  };
}

/** The product of `kernel` in float64 over its inputs. */
function reference(kernel: MatmulKernel, [a, b, v]: readonly Float32Array[]): number[] {
  const { batch, m, n, k } = kernel;
  const [ab, am, ak] = kernel.a.strides;
  const [bb, bk, bn] = kernel.b.strides;
  const out: number[] = [];
  for (let z = 0; z < batch; z++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a![3 + z * ab! + i * am! + q * ak!]! * b![3 + z * bb! + q * bk! + j * bn!]!;
        out.push(kernel.epilogue ? Math.max(0.5 * s + v![j]!, 0) - a![3 + z * ab! + i * am!]! : s);
      }
  return out;
}

function inputsOf(kernel: MatmulKernel, seed: number): Float32Array[] {
  const { batch, m, n, k } = kernel;
  const ins = [gridData(3 + batch * m * k, seed), gridData(3 + batch * k * n, seed + 1)];
  return kernel.epilogue ? [...ins, gridData(n, seed + 2)] : ins;
}

async function run(gpu: WebGpuBackend, kernel: MatmulKernel, inputs: readonly Float32Array[]): Promise<number[]> {
  const bufs = inputs.map((data, i) => {
    const b = gpu.alloc(kernel.inputs[i]!, data.length);
    gpu.write(b, data);
    return b;
  });
  const output = gpu.alloc(kernel.out, kernel.batch * kernel.m * kernel.n);
  gpu.run([{ exe: gpu.compile(kernel), inputs: bufs, output }]);
  const out = [...(await gpu.read(output))];
  [...bufs, output].forEach((b) => gpu.free(b));
  return out;
}

function expectNear(got: readonly number[], want: readonly number[], label: string): void {
  expect(got, label).toHaveLength(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Math.abs(got[i]! - want[i]!) > 1e-4 * (1 + Math.abs(want[i]!))) expect.fail(`${label}: element ${i} is ${got[i]}, expected ${want[i]}`);
  }
}

// pairs of shapes with one structure: tiled (m n k >= 64^3) with sizes that divide no tile, per output, split over k
const TILED: [Shape, Shape] = [{ batch: 2, m: 70, n: 90, k: 50 }, { batch: 3, m: 65, n: 81, k: 61 }];
const SMALL: [Shape, Shape] = [{ batch: 2, m: 5, n: 7, k: 9 }, { batch: 3, m: 6, n: 4, k: 11 }];
const SPLIT: [Shape, Shape] = [{ batch: 1, m: 20, n: 24, k: 1200 }, { batch: 1, m: 18, n: 30, k: 1000 }];

describe('parametric matmuls', () => {
  const always = new WebGpuBackend({ parametric: 'always', matmulTile: TILE });
  const fixed = new WebGpuBackend({ parametric: 'never', matmulTile: TILE });
  beforeAll(async () => {
    await always.init();
    await fixed.init();
  });
  afterAll(() => {
    always.dispose();
    fixed.dispose();
  });

  it('render products of one structure and other sizes to one shader, with their structure compiled in', () => {
    for (const [first, second] of [TILED, SMALL]) {
      for (const [aT, bT] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const a = renderKernel(product(first, aT, bT), limits, { parametric: true });
        const b = renderKernel(product(second, aT, bT), limits, { parametric: true });
        expect(b.code).toBe(a.code);
        expect(Array.from(b.params!)).not.toEqual(Array.from(a.params!));
      }
    }
    // which operand is transposed decides how the tiled kernel stages it: other shaders
    const tiled = (aT: boolean, bT: boolean) => renderKernel(product(TILED[0], aT, bT), limits, { parametric: true }).code;
    expect(new Set([tiled(false, false), tiled(true, false), tiled(false, true), tiled(true, true)]).size).toBe(4);
    // split over k: the partial products at another split count share one shader
    const plans = SPLIT.map((s) => planMatmul(product(s, false, false), TILE)!);
    expect(plans.map((p) => p.splits)).toEqual([4, 3]);
    const [s0, s1] = SPLIT.map((s) => renderKernel(product(s, false, false), limits, { parametric: true, matmulSplit: true }));
    expect(s1!.code).toBe(s0!.code);
    // without the option the numbers are in the code, and a tile the sizes divide has no bound checks
    const literal = renderKernel(product({ batch: 1, m: 64, n: 64, k: 64 }, false, false), limits);
    expect(literal.params).toBeUndefined();
    expect(literal.code).not.toContain('params');
    expect(literal.code).not.toMatch(/m0 \+ r </);
    expect(renderKernel(product({ batch: 1, m: 64, n: 64, k: 64 }, false, false), limits, { parametric: true }).code).toMatch(/m0 \+ r < pM && k0 \+ c < pK/);
  });

  const forms = [[false, false], [true, false], [false, true], [true, true]] as const;
  for (const [name, shapes] of [['tiled', TILED], ['per output', SMALL]] as const) {
    for (const [aT, bT] of forms) {
      for (const epilogue of [false, true]) {
        it(`${name}, ${aT ? 'Aᵀ' : 'A'} ${bT ? 'Bᵀ' : 'B'}${epilogue ? ' with an epilogue' : ''}: as compiled with its numbers, and the float64 product`, async () => {
          const pipelines: number[] = [];
          for (const [i, shape] of shapes.entries()) {
            const kernel = product(shape, aT, bT, epilogue);
            const inputs = inputsOf(kernel, 5 + i);
            const got = await run(always, kernel, inputs);
            pipelines.push(always.stats().pipelines);
            expect(always.compile(kernel).params).toBeDefined();
            // (the literal shaders compile slowly on lavapipe: one size is compared)
            if (i === 0) expect(got, `${JSON.stringify(shape)}: parametric against literal`).toEqual(await run(fixed, kernel, inputs));
            expectNear(got, reference(kernel, inputs), JSON.stringify(shape));
          }
          // the second size ran on the first one's pipeline
          expect(pipelines[1]).toBe(pipelines[0]);
        });
      }
    }
  }

  it('split over k, with an epilogue on the sum of the slices: as compiled with its numbers, and the float64 product', async () => {
    const before = always.stats().pipelines;
    for (const [i, shape] of SPLIT.entries()) {
      const kernel = product(shape, false, true, true);
      const inputs = inputsOf(kernel, 11 + i);
      const got = await run(always, kernel, inputs);
      expect(always.compile(kernel).then).toBeDefined();
      expect(got, `${JSON.stringify(shape)}: parametric against literal`).toEqual(await run(fixed, kernel, inputs));
      expectNear(got, reference(kernel, inputs), JSON.stringify(shape));
    }
    // the partial products and their sum, each one pipeline for both sizes
    expect(always.stats().pipelines - before).toBe(2);
  });

  it("share one pipeline among sizes under 'always'; the default keeps every size's numbers in its code", async () => {
    const shapes = [TILED[0], TILED[1], { batch: 4, m: 100, n: 40, k: 77 }, { batch: 1, m: 33, n: 128, k: 200 }];
    for (const [policy, growth] of [['always', [1, 0, 0, 0]], [undefined, [1, 1, 1, 1]]] as const) {
      const gpu = new WebGpuBackend(policy ? { parametric: policy, matmulTile: TILE } : { matmulTile: TILE });
      await gpu.init();
      try {
        const counts = [gpu.stats().pipelines];
        for (const [i, shape] of shapes.entries()) {
          const kernel = product(shape, true, false);
          const inputs = inputsOf(kernel, 20 + i);
          expectNear(await run(gpu, kernel, inputs), reference(kernel, inputs), JSON.stringify(shape));
          counts.push(gpu.stats().pipelines);
        }
        expect(counts.slice(1).map((c, i) => c - counts[i]!), String(policy)).toEqual(growth);
        expect(gpu.compile(product(shapes[2]!, true, false)).params === undefined, String(policy)).toBe(policy === undefined);
      } finally {
        gpu.dispose();
      }
    }
  });
});
