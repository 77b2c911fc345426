import { describe, expect, it } from 'vitest';
import { GpuWaits } from './wait.js';

/** A clock the test moves: `map(ms)` is a mapAsync that took `ms`. */
function clocked(polls: boolean) {
  let t = 1000;
  const waits = new GpuWaits(polls, () => t);
  const map = (ms: number) => async () => void (t += ms);
  return { waits, map, pass: (ms: number) => void (t += ms) };
}

describe('GpuWaits', () => {
  it('a read after a run sleeps through three quarters of the wait those launches took last time', async () => {
    const { waits, map } = clocked(true);
    const step = {};
    expect(waits.sleepBefore(step, 0)).toBe(0); // never measured
    waits.submitted(step);
    await waits.map(map(40));
    expect(waits.sleepBefore(step, 0)).toBe(30);
    // time already spent since the submit counts against the sleep
    expect(waits.sleepBefore(step, 10)).toBe(20);
    expect(waits.sleepBefore(step, 30)).toBe(0);
    // other launches have their own expectation
    expect(waits.sleepBefore({}, 0)).toBe(0);
  });

  it('the wait is measured from the submit, host work before the read included', async () => {
    const { waits, map, pass } = clocked(true);
    const step = {};
    waits.submitted(step);
    pass(8);
    await waits.map(map(32));
    expect(waits.sleepBefore(step, 0)).toBe(30);
  });

  it('an overshot sleep is measured as the sleep: the expectation falls back when the GPU gets faster', async () => {
    const { waits, map } = clocked(true);
    const step = {};
    waits.submitted(step);
    await waits.map(map(100));
    // the GPU now needs 10 ms: the read sleeps 75 (real time, not this clock) and maps at once
    waits.submitted(step);
    await waits.map(map(75));
    expect(waits.sleepBefore(step, 0)).toBe(0.75 * 75);
  });

  it('only the first read after a run is measured: later reads find its launches done', async () => {
    const { waits, map } = clocked(true);
    const step = {};
    waits.submitted(step);
    await waits.map(map(20));
    await waits.map(map(60));
    expect(waits.sleepBefore(step, 0)).toBe(15);
  });

  it('short waits are not slept: a timer can overshoot by a millisecond', async () => {
    const { waits, map } = clocked(true);
    const step = {};
    waits.submitted(step);
    await waits.map(map(5));
    expect(waits.sleepBefore(step, 0)).toBe(0);
  });

  it('nothing sleeps where waiting does not poll (browsers)', async () => {
    const { waits, map } = clocked(false);
    const step = {};
    waits.submitted(step);
    await waits.map(map(40));
    expect(waits.sleepBefore(step, 0)).toBe(0);
  });

  it('a failed map propagates and leaves the expectation as it was', async () => {
    const { waits, map } = clocked(true);
    const step = {};
    waits.submitted(step);
    await waits.map(map(40));
    waits.submitted(step);
    await expect(waits.map(() => Promise.reject(new Error('device lost')))).rejects.toThrow('device lost');
    expect(waits.sleepBefore(step, 0)).toBe(30);
  });
});
