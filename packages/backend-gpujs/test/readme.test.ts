// The README's snippet, run as written with only this package imported: the optimizer comes with it.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import type { Kernel } from '@sym/graph';
import { gpujs } from '../src/index.js';

const saved = sym.config.toJSON();
beforeAll(() => sym.config.set('device=gpujs,floatX=float32'));
afterAll(() => sym.config.set(saved));

/** The comment on the README snippet's line that prints. */
function documentedOutput(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const snippet = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  const line = snippet.split('\n').find((l) => l.startsWith('console.log('))!;
  expect(line).toContain('await f([[1, 2], [3, 4]])');
  return line.slice(line.indexOf('// ') + 3);
}

/** The kernels gpujs compiles while `f` runs. */
async function compiled(f: () => Promise<unknown>): Promise<Kernel[]> {
  const kernels: Kernel[] = [];
  const compile = gpujs.compile.bind(gpujs);
  gpujs.compile = (k: Kernel) => {
    kernels.push(k);
    return compile(k);
  };
  try {
    await f();
  } finally {
    gpujs.compile = compile;
  }
  return kernels;
}

describe('the README', () => {
  it('prints what its snippet says', async () => {
    const x = sym.T.matrix('x');
    const f = sym.function([x], sym.T.dot(x, x.T).sum());
    expect(sym.reprValue(await f([[1, 2], [3, 4]]))).toBe(documentedOutput());
  });

  it('installs the optimizer: stable rewrites and fused epilogues', async () => {
    expect(sym.getOptimizer()).toBeDefined();
    const x = sym.T.vector('x');
    const f = sym.function([x], sym.T.log(sym.T.sigmoid(x)));
    expect([...((await f([-1000, 0])) as sym.NDArray).data]).toEqual([-1000, Math.fround(-Math.LN2)]);
    // the square is the sum's prologue, the square root its epilogue: one reduce kernel
    const m = sym.T.matrix('m');
    const g = sym.function([m], sym.T.sqrt(m.mul(m).sum(1)));
    let out: sym.NDArray | undefined;
    const kernels = await compiled(async () => (out = (await g([[3, 4], [6, 8]])) as sym.NDArray));
    expect([...out!.data]).toEqual([5, 10]);
    expect(kernels.map((k) => k.kind)).toEqual(['reduce']);
    expect(kernels[0]!.kind === 'reduce' && kernels[0]!.epilogue).toBeTruthy();
  });
});
