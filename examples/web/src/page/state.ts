/** What the demo page exposes on `window.symDemo`, for people in the console and for the end-to-end test. */
export interface DemoState {
  /** `loading` until the first iteration, `done` after the last, `error` when anything failed. */
  status: 'loading' | 'training' | 'done' | 'error';
  /** The device named by the query (`webgpu`, `gpujs`, `cpu`). */
  device: string;
  /** What the backend says it runs on (the WebGPU adapter, the gpu.js kernel class, ...). */
  adapterInfo: string;
  floatX: string;
  /** Iterations done. */
  iteration: number;
  /** Iterations the run stops after (`?iterations=`). */
  iterations: number;
  /** The cost `train` returned at each iteration (before that iteration's update, as in the tutorial). */
  costs: number[];
  /** Accuracy after each iteration. */
  accuracies: number[];
  /** The latest accuracy (NaN before the first iteration). */
  accuracy: number;
  /** Wall time of each iteration (train, output at the points and over the grid, drawing), in ms. */
  iterationMs: number[];
  /** Mean of `iterationMs` after the first iteration (which compiles the kernels), in ms; NaN before the second. */
  msPerIteration: number;
  /** The error message when `status` is `error`. */
  error?: string;
}

export interface ConformanceResult {
  readonly name: string;
  readonly group: string;
  readonly ok: boolean;
  readonly error?: string;
}

/** What the conformance page exposes on `window.symConformance`. */
export interface ConformanceState {
  status: 'running' | 'done' | 'error';
  device: string;
  adapterInfo: string;
  results: ConformanceResult[];
  /** How many cases of the whole suite (for the dtypes the page tests) the subset leaves out. */
  leftOut: number;
  /** Cases not run because SwiftShader flushes the float32 subnormals they check (subset.ts). */
  flushed?: number;
  /** Cases not run because gpu.js's shaders drop the sign of a zero product or quotient they check (subset.ts). */
  signFolded?: number;
  /**
   * On a device without float16 (WebGPU without `shader-f16`, as
   * SwiftShader): the errors a float16 argument and a float16 shared
   * variable got. Absent where the device holds float16.
   */
  float16Refused?: { argument: string; shared: string };
  error?: string;
}

declare global {
  interface Window {
    symDemo?: DemoState;
    symConformance?: ConformanceState;
  }
}
