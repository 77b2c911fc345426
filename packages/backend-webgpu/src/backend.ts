/**
 * The WebGPU backend: buffers are GPU storage buffers (one 32-bit word per
 * element, see `dtypes.ts`), kernels are WGSL compute pipelines, a run
 * encodes every launch into one command encoder and submits once, and reads
 * copy into a mappable staging buffer. Freed buffers go back to a pool keyed
 * by size, so a training loop that repeats the same calls allocates nothing
 * after its first step.
 *
 * WebGPU reports validation errors asynchronously: they are collected with
 * error scopes and thrown from the next `read`, which every call awaits.
 */
import type { Backend, BackendInfo, DType, DeviceBuffer, Executable, Kernel, Launch, MatmulKernel, SortKernel, TypedArray } from '@sym/graph';
import { kernelOutputSize, splitEpilogue } from '@sym/graph';
import { FLOAT64_ADVICE, WEBGPU_DTYPES, bufferBytes, deviceAcc, fromDevice, toDevice } from './dtypes.js';
import { describeAdapter, findGpu, isNode, isSoftwareAdapter, isSwiftShader, noAdapterMessage, noDeviceMessage } from './gpu.js';
import { GpuWaits } from './wait.js';
import { BufferPool, ShaderCaches } from './caches.js';
import { MAX_TIMED_LAUNCHES, PassTimer } from './timestamps.js';
import { renderKernel, type RenderedKernel, type RenderLimits } from './render.js';
import { checkMatmulTile, defaultMatmulTile, inlinesEpilogue, planMatmul, splitKReduce, type MatmulTile } from './matmul.js';
import { planSort, type SortPass } from './sort.js';
import { planScatter } from './scatter.js';

interface GpuBuffer extends DeviceBuffer {
  readonly gpu: GPUBuffer;
  readonly bytes: number;
  freed: boolean;
}
/** A kernel compiled by {@link WebGpuBackend.compile}: its WGSL, pipeline and, for split kernels, the dispatches run after it. */
export interface WebGpuExecutable extends Executable {
  /** The compute pipeline of `rendered.code`, shared by kernels that render alike. */ readonly pipeline: GPUComputePipeline;
  /** The pipeline's bind group layout (inputs, output, then `params` when present). */ readonly layout: GPUBindGroupLayout;
  /** The WGSL and dispatch size this executable runs. */ readonly rendered: RenderedKernel;
  /** The uniform holding `rendered.params`, bound after the output, when the kernel reads its integers at run time. */
  readonly params?: GPUBuffer;
  /** The kernel's epilogue as a second dispatch (`inlinesEpilogue`): this executable then computes the product alone into a scratch buffer of `then.kernel`'s last input, which `then` reads after the launch inputs.
   * A matmul split over k (matmul.ts's `planMatmul`) runs so too: this executable computes the partial products, `then` sums them. */
  readonly then?: WebGpuExecutable;
  /** Elements of the scratch buffer between this executable and `then`, when not the output's (a split matmul's partial products). */
  readonly scratch?: number;
  /** A sort kernel's dispatches (sort.ts), run in order in place of this one, sharing a scratch buffer of `scratchWords` u32 words. */
  readonly sort?: {
    /** The passes in order, each with its pipeline. */ readonly passes: readonly (SortPass & {
      /** The pass's compiled pipeline. */ readonly exe: WebGpuExecutable;
    })[];
    /** u32 words of the shared scratch buffer. */ readonly scratchWords: number;
  };
  /** A scatter-add kernel's adding pass (scatter.ts), after this executable (the base into the output, or with `finish` -0 into the sums) and `convert`'s values into scratch; `finish` adds the sums to the base. */
  readonly scatter?: {
    /** Adds each value into its index's row. */ readonly add: WebGpuExecutable;
    /** Writes the values to add into scratch first, when they need converting. */ readonly convert?: WebGpuExecutable;
    /** Adds the sums to the base, when the sums were made apart from it (float32). */ readonly finish?: WebGpuExecutable;
  };
}
/** Options of {@link WebGpuBackend}'s constructor; every field has a default. */
export interface WebGpuOptions {
  /** Flags for Dawn's `create` in Node (for example `backend=opengles`). */
  readonly dawnFlags?: readonly string[];
  /** `core` (default) or `compatibility` (OpenGL ES drivers). */
  readonly featureLevel?: 'core' | 'compatibility';
  /** Work per workgroup of the tiled matmul, for tuning to a device (default {@link DEFAULT_MATMUL_TILE}, or {@link SOFTWARE_MATMUL_TILE} on a software adapter);
   * checked against the device's limits when the backend initialises. */
  readonly matmulTile?: MatmulTile;
  /**
   * When a small elementwise or reduce kernel, or a matmul, reads its lengths, strides,
   * offsets and integer constants from a uniform instead of having them in
   * its code, so that kernels that differ only in those share one pipeline
   * (params.ts). `'repeated'` (the default): an elementwise or reduce kernel
   * once one differs from an earlier one only in those numbers, and each
   * such kernel after it; matmuls keep their numbers. `'always'`: every
   * kernel, matmuls too (fewer shaders at several batch sizes, but slower
   * products: a parametric matmul checks every bound). `'never'`.
   */
  readonly parametric?: 'repeated' | 'always' | 'never';
  /**
   * Run sorts as the kernel IR's sort kernel (sort.ts; true, the default),
   * or, false, as the network of elementwise kernels a backend without it
   * gets (for tests and benchmarks).
   */
  readonly sortKernels?: boolean;
  /** Run the increments of repeated indices as scatter-add kernels (scatter.ts; true, the default), or, false, as a sort and a segmented scan. */
  readonly scatterKernels?: boolean;
}

/** Counters for tests and benchmarks: memory held flat means `created` stops growing. */
export interface WebGpuStats {
  /** Buffers handed out by `alloc` and not yet freed. */
  readonly live: number;
  /** Freed buffers kept for reuse (256 MiB of them at most, the sizes pooled first destroyed first). */
  readonly pooled: number;
  /** Storage buffers ever created on the device. */
  readonly created: number;
  /** Bytes held on the device in storage buffers (live and pooled). */
  readonly bytes: number;
  /** Reads that slept through the GPU's expected work before mapping, instead of polling (Node only; see wait.ts). */
  readonly slept: number;
  /** Compute pipelines made, one per distinct shader: kernels that render alike (params.ts) share one while it is cached. */
  readonly pipelines: number;
  /** Pipelines cached now: those executables still hold (a collected function's go) and the latest 32 made or reused. */
  readonly cachedPipelines: number;
  /** Kernels compiled (`compile` calls, split epilogues counted once each), pipelines shared or not. */
  readonly kernels: number;
}

const STORAGE_USAGE = 0x80 | 0x04 | 0x08; // STORAGE | COPY_SRC | COPY_DST
const STAGING_USAGE = 0x01 | 0x08; // MAP_READ | COPY_DST
const UNIFORM_USAGE = 0x40 | 0x08; // UNIFORM | COPY_DST
const MAP_READ = 0x01;
const POOLED_BYTES = 256 * 2 ** 20;
/** The WebGPU backend (`device=webgpu`): WGSL kernels rendered from the kernel IR, on Dawn in Node and `navigator.gpu` in browsers; no float64 (set floatX=float32). */
export class WebGpuBackend implements Backend {
  readonly #options: WebGpuOptions;
  #device: GPUDevice | undefined;
  #description = 'WebGPU (not initialised)';
  /** The dtypes this device holds: float16 too where the adapter has `shader-f16`. */
  #dtypes: readonly DType[] = WEBGPU_DTYPES;
  /** The tiled matmul's tile: the option, else the adapter's default (set by init). */
  #matmulTile: MatmulTile | undefined;
  #lost: string | undefined;
  /** One more at each dispose(): which device buffers and executables belong to (`Backend.generation`). */ #generation = 0;
  #errors: string[] = [];
  #scopes: Promise<string | undefined>[] = [];
  /** Freed storage and staging buffers by size, for reuse: 256 MiB of each at most. */
  readonly #pool = new BufferPool<GPUBuffer>(POOLED_BYTES);
  readonly #staging = new BufferPool<GPUBuffer>(POOLED_BYTES);
  /** The buffers this device made: a function collected after dispose() frees buffers of a destroyed device, which no pool may take. */ #made = new WeakSet<GPUBuffer>();
  readonly #layouts = new Map<string, GPUBindGroupLayout>();
  /** Pipelines by their WGSL, and the numbers of the first kernel rendered to each parametric shader (caches.ts). */
  readonly #shaders = new ShaderCaches<GPUComputePipeline>();
  #kernels = 0;
  /** The partial-product halves of split matmuls (`compile`), which render split. */
  readonly #partialProducts = new WeakSet<Kernel>();
  /** Bind groups per executable, keyed by the ids of the buffers they bind. */
  #groups = new WeakMap<WebGpuExecutable, Map<string, GPUBindGroup>>();
  readonly #ids = new WeakMap<GPUBuffer, number>();
  #lastId = 0;
  /** Dawn in Node polls while it waits for the GPU: reads sleep first (wait.ts). */
  readonly #waits = new GpuWaits(isNode());
  #live = 0;
  #created = 0;
  #bytes = 0;

  constructor(options: WebGpuOptions = {}) {
    this.#options = options;
  }

  describe(): BackendInfo {
    const { sortKernels = true, scatterKernels = true } = this.#options;
    const kernels = [...(sortKernels ? (['sort'] as const) : []), ...(scatterKernels ? (['scatterAdd'] as const) : [])];
    // a gather is one more read of a storage buffer, in any kernel: fused whatever it computes beside
    return { name: 'webgpu', device: this.#description, dtypes: this.#dtypes, sync: false, kernels, gathers: { inReductions: true } };
  }

  async init(): Promise<void> {
    if (this.#device) return;
    const { gpu, origin } = await findGpu(this.#options.dawnFlags);
    const adapter = await gpu.requestAdapter(this.#options.featureLevel ? ({ featureLevel: this.#options.featureLevel } as GPURequestAdapterOptions) : undefined);
    if (!adapter) throw new Error(noAdapterMessage(origin));
    const a = adapter.limits;
    // before a device exists: a refused option leaves nothing to clean up
    if (this.#options.matmulTile) checkMatmulTile(this.#options.matmulTile, a);
    const f16 = adapter.features.has('shader-f16');
    // timestamps let a profile time kernels on the device (runTimed); nothing uses them otherwise
    const timestamps = adapter.features.has('timestamp-query');
    const device = await adapter.requestDevice({
      requiredFeatures: [...(f16 ? ['shader-f16' as const] : []), ...(timestamps ? ['timestamp-query' as const] : [])],
      requiredLimits: {
        maxStorageBuffersPerShaderStage: a.maxStorageBuffersPerShaderStage,
        maxStorageBufferBindingSize: a.maxStorageBufferBindingSize,
        maxBufferSize: a.maxBufferSize,
        maxComputeWorkgroupsPerDimension: a.maxComputeWorkgroupsPerDimension,
      },
    });
    void device.lost.then((info) => {
      // (a device dispose() destroyed is no longer this.#device)
      if (this.#device === device) this.#lost = `${info.reason}: ${info.message}`;
    });
    device.addEventListener('uncapturederror', (ev) => {
      this.#errors.push((ev as GPUUncapturedErrorEvent).error.message);
    });
    this.#device = device;
    this.#dtypes = f16 ? [...WEBGPU_DTYPES, 'float16'] : WEBGPU_DTYPES;
    this.#description = describeAdapter(adapter, origin);
    // lavapipe's tile: SwiftShader, in Chromium, lost the device compiling it (see SOFTWARE_MATMUL_TILE)
    this.#matmulTile = this.#options.matmulTile ?? defaultMatmulTile(isSoftwareAdapter(adapter) && !isSwiftShader(adapter));
  }

  /** Which device this backend's buffers and compiled kernels belong to: one more after each `dispose()` (see `Backend.generation`). */
  get generation(): number {
    return this.#generation;
  }

  /** The device, or a clear error when there is none (not initialised, lost, disposed). */
  get device(): GPUDevice {
    if (this.#lost) throw new Error(`device=webgpu: the WebGPU device was lost (${this.#lost}); values on it are gone. Call webgpu.dispose(), then await webgpu.init() for a new device, or use device=cpu.`);
    if (!this.#device) throw new Error(noDeviceMessage(this.#generation > 0));
    return this.#device;
  }

  alloc(dtype: DType, size: number): GpuBuffer {
    if (dtype === 'float16' && !this.#dtypes.includes(dtype)) {
      throw new TypeError("device=webgpu cannot hold float16 data: this adapter lacks the 'shader-f16' feature. Cast to float32.");
    }
    if (!this.#dtypes.includes(dtype)) throw new TypeError(`device=webgpu cannot hold ${dtype} data. ${FLOAT64_ADVICE}.`);
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`webgpu.alloc: size must be a non-negative integer, got ${size}`);
    const device = this.device;
    const bytes = bufferBytes(dtype, size);
    const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    if (bytes > limit) {
      throw new RangeError(`device=webgpu: a buffer of ${size} ${dtype} elements needs ${bytes} bytes, more than this device's limit of ${limit} bytes per storage buffer`);
    }
    let gpu = this.#pool.take(bytes);
    if (!gpu) {
      gpu = device.createBuffer({ size: bytes, usage: STORAGE_USAGE });
      this.#made.add(gpu);
      this.#created++;
      this.#bytes += bytes;
    }
    this.#live++;
    return { dtype, size, gpu, bytes, freed: false };
  }

  write(buffer: DeviceBuffer, data: TypedArray): void {
    const b = this.#own(buffer, 'write');
    if (data.length !== b.size) throw new RangeError(`webgpu.write: the buffer holds ${b.size} elements, got ${data.length}`);
    if (b.size === 0) return;
    const words = toDevice(b.dtype, data);
    this.device.queue.writeBuffer(b.gpu, 0, words.buffer, words.byteOffset, words.byteLength);
  }

  async read(buffer: DeviceBuffer): Promise<TypedArray> {
    const b = this.#own(buffer, 'read');
    const device = this.device;
    let result: TypedArray;
    if (b.size === 0) result = fromDevice(b.dtype, new ArrayBuffer(0), 0);
    else {
      const staging = this.#staging.take(b.bytes) ?? device.createBuffer({ size: b.bytes, usage: STAGING_USAGE });
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(b.gpu, 0, staging, 0, b.bytes);
      device.queue.submit([encoder.finish()]);
      try {
        await this.#waits.map(() => staging.mapAsync(MAP_READ));
      } catch (e) {
        await this.#throwPending();
        throw new Error(`device=webgpu: reading a buffer back failed: ${(e as Error).message}`);
      }
      result = fromDevice(b.dtype, staging.getMappedRange().slice(0), b.size);
      staging.unmap();
      this.#staging.give(b.bytes, staging);
    }
    await this.#throwPending();
    return result;
  }

  free(buffer: DeviceBuffer): void {
    const b = this.#own(buffer, 'free');
    if (!this.#made.has(b.gpu)) return;
    b.freed = true;
    this.#live--;
    this.#bytes -= this.#pool.give(b.bytes, b.gpu);
  }

  liveBuffers(): number {
    return this.#live;
  }

  /**
   * Resolve when the device has finished every submitted launch: a profile
   * waits for it after each launch, so that a kernel's time is its own (plus
   * one submit and one wait), not the time to encode it. Errors are left for
   * the next read, as after any run.
   */
  async finish(): Promise<void> {
    await this.device.queue.onSubmittedWorkDone();
  }

  /**
   * Run `launches` as `run` does, and resolve with each one's time (ms) as
   * the device's timestamp queries measured it (timestamps.ts), for
   * profiling; undefined, running nothing, on an adapter without
   * 'timestamp-query'. Errors are thrown, as from a read.
   */
  runTimed(launches: readonly Launch[]): Promise<number[]> | undefined {
    const device = this.device;
    if (!device.features.has('timestamp-query')) return undefined;
    return (async () => {
      const times: number[] = [];
      for (let at = 0; at < launches.length; at += MAX_TIMED_LAUNCHES) {
        const chunk = launches.slice(at, at + MAX_TIMED_LAUNCHES);
        const timer = new PassTimer(device, chunk.length);
        device.pushErrorScope('validation');
        const temps: GpuBuffer[] = [];
        try {
          this.#encode(device, chunk, temps, timer);
        } catch (e) {
          timer.destroy();
          throw e;
        } finally {
          for (const t of temps) this.free(t);
          this.#scope('running kernels');
        }
        times.push(...(await timer.read()));
        await this.#throwPending();
      }
      return times;
    })();
  }
  /** The backend's buffer, pipeline and kernel counters now (a fresh object each call). */
  stats(): WebGpuStats {
    return { live: this.#live, pooled: this.#pool.count(), created: this.#created, bytes: this.#bytes, slept: this.#waits.slept, pipelines: this.#shaders.pipelines.made, cachedPipelines: this.#shaders.pipelines.size(), kernels: this.#kernels };
  }

  compile(kernel: Kernel): WebGpuExecutable {
    if (kernel.kind === 'matmul' && !this.#partialProducts.has(kernel)) {
      // a long k over few output blocks: partial products of slices of k, then a sum of them carrying the epilogue
      const plan = planMatmul(kernel, this.#matmulTile!);
      if (plan && plan.splits > 1) {
        const { epilogue: _, ...product } = kernel;
        const partials: MatmulKernel = { ...product, inputs: [kernel.inputs[0], kernel.inputs[1]], out: deviceAcc(kernel.acc) };
        this.#partialProducts.add(partials);
        const scratch = plan.splits * kernel.batch * kernel.m * kernel.n;
        return { ...this.compile(partials), kernel, then: this.compile(splitKReduce(kernel, plan)), scratch };
      }
    }
    if (kernel.kind === 'matmul' && kernel.epilogue && !inlinesEpilogue(kernel, this.#matmulTile!)) {
      const { first, epilogue } = splitEpilogue({ ...kernel, epilogue: kernel.epilogue });
      return { ...this.compile(first), kernel, then: this.compile(epilogue) };
    }
    if (kernel.kind === 'sort') return this.#compileSort(kernel);
    if (kernel.kind === 'scatterAdd') {
      const plan = planScatter(kernel, { maxWorkgroupsPerDimension: this.device.limits.maxComputeWorkgroupsPerDimension });
      const layout = this.#layout(3, false);
      const add: WebGpuExecutable = { kernel, pipeline: this.#pipeline(kernel, plan.add.code, layout), layout, rendered: plan.add };
      return { ...this.compile(plan.init), kernel, scatter: { add, ...(plan.convert && { convert: this.compile(plan.convert) }), ...(plan.finish && { finish: this.compile(plan.finish) }) } };
    }
    const device = this.device;
    this.#kernels++;
    const rendered = this.#render(
      kernel,
      {
        maxWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension,
        maxStorageBuffers: device.limits.maxStorageBuffersPerShaderStage,
        matmulTile: this.#matmulTile,
      },
      this.#partialProducts.has(kernel),
    );
    const n = (rendered.packing ? rendered.packing.binding + 1 : kernel.inputs.length) + 1;
    const layout = this.#layout(n, rendered.params !== undefined);
    const pipeline = this.#pipeline(kernel, rendered.code, layout);
    if (!rendered.params) return { kernel, pipeline, layout, rendered };
    const params = device.createBuffer({ size: rendered.params.byteLength, usage: UNIFORM_USAGE });
    device.queue.writeBuffer(params, 0, rendered.params.buffer, rendered.params.byteOffset, rendered.params.byteLength);
    return { kernel, pipeline, layout, rendered, params };
  }

  /** The pipeline of shader `code`, made once. */
  #pipeline(kernel: Kernel, code: string, layout: GPUBindGroupLayout): GPUComputePipeline {
    let pipeline = this.#shaders.pipelines.get(code);
    if (!pipeline) {
      const device = this.device;
      device.pushErrorScope('validation');
      const module = device.createShaderModule({ code });
      pipeline = device.createComputePipeline({
        layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: 'main' },
      });
      this.#scope(`compiling a ${kernel.kind} kernel to WGSL (a bug in @sym/backend-webgpu; the shader follows)`, code);
      this.#shaders.pipelines.set(code, pipeline);
    }
    return pipeline;
  }

  /** A sort kernel as its passes (sort.ts): one pipeline each; a pass that reads binds that buffer before the one it writes. */
  #compileSort(kernel: SortKernel): WebGpuExecutable {
    const limits = this.device.limits;
    this.#kernels++;
    const plan = planSort(kernel, {
      maxWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxWorkgroupStorage: limits.maxComputeWorkgroupStorageSize,
      maxInvocations: Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX),
      maxBufferBytes: Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize),
    });
    const passes = plan.passes.map((p) => {
      const layout = this.#layout(p.reads === 'none' ? 1 : 2, false);
      const exe: WebGpuExecutable = { kernel, pipeline: this.#pipeline(kernel, p.code, layout), layout, rendered: { code: p.code, dispatch: p.dispatch } };
      return { ...p, exe };
    });
    // the first pass stands for the launch (its dispatch is zero when there are no lines)
    return { ...passes[0]!.exe, sort: { passes, scratchWords: plan.scratchWords } };
  }

  /**
   * The kernel's shader: reading its numbers from a uniform (parametric)
   * where the option says so; with `'repeated'`, once a kernel has come
   * with the same parametric shader but other numbers.
   */
  #render(kernel: Kernel, limits: RenderLimits, matmulSplit: boolean): RenderedKernel {
    const mode = this.#options.parametric ?? 'repeated';
    // a parametric matmul checks every bound and reads its k loop's length: its steady step measured about 2x slower
    // on lavapipe (docs/benchmarks.md), so by default a product keeps its numbers and only 'always' shares its pipeline
    if (mode === 'never' || (mode === 'repeated' && kernel.kind === 'matmul')) return renderKernel(kernel, limits, { matmulSplit });
    const parametric = renderKernel(kernel, limits, { parametric: true, matmulSplit });
    if (mode === 'always' || !parametric.params) return parametric;
    const first = this.#shaders.firstNumbers.get(parametric.code);
    if (!first) this.#shaders.firstNumbers.set(parametric.code, parametric.params);
    else if (!sameNumbers(first, parametric.params)) return parametric;
    return renderKernel(kernel, limits, { matmulSplit });
  }

  run(launches: readonly Launch[]): void {
    const device = this.device;
    device.pushErrorScope('validation');
    const temps: GpuBuffer[] = [];
    try {
      this.#encode(device, launches, temps);
      this.#waits.submitted(launches);
    } finally {
      for (const t of temps) this.free(t);
      this.#scope('running kernels');
    }
  }

  /** Encode and submit `launches`; with a `timer`, each launch in passes of its own that write timestamps. */
  #encode(device: GPUDevice, launches: readonly Launch[], temps: GpuBuffer[], timer?: PassTimer): void {
    const encoder = device.createCommandEncoder();
    // consecutive dispatches share one compute pass (WebGPU orders their storage accesses);
    // a buffer copy ends it
    let pass: GPUComputePassEncoder | undefined;
    const copy = (from: GPUBuffer, to: GPUBuffer, at: number, bytes: number) => {
      pass?.end();
      pass = undefined;
      encoder.copyBufferToBuffer(from, 0, to, at, bytes);
    };
    const dispatch = (exe: WebGpuExecutable, inputs: GpuBuffer[], target: GpuBuffer) => {
      const packing = exe.rendered.packing;
      if (packing) {
        // inputs past the device's binding limit travel in one scratch buffer
        const scratch = this.alloc('uint32', packing.words);
        temps.push(scratch);
        for (const p of packing.inputs) {
          // no more words than the buffer holds
          const words = Math.min(p.words, inputs[p.input]!.bytes / 4);
          if (words > 0) copy(inputs[p.input]!.gpu, scratch.gpu, p.base * 4, words * 4);
        }
        inputs.splice(packing.binding, inputs.length, scratch);
      }
      pass ??= encoder.beginComputePass(timer?.pass(current));
      pass.setPipeline(exe.pipeline);
      pass.setBindGroup(0, this.#bindGroup(device, exe, [...inputs, target]));
      pass.dispatchWorkgroups(...exe.rendered.dispatch);
    };
    let current = 0;
    for (let i = 0; i < launches.length; i++) {
      const l = launches[i]!;
      const exe = l.exe as WebGpuExecutable;
      if (exe.rendered.dispatch[0] === 0) continue;
      if (timer) {
        // a pass per launch: its timestamps are the launch's alone
        pass?.end();
        pass = undefined;
        current = i;
      }
      const out = this.#own(l.output, 'run');
      // an output that is also an input (in-place) is computed into a scratch buffer, then copied
      const aliased = l.inputs.some((b) => b === l.output);
      const target = aliased ? this.alloc(out.dtype, out.size) : out;
      if (aliased) temps.push(target);
      const inputs = l.inputs.map((b) => this.#own(b, 'run'));
      const then = exe.then;
      if (then) {
        // a split epilogue: the product (operands 0 and 1) into a scratch buffer, then the epilogue over it;
        // or a split matmul: the partial products, then their sum. One pass orders the two
        const mid = this.alloc(then.kernel.inputs[inputs.length]!, exe.scratch ?? out.size);
        temps.push(mid);
        dispatch(exe, inputs.slice(0, 2), mid);
        dispatch(then, [...inputs, mid], target);
      } else if (exe.sort) {
        // long lines sort through a scratch buffer of (key, index) entries, pass after pass
        const scratch = exe.sort.scratchWords > 0 ? this.alloc('uint32', exe.sort.scratchWords) : undefined;
        if (scratch) temps.push(scratch);
        for (const p of exe.sort.passes) {
          const from = p.reads === 'input' ? inputs : p.reads === 'scratch' ? [scratch!] : [];
          dispatch(p.exe, from, p.writes === 'out' ? target : scratch!);
        }
      } else if (exe.scatter) {
        // the base into the output (float32: -0 into scratch sums, added to the base last), the values converted, the adds
        const { add, convert, finish } = exe.scatter;
        const scratch = (k: Kernel) => temps[temps.push(this.alloc(k.out, kernelOutputSize(k))) - 1]!; // a buffer freed after the run
        const sums = finish ? scratch(finish.kernel) : target;
        dispatch(exe, finish ? [] : inputs.slice(0, 1), sums);
        const values = convert ? scratch(convert.kernel) : inputs[1]!;
        if (convert) dispatch(convert, [inputs[1]!], values);
        if (add.rendered.dispatch[0] > 0) dispatch(add, [values, inputs[2]!], sums);
        if (finish) dispatch(finish, [inputs[0]!, sums], target);
      } else dispatch(exe, inputs, target);
      if (aliased) copy(target.gpu, out.gpu, 0, out.bytes);
    }
    pass?.end();
    timer?.resolve(encoder);
    device.queue.submit([encoder.finish()]);
  }

  /**
   * The bind group of `exe` over `buffers`, made once: a training step binds
   * the same pooled buffers every time, and creating a bind group per launch
   * was a large part of a small step's host time.
   */
  #bindGroup(device: GPUDevice, exe: WebGpuExecutable, buffers: readonly GpuBuffer[]): GPUBindGroup {
    let groups = this.#groups.get(exe);
    if (!groups) this.#groups.set(exe, (groups = new Map()));
    const key = buffers.map((b) => this.#bufferId(b.gpu)).join(',');
    let group = groups.get(key);
    if (!group) {
      const entries: GPUBindGroupEntry[] = buffers.map((b, binding) => ({ binding, resource: { buffer: b.gpu } }));
      if (exe.params) entries.push({ binding: buffers.length, resource: { buffer: exe.params } });
      group = device.createBindGroup({ layout: exe.layout, entries });
      // a few sets of buffers per kernel recur; beyond that the oldest goes
      if (groups.size >= 8) groups.delete(groups.keys().next().value!);
      groups.set(key, group);
    }
    return group;
  }

  #bufferId(b: GPUBuffer): number {
    let id = this.#ids.get(b);
    if (id === undefined) this.#ids.set(b, (id = ++this.#lastId));
    return id;
  }

  /**
   * Release the device (Dawn keeps Node alive while one exists). `init()`
   * makes a fresh one. Values that live only on the device (shared variables
   * updated on it) are lost: read them with `getValueAsync()` first.
   */
  dispose(): void {
    const device = this.#device;
    this.#generation++;
    this.#device = undefined;
    this.#lost = undefined;
    this.#pool.destroyAll();
    this.#staging.destroyAll();
    this.#made = new WeakSet();
    this.#layouts.clear();
    this.#shaders.clear();
    this.#groups = new WeakMap();
    this.#scopes = [];
    this.#errors = [];
    this.#live = 0;
    this.#bytes = 0;
    this.#description = 'WebGPU (disposed)';
    device?.destroy();
  }

  #own(buffer: DeviceBuffer, what: string): GpuBuffer {
    const b = buffer as GpuBuffer;
    if (!b || !(b.gpu && typeof b.bytes === 'number')) throw new TypeError(`webgpu.${what}: not a buffer of the WebGPU backend`);
    if (b.freed) throw new Error(`webgpu.${what}: the buffer was already freed`);
    return b;
  }

  /** The layout of `n` storage bindings (inputs, then the output), and of a uniform after them (`params`). */
  #layout(n: number, params: boolean): GPUBindGroupLayout {
    const key = params ? `${n}+uniform` : `${n}`;
    let layout = this.#layouts.get(key);
    if (!layout) {
      const entries: GPUBindGroupLayoutEntry[] = Array.from({ length: n }, (_, binding) => ({
        binding,
        visibility: 0x4, // COMPUTE
        buffer: { type: binding < n - 1 ? 'read-only-storage' : 'storage' },
      }));
      if (params) entries.push({ binding: n, visibility: 0x4, buffer: { type: 'uniform' } });
      layout = this.device.createBindGroupLayout({ entries });
      this.#layouts.set(key, layout);
    }
    return layout;
  }

  /** Close the innermost error scope; its error (if any) is thrown by the next read. */
  #scope(what: string, detail?: string): void {
    this.#scopes.push(
      this.device.popErrorScope().then((e) => (e ? `device=webgpu: ${what}: ${e.message}${detail ? `\n${detail}` : ''}` : undefined)),
    );
  }

  async #throwPending(): Promise<void> {
    const scopes = this.#scopes;
    this.#scopes = [];
    const found = (await Promise.all(scopes)).filter((m): m is string => m !== undefined);
    found.push(...this.#errors.splice(0));
    if (this.#lost) found.push(`device=webgpu: the WebGPU device was lost (${this.#lost})`);
    if (found.length) throw new Error(found.join('\n'));
  }
}

function sameNumbers(a: Int32Array, b: Int32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
