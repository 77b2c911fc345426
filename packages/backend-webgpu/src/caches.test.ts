/** The backend's caches stay bounded in a long-running process (no device needed: they hold what they are given). */
import { describe, expect, it } from 'vitest';
import { BufferPool, Latest } from './caches.js';

class FakeBuffer {
  destroyed = false;
  destroy(): void {
    this.destroyed = true;
  }
}

describe('caches', () => {
  it('a buffer pool keeps at most its bytes, destroying the sizes pooled first', () => {
    const pool = new BufferPool<FakeBuffer>(100);
    const [a, b, c] = [new FakeBuffer(), new FakeBuffer(), new FakeBuffer()];
    expect(pool.give(40, a)).toBe(0);
    expect(pool.give(40, b)).toBe(0);
    // 120 bytes: the size pooled first (40) gives one buffer up
    expect(pool.give(40, c)).toBe(40);
    expect([a.destroyed, b.destroyed, c.destroyed]).toEqual([true, false, false]);
    expect([pool.count(), pool.bytes]).toEqual([2, 80]);
    // a new size pushes the old one out; a buffer larger than the pool is destroyed at once
    const d = new FakeBuffer();
    expect(pool.give(60, d)).toBe(40);
    expect([pool.count(), pool.bytes]).toEqual([2, 100]);
    const big = new FakeBuffer();
    pool.give(200, big);
    expect(big.destroyed).toBe(true);
    expect(pool.bytes).toBeLessThanOrEqual(100);
  });

  it('a buffer pool hands back a buffer of the size asked for, once', () => {
    const pool = new BufferPool<FakeBuffer>(1000);
    const a = new FakeBuffer();
    pool.give(16, a);
    expect(pool.take(32)).toBeUndefined();
    expect(pool.take(16)).toBe(a);
    expect(pool.take(16)).toBeUndefined();
    expect([pool.count(), pool.bytes]).toEqual([0, 0]);
    pool.give(16, a);
    pool.destroyAll();
    expect([a.destroyed, pool.count(), pool.bytes]).toEqual([true, 0, 0]);
  });

  it('Latest keeps its latest keys', () => {
    const latest = new Latest<number>(3);
    for (let i = 0; i < 10; i++) latest.set(`k${i}`, i);
    expect([latest.get('k6'), latest.get('k7'), latest.get('k9')]).toEqual([undefined, 7, 9]);
  });
});
