import { describe, expect, it } from 'vitest';
import type { ElementwiseKernel } from '@sym/graph';
import { CpuBackend } from './backend.js';

// out = x + 5 over 8 float32 values
const plusFive: ElementwiseKernel = {
  kind: 'elementwise',
  shape: [8],
  inputs: ['float32'],
  out: 'float32',
  expr: { kind: 'apply', op: 'add', computeDType: 'float32', dtype: 'float32', args: [{ kind: 'load', input: 0, strides: [1], offset: 0, dtype: 'float32' }, { kind: 'const', value: 5, dtype: 'float32' }] },
};

describe('CPU buffers', () => {
  for (const wasm of [true, false]) {
    describe(wasm ? 'WebAssembly memory' : 'JavaScript arrays', () => {
      const backend = new CpuBackend({ wasm });
      const zeros = new Float32Array(8);

      it('reads back zeros written into a new buffer', () => {
        const b = backend.alloc('float32', 8);
        backend.write(b, zeros);
        expect(Array.from(backend.readSync(b))).toEqual(Array.from(zeros));
        backend.free(b);
      });

      it('writes zeros over values a kernel computed into the buffer', () => {
        const [x, out] = [backend.alloc('float32', 8), backend.alloc('float32', 8)];
        backend.run([{ exe: backend.compile(plusFive), inputs: [x], output: out }]);
        expect(Array.from(backend.readSync(out))).toEqual(new Array(8).fill(5));
        backend.write(out, zeros);
        expect(Array.from(backend.readSync(out))).toEqual(new Array(8).fill(0));
        for (const b of [x, out]) backend.free(b);
      });

      it('writes zeros over values written before, and keeps the sign of -0', () => {
        const b = backend.alloc('float32', 8);
        backend.write(b, new Float32Array(8).fill(2));
        backend.write(b, zeros);
        expect(Array.from(backend.readSync(b))).toEqual(new Array(8).fill(0));
        const c = backend.alloc('float32', 8);
        backend.write(c, new Float32Array(8).fill(-0));
        expect(Object.is(backend.readSync(c)[3], -0)).toBe(true);
        for (const x of [b, c]) backend.free(x);
      });
    });
  }
});
