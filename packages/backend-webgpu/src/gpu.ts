/**
 * Finding WebGPU: `navigator.gpu` in browsers; in Node, Dawn through the
 * `webgpu` npm package, imported dynamically so that browser bundles never
 * see it. There is no fallback: without an adapter, initialisation fails
 * with an error that says how to get one.
 */

export interface GpuSource {
  readonly gpu: GPU;
  /** Where it came from, for `describe().device`. */
  readonly origin: 'navigator.gpu' | 'dawn (webgpu npm package)';
}

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

/** Whether this is Node, where WebGPU is Dawn through the `webgpu` package. */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** The WebGPU entry point of this environment. `dawnFlags` are passed to Dawn's `create` in Node. */
export async function findGpu(dawnFlags: readonly string[] = []): Promise<GpuSource> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return { gpu: nav.gpu, origin: 'navigator.gpu' };
  if (!isNode()) {
    throw new Error('device=webgpu: this environment has no navigator.gpu; use a browser with WebGPU enabled (a secure context), or device=cpu.');
  }
  // a computed specifier keeps bundlers from pulling the Node binding into browser builds
  const specifier = ['web', 'gpu'].join('');
  let dawn: DawnModule;
  try {
    dawn = (await import(/* @vite-ignore */ specifier)) as DawnModule;
  } catch (e) {
    throw new Error(
      `device=webgpu: in Node, WebGPU comes from the "webgpu" package (Dawn), which could not be loaded: ${(e as Error).message.split('\n')[0]}. ` +
        'Install it with npm install webgpu@0.6.2.',
    );
  }
  // GPUBufferUsage, GPUMapMode, ... as in a browser, without replacing anything the host already defines
  const g = globalThis as Record<string, unknown>;
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in g)) g[k] = v;
  const key = dawnFlags.join('\0');
  let gpu = dawnInstances.get(key);
  if (!gpu) dawnInstances.set(key, (gpu = dawn.create([...dawnFlags])));
  return { gpu, origin: 'dawn (webgpu npm package)' };
}

/**
 * One Dawn instance per set of flags, held for the life of the process:
 * Dawn crashes the process (SIGSEGV) when an instance that has made a device
 * is garbage-collected, even after that device was destroyed. An instance
 * without devices holds no thread, so keeping it does not keep Node alive.
 */
const dawnInstances = new Map<string, GPU>();

/** Why the backend has no device: `disposed` (and not initialised again), or never initialised. */
export function noDeviceMessage(disposed: boolean): string {
  return disposed
    ? 'device=webgpu: the backend was disposed; call init() again before using it.'
    : 'device=webgpu: the backend is not initialised; compile functions through sym.function (which awaits init()) or await backend.init() first.';
}

/** The message for a missing adapter, with the fix for a machine without a GPU. */
export function noAdapterMessage(origin: GpuSource['origin']): string {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const icd = env?.VK_ICD_FILENAMES;
  return (
    `device=webgpu: ${origin} found no WebGPU adapter. ` +
    (origin === 'navigator.gpu'
      ? 'Enable WebGPU in the browser (Chromium: --enable-unsafe-webgpu), or use device=cpu.'
      : `On Linux without a GPU, install Mesa's lavapipe (bash scripts/system-deps.sh) and source .cache/mesa/env.sh ` +
        `(VK_ICD_FILENAMES is ${icd ? JSON.stringify(icd) : 'unset'}), or use device=cpu.`)
  );
}

/** Architectures Dawn reports for software renderers (lavapipe; SwiftShader, which Chromium does not always flag as the fallback adapter). */
const SOFTWARE_ARCHITECTURES = new Set(['software', 'swiftshader']);

/**
 * Whether the adapter is a software renderer (lavapipe, SwiftShader):
 * WebGPU's fallback adapter flag (on the adapter's info, or on the adapter
 * in older implementations), or the architecture Dawn reports for them.
 */
export function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  const info = adapter.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return info?.isFallbackAdapter === true || legacy === true || SOFTWARE_ARCHITECTURES.has(info?.architecture ?? '');
}

/** Whether the adapter is SwiftShader (Chromium's software adapter on a machine without a usable GPU). */
export function isSwiftShader(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo | undefined;
  return info?.architecture === 'swiftshader' || /swiftshader/i.test(info?.description ?? '');
}

/** A one-line description of an adapter. */
export function describeAdapter(adapter: GPUAdapter, origin: GpuSource['origin']): string {
  const info = adapter.info;
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s && s.length > 0);
  return `WebGPU ${parts.join(' ') || 'adapter'} via ${origin}`;
}
