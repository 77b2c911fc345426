/**
 * Which gpu.js mode the backend runs in: a backend option first, then the
 * `SYM_GPUJS_MODE` environment variable, then the platform's default
 * (`headlessgl` in Node, `webgl2` in browsers). The mode is always explicit:
 * gpu.js's auto mode `gpu` falls back to the CPU silently, which this
 * backend never allows.
 */
import * as gpujs from 'gpu.js';

/** Every gpu.js mode the backend accepts (option `mode`, `SYM_GPUJS_MODE`). */
export const GPUJS_MODES = ['headlessgl', 'webgl2', 'webgl', 'webgpu', 'cpu'] as const;
/** One of {@link GPUJS_MODES}: the gpu.js mode a {@link GpujsBackend} runs in. */
export type GpujsMode = (typeof GPUJS_MODES)[number];

/** The class name of the gpu.js kernels each mode must run on; any other class is a fallback. */
export const KERNEL_CLASS_NAME: { readonly [M in GpujsMode]: string } = {
  headlessgl: 'HeadlessGLKernel',
  webgl2: 'WebGL2Kernel',
  webgl: 'WebGLKernel',
  webgpu: 'WebGPUKernel',
  cpu: 'CPUKernel',
};

/** The gpu.js kernel class of a mode (compared by identity: HeadlessGLKernel extends WebGLKernel). */
export function kernelClass(mode: GpujsMode): unknown {
  return (gpujs as unknown as Record<string, unknown>)[KERNEL_CLASS_NAME[mode]];
}

export function isGpujsMode(x: unknown): x is GpujsMode {
  return typeof x === 'string' && (GPUJS_MODES as readonly string[]).includes(x);
}

function env(name: string): string | undefined {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env?.[name];
}

function inBrowser(): boolean {
  return typeof (globalThis as { document?: unknown }).document !== 'undefined';
}

/** Resolve the mode from an explicit option, `SYM_GPUJS_MODE`, or the platform. */
export function resolveMode(option?: string): GpujsMode {
  if (option !== undefined) {
    if (!isGpujsMode(option)) throw new Error(`gpujs: option mode must be one of ${GPUJS_MODES.join(', ')}; got ${JSON.stringify(option)}`);
    return option;
  }
  const fromEnv = env('SYM_GPUJS_MODE');
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!isGpujsMode(fromEnv)) throw new Error(`gpujs: SYM_GPUJS_MODE must be one of ${GPUJS_MODES.join(', ')}; got ${JSON.stringify(fromEnv)}`);
    return fromEnv;
  }
  return inBrowser() ? 'webgl2' : 'headlessgl';
}

/** Why a mode could not start, with what to do about it. */
export function unavailableMessage(mode: GpujsMode, cause: unknown): string {
  const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
  const hint =
    mode === 'headlessgl'
      ? env('DISPLAY')
        ? ' The native `gl` package must be built (scripts/system-deps.sh installs what it needs, then pnpm install builds it).'
        : ' No X display is set: run under `xvfb-run -a` (headless-gl needs an X server), and make sure the native `gl` package was built.'
      : '';
  return `gpujs: mode ${mode} is not available here (${why}).${hint} The backend never falls back to another mode; choose one with SYM_GPUJS_MODE or the mode option.`;
}
