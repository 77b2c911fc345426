/**
 * A small seedable random number generator: the stream behind `@sym/nn`'s
 * initialisers and datasets, and behind each random variable of a
 * `RandomStreams` (Theano's `rv.rng`, a NumPy `RandomState`).
 *
 * The stream is xoshiro128** (32-bit arithmetic, fast in JavaScript, good
 * statistical quality) seeded through splitmix32, so any integer seed gives
 * a well-mixed state. It is not NumPy's Mersenne Twister: the same seed does
 * not give NumPy's numbers, only the same numbers on every run and platform.
 */
import type { DType, TypedArray } from '../core/dtype.js';
import { checkDType } from '../core/dtype.js';
import { NDArray, array, describe, sizeOf, type Shape } from '../core/ndarray.js';
import { checkOptionNames } from '../core/options.js';

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

function checkShape(shape: Shape | number, what: string): number[] {
  const s = typeof shape === 'number' ? [shape] : [...shape];
  for (const d of s) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`${what}: shape must be non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return s;
}

/**
 * A seed that is not a valid number, as an error shows it: Theano's
 * `RandomStreams(seed=234)` keyword written as `{ seed: 234 }` gets the way
 * (`String` would show '[object Object]').
 */
export function describeSeed(seed: unknown, ctor: string): string {
  if (typeof seed === 'number') return String(seed);
  const shown = describe(seed);
  const inner = typeof seed === 'object' && seed !== null ? (seed as { seed?: unknown }).seed : undefined;
  return typeof inner === 'number' ? `${shown}; pass the number itself: new ${ctor}(${inner})` : shown;
}

/** A generator's state, as `getState` gives it. */
export interface RandomStateSnapshot {
  /** The xoshiro128** generator's four 32-bit state words (unsigned; `setState` refuses all zeros). */
  readonly words: readonly [number, number, number, number];
  /** The second normal of the last Box-Muller pair, not yet drawn. */
  readonly spare: number | null;
}

/** NumPy's `RandomState`, in spirit: uniform, normal and integer draws from one seeded stream. */
export class RandomState {
  #s = new Uint32Array(4);
  /** The second value of the last Box-Muller pair, used by the next normal draw. */
  #spare: number | null = null;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Restart the stream from `seed` (an integer in [0, 2^32)). */
  seed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`RandomState.seed: expected an integer in [0, 2^32), got ${describeSeed(seed, 'RandomState')}`);
    }
    const next = splitmix32(seed);
    for (let i = 0; i < 4; i++) this.#s[i] = next();
    this.#spare = null;
  }

  /** The generator's state (NumPy's `get_state()`): restore it with `setState` to replay the stream from here. */
  getState(): RandomStateSnapshot {
    return { words: [...this.#s] as [number, number, number, number], spare: this.#spare };
  }

  /** Restore a state `getState` returned (NumPy's `set_state`). */
  setState(state: RandomStateSnapshot): void {
    const w = state?.words;
    if (!Array.isArray(w) || w.length !== 4 || !w.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff) || w.every((x) => x === 0)) {
      throw new TypeError(`RandomState.setState: expected a state from getState() (four 32-bit words, not all zero), got ${JSON.stringify(state)}`);
    }
    if (state.spare !== null && typeof state.spare !== 'number') throw new TypeError(`RandomState.setState: spare must be a number or null, got ${JSON.stringify(state.spare)}`);
    this.#s.set(w);
    this.#spare = state.spare;
  }

  /** An independent generator at the same point of the stream. */
  copy(): RandomState {
    const r = new RandomState();
    r.setState(this.getState());
    return r;
  }

  /**
   * Fill `out` with uniforms in [0, 1): a float32 array gets 24 random bits
   * per value (one word), so that no value rounds up to 1; others get 53
   * (two words, as `random()`).
   */
  fillUniform(out: TypedArray): void {
    const f32 = out instanceof Float32Array;
    const words = this.#words(f32 ? out.length : 2 * out.length);
    if (f32) for (let i = 0; i < out.length; i++) out[i] = (words[i]! >>> 8) * 5.9604644775390625e-8;
    else for (let i = 0; i < out.length; i++) out[i] = ((words[2 * i]! >>> 5) * 67108864 + (words[2 * i + 1]! >>> 6)) / 9007199254740992;
  }

  /**
   * Fill `out` with standard normal draws, by Marsaglia's polar method on
   * pairs of 32-bit uniforms in (-1, 1): no sine or cosine, which makes it
   * several times faster than `standardNormal` on large samples.
   */
  fillNormal(out: TypedArray): void {
    let i = 0;
    while (i < out.length) {
      // a pair of uniforms per remaining pair of values, plus the rejected fraction (1 - pi/4)
      const words = this.#words(2 * Math.ceil((out.length - i) / 2) + 16);
      for (let k = 0; k + 1 < words.length && i < out.length; k += 2) {
        const u = (words[k]! | 0) * 4.656612873077393e-10;
        const v = (words[k + 1]! | 0) * 4.656612873077393e-10;
        const q = u * u + v * v;
        if (q >= 1 || q === 0) continue;
        const m = Math.sqrt((-2 * Math.log(q)) / q);
        out[i++] = u * m;
        if (i < out.length) out[i++] = v * m;
      }
    }
  }

  /** Fill `out` with integers uniformly in [lo, hi], both included, as `integer` draws them. */
  fillIntegers(out: TypedArray, lo: number, hi: number): void {
    for (let i = 0; i < out.length; i++) out[i] = this.integer(lo, hi);
  }

  #scratch = new Uint32Array(0);
  /** The stream's next `n` words (as `nextUint32` would give them), in a scratch array reused across calls. */
  #words(n: number): Uint32Array {
    if (this.#scratch.length < n) this.#scratch = new Uint32Array(n);
    const w = this.#scratch.subarray(0, n);
    const st = this.#s;
    let s0 = st[0]!;
    let s1 = st[1]!;
    let s2 = st[2]!;
    let s3 = st[3]!;
    for (let i = 0; i < n; i++) {
      const m = Math.imul(s1, 5);
      w[i] = Math.imul((m << 7) | (m >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    st[0] = s0;
    st[1] = s1;
    st[2] = s2;
    st[3] = s3;
    return w;
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits (as MT's genrand_res53 builds it). */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A standard normal draw (Box-Muller; each pair of uniforms gives two normals). */
  standardNormal(): number {
    if (this.#spare !== null) {
      const v = this.#spare;
      this.#spare = null;
      return v;
    }
    // 1 - random() lies in (0, 1]: the logarithm stays finite.
    const u = 1 - this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** An integer uniformly in [lo, hi] (both included), without modulo bias. */
  integer(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) {
      throw new RangeError(`RandomState.integer: expected integers lo <= hi, got lo=${String(lo)}, hi=${String(hi)}`);
    }
    const span = hi - lo + 1;
    if (span <= 0x100000000) {
      // Reject the top partial block of 2^32 so every value is equally likely.
      const limit = 0x100000000 - (0x100000000 % span);
      let x: number;
      do x = this.nextUint32();
      while (x >= limit);
      return lo + (x % span);
    }
    return lo + Math.floor(this.random() * span);
  }

  /** `np.random.randn(*shape)`: standard normal draws, float64 unless `dtype` says otherwise. */
  randn(shape: Shape | number, dtype: DType = 'float64'): NDArray {
    return this.#fill('randn', checkShape(shape, 'randn'), dtype, () => this.standardNormal());
  }

  /** Normal draws with the given mean and standard deviation. */
  normal(shape: Shape | number, options: { mean?: number; std?: number; dtype?: DType } = {}): NDArray {
    checkOptionNames(options, 'RandomState.normal', ['mean', 'std', 'dtype']);
    const { mean = 0, std = 1 } = options;
    if (!(std >= 0)) throw new RangeError(`normal: std must be >= 0, got ${String(std)}`);
    return this.#fill('normal', checkShape(shape, 'normal'), options.dtype ?? 'float64', () => mean + std * this.standardNormal());
  }

  /** `np.random.random_sample(shape)`: uniform in [0, 1). */
  randomSample(shape: Shape | number, dtype: DType = 'float64'): NDArray {
    return this.#fill('randomSample', checkShape(shape, 'randomSample'), dtype, () => this.random());
  }

  /** Uniform draws in [low, high). */
  uniform(shape: Shape | number, options: { low?: number; high?: number; dtype?: DType } = {}): NDArray {
    checkOptionNames(options, 'RandomState.uniform', ['low', 'high', 'dtype']);
    const { low = 0, high = 1 } = options;
    if (!(high >= low)) throw new RangeError(`uniform: expected low <= high, got low=${String(low)}, high=${String(high)}`);
    return this.#fill('uniform', checkShape(shape, 'uniform'), options.dtype ?? 'float64', () => low + (high - low) * this.random());
  }

  /**
   * NumPy's `randint(low, high, size)`: integers in [low, high), high
   * excluded, or in [0, low) when `high` is left out (the tutorials'
   * `RandomStreams(numpy_rng.randint(2 ** 30))`). A number without a size;
   * an int64 array of shape `size` with one.
   */
  randint(low: number, high?: number): number;
  randint(low: number, high: number | undefined, size: Shape | number): NDArray;
  randint(low: number, high?: number, size?: Shape | number): number | NDArray {
    const [lo, hi] = high === undefined ? [0, low] : [low, high];
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo >= hi) {
      throw new RangeError(`RandomState.randint: expected integers low < high, got low=${String(lo)}, high=${String(hi)}`);
    }
    if (size === undefined) return this.integer(lo, hi - 1);
    return this.#fill('randint', checkShape(size, 'randint'), 'int64', () => this.integer(lo, hi - 1));
  }

  /** `np.random.random_integers(lo, hi, shape)`: integers in [lo, hi], both included; int64. */
  randomIntegers(lo: number, hi: number, shape: Shape | number): NDArray {
    return this.#fill('randomIntegers', checkShape(shape, 'randomIntegers'), 'int64', () => this.integer(lo, hi));
  }

  #fill(what: string, shape: number[], dtype: DType, draw: () => number): NDArray {
    // checked before drawing: a bad dtype uses up none of the stream
    checkDType(dtype, `RandomState.${what}`);
    const values = new Float64Array(sizeOf(shape));
    for (let i = 0; i < values.length; i++) values[i] = draw();
    return array(values, { dtype, shape });
  }
}
