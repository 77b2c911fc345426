/**
 * The sort kernel (`SortKernel`) in WebAssembly: the same LSD radix sort
 * as sort.ts (keys whose unsigned order is NumPy's, a byte a pass, passes
 * a whole line shares skipped), generated at run time as one module per
 * way of reading keys, whose `row` function sorts one line and writes its
 * kept positions to the output. Lines are shared with the helper thread
 * (vthreads.ts) when there are enough, each job with scratch of its own.
 *
 * Why: the JavaScript radix sort is fast once the engine has optimised it,
 * but a program's first call runs it unoptimised (most of W8's first call);
 * WebAssembly is compiled before it runs. And the main thread alone sorted
 * every line, where the helper thread can take half of them.
 *
 * Keys: float32 (and float16, held in a Float32Array) and float64 (and
 * int64, held in a Float64Array) as sort.ts makes them, 32 and 64 bits;
 * integers narrower than 32 bits biased to unsigned keys of their own
 * width (int8 v -> v + 128), so that a line of them takes one or two
 * passes, not four. Descending flips the key's bits.
 *
 * Lines of up to INSERTION_MAX elements sort by insertion, as in sort.ts:
 * a radix pass's 256 counts would cost more than such a line.
 */
import type { DType, SortKernel, TypedArray } from '@sym/graph';
import { Code, I32, I64, encodeModule, localsAfter, type FuncDef } from './encoder.js';
import { MAX_PAGES, Workspace, arena } from './arena.js';
import { helperThread } from './vthreads.js';
import { INSERTION_MAX, sortLines } from '../sort.js';

/** How a line's elements are read into keys. */
type KeyLoad = 'f32' | 'f64' | 'i32' | 'u32' | 'i16' | 'u16' | 'i8' | 'u8';

function keyLoad(d: DType): KeyLoad {
  switch (d) {
    case 'float16':
    case 'float32':
      return 'f32';
    case 'float64':
    case 'int64':
      return 'f64';
    case 'int32':
      return 'i32';
    case 'uint32':
      return 'u32';
    case 'int16':
      return 'i16';
    case 'uint16':
      return 'u16';
    case 'int8':
      return 'i8';
    case 'uint8':
    case 'bool':
      return 'u8';
  }
}

/** Bytes of the key that vary (radix passes at most). */
const DIGITS: Record<KeyLoad, number> = { f32: 4, f64: 8, i32: 4, u32: 4, i16: 2, u16: 2, i8: 1, u8: 1 };

/** Bytes of the counts at the start of a line's scratch: 256 int32 per digit, room for 8 digits. */
const COUNTS = 8 * 256 * 4;

/** Bytes of scratch one line of `n` takes: the counts, the keys, and two orders. */
export function scratchBytes(kind: KeyLoad, n: number): number {
  return Math.ceil((COUNTS + n * ((kind === 'f64' ? 8 : 4) + 8)) / 16) * 16;
}

/**
 * The module of `row(src, step, n, out, outStep, keep, scratch, flip)`:
 * sorts the n elements at byte `src` stepping `step` bytes, and writes the
 * first `keep` positions of their stable order as int32 at `out` stepping
 * `outStep` bytes. `scratch` is a block of `scratchBytes`, `flip` -1 for
 * descending (0 ascending). Needs n >= 1.
 */
export function sortModule(kind: KeyLoad): Uint8Array<ArrayBuffer> {
  const [src, step, n, out, outStep, keep, scratch, flip] = [0, 1, 2, 3, 4, 5, 6, 7];
  const wide = kind === 'f64';
  const { locals, local } = localsAfter(8);
  const KT = wide ? I64 : I32;
  const kb = wide ? 8 : 4;
  const i = local(I32);
  const p = local(I32);
  const v = local(KT);
  const key = local(KT);
  const flipKey = local(KT);
  const keys = local(I32);
  const order = local(I32);
  const order2 = local(I32);
  const moved = local(I32);
  const sum = local(I32);
  const t = local(I32);
  const o = local(I32);
  const a = local(I32);
  const c = new Code();
  const digits = DIGITS[kind];
  const MIN = -(2n ** 63n);

  // flip as a key: the key's own bits only for narrow integers (their keys are unsigned of their width)
  const width = kind === 'i8' || kind === 'u8' ? 0xff : kind === 'i16' || kind === 'u16' ? 0xffff : -1;
  if (wide) c.get(flip).i64ExtendI32S().set(flipKey);
  else c.get(flip).i32(width).i32And().set(flipKey);
  // keys and orders after the counts
  c.get(scratch).i32(COUNTS).i32Add().set(keys);
  c.get(keys).get(n).i32(kb).i32Mul().i32Add().set(order);
  c.get(order).get(n).i32(4).i32Mul().i32Add().set(order2);

  /** Push the key of the value in `v`. */
  const keyOfV = () => {
    if (kind === 'f64') {
      c.i64(0n).get(v).get(v).i64(MIN).i64Eq().select().set(key);
      // the NaN test reads the value before -0 became 0 (the same magnitude)
      c.i64(-1n);
      c.get(key).get(key).i64(63n).i64ShrS().i64(MIN).i64Or().i64Xor();
      c.get(v).i64(~MIN).i64And().i64(0x7ff0000000000000n).i64GtU().select();
      c.get(flipKey).i64Xor();
    } else if (kind === 'f32') {
      c.i32(0).get(v).get(v).i32(-0x80000000).i32Eq().select().set(key);
      c.i32(-1);
      c.get(key).get(key).i32(31).i32ShrS().i32(-0x80000000).i32Or().i32Xor();
      c.get(v).i32(0x7fffffff).i32And().i32(0x7f800000).i32GtS().select();
      c.get(flipKey).i32Xor();
    } else {
      const bias = kind === 'i32' ? -0x80000000 : kind === 'i16' ? 0x8000 : kind === 'i8' ? 0x80 : 0;
      c.get(v);
      if (bias !== 0) c.i32(bias).i32Xor();
      c.get(flipKey).i32Xor();
    }
  };
  const loadV = () => {
    c.get(p);
    if (kind === 'f64') c.i64Load();
    else if (kind === 'i16' || kind === 'u16') c.i32Load16U();
    else if (kind === 'i8' || kind === 'u8') c.i32Load8U();
    else c.i32Load();
    c.set(v);
  };
  /** Push digit `d` (byte d, low first) of the key on the stack, as an i32. */
  const digitOfStack = (d: number) => {
    if (wide) {
      if (d > 0) c.i64(BigInt(8 * d)).i64ShrU();
      c.i32WrapI64();
    } else if (d > 0) c.i32(8 * d).i32ShrU();
    if (d < (wide ? 7 : 3)) c.i32(255).i32And();
  };
  const loadKeyAt = () => (wide ? c.i64Load() : c.i32Load());
  /** counts[d][digit] += 1 for the key in `key`. */
  const count = (d: number) => {
    c.get(key);
    digitOfStack(d);
    c.i32(4).i32Mul().get(scratch).i32Add().tee(a);
    c.get(a).i32Load(d * 1024).i32(1).i32Add().i32Store(d * 1024);
  };
  /** `for (i = 0; i < n; i++) body()`: n >= 1, so the test comes last. */
  const forLine = (body: () => void) => {
    c.i32(0).set(i).loop();
    body();
    c.get(i).i32(1).i32Add().tee(i).get(n).i32LtS().brIf(0).end();
  };

  const storeKey = () => {
    c.get(keys).get(i).i32(kb).i32Mul().i32Add().get(key);
    if (wide) c.i64Store();
    else c.i32Store();
  };
  // the line's keys, stored in order, with `each` run on each key as it is made
  const readKeys = (each: () => void = () => {}) => {
    c.get(src).set(p);
    forLine(() => {
      loadV();
      keyOfV();
      c.set(key);
      storeKey();
      each();
      c.get(p).get(step).i32Add().set(p);
    });
  };
  c.get(n).i32(INSERTION_MAX + 1).i32LtS().if_();
  {
    // a short line: its keys, then insertion by them (a strictly greater key moves up: ties stay in input order)
    readKeys();
    forLine(() => {
      c.get(keys).get(i).i32(kb).i32Mul().i32Add();
      loadKeyAt();
      c.set(key);
      c.get(i).i32(1).i32Sub().set(t);
      c.block().loop();
      c.get(t).i32(0).i32LtS().brIf(1);
      c.get(order).get(t).i32(4).i32Mul().i32Add().i32Load().set(o);
      c.get(keys).get(o).i32(kb).i32Mul().i32Add();
      loadKeyAt();
      c.get(key);
      if (wide) c.i64LeU();
      else c.i32LeU();
      c.brIf(1);
      c.get(order).get(t).i32(4).i32Mul().i32Add().get(o).i32Store(4);
      c.get(t).i32(1).i32Sub().set(t);
      c.br(0).end().end();
      c.get(order).get(t).i32(4).i32Mul().i32Add().get(i).i32Store(4);
    });
    c.i32(1).set(moved);
  }
  c.else_();
  c.get(scratch).i32(0).i32(digits * 1024).memoryFill();
  // the keys, and the counts of every digit
  readKeys(() => {
    for (let d = 0; d < digits; d++) count(d);
  });

  c.i32(0).set(moved);
  for (let d = 0; d < digits; d++) {
    const at = d * 1024;
    c.block();
    // a digit the whole line shares moves nothing
    c.get(keys);
    loadKeyAt();
    digitOfStack(d);
    c.i32(4).i32Mul().get(scratch).i32Add().i32Load(at).get(n).i32Eq().brIf(0);
    // counts into starts
    c.i32(0).set(sum).i32(0).set(i).loop();
    c.get(i).get(scratch).i32Add().tee(a).i32Load(at).set(t);
    c.get(a).get(sum).i32Store(at);
    c.get(sum).get(t).i32Add().set(sum);
    c.get(i).i32(4).i32Add().tee(i).i32(1024).i32LtS().brIf(0).end();
    // each position to its digit's next place; the first moving pass reads positions in input order
    c.get(moved).if_();
    forLine(() => {
      c.get(order).get(i).i32(4).i32Mul().i32Add().i32Load().set(o);
      c.get(keys).get(o).i32(kb).i32Mul().i32Add();
      loadKeyAt();
      digitOfStack(d);
      c.i32(4).i32Mul().get(scratch).i32Add().tee(a).i32Load(at).set(t);
      c.get(a).get(t).i32(1).i32Add().i32Store(at);
      c.get(order2).get(t).i32(4).i32Mul().i32Add().get(o).i32Store();
    });
    c.else_();
    forLine(() => {
      c.get(keys).get(i).i32(kb).i32Mul().i32Add();
      loadKeyAt();
      digitOfStack(d);
      c.i32(4).i32Mul().get(scratch).i32Add().tee(a).i32Load(at).set(t);
      c.get(a).get(t).i32(1).i32Add().i32Store(at);
      c.get(order2).get(t).i32(4).i32Mul().i32Add().get(i).i32Store();
    });
    c.i32(1).set(moved);
    c.end();
    c.get(order).set(t).get(order2).set(order).get(t).set(order2);
    c.end();
  }

  c.end();

  // the kept positions: the order, or the input order when no pass moved
  c.block();
  c.get(keep).i32Eqz().brIf(0);
  c.get(out).set(p);
  c.i32(0).set(i).loop();
  c.get(p).get(order).get(i).i32(4).i32Mul().i32Add().i32Load().get(i).get(moved).select().i32Store();
  c.get(p).get(outStep).i32Add().set(p);
  c.get(i).i32(1).i32Add().tee(i).get(keep).i32LtS().brIf(0).end();
  c.end();

  const row: FuncDef = { name: 'row', params: [I32, I32, I32, I32, I32, I32, I32, I32], locals, code: c };
  return encodeModule([row], { shared: arena.shared, maximumPages: MAX_PAGES });
}

type Row = (src: number, step: number, n: number, out: number, outStep: number, keep: number, scratch: number, flip: number) => void;

interface Compiled {
  readonly module: WebAssembly.Module;
  readonly row: Row;
  /** The id the helper thread knows the module by, once handed to it. */
  helperId?: number;
}

const compiled = new Map<KeyLoad, Compiled>();

function compiledFor(kind: KeyLoad): Compiled {
  let m = compiled.get(kind);
  if (!m) {
    const module = new WebAssembly.Module(sortModule(kind));
    const row = (new WebAssembly.Instance(module, { env: { memory: arena.memory } }).exports as { row: Row }).row;
    compiled.set(kind, (m = { module, row }));
  }
  return m;
}

/** Helper-thread ids for the sort modules: far from the vector kernels' (which count up from 0). */
let nextHelperId = 1 << 30;

/** Sorts over at least this many elements share their lines with the helper thread. */
const PARALLEL_MIN = 1 << 14;
/** Lines are grouped into at most this many jobs, each with its own scratch. */
const JOBS = 16;
/** The most scratch the jobs of one sort take together (more: fewer jobs, or one thread). */
const PARALLEL_SCRATCH = 8 << 20;

/** Scratch kept between launches (the arena's Workspace), so that each launch's is warm memory. */
const scratchSpace = new Workspace("the sort kernel's scratch", 64 << 20);

export type SortRun = (input: TypedArray, out: TypedArray) => void;

/**
 * The sort kernel as a WebAssembly runner. (sort.ts's JavaScript sort
 * serves where there is no WebAssembly, or the backend is asked for none.)
 */
export function compileSortKernel(k: SortKernel): SortRun {
  const { shape, axis, keep, strides } = k;
  const n = shape[axis]!;
  // empty lines: nothing to write (keep <= n)
  if (n === 0) return () => {};
  const kind = keyLoad(k.inputs[0]);
  const m = compiledFor(kind);
  const flip = k.descending ? -1 : 0;
  const step = strides[axis]!;
  // each line's first element (in elements from the input's start) and first output (in elements)
  const { base: lineBase, first: lineOut, after } = sortLines(k);
  const lines = lineBase.length;
  const slot = scratchBytes(kind, n);
  const jobs = Math.min(JOBS, lines, Math.floor(PARALLEL_SCRATCH / slot));
  const parallel = lines * n >= PARALLEL_MIN && jobs >= 2;
  if (parallel) {
    const helper = helperThread();
    if (helper && m.helperId === undefined) helper.load((m.helperId = nextHelperId++), m.module);
  }
  scratchSpace.expect(parallel ? jobs * slot : slot);
  const bounds = Int32Array.from({ length: jobs + 1 }, (_, j) => Math.round((j * lines) / Math.max(1, jobs)));

  return (input, out) => {
    if (lines === 0) return;
    const eb = input.BYTES_PER_ELEMENT;
    const temps: { ptr: number; bytes: number }[] = [];
    const own = (bytes: number) => {
      const b = arena.reserveFor(bytes, "the sort kernel's operands");
      temps.push(b);
      return b.ptr;
    };
    let scratch: ReturnType<Workspace['take']> | undefined;
    try {
      // an input outside the arena is copied in (whole: the view's offset and strides index it)
      let inPtr: number;
      if (arena.owns(input)) inPtr = input.byteOffset;
      else {
        inPtr = own(input.byteLength);
        new Uint8Array(arena.memory.buffer, inPtr, input.byteLength).set(new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
      }
      const outInArena = arena.owns(out);
      const outPtr = outInArena ? out.byteOffset : own(out.byteLength);
      const helper = parallel ? helperThread() : null;
      const threaded = helper?.ready() === true;
      scratch = scratchSpace.take(threaded ? jobs * slot : slot);
      const s = scratch.ptr;
      const stepBytes = step * eb;
      const outStep = after * 4;
      if (threaded) {
        // one call per line, its arguments in the arena; job j's lines use scratch slot j
        const nArgs = 8;
        const callsPtr = own(lines * nArgs * 4);
        const resultsPtr = own(lines * 8);
        const boundsPtr = own((jobs + 1) * 4);
        const mem = arena.memory.buffer;
        const args = new Int32Array(mem, callsPtr, lines * nArgs);
        new Int32Array(mem, boundsPtr, jobs + 1).set(bounds);
        for (let j = 0; j < jobs; j++) {
          for (let line = bounds[j]!; line < bounds[j + 1]!; line++) {
            const a = line * nArgs;
            args[a] = inPtr + lineBase[line]! * eb;
            args[a + 1] = stepBytes;
            args[a + 2] = n;
            args[a + 3] = outPtr + lineOut[line]! * 4;
            args[a + 4] = outStep;
            args[a + 5] = keep;
            args[a + 6] = s + j * slot;
            args[a + 7] = flip;
          }
        }
        const row = m.row;
        helper.runRound({ id: m.helperId!, callsPtr, nArgs, resultsPtr, boundsPtr, jobs }, (j) => {
          for (let line = bounds[j]!; line < bounds[j + 1]!; line++) {
            const a = line * nArgs;
            row(args[a]!, stepBytes, n, args[a + 3]!, outStep, keep, args[a + 6]!, flip);
          }
        });
      } else {
        const row = m.row;
        for (let line = 0; line < lines; line++) row(inPtr + lineBase[line]! * eb, stepBytes, n, outPtr + lineOut[line]! * 4, outStep, keep, s, flip);
      }
      if (!outInArena) (out as Int32Array).set(new Int32Array(arena.memory.buffer, outPtr, out.length));
    } finally {
      if (scratch) scratchSpace.give(scratch);
      for (const t of temps) arena.release(t.ptr, t.bytes);
    }
  };
}
