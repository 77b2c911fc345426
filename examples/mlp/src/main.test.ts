import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { Resvg } from '@resvg/resvg-js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;

async function example(args: string[], env: Record<string, string> = {}) {
  return run(join(root, 'node_modules', '.bin', 'tsx'), ['--conditions=@sym/source', 'src/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, SYM_FLAGS: '', ...env },
  });
}

/** A PNG that decodes, has the size asked for, and is not a blank canvas. */
function checkPng(path: string): void {
  const bytes = readFileSync(path);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const png = PNG.sync.read(bytes);
  expect(png.width).toBeGreaterThan(500);
  expect(png.height).toBeGreaterThan(400);
  const colours = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4 * 97) colours.add(png.data.readUInt32BE(i));
  expect(colours.size).toBeGreaterThan(10);
}

/** An SVG that a renderer parses, with the width it declares. */
function checkSvg(path: string): void {
  const text = readFileSync(path, 'utf8');
  expect(text.startsWith('<svg')).toBe(true);
  const r = new Resvg(text);
  expect(r.width).toBeGreaterThan(250);
  expect(r.height).toBeGreaterThan(200);
}

describe('pnpm mlp', () => {
  it('trains, prints cost and accuracy per iteration, and writes valid plots into the folder it names', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mlp-')), 'plots');
    const { stdout } = await example(['--iterations', '3', '--out', out]);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('device=cpu floatX=float64: 1000 points, layer sizes [2, 4, 1], 3 iterations');
    const costs = lines.slice(1, 4).map((l) => {
      const m = /^Cost: (\d+\.\d{3}), Accuracy: (0\.\d{3}|1\.000)$/.exec(l);
      expect(m, l).not.toBeNull();
      return Number(m![1]);
    });
    // The momentum rule moves nothing on the first call: the first two costs agree.
    expect(costs[1]).toBe(costs[0]);
    expect(lines.at(-1)).toBe(`Plots written to ${out}`);
    expect(readdirSync(out).sort()).toEqual(
      ['data', 'iteration-1', 'iteration-2', 'iteration-3', 'summary'].flatMap((n) => [`${n}.png`, `${n}.svg`]).sort(),
    );
    for (const n of ['data', 'iteration-3', 'summary']) {
      checkPng(join(out, `${n}.png`));
      checkSvg(join(out, `${n}.svg`));
    }
    expect(readFileSync(join(out, 'iteration-3.svg'), 'utf8')).toContain(lines[3]!);
  });

  it('shows a progress bar with the cost on long runs, and runs in float32', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mlp-'));
    const { stdout, stderr } = await example(['--iterations', '30', '--points', '200', '--plot-every', '30', '--out', out], { SYM_FLAGS: 'floatX=float32' });
    expect(stdout).toContain('device=cpu floatX=float32: 200 points');
    expect(stderr).toMatch(/training \|[█░]+\| 30\/30 iterations \| cost \d+\.\d{3} \| accuracy \d\.\d{3}/);
    expect(stdout).toMatch(/\nCost: \d+\.\d{3}, Accuracy: \d\.\d{3}\nPlots written to /);
    expect(readdirSync(out).filter((f) => f.startsWith('iteration-'))).toEqual(['iteration-30.png', 'iteration-30.svg']);
  });

  it('trains in float16 too, to the float64 run within half precision', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mlp-'));
    const cost = (stdout: string) => Number(/Cost: (\d+\.\d{3}), Accuracy: (\d\.\d{3})\nPlots written/.exec(stdout)![1]);
    const [half, full] = await Promise.all([
      example(['--iterations', '20', '--plot-every', '20', '--out', out], { SYM_FLAGS: 'floatX=float16' }),
      example(['--iterations', '20', '--plot-every', '20', '--out', out]),
    ]);
    expect(half.stdout).toContain('device=cpu floatX=float16: 1000 points');
    // a cost near 160 is held to 0.125 in float16; twenty steps of it stay within a few of those steps
    expect(Math.abs(cost(half.stdout) - cost(full.stdout))).toBeLessThan(0.5);
  });

  it('runs unchanged on WebGPU (float32), as its header says, to the CPU float32 costs', async () => {
    // Mesa's software Vulkan driver (scripts/system-deps.sh), as the WebGPU package's tests use it
    const envFile = join(root, '..', '..', '.cache', 'mesa', 'env.json');
    const mesa = existsSync(envFile) ? (JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>) : {};
    if (mesa.LD_LIBRARY_PATH && process.env.LD_LIBRARY_PATH) mesa.LD_LIBRARY_PATH = `${mesa.LD_LIBRARY_PATH}:${process.env.LD_LIBRARY_PATH}`;
    const out = mkdtempSync(join(tmpdir(), 'mlp-'));
    const args = ['--iterations', '5', '--points', '200', '--plot-every', '5', '--out', out];
    const costs = (stdout: string) => [...stdout.matchAll(/^Cost: (\d+\.\d{3}), Accuracy/gm)].map((m) => Number(m[1]));
    const gpu = await example(args, { ...mesa, SYM_FLAGS: 'device=webgpu,floatX=float32' });
    const cpu = await example(args, { SYM_FLAGS: 'floatX=float32' });
    expect(gpu.stdout).toContain('device=webgpu floatX=float32: 200 points');
    expect(costs(gpu.stdout)).toHaveLength(5);
    costs(gpu.stdout).forEach((c, i) => expect(Math.abs(c - costs(cpu.stdout)[i]!)).toBeLessThanOrEqual(0.002));
  });

  it('rejects a bad option with a usage line', async () => {
    await expect(example(['--iterations', 'ten'])).rejects.toThrow(/--iterations: expected an integer >= 1, got "ten"\nusage: pnpm mlp/);
  });
});
