/** Caches of the backend that a long-running process must not see grow without end. */

/**
 * A cache whose values are held weakly, but for the latest `recent` ones
 * made or found: what uses a value (an executable holds its pipeline)
 * keeps it, and a collected value's key leaves the cache. A process that
 * compiles function after function then keeps the pipelines of the
 * functions it still has, not of every one it made (on lavapipe a
 * pipeline held ~0.5-0.8 MB of compiled code); a graph compiled again
 * soon after its function was dropped finds its pipelines still there.
 */
export class WeakValues<V extends object> {
  readonly #refs = new Map<string, WeakRef<V>>();
  readonly #recent: Latest<V>;
  readonly #collected = new FinalizationRegistry<string>((key) => {
    if (!this.#refs.get(key)?.deref()) this.#refs.delete(key);
  });
  /** Values set since the cache was made or cleared. */
  made = 0;

  constructor(recent: number) {
    this.#recent = new Latest<V>(recent);
  }

  get(key: string): V | undefined {
    const v = this.#refs.get(key)?.deref();
    if (v) this.#recent.set(key, v);
    return v;
  }

  set(key: string, value: V): void {
    this.#refs.set(key, new WeakRef(value));
    this.#recent.set(key, value);
    this.#collected.register(value, key);
    this.made++;
  }

  /** Keys whose value is still alive. */
  size(): number {
    let n = 0;
    for (const r of this.#refs.values()) if (r.deref()) n++;
    return n;
  }

  clear(): void {
    this.#refs.clear();
    this.#recent.clear();
    this.made = 0;
  }
}

/** A map that keeps its latest `most` keys: for values no executable holds (a few numbers per shader). */
export class Latest<V> {
  readonly #map = new Map<string, V>();

  constructor(readonly most: number) {}

  get(key: string): V | undefined {
    return this.#map.get(key);
  }

  /** Set `key` (as the latest, also when it was there). */
  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.most) this.#map.delete(this.#map.keys().next().value!);
  }

  clear(): void {
    this.#map.clear();
  }
}


/**
 * Freed buffers by size, for the next buffer of that size: a training
 * step's buffers come back at every call. At most `most` bytes are kept,
 * the sizes pooled first destroyed first: a process whose shapes change
 * (every sentence length, a new batch size per run) keeps what it reuses,
 * not every size it ever had; buffers a collected function frees arrive
 * in bulk after a collection.
 */
export class BufferPool<B extends { destroy(): void }> {
  readonly #lists = new Map<number, B[]>();
  #bytes = 0;

  constructor(readonly most: number) {}

  take(bytes: number): B | undefined {
    const b = this.#lists.get(bytes)?.pop();
    if (b) this.#bytes -= bytes;
    return b;
  }

  /** Pool `b`; returns the bytes of the buffers destroyed to stay within `most`. */
  give(bytes: number, b: B): number {
    let destroyed = 0;
    let list = this.#lists.get(bytes);
    if (!list) this.#lists.set(bytes, (list = []));
    list.push(b);
    this.#bytes += bytes;
    for (const [size, l] of this.#lists) {
      while (this.#bytes > this.most && l.length) {
        l.shift()!.destroy();
        this.#bytes -= size;
        destroyed += size;
      }
      if (!l.length) this.#lists.delete(size);
      if (this.#bytes <= this.most) break;
    }
    return destroyed;
  }

  /** Buffers pooled now. */
  count(): number {
    let n = 0;
    for (const l of this.#lists.values()) n += l.length;
    return n;
  }

  /** Bytes pooled now. */
  get bytes(): number {
    return this.#bytes;
  }

  destroyAll(): void {
    for (const l of this.#lists.values()) for (const b of l) b.destroy();
    this.#lists.clear();
    this.#bytes = 0;
  }
}

/** The backend's shader caches: neither grows with every function a process compiles. */
export class ShaderCaches<P extends object> {
  /** Pipelines by their WGSL: kernels rendered alike (a parametric kernel at another length) share one while an executable holds it, or while it is among the latest 32. */
  readonly pipelines = new WeakValues<P>(32);
  /** The numbers of the first kernel rendered to each parametric shader (`parametric: 'repeated'`), of the latest 1024 shaders. */
  readonly firstNumbers = new Latest<Int32Array>(1024);

  clear(): void {
    this.pipelines.clear();
    this.firstNumbers.clear();
  }
}
