/**
 * Convolution and pooling (`T.nnet.conv2d`, `conv3d`, `T.signal.pool.pool2d`, `pool3d`,
 * grouped convolutions, `T.nnet.abstractConv`, `T.nnet.neighbours`): the
 * patch ops' kernels (a strided view where every window is inside the
 * image, a gather with clamped indices and a fill where windows read the
 * padding, the gather-sum of their adjoint) and the products and
 * reductions the composites build on them, forward and as the gradient
 * graphs @sym/grad builds (the testkit does not depend on it, so they are
 * written out here with the same ops). These cases belong to the
 * `composite` group, which every backend's conformance run includes.
 */
import * as sym from '@sym/graph';
import type { DType, TensorVariable } from '@sym/graph';
import { Col2Im, Im2Col, isFloat, type PatchGeometry } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray } from '../rng.js';

const T = sym.T;

/** Labelled outputs of a composite case's graph. */
export type Outputs = [label: string, out: TensorVariable][];

/** A `composite` case: float inputs of `shapes` named x0, x1, ..., drawn small, and the labelled outputs `build` makes of them. */
export function compositeCase(dtype: DType, name: string, op: string, shapes: readonly (readonly number[])[], build: (...xs: TensorVariable[]) => Outputs): OpCase {
  const inputs = shapes.map((s, i) => T.tensor(dtype, s.map(() => false), `x${i}`));
  const outs = build(...inputs);
  return {
    group: 'composite',
    name: `${name} ${dtype}: ${shapes.map((s) => `(${s.join(', ')})`).join(', ')}`,
    op,
    dtype,
    graph: { inputs, outputs: outs.map(([, o]) => o), labels: outs.map(([l]) => l), values: (rng) => shapes.map((s) => randomArray(rng, dtype, s, 'small')) },
  };
}

const geometry = (g: Partial<PatchGeometry>): PatchGeometry => ({ stride: [1, 1], dilation: [1, 1], pad: [0, 0], edges: 'strict', ...g });

/** conv2d's forward graphs: valid (a view of the image), padded, strided and dilated (a gather), cross-correlation. */
function convForward(dtype: DType): OpCase {
  return compositeCase(dtype, 'conv2d', 'dot', [[2, 3, 7, 6], [4, 3, 3, 2]], (x, w) => [
    ['conv2d(x, w)', T.nnet.conv2d(x!, w!)],
    ["conv2d(x, w, { borderMode: 'half', subsample: [2, 1], filterDilation: [1, 2] })", T.nnet.conv2d(x!, w!, { borderMode: 'half', subsample: [2, 1], filterDilation: [1, 2] })],
    ["conv2d(x, w, { borderMode: 'full', filterFlip: false })", T.nnet.conv2d(x!, w!, { borderMode: 'full', filterFlip: false })],
    ['relu(conv2d(x, w, { borderMode: [1, 2], subsample: [2, 3] }) + 1)', T.relu(T.nnet.conv2d(x!, w!, { borderMode: [1, 2], subsample: [2, 3] }).add(1))],
  ]);
}

/**
 * conv2d's gradient graphs, as grad builds them: the filters' gradient is a
 * product with the patches, the input's a product with the filters summed
 * back into the image (Col2Im; a 9x8 window takes its two-kernel path).
 */
function convBackward(dtype: DType): OpCase {
  const g: PatchGeometry = geometry({ pad: [1, 2], stride: [2, 1], dilation: [1, 2] });
  return compositeCase(dtype, 'conv2d gradients', 'dot', [[2, 3, 6, 7], [3, 3, 2, 3], [2, 3, 2, 3, 4, 7], [2, 10, 9]], (x, w, gp, big) => {
    const patches = sym.apply1(new Im2Col(g, null), [x!, w!]);
    // rows (batch, OH, OW, C * KH * KW) = (2, 4, 7, 18); a gradient of the output (batch, O, OH, OW) = (2, 3, 4, 7)
    const rows = T.flatten(patches.dimshuffle(0, 4, 5, 1, 2, 3), 4);
    const gz = T.tanh(T.dot(rows, T.flatten(w!, 2).T)).dimshuffle(0, 3, 1, 2);
    const gw = T.dot(T.flatten(gz.dimshuffle(1, 0, 2, 3), 2), rows.reshape([56, 18])).reshape([3, 3, 2, 3]);
    const gRows = T.dot(gz.dimshuffle(0, 2, 3, 1), T.flatten(w!, 2));
    const gx = sym.apply1(new Col2Im(g), [gRows.reshape([2, 4, 7, 3, 2, 3]).dimshuffle(0, 3, 4, 5, 1, 2), x!]);
    const wide = geometry({ pad: [3, 2] });
    const bigPatches = sym.apply1(new Im2Col(wide, [9, 8]), [big!]);
    return [
      ['filters: dot(gz rows, patch rows)', gw],
      ['input: Col2Im(dot(gz, w))', gx],
      ['Col2Im of patches given directly (padded, strided, dilated)', sym.apply1(new Col2Im(g), [gp!, x!])],
      ['Col2Im(Im2Col(big)) with a 9x8 window', sym.apply1(new Col2Im(wide), [bigPatches.mul(bigPatches), big!])],
    ];
  });
}

/** pool2d in every mode: whole windows, partial windows kept, padded and overlapping; max pooling's gradient. */
function pools(dtype: DType): OpCase {
  const modes = ['max', 'sum', 'average_inc_pad', 'average_exc_pad'] as const;
  return compositeCase(dtype, 'pool2d', isFloat(dtype) ? 'sum' : 'max', [[2, 3, 7, 5]], (x) => {
    const outs: Outputs = [];
    for (const mode of modes) {
      outs.push([`pool2d(x, { ws: [2, 2], ignoreBorder: true, mode: '${mode}' })`, T.signal.pool.pool2d(x!, { ws: [2, 2], ignoreBorder: true, mode })]);
      outs.push([`pool2d(x, { ws: [3, 2], stride: [2, 1], mode: '${mode}' }) (partial windows)`, T.signal.pool.pool2d(x!, { ws: [3, 2], stride: [2, 1], ignoreBorder: false, mode })]);
      outs.push([`pool2d(x, { ws: [3, 3], pad: [1, 2], ignoreBorder: true, mode: '${mode}' })`, T.signal.pool.pool2d(x!, { ws: [3, 3], pad: [1, 2], stride: [2, 2], ignoreBorder: true, mode })]);
    }
    // max pooling's gradient as grad builds it: each window's gradient to the elements equal to its maximum, summed back
    const g: PatchGeometry = geometry({ stride: [1, 1], edges: 'keep' });
    const patches = sym.apply1(new Im2Col(g, [2, 3], isFloat(dtype) ? -Infinity : sym.intRange(dtype)[0]), [x!]);
    const max = T.max(patches, [2, 3]);
    const routed = patches.eq(max.dimshuffle(0, 1, 'x', 'x', 2, 3)).astype(x!.dtype);
    outs.push(['max pooling gradient: Col2Im(patches == max)', sym.apply1(new Col2Im(g), [routed, x!])]);
    return outs;
  });
}

/**
 * Grouped and depthwise conv2d (one BatchedDot over the groups) and the
 * adjoints of T.nnet.abstractConv: conv2dGradWrtInputs (a transposed
 * convolution: a product, a reshape to windows and Col2Im) and
 * conv2dGradWrtWeights, grouped or not, padded, strided and dilated, with
 * the input's size given as a number or read from a tensor's shape, and
 * bilinearUpsampling (two of those transposed convolutions).
 */
function groupedConvs(dtype: DType): OpCase {
  return compositeCase(dtype, 'grouped conv2d and its adjoints', 'dot', [[2, 4, 7, 6], [6, 2, 3, 2], [4, 1, 2, 2], [2, 6, 4, 6], [1, 3, 3, 4]], (x, w, dw, gz, small) => {
    const o = { numGroups: 2, borderMode: 'half', subsample: [2, 1], filterDilation: [1, 2] } as const;
    const up = { subsample: [2, 2], borderMode: 1 } as const;
    return [
      ['conv2d(x, w, { numGroups: 2 })', T.nnet.conv2d(x!, w!, { numGroups: 2 })],
      ["conv2d(x, w, { numGroups: 2, borderMode: 'half', subsample: [2, 1], filterDilation: [1, 2] })", T.nnet.conv2d(x!, w!, o)],
      ["depthwise conv2d(x, dw, { numGroups: 4, borderMode: 'full', filterFlip: false })", T.nnet.conv2d(x!, dw!, { numGroups: 4, borderMode: 'full', filterFlip: false })],
      ['conv2dGradWrtInputs(gz, w, [2, 4, 7, 6], grouped, strided, dilated)', T.nnet.conv2dGradWrtInputs(gz!, w!, [2, 4, 7, 6], o)],
      ['conv2dGradWrtWeights(x, gz, [6, 2, 3, 2], grouped, strided, dilated)', T.nnet.conv2dGradWrtWeights(x!, gz!, [6, 2, 3, 2], o)],
      // 3 channels of 3x4 to one 5x6 image: the rows as a number, the cols read from x's shape
      ['transposed convolution: conv2dGradWrtInputs(small, dw[:3], [null, null, 5, x.shape[3]], stride 2, pad 1)', T.nnet.conv2dGradWrtInputs(small!, dw!.get(T.slice(0, 3)), [null, null, 5, x!.shape[3]!], up)],
      ['bilinearUpsampling(small, 2)', T.nnet.abstractConv.bilinearUpsampling(small!, 2)],
      ['bilinearUpsampling(x, 3)', T.nnet.abstractConv.bilinearUpsampling(x!, 3)],
      ['conv2dGradWrtWeights(x[:1, :1, :5], small, [3, 1, dw.shape[2], 2], stride 2, pad 1): the window from a shape', T.nnet.conv2dGradWrtWeights(x!.get(T.slice(0, 1), T.slice(0, 1), T.slice(0, 5)), small!, [3, 1, dw!.shape[2]!, 2], up)],
    ];
  });
}

/** T.nnet.neighbours: images2neibs in every mode (a strided view, a gather with padding, the wrapped image), and neibs2images. */
function neighbours(dtype: DType): OpCase {
  return compositeCase(dtype, 'images2neibs and neibs2images', 'sum', [[2, 3, 5, 6], [12, 6]], (x, z) => [
    ['images2neibs(x, [1, 3], null, valid)', T.nnet.images2neibs(x!, [1, 3])],
    ['images2neibs(x, [3, 2], [2, 2], valid)', T.nnet.images2neibs(x!, [3, 2], [2, 2])],
    ['images2neibs(x, [2, 4], [2, 1], ignore_borders)', T.nnet.images2neibs(x!, [2, 4], [2, 1], 'ignore_borders')],
    ['images2neibs(x, [3, 5], [2, 3], wrap_centered)', T.nnet.images2neibs(x!, [3, 5], [2, 3], 'wrap_centered')],
    ['images2neibs(x, [3, 2], [2, 1], half)', T.nnet.images2neibs(x!, [3, 2], [2, 1], 'half')],
    ['images2neibs(x, [3, 3], [2, 1], full)', T.nnet.images2neibs(x!, [3, 3], [2, 1], 'full')],
    ['neibs2images(z, [2, 3], [1, 2, 6, 6])', T.nnet.neibs2images(z!, [2, 3], [1, 2, 6, 6])],
    ['neibs2images(z, [2, 3], [1, 3, 5, 7], ignore_borders)', T.nnet.neibs2images(z!, [2, 3], [1, 3, 5, 7], 'ignore_borders')],
  ]);
}

const geometry3d = (g: Partial<PatchGeometry>): PatchGeometry => ({ stride: [1, 1, 1], dilation: [1, 1, 1], pad: [0, 0, 0], edges: 'strict', ...g });

/**
 * conv3d (windows of three axes: a strided view, or a gather with padding),
 * grouped, and its adjoints from T.nnet.abstractConv, which are its
 * gradients' graphs: a product summed back into the volume by a 3-d Col2Im
 * (as one expression; a 5x4x4 window takes the two-kernel path, and
 * windows that tile the volume a permuting copy).
 */
function conv3d(dtype: DType): OpCase {
  return compositeCase(dtype, 'conv3d and its adjoints', 'dot', [[2, 2, 5, 4, 6], [3, 2, 2, 3, 2], [4, 1, 2, 2, 3], [2, 4, 3, 3, 3], [1, 2, 6, 5, 4]], (x, w, wg, gz, big) => {
    const o = { numGroups: 2, borderMode: [1, 0, 2], subsample: [2, 1, 2], filterDilation: [1, 1, 2] } as const;
    const wide = geometry3d({ pad: [2, 1, 0] });
    const bigPatches = sym.apply1(new Im2Col(wide, [5, 4, 4]), [big!]);
    const tiled = geometry3d({ stride: [3, 5, 2], edges: 'drop' });
    const tiles = sym.apply1(new Im2Col(tiled, [3, 5, 2]), [big!.mul(3)]);
    return [
      ['conv3d(x, w)', T.nnet.conv3d(x!, w!)],
      ["conv3d(x, w, { borderMode: 'half', subsample: [2, 1, 2], filterDilation: [1, 2, 1] })", T.nnet.conv3d(x!, w!, { borderMode: 'half', subsample: [2, 1, 2], filterDilation: [1, 2, 1] })],
      ["conv3d(x, w, { borderMode: 'full', filterFlip: false })", T.nnet.conv3d(x!, w!, { borderMode: 'full', filterFlip: false })],
      ['relu(conv3d(x, wg, { numGroups: 2, borderMode: [1, 0, 2], subsample: [2, 1, 2], filterDilation: [1, 1, 2] }) + 1)', T.relu(T.nnet.conv3d(x!, wg!, o).add(1))],
      ['conv3dGradWrtInputs(gz, wg, [2, 2, 5, 4, 6], grouped, padded, strided, dilated)', T.nnet.conv3dGradWrtInputs(gz!, wg!, [2, 2, 5, 4, 6], o)],
      ['conv3dGradWrtWeights(x, gz, [4, 1, 2, 2, 3], grouped, padded, strided, dilated)', T.nnet.conv3dGradWrtWeights(x!, gz!, [4, 1, 2, 2, 3], o)],
      ['Col2Im(Im2Col(big)) with a 5x4x4 window', sym.apply1(new Col2Im(wide), [bigPatches.mul(bigPatches), big!])],
      ['Col2Im of 3x5x2 windows that tile the volume', sym.apply1(new Col2Im(tiled), [tiles, big!])],
    ];
  });
}

/** pool3d in every mode: whole windows, partial windows kept, padded and overlapping; max pooling's gradient. */
function pools3d(dtype: DType): OpCase {
  const modes = ['max', 'sum', 'average_inc_pad', 'average_exc_pad'] as const;
  return compositeCase(dtype, 'pool3d', isFloat(dtype) ? 'sum' : 'max', [[2, 4, 5, 3]], (x) => {
    const outs: Outputs = [];
    for (const mode of modes) {
      outs.push([`pool3d(x, { ws: [2, 2, 2], ignoreBorder: true, mode: '${mode}' })`, T.signal.pool.pool3d(x!, { ws: [2, 2, 2], ignoreBorder: true, mode })]);
      outs.push([`pool3d(x, { ws: [3, 2, 2], stride: [1, 2, 1], mode: '${mode}' }) (partial windows)`, T.signal.pool.pool3d(x!, { ws: [3, 2, 2], stride: [1, 2, 1], mode })]);
      outs.push([`pool3d(x, { ws: [2, 3, 2], stride: [2, 2, 1], pad: [1, 2, 1], ignoreBorder: true, mode: '${mode}' })`, T.signal.pool.pool3d(x!, { ws: [2, 3, 2], stride: [2, 2, 1], pad: [1, 2, 1], ignoreBorder: true, mode })]);
    }
    // max pooling's gradient as grad builds it: each window's gradient to the elements equal to its maximum, summed back
    const g: PatchGeometry = geometry3d({ edges: 'keep' });
    const patches = sym.apply1(new Im2Col(g, [2, 3, 2], isFloat(dtype) ? -Infinity : sym.intRange(dtype)[0]), [x!]);
    const max = T.max(patches, [1, 2, 3]);
    const routed = patches.eq(max.dimshuffle(0, 'x', 'x', 'x', 1, 2, 3)).astype(x!.dtype);
    outs.push(['max pooling gradient: Col2Im(patches == max), 3-d', sym.apply1(new Col2Im(g), [routed, x!])]);
    return outs;
  });
}

/** The conv/pool cases for the float dtypes a backend holds (and max/sum pooling, the neighbourhoods, for int32). */
export function convCases(dtypes: readonly DType[]): OpCase[] {
  const floats = dtypes.filter((d) => d === 'float32' || d === 'float64');
  return [
    ...floats.flatMap((d) => [convForward(d), convBackward(d), pools(d), groupedConvs(d), neighbours(d), conv3d(d), pools3d(d)]),
    ...(dtypes.includes('int32') ? [pools('int32'), neighbours('int32'), pools3d('int32')] : []),
  ];
}
