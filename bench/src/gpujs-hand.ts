/**
 * Hand-written gpu.js kernels for the work of W1-W3, as a gpu.js user would
 * write them: one thread per output element, a loop over the shared
 * dimension, every intermediate kept on the GPU as a pipeline texture, and
 * only the final result read back. Same precision settings as sym's gpu.js
 * backend (`precision: 'single'`, `tactic: 'precision'`). W1-fwd/W2-fwd
 * are the forward pass and cost, W3 the three matmul forms; the full
 * training steps (backward pass, momentum updates) are in gpujs-hand-train.ts.
 */
import { GPU, HeadlessGLKernel, Input, type IKernelRunShortcut, type KernelOutput } from 'gpu.js';
import { data, type Spec } from './training.js';
import type { Form } from './workloads.js';

let gpu: GPU | undefined;
const kernels: IKernelRunShortcut[] = [];

/** The GPU of the hand-written kernels: headless WebGL, asked for explicitly (gpu.js's `gpu` mode would fall back to the CPU silently). */
function theGpu(): GPU {
  return (gpu ??= new GPU({ mode: 'headlessgl' }));
}

export function kernel(src: string, output: number[], constants: Record<string, number>, pipeline: boolean): IKernelRunShortcut {
  const k = theGpu().createKernel(src, {
    output,
    constants,
    pipeline,
    // each output texture is consumed before its kernel runs again: reuse it rather than allocate one per call
    immutable: false,
    precision: 'single',
    tactic: 'precision',
    onRequestFallback: () => {
      throw new Error(`bench: a hand-written gpu.js kernel failed to build for headlessgl: ${src.slice(0, 60)}...`);
    },
  } as Parameters<GPU['createKernel']>[1]);
  kernels.push(k);
  return k;
}

/** Every hand-written kernel ran on headless WebGL; a CPU fallback would make the comparison meaningless. */
export function assertRanOnGpu(): void {
  for (const k of kernels) {
    if (k.kernel && !(k.kernel instanceof HeadlessGLKernel)) {
      throw new Error(`bench: a hand-written gpu.js kernel ran on ${k.kernel.constructor.name}, not HeadlessGLKernel`);
    }
  }
}

/** A host array as a texture on the GPU (rows x cols; a vector is 1 x n). */
export function upload(flat: Float32Array, rows: number, cols: number): KernelOutput {
  const src = rows === 1 ? 'function (a) { return a[this.thread.x]; }' : 'function (a) { return a[this.thread.y][this.thread.x]; }';
  const k = kernel(src, rows === 1 ? [cols] : [cols, rows], {}, true);
  return k(rows === 1 ? flat : (new Input(flat as unknown as number[], [cols, rows]) as never));
}

const MATMUL: Record<Form, string> = {
  AB: 'a[this.thread.y][k] * b[k][this.thread.x]',
  ATB: 'a[k][this.thread.y] * b[k][this.thread.x]',
  ABT: 'a[this.thread.y][k] * b[this.thread.x][k]',
};

/** C = A B (or Aᵀ B, A Bᵀ) of two n x n matrices; the call returns C read back on the host (rows of Float32Array). */
export function handMatmul(form: Form, n: number, a: Float32Array, b: Float32Array): () => Float32Array[] {
  const A = upload(a, n, n);
  const B = upload(b, n, n);
  const mm = kernel(`function (a, b) { let s = 0; for (let k = 0; k < this.constants.n; k++) { s += ${MATMUL[form]}; } return s; }`, [n, n], { n }, false);
  return () => mm(A, B) as Float32Array[];
}

const ACT = { relu: 'Math.max(s, 0)', linear: 's', sigmoid: '1 / (1 + Math.exp(-s))' };

/**
 * Layer l's forward kernel, called (h, W, b): tutorial, h (features x batch) <- sigmoid(W h + b) with W n x m;
 * classifier, h (batch x features) <- act(h W + b) with W m x n, relu but on the last layer.
 */
export function forwardKernel(spec: Spec, l: number): IKernelRunShortcut {
  const { sizes, batch, kind } = spec;
  const [m, n] = [sizes[l]!, sizes[l + 1]!];
  const act = kind === 'tutorial' ? 'sigmoid' : l === sizes.length - 2 ? 'linear' : 'relu';
  const body =
    kind === 'tutorial'
      ? 'let s = b[this.thread.y]; for (let k = 0; k < this.constants.m; k++) { s += w[this.thread.y][k] * h[k][this.thread.x]; }'
      : 'let s = b[this.thread.x]; for (let k = 0; k < this.constants.m; k++) { s += h[this.thread.y][k] * w[k][this.thread.x]; }';
  return kernel(`function (h, w, b) { ${body} return ${ACT[act]}; }`, kind === 'tutorial' ? [batch, n] : [n, batch], { m }, true);
}

/** The batch and its targets on the GPU, laid out as the layers read them. */
export function batchTextures(spec: Spec): { X: KernelOutput; Y: KernelOutput } {
  const { sizes, batch, kind } = spec;
  const d = data(spec);
  const classes = sizes[sizes.length - 1]!;
  return kind === 'tutorial'
    ? { X: upload(d.X, sizes[0]!, batch), Y: upload(d.y, 1, batch) }
    : { X: upload(d.X, batch, sizes[0]!), Y: upload(d.y, batch, classes) };
}

/** The cost of W1 or W2's model on the same data and weights as every library; the call returns it read back. */
export function handForward(spec: Spec): () => number {
  const { sizes, kind } = spec;
  const d = data(spec);
  const layers = sizes.slice(1).map((n, i) => {
    const m = sizes[i]!;
    const W = kind === 'tutorial' ? upload(d.Ws[i]!, n, m) : upload(d.Ws[i]!, m, n);
    const b = upload(d.bs[i]!, 1, n);
    const k = forwardKernel(spec, i);
    return (h: KernelOutput) => k(h, W, b);
  });
  const { X, Y } = batchTextures(spec);
  const { perExample, total } = costKernels(spec, false);
  return () => {
    let h = X;
    for (const layer of layers) h = layer(h);
    return (total(perExample(h, Y)) as Float32Array)[0]!;
  };
}

/**
 * The cost of a batch: a per-example loss, then one thread sums them: squared error
 * (tutorial), or -sum y log softmax(z) = sum y (logsumexp z - z), averaged (classifier).
 * `pipeline`: the total stays on the GPU as a texture instead of being read back.
 */
export function costKernels(spec: Spec, pipeline: boolean): { perExample: IKernelRunShortcut; total: IKernelRunShortcut } {
  const { sizes, batch, kind } = spec;
  const perExample =
    kind === 'tutorial'
      ? kernel('function (o, y) { const e = o[0][this.thread.x] - y[this.thread.x]; return e * e; }', [batch], {}, true)
      : kernel(
          'function (z, y) { let mx = z[this.thread.x][0]; for (let j = 1; j < this.constants.c; j++) { mx = Math.max(mx, z[this.thread.x][j]); } ' +
            'let se = 0; for (let j = 0; j < this.constants.c; j++) { se += Math.exp(z[this.thread.x][j] - mx); } const lse = mx + Math.log(se); ' +
            'let l = 0; for (let j = 0; j < this.constants.c; j++) { l += y[this.thread.x][j] * (lse - z[this.thread.x][j]); } return l; }',
          [batch],
          { c: sizes[sizes.length - 1]! },
          true,
        );
  const scale = kind === 'tutorial' ? 1 : 1 / batch;
  const total = kernel('function (l) { let s = 0; for (let i = 0; i < this.constants.n; i++) { s += l[i]; } return s * this.constants.scale; }', [1], { n: batch, scale }, pipeline);
  return { perExample, total };
}

/** Release the hand-written kernels' GL context. */
export function disposeHand(): void {
  for (const k of kernels.splice(0)) k.destroy?.();
  gpu?.destroy();
  gpu = undefined;
}
