/**
 * The devices the page offers, loaded by static imports so the bundler can
 * see them (the registry's own loader imports `@sym/backend-<name>` by a
 * computed name, which a browser bundle cannot resolve). Each backend is its
 * own chunk: a page for `device=cpu` never downloads gpu.js.
 */
import * as sym from '@sym/graph';

export const DEVICES = ['webgpu', 'gpujs', 'cpu'] as const;
export type Device = (typeof DEVICES)[number];

const LOADERS: { readonly [D in Device]: () => Promise<unknown> } = {
  webgpu: () => import('@sym/backend-webgpu'),
  gpujs: () => import('@sym/backend-gpujs'),
  cpu: () => import('@sym/backend-cpu'),
};

function isDevice(x: string): x is Device {
  return (DEVICES as readonly string[]).includes(x);
}

/** The `device` query parameter (default `webgpu`), checked against the devices this page bundles. */
export function deviceFromQuery(search: string): Device {
  const value = new URLSearchParams(search).get('device') ?? 'webgpu';
  if (!isDevice(value)) {
    throw new Error(`query parameter device: expected one of ${DEVICES.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A positive integer query parameter, or the fallback when absent. */
export function intFromQuery(search: string, name: string, fallback: number, min = 1): number {
  const raw = new URLSearchParams(search).get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`query parameter ${name}: expected an integer >= ${min}; got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * Load and initialise the backend for `device`, with float32 (every GPU
 * backend computes in it). Errors are never caught here: an unavailable
 * device must stop the page, not fall back to another one.
 */
export async function useDevice(device: Device): Promise<sym.Backend> {
  sym.setBackendImporter(async (specifier) => {
    const name = specifier.replace(/^@sym\/backend-/, '');
    if (!isDevice(name)) throw new Error(`this page bundles no backend for ${specifier}`);
    return LOADERS[name]();
  });
  // fusion and the other rewrites on every device (only the CPU backend imports them itself)
  await import('@sym/opt');
  sym.config.floatX = 'float32';
  sym.config.device = device;
  return sym.resolveBackend(device);
}
