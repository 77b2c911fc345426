/**
 * The tutorial's figures, drawn with Vega-Lite (compiled to Vega and
 * rendered headless to SVG) and rasterised to PNG with resvg: the data
 * coloured by class, the data coloured by the network's output after an
 * iteration, and a summary of cost and accuracy over iterations.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** matplotlib's `cm.cool`: cyan at 0, magenta at 1, interpolated in RGB. */
const COOL = { domain: [0, 1], range: ['#00ffff', '#ff00ff'], interpolate: 'rgb' as const };
const AXIS = { domain: [-6, 6], nice: false };

export interface ScatterData {
  /** Points as columns: x[0][i], x[1][i]. */
  x: ArrayLike<number>[];
  /** The colour value of each point, in [0, 1]. */
  c: ArrayLike<number>;
}

/** `plt.scatter(X[0], X[1], c=c, s=3, cmap=cool, vmin=0, vmax=1); plt.axis([-6, 6, -6, 6]); plt.title(title)`. */
export function scatterSpec(data: ScatterData, title: string, colourTitle: string): TopLevelSpec {
  const values = Array.from({ length: data.c.length }, (_, i) => ({ x0: data.x[0]![i]!, x1: data.x[1]![i]!, c: data.c[i]! }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 480,
    height: 480,
    background: 'white',
    data: { values },
    mark: { type: 'circle', size: 9, opacity: 0.9, stroke: '#000000', strokeWidth: 0.3, clip: true },
    encoding: {
      x: { field: 'x0', type: 'quantitative', title: 'X[0]', scale: AXIS },
      y: { field: 'x1', type: 'quantitative', title: 'X[1]', scale: AXIS },
      color: { field: 'c', type: 'quantitative', title: colourTitle, scale: COOL },
    },
  };
}

export interface History {
  cost: number[];
  accuracy: number[];
}

/** Cost and accuracy after each iteration, one panel each. */
export function summarySpec(history: History, title: string): TopLevelSpec {
  const values = history.cost.map((cost, i) => ({ iteration: i + 1, cost, accuracy: history.accuracy[i]! }));
  const panel = (field: 'cost' | 'accuracy', colour: string) => ({
    width: 560,
    height: 200,
    mark: { type: 'line' as const, color: colour, point: values.length <= 50 ? { color: colour } : false },
    encoding: {
      x: { field: 'iteration', type: 'quantitative' as const, title: 'iteration', scale: { domainMin: 1 } },
      y: { field, type: 'quantitative' as const, title: field, scale: field === 'accuracy' ? { domain: [0, 1] } : { zero: false } },
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    background: 'white',
    data: { values },
    vconcat: [panel('cost', '#1f77b4'), panel('accuracy', '#d62728')],
  };
}

/** Render a Vega-Lite spec to SVG text and PNG bytes (twice the SVG's size, for sharp points). */
export async function render(spec: TopLevelSpec): Promise<{ svg: string; png: Buffer }> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true } }).render().asPng();
    return { svg, png };
  } finally {
    view.finalize();
  }
}

/** Render `spec` into `dir/name.svg` and `dir/name.png`; returns both paths. */
export async function writePlot(dir: string, name: string, spec: TopLevelSpec): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const { svg, png } = await render(spec);
  const paths = [join(dir, `${name}.svg`), join(dir, `${name}.png`)];
  writeFileSync(paths[0]!, svg);
  writeFileSync(paths[1]!, png);
  return paths;
}
