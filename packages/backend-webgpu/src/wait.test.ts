import { describe, expect, it } from 'vitest';
import { GpuWaits } from './wait.js';

/**
 * A clock the test moves. `map(ms)` is a mapAsync that took `ms`; `gpu(ms)`
 * is one whose GPU work ends `ms` after the submit; a sleep takes what it
 * asks for plus `late` (a busy event loop).
 */
function clocked(polls: boolean, late = 0) {
  let t = 1000;
  let submittedAt = t;
  const waits = new GpuWaits(
    polls,
    () => t,
    async (ms) => void (t += ms + late),
  );
  return {
    waits,
    /** The first run of `launches`, compiling its pipelines: slow, and not measured. */
    firstRun: async (launches: object) => {
      submittedAt = t;
      waits.submitted(launches);
      await waits.map(async () => void (t += 5000));
    },
    pass: (ms: number) => void (t += ms),
    submit: (launches: object) => {
      submittedAt = t;
      waits.submitted(launches);
    },
    map: (ms: number) => async () => void (t += ms),
    gpu: (ms: number) => async () => void (t = Math.max(t, submittedAt + ms)),
  };
}

describe('GpuWaits', () => {
  it('the first run of launches (their pipelines compiling) is not measured: later reads do not sleep through it', async () => {
    const { waits, submit, map, firstRun } = clocked(true);
    const step = {};
    await firstRun(step);
    expect(waits.sleepBefore(step, 0)).toBe(0);
    submit(step);
    await waits.map(map(40));
    expect(waits.slept).toBe(0);
    expect(waits.sleepBefore(step, 0)).toBe(30);
  });

  it('a read after a run sleeps through three quarters of the wait those launches took last time', async () => {
    const { waits, submit, map, firstRun } = clocked(true);
    const step = {};
    await firstRun(step);
    expect(waits.sleepBefore(step, 0)).toBe(0); // never measured
    submit(step);
    await waits.map(map(40));
    expect(waits.slept).toBe(0);
    expect(waits.sleepBefore(step, 0)).toBe(30);
    // time already spent since the submit counts against the sleep
    expect(waits.sleepBefore(step, 10)).toBe(20);
    expect(waits.sleepBefore(step, 30)).toBe(0);
    // other launches have their own expectation
    expect(waits.sleepBefore({}, 0)).toBe(0);
    submit(step);
    await waits.map(map(10));
    expect(waits.slept).toBe(1);
  });

  it('the wait is measured from the submit, host work before the read included', async () => {
    const { waits, submit, pass, map, firstRun } = clocked(true);
    const step = {};
    await firstRun(step);
    submit(step);
    pass(8);
    await waits.map(map(32));
    expect(waits.sleepBefore(step, 0)).toBe(30);
  });

  it('when the GPU gets faster the sleep falls back until the read wakes before the GPU is done', async () => {
    const { waits, submit, gpu, firstRun } = clocked(true);
    const step = {};
    await firstRun(step);
    submit(step);
    await waits.map(gpu(100));
    submit(step);
    await waits.map(gpu(10)); // slept 75: the GPU was long done
    expect(waits.sleepBefore(step, 0)).toBe(0.75 * 75);
    for (let i = 0; i < 12; i++) {
      submit(step);
      await waits.map(gpu(10));
    }
    expect(waits.sleepBefore(step, 0)).toBeCloseTo(7.5, 6);
  });

  it('a timer that fires late does not raise the next sleep', async () => {
    const { waits, submit, gpu, firstRun } = clocked(true, 15);
    const step = {};
    await firstRun(step);
    submit(step);
    await waits.map(gpu(40));
    for (let i = 0; i < 12; i++) {
      submit(step);
      await waits.map(gpu(40));
      // the sleep and its lateness never run past the GPU's 40 ms by more than the first sleep's overshoot
      expect(waits.sleepBefore(step, 0)).toBeLessThanOrEqual(30);
    }
    // settled where the late wake-up lands as the GPU finishes
    expect(waits.sleepBefore(step, 0) + 15).toBeLessThanOrEqual(40);
  });

  it('only the first read after a run is measured: later reads find its launches done', async () => {
    const { waits, submit, map, firstRun } = clocked(true);
    const step = {};
    await firstRun(step);
    submit(step);
    await waits.map(map(20));
    await waits.map(map(60));
    expect(waits.sleepBefore(step, 0)).toBe(15);
  });

  it('short waits are not slept: a timer can overshoot by a millisecond', async () => {
    const { waits, submit, map, firstRun } = clocked(true);
    const step = {};
    await firstRun(step);
    submit(step);
    await waits.map(map(5));
    expect(waits.sleepBefore(step, 0)).toBe(0);
  });

  it('nothing sleeps where waiting does not poll (browsers)', async () => {
    const { waits, submit, map, firstRun } = clocked(false);
    const step = {};
    await firstRun(step);
    submit(step);
    await waits.map(map(40));
    submit(step);
    await waits.map(map(40));
    expect(waits.sleepBefore(step, 0)).toBe(0);
    expect(waits.slept).toBe(0);
  });

  it('a failed map propagates and leaves the expectation as it was', async () => {
    const { waits, submit, map, firstRun } = clocked(true);
    const step = {};
    await firstRun(step);
    submit(step);
    await waits.map(map(40));
    submit(step);
    await expect(waits.map(() => Promise.reject(new Error('device lost')))).rejects.toThrow('device lost');
    expect(waits.sleepBefore(step, 0)).toBe(30);
  });
});
