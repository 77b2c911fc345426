/**
 * The helper thread: one Node worker that runs both the vector kernels
 * (it instantiates the same row modules on the shared arena memory) and the
 * gemm (the same modules over the gemm's shared memories). Work is cut into
 * jobs that both threads claim from a shared counter (a vector kernel's row
 * calls, a product's column ranges), so the calling thread never waits for
 * a helper that has not started (on a loaded machine the helper may get no
 * core for a while): it waits only for jobs the helper has claimed and is
 * running. Synchronous calls stay synchronous. Where there are no worker
 * threads or no blocking waits (browsers' main thread), everything runs on
 * one thread.
 *
 * The claim word (64 bits) holds the round (32 bits), its job count and the
 * next job: a helper reads a round's parameters, then claims with a
 * compare-exchange on the word it read, so a claim succeeds only while
 * those parameters are still the round's.
 */
import { arena } from './arena.js';
import { gemmInstances, type GemmExports } from './gemm-instances.js';

/** Int32 control words. */
const CTL = {
  ready: 0, done: 1, id: 2, calls: 3, nArgs: 4, results: 5, bounds: 6, failed: 7, helped: 8, kind: 9,
  // a product's round: gemm type, addresses, sizes, and how its jobs cut it (row parts within column parts)
  type: 10, A: 11, B: 12, C: 13, K: 14, Np: 15, M: 16, rowChunk: 17, rowParts: 18, colChunk: 19, kBlock: 20, mBlock: 21,
  // B packed by the jobs, each its own panels (packB 1): where B's rows (B's columns, Bᵀ's rows) are and their strides in bytes
  packB: 22, bSrc: 23, bRowStride: 24, bColStride: 25,
} as const;
const VECTOR = 0;
const GEMM = 1;

/**
 * Packs, with the gemm module, a rows x K operand at byte `src`
 * (element (r, q) at `src + r * rowStride + q * colStride`) into groups of
 * 2^group rows at `dst`: whole groups through the contiguous packers where
 * a stride allows, the rest element by element. The helper runs this
 * same function, its source pasted into the worker's: it uses nothing but
 * its arguments.
 */
export function packOperand(e: GemmExports, es: number, src: number, rowStride: number, colStride: number, rows: number, K: number, dst: number, group: number): void {
  const G = 1 << group;
  let groups = Math.floor(rows / G);
  if (groups > 0 && rowStride === es) e.packRows(src, colStride, groups, K, dst, G * es);
  else if (groups > 0 && colStride === es && e.packCols) e.packCols(src, rowStride, groups, K, dst, group);
  else groups = 0;
  const whole = groups * G;
  if (whole < rows) e.pack(src + whole * rowStride, rowStride, colStride, rows - whole, K, dst + whole * K * es, group, Math.abs(colStride) <= Math.abs(rowStride) ? 1 : 0);
}

/**
 * A product's job `j` (the same cut as `gemmJob` below): rows in chunks of
 * `rowChunk` (a multiple of 4) within columns in chunks of `colChunk` (whole
 * tiles), each over all of K in blocks of `kBlock`, and within a block of K
 * `mBlock` rows at a time across all the job's columns.
 */
const GEMM_JOB = `
function gemmJob(e, p, j) {
  const [type, A, B, C, K, Np, M, rowChunk, rowParts, colChunk, kBlock, mBlock, packB, bSrc, bRowStride, bColStride] = p;
  const r0 = (j % rowParts) * rowChunk, r1 = Math.min(M, r0 + rowChunk);
  const c0 = Math.floor(j / rowParts) * colChunk, c1 = Math.min(Np, c0 + colChunk);
  if (packB) {
    const es = type === 0 ? 4 : 8;
    packOperand(e, es, bSrc + c0 * bRowStride, bRowStride, bColStride, c1 - c0, K, B + c0 * K * es, type === 0 ? 3 : 2);
  }
  const full = r1 - ((r1 - r0) % 4);
  for (let k0 = 0; k0 < K; k0 += kBlock) {
    const kl = Math.min(kBlock, K - k0);
    for (let r = r0; r < full; r += mBlock) e.gemm4(A, B, C, K, Np, r, Math.min(full, r + mBlock), k0, kl, c0, c1);
    if (full < r1) e.gemm1(A, B, C, K, Np, full, r1, k0, kl, c0, c1);
  }
}`;

// The helper's source: plain JS (eval'd as CommonJS), no imports of ours.
const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const ctl = new Int32Array(workerData.control);
const claim = new BigInt64Array(workerData.claim);
const memory = workerData.memory;
const port = workerData.port;
const gemm = workerData.gemmModules.map((m) => new WebAssembly.Instance(m, { env: { memory } }).exports);
const rows = new Map();
const packOperand = ${packOperand.toString()};
${GEMM_JOB}
// instantiate the modules the caller has posted (compiled there: instantiating shares its code)
function receive() {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    // a kernel collected in the caller: its instance goes too
    if (m.message.drop) {
      rows.delete(m.message.id);
      continue;
    }
    try {
      const inst = new WebAssembly.Instance(m.message.module, { env: { memory, sin: Math.sin, cos: Math.cos } });
      rows.set(m.message.id, inst.exports.row);
    } catch (e) {
      // that kernel's jobs are left to the caller
    }
  }
}
// a claimed job: counted as helped, or the round marked failed (the caller then runs every job again); done either way
function finish(run) {
  try {
    run();
    Atomics.add(ctl, ${CTL.helped}, 1);
  } catch (e) {
    Atomics.store(ctl, ${CTL.failed}, 1);
  }
  Atomics.add(ctl, ${CTL.done}, 1);
  Atomics.notify(ctl, ${CTL.done});
}
Atomics.store(ctl, ${CTL.ready}, 1);
Atomics.notify(ctl, ${CTL.ready});
for (;;) {
  receive();
  const w = Atomics.load(claim, 0);
  const count = Number((w >> 16n) & 0xffffn), next = Number(w & 0xffffn);
  if (next >= count) { Atomics.wait(claim, 0, w, 50); continue; }
  if (ctl[${CTL.kind}] === ${GEMM}) {
    const job = [ctl[${CTL.type}], ctl[${CTL.A}], ctl[${CTL.B}], ctl[${CTL.C}], ctl[${CTL.K}], ctl[${CTL.Np}], ctl[${CTL.M}], ctl[${CTL.rowChunk}], ctl[${CTL.rowParts}], ctl[${CTL.colChunk}], ctl[${CTL.kBlock}], ctl[${CTL.mBlock}], ctl[${CTL.packB}], ctl[${CTL.bSrc}], ctl[${CTL.bRowStride}], ctl[${CTL.bColStride}]];
    if (Atomics.compareExchange(claim, 0, w, w + 1n) !== w) continue;
    finish(() => gemmJob(gemm[job[0]], job, next));
    continue;
  }
  const id = ctl[${CTL.id}];
  // a kernel whose module is not instantiated here yet is left to the caller
  if (!rows.has(id)) { Atomics.wait(claim, 0, w, 50); continue; }
  const callsPtr = ctl[${CTL.calls}], k = ctl[${CTL.nArgs}], resPtr = ctl[${CTL.results}], boundsPtr = ctl[${CTL.bounds}];
  if (Atomics.compareExchange(claim, 0, w, w + 1n) !== w) continue;
  finish(() => {
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
  });
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

/**
 * A product's round: C (M x Np) = A B at byte addresses A, B, C of gemm
 * memory `type`; job j covers rows `(j % rowParts) * rowChunk` onwards
 * (rowChunk of them) of columns `floor(j / rowParts) * colChunk` onwards
 * (colChunk of them).
 */
export interface GemmRound {
  readonly type: number;
  readonly A: number;
  readonly B: number;
  readonly C: number;
  readonly K: number;
  readonly Np: number;
  readonly M: number;
  readonly rowChunk: number;
  readonly rowParts: number;
  readonly colChunk: number;
  readonly kBlock: number;
  readonly mBlock: number;
  readonly jobs: number;
  /**
   * Where each job packs its own panels of B first (one row range per job,
   * so no two jobs share a panel): Bᵀ's rows (B's columns) at byte `src`,
   * `rowStride` and `colStride` bytes apart, into the panels at `B`.
   */
  readonly packB?: { readonly src: number; readonly rowStride: number; readonly colStride: number };
}

/** Job j of a product, on this thread (the helper runs the same code, `GEMM_JOB`). */
export function gemmJob(e: GemmExports, p: GemmRound, j: number): void {
  const r0 = (j % p.rowParts) * p.rowChunk;
  const r1 = Math.min(p.M, r0 + p.rowChunk);
  const c0 = Math.floor(j / p.rowParts) * p.colChunk;
  const c1 = Math.min(p.Np, c0 + p.colChunk);
  if (p.packB) {
    const es = p.type === 0 ? 4 : 8;
    const b = p.packB;
    packOperand(e, es, b.src + c0 * b.rowStride, b.rowStride, b.colStride, c1 - c0, p.K, p.B + c0 * p.K * es, p.type === 0 ? 3 : 2);
  }
  const full = r1 - ((r1 - r0) % 4);
  for (let k0 = 0; k0 < p.K; k0 += p.kBlock) {
    const kl = Math.min(p.kBlock, p.K - k0);
    for (let r = r0; r < full; r += p.mBlock) e.gemm4(p.A, p.B, p.C, p.K, p.Np, r, Math.min(full, r + p.mBlock), k0, kl, c0, c1);
    if (full < r1) e.gemm1(p.A, p.B, p.C, p.K, p.Np, full, r1, k0, kl, c0, c1);
  }
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

export class HelperThread {
  readonly #ctl: Int32Array;
  readonly #claim: BigInt64Array;
  readonly #port: PortLike;
  #round = 0n;

  private constructor(ctl: Int32Array, claim: BigInt64Array, port: PortLike) {
    this.#ctl = ctl;
    this.#claim = claim;
    this.#port = port;
  }

  static create(): HelperThread | null {
    const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
    const wt = proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined;
    if (!wt || !arena.shared) return null;
    const control = new SharedArrayBuffer(32 * 4);
    const claim = new SharedArrayBuffer(8);
    const { port1, port2 } = new wt.MessageChannel();
    const gemms = gemmInstances();
    const workerData = {
      control,
      claim,
      memory: arena.memory,
      port: port2,
      gemmModules: gemms.map((g) => g.module),
    };
    const worker = new wt.Worker(WORKER_SOURCE, { eval: true, workerData, transferList: [port2] });
    worker.unref();
    // the port must not keep the process alive either
    port1.unref();
    return new HelperThread(new Int32Array(control), new BigInt64Array(claim), port1);
  }

  /** Jobs the helper has run to the end so far (for tests: one that threw, left to the caller, is not counted). */
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

  /** Forget kernel `id`, collected in the calling thread: the helper drops its instance (it would otherwise keep every kernel ever loaded). */
  unload(id: number): void {
    this.#port.postMessage({ id, drop: true });
  }

  /**
   * Run a round: `run(j)` runs job j on this thread. Jobs are claimed by
   * either thread; returns when all are done. If a job failed in the
   * helper, every job is run again here (they only write their own results).
   */
  runRound(r: Round, run: (job: number) => void): void {
    const c = this.#ctl;
    c[CTL.kind] = VECTOR;
    c[CTL.id] = r.id;
    c[CTL.calls] = r.callsPtr;
    c[CTL.nArgs] = r.nArgs;
    c[CTL.results] = r.resultsPtr;
    c[CTL.bounds] = r.boundsPtr;
    this.#run(r.jobs, run);
  }

  /** Run a product's jobs (see `gemmJob`) on both threads; `e` is this thread's instance of the gemm of type `p.type`. */
  runGemm(p: GemmRound, e: GemmExports): void {
    const c = this.#ctl;
    c[CTL.kind] = GEMM;
    c[CTL.type] = p.type;
    c[CTL.A] = p.A;
    c[CTL.B] = p.B;
    c[CTL.C] = p.C;
    c[CTL.K] = p.K;
    c[CTL.Np] = p.Np;
    c[CTL.M] = p.M;
    c[CTL.rowChunk] = p.rowChunk;
    c[CTL.rowParts] = p.rowParts;
    c[CTL.colChunk] = p.colChunk;
    c[CTL.kBlock] = p.kBlock;
    c[CTL.mBlock] = p.mBlock;
    c[CTL.packB] = p.packB ? 1 : 0;
    c[CTL.bSrc] = p.packB?.src ?? 0;
    c[CTL.bRowStride] = p.packB?.rowStride ?? 0;
    c[CTL.bColStride] = p.packB?.colStride ?? 0;
    this.#run(p.jobs, (j) => gemmJob(e, p, j));
  }

  #run(jobs: number, run: (job: number) => void): void {
    const c = this.#ctl;
    c[CTL.failed] = 0;
    Atomics.store(c, CTL.done, 0);
    this.#round++;
    const base = (this.#round << 32n) | (BigInt(jobs) << 16n);
    Atomics.store(this.#claim, 0, base);
    Atomics.notify(this.#claim, 0);
    for (;;) {
      const w = Atomics.load(this.#claim, 0);
      const next = Number(w & 0xffffn);
      if (next >= jobs) break;
      if (Atomics.compareExchange(this.#claim, 0, w, w + 1n) !== w) continue;
      run(next);
      Atomics.add(c, CTL.done, 1);
    }
    for (let d = Atomics.load(c, CTL.done); d < jobs; d = Atomics.load(c, CTL.done)) Atomics.wait(c, CTL.done, d, 50);
    if (c[CTL.failed] !== 0) for (let j = 0; j < jobs; j++) run(j);
  }
}

let helper: HelperThread | null | undefined;

/** The helper thread, started on first need (the backend starts it when created); null where there are no threads. Not ready until it has booted. */
export function helperThread(): HelperThread | null {
  if (helper === undefined) helper = HelperThread.create();
  return helper;
}
