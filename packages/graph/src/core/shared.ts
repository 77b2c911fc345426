/**
 * Shared variables: symbolic variables with a value, implicit inputs of
 * every function that uses them, updated by functions' `updates`. The value
 * lives on the host, on a device, or both; whichever was written last is
 * the truth, and the other is refreshed on demand.
 */
import type { DType } from './dtype.js';
import { isDType } from './dtype.js';
import { generationOf, type Backend, type DeviceBuffer } from './backend.js';
import { NDArray, array, describe, fromTyped, isTypedArray, shapeToString, type ArrayLike } from './ndarray.js';
import { TensorType } from './type.js';
import { TensorVariable } from './variable.js';
import { checkShape, convertValue } from './convert.js';
import { Writers, enqueue } from './queue.js';
import { checkOptionNames } from './options.js';

/** Options of `sym.shared(value, options)` (Theano's `theano.shared` keywords). */
export interface SharedOptions {
  /** The variable's name, printed and used in errors. */
  name?: string;
  /** Which dimensions broadcast; by default none (as in Theano), whatever their length. */
  broadcastable?: readonly boolean[];
  /** Use the given NDArray as storage instead of a copy. */
  borrow?: boolean;
  /** Store as this dtype instead of the value's own. */
  dtype?: DType;
}

/**
 * Shared variables dropped by their program give their device copies back
 * when collected: a hyperparameter search makes models by the hundred, and
 * a gpu.js texture or a WebGPU buffer is no garbage of JavaScript's. A
 * backend disposed since refuses the free: its buffers went with it.
 */
const deviceCopies = new FinalizationRegistry<Map<Backend, DeviceBuffer>>((copies) => {
  for (const [backend, buf] of copies) {
    try {
      backend.free(buf);
    } catch {
      // the backend was disposed: nothing of it is left to free
    }
  }
});

export class TensorSharedVariable extends TensorVariable {
  #host: NDArray | null;
  #shape: readonly number[];
  readonly #device = new Map<Backend, DeviceBuffer>();
  /** The backend's generation each device copy was made on: a copy of an earlier one went with its device. */
  readonly #madeOn = new Map<Backend, number>();
  /** Which copy is current: 'host' or the backend that last wrote the value. */
  #fresh: 'host' | Backend = 'host';
  /** Queued tasks that will change the value; while they are, getValue returns what a deferred setValue queued last will set, if any. */
  readonly #writers = new Writers<NDArray>();
  /**
   * Theano's `default_update`: functions that read this variable, and
   * update it no other way, update it with this expression (unless made
   * with `noDefaultUpdates`); a running average of batch statistics is the
   * usual one.
   */
  defaultUpdate: TensorVariable | undefined;

  constructor(value: NDArray, type: TensorType, name?: string) {
    super(type, { name });
    checkShape(value, type, `shared(${name ?? ''})`);
    this.#host = value;
    this.#shape = value.shape;
    deviceCopies.register(this, this.#device);
  }

  /**
   * Shape of the value, in the program's order: a setValue still queued
   * behind pending calls included. While a pending call updates the
   * variable, this is the shape before that call (an update keeps the
   * shape unless its expression changes it): that of a setValue queued
   * before the call, if any.
   */
  get valueShape(): readonly number[] {
    return this.#writers.lastSet?.shape ?? this.#shape;
  }

  /** @internal Shape of the value now, inside a queued call (before a setValue queued after it). */
  get currentShape(): readonly number[] {
    return this.#shape;
  }

  /**
   * The current value (a copy unless `borrow`). When a backend without
   * synchronous reads holds the newest value, use `await getValueAsync()`.
   * While a call that updates this variable is still queued or running,
   * the value it will leave is not known yet: that is an error here, and
   * `await getValueAsync()` waits for it.
   */
  getValue(options: { borrow?: boolean } = {}): NDArray {
    checkOptionNames(options, 'getValue', ['borrow']);
    if (this.#writers.busy) {
      const queued = this.#writers.queued;
      if (!queued) {
        throw new Error(
          `shared variable ${this.toString()}: a call that updates it has not finished; await the call, or use await getValueAsync(), which waits for it.`,
        );
      }
      return options.borrow ? queued : queued.copy();
    }
    if (this.#fresh !== 'host') {
      this.#forgetReplaced();
      const b = this.#fresh;
      if (!b.readSync) {
        throw new Error(
          `shared variable ${this.toString()}: its value lives on device ${b.describe().name}, which has no synchronous reads; use await getValueAsync().`,
        );
      }
      this.#host = fromTyped(b.readSync(this.#device.get(b)!), this.#shape, this.dtype);
      this.#fresh = 'host';
      this.#stale(b);
    }
    return options.borrow ? this.#host! : this.#host!.copy();
  }

  /**
   * @internal The value on the host when that copy is current (set by the
   * user, or read back since the last call that updated it), else null: a
   * call checks indices it holds without a readback where it is current.
   */
  get hostValueIfCurrent(): NDArray | null {
    return this.#host;
  }

  /**
   * @internal The value on the host, read back first where a device holds
   * the newest (a call that indexes with this variable checks its values
   * there; `getValue`'s writer checks would refuse inside a call): null
   * where that device has no synchronous reads (see `hostValueReadAsync`).
   */
  hostValueRead(): NDArray | null {
    if (this.#fresh !== 'host') {
      this.#forgetReplaced();
      const b = this.#fresh;
      if (!b.readSync) return null;
      this.#host = fromTyped(b.readSync(this.#device.get(b)!), this.#shape, this.dtype);
      this.#fresh = 'host';
      this.#stale(b);
    }
    return this.#host;
  }

  /** @internal `hostValueRead` on any device (inside a call: not queued). */
  hostValueReadAsync(): Promise<NDArray> {
    return this.#read({ borrow: true });
  }

  /** The value once every call made before this one has finished (and updated it). */
  getValueAsync(options: { borrow?: boolean } = {}): Promise<NDArray> {
    try {
      checkOptionNames(options, 'getValueAsync', ['borrow']);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return enqueue(() => this.#read(options));
  }

  /**
   * Bring the host copy up to date. It runs inside a queued task, and every
   * write is queued or refused while one is pending, so nothing writes
   * during the read.
   */
  async #read(options: { borrow?: boolean }): Promise<NDArray> {
    if (this.#fresh !== 'host') {
      this.#forgetReplaced();
      const b = this.#fresh;
      this.#host = fromTyped(await b.read(this.#device.get(b)!), this.#shape, this.dtype);
      this.#fresh = 'host';
      this.#stale(b);
    }
    return options.borrow ? this.#host! : this.#host!.copy();
  }

  /**
   * Forget the device copies made on a device their backend has replaced
   * since (`Backend.generation`: its `dispose()`, then `init()`): their
   * buffers went with it. Where the newest value was one of them it is
   * gone too: an error naming the variable (unless `refuseLost` is false:
   * an update about to replace it), until `setValue` gives a new one.
   */
  #forgetReplaced(refuseLost = true): void {
    for (const [backend, generation] of this.#madeOn) {
      if (generation === generationOf(backend)) continue;
      if (this.#fresh === backend) {
        if (refuseLost) {
          throw new Error(
            `device=${backend.describe().name}: the backend was disposed since shared variable ${this.toString()} was last updated on it, ` +
              'and that value went with its device; give the variable a value again with setValue() (read such values with getValueAsync() before disposing).',
          );
        }
        this.#fresh = 'host';
      }
      this.#madeOn.delete(backend);
      this.#device.delete(backend);
      this.#validOn.delete(backend);
    }
  }

  /** After a host refresh, the device copy that was fresh is still valid. */
  #stale(keep: Backend): void {
    this.#validOn = new Set([keep]);
  }
  #validOn = new Set<Backend>();

  /**
   * Replace the value. Its dtype must cast safely and its shape fit the
   * broadcastable pattern. While calls are queued, it takes effect after
   * them, in the order the program made them: calls made before it see the
   * old value and their updates of it are overwritten; `getValue()` returns
   * the new value at once.
   */
  setValue(value: ArrayLike, options: { borrow?: boolean } = {}): void {
    checkOptionNames(options, 'setValue', ['borrow']);
    const what = `setValue of shared variable ${this.toString()}`;
    const v = convertValue(value, this.type, what, { downcastHint: `Cast the value first (value.astype('${this.dtype}')).` });
    const own = options.borrow || v !== value ? v : v.copy();
    this.#writers.set(own, (v) => this.#assign(v));
  }

  #assign(v: NDArray): void {
    this.#host = v;
    this.#shape = v.shape;
    this.#fresh = 'host';
    this.#validOn.clear();
  }

  /** @internal A call that updates this variable was queued: until it settles, only getValueAsync knows the value. */
  queueWriter(): void {
    this.#writers.add();
  }

  /** @internal A queued writer settled (committed or failed). */
  writerDone(): void {
    this.#writers.done();
  }

  /** @internal The device buffer holding the current value on `backend`, inside a queued call; uploads it if needed. */
  async deviceBuffer(backend: Backend): Promise<DeviceBuffer> {
    this.#forgetReplaced();
    if (this.#fresh !== 'host' && this.#fresh !== backend) await this.#read({ borrow: true });
    return this.#upload(backend);
  }

  /**
   * @internal Synchronous variant for synchronous calls (made only while no
   * task is queued); `caller` names the call in the error where a device
   * without synchronous reads holds the value (getValue's would send the
   * caller to getValueAsync, where an asynchronous call is the fix).
   */
  deviceBufferSync(backend: Backend, caller = 'function'): DeviceBuffer {
    this.#forgetReplaced();
    const fresh = this.#fresh;
    if (fresh !== 'host' && fresh !== backend) {
      if (!fresh.readSync) {
        throw new Error(
          `${caller}: shared variable ${this.toString()}: its value lives on device ${fresh.describe().name}, which has no synchronous reads; ` +
            'use await f(...) instead of f.sync(...), or read it back first with await getValueAsync().',
        );
      }
      this.getValue({ borrow: true });
    }
    return this.#upload(backend);
  }

  #upload(backend: Backend): DeviceBuffer {
    if (this.#fresh === backend) return this.#device.get(backend)!;
    let buf = this.#device.get(backend);
    if (!this.#validOn.has(backend) || !buf) {
      const host = this.#host!;
      if (!buf || buf.size !== host.size) {
        this.#checkHeldBy(backend);
        if (buf) backend.free(buf);
        buf = backend.alloc(this.dtype, host.size);
        this.#device.set(backend, buf);
        this.#madeOn.set(backend, generationOf(backend));
      }
      backend.write(buf, host.data);
      this.#validOn.add(backend);
    }
    return buf;
  }

  /**
   * A device that cannot hold the variable's dtype (float64 on WebGPU and
   * gpu.js) refuses it by name: the backend's own refusal names no variable,
   * and says to cast, which a graph's `D.astype('float32')` does only after
   * the upload.
   */
  #checkHeldBy(backend: Backend): void {
    const info = backend.describe();
    if (info.dtypes.includes(this.dtype)) return;
    const to = this.dtype.startsWith('float') && info.dtypes.includes('float32') ? 'float32' : undefined;
    throw new TypeError(
      `shared variable ${this.toString()}: device=${info.name} cannot hold its ${this.dtype} value (it holds ${info.dtypes.join(', ')}), ` +
        'which is uploaded as it is, whatever the graph casts it to; ' +
        `make the variable ${to ? `${to} (sym.shared(value, { dtype: '${to}' }))` : 'of a dtype the device holds'}, or read it only in functions on a device that holds ${this.dtype} (the CPU).`,
    );
  }

  /** @internal Free the device copies, leaving an empty value (host-stage.ts's private carriers, when their function is disposed). */
  releaseDevice(): void {
    this.#forgetReplaced(false);
    for (const [backend, buf] of this.#device) backend.free(buf);
    this.#device.clear();
    this.#madeOn.clear();
    this.#validOn.clear();
    this.#fresh = 'host';
    this.#shape = this.broadcastable.map((b) => (b ? 1 : 0));
    this.#host = NDArray.zeros(this.#shape, this.dtype);
  }

  /**
   * @internal Make `buffer` (on `backend`, holding a value of `shape`) the
   * current value. Returns the buffer it replaces, for reuse by the caller.
   */
  commit(backend: Backend, buffer: DeviceBuffer, shape: readonly number[]): DeviceBuffer | undefined {
    // the update replaces a value lost with its device: no error, and no buffer of that device back
    this.#forgetReplaced(false);
    const old = this.#device.get(backend);
    this.#device.set(backend, buffer);
    this.#madeOn.set(backend, generationOf(backend));
    this.#shape = [...shape];
    this.#fresh = backend;
    this.#validOn = new Set([backend]);
    this.#host = null;
    return old;
  }
}

/** The value of a new shared variable as an array; an error names the call (array's own name its argument 'value'). */
function sharedValue(value: ArrayLike, options: SharedOptions): NDArray {
  const what = `shared(${options.name ?? ''})`;
  const v: unknown = value;
  if (!(v instanceof NDArray) && !isTypedArray(v) && typeof v !== 'number' && typeof v !== 'boolean' && !Array.isArray(v)) {
    throw new TypeError(`${what}: expected a number, nested arrays, a typed array or an NDArray, got ${describe(v)}`);
  }
  try {
    return array(value, options.dtype ? { dtype: options.dtype } : {});
  } catch (e) {
    if (e instanceof TypeError && e.message.startsWith('value: ')) throw new TypeError(`${what}: ${e.message.slice('value: '.length)}`);
    throw e;
  }
}

/**
 * `theano.shared(value, name, broadcastable, borrow)`. The dtype comes from
 * the value: plain JS numbers are float64 (int64 when all are integers), so
 * the tutorial's floatX pitfall shows the same way; pass `dtype` or a
 * Float32Array/NDArray of float32 to store float32.
 *
 * @example
 * ```ts
 * const state = sym.shared(0, { name: 'state' });
 * const inc = T.iscalar('inc');
 * const accumulator = sym.function([inc], state, { updates: [[state, state.add(inc)]] });
 * await accumulator(1); // 0: a call returns the value before its updates
 * state.getValue(); // 1
 * ```
 */
export function shared(value: ArrayLike, options: SharedOptions = {}): TensorSharedVariable {
  checkOptionNames(options, 'shared', ['name', 'broadcastable', 'borrow', 'dtype'] satisfies (keyof SharedOptions)[]);
  if (options.dtype !== undefined && !isDType(options.dtype)) throw new TypeError(`shared: unknown dtype ${String(options.dtype)}`);
  if (options.name !== undefined && typeof options.name !== 'string') throw new TypeError(`shared: name must be a string, got ${describe(options.name)}`);
  const v = value instanceof NDArray && options.borrow && (!options.dtype || options.dtype === value.dtype) ? value : sharedValue(value, options);
  const bc = options.broadcastable ?? v.shape.map(() => false);
  if (bc.length !== v.ndim) {
    throw new Error(`shared(${options.name ?? ''}): broadcastable ${JSON.stringify(bc)} has ${bc.length} entries but the value has shape ${shapeToString(v.shape)}`);
  }
  return new TensorSharedVariable(v, new TensorType(v.dtype, bc), options.name);
}
