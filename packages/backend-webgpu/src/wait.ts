/**
 * Waiting for the GPU without taking a CPU core from it.
 *
 * Dawn in Node (the `webgpu` package) settles its promises by polling: while
 * any is pending it runs on every turn of the event loop (`setImmediate`),
 * so the main thread is busy for as long as the GPU works. On a software
 * adapter (lavapipe) the GPU is this machine's cores, and the poll takes one
 * of them from the kernels: W2 on lavapipe took 500-610 ms per step with the
 * read waiting at once, 335-350 ms with it sleeping first (docs/benchmarks.md).
 * On a hardware GPU the poll still holds a core that the rest of the program
 * could use.
 *
 * So a read that follows a run first sleeps through most of the time the
 * same launches took the last time they ran (a training step repeats its
 * launches), and only then maps its buffer. The time a timer fires late (a
 * busy event loop) is not counted as the GPU's: otherwise a late timer would
 * raise the next sleep, and that one's lateness the next. So when the GPU
 * gets faster, the expectation falls by a quarter per call until a read
 * wakes before the GPU is done; when it gets slower, it rises at once.
 * The first run of a launch list is not measured: it includes compiling
 * its pipelines (on lavapipe, 0.2-0.5 s a kernel), and the quarter-a-call
 * fall would have later calls sleep through most of that for dozens of
 * calls.
 * Browsers settle mapAsync without polling, so there is no sleep there.
 */

/** The share of the expected wait spent asleep. */
const SLEEP_SHARE = 0.75;
/** Sleeps shorter than this are left out: a timer can overshoot by a millisecond. */
const MIN_SLEEP_MS = 4;

// Timers and the clock are in browsers and Node alike, but the package is built with
// no environment's types (only @webgpu/types): reach them through globalThis.
const host = globalThis as unknown as {
  setTimeout(callback: () => void, ms: number): unknown;
  performance: { now(): number };
};
const timer = (ms: number) => new Promise<void>((resolve) => host.setTimeout(resolve, ms));

export class GpuWaits {
  /** The last measured wait, from submit to mapped, of each launch list. */
  readonly #expected = new WeakMap<object, number>();
  /** Launch lists that have run once (their first wait is left unmeasured). */
  readonly #ran = new WeakSet<object>();
  #submitted: { launches: object; at: number } | undefined;
  /** Reads that slept before mapping. */
  slept = 0;

  /**
   * `polls`: whether waiting polls (Dawn in Node); without it no read
   * sleeps. `now` (the clock, in ms) and `sleep` are for tests.
   */
  constructor(
    private readonly polls: boolean,
    private readonly now: () => number = () => host.performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = timer,
  ) {}

  /** `launches` were just submitted. */
  submitted(launches: object): void {
    this.#submitted = { launches, at: this.now() };
  }

  /** How long the read that follows `launches` will sleep before mapping (ms; 0 for none). */
  sleepBefore(launches: object, elapsed: number): number {
    const expected = this.#expected.get(launches);
    if (!this.polls || expected === undefined) return 0;
    const ms = SLEEP_SHARE * expected - elapsed;
    return ms >= MIN_SLEEP_MS ? ms : 0;
  }

  /** Run `map` (a mapAsync), first sleeping where the last run's launches are expected to keep the GPU busy. */
  async map(map: () => Promise<void>): Promise<void> {
    const last = this.#submitted;
    // only the first read after a run waits for its launches; later reads find them done
    this.#submitted = undefined;
    if (!last) return map();
    const before = this.now() - last.at;
    const ms = this.sleepBefore(last.launches, before);
    if (ms > 0) {
      this.slept++;
      await this.sleep(ms);
    }
    const woke = this.now();
    await map();
    if (!this.#ran.has(last.launches)) {
      this.#ran.add(last.launches);
      return;
    }
    // the sleep as asked for, not as long as the timer took
    this.#expected.set(last.launches, before + ms + (this.now() - woke));
  }
}
