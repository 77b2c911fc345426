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
