/**
 * The compiled kernels a function's plans share: one executable per
 * backend and kernel, found by kernel object first and by key second.
 */
import type { Backend, Executable } from '../core/backend.js';
import { kernelKey, type Kernel } from '../kernel/kernel.js';

/**
 * Compiled kernels per backend, by key, and by kernel object: an unrolled
 * scan's steps share their kernel objects (scan.ts replays a step), and
 * the key (JSON of the whole kernel, 3 MB for a 200-step recurrent net's
 * training step) is then made once per object, not once per step.
 */
const exeCache = new WeakMap<Backend, { byKey: Map<string, Executable>; byKernel: WeakMap<Kernel, Executable> }>();
export function compileCached(backend: Backend, kernel: Kernel): Executable {
  let c = exeCache.get(backend);
  if (!c) exeCache.set(backend, (c = { byKey: new Map(), byKernel: new WeakMap() }));
  let exe = c.byKernel.get(kernel);
  if (exe) return exe;
  const key = kernelKey(kernel);
  exe = c.byKey.get(key);
  if (!exe) c.byKey.set(key, (exe = backend.compile(kernel)));
  c.byKernel.set(kernel, exe);
  return exe;
}
