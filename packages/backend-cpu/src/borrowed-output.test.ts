/**
 * sym.Out(v, { borrow: true }) on the CPU hands out the output buffer's own
 * array (hostView), a view of the WebAssembly arena. The function's next
 * call may overwrite it, nothing else may: in particular the buffer must
 * not go back to the arena (and to another function's buffers) when the
 * function is collected while the caller still holds the borrowed array.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import './index.js';

const { T } = sym;

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** A borrowed output of a function nothing else keeps. */
function borrowOnce(n: number): sym.NDArray {
  const x = T.vector('x');
  const f = sym.function([x], sym.Out(T.mul(x, 2), { borrow: true }));
  return f.sync(new Float64Array(n).fill(1));
}

describe('borrowed outputs (cpu)', () => {
  it('keep their values when the function that made them is collected and other functions run', async () => {
    const n = 1000;
    const borrowed = borrowOnce(n);
    expect(borrowed.data[0]).toBe(2);
    // the collected function's buffers return to the arena through its FinalizationRegistry, asynchronously
    for (let i = 0; i < 4; i++) {
      collectGarbage();
      await new Promise((r) => setTimeout(r, 20));
    }
    const x = T.vector('x');
    const g = sym.function([x], T.mul(x, 7));
    for (let i = 0; i < 4; i++) g.sync(new Float64Array(n).fill(3));
    expect(Array.from(borrowed.data).every((v) => v === 2)).toBe(true);
  });

  it('keep their values when the function is disposed and other functions run', () => {
    const n = 1000;
    const x = T.vector('x');
    const f = sym.function([x], sym.Out(T.mul(x, 2), { borrow: true }));
    const borrowed = f.sync(new Float64Array(n).fill(1));
    f.compiled.dispose();
    const g = sym.function([x], T.mul(x, 7));
    for (let i = 0; i < 4; i++) g.sync(new Float64Array(n).fill(3));
    expect(Array.from(borrowed.data).every((v) => v === 2)).toBe(true);
  });
});
