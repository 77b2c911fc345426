import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { SEQ2SEQ_PARAM_NAMES, Seq2SeqAttention } from './seq2seq-attention.js';
import { centralDifferences, maxAbsDiff, useFloat64, useFloatX } from './test-support.js';

const sizes = { vocabulary: 5, embedding: 3, hidden: 4, attention: 3 };
// time x batch
const source = [[1, 2], [3, 0], [4, 4], [2, 1]];
const targetIn = [[0, 0], [2, 3], [1, 4]];
const targetOut = [[2, 3], [1, 4], [3, 1]];

// NumPy (python3; .audit's s2s.py): the same loops written out, gradients by complex-step differentiation
const COST = 1.6982308459935267;
const ATTENTION = [
  [0.23597069375115456, 0.2623507714218342, 0.24596550691028388, 0.2557130279167273, 0.2721009622593599, 0.2395490147316794, 0.26361328598965755, 0.22473673701930313],
  [0.23571022144658785, 0.2626038683464744, 0.2457290660116677, 0.25595684419527004, 0.2727303936501967, 0.23749339709953332, 0.2649612939945388, 0.2248149152557311],
  [0.235785107431641, 0.26284154857167497, 0.24542128405025057, 0.25595205994643355, 0.2728934595780507, 0.23744455189491354, 0.26490846381289584, 0.22475352471413987],
];
const GRADIENTS: Partial<Record<(typeof SEQ2SEQ_PARAM_NAMES)[number], number[]>> = {
  Es: [
    0.008035719825578816, 0.0007089086643915938, -0.007371448770185324, 0.014673037097404543, 0.06379908606560115, 0.04510883377351889, 0.002719522492158202,
    -0.01798475928460061, -0.01957184160047747, 0.003910542524248557, -0.021546442435498574, -0.024100277500738506, -0.029509594477504987, 0.021159771540366353,
    0.04933700593264275,
  ],
  Wh: [
    0.0203815624945063, 0.04608645930639289, 0.014684436087262715, -0.035933420926883085, -0.013298377586824589, 0.0057128171909005005, 0.023734079732392888,
    0.013195624954947117, -0.02550649604417297, -0.04300959088615209, -0.005199116487876924, 0.041239889465851685, -0.002730062963723862, -0.030350556804828538,
    -0.025208226137587803, 0.011554073976715732,
  ],
  Wa: [
    0.0003708351781248352, 0.00012190632466005396, -0.00013936177042112743, -6.399670606842642e-5, -0.00039583738972905286, 0.00012564961489876887,
    -0.00037018908593684167, -0.00030969612827064073, 0.0002023570493683541, -0.00016228056982407464, 0.00019977806256587152, -2.0965068835113523e-5,
  ],
  va: [0.0067598403473565815, 0.007106337694726683, -0.0024397271602889553],
  bo: [0.2616852058961447, -0.1857816950332165, -0.05005665354447059, -0.15118583456011736, 0.12533897724165982],
};

async function checkAgainstNumPy(tolerance: number): Promise<void> {
  const model = new Seq2SeqAttention(sizes);
  const [cost, attention, ...grads] = await model.build()(source, targetIn, targetOut);
  expect(cost!.dtype).toBe(sym.config.floatX);
  expect(Math.abs(cost!.item() - COST)).toBeLessThan(tolerance);
  expect(attention!.shape).toEqual([3, 2, 4]);
  expect(maxAbsDiff(attention!.data as ArrayLike<number>, ATTENTION.flat())).toBeLessThan(tolerance);
  for (const [name, want] of Object.entries(GRADIENTS)) {
    const got = grads[SEQ2SEQ_PARAM_NAMES.indexOf(name as (typeof SEQ2SEQ_PARAM_NAMES)[number])]!;
    expect(maxAbsDiff(got.data as ArrayLike<number>, want), name).toBeLessThan(tolerance);
  }
}

describe('seq2seq with additive attention: encoder and decoder scans, teacher forcing', () => {
  describe('float64', () => {
    useFloat64();
    it('the cost, every attention weight and five parameters’ gradients match NumPy', async () => {
      await checkAgainstNumPy(1e-13);
    });

    it('every gradient matches central differences of the compiled cost', async () => {
      const model = new Seq2SeqAttention(sizes);
      const [cost] = model.cost();
      const f = sym.function([model.source, model.targetIn, model.targetOut], cost);
      const grads = (await model.build()(source, targetIn, targetOut)).slice(2);
      for (const [k, p] of model.params.entries()) {
        const value = p.getValue();
        const values = value.data as Float64Array;
        const numeric = centralDifferences(values, () => {
          p.setValue(value);
          return f.sync(source, targetIn, targetOut).item();
        });
        p.setValue(value);
        expect(maxAbsDiff(grads[k]!.data as ArrayLike<number>, numeric), SEQ2SEQ_PARAM_NAMES[k]).toBeLessThan(1e-8);
      }
    });
  });

  describe('float32', () => {
    useFloatX('float32');
    it('the same in float32, to 1e-5 of the float64 reference', async () => {
      await checkAgainstNumPy(1e-5);
    });
  });
});
