/**
 * The gpu.js backend: every buffer is a float32 texture owned by the
 * backend, every kernel a gpu.js pipeline kernel rendered from the kernel
 * IR. Results stay on the GPU between kernels (textures passed straight to
 * the next kernel); only `read` copies back to the host.
 *
 * Dtypes: float32 is native. bool and the integer dtypes are stored as
 * float32 values, exact while |v| <= 2^24: uploads beyond that range are
 * refused, and so are reads that find a value beyond it. float64 is refused
 * (set floatX=float32). Reductions and dot products whose graph asks for a
 * float64 accumulator accumulate in float32 on the GPU.
 *
 * No `overwrites`: updates are double-buffered, never written in place. A
 * shader cannot draw into the texture it samples, so an update over its
 * input would draw into a fresh texture on every call (the input's is still
 * held), where a dead output lets gpu.js draw into its kernel's own texture
 * again; and shaders are built at their first launch, which may fail after
 * an earlier launch of the same call replaced an updated variable's texture
 * (a failed call must change no shared variable).
 */
import type { Backend, BackendInfo, DType, DeviceBuffer, Executable, Kernel, Launch, ScalarExpr, TypedArray } from '@sym/graph';
import { allocate, kernelOutputSize } from '@sym/graph';
import { GPU, utils, type IKernelRunShortcut, type Texture } from 'gpu.js';
import { HELPER_SOURCES } from './helpers.js';
// gpu.js's declaration order of helper functions, fixed (a helper reached twice was emitted above its callees)
import './function-order.js';
import type { Counted, GLContext } from './gl.js';
import { GPUJS_DTYPES, MAX_EXACT_INT, floatFrom, refuseFloat64 } from './dtypes.js';
import { planKernel, type Pass } from './split.js';
import { KERNEL_CLASS_NAME, kernelClass, resolveMode, unavailableMessage, type GpujsMode } from './mode.js';
import { checkContextRetries, headlessGPU, type ContextRetries } from './context.js';
import { packInputs, withPacks } from './pack-inputs.js';
import { checkTextureUnits, guardUnitArgs, guardUnitSource, needsUnitGuard, unitsUsed } from './units.js';
import { destroyRuns } from './lifetime.js';

export { GPUJS_DTYPES, MAX_EXACT_INT } from './dtypes.js';

/** Options of {@link GpujsBackend}'s constructor; every field has a default. */
export interface GpujsBackendOptions {
  /** The gpu.js mode; by default `SYM_GPUJS_MODE`, else headlessgl in Node and webgl2 in browsers. */
  mode?: GpujsMode;
  /** In headlessgl mode, how a context gpu.js could not make is tried again (`context.ts`). */
  contextRetries?: ContextRetries;
}

/**
 * What a kernel returns: a GL texture in GPU modes; in gpu.js's cpu mode a
 * typed array, held through the same two methods.
 */
type Held = Pick<Texture, 'toArray' | 'delete'> & { readonly hostValue?: Float32Array };

function held(result: unknown): Held {
  if (result && typeof (result as Held).toArray === 'function') return result as Held;
  const values = result as Float32Array;
  return { toArray: () => values as unknown as ReturnType<Texture['toArray']>, delete: () => undefined, hostValue: values };
}

interface GpujsBuffer extends DeviceBuffer {
  /** The texture holding the value; null until written or computed (reads as zeros). */
  texture: Held | null;
  freed: boolean;
}

/**
 * One pass of a kernel's plan with its gpu.js kernels by the sizes of their
 * arguments. gpu.js compiles an argument's texture size into the shader as
 * a constant (dynamic sizes, read from uniforms, made every texture fetch
 * 2-3x slower on llvmpipe), and a constant-size kernel reads a texture of
 * another size wrongly without any error: so one kernel per size tuple.
 */
interface CompiledPass extends Pass {
  readonly runs: Map<string, IKernelRunShortcut>;
}

interface GpujsExecutable extends Executable {
  /** Output elements; kernels with an empty output launch nothing. */
  readonly size: number;
  /** One pass, or a split reduction's partial and combining passes (`split.ts`). */
  readonly passes: readonly CompiledPass[];
}

/** The fields of a gpu.js GL texture this backend reads to make more of its kind. */
interface GLTextureLike {
  readonly constructor: new (settings: Record<string, unknown>) => Held;
  readonly context: GLContext;
  readonly kernel: unknown;
  readonly type: string;
}

/**
 * The modes whose uploads go straight into a one-channel float texture
 * (LUMINANCE with OES_texture_float, WebGL 1): headlessgl, where it is
 * tested. In Chromium's webgl2 a four-channel texture made this way was
 * read with another layout than gpu.js's own outputs (the examples/web
 * conformance subset failed), so the browser modes keep the copy kernel.
 */
const DIRECT_UPLOAD_MODES: ReadonlySet<GpujsMode> = new Set(['headlessgl']);

/**
 * The modes whose large float matmuls run on packed operands with a GLSL
 * product loop (`packed.ts`): headlessgl, where it is tested. The loop is
 * WebGL 1 GLSL (`texture2D`), and the browser modes' four-channel textures
 * are untested here (see DIRECT_UPLOAD_MODES), so they keep the one-pass
 * kernel.
 */
const PACKED_MATMUL_MODES: ReadonlySet<GpujsMode> = new Set(['headlessgl']);

/** The modes whose gpu.js kernels are destroyed once no executable holds them (`lifetime.ts`); webgpu mode's are kept, untested. */
const RELEASING_MODES: ReadonlySet<GpujsMode> = new Set(['headlessgl', 'webgl', 'webgl2', 'cpu']);

/** How many of the latest compiled kernels stay cached after no executable holds them. */
export const LATEST_KERNELS = 16;

/** The modes whose kernels sample their arguments from GL texture units (`units.ts`). */
const TEXTURE_UNIT_MODES: ReadonlySet<GpujsMode> = new Set(['headlessgl', 'webgl', 'webgl2']);

/**
 * The gpu.js backend (`device=gpujs`): float32 textures and gpu.js kernels
 * rendered from the kernel IR, in one explicit mode (never gpu.js's silent
 * CPU fallback). float64 buffers are refused; integers and bools are exact
 * while |v| <= 2^24. The constructor throws on an unknown `mode`; a mode that
 * cannot start throws at first use, saying what to install or set.
 */
export class GpujsBackend implements Backend {
  readonly #modeOption: GpujsMode | undefined;
  readonly #contextRetries: ContextRetries | undefined;
  #mode: GpujsMode | undefined;
  #gpu: GPU | undefined;
  #live = 0;
  #liveTextures = 0;
  #glTextures = 0;
  #uploader: IKernelRunShortcut | undefined;
  #copier: IKernelRunShortcut | undefined;
  #template: GLTextureLike | undefined;
  #scratch = new Float32Array(0);
  /** The one-element texture every kernel of more than 15 arguments takes on texture unit 15 (`units.ts`). */
  #unitPlaceholder: Held | undefined;
  /** Textures made by uploads, with their layout: a later upload of as many elements reuses them. */
  readonly #uploaded = new WeakMap<Held, { n: number; w: number; h: number }>();
  /** Compiled passes by key while an executable holds them; when it is collected, its gpu.js kernels are destroyed. */
  readonly #kernels = new Map<string, WeakRef<readonly CompiledPass[]>>();
  readonly #collected = new FinalizationRegistry<{ key: string; runs: CompiledPass['runs'][] }>(({ key, runs }) => {
    if (!this.#kernels.get(key)?.deref()) this.#kernels.delete(key);
    const owner = () => (this.#template ??= this.#uploadByKernel(new Float32Array(1)) as unknown as GLTextureLike).kernel;
    destroyRuns(runs, this.#held, owner, (this.#gpu as unknown as { kernels?: unknown[] } | undefined)?.kernels);
  });
  /** The latest compiled passes, cached a while after their executables go (a collection between two compiles of one graph); every one in modes that keep kernels. */
  readonly #recent: (readonly CompiledPass[])[] = [];
  /** The textures the buffers hold now, which a destroyed kernel's must outlive (`lifetime.ts`). */
  readonly #held = new Set<Held>();
  readonly #ran = new Set<string>();

  constructor(options: GpujsBackendOptions = {}) {
    this.#modeOption = options.mode === undefined ? undefined : resolveMode(options.mode);
    this.#contextRetries = options.contextRetries === undefined ? undefined : checkContextRetries(options.contextRetries);
  }

  /** The gpu.js mode in use (resolved on first use). */
  get mode(): GpujsMode {
    return (this.#mode ??= this.#modeOption ?? resolveMode());
  }

  describe(): BackendInfo {
    let device: string;
    try {
      device = `gpu.js ${this.mode} (${KERNEL_CLASS_NAME[this.mode]})`;
    } catch (e) {
      device = `gpu.js (${(e as Error).message})`;
    }
    // a gather's index is a statement of the reduce loop's body as of an elementwise kernel's (render.ts's
    // reduceValue). Such a body is long index arithmetic, which compiles in time in Chromium's WebGL2 on SwiftShader
    // only because the helpers it calls choose by selects, not branches (helpers.ts): with a branching helper per
    // step, a max-pool's fused kernel took minutes to compile, the GPU watchdog lost the context, and it read zeros
    return { name: 'gpujs', device, dtypes: GPUJS_DTYPES, sync: this.#modeOrUndefined() !== 'webgpu', gathers: { inReductions: true } };
  }

  #modeOrUndefined(): GpujsMode | undefined {
    try {
      return this.mode;
    } catch {
      return undefined;
    }
  }

  /** The gpu.js kernel classes that actually ran kernels so far. */
  kernelClasses(): string[] {
    return [...this.#ran];
  }

  /** The gpu.js instance, created on first use in exactly the requested mode. */
  gpu(): GPU {
    if (this.#gpu) return this.#gpu;
    const mode = this.mode;
    let gpu: GPU;
    try {
      gpu = mode === 'headlessgl' ? headlessGPU(this.#contextRetries) : new GPU({ mode });
    } catch (e) {
      throw new Error(unavailableMessage(mode, e));
    }
    const chosen = (gpu as unknown as { Kernel: unknown }).Kernel;
    if (chosen !== kernelClass(mode)) {
      throw new Error(unavailableMessage(mode, `gpu.js chose ${(chosen as { name?: string })?.name ?? 'nothing'} instead of ${KERNEL_CLASS_NAME[mode]}`));
    }
    // every helper returns a float: gpu.js would type symBool's and symTruthy's (cond ? 1.0 : 0.0) an Integer
    // (acorn reads 1.0 as the integer 1), and 25.0 - symBool(x) then fed an Integer where a helper took a float
    // (a translation or shader error: the random-graph fuzzer's seed 67 with float32/int8/uint8/bool)
    for (const src of HELPER_SOURCES) gpu.addFunction(src as unknown as Parameters<GPU['addFunction']>[0], { returnType: 'Number' });
    return (this.#gpu = gpu);
  }

  /** Textures the backend's buffers hold now. */
  liveTextures(): number {
    return this.#liveTextures;
  }

  /** GL textures alive in the context (every owner: buffers, kernels' own outputs, gpu.js internals); -1 outside GL modes. */
  glTextures(): number {
    return this.#gpu && (this.#gpu as unknown as { context?: Counted }).context?.__symCounted ? this.#glTextures : -1;
  }

  #countTextures(): void {
    const gl = (this.#gpu as unknown as { context?: Counted } | undefined)?.context;
    if (!gl || gl.__symCounted || typeof gl.createTexture !== 'function') return;
    const create = gl.createTexture.bind(gl);
    const del = gl.deleteTexture.bind(gl);
    gl.createTexture = () => {
      this.#glTextures++;
      return create();
    };
    gl.deleteTexture = (t: unknown) => {
      if (t) this.#glTextures--;
      del(t);
    };
    gl.__symCounted = true;
  }

  #settings(size: number, label: string, ref: { run?: IKernelRunShortcut }) {
    const mode = this.mode;
    return {
      output: [size],
      pipeline: true,
      immutable: true,
      precision: 'single' as const,
      tactic: 'precision' as const,
      // gpu.js would swap in a CPU kernel when the GPU build fails; this backend refuses instead
      onRequestFallback: () => {
        const why = (ref.run as { fallbackReason?: string } | undefined)?.fallbackReason;
        throw new Error(`gpujs: the ${label} kernel failed to build for mode ${mode}${why ? ` (${why})` : ''}; gpu.js asked to fall back to the CPU, which this backend never does.`);
      },
    };
  }

  #checkRan(run: IKernelRunShortcut, label: string): void {
    const cls = (run.kernel as unknown as { constructor: unknown }).constructor;
    if (cls !== kernelClass(this.mode)) {
      throw new Error(`gpujs: the ${label} kernel ran on ${(cls as { name?: string }).name} instead of ${KERNEL_CLASS_NAME[this.mode]} (mode ${this.mode}).`);
    }
    this.#ran.add(KERNEL_CLASS_NAME[this.mode]);
  }

  #setTexture(b: GpujsBuffer, t: Held | null): void {
    if (b.texture) {
      b.texture.delete();
      this.#held.delete(b.texture);
      this.#liveTextures--;
    }
    b.texture = t;
    if (t) {
      this.#held.add(t);
      this.#liveTextures++;
    }
  }

  alloc(dtype: DType, size: number): GpujsBuffer {
    if (!GPUJS_DTYPES.includes(dtype)) {
      throw new TypeError(`gpujs: cannot hold ${dtype} data; it supports ${GPUJS_DTYPES.join(', ')}. Set floatX=float32 (SYM_FLAGS=floatX=float32) or cast the inputs.`);
    }
    if (!Number.isInteger(size) || size < 0 || size > MAX_EXACT_INT) {
      throw new RangeError(`gpujs: a buffer of ${size} elements is beyond what gpujs addresses exactly (at most ${MAX_EXACT_INT} elements, float32 indices).`);
    }
    this.#live++;
    return { dtype, size, texture: null, freed: false };
  }

  /**
   * Upload host data into a fresh texture through one copy kernel whose
   * output size is dynamic: every size shares one compiled shader.
   */
  #upload(data: Float32Array): Held {
    return DIRECT_UPLOAD_MODES.has(this.mode) ? this.#uploadTexture(data) : this.#uploadByKernel(data);
  }

  /** Upload into the texture `t` made by an earlier upload of as many elements: no texture is created per call. */
  #reupload(t: Held, data: Float32Array): boolean {
    const spec = this.#uploaded.get(t);
    const gl = (t as unknown as GLTextureLike).context;
    const texture = (t as unknown as { texture: { _refs?: number } }).texture;
    if (!spec || spec.n !== data.length || texture._refs !== 1) return false;
    gl.activeTexture(gl.TEXTURE15);
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.LUMINANCE, spec.w, spec.h, 0, gl.LUMINANCE, gl.FLOAT, this.#pixels(data, spec.w * spec.h));
    return true;
  }

  /** `data` as the pixels of a one-channel texture of `texels` texels: itself when the sizes agree, else padded. */
  #pixels(data: Float32Array, texels: number): Float32Array {
    if (data.length === texels) return data;
    if (this.#scratch.length < texels) this.#scratch = new Float32Array(texels);
    const pixels = this.#scratch.subarray(0, texels);
    pixels.set(data);
    return pixels;
  }

  /**
   * Upload straight into a GL texture (one texImage2D, no shader pass) laid
   * out as gpu.js lays out a kernel's flat float output: element i in the
   * red channel of texel (i mod w, floor(i / w)) of the closest-square w x h
   * texture. The texture object is made like the copy kernel's output (its
   * class and owner kernel), so kernels see one argument type whether a
   * buffer was uploaded or computed. Through the copy kernel (dynamic
   * output) a 2^20-element upload took ~50 ms on llvmpipe; this way, a few.
   */
  #uploadTexture(data: Float32Array): Held {
    const proto = (this.#template ??= this.#uploadByKernel(new Float32Array(1)) as unknown as GLTextureLike);
    this.#countTextures();
    const gl = proto.context;
    const n = data.length;
    // exactly gpu.js's layout: kernels compile the texture size of an argument in, keyed by its element count
    const [w, h] = (utils as unknown as { closestSquareDimensions(n: number): Int32Array }).closestSquareDimensions(n) as unknown as [number, number];
    const format = gl.LUMINANCE;
    const pixels = this.#pixels(data, w * h);
    const texture = gl.createTexture();
    gl.activeTexture(gl.TEXTURE15);
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.texImage2D(gl.TEXTURE_2D, 0, format, w, h, 0, format, gl.FLOAT, pixels);
    const t = new proto.constructor({
      texture,
      size: new Int32Array([w, h]),
      dimensions: new Int32Array([n, 1, 1]),
      output: new Int32Array([n]),
      context: gl,
      kernel: proto.kernel,
      type: proto.type,
      internalFormat: format,
      textureFormat: format,
    });
    // a one-channel float texture cannot be a framebuffer to read from: read it through a copy kernel
    (t as { toArray: Held['toArray'] }).toArray = () => this.#readThroughCopy(t, n);
    this.#uploaded.set(t, { n, w, h });
    return t;
  }

  /** The values of texture `t` (n elements), drawn into a four-channel texture by a copy kernel and read from there. */
  #readThroughCopy(t: Held, n: number): ReturnType<Texture['toArray']> {
    if (!this.#copier) {
      const ref: { run?: IKernelRunShortcut } = {};
      this.#copier = this.gpu().createKernel('function (a) { return a[this.thread.x]; }', { ...this.#settings(n, 'read', ref), dynamicOutput: true, dynamicArguments: true });
      ref.run = this.#copier;
    }
    const copy = this.#copier;
    if (copy.output?.[0] !== n) copy.setOutput([n]);
    const c = held(copy(t as never));
    this.#checkRan(copy, 'read');
    try {
      return c.toArray();
    } finally {
      c.delete();
    }
  }

  /** Upload through a copy kernel (modes without GL textures: cpu, webgpu). */
  #uploadByKernel(data: Float32Array): Held {
    if (!this.#uploader) {
      const ref: { run?: IKernelRunShortcut } = {};
      this.#uploader = this.gpu().createKernel('function (a) { return a[this.thread.x]; }', {
        ...this.#settings(data.length, 'upload', ref),
        // one shader for every size: one fetch per element, so uniform sizes cost little here
        dynamicOutput: true,
        dynamicArguments: true,
      });
      ref.run = this.#uploader;
    }
    const up = this.#uploader;
    // setOutput re-creates the output texture (tens of ms for 2^20 elements): only when the size changes
    if (up.output?.[0] !== data.length) up.setOutput([data.length]);
    const t = held(up(data));
    this.#checkRan(up, 'upload');
    this.#countTextures();
    return t;
  }

  write(buffer: DeviceBuffer, data: TypedArray): void {
    const b = buffer as GpujsBuffer;
    if (b.freed) throw new Error('gpujs.write: the buffer was freed');
    if (data.length !== b.size) throw new RangeError(`gpujs.write: buffer holds ${b.size} elements, got ${data.length}`);
    if (b.size === 0) return;
    const values = floatFrom(data, b.dtype, 'gpujs.write');
    if (b.texture && this.#reupload(b.texture, values)) return;
    this.#setTexture(b, this.#upload(values));
  }

  #toHost(b: GpujsBuffer, values: ArrayLike<number> | null): TypedArray {
    // a GL read-back is a fresh array (gpu.js copies the red channel out of the pixels): hand it over as it is
    if (b.dtype === 'float32' && values instanceof Float32Array && values.length === b.size && values !== b.texture?.hostValue) return values;
    const out = allocate(b.dtype, b.size);
    if (!values) return out;
    if (b.dtype === 'float32') {
      (out as Float32Array).set(values);
      return out;
    }
    for (let i = 0; i < b.size; i++) {
      const v = values[i]!;
      if (v !== v || v > MAX_EXACT_INT || v < -MAX_EXACT_INT) {
        throw new RangeError(`gpujs.read: a ${b.dtype} result holds ${v} at index ${i}, beyond the integers gpujs computes exactly (±${MAX_EXACT_INT}); use device=cpu.`);
      }
      out[i] = v;
    }
    return out;
  }

  readSync(buffer: DeviceBuffer): TypedArray {
    const b = buffer as GpujsBuffer;
    if (b.freed) throw new Error('gpujs.read: the buffer was freed');
    const values = b.texture ? b.texture.toArray() : null;
    if (values && typeof (values as unknown as Promise<unknown>).then === 'function') {
      throw new Error(`gpujs: mode ${this.mode} reads asynchronously; use await f(...) instead of f.sync(...).`);
    }
    return this.#toHost(b, values as unknown as ArrayLike<number> | null);
  }

  async read(buffer: DeviceBuffer): Promise<TypedArray> {
    const b = buffer as GpujsBuffer;
    if (b.freed) throw new Error('gpujs.read: the buffer was freed');
    const values = b.texture ? await (b.texture.toArray() as unknown as Promise<ArrayLike<number>> | ArrayLike<number>) : null;
    return this.#toHost(b, values);
  }

  free(buffer: DeviceBuffer): void {
    const b = buffer as GpujsBuffer;
    if (b.freed) return;
    this.#setTexture(b, null);
    b.freed = true;
    this.#live--;
  }

  liveBuffers(): number {
    return this.#live;
  }

  /**
   * Block until the GL context has carried out every draw so far (WebGL's
   * `finish`), so that a profile times each kernel rather than the queueing
   * of its draws; nothing to wait for in gpu.js's cpu mode.
   */
  finish(): void {
    const gl = (this.#gpu as unknown as { context?: { finish?(): void } } | undefined)?.context;
    gl?.finish?.();
  }

  compile(kernel: Kernel): GpujsExecutable {
    // optional kernels (BackendInfo.kernels): describe() lists none, so programs made for gpujs sort with elementwise kernels
    if (kernel.kind === 'sort') throw new Error('gpujs: this backend runs no sort kernels (its describe() lists no optional kernels); a program made for it sorts with elementwise kernels');
    if (kernel.kind === 'scatterAdd') {
      throw new Error('gpujs: this backend runs no scatter-add kernels (its describe() lists no optional kernels); a program made for it sums repeated indices with elementwise kernels');
    }
    refuseFloat64(kernel);
    const size = kernelOutputSize(kernel);
    if (size > MAX_EXACT_INT) throw new RangeError(`gpujs: a kernel writing ${size} elements is beyond what gpujs addresses exactly (at most ${MAX_EXACT_INT}).`);
    const options = { glsl: PACKED_MATMUL_MODES.has(this.mode) };
    let plan = planKernel(kernel, options);
    if (TEXTURE_UNIT_MODES.has(this.mode) && plan.some((p) => needsUnitGuard(p.args.length))) {
      const most = this.maxKernelInputs();
      if (plan.some((p) => p.args.length > most)) {
        // room for the passes' partial results beside the inputs (a split reduction's combining pass reads them)
        const partials = Math.max(...plan.map((p) => p.args.filter((a) => 'pass' in a).length));
        const packed = packInputs(kernel, most - partials);
        if (packed) plan = withPacks(planKernel(packed.kernel, options), packed.keep, packed.packs);
      }
      checkTextureUnits(plan, this.#textureUnits(), kernel.kind);
    }
    const key = plan.map((p) => `${p.size}|${JSON.stringify(p.args)}|${p.vec4 ?? false}|${p.source}|${p.natives?.map((f) => f.source).join('\n') ?? ''}`).join('\n');
    let passes = this.#kernels.get(key)?.deref();
    if (!passes) {
      passes = plan.map((p) => ({ ...p, runs: new Map<string, IKernelRunShortcut>() }));
      this.#kernels.set(key, new WeakRef(passes));
      this.#collected.register(passes, { key, runs: passes.map((p) => p.runs) });
    }
    this.#keep(passes);
    return { kernel, size, passes };
  }

  #keep(passes: readonly CompiledPass[]): void {
    const i = this.#recent.indexOf(passes);
    if (i >= 0) this.#recent.splice(i, 1);
    this.#recent.push(passes);
    if (this.#recent.length > LATEST_KERNELS && RELEASING_MODES.has(this.mode)) this.#recent.shift();
  }

  /** gpu.js kernels alive now (`GPU.kernels`: the compiled passes' kernels for each set of argument sizes, and the backend's own). */
  liveKernels(): number {
    return (this.#gpu as unknown as { kernels?: unknown[] } | undefined)?.kernels?.length ?? 0;
  }

  /**
   * The most inputs one kernel may read: in the GL modes the context's
   * texture units (MAX_TEXTURE_IMAGE_UNITS) less the one gpu.js keeps for its
   * own textures (`units.ts`); unbounded in the other modes. A kernel
   * reading more reads the rest from packed textures (`pack-inputs.ts`).
   */
  maxKernelInputs(): number {
    if (!TEXTURE_UNIT_MODES.has(this.mode)) return Infinity;
    const units = this.#textureUnits();
    return unitsUsed(units) > units ? units - 1 : units;
  }

  /** The context's MAX_TEXTURE_IMAGE_UNITS. */
  #textureUnits(): number {
    // gpu.js makes its context with its first kernel: the placeholder's upload makes one
    const gl = (this.#placeholder() as unknown as { context: { MAX_TEXTURE_IMAGE_UNITS: number; getParameter(name: number): unknown } }).context;
    return Number(gl.getParameter(gl.MAX_TEXTURE_IMAGE_UNITS));
  }

  #placeholder(): Held {
    return (this.#unitPlaceholder ??= this.#upload(new Float32Array(1)));
  }

  /** Whether `pass` runs with the placeholder on texture unit 15 (`units.ts`). */
  #guarded(pass: Pass): boolean {
    return TEXTURE_UNIT_MODES.has(this.mode) && needsUnitGuard(pass.args.length);
  }

  /** The gpu.js kernel of `pass` for arguments of these sizes; gpu.js builds the shader on its first call. */
  #kernelFor(pass: CompiledPass, sizes: readonly number[], label: string): IKernelRunShortcut {
    const key = sizes.join(',');
    let run = pass.runs.get(key);
    if (!run) {
      const ref: { run?: IKernelRunShortcut } = {};
      const source = this.#guarded(pass) ? guardUnitSource(pass.source, pass.args.length) : pass.source;
      run = this.gpu().createKernel(source, {
        ...this.#settings(pass.size, label, ref),
        ...(pass.vec4 ? { returnType: 'Array(4)' as const } : {}),
        ...(pass.natives ? { nativeFunctions: pass.natives.map((f) => ({ ...f })) } : {}),
      });
      ref.run = run;
      pass.runs.set(key, run);
    }
    return run;
  }

  #argument(b: GpujsBuffer): Held | Float32Array {
    if (b.freed) throw new Error('gpujs.run: an input buffer was freed');
    // gpu.js cannot bind an empty texture; kernels never read an empty input
    if (b.size === 0) return new Float32Array(1);
    if (!b.texture) this.#setTexture(b, this.#upload(new Float32Array(b.size)));
    return b.texture!.hostValue ?? b.texture!;
  }

  /** Run one gpu.js kernel on `args`; the result texture is the caller's. */
  #call(run: IKernelRunShortcut, args: readonly (Held | Float32Array)[], label: string): Held {
    const t = held(run(...(args.map((a) => (a as Held).hostValue ?? a) as never[])));
    this.#checkRan(run, label);
    this.#countTextures();
    return t;
  }

  /** Run the passes of one kernel from `inputs` into `output`. */
  #launch(passes: readonly CompiledPass[], inputs: readonly GpujsBuffer[], output: GpujsBuffer, label: string): void {
    // the output's old value is dead: dropping it first lets gpu.js draw into its kernel's own texture again
    // (an immutable kernel allocates a fresh texture whenever its last result is still held)
    if (!inputs.includes(output)) this.#setTexture(output, null);
    const partials: Held[] = [];
    try {
      for (const pass of passes) {
        const args = pass.args.map((a) => ('input' in a ? this.#argument(inputs[a.input]!) : partials[a.pass]!));
        const sizes = pass.args.map((a) => ('input' in a ? inputs[a.input]!.size : passes[a.pass]!.size));
        const run = this.#kernelFor(pass, sizes, label);
        partials.push(this.#call(run, this.#guarded(pass) ? guardUnitArgs(args, () => this.#placeholder()) : args, label));
      }
      this.#setTexture(output, partials.pop()!);
    } finally {
      // a split kernel's partial results live only for its launch
      for (const t of partials) t.delete();
    }
  }

  run(launches: readonly Launch[]): void {
    for (const l of launches) {
      const exe = l.exe as GpujsExecutable;
      if (exe.size === 0) continue;
      this.#launch(exe.passes, l.inputs as readonly GpujsBuffer[], l.output as GpujsBuffer, exe.kernel.kind);
    }
  }
}
