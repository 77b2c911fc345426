/**
 * Kernels whose integers are read at run time: the lengths, strides and
 * offsets of an elementwise or reduce kernel, and its integer constants
 * (an index's bounds), or a matmul's batch, m, n, k, strides, offsets and
 * split of k, come from a uniform array bound after the output instead of
 * being compiled in. Kernels that differ only in those numbers
 * then render to the same WGSL and share one pipeline: an unrolled scan
 * over a sequence of a new length has dozens of kernels over the whole
 * sequence (its stacking, its gathers, the loss over its steps), and each
 * would be a shader compiled anew (60-100 ms apiece on lavapipe). The
 * backend renders a kernel so once another has come with the same shader
 * but other numbers (`WebGpuOptions.parametric`): a program whose shapes do
 * not change keeps its numbers in its code, where a compiler folds them
 * into its index arithmetic.
 *
 * Float constants stay literals: a compiler may fold arithmetic on a
 * literal (a division by one into its reciprocal) differently from the
 * same arithmetic on a value it reads, and results must not change with
 * the way a kernel is compiled. So do structural choices: a stride of 0
 * (a broadcast) or 1, a zero offset, a reduction's strategy; a tiled
 * matmul's tile, which of an operand's strides is 1 (how it is staged),
 * whether k is split, and its epilogue. A parametric tiled matmul always
 * checks its bounds: the sizes it serves need not divide its tile. With
 * `parametric: 'always'`, a model evaluated at another batch size, or its
 * last partial minibatch, then reuses the training step's matmul pipelines
 * where the product's tile stays the same (`planMatmul` halves a tile for
 * a side under half of it). The default policy keeps matmuls literal: their
 * steady step measured about 2x slower parametric on lavapipe.
 */
import type { DType, Kernel } from '@sym/graph';
import { valueType } from './dtypes.js';
import { int64Words } from './int64.js';
import { size, type Numbers } from './shader.js';
import type { ConstFn } from './scalar.js';

/**
 * Largest iteration space (output elements times reduced ones) whose
 * kernel reads its integers at run time. The index arithmetic then
 * divides by values it reads, which costs more than dividing by a
 * constant: for a kernel this small the launch costs more than either.
 */
export const PARAMETRIC_MAX_ELEMENTS = 1 << 16;

/** Whether `renderKernel` reads the kernel's integers from a uniform (see the module comment). */
export function parametrizable(k: Kernel): boolean {
  // a matmul's index arithmetic is per workgroup and per step of k, not per multiply-add: any size pays for a shared pipeline
  if (k.kind === 'matmul') return k.batch > 0 && k.m > 0 && k.n > 0;
  const space = k.kind === 'reduce' ? [...k.shape, ...k.reduceShape] : k.shape;
  // a kernel over an empty space never runs
  return space.every((n) => n > 0) && size(space) <= PARAMETRIC_MAX_ELEMENTS;
}

/** Numbers read from a uniform array of vec4<i32>, in the order the renderer asks for them. */
export class UniformNumbers implements Numbers {
  readonly values: number[] = [];

  int(value: number): string {
    if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) throw new RangeError(`webgpu: the index number ${value} does not fit an i32`);
    const k = this.values.push(value) - 1;
    return `params[${k >> 2}][${k & 3}]`;
  }

  readonly constant: ConstFn = (value: number, dtype: DType): string | undefined => {
    switch (valueType(dtype)) {
      case 'i32':
        return this.int(value);
      case 'I64': {
        if (!Number.isInteger(value)) return undefined;
        // two's complement words, low first, as int64Literal writes them
        const [w0, w1] = int64Words(value);
        const lo = this.int(w0 | 0);
        const hi = this.int(w1 | 0);
        return `I64(bitcast<u32>(${lo}), bitcast<u32>(${hi}))`;
      }
      default:
        return undefined;
    }
  };

  /** The uniform's declaration, at binding `binding` (after the output). */
  declaration(binding: number): string {
    return `@group(0) @binding(${binding}) var<uniform> params: array<vec4<i32>, ${Math.max(1, Math.ceil(this.values.length / 4))}>;`;
  }

  /** The uniform's contents: the values, padded to whole vec4s. */
  data(): Int32Array {
    const out = new Int32Array(4 * Math.max(1, Math.ceil(this.values.length / 4)));
    out.set(this.values);
    return out;
  }
}
