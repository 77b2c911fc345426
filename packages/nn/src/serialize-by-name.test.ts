/**
 * loadParams(params, saved, { byName: true }): a pretrained body loaded into
 * a network with a new head, a checkpoint into part of a larger network, and
 * the refusals (a name missing, saved twice, given twice, unnamed, a
 * generator, a shape that does not fit), each setting nothing.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { RandomState } from './random.js';
import { Sequential } from './sequential.js';
import { loadParams, saveParams } from './serialize.js';

const T = sym.T;
const values = (ps: readonly sym.TensorSharedVariable[]) => ps.map((p) => Array.from(p.getValue().data));
/** A body of two named Dense layers and a head of nOut classes, drawn from seed. */
const network = (seed: number, head: string, nOut: number) => {
  const rng = new RandomState(seed);
  return new Sequential([Dense.create(4, 8, { rng, name: 'body0', activation: 'relu' }), Dense.create(8, 8, { rng, name: 'body1', activation: 'relu' }), Dense.create(8, nOut, { rng, name: head })]);
};

describe('loadParams by name', () => {
  it('loads a pretrained body into a network with a new head, in any order, and leaves the head as drawn', async () => {
    const pretrained = network(1, 'head', 10);
    const text = await saveParams(pretrained.params);
    const tuned = network(2, 'newHead', 3);
    const body = tuned.params.slice(0, 4);
    const head = values(tuned.params.slice(4));
    loadParams([...body].reverse(), text, { byName: true });
    expect(values(body)).toEqual(values(pretrained.params.slice(0, 4)));
    expect(values(tuned.params.slice(4))).toEqual(head);
    // the body computes what the pretrained one did
    const x = T.matrix('x');
    const features = (net: Sequential) => sym.function([x], new Sequential(net.layers.slice(0, 2)).output(x)).sync(new RandomState(3).randn([5, 4])) as sym.NDArray;
    expect(features(tuned).toArray()).toEqual(features(pretrained).toArray());
  });

  it("loads a checkpoint into the part of a larger network it saved; the larger network's own params are missing from it, by name", async () => {
    const small = network(1, 'head', 3);
    const text = await saveParams(small.params);
    const rng = new RandomState(4);
    const larger = new Sequential([...network(2, 'head', 3).layers, Dense.create(3, 2, { rng, name: 'extra' })]);
    const before = values(larger.params);
    expect(() => loadParams(larger.params, text, { byName: true })).toThrow(
      'loadParams: byName: no saved parameter is named "extra.W", "extra.b"; the saved names are "body0.W", "body0.b", "body1.W", "body1.b", "head.W", "head.b"',
    );
    expect(values(larger.params)).toEqual(before);
    loadParams(larger.params.slice(0, 6), text, { byName: true });
    expect(values(larger.params.slice(0, 6))).toEqual(values(small.params));
    expect(values(larger.params.slice(6))).toEqual(before.slice(6));
  });

  it('refuses an entry whose shape does not fit, naming it and both shapes, and sets none of the others', async () => {
    const text = await saveParams(network(1, 'head', 10).params);
    const other = network(2, 'head', 3);
    const before = values(other.params);
    expect(() => loadParams(other.params, text, { byName: true })).toThrow(
      "loadParams: saved parameter 4 (head.W) for head.W: shape (8, 10) does not match the parameter's shape (8, 3)",
    );
    expect(values(other.params)).toEqual(before);
  });

  it('refuses a name saved twice, given twice, an unnamed variable and a generator; skips saved entries not asked for', async () => {
    const rng = new RandomState(1);
    const unnamed = new Sequential([Dense.create(2, 3, { rng }), Dense.create(3, 1, { rng })]);
    const text = await saveParams(unnamed.params);
    const W = Dense.create(2, 3, { rng }).W;
    expect(() => loadParams([W], text, { byName: true })).toThrow(
      'loadParams: byName: saved parameters 0, 2 are all named "W", so which is for params[0] is unknown: save layers with names apart (a layer\'s name option), or load by position',
    );
    const a = sym.shared(sym.array([1, 2]), { name: 'a' });
    const a2 = sym.shared(sym.array([3, 4]), { name: 'a' });
    expect(() => loadParams([a, a2], text, { byName: true })).toThrow('loadParams: params[0] and params[1] are both named "a", so byName cannot tell which saved entry is whose');
    const nameless = sym.shared(sym.array([1, 2]));
    expect(() => loadParams([a, nameless], text, { byName: true })).toThrow(/^loadParams: params\[1\] \(.*\) has no name, so byName cannot find it: name it/);
    // a checkpoint with a generator and unnamed values in it: entries not asked for are not read
    const x = T.matrix('x');
    const generator = sym.function([x], new Dropout(0.5, { seed: 1 }).output(x, { training: true })).compiled.generators[0]!;
    const saved = sym.shared(sym.array([5, 6]), { name: 'a' });
    const mixed = await saveParams([generator, nameless, saved]);
    expect(() => loadParams([generator], mixed, { byName: true })).toThrow('loadParams: params[0] is a random generator, which has no name: with byName, give only named shared variables (load generators by position)');
    loadParams([a], mixed, { byName: true });
    expect(Array.from(a.getValue().data)).toEqual([5, 6]);
  });

  it('checks its options', async () => {
    const a = sym.shared(sym.array([1, 2]), { name: 'a' });
    const text = await saveParams([a]);
    expect(() => loadParams([a], text, { byName: 'yes' } as never)).toThrow('loadParams: byName must be a boolean, got "yes"');
    expect(() => loadParams([a], text, { by_name: true } as never)).toThrow(/loadParams: unknown option "by_name" \(did you mean byName\?/);
    // by position, the default, is unchanged: a count mismatch is still refused
    expect(() => loadParams([a, a], text)).toThrow(/2 parameters were given but 1 was saved/);
  });
});
