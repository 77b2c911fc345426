/**
 * The models of the examples as a training step builds them (the tutorial
 * MLP, the bench's W2, LeNet, and the deeplearning-tutorials' char-LSTM,
 * ResNet and Transformer LM), for the compile-time measurements
 * (compile-latency.ts on the CPU, shader-compile.ts on WebGPU).
 */
import * as sym from '@sym/graph';
import * as nn from '@sym/nn';
import { randomF32 } from './timing.js';

const T = sym.T;

export interface Model {
  readonly inputs: sym.TensorVariable[];
  readonly cost: sym.TensorVariable;
  readonly params: readonly sym.TensorSharedVariable[];
  updates(grads: sym.TensorVariable[]): nn.Update[];
  readonly args: sym.NDArray[];
}

const ids = (rows: number, cols: number, vocab: number, shift: number): sym.NDArray =>
  sym.array(Int32Array.from({ length: rows * cols }, (_, i) => ((i % cols) * 3 + Math.floor(i / cols) + shift) % vocab), { shape: [rows, cols] });

export const MODELS: Record<string, () => Model> = {
  /** examples/mlp: 2-4-1 sigmoid MLP, squared error, momentum, 1000 points. */
  mlp: () => {
    const rng = new nn.RandomState(0);
    const data = nn.twoGaussianClouds(rng, 1000);
    const mlp = new nn.MLP([rng.randn([4, 2]), rng.randn([1, 4])], [[1, 1, 1, 1], [1]], [T.nnet.sigmoid, T.nnet.sigmoid]);
    const [x, y] = [T.matrix('x'), T.vector('y')];
    return { inputs: [x, y], cost: mlp.squaredError(x, y), params: mlp.params, updates: (g) => nn.gradientUpdatesMomentum(g, mlp.params, 0.01, 0.9), args: [data.X, data.y] };
  },
  /** The bench's W2: 784-1024-1024-10 relu MLP, softmax cross-entropy, batch 256. */
  w2: () => {
    const sizes = [784, 1024, 1024, 10];
    const params: sym.TensorSharedVariable[] = [];
    const x = T.fmatrix('x');
    let h: sym.TensorVariable = x;
    sizes.slice(1).forEach((n, i) => {
      const W = sym.shared(sym.array(randomF32(n * sizes[i]!, 10 + i, Math.sqrt(2 / sizes[i]!)), { shape: [sizes[i]!, n] }));
      const b = sym.shared(sym.array(new Float32Array(n)));
      params.push(W, b);
      h = i === sizes.length - 2 ? T.dot(h, W).add(b) : T.relu(T.dot(h, W).add(b));
    });
    const y = T.fmatrix('y');
    const labels = new Float32Array(256 * 10).map((_, i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0));
    return { inputs: [x, y], cost: T.mean(T.sum(y.mul(T.log(T.softmax(h))), 1)).neg(), params, updates: (g) => nn.gradientUpdatesMomentum(g, params, 0.01, 0.9), args: [sym.array(randomF32(256 * 784, 99), { shape: [256, 784] }), sym.array(labels, { shape: [256, 10] })] };
  },
  /** examples/lenet: conv-pool-conv-pool-dense softmax on 12x12 bars, batch 256. */
  lenet: () => {
    const rng = new nn.RandomState(2);
    const net = new nn.Sequential([
      nn.Conv2D.create(1, 8, 3, { padding: 'half', activation: 'relu', rng }),
      new nn.Pool2D(2),
      nn.Conv2D.create(8, 16, 3, { activation: 'relu', rng }),
      new nn.Pool2D(2),
      new nn.Flatten(),
      nn.Dense.create(16 * 2 * 2, 3, { activation: 'softmax', rng }),
    ]);
    const data = nn.barImages(new nn.RandomState(0), 256, { size: 12 });
    const [x, t] = [T.tensor4('images'), T.ivector('labels')];
    return { inputs: [x, t], cost: T.mean(T.nnet.categoricalCrossentropy(net.output(x), t)), params: net.params, updates: (g) => nn.gradientUpdatesMomentum(g, net.params, 0.1, 0.9), args: [data.X, data.y] };
  },
  /** deeplearning-tutorials' char-LSTM: embedding 8, LSTM 32, batch 4, 16 steps, clipped Adam, carried states. */
  'char-lstm': () => {
    const rng = new nn.RandomState(5);
    const embedding = nn.Embedding.create(8, 8, { rng });
    const lstm = nn.LSTM.create(8, 32, { rng, returnSequences: true });
    const readOut = nn.Dense.create(32, 8, { rng });
    const params = [...embedding.params, ...lstm.params, ...readOut.params];
    const [h0, c0] = [0, 1].map(() => sym.shared(sym.NDArray.zeros([4, 32], sym.config.floatX)));
    const [x, t] = [T.imatrix('ids'), T.imatrix('targets')];
    const { output, h, c } = lstm.outputWithState(embedding.output(x), { h0: h0!, c0: c0! });
    const cost = nn.sparseCategoricalCrossentropyWithLogits(readOut.output(output), t);
    const updates = (g: sym.TensorVariable[]): nn.Update[] => [...nn.adam(nn.totalNormConstraint(g, 5), params, { learningRate: 0.01 }), [h0!, h], [c0!, c]];
    return { inputs: [x, t], cost, params, updates, args: [ids(4, 16, 8, 0), ids(4, 16, 8, 1)] };
  },
  /** deeplearning-tutorials' TinyResNet: conv-BN-relu stem, one residual block, global pooling, dropout, dense; 6 channels, 32 8x8 images, Nesterov. */
  resnet: () => {
    const rng = new nn.RandomState(7);
    const conv = (from: number) => nn.Conv2D.create(from, 6, 3, { padding: 'half', useBias: false, rng });
    const block = new nn.Residual([conv(6), new nn.BatchNorm(6), new nn.Nonlinearity('relu'), conv(6), new nn.BatchNorm(6)], { activation: 'relu' });
    const net = new nn.Sequential([conv(1), new nn.BatchNorm(6), new nn.Nonlinearity('relu'), block, new nn.GlobalAveragePool2D(), new nn.Dropout(0.2, { seed: 7 }), nn.Dense.create(6, 3, { rng })]);
    const data = nn.barImages(new nn.RandomState(11), 32, { size: 8, noise: 0.3 });
    const [x, y] = [T.tensor4('x'), T.ivector('y')];
    const cost = nn.sparseCategoricalCrossentropyWithLogits(net.output(x, { training: true }), y);
    return { inputs: [x, y], cost, params: net.params, updates: (g) => nn.nesterovMomentum(g, net.params, 0.1, 0.9), args: [data.X, data.y] };
  },
  /** deeplearning-tutorials' Transformer LM: one pre-norm block, width 16, 2 heads, ff 32, 64 sequences of 5, Adam. */
  transformer: () => {
    const rng = new nn.RandomState(6);
    const [tokens, positions] = [nn.Embedding.create(5, 16, { rng }), nn.Embedding.create(5, 16, { rng })];
    const [norm1, norm2] = [new nn.LayerNorm(16), new nn.LayerNorm(16)];
    const attention = nn.MultiHeadAttention.create(16, 2, { rng, causal: true });
    const [hidden, back, readOut] = [nn.Dense.create(16, 32, { rng, activation: 'relu' }), nn.Dense.create(32, 16, { rng }), nn.Dense.create(16, 5, { rng })];
    const params = [tokens, positions, norm1, attention, norm2, hidden, back, readOut].flatMap((l) => l.params);
    const [x, t] = [T.imatrix('ids'), T.imatrix('targets')];
    const where = T.arange(0, x.shape[1]!, 1, { dtype: 'int32' });
    const e = tokens.output(x).add(positions.output(where).dimshuffle('x', 0, 1));
    const a = e.add(attention.attend(norm1.output(e), { causal: true }).output);
    const logits = readOut.output(a.add(back.output(hidden.output(norm2.output(a)))));
    return { inputs: [x, t], cost: nn.sparseCategoricalCrossentropyWithLogits(logits, t), params, updates: (g) => nn.adam(g, params, { learningRate: 0.01 }), args: [ids(64, 5, 5, 0), ids(64, 5, 5, 1)] };
  },
};
