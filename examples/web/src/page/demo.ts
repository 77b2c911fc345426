/**
 * The demo page: the Theano tutorial's MLP (two Gaussian clouds of 1000
 * points, layer sizes [2, 4, 1], sigmoid everywhere, momentum 0.9, learning
 * rate 0.01) trained live on the device named by `?device=` (webgpu by
 * default, gpujs, cpu) in float32, one `await train(X, y)` per animation
 * frame, redrawing the decision plot each time. `?iterations=` (default
 * 1000) stops the run. Progress is on `window.symDemo`.
 */
import * as sym from '@sym/graph';
import { MLP, RandomState, gradientUpdatesMomentum, twoGaussianClouds } from '@sym/nn';
import { deviceFromQuery, intFromQuery, useDevice, type Device } from './devices.js';
import { dataBounds, drawCostChart, drawScatter, gridPoints } from './plot.js';
import type { DemoState } from './state.js';

const T = sym.T;
const POINTS = 1000;
const GRID_CELLS = 40;

function element<E extends HTMLElement>(id: string, type: new () => E): E {
  const e = document.getElementById(id);
  if (!(e instanceof type)) throw new Error(`demo page: element #${id} is missing or not a ${type.name}`);
  return e;
}

function context(id: string): CanvasRenderingContext2D {
  const ctx = element(id, HTMLCanvasElement).getContext('2d');
  if (!ctx) throw new Error(`demo page: canvas #${id} has no 2d context`);
  return ctx;
}

const state: DemoState = {
  status: 'loading',
  device: '',
  adapterInfo: '',
  floatX: 'float32',
  iteration: 0,
  iterations: 0,
  costs: [],
  accuracies: [],
  accuracy: NaN,
  iterationMs: [],
  msPerIteration: NaN,
};
window.symDemo = state;

function fail(e: unknown): void {
  state.status = 'error';
  state.error = e instanceof Error ? e.message : String(e);
  const box = document.getElementById('error');
  if (box) {
    box.textContent = `Error: ${state.error}`;
    box.hidden = false;
  }
  console.error(e);
}

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** The tutorial's network, data and compiled functions (cells In [22] to In [24]). */
function build() {
  const rng = new RandomState(0);
  const data = twoGaussianClouds(rng, POINTS);
  const sizes = [2, 4, 1];
  const WInit = [rng.randn([sizes[1]!, sizes[0]!]), rng.randn([sizes[2]!, sizes[1]!])];
  const mlp = new MLP(WInit, [[1, 1, 1, 1], [1]], [T.nnet.sigmoid, T.nnet.sigmoid]);
  const x = T.matrix('mlp_input');
  const t = T.vector('mlp_target');
  const cost = mlp.squaredError(x, t);
  const train = sym.function([x, t], cost, { updates: gradientUpdatesMomentum(cost, mlp.params, 0.01, 0.9) });
  const output = sym.function([x], mlp.output(x));
  return { data, train, output };
}

async function run(device: Device, iterations: number): Promise<void> {
  state.device = device;
  state.iterations = iterations;
  element('device', HTMLElement).textContent = `device=${device}, floatX=float32: starting…`;
  const backend = await useDevice(device);
  state.adapterInfo = backend.describe().device;
  element('device', HTMLElement).textContent = `device=${device}, floatX=${sym.config.floatX}: ${state.adapterInfo}`;

  const { data, train, output } = build();
  const X = data.X.data;
  const bounds = dataBounds(X, POINTS);
  const grid = new sym.NDArray(gridPoints(bounds, GRID_CELLS), [2, GRID_CELLS * GRID_CELLS], 'float32');
  const plot = context('plot');
  const chart = context('cost');
  const title = element('title', HTMLElement);
  state.status = 'training';
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    const cost = (await train(data.X, data.y)).item();
    const out = (await output(data.X)).data;
    const surface = (await output(grid)).data;
    let hits = 0;
    for (let k = 0; k < POINTS; k++) if (out[k]! > 0.5 === (data.y.data[k] === 1)) hits++;
    state.costs.push(cost);
    state.accuracy = hits / POINTS;
    state.accuracies.push(state.accuracy);
    state.iteration = i + 1;
    title.textContent = `Iteration ${state.iteration}: Cost: ${cost.toFixed(3)}, Accuracy: ${state.accuracy.toFixed(3)}`;
    drawScatter(plot, { bounds, X, output: out, grid: surface, gridCells: GRID_CELLS });
    drawCostChart(chart, state.costs);
    state.iterationMs.push(performance.now() - started);
    const warm = state.iterationMs.slice(1);
    state.msPerIteration = warm.length ? warm.reduce((a, b) => a + b, 0) / warm.length : NaN;
    await nextFrame();
  }
  state.status = 'done';
}

window.addEventListener('unhandledrejection', (e) => fail(e.reason));
try {
  const search = window.location.search;
  run(deviceFromQuery(search), intFromQuery(search, 'iterations', 1000)).catch(fail);
} catch (e) {
  fail(e);
}
