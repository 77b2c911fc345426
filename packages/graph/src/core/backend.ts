/**
 * The Backend interface: the handful of methods a device implements, and
 * the registry that picks one by the name in `config.device`.
 *
 * A backend receives kernels of the kernel IR (`kernel.ts`), never graph
 * ops: fusion and scheduling happen once, before it, for every backend.
 */
import type { DType, TypedArray } from './dtype.js';
import type { Kernel, OptionalKernel } from '../kernel/kernel.js';

/** A buffer on the device; opaque to everything but its backend. */
export interface DeviceBuffer {
  /** The dtype it holds. */
  readonly dtype: DType;
  /** Its length in elements. */
  readonly size: number;
}

/** A compiled kernel; opaque to everything but its backend. */
export interface Executable {
  /** The kernel it was compiled from. */
  readonly kernel: Kernel;
}

/** One run of a compiled kernel over buffers: a program's step. */
export interface Launch {
  /** What `compile` returned for the kernel. */
  readonly exe: Executable;
  /** The kernel's inputs 0, 1, ..., in order. */
  readonly inputs: readonly DeviceBuffer[];
  /**
   * Never one of `inputs` (the scheduler's buffer reuse guarantees it):
   * WebGPU cannot bind one buffer both ways, and backends may read an input
   * again after writing part of the output. The one exception is an update
   * written in place, for a backend whose `overwrites` allowed it.
   */
  readonly output: DeviceBuffer;
}

/** What a backend says about itself (`Backend.describe()`). */
export interface BackendInfo {
  /** The name `config.device` selects it by. */
  readonly name: string;
  /** A human description of the device actually in use (adapter, mode, ...). */
  readonly device: string;
  /** The dtypes its kernels can compute in; graphs needing others are refused at compile time. */
  readonly dtypes: readonly DType[];
  /** Whether `readSync` and synchronous runs are available. */
  readonly sync: boolean;
  /**
   * The optional library kernels it compiles (`'sort'`: a `SortKernel`;
   * `'scatterAdd'`: a `ScatterAddKernel`). Absent or empty: none, and the
   * ops that would use one lower to elementwise, reduce and matmul kernels
   * alone (sorting to a network of compare-exchange passes, summing
   * repeated indices by a segmented scan), so a small backend need not
   * implement them.
   */
  readonly kernels?: readonly OptionalKernel[];
  /**
   * What its renderer does with gathers (a take, an embedding's lookup)
   * fused into other work, which decides what `@sym/opt` fuses for it.
   * Absent: `{}`, the defaults below, which any backend that renders the
   * kernel IR handles.
   */
  readonly gathers?: GatherFusion;
}

/**
 * How a backend takes gathers fused with other work (`BackendInfo.gathers`).
 * Every backend renders a gather anywhere in an elementwise kernel's
 * expression; these say what more, or what costs.
 */
export interface GatherFusion {
  /**
   * Whether it renders a gather in a reduce kernel's expression, so that
   * a gathering kernel is fused into the reduction that reads it (an
   * embedding's rows summed in one kernel). Absent: false, and the
   * gathering kernel writes its buffer for the reduction to read.
   */
  readonly inReductions?: boolean;
  /**
   * Most elements of a kernel in which a gather and transcendental work
   * (exp, tanh, a division) are fused: a larger kernel keeps them apart,
   * one kernel each. For a backend whose gathering kernels run slower than
   * its others (a CPU whose SIMD code has no gathers), where splitting a
   * large kernel costs less than it saves. Absent: no limit (a GPU pays
   * nothing for a gather, and a whole launch and buffer for a split).
   */
  readonly costlyElements?: number;
}

/**
 * What a device implements: buffers, compiling kernels of the kernel IR,
 * and running them. `registerBackend` makes one available under its name;
 * `@sym/backend-testkit` checks one against the ops' reference semantics.
 */
export interface Backend {
  /** Its name, device, dtypes and whether it reads synchronously. */
  describe(): BackendInfo;
  /** Called once before first use (request an adapter, build a context, ...). */
  init?(): Promise<void>;
  /**
   * Which device the backend's buffers and compiled kernels belong to: a
   * backend that can replace its device (WebGPU's `dispose()` then
   * `init()`, after the device was lost) bumps it when it does. sym then
   * compiles kernels and plans again, uploads shared variables' host
   * values again, and refuses, naming the variable, a value that lived
   * only on the old device. Absent: 0, a device that is never replaced.
   */
  readonly generation?: number;
  /** A buffer of `size` elements of `dtype`. */
  alloc(dtype: DType, size: number): DeviceBuffer;
  /**
   * Copy `data` into the buffer. It is the dtype's storage (`STORAGE[dtype]`:
   * int64 as exact integers in a Float64Array, float16 as half-precision
   * values in a Float32Array) and holds exactly `buffer.size` elements.
   */
  write(buffer: DeviceBuffer, data: TypedArray): void;
  /**
   * A fresh host copy of the buffer's contents, after all launched work
   * finished, in the dtype's storage (`STORAGE[dtype]`; another typed
   * array is converted, at the cost of one more copy).
   */
  read(buffer: DeviceBuffer): Promise<TypedArray>;
  /** `read`, synchronously, for a backend whose `describe().sync` is true. */
  readSync?(buffer: DeviceBuffer): TypedArray;
  /**
   * The buffer's contents without a copy, where a synchronous backend keeps
   * them in host memory: its own storage (STORAGE[dtype], `buffer.size`
   * elements), valid until a later run writes the buffer or it is freed.
   * A borrowed output of a synchronous call (`sym.Out(v, { borrow: true })`)
   * is returned as this; absent, such outputs are copied by `readSync`.
   */
  hostView?(buffer: DeviceBuffer): TypedArray;
  /** Release the buffer; it is not used again. */
  free(buffer: DeviceBuffer): void;
  /** Prepare `kernel` to run (generate and compile code, or keep the kernel as it is); sym reuses the result for every equal kernel (by `kernelKey`). */
  compile(kernel: Kernel): Executable;
  /** Launch kernels in order. Errors surface here or in the next `read`. */
  run(launches: readonly Launch[]): void;
  /**
   * Wait until every launch run so far has finished on the device: a
   * promise where the wait is asynchronous (WebGPU), nothing after blocking
   * (WebGL's `finish`). Only profiling calls it, after each launch, to time
   * kernels that a backend queues rather than runs in `run`. Absent, a
   * launch's time is the time `run` takes: exact for a backend whose runs
   * are synchronous (the CPU), only the time to queue the work otherwise.
   */
  finish?(): Promise<void> | void;
  /**
   * Run `launches` as `run` does and resolve with each one's time (ms) as
   * the device measured it (WebGPU's timestamp queries); undefined, having
   * run nothing, where the device cannot. Only profiling calls it, and
   * prefers it to `finish`: the launches go to the device together, as in
   * an unprofiled call, and no kernel's time holds a wait.
   */
  runTimed?(launches: readonly Launch[]): Promise<readonly number[]> | undefined;
  /** Live buffers, for tests that check memory stays flat. */
  liveBuffers?(): number;
  /**
   * Whether a launch of `kernel` may write its output over the buffer it
   * reads as input `input`, which it reads only at the index of the output
   * element it computes (an elementwise load, or an epilogue's): true when
   * the backend reads every such element before it writes that element, and
   * never again after. Lets a shared variable's update go in place; absent
   * means never. Such an update is written before the call ends, so a
   * backend says yes only if its runs do not fail once started (the CPU
   * allocates every buffer and workspace when a function is planned): a
   * failed call must leave the shared variables as they were.
   */
  overwrites?(kernel: Kernel, input: number): boolean;
}

/** @internal `backend.generation`, 0 where it has none: what device buffers and executables made on it are kept with. */
export function generationOf(backend: Backend): number {
  return backend.generation ?? 0;
}

const registry = new Map<string, Backend>();
const pending = new Map<string, Promise<Backend>>();

/** Make a backend available under its name (backend packages call this on import). */
export function registerBackend(backend: Backend): void {
  registry.set(backend.describe().name, backend);
}

/**
 * The names of the backends registered so far (by {@link registerBackend},
 * usually by importing a backend package), in the order each name was
 * first registered.
 */
export function registeredBackends(): string[] {
  return [...registry.keys()];
}

/** The backend registered under `name`, or undefined: no loading. */
export function getBackend(name: string): Backend | undefined {
  return registry.get(name);
}

function missingMessage(name: string, cause?: unknown): string {
  const why = cause instanceof Error ? ` (${cause.message.split('\n')[0]})` : '';
  return (
    `device=${name}: no backend named "${name}" is registered${deviceHint(name)} and the package @sym/backend-${name} could not be loaded${why}. ` +
    `Install it (npm install @sym/backend-${name}) or import it before compiling; ` +
    `registered backends: ${registeredBackends().join(', ') || 'none'}.`
  );
}

/** sym's own devices: a name that misses is most often one of them misspelt, or Theano's. */
const OWN_DEVICES = ['cpu', 'webgpu', 'gpujs'];

/** A hint for a device name no backend has: the device meant (webgpU, gpu.js), or Theano's GPU names (gpu, cuda0). */
function deviceHint(name: string): string {
  const folded = name.toLowerCase().replace(/[^a-z]/g, '');
  const meant = OWN_DEVICES.find((d) => d === folded);
  if (meant) return ` (did you mean ${meant}?)`;
  return ['gpu', 'cuda', 'opencl'].includes(folded) ? ` (Theano's device=${name}: sym's GPU devices are webgpu and gpujs)` : '';
}

type Importer = (specifier: string) => Promise<unknown>;

/** Import a module by bare name, from this package first, then from the working directory. */
async function importByName(specifier: string): Promise<unknown> {
  try {
    return await import(/* @vite-ignore */ specifier);
  } catch (first) {
    const proc = (globalThis as { process?: { cwd(): string; getBuiltinModule?(id: string): unknown } }).process;
    const mod = proc?.getBuiltinModule?.('node:module') as
      | { createRequire(path: string): { resolve(id: string): string } }
      | undefined;
    const url = proc?.getBuiltinModule?.('node:url') as { pathToFileURL(p: string): { href: string } } | undefined;
    if (!mod || !url || !proc) throw first;
    const resolved = mod.createRequire(`${proc.cwd()}/noop.js`).resolve(specifier);
    return await import(/* @vite-ignore */ url.pathToFileURL(resolved).href);
  }
}

let importer: Importer = importByName;

/** Replace how backends are loaded by name (bundlers without dynamic import). */
export function setBackendImporter(f: Importer): void {
  importer = f;
}

/** The backend for `name`: registered, or loaded from @sym/backend-<name>, then initialised. */
export async function resolveBackend(name: string): Promise<Backend> {
  const have = registry.get(name);
  if (have) {
    if (have.init && !initialised.has(have)) await initialise(have);
    return have;
  }
  let p = pending.get(name);
  if (!p) {
    p = (async () => {
      try {
        await importer(`@sym/backend-${name}`);
      } catch (e) {
        throw new Error(missingMessage(name, e));
      }
      const b = registry.get(name);
      if (!b) throw new Error(missingMessage(name));
      await initialise(b);
      return b;
    })();
    pending.set(name, p);
    p.catch(() => pending.delete(name));
  }
  return p;
}

const initialised = new WeakSet<Backend>();
const initialising = new WeakMap<Backend, Promise<void>>();

async function initialise(b: Backend): Promise<void> {
  if (initialised.has(b)) return;
  let p = initialising.get(b);
  if (!p) {
    p = (b.init ? b.init() : Promise.resolve()).then(() => {
      initialised.add(b);
    });
    initialising.set(b, p);
  }
  await p;
}

/** The backend for `name` without loading: it must be registered and need no async init. */
export function resolveBackendSync(name: string): Backend {
  const b = registry.get(name);
  if (!b) {
    throw new Error(
      `device=${name}: no backend named "${name}" is registered${deviceHint(name)}. Synchronous calls need the backend imported first ` +
        `(import '@sym/backend-${name}'), or call the function with await instead.`,
    );
  }
  if (b.init && !initialised.has(b)) {
    throw new Error(`device=${name}: the backend needs asynchronous initialisation; call the function with await first.`);
  }
  if (!b.describe().sync) {
    throw new Error(`device=${name}: this backend has no synchronous calls; use await f(...) instead of f.sync(...).`);
  }
  return b;
}
