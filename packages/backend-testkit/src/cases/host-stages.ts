/**
 * Functions whose shapes depend on values, run in host stages between
 * programs (a mask, nonzero, bincount, a slice bound from argmax), and
 * Theano's minibatch window `x[i * bs:(i + 1) * bs]` through givens on a
 * shared dataset: NumPy's rows for the last partial batch and none past
 * the end, and a training step on them. Updates apply once, after the last
 * stage; a stage that raises commits nothing. These were the gpu.js and
 * WebGPU packages' own host-stages and minibatch-window tests (their
 * profile counts stay there: how many readbacks is the backend's).
 */
import * as sym from '@sym/graph';
import type { NDArray, NestedArray, TensorVariable } from '@sym/graph';
import { array } from '@sym/graph';
import { grad } from '@sym/grad';
import type { CaseCall, OpCase } from '../case.js';

const T = sym.T;
const f32 = (v: NestedArray): NDArray => array(v, { dtype: 'float32' });
const i64 = (v: NestedArray): NDArray => array(v, { dtype: 'int64' });
const X = f32([[0, 1.5, 0, -2], [3, 0, 0, 0.5], [0, -1, 4, 0]]);

/** Each call twice: on a backend with synchronous runs the suite makes one `sync`, the other async. */
const twice = (calls: readonly (readonly NDArray[])[]): CaseCall[] => calls.flatMap((values) => [{ values }, { values }]);

/** A case of the indexing group over fixed inputs: the first call's, then `next`. */
function stagesCase(name: string, op: string, inputs: TensorVariable[], outs: [string, TensorVariable][], first: NDArray[], next: CaseCall[], updates?: OpCase['graph']['updates']): OpCase {
  return {
    group: 'indexing',
    name,
    op,
    dtype: 'float32',
    graph: { inputs, outputs: outs.map(([, o]) => o), labels: outs.map(([l]) => l), values: () => first, next, ...(updates ? { updates } : {}) },
  };
}

function masks(): OpCase {
  const x = T.matrix('x', 'float32');
  const w = T.matrix('w', 'float32');
  const h = T.tanh(T.dot(x, w));
  const outs: [string, TensorVariable][] = [
    ['h[h > 0] * 2 (h = tanh(x w))', h.get(h.gt(0)).mul(2)],
    ['nonzero(x, returnMatrix)', T.nonzero(x, true)],
    ['bincount(flatten(x > 0), minlength 3)', T.bincount(T.cast(x.gt(0), 'int32').flatten(), null, 3)],
    ...T.nonzero(x).map((v, d): [string, TensorVariable] => [`nonzero(x)[${d}]`, v]),
    ['sum(h) (h kept for the last stage)', T.sum(h)],
  ];
  const wv = f32([[1, 0.5], [-1, 2], [0, 1], [2, -1]]);
  return stagesCase('host stages: a computed mask, nonzero and bincount between programs, called twice', 'tanh', [x, w], outs, [X, wv], [{ values: [X, wv] }]);
}

function masksAmongIndices(): OpCase {
  const x = T.tensor3('x', 'float32');
  const m = T.vector('m', 'bool');
  const idx = T.lvector('idx');
  const window = x.get(idx, m, '1:3');
  const outs: [string, TensorVariable][] = [
    ['x[idx, m, 1:3]', window],
    ['x[:, m]', x.get(':', m)],
    ['x[0, :, x[0, 0] > 0] (a mask the kernels compute)', x.get(0, ':', x.get(0, 0).gt(0))],
    ['set x[True, 1, m] = 5', T.setSubtensor(x.get(true, 1, m), 5)],
    ['inc x[idx, m, 1:3] += 1', T.incSubtensor(window, 1)],
    ['grad of sum(x[idx, m, 1:3] ** 2)', grad(T.sum(T.sqr(window)), [x])[0]!],
  ];
  const xv = f32(Array.from({ length: 2 }, (_, i) => Array.from({ length: 3 }, (_, j) => Array.from({ length: 4 }, (_, k) => ((i * 12 + j * 4 + k) % 5) - 2))));
  const values = [xv, array([true, false, true], { dtype: 'bool' }), i64([1, 0])];
  return stagesCase('host stages: boolean masks among other indices (get, set, inc, gradient), x (2, 3, 4)', 'advanced_subtensor', [x, m, idx], outs, values, [{ values }]);
}

function valueBounds(): OpCase {
  const x = T.matrix('x', 'float32');
  const [i, s] = [T.lscalar('i'), T.lscalar('s')];
  const tail = x.get(T.slice(i));
  const outs: [string, TensorVariable][] = [
    ['x[i:]', tail],
    ['x[:, i::s]', x.get(':', T.slice(i, null, s))],
    ['x[argmax(sum(x, 1)):] (a bound the kernels compute)', x.get(T.slice(T.argmax(T.sum(x, { axis: 1 }))))],
    ['set x[i:] = 7', T.setSubtensor(tail, 7)],
    ['inc x[:, :i] += 1', T.incSubtensor(x.get(':', T.slice(null, i)), 1)],
    ['grad of sum(x[i:] ** 2)', grad(T.sum(T.sqr(tail)), [x])[0]!],
  ];
  const [first, ...rest] = [[1, 1], [-1, -2], [9, 1]].map(([iv, sv]) => [X, i64(iv!), i64(sv!)]);
  return stagesCase('host stages: slices whose length depends on values, i, s = (1, 1), (-1, -2), (9, 1)', 'subtensor', [x, i, s], outs, first!, [{ values: first! }, ...twice(rest)]);
}

function updateAfterLastStage(): OpCase {
  const initial = array([0], { dtype: 'int32' });
  const s = sym.shared(initial, { name: 's' });
  const v = T.vector('v', 'int32');
  return stagesCase('host stages: an update applies once, after the last stage; a stage that raises commits nothing', 'bincount', [v], [['bincount(v + 1, minlength 2)', T.bincount(v.add(1), null, 2)]], [array([2, 0], { dtype: 'int32' })], [
    { values: [array([-3], { dtype: 'int32' })], raises: /bincount: x \(.*\) must have no negative elements, got -2/ },
  ], [{ shared: s, initial, value: s.add(T.sum(v)).astype('int32') }]);
}

/** 10 rows of 2, row r = [r / 10, r / 5], and the window of batch i of 4 rows standing for m. */
function minibatch(): { i: TensorVariable; m: TensorVariable; batch: TensorVariable } {
  const data = sym.shared(f32(Array.from({ length: 10 }, (_, r) => [r / 10, r / 5])), { name: 'data' });
  const i = T.iscalar('i');
  return { i, m: T.matrix('m', 'float32'), batch: data.get(T.slice(i.mul(4), i.add(1).mul(4))) };
}

const batchIndex = (k: number): NDArray => array(k, { dtype: 'int32' });

function minibatchRows(): OpCase {
  const { i, m, batch } = minibatch();
  const [rows] = sym.clone([m.get(':', 0).mul(10)], [[m, batch]]);
  // NumPy's rows 8 and 9 of the last partial batch (float32(0.8) * 10 is 8), none past the end
  return stagesCase("minibatch window data[4 i:4 (i + 1)] through givens: NumPy's rows for the last partial batch (i = 2), none past the end (i = 3)", 'subtensor', [i], [['m[:, 0] * 10', rows!]], [batchIndex(1)], [
    { values: [batchIndex(2)], expected: [f32([8, 9])] },
    { values: [batchIndex(3)], expected: [f32([])] },
  ]);
}

function minibatchStep(): OpCase {
  const { i, m, batch } = minibatch();
  const initial = f32([0.5, 0.25]);
  const W = sym.shared(initial, { name: 'W' });
  const cost = T.sqr(T.dot(m, W)).mean();
  const [c, update] = sym.clone([cost, W.sub(grad(cost, W).mul(0.1))], [[m, batch]]);
  // NumPy in float32: cost = mean((m @ W) ** 2), W -= 0.1 * 2 * m.T @ (m @ W) / len(m), after the step on batch 1
  const expected = [f32(0.34018815), f32([0.337675005197525, -0.07465000450611115])];
  return stagesCase('minibatch window: an SGD step on a full batch (i = 1), then on the last partial one (i = 2)', 'dot', [i], [['mean((m W) ** 2)', c!]], [batchIndex(1)], [{ values: [batchIndex(2)], expected }], [
    { shared: W, initial, value: update! },
  ]);
}

/** The cases, for a backend holding float32 and int64 (nonzero's positions, the slice bounds). */
export function hostStageCases(dtypes: readonly string[]): OpCase[] {
  if (!['float32', 'int32', 'int64', 'bool'].every((d) => dtypes.includes(d))) return [];
  return [masks(), masksAmongIndices(), valueBounds(), updateAfterLastStage(), minibatchRows(), minibatchStep()];
}
