/**
 * What the scheduler (schedule.ts) makes and a backend compiles: the
 * program of one function graph for one set of input shapes. Its own file
 * so that each field can carry its own comment in the API reference
 * without pushing schedule.ts past the line limit.
 */
import type { GatherFusion } from '../core/backend.js';
import type { NDArray } from '../core/ndarray.js';
import type { TensorVariable } from '../core/variable.js';
import type { IndexCheck } from '../ops/check-index.js';
import type { IndexFlag } from './index-check-device.js';
import type { BufferSpec, InPlaceRequest, Step } from './kernel.js';
import type { Draw } from './lower.js';

/** A scheduled function graph for one set of input shapes: numbered buffers and the kernel launches over them, what a backend runs. */
export interface Program {
  /** Every buffer, indexed by buffer id. */ readonly buffers: BufferSpec[];
  /** The kernel launches, in the order they run. */ readonly steps: Step[];
  /** Buffer of each graph input (explicit inputs, then shared variables), in order. */
  readonly inputBuffers: number[];
  /**
   * Constant arrays to upload once; with `draw`, arrays the function
   * refills and uploads at each call instead (`value` is filled in place).
   */
  readonly constants: {
    /** The buffer the array goes into. */
    buffer: number;
    /** The array uploaded (a draw's is refilled in place before each upload). */
    value: NDArray;
    /** Present for random draws: what refills `value` at each call. */
    draw?: Draw;
  }[];
  /** Buffer and shape of each output. */
  readonly outputs: {
    /** The buffer holding the output, read back after the steps. */
    buffer: number;
    /** The output's shape for this program's input shapes. */
    shape: number[];
  }[];
  /** Buffer and shape of every node output (DebugMode keeps them all addressable). */
  readonly nodeValues: Map<
    TensorVariable,
    {
      /** The buffer holding the node output's value. */
      buffer: number;
      /** Its shape for this program's input shapes. */
      shape: number[];
    }
  >;
  /** What the backend compiling the program does with fused gathers (its `BackendInfo.gathers`): what the optimizer fuses. */
  readonly gathers?: GatherFusion;
  /** Updates that may be written over their shared variables' buffers (the optimizer's `inplace_updates`). */
  readonly inPlace?: InPlaceRequest;
  /** Indices among the inputs' values that the function checks before each call, before any kernel runs (CheckIndex). */
  readonly indexChecks?: readonly IndexCheck[];
  /** Indices the kernels compute, checked on the device: each flag is an output after the outputs asked for (index-check-device.ts). */
  readonly indexFlags?: readonly IndexFlag[];
  /** With updates written in place: the steps run before the flags are read, the rest after (index-check-split.ts). */
  readonly flagsReadAfter?: number;
}
