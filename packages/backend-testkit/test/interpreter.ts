/**
 * The smallest backend: it interprets the kernel IR directly, with the
 * scalar ops' reference semantics. The testkit runs its own suite on it, so
 * the suite's plumbing (registration, options, skips, tolerances) is tested
 * without depending on a real backend package; it also shows a third party
 * how little the Backend interface asks.
 */
import type { Backend, BackendInfo, DType, DeviceBuffer, Executable, Kernel, Launch, ScalarExpr, TypedArray } from '@sym/graph';
import { DTYPES, SCALAR_OPS, allocate, castScalar, isFloat, reduceIdentity } from '@sym/graph';

interface Buffer extends DeviceBuffer {
  readonly data: TypedArray;
}

function evalExpr(e: ScalarExpr, ins: readonly TypedArray[], idx: readonly number[], reduced = NaN): number {
  switch (e.kind) {
    case 'const':
      return e.value;
    case 'reduced':
      return reduced;
    case 'load': {
      let off = e.offset;
      for (let d = 0; d < idx.length; d++) off += idx[d]! * e.strides[d]!;
      return ins[e.input]![off]!;
    }
    case 'gather':
      return ins[e.input]![evalExpr(e.index, ins, idx, reduced)]!;
    case 'apply': {
      const args = e.args.map((a, i) => {
        const v = evalExpr(a, ins, idx, reduced);
        // a switch tests its condition as it is; other operands convert to the compute dtype
        return (e.op === 'switch' && i === 0) || a.dtype === e.computeDType ? v : castScalar(v, e.computeDType);
      });
      return castScalar(SCALAR_OPS[e.op].impl(args, e.dtype, e.computeDType), e.dtype);
    }
  }
}

/** Every multi-index of `shape`, in C order. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    yield idx;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

function fold(reducer: string, acc: number, v: number, j: number, best: number, imul: boolean): [number, number] {
  switch (reducer) {
    case 'sum':
    case 'mean':
      return [acc + v, best];
    case 'prod':
      // a 32-bit product past 2^53 loses its low bits in a double before the wrap
      return [imul ? Math.imul(acc, v) : acc * v, best];
    case 'max':
      return [Number.isNaN(acc) || Number.isNaN(v) ? NaN : Math.max(acc, v), best];
    case 'min':
      return [Number.isNaN(acc) || Number.isNaN(v) ? NaN : Math.min(acc, v), best];
    case 'any':
      return [acc !== 0 || v !== 0 ? 1 : 0, best];
    case 'all':
      return [acc !== 0 && v !== 0 ? 1 : 0, best];
    case 'argmax':
      return j === 0 || (!Number.isNaN(acc) && (v > acc || Number.isNaN(v))) ? [v, j] : [acc, best];
    default: // argmin
      return j === 0 || (!Number.isNaN(acc) && (v < acc || Number.isNaN(v))) ? [v, j] : [acc, best];
  }
}

function execute(k: Kernel, ins: readonly TypedArray[], out: TypedArray): void {
  if (k.kind === 'elementwise') {
    let o = 0;
    for (const idx of indices(k.shape)) out[o++] = castScalar(evalExpr(k.expr, ins, idx), k.out);
    return;
  }
  if (k.kind === 'reduce') {
    const count = k.reduceShape.reduce((a, b) => a * b, 1);
    const wraps = !isFloat(k.acc) && (k.reducer === 'sum' || k.reducer === 'prod');
    let o = 0;
    for (const i of indices(k.shape)) {
      let acc = reduceIdentity(k.reducer, k.acc);
      let best = 0;
      let j = 0;
      for (const r of indices(k.reduceShape)) {
        const raw = evalExpr(k.expr, ins, [...i, ...r]);
        const v = k.expr.dtype === k.acc || k.acc === 'bool' ? raw : castScalar(raw, k.acc);
        [acc, best] = fold(k.reducer, acc, v, j++, best, k.acc === 'int32' || k.acc === 'uint32');
        if (wraps) acc = castScalar(acc, k.acc);
      }
      const result = k.reducer === 'argmax' || k.reducer === 'argmin' ? best : k.reducer === 'mean' ? acc / count : acc;
      const ep = k.epilogue;
      out[o++] = ep ? castScalar(evalExpr(ep.expr, ins, i, castScalar(result, ep.value)), k.out) : castScalar(result, k.out);
    }
    return;
  }
  // sort and scatter-add kernels are optional, and this interpreter does not list them (describe)
  if (k.kind === 'sort') throw new Error('interpreter: runs no sort kernels');
  if (k.kind === 'scatterAdd') throw new Error('interpreter: runs no scatter-add kernels');
  const [A, B] = ins as [TypedArray, TypedArray];
  const mul = k.acc === 'int32' || k.acc === 'uint32' ? Math.imul : (x: number, y: number) => x * y;
  for (let b = 0; b < k.batch; b++)
    for (let m = 0; m < k.m; m++)
      for (let n = 0; n < k.n; n++) {
        let s = 0;
        for (let q = 0; q < k.k; q++) {
          const a = A[k.a.offset + b * k.a.strides[0] + m * k.a.strides[1] + q * k.a.strides[2]]!;
          const bv = B[k.b.offset + b * k.b.strides[0] + q * k.b.strides[1] + n * k.b.strides[2]]!;
          s = castScalar(s + castScalar(mul(a, bv), k.acc), k.acc);
        }
        const ep = k.epilogue;
        const value = ep ? evalExpr(ep.expr, ins, [b, m, n], castScalar(s, ep.value)) : s;
        out[b * k.outStrides[0] + m * k.outStrides[1] + n * k.outStrides[2]] = castScalar(value, k.out);
      }
}

export class InterpreterBackend implements Backend {
  #live = 0;
  constructor(
    readonly name = 'interpreter',
    readonly dtypes: readonly DType[] = DTYPES,
  ) {}
  describe(): BackendInfo {
    return { name: this.name, device: 'kernel IR interpreter (testkit tests)', dtypes: this.dtypes, sync: true };
  }
  alloc(dtype: DType, size: number): Buffer {
    this.#live++;
    return { dtype, size, data: allocate(dtype, size) };
  }
  write(buffer: DeviceBuffer, data: TypedArray): void {
    (buffer as Buffer).data.set(data);
  }
  readSync(buffer: DeviceBuffer): TypedArray {
    return (buffer as Buffer).data.slice();
  }
  async read(buffer: DeviceBuffer): Promise<TypedArray> {
    return this.readSync(buffer);
  }
  free(): void {
    this.#live--;
  }
  liveBuffers(): number {
    return this.#live;
  }
  compile(kernel: Kernel): Executable {
    return { kernel };
  }
  run(launches: readonly Launch[]): void {
    for (const l of launches) execute(l.exe.kernel, l.inputs.map((b) => (b as Buffer).data), (l.output as Buffer).data);
  }
}
