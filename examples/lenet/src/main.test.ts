import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;

async function example(args: string[]) {
  return run(join(root, 'node_modules', '.bin', 'tsx'), ['--conditions=@sym/source', 'src/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, SYM_FLAGS: '' },
  });
}

describe('pnpm lenet', () => {
  it('prints the layers with their shapes, trains with falling cost, tests, and round-trips the parameters', async () => {
    const { stdout } = await example(['--steps', '30', '--every', '1', '--train', '96', '--test', '64']);
    const lines = stdout.trim().split('\n');
    expect(lines.slice(0, 8)).toEqual([
      'device=cpu floatX=float64: 96 training and 64 test images 12x12, classes horizontal, vertical, diagonal',
      'LeNet: 1443 weights in 6 shared variables, 64 features into the dense layer',
      '   0 Conv2D   -> (?, 8, 12, 12)      80 weights (conv1.W, conv1.b)',
      '   1 Pool2D   -> (?, 8, 6, 6)         0 weights',
      '   2 Conv2D   -> (?, 16, 4, 4)     1168 weights (conv2.W, conv2.b)',
      '   3 Pool2D   -> (?, 16, 2, 2)        0 weights',
      '   4 Flatten  -> (?, 64)              0 weights',
      '   5 Dense    -> (?, 3)             195 weights (out.W, out.b)',
    ]);
    const steps = lines.slice(8, 38).map((l, i) => {
      const m = /^step +(\d+): cost (\d+\.\d{4}), training accuracy ([01]\.\d{3})$/.exec(l);
      expect(m, l).not.toBeNull();
      expect(Number(m![1])).toBe(i + 1);
      return Number(m![2]);
    });
    // the tutorial's momentum moves nothing on the first step; then the cost falls (three classes: it starts near log 3)
    expect(steps[1]).toBe(steps[0]);
    expect(Math.abs(steps[0]! - Math.log(3))).toBeLessThan(0.1);
    expect(steps.at(-1)!).toBeLessThan(steps[0]! - 0.02);
    expect(lines[38]).toMatch(/^test accuracy [01]\.\d{3} after 30 steps \(\d+\.\d s\)$/);
    expect(lines[39]).toMatch(/^saved the parameters \(\d+ bytes of JSON\) and loaded them into a new network: its predictions differ by 0$/);
    expect(lines).toHaveLength(40);
  });

  it('learns the task in its default 100 steps: most unseen images are classed right', async () => {
    const { stdout } = await example(['--test', '128']);
    const accuracy = Number(/^test accuracy ([01]\.\d{3}) after 100 steps/m.exec(stdout)?.[1]);
    expect(accuracy).toBeGreaterThan(0.75);
  });

  it('prints its usage, and refuses a size its convolutions and pools cannot take', async () => {
    expect((await example(['--help'])).stdout.trim()).toBe('usage: pnpm lenet [--steps N] [--train N] [--test N] [--size N] [--seed N] [--every K]');
    // 8 is the least: 8 -> conv 'half' 8 -> pool 4 -> conv 2 -> pool 1; 7 leaves the second pool nothing (7 -> 3 -> 1 -> 0)
    await expect(example(['--size', '7'])).rejects.toMatchObject({ stderr: expect.stringContaining('--size: expected an integer >= 8, got "7"') });
    expect((await example(['--size', '8', '--steps', '2', '--every', '1', '--train', '8', '--test', '8'])).stdout).toContain('16 features into the dense layer');
  });
});
