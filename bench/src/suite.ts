/** What one `--device` of the benchmark runs: its workloads, the implementation under test and what it is compared with. */
import type { Workload } from './workloads.js';

/** Device work counted during one call of a workload. */
export interface Counts {
  /** Compute dispatches (WebGPU `dispatchWorkgroups`). */
  readonly dispatches: number;
  /** Command-buffer submissions (`queue.submit`). */
  readonly submits: number;
  /** Buffers mapped for reading back to the host (`mapAsync` with READ). */
  readonly readbacks: number;
  /** Host-to-device writes (`queue.writeBuffer`). */
  readonly uploads: number;
}

export interface Counter {
  reset(): void;
  read(): Counts;
}

export interface Comparison {
  /** Column header, e.g. "sym vs best peer". */
  readonly label: string;
  /** Libraries whose best result the subject is compared with. */
  readonly peers: readonly string[];
}

export interface Suite {
  readonly device: 'cpu' | 'webgpu' | 'gpujs';
  /** The implementation under test (a `lib` of the workloads' impls). */
  readonly subject: string;
  readonly comparisons: readonly Comparison[];
  /** Start the device; returns a one-line description of what runs the kernels. */
  setup(): Promise<string>;
  readonly workloads: readonly Workload[];
  /** When present, each implementation's device work for one call is counted after timing. */
  readonly counter?: Counter;
  /** Minimum runs and time per measurement. */
  readonly timing: { readonly minRuns: number; readonly minMs: number };
  /** Lines for the doc: peers, sizes, what was compared, what could not run and why. */
  notes(quick: boolean): string[];
}
