/**
 * Kernel times measured by the device, for profiling: with the adapter's
 * 'timestamp-query' feature, every compute pass of a timed run writes a
 * timestamp when it begins and when it ends, and a launch's time is the sum
 * over its passes (a launch has one, or two when a copy of packed inputs
 * or a split epilogue's scratch falls between its dispatches; the copies
 * themselves are not timed). Unlike waiting for the device after each
 * launch, this times the launches as an unprofiled call submits them: all
 * at once, with no submit or wait of its own in any kernel's time.
 */

const QUERY_RESOLVE = 0x200;
const COPY_SRC = 0x04;
const COPY_DST = 0x08;
const MAP_READ = 0x01;

/** WebGPU's limit on the queries of one query set. */
const MAX_QUERIES = 4096;
/** Launches per timed submit: each has at most two passes, each pass two queries. */
export const MAX_TIMED_LAUNCHES = MAX_QUERIES / 4;

/** The timestamps of one timed run's passes: made per run (profiling only), destroyed when read. */
export class PassTimer {
  /** The launch each pass belongs to, in the order the passes begin. */
  readonly #launchOf: number[] = [];
  readonly #querySet: GPUQuerySet;
  readonly #resolved: GPUBuffer;
  readonly #readback: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    private readonly launches: number,
  ) {
    if (launches > MAX_TIMED_LAUNCHES) throw new RangeError(`webgpu: a timed run takes at most ${MAX_TIMED_LAUNCHES} launches, got ${launches}`);
    const count = Math.max(4 * launches, 2);
    this.#querySet = device.createQuerySet({ type: 'timestamp', count });
    this.#resolved = device.createBuffer({ size: 8 * count, usage: QUERY_RESOLVE | COPY_SRC });
    this.#readback = device.createBuffer({ size: 8 * count, usage: MAP_READ | COPY_DST });
  }

  /** The descriptor of the next compute pass, which belongs to launch `launch`. */
  pass(launch: number): GPUComputePassDescriptor {
    const q = 2 * this.#launchOf.length;
    this.#launchOf.push(launch);
    return { timestampWrites: { querySet: this.#querySet, beginningOfPassWriteIndex: q, endOfPassWriteIndex: q + 1 } };
  }

  /** Copy the timestamps out, at the end of the run's commands. */
  resolve(encoder: GPUCommandEncoder): void {
    const n = 2 * this.#launchOf.length;
    if (n === 0) return;
    encoder.resolveQuerySet(this.#querySet, 0, n, this.#resolved, 0);
    encoder.copyBufferToBuffer(this.#resolved, 0, this.#readback, 0, 8 * n);
  }

  /**
   * Each launch's time (ms) once the run's commands are done; 0 for a
   * launch with no pass (an empty kernel). A pass whose end reads before
   * its beginning (a device's clocks may be coarse) counts 0.
   */
  async read(): Promise<number[]> {
    const times = new Array<number>(this.launches).fill(0);
    try {
      const n = 2 * this.#launchOf.length;
      if (n === 0) return times;
      await this.#readback.mapAsync(MAP_READ, 0, 8 * n);
      const stamps = new BigUint64Array(this.#readback.getMappedRange(0, 8 * n).slice(0));
      this.#readback.unmap();
      this.#launchOf.forEach((launch, p) => {
        const ns = Number(stamps[2 * p + 1]! - stamps[2 * p]!);
        times[launch]! += ns > 0 ? ns / 1e6 : 0;
      });
      return times;
    } finally {
      this.destroy();
    }
  }

  /** Free the query set and buffers (after `read`, or when the run could not be encoded). */
  destroy(): void {
    this.#querySet.destroy();
    this.#resolved.destroy();
    this.#readback.destroy();
  }
}
