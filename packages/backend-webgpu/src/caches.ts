/** Caches of the backend that a long-running process must not see grow without end. */

/**
 * A cache whose values are held weakly: what uses a value (an executable
 * holds its pipeline) keeps it, and a collected value's key leaves the
 * cache. A process that compiles function after function then keeps the
 * pipelines of the functions it still has, not of every one it made: on
 * lavapipe a pipeline held ~0.8 MB of compiled code.
 */
export class WeakValues<V extends object> {
  readonly #refs = new Map<string, WeakRef<V>>();
  readonly #collected = new FinalizationRegistry<string>((key) => {
    if (!this.#refs.get(key)?.deref()) this.#refs.delete(key);
  });

  get(key: string): V | undefined {
    return this.#refs.get(key)?.deref();
  }

  set(key: string, value: V): void {
    this.#refs.set(key, new WeakRef(value));
    this.#collected.register(value, key);
  }

  /** Keys whose value is still alive. */
  size(): number {
    let n = 0;
    for (const r of this.#refs.values()) if (r.deref()) n++;
    return n;
  }

  clear(): void {
    this.#refs.clear();
  }
}

/** A map that keeps its latest `most` keys: for values no executable holds (a few numbers per shader). */
export class Latest<V> {
  readonly #map = new Map<string, V>();

  constructor(readonly most: number) {}

  get(key: string): V | undefined {
    return this.#map.get(key);
  }

  set(key: string, value: V): void {
    this.#map.set(key, value);
    if (this.#map.size > this.most) this.#map.delete(this.#map.keys().next().value!);
  }

  clear(): void {
    this.#map.clear();
  }
}

/** The values of all the lists of `map` (the buffers pooled by size). */
export function countValues(map: ReadonlyMap<unknown, readonly unknown[]>): number {
  let n = 0;
  for (const l of map.values()) n += l.length;
  return n;
}

/** The backend's shader caches: neither grows with every function a process compiles. */
export class ShaderCaches<P extends object> {
  /** Pipelines by their WGSL: kernels rendered alike (a parametric kernel at another length) share one while an executable holds it. */
  readonly pipelines = new WeakValues<P>();
  /** The numbers of the first kernel rendered to each parametric shader (`parametric: 'repeated'`), of the latest 1024 shaders. */
  readonly firstNumbers = new Latest<Int32Array>(1024);

  clear(): void {
    this.pipelines.clear();
    this.firstNumbers.clear();
  }
}
