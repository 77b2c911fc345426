import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { SkipGram } from './word2vec.js';
import { maxAbsDiff } from './test-support.js';

const [V, D] = [7, 4];
const wIn0 = Array.from({ length: V }, (_, i) => Array.from({ length: D }, (_, j) => 0.1 * Math.sin(i * D + j + 1)));
const wOut0 = Array.from({ length: V }, (_, i) => Array.from({ length: D }, (_, j) => 0.1 * Math.cos(2 * i + j)));
// repeated centers (0, 2), contexts (3, 1) and negatives (0 0, 2 2, 1 1 1), a negative equal to its pair's context
const center = [0, 2, 2, 5, 0, 3];
const context = [1, 3, 3, 4, 2, 1];
const negatives = [[4, 5, 6], [0, 0, 1], [6, 2, 2], [1, 1, 1], [3, 5, 6], [2, 4, 0]];

/**
 * NumPy (python3; .audit's word2vec_ref.py): the cost and gradients written out, the rows updated with
 * np.add.at (repeated indices adding up), three steps at rate 0.5, in each dtype.
 */
const WANT = {
  float64: {
    losses: [16.657079354009284, 16.551698444664773, 16.314032164218393],
    wIn: [0.0044157079548201375, 0.10644596373144329, 0.1106102913540902, 0.01308002721128015, -0.09589242746631385, -0.027941549819892587, 0.06569865987187891, 0.09893582466233819, 0.2527997991100297, -0.1801490398731362, -0.44746968239680357, -0.3033887625370181, -0.006656081895118265, 0.06891014807512472, 0.08112070570052793, 0.018749260612167244, -0.09613974918795569, -0.0750987246771676, 0.014987720966295234, 0.09129452507276277, 0.2823692442928477, 0.02974251083140748, -0.2502293499238125, -0.3001415003508505, -0.013235175009777304, 0.07625584504796028, 0.09563759284045031, 0.027090578830786905],
    wOut: [-0.03285562266012074, 0.0984700343189118, 0.13926279586296655, 0.05201798513389792, -0.3050413076130964, -0.007671437672811631, 0.29675151668520866, 0.3283424951425836, -0.15885693364959638, 0.11448420901191408, 0.2825690978788508, 0.19086126129013228, 0.16954227208555303, -0.07408389638471538, -0.24959767217426912, -0.1956324992454399, 0.019194177292410783, -0.17365987289656146, -0.20685183681797126, -0.04986517591505857, -0.15594905944139464, -0.08785505272845145, 0.06101248429869596, 0.15378542463510964, -0.04438147510400583, 0.05451625932340211, 0.1032919963434851, 0.057101548280814776],
  },
  float32: {
    losses: [16.65707778930664, 16.551698684692383, 16.31403350830078],
    wIn: [0.004415709525346756, 0.10644594579935074, 0.11061026901006699, 0.01308002695441246, -0.09589242935180664, -0.027941549196839333, 0.06569866091012955, 0.09893582761287689, 0.2527998089790344, -0.18014904856681824, -0.44746971130371094, -0.303388774394989, -0.006656093522906303, 0.0689101368188858, 0.08112069964408875, 0.01874924637377262, -0.09613975137472153, -0.07509872317314148, 0.014987721107900143, 0.09129452705383301, 0.2823692560195923, 0.029742531478405, -0.2502293288707733, -0.30014151334762573, -0.013235175050795078, 0.07625584304332733, 0.09563758969306946, 0.02709057927131653],
    wOut: [-0.03285561501979828, 0.0984700545668602, 0.13926279544830322, 0.052017997950315475, -0.3050413131713867, -0.0076714567840099335, 0.2967514991760254, 0.3283424973487854, -0.15885692834854126, 0.11448422074317932, 0.2825690805912018, 0.1908612698316574, 0.16954226791858673, -0.07408388704061508, -0.2495976984500885, -0.19563250243663788, 0.01919417455792427, -0.17365986108779907, -0.20685182511806488, -0.04986517131328583, -0.15594907104969025, -0.08785504102706909, 0.06101250275969505, 0.15378542244434357, -0.04438147693872452, 0.054516274482011795, 0.10329200327396393, 0.0571015439927578],
  },
};

describe('word2vec skip-gram with negative sampling: sparse updates of the picked rows', () => {
  for (const [dtype, tolerance] of [['float64', 1e-13], ['float32', 1e-5]] as const) {
    it(`three steps of inc_subtensor(W[idx], -lr * g) with repeated indices are NumPy's np.add.at (${dtype})`, async () => {
      const model = new SkipGram(sym.shared(sym.array(wIn0, { dtype }), { name: 'wIn' }), sym.shared(sym.array(wOut0, { dtype }), { name: 'wOut' }));
      const train = model.trainFunction(0.5);
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) losses.push((await train(center, context, negatives)).item());
      const want = WANT[dtype];
      expect(maxAbsDiff(losses, want.losses)).toBeLessThan(tolerance * 20);
      expect(model.wIn.getValue().dtype).toBe(dtype);
      expect(maxAbsDiff(model.wIn.getValue().data as ArrayLike<number>, want.wIn)).toBeLessThan(tolerance);
      expect(maxAbsDiff(model.wOut.getValue().data as ArrayLike<number>, want.wOut)).toBeLessThan(tolerance);
      // the rows no center picked (1, 4, 6) are as they were
      for (const row of [1, 4, 6]) expect(Array.from(model.wIn.getValue().data as ArrayLike<number>).slice(row * D, row * D + D)).toEqual(Array.from(sym.array(wIn0[row]!, { dtype }).data as ArrayLike<number>));
    });
  }
  it('a center index out of range is IndexError, nothing written', async () => {
    const model = new SkipGram(sym.shared(sym.array(wIn0), { name: 'wIn' }), sym.shared(sym.array(wOut0), { name: 'wOut' }));
    const train = model.trainFunction(0.5);
    await expect(train([0, 7, 2, 5, 0, 3], context, negatives)).rejects.toThrow(/index 7 .*out of bounds for axis 0 with size 7/);
    expect(Array.from(model.wIn.getValue().data as ArrayLike<number>)).toEqual(wIn0.flat());
  });
});
