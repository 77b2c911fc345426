/** The per-call path: plans reused across calls, buffers rebound in place, plan release leaving shared variables' buffers alone. */
import { describe, expect, it } from 'vitest';
import { T, cpu, sym } from './helpers.js';

const f32 = (v: sym.NestedArray, shape?: number[]) => sym.array(v, { dtype: 'float32', ...(shape ? { shape } : {}) });

describe('the call path', () => {
  it('disposing a function frees its plans but not the shared variables bound into them', () => {
    const w = sym.shared(f32([1, 2, 3]), { name: 'w' });
    const x = T.fvector('x');
    const step = sym.function([x], w.mul(x).sum(), { updates: [[w, w.add(x)]] });
    const before = cpu.liveBuffers();
    expect(step.sync(f32([1, 1, 1])).item()).toBe(6);
    step.compiled.dispose();
    // the shared variable now owns one device buffer (uploaded by the call), whose value is the update
    expect(cpu.liveBuffers()).toBe(before + 1);
    expect([...w.getValue().data]).toEqual([2, 3, 4]);
    const other = sym.function([x], w.mul(x).sum());
    expect(other.sync(f32([1, 0, 0])).item()).toBe(2);
  });

  it('a call after a call with other shapes uses the right plan and buffers', () => {
    const x = T.fmatrix('x');
    const b = sym.shared(f32([10, 20]), { name: 'b' });
    const f = sym.function([x], x.add(b).sum(0));
    const small = f32([1, 2], [1, 2]);
    const big = f32([1, 2, 3, 4, 5, 6], [3, 2]);
    for (let i = 0; i < 3; i++) {
      expect([...f.sync(small).data]).toEqual([11, 22]);
      expect([...f.sync(big).data]).toEqual([39, 72]);
    }
    b.setValue(f32([0, 0]));
    expect([...f.sync(small).data]).toEqual([1, 2]);
  });

  it('outputs are fresh arrays the caller owns, unchanged by later calls', () => {
    const x = T.fvector('x');
    const f = sym.function([x], x.mul(2));
    const a = f.sync(f32([1, 2]));
    const b = f.sync(f32([3, 4]));
    expect([...a.data]).toEqual([2, 4]);
    expect([...b.data]).toEqual([6, 8]);
    expect(a.data.buffer).not.toBe(b.data.buffer);
  });

  it('a failed call (bad argument) changes nothing, and the next call works', () => {
    const s = sym.shared(f32([0]), { name: 's' });
    const x = T.fvector('x');
    const f = sym.function([x], s.add(x), { updates: [[s, s.add(x)]] });
    f.sync(f32([1]));
    expect(() => f.sync(f32([1, 2]).reshape([1, 2]))).toThrow(/argument 0 \(x\).*dimensions/);
    expect([...s.getValue().data]).toEqual([1]);
    expect([...f.sync(f32([1])).data]).toEqual([2]);
  });
});
