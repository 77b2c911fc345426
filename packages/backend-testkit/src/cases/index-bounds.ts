/**
 * An index out of range raises NumPy's IndexError, with words naming the
 * index, where it was and the axis, and a failed call commits nothing: an
 * index given as input is checked on the host before the first kernel, one
 * the kernels compute (`x[y + 1]`, a window from `argmax`, a cast of a
 * NaN, a shared index an earlier call updated) by a flag the call reads
 * before it commits, so a training step that raises leaves its shared
 * variables as they were. What the compiled function cannot return (a
 * window shorter than its length inside a scan's step) it refuses, saying
 * so. These were the gpu.js and WebGPU packages' own index-bounds tests.
 */
import * as sym from '@sym/graph';
import type { NDArray, NestedArray, TensorVariable } from '@sym/graph';
import { array } from '@sym/graph';
import { grad } from '@sym/grad';
import type { CaseCall, OpCase } from '../case.js';

const T = sym.T;
const f32 = (v: NestedArray): NDArray => array(v, { dtype: 'float32' });
const i32 = (v: NestedArray): NDArray => array(v, { dtype: 'int32' });

/** A case of the indexing group over fixed inputs: the first call's, then `next`. */
function boundsCase(name: string, op: string, inputs: TensorVariable[], outputs: TensorVariable[], labels: string[], first: NDArray[], next: CaseCall[], updates?: OpCase['graph']['updates']): OpCase {
  return { group: 'indexing', name: `index bounds: ${name}`, op, dtype: 'float32', graph: { inputs, outputs, labels, values: () => first, next, ...(updates ? { updates } : {}) } };
}

/** A shared (3, 2) table `emb` and its SGD step on `cost(emb)`. */
function embedding(cost: (emb: TensorVariable) => TensorVariable): { cost: TensorVariable; updates: NonNullable<OpCase['graph']['updates']> } {
  const initial = f32([[1, 2], [3, 4], [5, 6]]);
  const emb = sym.shared(initial, { name: 'emb' });
  const c = cost(emb);
  const [g] = grad(c, [emb]);
  return { cost: c, updates: [{ shared: emb, initial, value: T.sub(emb, T.mul(0.1, g!)) }] };
}

function embeddingStep(): OpCase {
  const ids = T.imatrix('ids');
  const { cost, updates } = embedding((emb) => T.mean(T.sqr(T.sum(emb.get(ids), { axis: 1 }))));
  return boundsCase("an embedding's training step, ids given: an id past the table raises and the table stays", 'advanced_inc_subtensor', [ids], [cost], ['cost'], [i32([[0, 1], [2, -1]])], [
    { values: [i32([[0, 1], [3, 1]])], raises: 'emb[ids]: index 3 (ids[1, 0]) is out of bounds for axis 0 with size 3, indexing emb of shape (3, 2)' },
    { values: [i32([[-4, 1]])], raises: 'emb[ids]: index -4 (ids[0, 0]) is out of bounds for axis 0 with size 3' },
  ], updates);
}

function computedScatterStep(): OpCase {
  const ids = T.ivector('ids');
  const { cost, updates } = embedding((emb) => T.mean(T.sqr(T.sum(emb.get(T.add(ids, 1)), { axis: 1 }))));
  return boundsCase('a training step scattering through a computed index: past the table it raises after the kernels ran, and the table stays', 'advanced_inc_subtensor', [ids], [cost], ['cost'], [i32([0, -2])], [
    { values: [i32([0, 2])], raises: 'emb[(ids + 1)]: index 3 ((ids + 1)[1]) is out of bounds for axis 0 with size 3, indexing emb of shape (3, 2)' },
    { values: [i32([-5])], raises: 'emb[(ids + 1)]: index -4 ((ids + 1)[0]) is out of bounds for axis 0 with size 3' },
  ], updates);
}

function labelPastClasses(): OpCase {
  const z = T.fmatrix('z');
  const y = T.ivector('y');
  const cost = T.neg(T.mean(T.log(T.nnet.softmax(z)).get(T.arange(T.shapeI(y, 0)), y)));
  const Z = f32([[0, 1, 2], [1, 0, -1]]);
  return boundsCase('a label past the classes in the negative log-likelihood and its gradient', 'softmax', [z, y], [cost, grad(cost, z)], ['-mean(log(softmax(z))[arange, y])', 'its gradient'], [Z, i32([2, 0])], [
    { values: [Z, i32([2, 3])], raises: 'index 3 (y[1]) is out of bounds for axis 1 with size 3' },
  ]);
}

function computedIndex(): OpCase {
  const x = T.fvector('x');
  const y = T.ivector('y');
  const X = f32([10, 20, 30]);
  return boundsCase('a computed index x[y + 1] past its axis, checked by a kernel', 'advanced_subtensor', [x, y], [x.get(T.add(y, 1))], ['x[y + 1]'], [X, i32([1, -3])], [
    { values: [X, i32([2, 0])], raises: "x[(y + 1)]: index 3 ((y + 1)[0]) is out of bounds for axis 0 with size 3, indexing x of shape (3,) (NumPy's IndexError)" },
  ]);
}

function updatedSharedIndex(): OpCase {
  const x = T.fvector('x');
  const initial = i32([0, 1]);
  const ids = sym.shared(initial, { name: 'ids' });
  const X = f32([1, 2, 3]);
  // the kernels would clamp the third call's [2, 3]: the call reads the index back and refuses it, leaving ids at [2, 3]
  return boundsCase('a shared index an earlier call updated on the device, past the axis at the third call', 'advanced_subtensor', [x], [x.get(ids)], ['x[ids]'], [X], [
    { values: [X] },
    { values: [X], raises: 'x[ids]: index 3 (ids[1]) is out of bounds for axis 0 with size 3' },
  ], [{ shared: ids, initial, value: T.add(ids, 1) }]);
}

const ROWS = f32(Array.from({ length: 10 }, (_, r) => [r, 10 * r]));
const oneHot = (k: number): NDArray => f32(Array.from({ length: 9 }, (_, j) => (j === k ? 1 : 0)));

function computedWindow(): OpCase {
  const x = T.fmatrix('x');
  const v = T.fvector('v');
  const start = T.argmax(v);
  // NumPy's X[8:12] is rows 8 and 9 (the kernels clamp the start to 6: the flag sends the call the by-value way)
  return boundsCase("a window x[argmax(v):argmax(v) + 4] the kernels compute gives NumPy's rows past the end", 'subtensor', [x, v], [x.get(T.slice(start, start.add(4)))], ['x[argmax(v):argmax(v) + 4]'], [ROWS, oneHot(1)], [
    { values: [ROWS, oneHot(8)], expected: [f32([[8, 80], [9, 90]])] },
  ]);
}

function windowInScan(): OpCase {
  const x = T.fmatrix('x');
  const batches = T.ivector('batches');
  const [sums] = sym.scan((b: TensorVariable) => x.get(T.slice(b.mul(4), b.add(1).mul(4))).sum(), { sequences: [batches] }) as TensorVariable[];
  return boundsCase("a scan's step summing x[4 b:4 b + 4]: a window past the end raises (the step cannot return 2 rows)", 'sum', [x, batches], [sums!], ['sums'], [ROWS, i32([0, 1])], [
    { values: [ROWS, i32([0, 2])], raises: /the window of 4 elements from 8 \(computed on the device\) does not fit axis 0 of size 10: NumPy \(and Theano\) would return 2 elements, not 4\. This window lies in a scan's step/ },
  ]);
}

function readInBranch(): OpCase {
  const y = T.fvector('y');
  const batches = T.ivector('batches');
  const k = T.iscalar('k');
  const [picked] = sym.scan((t: TensorVariable) => sym.ifelse(t.lt(k), y.get(t.add(1)), T.constant(-1, { dtype: 'float32' })), { sequences: [batches] }) as TensorVariable[];
  const Y = f32([1, 2, 3]);
  const B = i32([0, 1, 2]);
  return boundsCase("a read y[t + 1] in an ifelse's branch in a scan's step raises only where the branch is taken", 'advanced_subtensor', [y, batches, k], [picked!], ['ifelse(t < k, y[t + 1], -1)'], [Y, B, i32(2)], [
    { values: [Y, B, i32(3)], raises: /index 3 .* is out of bounds for axis 0 with size 3, indexing y of shape \(3,\)/ },
  ]);
}

function nanCastIndex(): OpCase {
  const x = T.fvector('x');
  const f = T.fvector('f');
  const X = f32([1, 2, 3]);
  // the cast of NaN is INT_MIN in NumPy: out of range, where a kernel's cast gave row 0
  return boundsCase("an index cast from exp(f) raises NumPy's IndexError (INT_MIN) where f is NaN", 'advanced_subtensor', [x, f], [x.get(T.cast(T.exp(f), 'int32'))], ['x[int(exp(f))]'], [X, f32([0, Math.log(2.5)])], [
    { values: [X, f32([0, NaN])], raises: /index -2147483648 \(.*\[1\]\) is out of bounds for axis 0 with size 3/ },
  ]);
}

/** The cases, for a backend holding float32 and int32. */
export function indexBoundsCases(dtypes: readonly string[]): OpCase[] {
  if (!dtypes.includes('float32') || !dtypes.includes('int32')) return [];
  return [embeddingStep(), labelPastClasses(), computedIndex(), computedScatterStep(), updatedSharedIndex(), computedWindow(), windowInScan(), readInBranch(), nanCastIndex()];
}
