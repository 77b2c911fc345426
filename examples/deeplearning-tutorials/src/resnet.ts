/**
 * A small residual convolutional network written with @sym/nn's layers,
 * as a Keras or Lasagne user would write it: a stem (3x3 convolution,
 * batch normalisation, relu), one residual block (He et al. 2016: conv, BN,
 * relu, conv, BN, the input added back, relu), global average pooling,
 * dropout and a dense read-out to class logits.
 *
 * The convolutions have no bias (the batch normalisation after each has
 * its own beta) and keep the image size (`padding: 'half'`). The training
 * graph (`output(x, { training: true })`) normalises with each batch's
 * statistics, moves the running averages and drops units; the inference
 * graph (the default) normalises with the running averages, updates
 * nothing and drops nothing: Keras's `training` argument, Lasagne's
 * `deterministic=True`.
 */
import * as sym from '@sym/graph';
import { BatchNorm, Conv2D, Dense, Dropout, GlobalAveragePool2D, Nonlinearity, RandomState, Residual, Sequential, sparseCategoricalCrossentropyWithLogits } from '@sym/nn';

export interface ResNetSizes {
  /** Channels of the input images. */
  readonly inChannels: number;
  /** Channels of the stem and the block. */
  readonly channels: number;
  readonly classes: number;
}

export interface ResNetOptions {
  /** Dropout rate before the read-out. */
  readonly dropout: number;
  /** The streams the dropout masks come from (a test passes streams that record each draw). */
  readonly srng?: sym.RandomStreams;
}

export class TinyResNet {
  readonly conv1: Conv2D;
  readonly bn1: BatchNorm;
  readonly conv2: Conv2D;
  readonly bn2: BatchNorm;
  readonly conv3: Conv2D;
  readonly bn3: BatchNorm;
  readonly dropout: Dropout;
  readonly readOut: Dense;
  readonly net: Sequential;

  constructor(
    readonly sizes: ResNetSizes,
    seed: number,
    options: ResNetOptions,
  ) {
    const rng = new RandomState(seed);
    const { inChannels, channels, classes } = sizes;
    const conv = (from: number, name: string) => Conv2D.create(from, channels, 3, { padding: 'half', useBias: false, rng, name });
    this.conv1 = conv(inChannels, 'conv1');
    this.bn1 = new BatchNorm(channels, { name: 'bn1' });
    this.conv2 = conv(channels, 'conv2');
    this.bn2 = new BatchNorm(channels, { name: 'bn2' });
    this.conv3 = conv(channels, 'conv3');
    this.bn3 = new BatchNorm(channels, { name: 'bn3' });
    this.dropout = new Dropout(options.dropout, options.srng ? { srng: options.srng } : { seed });
    this.readOut = Dense.create(channels, classes, { rng, name: 'readOut' });
    this.net = new Sequential([
      this.conv1,
      this.bn1,
      new Nonlinearity('relu'),
      new Residual([this.conv2, this.bn2, new Nonlinearity('relu'), this.conv3, this.bn3], { activation: 'relu' }),
      new GlobalAveragePool2D(),
      this.dropout,
      this.readOut,
    ]);
  }

  /** The mean cross-entropy of the logits (batch, classes) against integer labels, and the logits. */
  loss(x: sym.TensorVariable, labels: sym.TensorVariable, options: { training: boolean }): { cost: sym.TensorVariable; logits: sym.TensorVariable } {
    const logits = this.net.output(x, options);
    return { cost: sparseCategoricalCrossentropyWithLogits(logits, labels), logits };
  }
}
