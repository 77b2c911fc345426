/**
 * A second thread for the vector kernels: a Node worker that instantiates
 * the same row modules on the shared arena memory and runs a list of row
 * calls while the calling thread runs the rest. Synchronous calls stay
 * synchronous: the caller blocks on an Atomics flag for the helper's share.
 * Where there are no worker threads or no blocking waits (browsers' main
 * thread), kernels run on one thread.
 */
import { arena } from './arena.js';

const CTL = { state: 0, ready: 1, id: 2, ptr: 3, len: 4, nArgs: 5, results: 6, error: 7 } as const;
const IDLE = 0;
const LOAD = 1;
const RUN = 2;
const DONE = 3;

// The helper's source: plain JS (eval'd as CommonJS), no imports of ours.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData.control);
const memory = workerData.memory;
const rows = new Map();
Atomics.store(ctl, ${CTL.ready}, 1);
for (;;) {
  const s = Atomics.load(ctl, ${CTL.state});
  // sleep (never spin) until the caller posts work
  if (s !== ${LOAD} && s !== ${RUN}) { Atomics.wait(ctl, ${CTL.state}, s); continue; }
  try {
    if (s === ${LOAD}) {
      const bytes = new Uint8Array(memory.buffer, ctl[${CTL.ptr}], ctl[${CTL.len}]).slice();
      const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, sin: Math.sin, cos: Math.cos } });
      rows.set(ctl[${CTL.id}], inst.exports.row);
    } else {
      const row = rows.get(ctl[${CTL.id}]);
      const n = ctl[${CTL.len}], k = ctl[${CTL.nArgs}];
      const i32 = new Int32Array(memory.buffer, ctl[${CTL.ptr}], n * k);
      const f64 = new Float64Array(memory.buffer, ctl[${CTL.results}], n);
      const a = new Array(k);
      for (let j = 0; j < n; j++) {
        for (let q = 0; q < k; q++) a[q] = i32[j * k + q];
        f64[j] = row(...a);
      }
    }
    ctl[${CTL.error}] = 0;
  } catch (e) {
    ctl[${CTL.error}] = 1;
  }
  Atomics.store(ctl, ${CTL.state}, ${DONE});
  Atomics.notify(ctl, ${CTL.state});
}
`;

interface WorkerLike {
  unref(): void;
}

export class VectorHelper {
  readonly #ctl: Int32Array;
  readonly #loaded = new Set<number>();

  private constructor(ctl: Int32Array) {
    this.#ctl = ctl;
  }

  static create(): VectorHelper | null {
    const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
    const wt = proc?.getBuiltinModule?.('node:worker_threads') as
      | { Worker: new (src: string, opts: { eval: true; workerData: unknown }) => WorkerLike; isMainThread: boolean }
      | undefined;
    if (!wt || !arena.shared) return null;
    const control = new SharedArrayBuffer(16 * 4);
    const worker = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { control, memory: arena.memory } });
    worker.unref();
    return new VectorHelper(new Int32Array(control));
  }

  /** Whether the thread has started (until then, kernels do not wait for it). */
  ready(): boolean {
    return Atomics.load(this.#ctl, CTL.ready) === 1;
  }

  #post(state: number): void {
    Atomics.store(this.#ctl, CTL.state, state);
    Atomics.notify(this.#ctl, CTL.state);
  }

  /** Block until the posted work is done; false if it failed in the helper. */
  wait(): boolean {
    while (Atomics.load(this.#ctl, CTL.state) !== DONE) Atomics.wait(this.#ctl, CTL.state, Atomics.load(this.#ctl, CTL.state));
    Atomics.store(this.#ctl, CTL.state, IDLE);
    return this.#ctl[CTL.error] === 0;
  }

  /** Make module `id` (its bytes) available in the helper; blocks until it is compiled there. */
  ensureLoaded(id: number, bytes: Uint8Array): boolean {
    if (this.#loaded.has(id)) return true;
    const block = arena.reserve(bytes.length);
    if (!block) return false;
    try {
      new Uint8Array(arena.memory.buffer, block.ptr, bytes.length).set(bytes);
      const c = this.#ctl;
      c[CTL.id] = id;
      c[CTL.ptr] = block.ptr;
      c[CTL.len] = bytes.length;
      this.#post(LOAD);
      if (!this.wait()) return false;
    } finally {
      arena.release(block.ptr, block.bytes);
    }
    this.#loaded.add(id);
    return true;
  }

  /** Start `count` row calls of module `id`, their `nArgs` i32 arguments at `argsPtr`, f64 results to `resultsPtr`. */
  start(id: number, argsPtr: number, count: number, nArgs: number, resultsPtr: number): void {
    const c = this.#ctl;
    c[CTL.id] = id;
    c[CTL.ptr] = argsPtr;
    c[CTL.len] = count;
    c[CTL.nArgs] = nArgs;
    c[CTL.results] = resultsPtr;
    this.#post(RUN);
  }
}

let helper: VectorHelper | null | undefined;

/** The helper thread, started on first need; null where there are no threads. Not ready until it has booted. */
export function vectorHelper(): VectorHelper | null {
  if (helper === undefined) helper = VectorHelper.create();
  return helper;
}
