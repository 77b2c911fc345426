/**
 * Theano's `warn_float64` flag: what creating a float64 variable does. A
 * GPU user sets it to find where float64 enters a float32 graph (WebGPU
 * has no float64): the message names the variable, or the op and inputs
 * whose output it is, and a raised error's stack shows the line.
 */
import { config } from './config.js';
import type { TensorVariable } from './variable.js';

const warned = new Set<string>();

/** Called for each float64 variable created (constants aside, as in Theano: a float64 constant shows in the variables it makes float64). */
export function float64Created(v: TensorVariable): void {
  const policy = config.warn_float64;
  if (policy === 'ignore') return;
  const what = v.owner
    ? `the output of ${v.owner.op}(${v.owner.inputs.map((x) => `${x}: ${x.dtype}`).join(', ')})`
    : v.name !== undefined
      ? `${JSON.stringify(v.name)} (${v.type})`
      : `an unnamed ${v.type}`;
  const message =
    `warn_float64=${policy}: a float64 variable was created: ${what}. ` +
    `float64 is slow or missing on GPUs (WebGPU has none): use float32 (floatX=float32, T.cast(x, 'float32')), or set warn_float64=ignore`;
  if (policy === 'raise') throw new TypeError(message);
  // once per message: a graph built in a loop warns once, as Python's warnings do per line
  if (warned.has(message)) return;
  warned.add(message);
  (globalThis as { console?: { warn(message: string): void } }).console?.warn(message);
}
