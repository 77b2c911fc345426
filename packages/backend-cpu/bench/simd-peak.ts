/**
 * `pnpm bench:peak`: the ceiling WebAssembly SIMD puts on a float32 gemm
 * on this machine, against the generated gemm. The ceiling loop keeps 12
 * independent f32x4 accumulators in registers and updates each with a
 * multiply and an add (WebAssembly has no fused multiply-add outside the
 * relaxed-SIMD proposal), with no memory traffic at all: no gemm on one
 * thread can beat it. Where the engine has relaxed SIMD, the same loop with
 * its multiply-add too: whether an FMA would raise the ceiling. Then the gemm's 4x8 micro-kernel over packed
 * operands, on this thread only, at 1024³.
 */
import { Code, I32, V128, encodeModule, localsAfter } from '../src/wasm/encoder.js';
import { gemmInstances } from '../src/wasm/gemm-instances.js';
import { arena } from '../src/wasm/arena.js';

const ACCUMULATORS = 12;

function ceilingModule(fused = false): (iterations: number) => void {
  const c = new Code();
  const { locals, local } = localsAfter(1);
  const acc = Array.from({ length: ACCUMULATORS }, () => local(V128));
  const [m, a, k] = [local(V128), local(V128), local(I32)];
  // operands from memory, results stored: the engine can neither fold nor drop the loop
  c.i32(0).v128Load(0).set(m).i32(0).v128Load(16).set(a);
  c.get(0).set(k);
  c.loop();
  for (const x of acc) {
    if (fused) c.get(m).get(a).get(x).f32x4RelaxedMadd().set(x);
    else c.get(x).get(m).f32x4Mul().get(a).f32x4Add().set(x);
  }
  c.get(k).i32(1).i32Sub().tee(k).brIf(0);
  c.end();
  acc.forEach((x, i) => c.i32(0).get(x).v128Store(32 + 16 * i));
  const bytes = encodeModule([{ name: 'f', params: [I32], locals, code: c }], { shared: false, maximumPages: 1 });
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  return (new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as { f: (n: number) => void }).f;
}

function best(run: () => void, reps: number): number {
  let min = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    run();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

const ceiling = ceilingModule();
ceiling(1e6);
const iterations = 2e7;
const ceilingGflops = (iterations * ACCUMULATORS * 8) / best(() => ceiling(iterations), 5) / 1e6;
console.log(`one thread, f32x4 multiply + add ceiling: ${ceilingGflops.toFixed(1)} GFLOP/s`);

// relaxed SIMD's multiply-add, where the engine has it (Node 20: --experimental-wasm-relaxed-simd): would an FMA raise the ceiling?
let fused: ((iterations: number) => void) | undefined;
try {
  fused = ceilingModule(true);
} catch {
  console.log('one thread, f32x4 relaxed multiply-add ceiling: not measured (this engine has no relaxed SIMD; Node 20: node --experimental-wasm-relaxed-simd)');
}
let fusedGflops: number | undefined;
if (fused) {
  fused(1e6);
  fusedGflops = (iterations * ACCUMULATORS * 8) / best(() => fused(iterations), 5) / 1e6;
  console.log(`one thread, f32x4 relaxed multiply-add ceiling: ${fusedGflops.toFixed(1)} GFLOP/s`);
}

const n = 1024;
const g = gemmInstances()[0]!;
const block = arena.reserve(3 * n * n * 4);
if (!block) throw new Error('simd-peak: no memory for the operands');
const [A, B, C] = [block.ptr, block.ptr + n * n * 4, block.ptr + 2 * n * n * 4];
new Float32Array(arena.memory.buffer, A, 2 * n * n).forEach((_, i, v) => (v[i] = Math.random() - 0.5));
const product = () => {
  for (let k0 = 0; k0 < n; k0 += 256) g.exports.gemm4(A, B, C, n, n, 0, n, k0, 256, 0, n);
};
product();
const gemmGflops = (2 * n ** 3) / best(product, 7) / 1e6;
// the fused gemm against the fused ceiling
const ceilingOfGemm = g.fused ? fusedGflops! : ceilingGflops;
console.log(
  `one thread, gemm micro-kernel at ${n}³ (operands packed${g.fused ? ', multiply-adds fused' : ''}): ${gemmGflops.toFixed(1)} GFLOP/s, ${((100 * gemmGflops) / ceilingOfGemm).toFixed(0)}% of the ceiling`,
);
