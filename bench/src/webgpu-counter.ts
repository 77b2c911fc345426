/**
 * Counts WebGPU work by wrapping the methods of Dawn's classes (the `webgpu`
 * package's globals) once, before any device exists: every library in the
 * process (sym, tfjs, jax-js) goes through them, so the counts of one call
 * are the device work that call caused, whoever issued it.
 */
import type { Counter, Counts } from './suite.js';

type Method = (this: unknown, ...args: unknown[]) => unknown;

const MAP_READ = 0x1;

export function installWebGpuCounter(globals: Record<string, unknown>): Counter {
  const c = { dispatches: 0, submits: 0, readbacks: 0, uploads: 0 };
  const wrap = (cls: string, method: string, count: (args: unknown[]) => void) => {
    const proto = (globals[cls] as { prototype?: Record<string, unknown> } | undefined)?.prototype;
    const original = proto?.[method] as Method | undefined;
    if (!proto || typeof original !== 'function') throw new Error(`bench: the webgpu package has no ${cls}.prototype.${method} to count`);
    proto[method] = function (this: unknown, ...args: unknown[]) {
      count(args);
      return original.apply(this, args);
    };
  };
  wrap('GPUComputePassEncoder', 'dispatchWorkgroups', () => c.dispatches++);
  wrap('GPUComputePassEncoder', 'dispatchWorkgroupsIndirect', () => c.dispatches++);
  wrap('GPUQueue', 'submit', () => c.submits++);
  wrap('GPUQueue', 'writeBuffer', () => c.uploads++);
  wrap('GPUBuffer', 'mapAsync', (args) => {
    if (((args[0] as number) & MAP_READ) !== 0) c.readbacks++;
  });
  return {
    reset() {
      c.dispatches = c.submits = c.readbacks = c.uploads = 0;
    },
    read(): Counts {
      return { ...c };
    },
  };
}
