/**
 * float32 elementwise and reduce kernels compiled to WebAssembly SIMD: the
 * kernel's scalar expression becomes f32x4 code (with the approximations
 * of vmath.ts for exp, log, sin, cos, tanh, sigmoid), run along the
 * innermost iteration dimension four lanes at a time. JavaScript walks the
 * outer dimensions. Operands are read and results written in place when
 * they live in the backend's WebAssembly memory (arena.ts), and copied in
 * and out of it otherwise.
 * Kernels it cannot vectorise (other dtypes, other ops, strided inner
 * loads) stay on the JavaScript renderer.
 */
import type { ElementwiseKernel, Kernel, LoadExpr, ReduceKernel, ScalarExpr, ScalarOpName, TypedArray } from '@sym/graph';
import { Code, F32, F64, I32, V128, encodeModule, type ValType } from './encoder.js';
import { emitExp, emitLog, emitSigmoid, emitSinCos, emitTanh, fconst, type Emit } from './vmath.js';
import { MAX_PAGES, arena } from './arena.js';
import { helperThread, type HelperThread } from './vthreads.js';

type VKernel = ElementwiseKernel | ReduceKernel;

const SUPPORTED = new Set<ScalarOpName>([
  'add', 'sub', 'mul', 'truediv', 'maximum', 'minimum', 'neg', 'abs', 'sqrt', 'relu',
  'identity', 'cast', 'second', 'clip', 'exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid',
  'eq', 'neq', 'lt', 'le', 'gt', 'ge', 'not', 'and', 'or', 'xor', 'switch',
]);
/** Ops whose result is already 0 or 1 (bool values are float lanes holding 0 or 1). */
const BOOLEAN = new Set<ScalarOpName>(['eq', 'neq', 'lt', 'le', 'gt', 'ge', 'not', 'and', 'or', 'xor']);
const lanes = (d: string) => d === 'float32' || d === 'bool';

function iterShape(k: VKernel): readonly number[] {
  return k.kind === 'elementwise' ? k.shape : [...k.shape, ...k.reduceShape];
}

function loadsOf(e: ScalarExpr, out: LoadExpr[] = []): LoadExpr[] {
  if (e.kind === 'load') out.push(e);
  else if (e.kind === 'apply') for (const a of e.args) loadsOf(a, out);
  return out;
}

function supportedExpr(e: ScalarExpr): boolean {
  if (e.kind === 'const') return true;
  if (e.kind === 'load') return e.dtype === 'float32';
  if (e.kind === 'reduced') return false;
  return lanes(e.dtype) && lanes(e.computeDType) && SUPPORTED.has(e.op) && e.args.every(supportedExpr);
}

/** Whether the kernel runs on the SIMD path. */
export function vectorizable(k: Kernel): k is VKernel {
  if (k.kind === 'matmul') return false;
  if (k.out !== 'float32' || !supportedExpr(k.expr) || (k.kind === 'reduce' && k.epilogue)) return false;
  if (k.kind === 'reduce') {
    if (!['sum', 'mean', 'max', 'min'].includes(k.reducer) || k.reduceShape.length === 0) return false;
    if (k.reduceShape.some((d) => d === 0)) return false;
  }
  const nd = iterShape(k).length;
  return loadsOf(k.expr).every((l) => nd === 0 || l.strides[nd - 1] === 0 || l.strides[nd - 1] === 1);
}

/** Ops whose big arguments need the imported JavaScript functions on some lanes. */
const JS_LANES = new Set(['sin', 'cos']);
const usesOp = (e: ScalarExpr, ops: ReadonlySet<string>): boolean => e.kind === 'apply' && (ops.has(e.op) || e.args.some((a) => usesOp(a, ops)));

const loadKey = (l: LoadExpr) => `${l.input}:${l.offset}:${l.strides.join(',')}`;

/** Build the row function: elementwise (outPtr, n, ...ptrs) or reduce (n, ...ptrs) -> f64. */
function rowModule(k: VKernel, loads: readonly LoadExpr[]): Uint8Array<ArrayBuffer> {
  const nd = iterShape(k).length;
  const reduce = k.kind === 'reduce';
  const nParams = (reduce ? 1 : 2) + loads.length;
  const N = reduce ? 0 : 1;
  const ptr = (j: number) => (reduce ? 1 : 2) + j;
  const locals: ValType[] = [];
  const local = (t: ValType) => (locals.push(t), nParams + locals.length - 1);
  const c = new Code();
  const constants = new Map<string, { bytes: readonly number[]; global: number }>();
  c.constantGlobal = (bytes) => {
    const key = bytes.join(',');
    let k = constants.get(key);
    if (!k) constants.set(key, (k = { bytes, global: constants.size }));
    return k.global;
  };
  const off = local(I32);
  const imports: ('sin' | 'cos')[] = [];
  const emit: Emit = {
    c,
    v128: () => local(V128),
    importIndex: (name) => {
      if (!imports.includes(name)) imports.push(name);
      return imports.indexOf(name);
    },
    slowLanes: undefined,
  };
  const keys = loads.map(loadKey);
  const splat = new Map<number, number>();
  loads.forEach((l, j) => {
    if (nd === 0 || l.strides[nd - 1] === 0) {
      const v = local(V128);
      c.get(ptr(j)).f32Load().f32x4Splat().set(v);
      splat.set(j, v);
    }
  });
  // bool lanes hold 0 or 1; truth is "not zero", so NaN is true, as in NumPy
  const truth = () => (fconst(c, 0), c.f32x4Ne());
  const toBool = () => (truth(), fconst(c, 1), void c.v128And());
  const expr = (e: ScalarExpr): void => {
    if (e.kind === 'const') {
      fconst(c, Math.fround(e.value));
      return;
    }
    if (e.kind === 'load') {
      const j = keys.indexOf(loadKey(e));
      const s = splat.get(j);
      if (s !== undefined) c.get(s);
      else c.get(ptr(j)).get(off).i32Add().v128Load();
      return;
    }
    if (e.kind === 'reduced') throw new Error('cpu: a reduced value outside an epilogue');
    // arguments convert to the compute dtype: float to bool tests truth; bool to float is already 0 or 1
    const arg = (i: number) => {
      expr(e.args[i]!);
      if (e.computeDType === 'bool' && e.args[i]!.dtype !== 'bool' && !(e.op === 'switch' && i === 0)) toBool();
    };
    op(e, arg);
    if (e.dtype === 'bool' && !BOOLEAN.has(e.op)) toBool();
  };
  const op = (e: Extract<ScalarExpr, { kind: 'apply' }>, expr: (i: number) => void): void => {
    const a = [0, 1, 2];
    const unary = (f: (x: number) => void) => {
      expr(a[0]!);
      const t = local(V128);
      c.set(t);
      f(t);
    };
    switch (e.op) {
      case 'add': return (expr(a[0]!), expr(a[1]!), void c.f32x4Add());
      case 'sub': return (expr(a[0]!), expr(a[1]!), void c.f32x4Sub());
      case 'mul': return (expr(a[0]!), expr(a[1]!), void c.f32x4Mul());
      case 'truediv': return (expr(a[0]!), expr(a[1]!), void c.f32x4Div());
      case 'maximum': return (expr(a[0]!), expr(a[1]!), void c.f32x4Max());
      case 'minimum': return (expr(a[0]!), expr(a[1]!), void c.f32x4Min());
      case 'clip': return (expr(a[0]!), expr(a[1]!), c.f32x4Max(), expr(a[2]!), void c.f32x4Min());
      case 'neg': return (expr(a[0]!), void c.f32x4Neg());
      case 'abs': return (expr(a[0]!), void c.f32x4Abs());
      case 'sqrt': return (expr(a[0]!), void c.f32x4Sqrt());
      case 'relu': return (expr(a[0]!), fconst(c, 0), void c.f32x4Max());
      case 'identity':
      case 'cast': return expr(a[0]!);
      case 'second': return expr(a[1]!);
      case 'exp': return unary((t) => emitExp(emit, t));
      case 'log': return unary((t) => emitLog(emit, t));
      case 'sin': return unary((t) => emitSinCos(emit, t, false));
      case 'cos': return unary((t) => emitSinCos(emit, t, true));
      case 'tanh': return unary((t) => emitTanh(emit, t));
      case 'sigmoid': return unary((t) => emitSigmoid(emit, t));
      case 'eq': return (expr(a[0]!), expr(a[1]!), c.f32x4Eq(), fconst(c, 1), void c.v128And());
      case 'neq': return (expr(a[0]!), expr(a[1]!), c.f32x4Ne(), fconst(c, 1), void c.v128And());
      case 'lt': return (expr(a[0]!), expr(a[1]!), c.f32x4Lt(), fconst(c, 1), void c.v128And());
      case 'le': return (expr(a[0]!), expr(a[1]!), c.f32x4Le(), fconst(c, 1), void c.v128And());
      case 'gt': return (expr(a[0]!), expr(a[1]!), c.f32x4Gt(), fconst(c, 1), void c.v128And());
      case 'ge': return (expr(a[0]!), expr(a[1]!), c.f32x4Ge(), fconst(c, 1), void c.v128And());
      case 'not': return (expr(a[0]!), fconst(c, 0), c.f32x4Eq(), fconst(c, 1), void c.v128And());
      case 'and': return (expr(a[0]!), truth(), expr(a[1]!), truth(), c.v128And(), fconst(c, 1), void c.v128And());
      case 'or': return (expr(a[0]!), truth(), expr(a[1]!), truth(), c.v128Or(), fconst(c, 1), void c.v128And());
      case 'xor': return (expr(a[0]!), truth(), expr(a[1]!), truth(), c.v128Xor(), fconst(c, 1), void c.v128And());
      // bitselect(then, else, mask): the condition is tested as it is
      case 'switch': return (expr(a[1]!), expr(a[2]!), expr(a[0]!), truth(), void c.v128Bitselect());
      default:
        throw new Error(`vkernel: ${e.op} is not vectorised`);
    }
  };
  const results: ValType[] = [];
  // sin/cos: the fast pass flags lanes that need JavaScript; when any did, a slow pass computes the row again with
  // the calls (the output never aliases an input, so the inputs are still there to read)
  const withSlowPass = (pass: () => void) => {
    if (!usesOp(k.expr, JS_LANES)) return pass();
    const slowLanes = local(V128);
    c.v128Zero().set(slowLanes);
    emit.slowLanes = slowLanes;
    pass();
    emit.slowLanes = undefined;
    c.get(slowLanes).v128AnyTrue().if_();
    pass();
    c.end();
  };
  if (!reduce) {
    const pass = () => {
      // out[off] = expr, four lanes a step; the row may overrun into padding
      c.i32(0).set(off);
      c.block().loop();
      c.get(off).get(N).i32(4).i32Mul().i32GeS().brIf(1);
      c.get(0).get(off).i32Add();
      expr(k.expr);
      c.v128Store();
      c.get(off).i32(16).i32Add().set(off).br(0);
      c.end().end();
    };
    withSlowPass(pass);
  } else {
    const r = k as ReduceKernel;
    const isSum = r.reducer === 'sum' || r.reducer === 'mean';
    const v = local(V128);
    const acc0 = local(V128);
    const acc1 = local(V128);
    const end = local(I32);
    const identity = r.reducer === 'max' ? -Infinity : r.reducer === 'min' ? Infinity : 0;
    const accumulate = () => {
      if (isSum) {
        c.get(acc0).get(v).f64x2PromoteLowF32x4().f64x2Add().set(acc0);
        c.get(acc1).get(v).get(v).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]).f64x2PromoteLowF32x4().f64x2Add().set(acc1);
      } else {
        c.get(acc0).get(v);
        if (r.reducer === 'max') c.f32x4Max();
        else c.f32x4Min();
        c.set(acc0);
      }
    };
    const pass = () => {
      c.i32(0).set(off);
      if (isSum) c.v128Zero().set(acc0).v128Zero().set(acc1);
      else fconst(c, identity).set(acc0);
      // whole vectors: no lane masking in the loop
      c.get(N).i32(~3).i32And().i32(4).i32Mul().set(end);
      c.block().loop();
      c.get(off).get(end).i32GeS().brIf(1);
      expr(k.expr);
      c.set(v);
      accumulate();
      c.get(off).i32(16).i32Add().set(off).br(0);
      c.end().end();
      // the last 1-3 elements: lanes past n are replaced by the reducer's identity
      c.get(N).i32(3).i32And().if_();
      expr(k.expr);
      c.set(v);
      c.get(v);
      fconst(c, identity);
      c.v128Const([0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]).get(N).i32(3).i32And().i32x4Splat().i32x4LtS().v128Bitselect().set(v);
      accumulate();
      c.end();
    };
    withSlowPass(pass);
    if (isSum) {
      c.get(acc0).f64x2ExtractLane(0).get(acc0).f64x2ExtractLane(1).f64Add();
      c.get(acc1).f64x2ExtractLane(0).f64Add().get(acc1).f64x2ExtractLane(1).f64Add();
      results.push(F64);
    } else {
      for (let q = 0; q < 4; q++) {
        c.get(acc0).f32x4ExtractLane(q);
        if (q > 0) (r.reducer === 'max' ? c.f32Max() : c.f32Min());
      }
      c.f64PromoteF32();
      results.push(F64);
    }
  }
  return encodeModule(
    [{ name: 'row', params: new Array<ValType>(nParams).fill(I32), locals, code: c, results }],
    { shared: arena.shared, maximumPages: MAX_PAGES },
    imports.map((name) => ({ name, params: [F64], results: [F64] })),
    [...constants.values()].map((k) => k.bytes),
  );
}

export type VectorRun = (ins: readonly TypedArray[], out: TypedArray) => void;

type Row = (...args: number[]) => number;

/** Call `row` with the arguments in `a` (fixed arities avoid a spread call per row). */
function callRow(row: Row, a: readonly number[]): number {
  switch (a.length) {
    case 1: return row(a[0]!);
    case 2: return row(a[0]!, a[1]!);
    case 3: return row(a[0]!, a[1]!, a[2]!);
    case 4: return row(a[0]!, a[1]!, a[2]!, a[3]!);
    case 5: return row(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!);
    case 6: return row(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!);
    default: return row(...a);
  }
}

/** Kernels over at least this many elements split their rows with the helper thread. */
const PARALLEL_MIN = 1 << 18;
/** Row calls are grouped into this many jobs that the two threads claim (rows are cut into chunks when fewer). */
const JOBS = 16;
let nextId = 0;

/** Compile a vectorizable kernel into a runner over typed arrays. */
export function compileVectorKernel(k: VKernel): VectorRun {
  const loads: LoadExpr[] = [];
  for (const l of loadsOf(k.expr)) if (!loads.some((x) => loadKey(x) === loadKey(l))) loads.push(l);
  const module = new WebAssembly.Module(rowModule(k, loads));
  const exports = new WebAssembly.Instance(module, {
    env: { memory: arena.memory, sin: Math.sin, cos: Math.cos },
  }).exports as { row: Row };
  const row = exports.row;
  const iter = iterShape(k);
  const nd = iter.length;
  const n = nd ? iter[nd - 1]! : 1;
  const outer = iter.slice(0, Math.max(0, nd - 1));
  const nOuter = outer.reduce((a, b) => a * b, 1);
  const rowsPerOut = k.kind === 'reduce' ? k.reduceShape.slice(0, -1).reduce((a, b) => a * b, 1) : 1;
  const count = k.kind === 'reduce' ? k.reduceShape.reduce((a, b) => a * b, 1) : 1;
  const reducer = k.kind === 'reduce' ? k.reducer : 'sum';
  const elementwise = k.kind === 'elementwise';
  const args = new Array<number>(loads.length + (elementwise ? 2 : 1)).fill(0);
  const first = elementwise ? 2 : 1;
  const idx = new Array<number>(outer.length).fill(0);
  const base = new Array<number>(k.inputs.length).fill(0);
  const temps: { ptr: number; bytes: number }[] = [];
  // rows shorter than a vector would overlap their neighbours' writes across the threads
  const parallel = nOuter * n >= PARALLEL_MIN && n >= 4;
  const id = nextId++;
  // the helper instantiates the module while the program goes on, so that the kernel's first run can use it
  if (parallel) helperThread()?.load(id, module);
  const inner = loads.map((l) => (nd ? l.strides[nd - 1]! : 0));
  // row calls: whole rows when there are enough, else rows cut into chunks (multiples of 4, none shorter than 4)
  const chunk = nOuter >= JOBS ? n : Math.min(n, Math.ceil((n * nOuter) / JOBS / 4) * 4);
  const pieces: [number, number][] = [];
  for (let e = 0; e < n; ) {
    const len = n - e - chunk < 4 ? n - e : chunk;
    pieces.push([e, len]);
    e += len;
  }
  const perRow = pieces.length;
  const nCalls = nOuter * perRow;
  const nJobs = Math.min(nCalls, JOBS);
  const bounds = Int32Array.from({ length: nJobs + 1 }, (_, j) => Math.round((j * nCalls) / nJobs));
  const nArgs = args.length;
  const rowPtr = new Array<number>(loads.length).fill(0);

  /** Run the row calls as jobs shared with the helper thread; false (nothing done) when that is not possible. */
  const runJobs = (helper: HelperThread, outBase: number, out: TypedArray): boolean => {
    if (nJobs < 2) return false;
    const callBlock = arena.reserve(nCalls * nArgs * 4);
    const resBlock = callBlock && arena.reserve(nCalls * 8);
    const boundBlock = resBlock && arena.reserve((nJobs + 1) * 4);
    if (!callBlock || !resBlock || !boundBlock) {
      for (const b of [callBlock, resBlock]) if (b) arena.release(b.ptr, b.bytes);
      return false;
    }
    try {
      const mem = arena.memory.buffer;
      const a32 = new Int32Array(mem, callBlock.ptr, nCalls * nArgs);
      new Int32Array(mem, boundBlock.ptr, nJobs + 1).set(bounds);
      idx.fill(0);
      let c = 0;
      for (let r = 0; r < nOuter; r++) {
        for (let q = 0; q < loads.length; q++) {
          const l = loads[q]!;
          let p = l.offset;
          for (let d = 0; d < outer.length; d++) p += idx[d]! * l.strides[d]!;
          rowPtr[q] = base[l.input]! + p * 4;
        }
        for (const [e, len] of pieces) {
          const at = c++ * nArgs;
          if (elementwise) {
            a32[at] = outBase + (r * n + e) * 4;
            a32[at + 1] = len;
          } else a32[at] = len;
          for (let q = 0; q < loads.length; q++) a32[at + first + q] = rowPtr[q]! + e * inner[q]! * 4;
        }
        for (let d = outer.length - 1; d >= 0; d--) {
          if (++idx[d]! < outer[d]!) break;
          idx[d] = 0;
        }
      }
      const res = new Float64Array(mem, resBlock.ptr, nCalls);
      const call = (k: number, lanes?: number) => {
        for (let q = 0; q < nArgs; q++) args[q] = a32[k * nArgs + q]!;
        if (lanes !== undefined) args[1] = lanes;
        res[k] = callRow(row, args);
      };
      helper.runRound({ id, callsPtr: callBlock.ptr, nArgs, resultsPtr: resBlock.ptr, boundsPtr: boundBlock.ptr, jobs: nJobs }, (j) => {
        for (let k = bounds[j]!; k < bounds[j + 1]!; k++) call(k);
      });
      // a job's last row may end mid-vector, its last vector overwriting the first lanes of the next job,
      // which the other thread may have written first: compute each such first vector again (four lanes, all its own)
      if (elementwise) for (let j = 1; j < nJobs; j++) if (a32[(bounds[j]! - 1) * nArgs + 1]! % 4 !== 0) call(bounds[j]!, 4);
      if (!elementwise) {
        let acc = 0;
        let done = 0;
        let o = 0;
        const callsPerOut = rowsPerOut * perRow;
        for (let k = 0; k < nCalls; k++) {
          const v = res[k]!;
          if (done === 0) acc = v;
          else if (reducer === 'max') acc = acc !== acc || v !== v ? NaN : Math.max(acc, v);
          else if (reducer === 'min') acc = acc !== acc || v !== v ? NaN : Math.min(acc, v);
          else acc += v;
          if (++done === callsPerOut) {
            out[o++] = reducer === 'mean' ? acc / count : acc;
            done = 0;
          }
        }
      }
      return true;
    } finally {
      for (const b of [callBlock, resBlock, boundBlock]) arena.release(b.ptr, b.bytes);
    }
  };

  return (ins, out) => {
    // operands in the arena are read in place; others are copied into blocks held for this launch
    let copies = false;
    for (let i = 0; i < ins.length; i++) {
      const a = ins[i]!;
      if (arena.owns(a)) base[i] = a.byteOffset;
      else {
        const b = arena.reserveFor(a.length * 4, "a vector kernel's operands");
        temps.push(b);
        base[i] = b.ptr;
        copies = true;
      }
    }
    let outBase = 0;
    let outTemp = false;
    if (elementwise) {
      if (arena.owns(out)) outBase = out.byteOffset;
      else {
        const b = arena.reserveFor(out.length * 4, "a vector kernel's operands");
        temps.push(b);
        outBase = b.ptr;
        outTemp = true;
      }
    }
    try {
      if (copies) {
        const f32 = arena.f32();
        for (let i = 0; i < ins.length; i++) if (!arena.owns(ins[i]!)) f32.set(ins[i] as Float32Array, base[i]! / 4);
      }
      const helper = parallel ? helperThread() : null;
      if (helper?.ready() && runJobs(helper, outBase, out)) {
        if (outTemp) (out as Float32Array).set(new Float32Array(arena.memory.buffer, outBase, out.length));
        return;
      }
      idx.fill(0);
      let acc = 0;
      let rowsDone = 0;
      let o = 0;
      if (elementwise) args[1] = n;
      else args[0] = n;
      for (let r = 0; r < nOuter; r++) {
        if (elementwise) args[0] = outBase + r * n * 4;
        for (let j = 0; j < loads.length; j++) {
          const l = loads[j]!;
          let p = l.offset;
          for (let d = 0; d < outer.length; d++) p += idx[d]! * l.strides[d]!;
          args[first + j] = base[l.input]! + p * 4;
        }
        const v = callRow(row, args);
        for (let d = outer.length - 1; d >= 0; d--) {
          if (++idx[d]! < outer[d]!) break;
          idx[d] = 0;
        }
        if (elementwise) continue;
        if (rowsDone === 0) acc = v;
        else if (reducer === 'max') acc = acc !== acc || v !== v ? NaN : Math.max(acc, v);
        else if (reducer === 'min') acc = acc !== acc || v !== v ? NaN : Math.min(acc, v);
        else acc += v;
        if (++rowsDone === rowsPerOut) {
          out[o++] = reducer === 'mean' ? acc / count : acc;
          rowsDone = 0;
        }
      }
      if (outTemp) (out as Float32Array).set(new Float32Array(arena.memory.buffer, outBase, out.length));
    } finally {
      for (const t of temps) arena.release(t.ptr, t.bytes);
      temps.length = 0;
    }
  };
}
