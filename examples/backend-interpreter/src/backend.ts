/**
 * `interp`: a sym backend written by a third party against the published
 * `Backend` interface of `@sym/graph` alone. Device buffers are host typed
 * arrays (each dtype's `STORAGE`), and `compile` keeps the kernel for
 * `interpret.ts` to walk at each launch: no code generation, no caching,
 * nothing to initialise.
 */
import type { Backend, BackendInfo, DType, DeviceBuffer, Executable, Kernel, Launch, TypedArray } from '@sym/graph';
import { DTYPES, allocate } from '@sym/graph';
import { runElementwise, runMatmul, runReduce } from './interpret.js';

/** A buffer of this backend: its host array. */
interface HostBuffer extends DeviceBuffer {
  readonly data: TypedArray;
}

/** A compiled kernel: the kernel and the function that runs it. */
interface Interpreted extends Executable {
  readonly execute: (inputs: readonly TypedArray[], out: TypedArray) => void;
}

function hostData(b: DeviceBuffer): TypedArray {
  const data = (b as Partial<HostBuffer>).data;
  if (!data) throw new Error(`interp: expected a buffer this backend allocated, got ${b.dtype} of ${b.size} elements without host data`);
  return data;
}

export class InterpreterBackend implements Backend {
  #live = 0;

  /** `name` is what `config.device` selects it by. */
  constructor(readonly name = 'interp') {}

  describe(): BackendInfo {
    // no `kernels`: the optional library kernels (sort, scatter-add) reach us as elementwise ones;
    // `evaluate` reads a gather in any expression, a reduction's too, at one element's cost as any read
    return { name: this.name, device: 'kernel IR interpreter on host typed arrays', dtypes: DTYPES, sync: true, gathers: { inReductions: true } };
  }

  alloc(dtype: DType, size: number): HostBuffer {
    this.#live++;
    return { dtype, size, data: allocate(dtype, size) };
  }

  write(buffer: DeviceBuffer, data: TypedArray): void {
    const dst = hostData(buffer);
    if (data.length !== dst.length) throw new Error(`interp: write of ${data.length} elements into a buffer of ${dst.length}`);
    dst.set(data);
  }

  readSync(buffer: DeviceBuffer): TypedArray {
    return hostData(buffer).slice();
  }

  async read(buffer: DeviceBuffer): Promise<TypedArray> {
    return this.readSync(buffer);
  }

  free(): void {
    this.#live--;
  }

  liveBuffers(): number {
    return this.#live;
  }

  compile(kernel: Kernel): Interpreted {
    switch (kernel.kind) {
      case 'elementwise':
        return { kernel, execute: (ins, out) => runElementwise(kernel, ins, out) };
      case 'reduce':
        return { kernel, execute: (ins, out) => runReduce(kernel, ins, out) };
      case 'matmul':
        return { kernel, execute: (ins, out) => runMatmul(kernel, ins, out) };
      case 'sort':
      case 'scatterAdd':
        // only backends listing 'sort' ('scatterAdd') in describe().kernels are sent one
        throw new Error(`interp: a ${kernel.kind} kernel, which describe().kernels does not list`);
    }
  }

  run(launches: readonly Launch[]): void {
    for (const { exe, inputs, output } of launches) {
      (exe as Interpreted).execute(inputs.map(hostData), hostData(output));
    }
  }
}
