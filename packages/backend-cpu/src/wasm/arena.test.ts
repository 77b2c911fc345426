import { describe, expect, it } from 'vitest';
import type { DType, ElementwiseKernel, TypedArray } from '@sym/graph';
import { CpuBackend } from '../backend.js';
import { Workspace, arena } from './arena.js';

const cpu = new CpuBackend();
const data = (b: unknown) => (b as { data: TypedArray }).data;

describe('buffers in the WebAssembly memory', () => {
  it('are zeroed views of the shared memory, of the dtype storage graph uses', () => {
    expect(arena.shared).toBe(true);
    const want: Record<DType, string> = {
      float64: 'Float64Array',
      float32: 'Float32Array',
      float16: 'Float32Array',
      int64: 'Float64Array',
      int32: 'Int32Array',
      int16: 'Int16Array',
      int8: 'Int8Array',
      uint32: 'Uint32Array',
      uint16: 'Uint16Array',
      uint8: 'Uint8Array',
      bool: 'Uint8Array',
    };
    for (const [dtype, ctor] of Object.entries(want) as [DType, string][]) {
      const b = cpu.alloc(dtype, 5);
      const a = data(b);
      expect(a.constructor.name).toBe(ctor);
      expect(a.length).toBe(5);
      expect(arena.owns(a)).toBe(true);
      expect(a.byteOffset % 16).toBe(0);
      expect([...a]).toEqual([0, 0, 0, 0, 0]);
      cpu.free(b);
    }
  });

  it('reuse a freed block, zeroed again, and ignore a second free', () => {
    const a = cpu.alloc('float32', 100);
    data(a).fill(7);
    const at = data(a).byteOffset;
    const used = arena.inUse;
    cpu.free(a);
    cpu.free(a);
    expect(arena.inUse).toBeLessThan(used);
    const b = cpu.alloc('float32', 100);
    const c = cpu.alloc('float32', 100);
    // one of them takes the freed block, and only one
    expect([data(b).byteOffset, data(c).byteOffset].filter((o) => o === at)).toHaveLength(1);
    expect(data(b).every((v) => v === 0)).toBe(true);
    cpu.free(b);
    cpu.free(c);
  });

  it('stay valid while later allocations grow the memory', () => {
    const a = cpu.alloc('float64', 10);
    cpu.write(a, Float64Array.from({ length: 10 }, (_, i) => i));
    const big = cpu.alloc('float32', 4_000_000);
    expect([...(cpu.readSync(a) as Float64Array)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    cpu.free(big);
    cpu.free(a);
  });

  it('are ordinary arrays when WebAssembly is off', () => {
    const js = new CpuBackend({ wasm: false });
    const b = js.alloc('float32', 4);
    expect(arena.owns(data(b))).toBe(false);
    js.free(b);
  });

  it('reads are copies the caller owns', () => {
    const b = cpu.alloc('int32', 3);
    cpu.write(b, Int32Array.from([1, 2, 3]));
    const r = cpu.readSync(b);
    expect(arena.owns(r)).toBe(false);
    expect(r.buffer).toBeInstanceOf(ArrayBuffer);
    r[0] = 9;
    expect([...(cpu.readSync(b) as Int32Array)]).toEqual([1, 2, 3]);
    cpu.free(b);
  });

  it('vector kernels write their results in place and leave the neighbours intact', () => {
    const load = (input: number) => ({ kind: 'load', input, strides: [5, 1], offset: 0, dtype: 'float32' }) as const;
    const k: ElementwiseKernel = {
      kind: 'elementwise',
      shape: [3, 5],
      inputs: ['float32', 'float32'],
      out: 'float32',
      expr: { kind: 'apply', op: 'add', args: [load(0), load(1)], computeDType: 'float32', dtype: 'float32' },
    };
    const [x, y, out, after] = [cpu.alloc('float32', 15), cpu.alloc('float32', 15), cpu.alloc('float32', 15), cpu.alloc('float32', 15)];
    cpu.write(x, Float32Array.from({ length: 15 }, (_, i) => i));
    cpu.write(y, new Float32Array(15).fill(100));
    cpu.write(after, new Float32Array(15).fill(-1));
    const exe = cpu.compile(k);
    expect((exe as unknown as { source: string }).source).toContain('WebAssembly');
    cpu.run([{ exe, inputs: [x, y], output: out }]);
    expect([...(cpu.readSync(out) as Float32Array)]).toEqual(Array.from({ length: 15 }, (_, i) => i + 100));
    expect([...(cpu.readSync(after) as Float32Array)]).toEqual(new Array(15).fill(-1));
    for (const b of [x, y, out, after]) cpu.free(b);
  });
});

describe('workspaces (scratch kept between launches)', () => {
  it('hand out one kept block, sized for the largest expected request, and reserve nothing more once it is', () => {
    const ws = new Workspace('a test', 1 << 20);
    ws.expect(4096);
    ws.expect(1 << 21); // over the limit: not kept
    const a = ws.take(100);
    expect(a.bytes).toBeGreaterThanOrEqual(4096);
    ws.give(a);
    const inUse = arena.inUse;
    const b = ws.take(4000);
    expect(b.ptr).toBe(a.ptr);
    ws.give(b);
    expect(arena.inUse).toBe(inUse);
  });

  it('grow past the expected size, and give requests over the limit a block of their own', () => {
    const ws = new Workspace('a test', 1 << 16);
    const small = ws.take(64);
    ws.give(small);
    const grown = ws.take(8192);
    expect(grown.bytes).toBeGreaterThanOrEqual(8192);
    ws.give(grown);
    const inUse = arena.inUse;
    const big = ws.take(1 << 17);
    expect(big.ptr).not.toBe(grown.ptr);
    ws.give(big);
    expect(arena.inUse).toBe(inUse);
  });

  it('never hand the kept block out twice at once', () => {
    const ws = new Workspace('a test', 1 << 16);
    const first = ws.take(256);
    const second = ws.take(256);
    expect(second.ptr).not.toBe(first.ptr);
    ws.give(second);
    ws.give(first);
    const again = ws.take(256);
    expect(again.ptr).toBe(first.ptr);
    ws.give(again);
  });
});
