/**
 * `tsx --conditions=@sym/source src/crossentropy.ts [--reps=15]`: a
 * softmax cross-entropy and its gradient on the CPU backend (float32
 * logits, integer labels), three ways side by side: as compiled now, with
 * the specialize rewrite share_softmax_log_softmax excluded (the gradient's
 * softmax takes its own max and sum of exps), and with the stabilizing
 * rewrites excluded (unstable: no log-softmax). Runs alternate; each time
 * is the fastest of the reps (ms per call), steadier than a median on a
 * shared machine. Sizes: W2's head (256x10), 256x2000, a vocabulary (64x50000).
 */
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad } from '@sym/grad';
import { sparseCategoricalCrossentropyWithLogits } from '@sym/nn';

const reps = Number(process.argv.find((a) => a.startsWith('--reps='))?.slice(7) ?? 15);
const sizes: [number, number][] = [[256, 10], [256, 2000], [64, 50000]];
const T = sym.T;
const x = T.fmatrix('x');
const y = T.ivector('y');
const rows = T.arange(x.shape[0]!);
const forms: [string, () => sym.TensorVariable][] = [
  ['pick then log', () => T.log(T.nnet.softmax(x).get(rows, y)).neg().mean()],
  ['log then pick', () => T.log(T.nnet.softmax(x)).get(rows, y).neg().mean()],
  ['categoricalCrossentropy', () => T.nnet.categoricalCrossentropy(T.nnet.softmax(x), y).mean()],
  // nn's loss builds its own max-shifted log-softmax (no Softmax op, so the variants read the same)
  ['nn sparseCategoricalCrossentropyWithLogits', () => sparseCategoricalCrossentropyWithLogits(x, y)],
];
const variants: [string, string[]][] = [
  ['now', []],
  ['unshared', ['share_softmax_log_softmax']],
  ['unstable', ['log_gathered_softmax', 'log_softmax', 'log_softmax_grad', 'log_gathered_softmax_split', 'log_gathered_softmax_grad']],
];

console.log('| size | form | ' + variants.map(([v]) => `${v} ms (kernels)`).join(' | ') + ' |');
console.log('|---|---|' + variants.map(() => '---:').join('|') + '|');
for (const [n, k] of sizes) {
  const xv = sym.array(Float32Array.from({ length: n * k }, () => Math.random() * 4 - 2), { dtype: 'float32', shape: [n, k] });
  const yv = sym.array(Int32Array.from({ length: n }, () => Math.floor(Math.random() * k)), { dtype: 'int32', shape: [n] });
  for (const [name, cost] of forms) {
    const c = cost();
    const g = grad(c, [x])[0]!;
    const fs = variants.map(([, excluding]) => sym.function([x, y], [c, g], { optimizer: { excluding } }));
    for (const f of fs) await f(xv, yv);
    const iters = Math.max(3, Math.floor(4e6 / (n * k)));
    const best = fs.map(() => Infinity);
    for (let r = 0; r < reps; r++) {
      for (const [i, f] of fs.entries()) {
        const t0 = performance.now();
        for (let j = 0; j < iters; j++) await f(xv, yv);
        best[i] = Math.min(best[i]!, (performance.now() - t0) / iters);
      }
    }
    console.log(`| ${n}x${k} | ${name} | ` + fs.map((f, i) => `${best[i]!.toFixed(3)} (${f.compiled.kernelCount(xv, yv)})`).join(' | ') + ' |');
  }
}
