/** Shared by the tests: both backends, float32 by default, and a helper that runs a graph on each. */
import { afterAll } from 'vitest';
import * as sym from '@sym/graph';
import { cpu } from '@sym/backend-cpu';
import { webgpu } from '../src/index.js';

export { sym, cpu, webgpu };
export const T = sym.T;

sym.config.floatX = 'float32';

// Dawn keeps the worker alive while a device exists
afterAll(() => webgpu.dispose());

/** Compile the same graph for both devices and call each with `args`. */
export async function both(
  inputs: sym.TensorVariable[],
  outputs: sym.TensorVariable | sym.TensorVariable[],
  args: unknown[],
): Promise<{ gpu: sym.NDArray[]; ref: sym.NDArray[] }> {
  const list = Array.isArray(outputs) ? outputs : [outputs];
  const g = sym.function(inputs, list, { device: 'webgpu' });
  const c = sym.function(inputs, list, { device: 'cpu' });
  return { gpu: (await g(...args)) as sym.NDArray[], ref: (await c(...args)) as sym.NDArray[] };
}
