/**
 * Conv2D and Pool2D over many seeded random configurations (every padding,
 * stride, dilation, group count, pooling mode, ignoreBorder, empty batches
 * and images too small): the layer's outputShape, the compiled output's
 * shape and the loop reference's (written from Theano's definitions) agree,
 * and so do the values; where the reference has no window, the layer
 * refuses the shape and the input, naming itself.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { conv2dReference, pool2dReference, randomTensor, type Tensor4 } from '../test/conv-reference.js';
import { Conv2D, type Conv2DOptions } from './conv.js';
import { Pool2D, type Pool2DOptions } from './pooling.js';

const T = sym.T;

/** A seeded draw in [lo, hi] (a tiny LCG, so the configurations do not depend on the library's generator). */
function draws(seed: number): (lo: number, hi: number) => number {
  let s = seed >>> 0;
  return (lo, hi) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + Math.floor((s / 2 ** 32) * (hi - lo + 1));
  };
}

const asArray = (t: Tensor4) => sym.array(t.data, { dtype: 'float64', shape: t.shape });

async function outputOf(layer: Conv2D | Pool2D, x: Tensor4): Promise<sym.NDArray> {
  const v = T.tensor4('x');
  return (await sym.function([v], layer.output(v))(asArray(x))) as sym.NDArray;
}

function expectValues(got: sym.NDArray, want: Tensor4, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  want.data.forEach((w, k) => {
    const g = got.data[k] as number;
    if (Number.isNaN(w)) expect(g, `${what} at ${k}`).toBeNaN();
    else expect(Math.abs(g - w), `${what} at ${k}: ${g} vs ${w}`).toBeLessThan(1e-12);
  });
}

describe('Conv2D and Pool2D over seeded random configurations', () => {
  it('Conv2D: outputShape, the compiled shape and the reference agree (values too); an image without a window is refused by both', async () => {
    const r = draws(2026);
    let computed = 0;
    let refused = 0;
    for (let n = 0; n < 120; n++) {
      const groups = r(1, 3);
      const perGroup = r(1, 2);
      const outChannels = groups * r(1, 2);
      const [kRows, kCols] = [r(1, 4), r(1, 4)];
      const paddings = ['valid', 'full', 'half', [r(0, 2), r(0, 2)]] as const;
      const stride: [number, number] = [r(1, 3), r(1, 3)];
      const dilation: [number, number] = [r(1, 2), r(1, 2)];
      const padding = paddings[r(0, 3)]!;
      const options: Conv2DOptions = { stride, dilation, padding, groups, flipFilters: r(0, 1) === 1 };
      const xShape: Tensor4['shape'] = [r(0, 2), perGroup * groups, r(1, 8), r(1, 8)];
      const x = randomTensor(xShape, 1 + n);
      const w = randomTensor([outChannels, perGroup, kRows, kCols], 1000 + n);
      const what = `x ${JSON.stringify(xShape)}, filters ${JSON.stringify(w.shape)}, ${JSON.stringify(options)}`;
      const layer = new Conv2D(asArray(w), null, null, options);
      // Theano's: a window spans d (k - 1) + 1 positions of the image with its padding on both sides
      const fits = ([0, 1] as const).every((a) => {
        const [k, d, length] = [[kRows, kCols][a]!, dilation[a], xShape[2 + a]!];
        const pad = padding === 'valid' ? 0 : padding === 'full' ? d * (k - 1) : padding === 'half' ? Math.floor((d * (k - 1) + 1) / 2) : padding[a];
        return length + 2 * pad >= d * (k - 1) + 1;
      });
      if (!fits) {
        expect(() => layer.outputShape(xShape), what).toThrow(/^Conv2D\.outputShape: the input shape .* is too small for the \d+x\d+ filters/);
        await expect(outputOf(layer, x), what).rejects.toThrow(/^Conv2D\.output: x x of shape .* is too small for the layer's/);
        refused++;
        continue;
      }
      const want = conv2dReference(x, w, {
        stride,
        dilation,
        padding: typeof padding === 'string' ? padding : [padding[0], padding[1]],
        groups,
        flip: options.flipFilters,
      });
      expect(layer.outputShape(xShape), what).toEqual(want.shape);
      expect(layer.outputShape([null, xShape[1], xShape[2], xShape[3]]), what).toEqual([null, ...want.shape.slice(1)]);
      expectValues(await outputOf(layer, x), want, what);
      computed++;
    }
    // the draws reach both sides
    expect(computed).toBeGreaterThan(60);
    expect(refused).toBeGreaterThan(5);
  });

  it('Pool2D: outputShape, the compiled shape and the reference agree in every mode (NaN for an average of nothing); max of nothing is refused', async () => {
    const r = draws(1130);
    const modes = ['max', 'sum', 'average_inc_pad', 'average_exc_pad'] as const;
    let computed = 0;
    let refused = 0;
    const drawn = Array.from({ length: 200 }, () => {
      const window: [number, number] = [r(1, 3), r(1, 3)];
      const ignoreBorder = r(0, 1) === 1;
      const pad: [number, number] = ignoreBorder && r(0, 1) === 1 ? [r(0, window[0] - 1), r(0, window[1] - 1)] : [0, 0];
      const options: Pool2DOptions = { stride: [r(1, 3), r(1, 3)], pad, ignoreBorder, mode: modes[r(0, 3)] };
      return { window, options, xShape: [r(0, 2), r(1, 2), r(0, 5), r(0, 5)] as Tensor4['shape'] };
    });
    // an image without rows: its windows hold padding alone, or (ignoreBorder false, a stride shorter than the window) nothing
    const empty = modes.flatMap((mode) => [
      { window: [2, 2] as [number, number], options: { pad: [1, 0], mode } as Pool2DOptions, xShape: [1, 2, 0, 3] as Tensor4['shape'] },
      { window: [3, 1] as [number, number], options: { stride: 1, ignoreBorder: false, mode } as Pool2DOptions, xShape: [2, 1, 0, 2] as Tensor4['shape'] },
    ]);
    for (const [n, { window, options, xShape }] of [...drawn, ...empty].entries()) {
      const x = randomTensor(xShape, 7 + n);
      const what = `x ${JSON.stringify(xShape)}, window ${JSON.stringify(window)}, ${JSON.stringify(options)}`;
      const layer = new Pool2D(window, options);
      const stride = typeof options.stride === 'number' ? [options.stride, options.stride] : options.stride;
      const want = pool2dReference(x, window, { ...options, stride } as { stride?: [number, number]; pad?: [number, number]; ignoreBorder?: boolean; mode?: (typeof modes)[number] });
      expect(layer.outputShape(xShape), what).toEqual(want.shape);
      expect(layer.outputShape([null, null, xShape[2], xShape[3]]), what).toEqual([null, null, ...want.shape.slice(2)]);
      if (options.mode === 'max' && want.data.some((v) => v === -Infinity)) {
        // Theano's max of a window holding none of the image raises (NumPy's max of nothing)
        await expect(outputOf(layer, x), what).rejects.toThrow(/no maximum/);
        refused++;
        continue;
      }
      expectValues(await outputOf(layer, x), want, what);
      computed++;
    }
    expect(computed).toBeGreaterThan(150);
    expect(refused).toBe(2);
  });
});
