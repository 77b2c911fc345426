/**
 * A second thread for the gemm (Node's worker_threads over shared
 * WebAssembly memory). The calling thread computes one half of the rows and
 * waits on an Atomics flag for the helper's half, so synchronous calls stay
 * synchronous. In browsers (no blocking wait on the main thread) the gemm
 * runs on one thread.
 */

/** Control words in a shared Int32Array. */
const CTL = { state: 0, type: 1, A: 2, B: 3, C: 4, K: 5, Np: 6, rowStart: 7, rowEnd: 8, kBlock: 9, ready: 10 } as const;
const IDLE = 0;
const WORK = 1;
const DONE = 2;
const QUIT = 3;

// The helper's source: plain JS (eval'd as CommonJS), no imports of ours.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData.control);
const inst = workerData.modules.map((module, i) => new WebAssembly.Instance(module, { env: { memory: workerData.memories[i] } }).exports);
Atomics.store(ctl, ${CTL.ready}, 1);
for (;;) {
  const s = Atomics.load(ctl, ${CTL.state});
  if (s === ${QUIT}) break;
  // sleep (never spin) until the caller posts work
  if (s !== ${WORK}) { Atomics.wait(ctl, ${CTL.state}, s); continue; }
  const e = inst[ctl[${CTL.type}]];
  const [A, B, C, K, Np, r0, r1, kb] = [ctl[${CTL.A}], ctl[${CTL.B}], ctl[${CTL.C}], ctl[${CTL.K}], ctl[${CTL.Np}], ctl[${CTL.rowStart}], ctl[${CTL.rowEnd}], ctl[${CTL.kBlock}]];
  const full = r0 + ((r1 - r0) - ((r1 - r0) % 4));
  for (let k0 = 0; k0 < K; k0 += kb) {
    const kl = Math.min(kb, K - k0);
    if (full > r0) e.gemm4(A, B, C, K, Np, r0, full, k0, kl);
    if (full < r1) e.gemm1(A, B, C, K, Np, full, r1, k0, kl);
  }
  Atomics.store(ctl, ${CTL.state}, ${DONE});
  Atomics.notify(ctl, ${CTL.state});
}
`;

interface WorkerLike {
  unref(): void;
  terminate(): Promise<number>;
}

export interface GemmJob {
  type: number;
  A: number;
  B: number;
  C: number;
  K: number;
  Np: number;
  rowStart: number;
  rowEnd: number;
  kBlock: number;
}

/** One helper thread sharing the gemm memories; null where threads are unavailable. */
export class GemmHelper {
  readonly #ctl: Int32Array;
  readonly #worker: WorkerLike;

  private constructor(ctl: Int32Array, worker: WorkerLike) {
    this.#ctl = ctl;
    this.#worker = worker;
  }

  static create(modules: readonly WebAssembly.Module[], memories: readonly WebAssembly.Memory[]): GemmHelper | null {
    const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
    const wt = proc?.getBuiltinModule?.('node:worker_threads') as
      | { Worker: new (src: string, opts: { eval: true; workerData: unknown }) => WorkerLike }
      | undefined;
    if (!wt || typeof SharedArrayBuffer === 'undefined') return null;
    const control = new SharedArrayBuffer(16 * 4);
    const worker = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { control, modules, memories } });
    worker.unref();
    return new GemmHelper(new Int32Array(control), worker);
  }

  /** Whether the thread has booted and instantiated the gemm (until then, products do not wait for it). */
  ready(): boolean {
    return Atomics.load(this.#ctl, CTL.ready) === 1;
  }

  /** Hand the helper its share; `wait()` blocks until it is done. */
  start(job: GemmJob): void {
    const c = this.#ctl;
    c[CTL.type] = job.type;
    c[CTL.A] = job.A;
    c[CTL.B] = job.B;
    c[CTL.C] = job.C;
    c[CTL.K] = job.K;
    c[CTL.Np] = job.Np;
    c[CTL.rowStart] = job.rowStart;
    c[CTL.rowEnd] = job.rowEnd;
    c[CTL.kBlock] = job.kBlock;
    Atomics.store(c, CTL.state, WORK);
    Atomics.notify(c, CTL.state);
  }

  wait(): void {
    while (Atomics.load(this.#ctl, CTL.state) === WORK) Atomics.wait(this.#ctl, CTL.state, WORK);
    Atomics.store(this.#ctl, CTL.state, IDLE);
  }

  async close(): Promise<void> {
    Atomics.store(this.#ctl, CTL.state, QUIT);
    Atomics.notify(this.#ctl, CTL.state);
    await this.#worker.terminate();
  }
}
