/**
 * Theano's documentation page "Loading and Saving"
 * (tutorial/loading_and_saving.html), with @sym/nn's saveParams and
 * loadParams: a model's shared variables written to a file and read back
 * (the page's cPickle.dump / cPickle.load), several objects in one file in
 * order, a getstate/setstate pair that leaves the training set out, the
 * "robust" form readable without the library (plain JSON: numbers, shape,
 * dtype, as Theano's NPY files in a zip are readable with numpy alone),
 * and the long-term form saving only W and b, loadable after they are
 * renamed.
 *
 * No twin: pickling objects with their code (JavaScript has no pickle;
 * only values are saved, which is what the page recommends for anything
 * but the short term).
 */
import * as sym from '@sym/graph';
import { loadParams, saveParams } from '@sym/nn';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useFloat64 } from './test-support.js';

const T = sym.T;

/** A logistic regression whose parameters are W and b, and a training set it points to. */
class Model {
  readonly W: sym.TensorSharedVariable;
  readonly b: sym.TensorSharedVariable;
  trainingSet: sym.NDArray | null;
  constructor(seed: number, trainingSet: sym.NDArray | null = null) {
    const rng = new sym.RandomState(seed);
    this.W = sym.shared(rng.randn([4, 3]), { name: 'W' });
    this.b = sym.shared(rng.randn([3]), { name: 'b' });
    this.trainingSet = trainingSet;
  }
  predict(): sym.SymFunction<sym.NDArray> {
    const x = T.matrix('x');
    return sym.function([x], T.nnet.softmax(T.dot(x, this.W).add(this.b)));
  }
  /** __getstate__ without the training set. */
  getState(): Promise<string> {
    return saveParams([this.W, this.b]);
  }
  /** __setstate__: the parameters, and the training set read again from its file. */
  setState(state: string, trainingSetFile: string): void {
    loadParams([this.W, this.b], state);
    this.trainingSet = sym.array(JSON.parse(readFileSync(trainingSetFile, 'utf8')) as number[][], { dtype: 'float64' });
  }
}

describe("Theano's Loading and Saving page", () => {
  useFloat64();
  const dir = mkdtempSync(join(tmpdir(), 'sym-theano-docs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const x = sym.array([[0.5, -1, 2, 0], [1, 1, -0.5, 3]], { dtype: 'float64' });

  it("dump and load: a model's parameters written to obj.save and read into another, which then predicts the same", async () => {
    const saved = new Model(1);
    const file = join(dir, 'obj.save');
    writeFileSync(file, await saveParams([saved.W, saved.b]));
    const loaded = new Model(2);
    expect((await loaded.predict()(x)).toArray()).not.toEqual((await saved.predict()(x)).toArray());
    loadParams([loaded.W, loaded.b], readFileSync(file, 'utf8'));
    expect((await loaded.predict()(x)).toArray()).toEqual((await saved.predict()(x)).toArray());
    expect(loaded.W.getValue().toArray()).toEqual(saved.W.getValue().toArray());
  });

  it('several objects in one file, loaded in the same order', async () => {
    const objects = [sym.shared(sym.array([1, 2, 3], { dtype: 'float64' }), { name: 'obj1' }), sym.shared(sym.array([[4]], { dtype: 'float32' }), { name: 'obj2' }), sym.shared(7, { name: 'obj3' })];
    const file = join(dir, 'objects.save');
    writeFileSync(file, await saveParams(objects));
    const loadedObjects = [sym.shared(sym.array([0, 0, 0], { dtype: 'float64' })), sym.shared(sym.array([[0]], { dtype: 'float32' })), sym.shared(0)];
    loadParams(loadedObjects, readFileSync(file, 'utf8'));
    expect(loadedObjects.map((o) => o.getValue().toArray())).toEqual([[1, 2, 3], [[4]], 7]);
    expect(loadedObjects.map((o) => o.dtype)).toEqual(['float64', 'float32', 'int64']);
  });

  it('short-term: getState leaves the training set out, setState reads it again from its own file', async () => {
    const trainingSetFile = join(dir, 'training_set.json');
    writeFileSync(trainingSetFile, JSON.stringify([[1, 2, 3, 4]]));
    const model = new Model(3, sym.array([[1, 2, 3, 4]], { dtype: 'float64' }));
    const state = await model.getState();
    expect(state).not.toContain('training');
    const restored = new Model(4);
    restored.setState(state, trainingSetFile);
    expect(restored.trainingSet!.toArray()).toEqual([[1, 2, 3, 4]]);
    expect(restored.b.getValue().toArray()).toEqual(model.b.getValue().toArray());
  });

  it('robust: the saved text is plain JSON (names, dtypes, shapes, numbers), float64 exact, NaN, infinities and -0 kept', async () => {
    const odd = sym.shared(sym.array([Math.PI, NaN, -Infinity, -0, 1e-310], { dtype: 'float64' }), { name: 'odd' });
    const doc = JSON.parse(await saveParams([odd])) as { format: string; params: { name: string; dtype: string; shape: number[]; data: unknown[] }[] };
    expect(doc.format).toBe('sym-params');
    expect(doc.params[0]).toEqual({ name: 'odd', dtype: 'float64', shape: [5], data: [Math.PI, 'NaN', '-Infinity', '-0', 1e-310] });
    const back = sym.shared(sym.array([0, 0, 0, 0, 0], { dtype: 'float64' }));
    loadParams([back], doc as never);
    const v = Array.from(back.getValue().data);
    expect(v[0]).toBe(Math.PI);
    expect(Number.isNaN(v[1])).toBe(true);
    expect(v[2]).toBe(-Infinity);
    expect(Object.is(v[3], -0)).toBe(true);
    expect(v[4]).toBe(1e-310);
  });

  it('long-term: only W and b are saved, and load into a later version whose fields are weights and bias', async () => {
    const old = new Model(5);
    const state = await saveParams([old.W, old.b]);
    // the class changed: W is now weights and b bias; the values load by position
    const later = { weights: sym.shared(sym.array(new Array(4).fill(new Array(3).fill(0)), { dtype: 'float64' }), { name: 'weights' }), bias: sym.shared(sym.array([0, 0, 0], { dtype: 'float64' }), { name: 'bias' }) };
    loadParams([later.weights, later.bias], state);
    expect(later.weights.getValue().toArray()).toEqual(old.W.getValue().toArray());
    expect(later.bias.getValue().toArray()).toEqual(old.b.getValue().toArray());
    // a count that no longer matches is refused naming what differs
    expect(() => loadParams([later.weights], state)).toThrow('loadParams: 1 parameter was given but 2 were saved (saved but not given: W, b; given but not saved: weights)');
  });
});
