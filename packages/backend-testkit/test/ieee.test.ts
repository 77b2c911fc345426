// The ieee group compares bit for bit, whatever the run's tolerance and signedZeros: a backend that drops the sign of
// zero or flushes subnormals fails the cases that show it, even where the run allows both elsewhere.
import { describe, expect, it } from 'vitest';
import type { DeviceBuffer, TypedArray } from '@sym/graph';
import { DTYPES, registerBackend } from '@sym/graph';
import { conformanceCases, flushingTolerance, runCase, type OpCase } from '../src/index.js';
import { InterpreterBackend } from './interpreter.js';

/** Reads float32 and float64 results with every zero +0 and every float32 subnormal flushed to 0, as some shaders store them. */
class Lossy extends InterpreterBackend {
  constructor(
    name: string,
    readonly lose: (v: number) => number,
  ) {
    super(name);
  }
  override readSync(buffer: DeviceBuffer): TypedArray {
    const data = super.readSync(buffer);
    if (data instanceof Float32Array || data instanceof Float64Array) data.forEach((v, i) => (data[i] = this.lose(v)));
    return data;
  }
}

async function failing(cases: readonly OpCase[], device: string): Promise<string[]> {
  const failed: string[] = [];
  for (const c of cases) {
    try {
      // the latitude a flushing backend without signed zeros runs with (gpu.js's)
      await runCase(c, { device, seed: 1234, tolerance: flushingTolerance, signedZeros: false });
    } catch {
      failed.push(c.name.replace(/^ieee: /, ''));
    }
  }
  return failed;
}

describe('the ieee group', () => {
  const { cases } = conformanceCases(DTYPES, ['ieee']);

  it('passes a backend computing as the reference does', async () => {
    registerBackend(new InterpreterBackend('ieee-honest'));
    expect(await failing(cases, 'ieee-honest')).toEqual([]);
  });

  it('fails a backend that gives +0 for -0, on the cases that check signed zeros only', async () => {
    registerBackend(new Lossy('ieee-unsigned-zeros', (v) => (v === 0 ? 0 : v)));
    const failed = await failing(cases, 'ieee-unsigned-zeros');
    // the four tables of -0 results, in float32 and float64
    expect(failed.length).toBe(8);
    for (const name of failed) expect(name).toMatch(/^signed zeros/);
    expect(failed).toContain('signed zeros of round, pow, mod and floor_divide (float32)');
    expect(failed).toContain('signed zeros: x * 0 has the sign of x (float64)');
  });

  it('fails a backend that flushes float32 subnormal results, on the case of subnormal inputs only', async () => {
    registerBackend(new Lossy('ieee-flushing', (v) => (v !== 0 && Math.abs(v) < 2 ** -126 && Math.fround(v) === v ? 0 * v : v)));
    expect(await failing(cases, 'ieee-flushing')).toEqual(['mod and floor_divide of subnormal inputs, some remainders and results subnormal too (float32)']);
  });
});
