/**
 * The compiled kernels a function's plans share: one executable per
 * backend (and its generation) and kernel, found by kernel object first
 * and by key second.
 */
import { generationOf, type Backend, type Executable } from '../core/backend.js';
import { kernelKey, type Kernel } from '../kernel/kernel.js';

interface Cache {
  /** The backend's generation its executables were compiled for: a replaced device starts a new cache. */
  readonly generation: number;
  /** Held weakly: the plans that use an executable keep it; a process compiling function after function keeps only those it still runs. */
  readonly byKey: Map<string, WeakRef<Executable>>;
  readonly byKernel: WeakMap<Kernel, Executable>;
}

/**
 * Compiled kernels per backend, by key, and by kernel object: an unrolled
 * scan's steps share their kernel objects (scan.ts replays a step), and
 * the key (JSON of the whole kernel, 3 MB for a 200-step recurrent net's
 * training step) is then made once per object, not once per step.
 */
const exeCache = new WeakMap<Backend, Cache>();
/** A collected executable's key leaves its cache (unless a newer executable took the key since). */
const collected = new FinalizationRegistry<{ byKey: Cache['byKey']; key: string }>(({ byKey, key }) => {
  if (!byKey.get(key)?.deref()) byKey.delete(key);
});

export function compileCached(backend: Backend, kernel: Kernel): Executable {
  const generation = generationOf(backend);
  let c = exeCache.get(backend);
  if (c?.generation !== generation) exeCache.set(backend, (c = { generation, byKey: new Map(), byKernel: new WeakMap() }));
  let exe = c.byKernel.get(kernel);
  if (exe) return exe;
  const key = kernelKey(kernel);
  exe = c.byKey.get(key)?.deref();
  if (!exe) {
    exe = backend.compile(kernel);
    c.byKey.set(key, new WeakRef(exe));
    collected.register(exe, { byKey: c.byKey, key });
  }
  c.byKernel.set(kernel, exe);
  return exe;
}

/** @internal The keys with an executable still cached on `backend` (tests: a long-running process's cache stays bounded). */
export function cachedExecutables(backend: Backend): number {
  return exeCache.get(backend)?.byKey.size ?? 0;
}
