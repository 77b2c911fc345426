/**
 * The order of everything that reads or writes shared variables
 * asynchronously: function calls, deferred `setValue`s and
 * `getValueAsync`s. Tasks run one at a time, in the order they were made, so
 * a program behaves as if each call had finished before the next line ran
 * (Theano's order), though calls return promises. A task runs after the
 * previous one settles, whether it succeeded or failed.
 */
let tail: Promise<unknown> = Promise.resolve();
let pending = 0;

/**
 * Run `task` after every task queued before it. The promise returned is the
 * caller's alone: the queue continues from another one, so a failed call
 * nobody awaits is still an unhandled rejection, as any promise's.
 */
export function enqueue<T>(task: () => Promise<T> | T): Promise<T> {
  pending++;
  const run = async (): Promise<T> => {
    try {
      return await task();
    } finally {
      pending--;
    }
  };
  const settled = tail.then(run, run);
  tail = settled.then(ignore, ignore);
  return settled.then((v) => v);
}

const ignore = (): undefined => undefined;

/** Whether a queued task has not settled yet: synchronous work on shared state would jump the queue. */
export function queueBusy(): boolean {
  return pending > 0;
}

/**
 * The queued tasks that will change one value (calls that update a shared
 * variable or move a random generator, deferred `setValue`s) and have not
 * settled. While any is queued the value is not known, unless the last of
 * them is a deferred set: `queued` is the value it will set.
 */
export class Writers<V> {
  #count = 0;
  #queued: V | undefined;
  #lastSet: V | undefined;

  get busy(): boolean {
    return this.#count > 0;
  }
  get queued(): V | undefined {
    return this.#queued;
  }
  /**
   * The value of the last deferred set not yet made, even where calls
   * queued after it will change it again: what those calls will start
   * from (a shape known before they run).
   */
  get lastSet(): V | undefined {
    return this.#lastSet;
  }
  /** A call that changes the value was queued. */
  add(): void {
    this.#count++;
    this.#queued = undefined;
  }
  /** A queued call settled (committed or failed). */
  done(): void {
    if (--this.#count === 0) this.#queued = undefined;
  }
  /** `assign(value)` now, or after the tasks already queued when there are any: calls made before it see the old value. */
  set(value: V, assign: (v: V) => void): void {
    if (!queueBusy()) return assign(value);
    this.#count++;
    this.#queued = this.#lastSet = value;
    void enqueue(() => {
      assign(value);
      if (this.#lastSet === value) this.#lastSet = undefined;
      this.done();
    });
  }
}
