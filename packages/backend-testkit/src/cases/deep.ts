/**
 * Graphs deeper or wider than a shader compiler takes in one piece: an
 * elementwise chain the optimizer fuses into one expression of hundreds of
 * levels (headless-gl's GLSL compiler said "memory exhausted" at 100
 * affine steps; a backend computes it in parts) and a join of 300 pieces
 * (one kernel of 300 inputs took lavapipe half a minute to compile; the
 * scheduler makes a tree of small joins). These were the sym.function
 * parts of the gpu.js and WebGPU packages' deep tests.
 */
import * as sym from '@sym/graph';
import type { TensorVariable } from '@sym/graph';
import { array } from '@sym/graph';
import type { OpCase } from '../case.js';

const T = sym.T;
const XS = [0.1, 0.5, -0.3, 2, -1.5, 0, 0.75, -0.05];
const f32 = (v: readonly number[]) => array([...v], { dtype: 'float32' });

function chain(name: string, op: string, step: (y: TensorVariable, w: TensorVariable) => TensorVariable, steps: number): OpCase {
  const x = T.fvector('x');
  const w = T.fvector('w');
  let y = x;
  for (let i = 0; i < steps; i++) y = step(y, w);
  // a function refuses an input it does not read
  const inputs = sym.toposort([y]).some((node) => node.inputs.includes(w)) ? [x, w] : [x];
  return {
    group: 'composite',
    name: `deep float32: ${name}, ${steps} times`,
    op,
    dtype: 'float32',
    graph: { inputs, outputs: [y], labels: [name], values: () => [f32(XS), f32(XS.map((v) => 1 - v * 0.3))].slice(0, inputs.length) },
  };
}

function join(pieces: number): OpCase {
  const inputs = Array.from({ length: pieces }, (_, i) => T.fvector(`p${i}`));
  return {
    group: 'composite',
    name: `deep float32: a join of ${pieces} pieces of 2`,
    op: 'join',
    dtype: 'float32',
    graph: { inputs, outputs: [T.concatenate(inputs)], labels: ['concatenate(pieces)'], values: () => inputs.map((_, i) => f32([i, -i / 4])) },
  };
}

/** The cases, for a backend holding float32. */
export function deepCases(dtypes: readonly string[]): OpCase[] {
  if (!dtypes.includes('float32')) return [];
  return [chain('x = tanh(x * w + 0.1)', 'tanh', (y, w) => T.tanh(y.mul(w).add(0.1)), 80), chain('x = x * 0.9 + 0.1', 'composite', (y) => y.mul(0.9).add(0.1), 100), join(300)];
}
