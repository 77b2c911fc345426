/**
 * A headless-gl context gpu.js could not make at first is checked again.
 * The failure is real: DISPLAY names an X server that is not there, as a
 * refused connection while Xvfb resets would, and gpu.js caches its refusal
 * for the process. This file must make the process's first context (the X
 * connection headless-gl keeps): each test file runs in a process of its own.
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ElementwiseKernel } from '@sym/graph';
import { HeadlessGLKernel } from 'gpu.js';
import { GpujsBackend } from '../src/index.js';
import { load, runKernel, typed } from './harness.js';

const display = process.env.DISPLAY;
afterEach(() => {
  if (display === undefined) delete process.env.DISPLAY;
  else process.env.DISPLAY = display;
});

/** A display number no X server here holds (no lock file, no socket). */
function absentDisplay(): string {
  for (let n = 4000; ; n++) {
    if (!existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`)) return `:${n}`;
  }
}

const twice: ElementwiseKernel = {
  kind: 'elementwise', shape: [3], inputs: ['float32'], out: 'float32',
  expr: { kind: 'apply', op: 'mul', computeDType: 'float32', dtype: 'float32', args: [load(0, [1]), { kind: 'const', value: 2, dtype: 'float32' }] },
};

describe('headless-gl context retries', () => {
  it('gives up with the checks made, the DISPLAY and gpu.js\'s error when no context comes', () => {
    const absent = absentDisplay();
    process.env.DISPLAY = absent;
    const retries: number[] = [];
    const b = new GpujsBackend({ mode: 'headlessgl', contextRetries: { retries: 2, delayMs: 5, onRetry: (n) => retries.push(n) } });
    expect(() => b.gpu()).toThrow(
      `gpujs: mode headlessgl is not available here (no headless-gl context after 3 checks over 15 ms on DISPLAY="${absent}"; ` +
        `gpu.js's first error: A requested mode of "headlessgl" and is not supported; the last retry: gpu.js's feature check made no headless-gl context).`,
    );
    expect(retries).toEqual([1, 2]);
    expect(HeadlessGLKernel.isSupported).toBe(false);
  });

  it('makes the context once the X server answers, and replaces gpu.js\'s cached refusal', () => {
    process.env.DISPLAY = absentDisplay();
    const causes: string[] = [];
    const onRetry = (n: number, cause: unknown) => {
      causes.push(cause instanceof Error ? cause.message : String(cause));
      // the server "comes back" before the second retry's check
      if (n === 2) process.env.DISPLAY = display;
    };
    const b = new GpujsBackend({ mode: 'headlessgl', contextRetries: { retries: 4, delayMs: 5, onRetry } });
    expect(runKernel(b, twice, [typed('float32', [1, 2, 3])])).toEqual(typed('float32', [2, 4, 6]));
    expect(b.kernelClasses()).toEqual(['HeadlessGLKernel']);
    expect(causes).toEqual(['A requested mode of "headlessgl" and is not supported', 'gpu.js\'s feature check made no headless-gl context']);
    expect(HeadlessGLKernel.isSupported).toBe(true);
    // a later backend needs no retry
    const later = new GpujsBackend({ mode: 'headlessgl', contextRetries: { onRetry: () => causes.push('retried') } });
    expect(runKernel(later, twice, [typed('float32', [4, 5, 6])])).toEqual(typed('float32', [8, 10, 12]));
    expect(causes).toHaveLength(2);
  });

  it('names a contextRetries option out of range when the backend is made, not as an unavailable mode', () => {
    expect(() => new GpujsBackend({ mode: 'headlessgl', contextRetries: { retries: -1 } })).toThrow(/^gpujs: contextRetries.retries must be a non-negative integer, got -1$/);
    expect(() => new GpujsBackend({ contextRetries: { retries: 1.5 } })).toThrow(/retries must be a non-negative integer, got 1.5/);
    expect(() => new GpujsBackend({ contextRetries: { delayMs: Number.NaN } })).toThrow(/contextRetries.delayMs must be a non-negative number of milliseconds, got NaN/);
    expect(() => new GpujsBackend({ contextRetries: { onRetry: 'log' as never } })).toThrow(/contextRetries.onRetry must be a function, got string/);
    expect(() => new GpujsBackend({ contextRetries: null as never })).toThrow(/contextRetries must be an object, got null/);
  });
});
