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
const CTL = { ready: 0, done: 1, id: 2, calls: 3, nArgs: 4, results: 5, bounds: 6, failed: 7, helped: 8 } as const;

// The helper's source: plain JS (eval'd as CommonJS), no imports of ours.
const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const ctl = new Int32Array(workerData.control);
const claim = new BigInt64Array(workerData.claim);
const memory = workerData.memory;
const port = workerData.port;
const rows = new Map();
// instantiate the modules the caller has posted (compiled there: instantiating shares its code)
function receive() {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    try {
      const inst = new WebAssembly.Instance(m.message.module, { env: { memory, sin: Math.sin, cos: Math.cos } });
      rows.set(m.message.id, inst.exports.row);
    } catch (e) {
      // that kernel's jobs are left to the caller
    }
  }
}
Atomics.store(ctl, ${CTL.ready}, 1);
Atomics.notify(ctl, ${CTL.ready});
for (;;) {
  receive();
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

interface PortLike {
  postMessage(value: unknown): void;
  unref(): void;
}

interface WorkerThreads {
  Worker: new (src: string, opts: { eval: true; workerData: unknown; transferList: unknown[] }) => WorkerLike;
  MessageChannel: new () => { port1: PortLike; port2: unknown };
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
  readonly #port: PortLike;
  #round = 0n;

  private constructor(ctl: Int32Array, claim: BigInt64Array, port: PortLike) {
    this.#ctl = ctl;
    this.#claim = claim;
    this.#port = port;
  }

  static create(): VectorHelper | null {
    const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
    const wt = proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined;
    if (!wt || !arena.shared) return null;
    const control = new SharedArrayBuffer(16 * 4);
    const claim = new SharedArrayBuffer(8);
    const { port1, port2 } = new wt.MessageChannel();
    const worker = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { control, claim, memory: arena.memory, port: port2 }, transferList: [port2] });
    worker.unref();
    // the port must not keep the process alive either
    port1.unref();
    return new VectorHelper(new Int32Array(control), new BigInt64Array(claim), port1);
  }

  /** Jobs the helper has run so far (for tests). */
  helpedJobs(): number {
    return Atomics.load(this.#ctl, CTL.helped);
  }

  /** Whether the thread has started (until then, kernels do not wait for it). */
  ready(): boolean {
    return Atomics.load(this.#ctl, CTL.ready) === 1;
  }

  /**
   * Hand kernel `id`'s module to the helper, which instantiates it when it
   * next looks for work. Until it has, the kernel's jobs are all claimed
   * by the calling thread.
   */
  load(id: number, module: WebAssembly.Module): void {
    this.#port.postMessage({ id, module });
    // wake the helper if it sleeps on the claim word
    Atomics.notify(this.#claim, 0);
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
