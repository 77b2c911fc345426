/**
 * @sym/nn: the tutorial's `Layer` and `MLP` on shared variables, a
 * `Sequential` container for any {@link LayerLike} (your own layers too),
 * recurrent layers on `sym.scan` ({@link SimpleRNN}, {@link LSTM}, {@link GRU}),
 * convolution and pooling ({@link Conv2D}, {@link Pool2D}, {@link Flatten}),
 * {@link Dropout} and {@link BatchNorm} (in the training graph, `output(x, { training: true })`),
 * a transformer's {@link Embedding}, {@link LayerNorm} and {@link MultiHeadAttention},
 * initialisers, activations, losses, parameter updates (the tutorial's
 * momentum, SGD, Lasagne's momentum, Nesterov, Adam, Adamax, Adagrad, RMSProp, Adadelta; gradient
 * clipping by {@link totalNormConstraint}, max-norm by {@link normConstraint}), Lasagne's
 * regularization ({@link l2}, {@link l1}, {@link regularizeNetworkParams}) and JSON save/load,
 * of a model or of a training run to resume ({@link trainingState}).
 *
 * ```ts
 * import * as sym from '@sym/graph';
 * import { MLP, gradientUpdatesMomentum } from '@sym/nn';
 * const T = sym.T;
 * const mlp = MLP.fromSizes([2, 4, 1], { activation: 'sigmoid', init: 'normal', bias: 1 });
 * const x = T.matrix('x');
 * const y = T.vector('y');
 * const cost = mlp.squaredError(x, y);
 * const train = sym.function([x, y], cost, { updates: gradientUpdatesMomentum(cost, mlp.params, 0.01, 0.9) });
 * ```
 * @packageDocumentation
 */
export { RandomState, defaultRandomState } from './random.js';
export { ACTIVATIONS, resolveActivation, resolveRowActivation, softmaxColumns, logitsOfSoftmaxColumns } from './activations.js';
export type { Activation, ActivationName } from './activations.js';
export { INITIALIZERS, initialize, resolveInitializer, fans, normal, glorotUniform, glorotNormal, heUniform, heNormal, zeros, ones, orthogonal } from './init.js';
export type { Initializer, InitializerName } from './init.js';
export { Layer, MLP } from './layer.js';
export { AffineLayer } from './weights.js';
export { Dense } from './dense.js';
export { Conv2D } from './conv.js';
export type { Conv2DOptions, Conv2DCreateOptions } from './conv.js';
export { Pool2D, GlobalAveragePool2D, Flatten } from './pooling.js';
export type { Pool2DOptions } from './pooling.js';
export type { ActivationSpec, LayerOptions, MLPOptions } from './layer.js';
export { Sequential } from './sequential.js';
export { Nonlinearity, Residual } from './residual.js';
export type { ResidualOptions } from './residual.js';
export { Dropout } from './dropout.js';
export type { DropoutOptions } from './dropout.js';
export { BatchNorm } from './batch-norm.js';
export type { BatchNormOptions } from './batch-norm.js';
export { Recurrent, SimpleRNN, LSTM, GRU } from './recurrent.js';
export type { RecurrentOptions, RecurrentInitOptions, RecurrentResult, InitialState, SimpleRNNOptions, LSTMOptions, GRUOptions } from './recurrent.js';
export { Embedding } from './embedding.js';
export type { EmbeddingOptions, EmbeddingInitOptions } from './embedding.js';
export { LayerNorm } from './layer-norm.js';
export type { LayerNormOptions } from './layer-norm.js';
export { MultiHeadAttention } from './attention.js';
export type { AttentionProjections, MultiHeadAttentionOptions, MultiHeadAttentionCreateOptions, AttendOptions } from './attention.js';
export type { LayerLike, OutputOptions } from './sequential.js';
export {
  squaredError,
  meanSquaredError,
  binaryCrossentropy,
  binaryCrossentropyWithLogits,
  categoricalCrossentropy,
  categoricalCrossentropyWithLogits,
  sparseCategoricalCrossentropyWithLogits,
  categoricalAccuracy,
  logSoftmax,
} from './losses.js';
export type { Reduction } from './losses.js';
export { gradientUpdatesMomentum, sgd, momentum, nesterovMomentum, adam, adamax, adagrad, rmsprop, adadelta, totalNormConstraint, normConstraint } from './updates.js';
export type { Update, AdamOptions, AdamaxOptions, AdaptiveOptions, LearningRate, CostOrGradients } from './updates.js';
export { l1, l2, applyPenalty, regularizeLayerParams, regularizeNetworkParams, regularizeLayerParamsWeighted } from './regularization.js';
export type { Penalty, ParamTags } from './regularization.js';
export { saveParams, loadParams, paramsToJSON, trainingState, PARAMS_FORMAT, PARAMS_VERSION } from './serialize.js';
export type { LoadParamsOptions, Saveable, SavedGenerator, SavedParam, SavedParams } from './serialize.js';
export { twoGaussianClouds, barImages } from './data.js';
export type { GaussianClouds, BarImages } from './data.js';
