/**
 * A second thread for the vector kernels: a Node worker that instantiates
 * the same row modules on the shared arena memory. A big kernel's row calls
 * are grouped into jobs that both threads claim from a shared counter, so
 * the calling thread never waits for a helper that has not started (on a
 * loaded machine the helper may get no core for a while): it waits only
 * for jobs the helper has claimed and is running. Synchronous calls stay
 * synchronous. Where there are no worker threads or no blocking waits
 * (browsers' main thread), kernels run on one thread.
 *
 * The claim word (64 bits) holds the round (32 bits), its job count and the
 * next job: a helper reads a round's parameters, then claims with a
 * compare-exchange on the word it read, so a claim succeeds only while
 * those parameters are still the round's.
 */
import { arena } from './arena.js';

/** Int32 control words. */
const CTL = { ready: 0, done: 1, id: 2, calls: 3, nArgs: 4, results: 5, bounds: 6, failed: 7, load: 8, loadPtr: 9, loadLen: 10, loaded: 11, helped: 12, loadId: 13 } as const;

// The helper's source: plain JS (eval'd as CommonJS), no imports of ours.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData.control);
const claim = new BigInt64Array(workerData.claim);
const memory = workerData.memory;
const rows = new Map();
Atomics.store(ctl, ${CTL.ready}, 1);
Atomics.notify(ctl, ${CTL.ready});
for (;;) {
  // a module to instantiate (the caller waits for it)
  if (Atomics.load(ctl, ${CTL.load}) === 1) {
    try {
      const bytes = new Uint8Array(memory.buffer, ctl[${CTL.loadPtr}], ctl[${CTL.loadLen}]).slice();
      const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, sin: Math.sin, cos: Math.cos } });
      rows.set(ctl[${CTL.loadId}], inst.exports.row);
      ctl[${CTL.loaded}] = 1;
    } catch (e) {
      ctl[${CTL.loaded}] = 2;
    }
    Atomics.store(ctl, ${CTL.load}, 0);
    Atomics.notify(ctl, ${CTL.load});
    continue;
  }
  const w = Atomics.load(claim, 0);
  const count = Number((w >> 16n) & 0xffffn), next = Number(w & 0xffffn);
  if (next >= count) { Atomics.wait(claim, 0, w, 50); continue; }
  const id = ctl[${CTL.id}];
  // a kernel whose module is not instantiated here yet is left to the caller
  if (!rows.has(id)) { Atomics.wait(claim, 0, w, 50); continue; }
  const callsPtr = ctl[${CTL.calls}], k = ctl[${CTL.nArgs}], resPtr = ctl[${CTL.results}], boundsPtr = ctl[${CTL.bounds}];
  if (Atomics.compareExchange(claim, 0, w, w + 1n) !== w) continue;
  try {
    const row = rows.get(id);
    const bounds = new Int32Array(memory.buffer, boundsPtr, count + 1);
    const from = bounds[next], to = bounds[next + 1];
    const args = new Int32Array(memory.buffer, callsPtr + from * k * 4, (to - from) * k);
    const res = new Float64Array(memory.buffer, resPtr, to);
    const a = new Array(k);
    for (let c = from; c < to; c++) {
      for (let q = 0; q < k; q++) a[q] = args[(c - from) * k + q];
      res[c] = row(...a);
    }
  } catch (e) {
    Atomics.store(ctl, ${CTL.failed}, 1);
  }
  Atomics.add(ctl, ${CTL.helped}, 1);
  Atomics.add(ctl, ${CTL.done}, 1);
  Atomics.notify(ctl, ${CTL.done});
}
`;

interface WorkerLike {
  unref(): void;
}

/** One round of jobs: row calls `bounds[j]..bounds[j+1]` form job j. */
export interface Round {
  readonly id: number;
  readonly callsPtr: number;
  readonly nArgs: number;
  readonly resultsPtr: number;
  readonly boundsPtr: number;
  readonly jobs: number;
}

export class VectorHelper {
  readonly #ctl: Int32Array;
  readonly #claim: BigInt64Array;
  readonly #loaded = new Set<number>();
  #round = 0n;

  private constructor(ctl: Int32Array, claim: BigInt64Array) {
    this.#ctl = ctl;
    this.#claim = claim;
  }

  static create(): VectorHelper | null {
    const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
    const wt = proc?.getBuiltinModule?.('node:worker_threads') as
      | { Worker: new (src: string, opts: { eval: true; workerData: unknown }) => WorkerLike }
      | undefined;
    if (!wt || !arena.shared) return null;
    const control = new SharedArrayBuffer(16 * 4);
    const claim = new SharedArrayBuffer(8);
    const worker = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { control, claim, memory: arena.memory } });
    worker.unref();
    return new VectorHelper(new Int32Array(control), new BigInt64Array(claim));
  }

  /** Jobs the helper has run so far (for tests). */
  helpedJobs(): number {
    return Atomics.load(this.#ctl, CTL.helped);
  }

  /** Whether the thread has started (until then, kernels do not wait for it). */
  ready(): boolean {
    return Atomics.load(this.#ctl, CTL.ready) === 1;
  }

  /** The module being instantiated in the helper, and the block holding its bytes. */
  #pending: { id: number; block: { ptr: number; bytes: number } } | undefined;

  /**
   * Whether module `id` is instantiated in the helper. If not, asks for it
   * (one module at a time) without waiting: until it is there, the
   * kernel runs on the calling thread alone.
   */
  ensureLoaded(id: number, bytes: Uint8Array): boolean {
    if (this.#loaded.has(id)) return true;
    const c = this.#ctl;
    const p = this.#pending;
    if (p) {
      if (Atomics.load(c, CTL.load) === 1) return false;
      if (c[CTL.loaded] === 1) this.#loaded.add(p.id);
      arena.release(p.block.ptr, p.block.bytes);
      this.#pending = undefined;
      if (this.#loaded.has(id)) return true;
    }
    const block = arena.reserve(bytes.length);
    if (!block) return false;
    new Uint8Array(arena.memory.buffer, block.ptr, bytes.length).set(bytes);
    c[CTL.loadId] = id;
    c[CTL.loadPtr] = block.ptr;
    c[CTL.loadLen] = bytes.length;
    c[CTL.loaded] = 0;
    this.#pending = { id, block };
    Atomics.store(c, CTL.load, 1);
    // wake the helper if it sleeps on the claim word
    Atomics.notify(this.#claim, 0);
    return false;
  }

  /**
   * Run a round: `run(j)` runs job j on this thread. Jobs are claimed by
   * either thread; returns when all are done. If a job failed in the
   * helper, every job is run again here (they only write their own results).
   */
  runRound(r: Round, run: (job: number) => void): void {
    const c = this.#ctl;
    c[CTL.id] = r.id;
    c[CTL.calls] = r.callsPtr;
    c[CTL.nArgs] = r.nArgs;
    c[CTL.results] = r.resultsPtr;
    c[CTL.bounds] = r.boundsPtr;
    c[CTL.failed] = 0;
    Atomics.store(c, CTL.done, 0);
    this.#round++;
    const base = (this.#round << 32n) | (BigInt(r.jobs) << 16n);
    Atomics.store(this.#claim, 0, base);
    Atomics.notify(this.#claim, 0);
    for (;;) {
      const w = Atomics.load(this.#claim, 0);
      const next = Number(w & 0xffffn);
      if (next >= r.jobs) break;
      if (Atomics.compareExchange(this.#claim, 0, w, w + 1n) !== w) continue;
      run(next);
      Atomics.add(c, CTL.done, 1);
    }
    for (let d = Atomics.load(c, CTL.done); d < r.jobs; d = Atomics.load(c, CTL.done)) Atomics.wait(c, CTL.done, d, 50);
    if (c[CTL.failed] !== 0) for (let j = 0; j < r.jobs; j++) run(j);
  }
}

let helper: VectorHelper | null | undefined;

/** The helper thread, started on first need; null where there are no threads. Not ready until it has booted. */
export function vectorHelper(): VectorHelper | null {
  if (helper === undefined) helper = VectorHelper.create();
  return helper;
}
