/**
 * When the graph drops an executable (its functions collected), the gpu.js
 * kernels of its passes are destroyed: each held a GL program, its output
 * textures and framebuffers, and a place in gpu.js's `GPU.kernels` list,
 * about 1.2 MB of RSS per distinct function on headless-gl, for the life of
 * the backend.
 *
 * A kernel's destroy() is not safe as it stands: a texture a kernel drew
 * outlives it in a shared variable (the function that last updated the
 * variable was collected, the variable lives on), and gpu.js ties that
 * texture to its kernel: destroy() deletes every GL texture the kernel made
 * (its `textureCache`) and the framebuffers the texture is read back
 * through, and reading or deleting the texture later calls back into the
 * kernel. So first each held texture the kernel drew is handed to a kernel
 * that lives as long as the backend (its owner, the uploader): the GL
 * texture leaves the dying kernel's cache and the texture forgets the
 * framebuffer it was read through. Its values never move.
 */
import type { IKernelRunShortcut } from 'gpu.js';

/** The parts of a gpu.js GL kernel this module touches (gpu.js's own fields). */
interface GLKernel {
  textureCache?: unknown[];
  kernelArguments?: { prevArg?: { delete(): void } | null }[];
  destroy(removeCanvasReferences?: boolean): void;
}

/** The parts of a gpu.js GL texture this module touches. */
interface OwnedTexture {
  kernel: unknown;
  texture: unknown;
  _framebuffer?: unknown;
}

/** Make `t` independent of the kernel that drew it: `owner` deletes it and reads it back from now on. */
function adopt(t: OwnedTexture, owner: unknown): void {
  const cache = (t.kernel as GLKernel).textureCache;
  const i = cache?.indexOf(t.texture) ?? -1;
  if (i >= 0) cache!.splice(i, 1);
  t.kernel = owner;
  // a framebuffer of the dying kernel (destroy() deletes it); the owner's is made on the next read
  t._framebuffer = null;
}

/**
 * Destroy the gpu.js kernels of `runs` (a collected executable's), after
 * giving every texture in `held` that one of them drew to `owner`, and
 * take them out of `kernels` (gpu.js's `GPU.kernels`). In gpu.js's cpu
 * mode results are host arrays that own themselves: nothing to give.
 */
export function destroyRuns(runs: readonly ReadonlyMap<string, IKernelRunShortcut>[], held: Iterable<unknown>, owner: () => unknown, kernels: unknown[] = []): void {
  const dying = new Set<unknown>();
  for (const m of runs) for (const run of m.values()) dying.add(run.kernel);
  if (dying.size === 0) return;
  for (const t of held) {
    const texture = t as Partial<OwnedTexture>;
    if (texture.kernel !== undefined && dying.has(texture.kernel)) adopt(texture as OwnedTexture, owner());
  }
  for (const k of dying) {
    const kernel = k as GLKernel;
    // a kernel reading its own last output keeps a clone of it (gpu.js's prevArg): give that reference back,
    // or the GL texture would never reach zero references
    for (const v of kernel.kernelArguments ?? []) {
      v.prevArg?.delete();
      v.prevArg = null;
    }
    kernel.destroy(false);
    // gpu.js's GL kernels leave GPU.kernels in destroy(), its cpu kernels do not
    const i = kernels.indexOf(k);
    if (i >= 0) kernels.splice(i, 1);
  }
}
