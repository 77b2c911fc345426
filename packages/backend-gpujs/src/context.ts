/**
 * Creating gpu.js's GPU in headlessgl mode when the first headless-gl
 * context fails for a moment.
 *
 * gpu.js decides once per process whether headless-gl works
 * (`HeadlessGLKernel.isSupported` makes one test context and caches the
 * answer, a refusal included), and that first context is where headless-gl
 * connects to the X server. Xvfb resets whenever its last client leaves,
 * refusing connections meanwhile: a test file's process that starts just
 * as the previous one exits can be refused once, and gpu.js would then
 * refuse headlessgl for the rest of that process. So a refusal is checked
 * again: after a short wait, gpu.js's own feature check makes a new test
 * context, and once one comes gpu.js's cached answer is replaced with yes.
 */
import { GPU, HeadlessGLKernel } from 'gpu.js';

/** How a headless-gl context gpu.js could not make is tried again. */
export type ContextRetries = {
  /** Checks after the first one; default 5. */
  retries?: number;
  /** The wait before the first retry, doubled before each next one; default 100 ms (3.1 s over 5 retries). */
  delayMs?: number;
  /** Called before each retry's wait with its number (from 1) and why the last check failed. */
  onRetry?: (retry: number, cause: unknown) => void;
};

/** The statics of gpu.js's HeadlessGLKernel that its typings leave out. */
type HeadlessStatics = { setupFeatureChecks(): void; readonly testContext: unknown };

const NO_CONTEXT = 'gpu.js\'s feature check made no headless-gl context';

function sleep(ms: number): void {
  // GPU creation is synchronous, and so is the wait before each retry
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function firstLine(cause: unknown): string {
  return cause instanceof Error ? cause.message.split('\n')[0]! : String(cause);
}

/** `options`, checked: a count or a wait out of range would make a wrong error message, or no wait. */
export function checkContextRetries(options: ContextRetries = {}): ContextRetries {
  if (options === null || typeof options !== 'object') throw new TypeError(`gpujs: contextRetries must be an object, got ${options === null ? 'null' : typeof options}`);
  const { retries, delayMs, onRetry } = options;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0)) {
    throw new RangeError(`gpujs: contextRetries.retries must be a non-negative integer, got ${String(retries)}`);
  }
  if (delayMs !== undefined && (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0)) {
    throw new RangeError(`gpujs: contextRetries.delayMs must be a non-negative number of milliseconds, got ${String(delayMs)}`);
  }
  if (onRetry !== undefined && typeof onRetry !== 'function') throw new TypeError(`gpujs: contextRetries.onRetry must be a function, got ${typeof onRetry}`);
  return options;
}

/**
 * A gpu.js GPU in headlessgl mode, checking again for a context gpu.js
 * refused. Throws, naming the checks made, the DISPLAY and gpu.js's first
 * error, when no check makes one.
 */
export function headlessGPU(options: ContextRetries = {}): GPU {
  const { retries = 5, delayMs = 100, onRetry } = checkContextRetries(options);
  let first: unknown;
  try {
    return new GPU({ mode: 'headlessgl' });
  } catch (e) {
    first = e;
  }
  const kernel = HeadlessGLKernel as unknown as HeadlessStatics;
  let cause = first;
  let waited = 0;
  for (let retry = 1; retry <= retries; retry++) {
    onRetry?.(retry, cause);
    const wait = delayMs * 2 ** (retry - 1);
    sleep(wait);
    waited += wait;
    kernel.setupFeatureChecks();
    if (kernel.testContext) {
      // gpu.js would have cached this answer had its first check found the context
      Object.defineProperty(HeadlessGLKernel, 'isSupported', { value: true, configurable: true });
      return new GPU({ mode: 'headlessgl' });
    }
    cause = NO_CONTEXT;
  }
  const display = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.DISPLAY;
  throw new Error(
    `no headless-gl context after ${retries + 1} checks over ${waited} ms on DISPLAY=${display === undefined ? '(unset)' : JSON.stringify(display)}; ` +
      `gpu.js's first error: ${firstLine(first)}${retries > 0 ? `; the last retry: ${firstLine(cause)}` : ''}`,
  );
}
