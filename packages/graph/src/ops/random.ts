/**
 * Random variables: Theano's `RandomFunction` nodes, made by a
 * `RandomStreams`. Each variable owns a generator (its `rng`). A function
 * draws the variable's sample on the host when it is called and writes it
 * to the device before its kernels run, as TensorFlow.js does for its
 * WebGL backend: every backend gets the same numbers for the same seed,
 * and no backend needs exact 32-bit integer arithmetic in its kernels
 * (gpu.js's integers are floats). The generator moves on only when the
 * call succeeds, so a failed call loses nothing.
 */
import { intRange, isInt, type DType } from '../core/dtype.js';
import { NDArray, shapeToString } from '../core/ndarray.js';
import { RandomState, type RandomStateSnapshot } from '../random/random-state.js';
import { Apply, Op } from '../core/op.js';
import { TensorType } from '../core/type.js';
import type { StaticShape, TensorVariable } from '../core/variable.js';
import type { Draw, LowerContext, TensorView } from '../kernel/lower.js';
import { checkScalarInts, known, valueOf } from './alloc.js';
import { Writers, enqueue, queueBusy } from '../core/queue.js';
import { fillPermutations, fillPoisson, poissonLamLimit } from '../random/random-draws.js';

/**
 * What a random variable draws: uniform in [0, 1), standard normal,
 * integers in a range, a permutation of 0 .. n - 1 along the last axis (n
 * its length), or Poisson counts of mean `lam`.
 */
export type Distribution = 'uniform' | 'normal' | 'integers' | 'permutation' | 'poisson';

/**
 * Theano's `rv.rng`: the shared variable that holds one random variable's
 * generator. `getValue()` gives a copy (`{ borrow: true }` the generator
 * itself); `setValue(r)` replaces it, so reseeding reads
 * `const r = rv.rng.getValue({ borrow: true }); r.seed(89234); rv.rng.setValue(r, { borrow: true })`.
 *
 * As a tensor shared variable's, its changes keep the program's order:
 * while calls are queued, `setValue` (and `RandomStreams.seed`) takes
 * effect after them, and `getValue` refuses while a queued call will move
 * the generator, whose state is not known until that call ends.
 */
export class SharedRandomState {
  #value: RandomState;
  /** Queued tasks that will change the generator (calls with default updates, deferred setValues). */
  readonly #writers = new Writers<RandomState>();

  constructor(value: RandomState) {
    this.#value = value;
  }
  /**
   * The generator (Theano's `get_value`): a copy, or with `borrow` the one
   * held. While calls are queued, the value a queued `setValue` will give;
   * an Error while a queued call will move the generator (await it first).
   */
  getValue(options: { borrow?: boolean } = {}): RandomState {
    let value = this.#value;
    if (this.#writers.busy) {
      const queued = this.#writers.queued;
      if (!queued) {
        throw new Error('rng.getValue: a call that draws from this generator has not finished, and moves it when it ends; await the call first');
      }
      value = queued;
    }
    return options.borrow ? value : value.copy();
  }
  /**
   * The generator once every call queued before this line has finished (a
   * copy), where `getValue` refuses while one that moves it is queued: as a
   * shared variable's `getValueAsync`, for a checkpoint taken without
   * awaiting each call.
   */
  getValueAsync(): Promise<RandomState> {
    return enqueue(() => this.#value.copy());
  }
  /**
   * Replace the generator (Theano's `set_value`) with a copy of `value`, or
   * with `borrow` with `value` itself, after the calls already queued (which
   * draw from and move the old one). A TypeError if `value` is not a
   * {@link RandomState}.
   */
  setValue(value: RandomState, options: { borrow?: boolean } = {}): void {
    if (!(value instanceof RandomState)) throw new TypeError(`rng.setValue: expected a RandomState, got ${value === null ? 'null' : typeof value}`);
    const own = options.borrow ? value : value.copy();
    // calls made before this line draw from the generator as it was, and move it; then it is replaced
    this.#writers.set(own, (v) => (this.#value = v));
  }
  /** @internal Restart the generator from `seed`, in the program's order (`RandomStreams.seed`). */
  reseed(seed: number): void {
    if (queueBusy()) this.setValue(new RandomState(seed), { borrow: true });
    else this.#value.seed(seed);
  }
  /** @internal The generator now, inside a queued call (before a setValue queued after it). */
  get current(): RandomState {
    return this.#value;
  }
  /** @internal A call that moves this generator was queued: until it settles, getValue refuses. */
  queueWriter(): void {
    this.#writers.add();
  }
  /** @internal A queued call settled (committed or failed). */
  writerDone(): void {
    this.#writers.done();
  }
}

let nextId = 0;

/** How many random variables were made so far: a scan finds those its step made. */
export function randomVariableCount(): number {
  return nextId;
}

/**
 * A sample of `distribution` of the shape its inputs give, one integer
 * scalar per dimension, as `T.zeros`'s (a permutation's last one is n).
 */
export class RandomVariable extends Op implements Draw {
  readonly kind = 'Random' as const;
  /** Two random variables are never one value, whatever their inputs; also the order they were made in. */
  readonly serial = nextId++;
  /** The generator's state after this call's sample: it becomes the state when the call succeeds. */
  #pending: RandomStateSnapshot | undefined;

  constructor(
    /** What the sample is drawn from. */
    readonly distribution: Distribution,
    /** The sample's dtype (an integer one for permutations and Poisson counts, a TypeError otherwise). */
    readonly dtype: DType,
    /** The generator the sample is drawn from, moved past it when a call succeeds (`rv.rng`). */
    readonly rng: SharedRandomState,
    /** 'integers': the lowest and highest values, both included. */
    readonly range: readonly [number, number] = [0, 1],
    /** 'poisson': the means, float64, broadcast over the sample's last dimensions. */
    readonly lam?: NDArray,
    /**
     * Draw the sample a row (along the first axis) at a time, as a scan
     * ending with until draws one step's numbers per step it runs: the rows
     * are what that loop drew, and the generator ends where the loop left it.
     */
    readonly byRows = false,
  ) {
    super();
    if (distribution === 'permutation' || distribution === 'poisson') {
      if (!isInt(dtype)) throw new TypeError(`random ${distribution}: dtype must be an integer dtype, got ${String(dtype)}`);
      if (distribution === 'poisson') checkLamValues(lam, dtype);
    } else if (distribution === 'integers') {
      if (!isInt(dtype)) throw new TypeError(`random integers: dtype must be an integer dtype, got ${String(dtype)}`);
      const [lo, hi] = range;
      const [min, max] = intRange(dtype);
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi || lo < min || hi > max) {
        throw new RangeError(`random integers: expected integers low <= high within ${dtype}'s range [${min}, ${max}], got low=${String(lo)}, high=${String(hi)}`);
      }
    } else if (dtype !== 'float32' && dtype !== 'float64') throw new TypeError(`random ${distribution}: dtype must be float32 or float64, got ${String(dtype)}`);
  }
  key(): string {
    return `Random:${this.serial}`;
  }
  override toString(): string {
    if (this.distribution === 'integers') return `RandomFunction{integers [${this.range[0]}, ${this.range[1]}]}`;
    if (this.distribution === 'poisson') {
      const lam = this.lam!;
      return `RandomFunction{poisson lam=${lam.ndim === 0 ? String(lam.data[0]) : `array of shape ${shapeToString(lam.shape)}`}}`;
    }
    return `RandomFunction{${this.distribution}}`;
  }
  override varies(): boolean {
    return true;
  }
  override staticInputs(node: Apply): number[] {
    return node.inputs.map((_, i) => i);
  }
  outputTypes(inputs: readonly TensorVariable[]): TensorType[] {
    checkScalarInts(`random ${this.distribution}: size`, inputs);
    if (this.distribution === 'permutation' && inputs.length === 0) throw new TypeError('random permutation: expected the size and then n, got no lengths');
    if (this.lam) this.#checkLam(inputs.map(known));
    return [new TensorType(this.dtype, inputs.map((d) => known(d) === 1))];
  }
  inferShape(_shapes: readonly StaticShape[], node: Apply): StaticShape[] {
    return [node.inputs.map(known)];
  }
  /** Fill `into` (of the sample's shape and dtype) with a sample drawn from `r`, which moves past it (the testkit replays draws with it). */
  drawInto(r: RandomState, into: NDArray): void {
    if (this.byRows && into.ndim > 0) {
      const row = NDArray.zeros(into.shape.slice(1), into.dtype);
      for (let i = 0; i < into.shape[0]!; i++) {
        this.#drawOne(r, row);
        into.data.set(row.data as never, i * row.size);
      }
      return;
    }
    this.#drawOne(r, into);
  }
  #drawOne(r: RandomState, into: NDArray): void {
    const data = into.data;
    switch (this.distribution) {
      case 'uniform':
        return r.fillUniform(data);
      case 'normal':
        return r.fillNormal(data);
      case 'integers':
        return r.fillIntegers(data, this.range[0], this.range[1]);
      case 'permutation':
        return fillPermutations(r, data, into.shape[into.ndim - 1]!);
      case 'poisson':
        return fillPoisson(r, into, this.lam!);
    }
  }
  /** lam broadcasts over the sample's last dimensions: each of its lengths is 1 or the sample's (null: not known yet). */
  #checkLam(shape: readonly (number | null)[]): void {
    const lam = this.lam!;
    const offset = shape.length - lam.ndim;
    const clash = lam.shape.findIndex((l, d) => offset < 0 || (l !== 1 && shape[offset + d] !== null && shape[offset + d] !== l));
    if (clash >= 0) {
      throw new RangeError(`random poisson: lam of shape ${shapeToString(lam.shape)} does not broadcast over the size ${shapeToString(shape)}: each of its lengths must be 1 or the size's last ones`);
    }
  }
  /** The sample of this call into `into`, from the generator as it is now (it does not move). */
  #sample(into: NDArray): RandomStateSnapshot {
    // drawn from the generator itself, then put back: a copy would allocate its word buffer anew at every call
    const r = this.rng.current;
    const before = r.getState();
    this.drawInto(r, into);
    const after = r.getState();
    r.setState(before);
    return after;
  }
  #shape(values: readonly number[]): number[] {
    values.forEach((n, d) => {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`random ${this.distribution}: length ${d} of the size must be a non-negative integer, got ${n}`);
    });
    if (this.distribution === 'permutation') {
      const n = values[values.length - 1]!;
      const max = intRange(this.dtype)[1];
      if (n - 1 > max) throw new RangeError(`random permutation: n = ${n} needs the values 0 .. ${n - 1}, past the largest ${this.dtype} ${max}`);
    }
    if (this.lam) this.#checkLam(values);
    return [...values];
  }
  perform(inputs: readonly NDArray[]): NDArray[] {
    const out = NDArray.zeros(this.#shape(inputs.map((v) => Number(v.data[0]))), this.dtype);
    this.#sample(out);
    return [out];
  }
  lower(ctx: LowerContext, inputs: readonly TensorView[]): TensorView[] {
    return [ctx.drawn(this.#shape(inputs.map((v) => valueOf(`random ${this.distribution}`, v))), this.dtype, this)];
  }
  fill(into: NDArray): void {
    this.#pending = this.#sample(into);
  }
  /** @internal The generator's state after this call's draws, made elsewhere (a scan ending with until draws its steps' rows itself): it becomes the state when the call succeeds. */
  drewUpTo(state: RandomStateSnapshot): void {
    this.#pending = state;
  }
  commit(): void {
    if (!this.#pending) return;
    this.rng.current.setState(this.#pending);
    this.#pending = undefined;
  }
}

/** A Poisson variable's lam: a float64 array of finite values >= 0, small enough that no draw leaves the dtype. */
function checkLamValues(lam: NDArray | undefined, dtype: DType): void {
  if (!(lam instanceof NDArray) || lam.dtype !== 'float64') throw new TypeError(`random poisson: lam must be a float64 NDArray, got ${lam instanceof NDArray ? lam.dtype : typeof lam}`);
  const limit = poissonLamLimit(dtype);
  for (let i = 0; i < lam.size; i++) {
    const l = lam.data[i]!;
    if (!(l >= 0 && l <= limit)) {
      const where = lam.ndim === 0 ? '' : ` (entry ${i} of the flattened lam)`;
      throw new RangeError(`random poisson: lam must be finite, >= 0 and at most ${limit.toPrecision(6)} (so that ${dtype} holds every draw), got ${l}${where}`);
    }
  }
}
