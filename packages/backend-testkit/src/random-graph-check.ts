/**
 * Running a random graph (random-graph.ts) through `sym.function` and
 * comparing every output and every shared variable's value after each call
 * with the ops' reference `perform`.
 */
import * as sym from '@sym/graph';
import '@sym/opt';
import type { DType, Mode, NDArray, TensorSharedVariable, TensorVariable } from '@sym/graph';
import { isFloat } from '@sym/graph';
import { assertArrayClose } from './compare.js';
import { evaluateReference, graphDTypes } from './reference.js';
import type { RandomGraph } from './random-graph.js';
import type { Tolerance } from './tolerance.js';

/** Where {@link checkRandomGraph} compiles: a device and a mode. */
export interface RandomGraphCheck {
  /** The device name to compile for. */
  readonly device: string;
  /** The compilation mode (FAST_RUN, FAST_COMPILE ...). */
  readonly mode: Mode;
}

/**
 * Float results are compared relative to the largest magnitude of their
 * array: a chain of ops may cancel (x - y of close values), and whether the
 * kernels round to float32 between fused ops or not moves such results by
 * ulps of their operands, not of themselves. A wrong index, broadcast or
 * update is off by far more. Any float32 value in the graph gives its
 * float64 results float32's room (a float32 softmax cast to float64).
 */
function randomGraphTolerance(dtype: DType, expected: NDArray, lowPrecision: boolean): Tolerance {
  if (!isFloat(dtype)) return { rtol: 0, atol: 0 };
  let largest = 0;
  for (let i = 0; i < expected.size; i++) {
    const a = Math.abs(expected.data[i]!);
    if (Number.isFinite(a) && a > largest) largest = a;
  }
  const rtol = dtype === 'float64' && !lowPrecision ? 1e-10 : 1e-4;
  return { rtol, atol: rtol * largest };
}

/**
 * Compiles `graph` for `check.device` in `check.mode` and calls it (twice
 * when it updates shared variables, from their initial values); returns
 * undefined when every output and shared value matches the reference, or
 * what differs, with the graph's description. The signs of zeros are not
 * compared (max/min of 0 and -0 may give either).
 */
export async function checkRandomGraph(graph: RandomGraph, check: RandomGraphCheck): Promise<string | undefined> {
  const fail = (what: string): string => `seed ${graph.seed}, ${check.mode} on ${check.device}: ${what}\n${graph.description}`;
  for (const { variable, initial } of graph.shareds) variable.setValue(initial);
  const lowPrecision = graphDTypes([...graph.outputs, ...graph.updates.map((u) => u[1])]).has('float32');
  let f;
  try {
    f = sym.function([...graph.inputs], [...graph.outputs], { updates: graph.updates.map(([s, u]) => [s, u] as [TensorSharedVariable, TensorVariable]), device: check.device, mode: check.mode, onUnusedInput: 'ignore' });
  } catch (e) {
    return fail(`compiling failed: ${(e as Error).message}`);
  }
  try {
    const current = new Map<TensorVariable, NDArray>(graph.shareds.map((s) => [s.variable, s.initial]));
    for (let call = 0; call < (graph.updates.length ? 2 : 1); call++) {
      const given = new Map<TensorVariable, NDArray>(graph.inputs.map((v, i) => [v, graph.inputValues[i]!]));
      for (const [s, v] of current) given.set(s, v);
      const expected = evaluateReference([...graph.outputs, ...graph.updates.map((u) => u[1])], given);
      let actual: NDArray[];
      try {
        actual = (await f(...graph.inputValues)) as NDArray[];
      } catch (e) {
        return fail(`call ${call + 1} failed: ${(e as Error).message}`);
      }
      try {
        graph.outputs.forEach((_, i) => {
          assertArrayClose(actual[i]!, expected[i]!, `output ${i}, call ${call + 1}`, { tolerance: randomGraphTolerance(expected[i]!.dtype, expected[i]!, lowPrecision), signedZeros: false });
        });
        graph.updates.forEach(([s], j) => current.set(s, expected[graph.outputs.length + j]!));
        for (const { variable } of graph.shareds) {
          const want = current.get(variable)!;
          const tolerance = randomGraphTolerance(want.dtype, want, lowPrecision);
          assertArrayClose(await variable.getValueAsync(), want, `shared ${variable.name} after call ${call + 1}`, { tolerance, signedZeros: false });
        }
      } catch (e) {
        return fail((e as Error).message);
      }
    }
  } finally {
    f.compiled.dispose();
  }
  return undefined;
}
