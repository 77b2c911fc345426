/**
 * float32 elementwise and reduce kernels on WebAssembly SIMD: compiles the
 * row function vrender.ts renders and runs it over the kernel's rows, the
 * outer dimensions walked in JavaScript, big kernels' rows shared with the
 * helper thread. Operands are read and results written in place when they
 * live in the backend's WebAssembly memory (arena.ts), and copied in and
 * out of it otherwise. Kernels it cannot vectorise (other dtypes, other
 * ops, strided inner loads) stay on the JavaScript renderer.
 */
import type { LoadExpr, TypedArray } from '@sym/graph';
import { f16round, loadsOf } from '@sym/graph';
import { arena } from './arena.js';
import { helperThread, type HelperThread } from './vthreads.js';
import { innerContiguous, iterShape, loadKey, rowModule, type VKernel } from './vrender.js';

export { vectorizable } from './vrender.js';

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
/** A collected kernel's instance in the helper thread goes with it (a process compiling kernel after kernel would keep them all there). */
const loaded = new FinalizationRegistry<number>((id) => helperThread()?.unload(id));

/** Compile a vectorizable kernel into a runner over typed arrays. */
export function compileVectorKernel(k: VKernel): VectorRun {
  const loads: LoadExpr[] = [];
  for (const l of loadsOf(k.expr)) if (!loads.some((x) => loadKey(x) === loadKey(l))) loads.push(l);
  const column = !innerContiguous(k);
  const module = new WebAssembly.Module(rowModule(k, loads, column));
  const exports = new WebAssembly.Instance(module, {
    env: { memory: arena.memory, sin: Math.sin, cos: Math.cos },
  }).exports as { row: Row; rows?: Row };
  const row = exports.row;
  const rows = exports.rows;
  // a column reduction's rows are the output's: its reduced axis is looped over within each lane
  const iter = column ? k.shape : iterShape(k);
  const nd = iter.length;
  const n = nd ? iter[nd - 1]! : 1;
  const outer = iter.slice(0, Math.max(0, nd - 1));
  const nOuter = outer.reduce((a, b) => a * b, 1);
  const rowsPerOut = k.kind === 'reduce' ? k.reduceShape.slice(0, -1).reduce((a, b) => a * b, 1) : 1;
  const count = k.kind === 'reduce' ? k.reduceShape.reduce((a, b) => a * b, 1) : 1;
  const reducer = k.kind === 'reduce' ? k.reducer : 'sum';
  // a row reduction's value comes back as a float64: float16 rounds it (a Float32Array rounds to float32 itself)
  const store = k.out === 'float16' ? f16round : (x: number) => x;
  const elementwise = k.kind === 'elementwise' || column;
  const args = new Array<number>(loads.length + (elementwise ? 2 : 1)).fill(0);
  const first = elementwise ? 2 : 1;
  // rows(outPtr, n, ...ptrs, count)
  const rowsArgs = new Array<number>(args.length + 1).fill(0);
  const idx = new Array<number>(outer.length).fill(0);
  const base = new Array<number>(k.inputs.length).fill(0);
  const temps: { ptr: number; bytes: number }[] = [];
  // rows shorter than a vector would overlap their neighbours' writes across the threads
  const parallel = nOuter * n * (column ? count : 1) >= PARALLEL_MIN && n >= 4;
  const id = nextId++;
  // the helper instantiates the module while the program goes on, so that the kernel's first run can use it
  if (parallel) helperThread()?.load(id, module);
  const inner = loads.map((l) => (nd ? l.strides[nd - 1]! : 0));
  // row calls: whole rows when there are enough, else rows cut into chunks (multiples of 4, none shorter than 4)
  // (no rows at all, nOuter = 0: one whole-row piece, looped over zero times, rather than pieces of length 0 without end)
  const chunk = nOuter >= JOBS || nOuter === 0 ? n : Math.min(n, Math.ceil((n * nOuter) / JOBS / 4) * 4);
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
            out[o++] = store(reducer === 'mean' ? acc / count : acc);
            done = 0;
          }
        }
      }
      return true;
    } finally {
      for (const b of [callBlock, resBlock, boundBlock]) arena.release(b.ptr, b.bytes);
    }
  };

  const run: VectorRun = (ins, out) => {
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
      if (rows && nOuter > 0) {
        // the rows of the second innermost dimension in one call each (vrender's rowsFunction)
        const m = outer[outer.length - 1]!;
        rowsArgs[1] = n;
        rowsArgs[rowsArgs.length - 1] = m;
        for (let g = 0; g < nOuter / m; g++) {
          rowsArgs[0] = outBase + g * m * n * 4;
          for (let j = 0; j < loads.length; j++) {
            const l = loads[j]!;
            let p = l.offset;
            for (let d = 0; d < outer.length - 1; d++) p += idx[d]! * l.strides[d]!;
            rowsArgs[first + j] = base[l.input]! + p * 4;
          }
          callRow(rows, rowsArgs);
          for (let d = outer.length - 2; d >= 0; d--) {
            if (++idx[d]! < outer[d]!) break;
            idx[d] = 0;
          }
        }
        if (outTemp) (out as Float32Array).set(new Float32Array(arena.memory.buffer, outBase, out.length));
        return;
      }
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
          out[o++] = store(reducer === 'mean' ? acc / count : acc);
          rowsDone = 0;
        }
      }
      if (outTemp) (out as Float32Array).set(new Float32Array(arena.memory.buffer, outBase, out.length));
    } finally {
      for (const t of temps) arena.release(t.ptr, t.bytes);
      temps.length = 0;
    }
  };
  if (parallel) loaded.register(run, id);
  return run;
}
