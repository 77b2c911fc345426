/**
 * One WebAssembly memory for the CPU backend's buffers, so that the vector
 * kernels read their operands and write their results in place instead of
 * copying them in and out of a private memory at every launch.
 *
 * The memory is shared (backed by a SharedArrayBuffer) where the engine
 * has one: growing a shared memory never detaches it, so the typed-array
 * views handed out as buffers stay valid when later allocations grow it.
 * Without SharedArrayBuffer buffers stay ordinary typed arrays and the
 * memory serves only as the kernels' scratch space.
 *
 * Blocks come from exact-size free lists on top of a bump pointer. Every
 * block carries 16 bytes past its end, as the vector loops read and write
 * whole 4-lane vectors. Buffers the backend forgets without `free` (a
 * garbage-collected function's plans) return through a FinalizationRegistry.
 * When the memory cannot grow, allocations fall back to ordinary arrays.
 */
import type { DType, TypedArray } from '@sym/graph';
import { allocate } from '@sym/graph';

export const MAX_PAGES = 32768; // 2 GiB
const PAGE = 65536;
const ALIGN = 16;
const PAD = 16;

const BYTES: Record<DType, number> = {
  float64: 8,
  float32: 4,
  float16: 4, // in a Float32Array (see @sym/graph's dtype.ts)
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint32: 4,
  uint16: 2,
  uint8: 1,
  bool: 1,
};

type ViewCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => TypedArray;

/** The typed-array constructor `allocate` uses for a dtype (int64 in a Float64Array, bool in a Uint8Array). */
const CTORS = new Map<DType, ViewCtor>();
function ctorOf(dtype: DType): ViewCtor {
  let c = CTORS.get(dtype);
  if (!c) CTORS.set(dtype, (c = allocate(dtype, 0).constructor as unknown as ViewCtor));
  return c;
}

/** Block size for `bytes` of data: aligned, with the vector padding. */
function blockBytes(bytes: number): number {
  return Math.ceil((bytes + PAD) / ALIGN) * ALIGN;
}

export interface Block {
  readonly ptr: number;
  readonly bytes: number;
  /** Never used before: still zero, as grown memory is. */
  readonly fresh: boolean;
}

class Arena {
  readonly shared = typeof SharedArrayBuffer !== 'undefined';
  readonly memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: this.shared });
  /** Every ArrayBuffer object this memory has had (a shared memory hands out a new one per growth). */
  readonly #buffers = new WeakSet<ArrayBufferLike>([this.memory.buffer]);
  #top = ALIGN;
  readonly #free = new Map<number, number[]>();
  readonly #registry = new FinalizationRegistry<Block>((b) => this.release(b.ptr, b.bytes));
  /** Bytes in blocks handed out and not yet released (for tests). */
  inUse = 0;

  /** Reserve a block of at least `bytes` (padding included); null when the memory cannot grow. */
  reserve(bytes: number): Block | null {
    const size = blockBytes(bytes);
    const list = this.#free.get(size);
    const reused = list?.pop();
    if (reused !== undefined) {
      this.inUse += size;
      return { ptr: reused, bytes: size, fresh: false };
    }
    const ptr = this.#top;
    if (!this.#ensure(ptr + size + PAD)) return null;
    this.#top = ptr + size;
    this.inUse += size;
    return { ptr, bytes: size, fresh: true };
  }

  /** `reserve`, or a clear error naming what needed the memory when it cannot grow. */
  reserveFor(bytes: number, what: string): Block {
    const block = this.reserve(bytes);
    if (!block) throw new RangeError(`cpu: the WebAssembly memory cannot grow by ${bytes} bytes for ${what} (limit ${MAX_PAGES * 64} KiB)`);
    return block;
  }

  release(ptr: number, bytes: number): void {
    let list = this.#free.get(bytes);
    if (!list) this.#free.set(bytes, (list = []));
    list.push(ptr);
    this.inUse -= bytes;
  }

  #ensure(end: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return true;
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) return false;
    try {
      this.memory.grow(pages);
    } catch {
      return false;
    }
    this.#buffers.add(this.memory.buffer);
    return true;
  }

  /** Whether `a` is a view into this memory (then its byteOffset is its address). */
  owns(a: TypedArray): boolean {
    if (this.#buffers.has(a.buffer)) return true;
    // the engine may wrap the memory in a new buffer object without growing it (when the memory is posted to a thread)
    if (a.buffer !== this.memory.buffer) return false;
    this.#buffers.add(a.buffer);
    return true;
  }

  /**
   * A zeroed array of `size` elements of `dtype` in the memory, or an
   * ordinary array when the memory is not shared or cannot grow. `owner`
   * is the object whose collection returns the block (unless `free` is called first).
   */
  array(dtype: DType, size: number, owner: object): TypedArray {
    const bytes = this.bytes(dtype, size);
    const block = this.shared ? this.reserve(bytes) : null;
    if (!block) return allocate(dtype, size);
    const view = new (ctorOf(dtype))(this.memory.buffer, block.ptr, size);
    // a reused block holds old data; fresh memory is zero already (filling it would only touch every page early)
    if (!block.fresh) view.fill(0);
    this.#registry.register(owner, block, owner);
    return view;
  }

  /** A view of `size` elements of `dtype` at `ptr`, a block of this memory. */
  view(dtype: DType, ptr: number, size: number): TypedArray {
    return new (ctorOf(dtype))(this.memory.buffer, ptr, size);
  }

  /** Bytes `size` elements of `dtype` take here. */
  bytes(dtype: DType, size: number): number {
    return size * BYTES[dtype];
  }

  /** Give back the block of an array made by `array` for `owner` (ordinary arrays are left to the collector). */
  free(a: TypedArray, owner: object): void {
    if (!this.owns(a)) return;
    this.#registry.unregister(owner);
    this.release(a.byteOffset, blockBytes(a.byteLength));
  }

  /** A Float32Array over the whole memory, as it is now. */
  f32(): Float32Array {
    return new Float32Array(this.memory.buffer);
  }
}

/** The arena every CPU backend (and the vector kernels) share. */
export const arena = new Arena();

/**
 * Scratch for work that lives within one launch (a product's packed
 * operands, a split kernel's intermediate), kept between launches and grown
 * to the largest request, up to `max` bytes; bigger requests get a block of
 * their own for the launch. The arena reuses only blocks of the exact size,
 * so differently sized scratch taken per launch would touch fresh pages
 * each time (page faults are most of a first call's excess), and the same
 * memory stays warm in the caches from one launch to the next.
 */
export class Workspace {
  #kept: Block | undefined;
  /** The most a compiled kernel said it will take (see `expect`). */
  #expected = 0;
  /** The kept block is out (between `take` and `give`). */
  #taken = false;
  constructor(
    readonly what: string,
    readonly max: number,
  ) {}

  /**
   * A compiled kernel will take `bytes` at its launches: the first block
   * kept is sized for the largest such kernel, so that a program's first
   * call does not grow the block kernel by kernel (each growth is fresh
   * memory, and the block it replaces is rarely reused at its exact size).
   */
  expect(bytes: number): void {
    if (bytes <= this.max) this.#expected = Math.max(this.#expected, bytes);
  }

  /** A block of at least `bytes`, to `give` back when the launch is done. */
  take(bytes: number): Block {
    // a second taker while the kept block is out (no kernel nests today) gets a block of its own
    if (this.#taken || bytes > this.max) return arena.reserveFor(bytes, this.what);
    this.#taken = true;
    if (this.#kept && this.#kept.bytes >= blockBytes(bytes)) return this.#kept;
    if (this.#kept) arena.release(this.#kept.ptr, this.#kept.bytes);
    this.#kept = undefined;
    try {
      return (this.#kept = arena.reserveFor(Math.max(bytes, this.#expected), this.what));
    } catch (e) {
      this.#taken = false;
      throw e;
    }
  }

  give(block: Block): void {
    if (block === this.#kept) this.#taken = false;
    else arena.release(block.ptr, block.bytes);
  }
}
