/**
 * The CPU backend: buffers are typed arrays, kernels are JavaScript
 * functions generated from the kernel IR, runs are synchronous.
 */
import type { Backend, BackendInfo, DType, ElementwiseKernel, GatherFusion, DeviceBuffer, Epilogue, Executable, Kernel, Launch, MatmulKernel, ReduceKernel, TypedArray } from '@sym/graph';
import { DTYPES, SCALAR_OPS, allocate, castScalar, f16round, kernelKey, kernelOutputSize, powFloat, splitEpilogue } from '@sym/graph';
import { renderKernel } from './render.js';
import { expectMatmulWasm, runMatmulWasm, wasmHandles, wasmSimdAvailable } from './wasm/matmul.js';
import { gemmInstances, warmGemms } from './wasm/gemm-instances.js';
import { helperThread } from './wasm/vthreads.js';
import { compileVectorKernel, vectorizable } from './wasm/vkernel.js';
import { compileSortKernel } from './wasm/vsort.js';
import { passesTwice } from './wasm/vrender.js';
import { smallMatmulKernel } from './small-matmul.js';
import { Workspace, arena, type Block } from './wasm/arena.js';
import { collapseElementwise, collapseReduce } from './collapse.js';
import { splitGathers, type GatherPasses, type GatherSplit } from './gather-split.js';
import { runSort } from './sort.js';

/**
 * Its renderer reads a gather in a reduction as in any expression, and a
 * gathering kernel's costly work runs on the SIMD path all the same (its
 * gathers first, gather-split.ts): no limit on what a gather fuses with.
 */
const CPU_GATHERS: GatherFusion = { inReductions: true };

/** Whether a kernel runs as SIMD rows whose last vectors write past their rows (into the next row's first lanes). */
function rowsOverrun(k: Kernel): boolean {
  if (k.kind !== 'elementwise' || !vectorizable(k)) return false;
  const n = k.shape.at(-1) ?? 1;
  const rows = k.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return rows > 1 && n % 4 !== 0;
}

/** Split kernels' intermediates (a product's or a reduction's value before its epilogue), kept up to 64 MB. */
/** A borrowed output's array to its buffer (hostView): the buffer lives as long as the array does. */
const lentBuffers = new WeakMap<TypedArray, CpuBuffer>();
const splitScratch = new Workspace("a kernel's value before its epilogue", 64 << 20);
/** A split gathering kernel's gathered values (gather-split.ts), kept up to 64 MB. */
const gatherScratch = new Workspace("a kernel's gathered values", 64 << 20);
/** Bytes of a scratch array of `size` float32 lanes, rounded to whole vectors. */
const laneBytes = (size: number): number => Math.ceil(size / 4) * 16;

interface CpuBuffer extends DeviceBuffer {
  data: TypedArray;
  freed: boolean;
}

type KernelFn = (ins: readonly TypedArray[], out: TypedArray, helpers: typeof HELPERS) => void;

interface CpuExecutable extends Executable {
  readonly fn: KernelFn;
  readonly source: string;
  /** Scratch array of operand views, refilled at each launch. */
  ins?: TypedArray[];
}

type Impl = (typeof SCALAR_OPS)[keyof typeof SCALAR_OPS]['impl'];
// operand arrays reused by every call: the reference impls read them and keep nothing
const args1 = [0];
const args2 = [0, 0];
const args3 = [0, 0, 0];
const c1 = (f: Impl, a: number, out: DType, compute: DType) => ((args1[0] = a), f(args1, out, compute));
const c2 = (f: Impl, a: number, b: number, out: DType, compute: DType) => ((args2[0] = a), (args2[1] = b), f(args2, out, compute));
const c3 = (f: Impl, a: number, b: number, c: number, out: DType, compute: DType) => ((args3[0] = a), (args3[1] = b), (args3[2] = c), f(args3, out, compute));
const sigmoidImpl = SCALAR_OPS.sigmoid.impl;
const softplusImpl = SCALAR_OPS.softplus.impl;

/** Functions generated code calls; semantics shared with the reference implementation. */
const HELPERS = {
  op: SCALAR_OPS,
  c1,
  c2,
  c3,
  i64: (x: number) => castScalar(x, 'int64'),
  f16: f16round,
  sigmoid: (x: number) => c1(sigmoidImpl, x, 'float64', 'float64'),
  softplus: (x: number) => c1(softplusImpl, x, 'float64', 'float64'),
  relu: (x: number) => (x !== x ? NaN : x > 0 ? x : 0),
  max: (a: number, b: number) => (a !== a || b !== b ? NaN : a > b ? a : b),
  min: (a: number, b: number) => (a !== a || b !== b ? NaN : a < b ? a : b),
  clip: (x: number, lo: number, hi: number) => (x !== x ? NaN : Math.min(Math.max(x, lo), hi)),
  pow: powFloat,
  sort: runSort,
};

/**
 * Start the helper thread (it runs both the gemm and the vector kernels)
 * and warm the gemm and its packing. The thread takes tens of milliseconds to boot; started
 * with the backend, it boots while the program builds and compiles its
 * graphs, so that the first call of a big function already runs on both
 * cores. It is unreferenced: it never keeps the process alive.
 */
function startHelperThread(): void {
  helperThread();
  warmGemms();
}

/** Options of {@link CpuBackend}'s constructor; every field has a default. */
export interface CpuBackendOptions {
  /**
   * Use the generated WebAssembly SIMD kernels where they apply (float
   * matmuls). Defaults to whether the engine runs WebAssembly SIMD; `false`
   * forces the plain JavaScript kernels everywhere.
   */
  wasm?: boolean;
  /**
   * Run sorts (`T.sort`, `T.argsort`, `T.topk`, and the row sort of
   * `setSubtensor` by an index vector, and of increments without
   * scatter-add kernels) as one sort kernel each (the default), or,
   * `false`, as the elementwise network backends without sort kernels run.
   */
  sortKernels?: boolean;
  /**
   * Run the increments of repeated indices (an embedding's gradient, a
   * weighted `T.bincount`) as one scatter-add kernel each (the default:
   * a JavaScript loop adding row by row in index order), or, `false`, as
   * the sort and segmented scan backends without scatter-add kernels run.
   */
  scatterKernels?: boolean;
}

/**
 * The CPU backend (`device=cpu`): buffers are typed arrays, kernels are
 * JavaScript functions generated from the kernel IR (WebAssembly SIMD for
 * float matmuls and vectorizable loops), runs are synchronous. The package
 * registers one instance, `cpu`; construct another to change its options.
 */
export class CpuBackend implements Backend {
  #live = 0;
  /** Whether the WebAssembly SIMD kernels are used (see {@link CpuBackendOptions.wasm}). */
  readonly wasm: boolean;
  /** Whether sorts run as sort kernels (see {@link CpuBackendOptions.sortKernels}). */
  readonly sortKernels: boolean;
  /** Whether repeated-index increments run as scatter-add kernels (see {@link CpuBackendOptions.scatterKernels}). */
  readonly scatterKernels: boolean;

  constructor(options: CpuBackendOptions = {}) {
    this.wasm = options.wasm ?? wasmSimdAvailable();
    this.sortKernels = options.sortKernels ?? true;
    this.scatterKernels = options.scatterKernels ?? true;
    if (this.wasm) startHelperThread();
  }

  describe(): BackendInfo {
    return {
      name: 'cpu',
      device: this.wasm
        ? `JavaScript and WebAssembly SIMD (generated kernels${gemmInstances()[0]!.fused ? '; the gemm multiply-adds with relaxed SIMD' : ''})`
        : 'JavaScript (generated kernels)',
      dtypes: DTYPES,
      sync: true,
      kernels: [...(this.sortKernels ? (['sort'] as const) : []), ...(this.scatterKernels ? (['scatterAdd'] as const) : [])],
      gathers: CPU_GATHERS,
    };
  }

  /**
   * Every kernel here reads an element of an input it reads at the output's
   * own index before writing that element, threads taking disjoint ranges.
   * Two exceptions: the second pass of sin and cos over a row, and SIMD
   * rows whose length is not a multiple of 4, whose last vector runs past
   * the row into the next row's first lanes (that row writes them again,
   * but an input in the output's place would be read there already
   * overwritten: an SGD update of a 3 x 5 weight by a batch of 4 was off
   * by 1e-2).
   */
  overwrites(kernel: Kernel): boolean {
    if (passesTwice(kernel)) return false;
    const writer = (kernel.kind === 'reduce' || kernel.kind === 'matmul') && kernel.epilogue ? splitEpilogue({ ...kernel, epilogue: kernel.epilogue }).epilogue : kernel;
    if (writer.kind !== 'elementwise' || !this.wasm) return true;
    // a large gathering kernel writes its output from the SIMD path too (gather-split.ts)
    const rest = (splitGathers(writer)?.rest as ElementwiseKernel | undefined) ?? writer;
    return !rowsOverrun(collapseElementwise(rest));
  }

  alloc(dtype: DType, size: number): CpuBuffer {
    this.#live++;
    if (!this.wasm) return { dtype, size, data: allocate(dtype, size), freed: false };
    // in the WebAssembly memory, where vector kernels use it in place; the arena reclaims it if the buffer is collected unfreed
    const buffer: CpuBuffer = { dtype, size, data: allocate(dtype, 0), freed: false };
    buffer.data = arena.array(dtype, size, buffer);
    return buffer;
  }

  write(buffer: DeviceBuffer, data: TypedArray): void {
    const b = buffer as CpuBuffer;
    if (data.length !== b.size) throw new RangeError(`cpu.write: buffer holds ${b.size} elements, got ${data.length}`);
    b.data.set(data);
  }

  readSync(buffer: DeviceBuffer): TypedArray {
    const data = (buffer as CpuBuffer).data;
    // V8's slice() of a view of shared memory (the WebAssembly arena) copies element by element: a 16 MB output took 129 ms, set() 24 ms
    if (typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer) {
      const copy = new (data.constructor as new (length: number) => TypedArray)(data.length);
      copy.set(data);
      return copy;
    }
    return data.slice();
  }

  /**
   * The buffer's own array: a borrowed output (sym.Out) costs no copy. The
   * array keeps its buffer alive: the arena takes a block back when its
   * buffer is collected, and a collected function's block, still held by
   * the caller as a borrowed output, would become another function's.
   */
  hostView(buffer: DeviceBuffer): TypedArray {
    const b = buffer as CpuBuffer;
    lentBuffers.set(b.data, b);
    return b.data;
  }

  async read(buffer: DeviceBuffer): Promise<TypedArray> {
    return this.readSync(buffer);
  }

  free(buffer: DeviceBuffer): void {
    const b = buffer as CpuBuffer;
    // a second free must not hand the same memory out twice
    if (b.freed) return;
    b.freed = true;
    this.#live--;
    // a borrowed output's array may outlive its function (dispose, an evicted plan): the arena's registry takes the block back when the caller drops the array
    if (lentBuffers.has(b.data)) return;
    arena.free(b.data, b);
  }

  liveBuffers(): number {
    return this.#live;
  }

  /**
   * Compiled code by the structure of the flattened kernel: kernels that
   * flatten alike share it while an executable holds it; a dropped
   * function's code is collected, and its key leaves with it.
   */
  readonly #code = new Map<string, WeakRef<KernelFn>>();
  readonly #sources = new WeakMap<KernelFn, string>();
  readonly #collected = new FinalizationRegistry<string>((key) => {
    if (!this.#code.get(key)?.deref()) this.#code.delete(key);
  });

  compile(kernel: Kernel): CpuExecutable {
    if ((kernel.kind === 'reduce' || kernel.kind === 'matmul') && kernel.epilogue) return this.#compileSplit(kernel, kernel.epilogue);
    if (this.wasm && (kernel.kind === 'elementwise' || kernel.kind === 'reduce')) {
      const split = splitGathers(kernel);
      if (split && vectorizable(split.rest.kind === 'elementwise' ? collapseElementwise(split.rest) : collapseReduce(split.rest))) return this.#compileGatherSplit(kernel, split);
    }
    const flat = kernel.kind === 'elementwise' ? collapseElementwise(kernel) : kernel.kind === 'reduce' ? collapseReduce(kernel) : kernel;
    const key = kernelKey(flat);
    let fn = this.#code.get(key)?.deref();
    if (!fn) {
      const built = this.#build(flat);
      fn = built.fn;
      this.#code.set(key, new WeakRef(fn));
      this.#sources.set(fn, built.source);
      this.#collected.register(fn, key);
    }
    return { kernel, fn, source: this.#sources.get(fn)! };
  }

  /**
   * An epilogue runs here as an elementwise kernel of its own, over a
   * scratch array the executable keeps, so that the reduction or the
   * product keeps its SIMD kernel (the gemm's micro-kernel stores whole
   * tiles); the second pass over a cached output costs little on a CPU.
   */
  #compileSplit(kernel: ReduceKernel | MatmulKernel, ep: Epilogue): CpuExecutable {
    const parts = splitEpilogue({ ...kernel, epilogue: ep });
    const first = this.compile(parts.first);
    const epilogue = this.compile(parts.epilogue);
    const [dtype, size] = [ep.value, kernelOutputSize(kernel)];
    // the first kernel's operands (a product's two, a reduction's all), then the epilogue's: the launch's and the scratch
    const firstIns: TypedArray[] = [];
    const ins: TypedArray[] = [];
    // the intermediate lives between the two halves only: every split kernel's goes in one kept block (arena.ts's
    // Workspace), or, where the memory is not shared (its views would detach as it grows), in an array of its own
    const bytes = arena.bytes(dtype, size);
    if (this.wasm && arena.shared) splitScratch.expect(bytes);
    let own: TypedArray | undefined;
    let view: TypedArray | undefined;
    const exe: CpuExecutable = {
      kernel,
      source: `${first.source}\n// epilogue, reading the result as input ${kernel.inputs.length}\n${epilogue.source}`,
      fn: (launchIns, out, H) => {
        const block = this.wasm && arena.shared ? splitScratch.take(bytes) : undefined;
        let scratch: TypedArray;
        if (!block) scratch = own ??= allocate(dtype, size);
        else if (view?.byteOffset === block.ptr) scratch = view;
        else scratch = view = arena.view(dtype, block.ptr, size);
        try {
          for (let j = 0; j < parts.first.inputs.length; j++) firstIns[j] = launchIns[j]!;
          first.fn(firstIns, scratch, H);
          for (let j = 0; j < launchIns.length; j++) ins[j] = launchIns[j]!;
          ins[launchIns.length] = scratch;
          epilogue.fn(ins, out, H);
        } finally {
          if (block) splitScratch.give(block);
        }
      },
    };
    return exe;
  }

  /**
   * A large gathering kernel as its gathers, in JavaScript, into scratch
   * arrays, then the rest on the SIMD path (gather-split.ts); in chunks of
   * rows where it can, each chunk's inputs and output views advanced by
   * the rows before it (in the arena, where the SIMD path reads them in
   * place: an operand outside it runs the kernel whole).
   */
  #compileGatherSplit(kernel: Kernel, split: GatherSplit): CpuExecutable {
    const n = kernel.inputs.length;
    const chunks = arena.shared ? split.chunks : null;
    const compiled = (p: GatherPasses) => ({ gathers: p.gathers.map((g) => this.compile(g)), rest: this.compile(p.rest), outs: p.gathers.map((g) => g.out), size: p.size });
    type Compiled = ReturnType<typeof compiled>;
    let whole: Compiled | undefined = chunks ? undefined : compiled(split);
    const full = chunks ? compiled(chunks.over(chunks.rows)) : undefined;
    const last = chunks && chunks.total % chunks.rows ? compiled(chunks.over(chunks.total % chunks.rows)) : undefined;
    // the vectorizable rest reads its gathered values as float32 lanes (float16 is stored as float32)
    const bytesOf = (c: Compiled) => laneBytes(c.size) * c.gathers.length;
    if (arena.shared) gatherScratch.expect(bytesOf(full ?? whole!));
    const own: TypedArray[] = [];
    const ins: TypedArray[] = [];
    const passIns: TypedArray[] = [];
    /** `c`'s passes with `launch` and `out` as given, its scratch in `block` (or arrays of its own). */
    const run = (c: Compiled, launch: readonly TypedArray[], out: TypedArray, block: Block | undefined, H: typeof HELPERS) => {
      for (let j = 0; j < n; j++) ins[j] = launch[j]!;
      for (let j = 0; j < c.gathers.length; j++) {
        const scratch = block ? arena.view(c.outs[j]!, block.ptr + j * laneBytes(c.size), c.size) : (own[j] ??= allocate(c.outs[j]!, c.size));
        c.gathers[j]!.fn(launch, scratch, H);
        ins[n + j] = scratch;
      }
      c.rest.fn(ins, out, H);
    };
    const pieces = (c: Compiled) => c.gathers.map((p, j) => `// gather ${j}, into input ${n + j} of the kernel after\n${p.source}`).join('\n') + `\n${c.rest.source}`;
    const source = chunks ? `// in chunks of ${chunks.rows} of ${chunks.total} rows\n${pieces(full!)}` : pieces(whole!);
    return {
      kernel,
      source,
      fn: (launchIns, out, H) => {
        if (chunks && launchIns.every((a) => arena.owns(a)) && arena.owns(out)) {
          const block = gatherScratch.take(bytesOf(full!));
          try {
            for (let r = 0; r < chunks.total; r += chunks.rows) {
              const rows = Math.min(chunks.rows, chunks.total - r);
              for (let j = 0; j < n; j++) passIns[j] = chunks.inputSteps[j] ? launchIns[j]!.subarray(r * chunks.inputSteps[j]!) : launchIns[j]!;
              run(rows === chunks.rows ? full! : last!, passIns, out.subarray(r * chunks.outStep, (r + rows) * chunks.outStep), block, H);
            }
          } finally {
            gatherScratch.give(block);
          }
          return;
        }
        // whole: the scratch of the whole iteration space
        whole ??= compiled(split);
        const block = arena.shared ? gatherScratch.take(bytesOf(whole)) : undefined;
        try {
          run(whole, launchIns, out, block, H);
        } finally {
          if (block) gatherScratch.give(block);
        }
      },
    };
  }

  #build(kernel: Kernel): { fn: KernelFn; source: string } {
    if (kernel.kind === 'sort') {
      // generated WebAssembly (vsort.ts), or sort.ts's JavaScript, the same sort, without it
      if (!this.wasm) return { source: renderKernel(kernel), fn: (ins, out) => runSort(kernel, ins[0]!, out) };
      const sort = compileSortKernel(kernel);
      return { source: `${renderKernel(kernel)}\n// run as a WebAssembly radix sort (vsort.ts)`, fn: (ins, out) => sort(ins[0]!, out) };
    }
    if (this.wasm && kernel.kind === 'matmul') {
      const loop = smallMatmulKernel(kernel);
      if (loop && vectorizable(loop)) return { source: '(WebAssembly SIMD kernel, small matmul)', fn: compileVectorKernel(loop) };
    }
    if (this.wasm && kernel.kind === 'matmul' && wasmHandles(kernel)) {
      expectMatmulWasm(kernel);
      return { source: '(WebAssembly SIMD gemm)', fn: (ins, out) => runMatmulWasm(kernel, ins[0]!, ins[1]!, out) };
    }
    if (this.wasm && vectorizable(kernel)) {
      return { source: '(WebAssembly SIMD kernel)', fn: compileVectorKernel(kernel) };
    }
    const source = renderKernel(kernel);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const fn = new Function('ins', 'out', 'H', `"use strict";\n${source}`) as KernelFn;
    return { fn, source };
  }

  run(launches: readonly Launch[]): void {
    for (let i = 0; i < launches.length; i++) {
      const l = launches[i]!;
      const exe = l.exe as CpuExecutable;
      // kernels read their operands during the call only, so one array per executable serves every launch
      const ins = (exe.ins ??= []);
      for (let j = 0; j < l.inputs.length; j++) ins[j] = (l.inputs[j] as CpuBuffer).data;
      exe.fn(ins, (l.output as CpuBuffer).data, HELPERS);
    }
  }
}
