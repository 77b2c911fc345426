/**
 * Hand-written gpu.js training steps for W1 and W2, as a gpu.js user would
 * write them from the model's equations: per layer a forward kernel, a
 * delta kernel, a weight-gradient and a bias-gradient kernel; per parameter
 * the tutorial's momentum rule (p <- p - lr * v_old; v <- m * v_old +
 * (1 - m) * grad) as two kernels, each of them twice so that a step reads
 * the textures the previous step wrote (ping-pong: a kernel never reads its
 * own output). Everything stays on the GPU; the step reads back its cost.
 */
import type { IKernelRunShortcut, KernelOutput } from 'gpu.js';
import { data, LR, MOMENTUM, type Spec } from './training.js';
import { batchTextures, costKernels, forwardKernel, kernel, upload } from './gpujs-hand.js';

type Run = (...args: KernelOutput[]) => KernelOutput;
const run = (k: IKernelRunShortcut): Run => (...args) => k(...(args as never[])) as KernelOutput;

/** p and its velocity, double-buffered: `step(grad)` applies the momentum rule and flips the buffers. */
function momentumParam(init: Float32Array, rows: number, cols: number) {
  const out = rows === 1 ? [cols] : [cols, rows];
  const at = rows === 1 ? '[this.thread.x]' : '[this.thread.y][this.thread.x]';
  const pSrc = `function (p, v) { return p${at} - this.constants.lr * v${at}; }`;
  const vSrc = `function (v, g) { return this.constants.m * v${at} + (1 - this.constants.m) * g${at}; }`;
  const pk = [0, 1].map(() => run(kernel(pSrc, out, { lr: LR }, true)));
  const vk = [0, 1].map(() => run(kernel(vSrc, out, { m: MOMENTUM }, true)));
  let p = upload(init, rows, cols);
  let v = upload(new Float32Array(init.length), rows, cols);
  let flip = 0;
  return {
    get value() {
      return p;
    },
    step(g: KernelOutput) {
      const np = pk[flip]!(p, v);
      v = vk[flip]!(v, g);
      p = np;
      flip ^= 1;
    },
  };
}

/** One training step of W1 (tutorial layout: features x batch, sigmoid layers, squared error) or W2 (rows, relu, softmax cross-entropy). */
export function handTraining(spec: Spec): () => number {
  const { sizes, batch, kind } = spec;
  const d = data(spec);
  const L = sizes.length - 1;
  const tutorial = kind === 'tutorial';
  // tutorial: W (n x m), activations n x batch; classifier: W (m x n), activations batch x n
  const Ws = sizes.slice(1).map((n, i) => (tutorial ? momentumParam(d.Ws[i]!, n, sizes[i]!) : momentumParam(d.Ws[i]!, sizes[i]!, n)));
  const bs = sizes.slice(1).map((n, i) => momentumParam(d.bs[i]!, 1, n));
  const { X, Y } = batchTextures(spec);
  const classes = sizes[L]!;
  const shape = (n: number) => (tutorial ? [batch, n] : [n, batch]);
  const forward = sizes.slice(1).map((_, l) => run(forwardKernel(spec, l)));
  // the output layer's delta: d(cost)/d(pre-activation)
  const outDelta = tutorial
    ? run(kernel('function (o, y) { const a = o[0][this.thread.x]; return 2 * (a - y[this.thread.x]) * a * (1 - a); }', [batch, 1], {}, true))
    : run(
        kernel(
          'function (z, y) { let mx = z[this.thread.y][0]; for (let j = 1; j < this.constants.c; j++) { mx = Math.max(mx, z[this.thread.y][j]); } ' +
            'let se = 0; for (let j = 0; j < this.constants.c; j++) { se += Math.exp(z[this.thread.y][j] - mx); } ' +
            'return (Math.exp(z[this.thread.y][this.thread.x] - mx) / se - y[this.thread.y][this.thread.x]) / this.constants.batch; }',
          [classes, batch],
          { c: classes, batch },
          true,
        ),
      );
  // delta of layer l - 1 from layer l's: back through W_l, times the derivative of layer l - 1's activation (its output a)
  const hiddenDelta = sizes.slice(1, L).map((n, i) => {
    const l = i + 1;
    const src = tutorial
      ? 'function (d, w, a) { let s = 0; for (let r = 0; r < this.constants.n; r++) { s += w[r][this.thread.y] * d[r][this.thread.x]; } const v = a[this.thread.y][this.thread.x]; return s * v * (1 - v); }'
      : 'function (d, w, a) { let s = 0; for (let c = 0; c < this.constants.n; c++) { s += d[this.thread.y][c] * w[this.thread.x][c]; } return a[this.thread.y][this.thread.x] > 0 ? s : 0; }';
    return run(kernel(src, shape(n), { n: sizes[l + 1]! }, true));
  });
  // gradients: gW = delta a^T (tutorial) or a^T delta (classifier), summed over the batch; gb = delta summed over the batch
  const gradW = sizes.slice(1).map((n, l) => {
    const m = sizes[l]!;
    return tutorial
      ? run(kernel('function (d, a) { let s = 0; for (let j = 0; j < this.constants.batch; j++) { s += d[this.thread.y][j] * a[this.thread.x][j]; } return s; }', [m, n], { batch }, true))
      : run(kernel('function (d, a) { let s = 0; for (let i = 0; i < this.constants.batch; i++) { s += a[i][this.thread.y] * d[i][this.thread.x]; } return s; }', [n, m], { batch }, true));
  });
  const gradB = sizes.slice(1).map((n) =>
    tutorial
      ? run(kernel('function (d) { let s = 0; for (let j = 0; j < this.constants.batch; j++) { s += d[this.thread.x][j]; } return s; }', [n], { batch }, true))
      : run(kernel('function (d) { let s = 0; for (let i = 0; i < this.constants.batch; i++) { s += d[i][this.thread.x]; } return s; }', [n], { batch }, true)),
  );
  const cost = costKernels(spec, true);
  const perExample = run(cost.perExample);
  const total = run(cost.total);
  return () => {
    const a: KernelOutput[] = [X];
    for (let l = 0; l < L; l++) a.push(forward[l]!(a[l]!, Ws[l]!.value, bs[l]!.value));
    const costTex = total(perExample(a[L]!, Y)) as unknown as { toArray(): Float32Array };
    let delta = outDelta(a[L]!, Y);
    for (let l = L - 1; l >= 0; l--) {
      const gW = gradW[l]!(delta, a[l]!);
      const gb = gradB[l]!(delta);
      // the next delta reads W_l before its update
      const next = l > 0 ? hiddenDelta[l - 1]!(delta, Ws[l]!.value, a[l]!) : undefined;
      Ws[l]!.step(gW);
      bs[l]!.step(gb);
      if (next) delta = next;
    }
    // the step's one readback, after everything else is queued
    return costTex.toArray()[0]!;
  };
}
