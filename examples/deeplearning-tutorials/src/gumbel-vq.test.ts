import * as sym from '@sym/graph';
import { describe, expect, it } from 'vitest';
import { GumbelSoftmaxVae, buildGumbelVae } from './gumbel-softmax-vae.js';
import { VqVae, buildVqVae } from './vq-vae.js';
import { maxAbsDiff, useFloatX } from './test-support.js';

const r = <V>(n: number, f: (i: number) => V): V[] => Array.from({ length: n }, (_, i) => f(i));
const flat = (a: sym.NDArray): number[] => Array.from(a.data as ArrayLike<number>);

// the Gumbel-softmax VAE: 4 binary rows of 6, 2 latents of 3 classes, tau 0.7
const [B, NIN, L, K] = [4, 6, 2, 3];
const x = r(B, (b) => r(NIN, (i) => (Math.sin(1.3 * b + 0.9 * i) > 0 ? 1 : 0)));
const gumbelValues = {
  We: r(NIN, (i) => r(L * K, (j) => 0.5 * Math.sin(0.7 * i + 1.1 * j + 0.3))),
  be: r(L * K, (j) => 0.1 * Math.cos(j)),
  Wd: r(L * K, (j) => r(NIN, (i) => 0.4 * Math.cos(0.6 * j - 0.8 * i + 0.2))),
  bd: r(NIN, (i) => 0.05 * i - 0.1),
};
const u = r(B, (b) => r(L, (l) => r(K, (k) => 0.1 + 0.8 * (0.5 + 0.5 * Math.sin(1.37 * (b * 6 + l * 3 + k) + 0.4)))));
const gumbel = (straightThrough: boolean) => new GumbelSoftmaxVae(gumbelValues, { latents: L, classes: K, tau: 0.7, straightThrough }, 3);

// the VQ-VAE: 5 rows of 4, codes of 2, a codebook of 3, beta 0.25, SGD at 0.2
const x2 = r(5, (b) => r(4, (i) => Math.sin(0.8 * b + 1.2 * i) + 0.3 * Math.cos(2.0 * b)));
const vqValues = {
  We: r(4, (i) => r(2, (j) => 0.6 * Math.cos(0.9 * i + 1.4 * j + 0.1))),
  be: [0.1, -0.05],
  E: r(3, (k) => r(2, (d) => 0.5 * Math.sin(1.7 * k + 0.6 * d + 0.2))),
  Wd: r(2, (d) => r(4, (i) => 0.7 * Math.sin(0.5 * d + 0.8 * i - 0.3))),
  bd: r(4, (i) => 0.02 * i),
};

for (const [dtype, tolerance] of [['float64', 1e-12], ['float32', 1e-5]] as const) {
  describe(`a Gumbel-softmax VAE and a VQ-VAE: straight-through estimators by zeroGrad and disconnectedGrad (${dtype})`, () => {
    useFloatX(dtype);

    for (const kind of ['relaxed', 'straightThrough'] as const) {
      it(`Gumbel-softmax (${kind}): the negative ELBO and its four gradients at given uniforms, as NumPy`, async () => {
        const [loss, ...grads] = await buildGumbelVae(gumbel(kind === 'straightThrough'), 0.1).lossAndGrads(x, u);
        expect(Math.abs(loss!.item() - GUMBEL[kind].loss)).toBeLessThan(tolerance);
        grads.forEach((g, i) => expect(maxAbsDiff(flat(g), GUMBEL[kind].grads[i]!)).toBeLessThan(tolerance));
      });
    }

    it("VQ-VAE: the loss, its three terms, the codes (argmin) and the five gradients, the codebook's from its own term only, as NumPy", async () => {
      const [loss, reconstruction, codebook, commitment, codes, ...grads] = await buildVqVae(new VqVae(vqValues, 0.25), 0.2).lossAndGrads(x2);
      expect(flat(codes!)).toEqual(CODES);
      expect(Math.abs(loss!.item() - VQ.loss)).toBeLessThan(tolerance);
      expect(maxAbsDiff([reconstruction!.item(), codebook!.item(), commitment!.item()], VQ.terms)).toBeLessThan(tolerance);
      grads.forEach((g, i) => expect(maxAbsDiff(flat(g), VQ.grads[i]!)).toBeLessThan(tolerance));
    });

    it('VQ-VAE: three SGD steps, the codes changing at the third, as NumPy', async () => {
      const model = new VqVae(vqValues, 0.25);
      const { train } = buildVqVae(model, 0.2);
      for (const [step, want] of VQ.stepLosses.entries()) {
        const [loss, codes] = await train(x2);
        expect(Math.abs(loss!.item() - want)).toBeLessThan(tolerance);
        expect(flat(codes!)).toEqual(STEP_CODES[step]);
      }
      const params = await Promise.all(model.params.map((p) => p.getValueAsync()));
      params.forEach((p, i) => expect(maxAbsDiff(flat(p), VQ.params[i]!)).toBeLessThan(tolerance));
    });
  });
}

describe('a Gumbel-softmax VAE drawing its uniforms (float64)', () => {
  useFloatX('float64');
  it('a step drawing u in the function is the step at the u it drew; the same seed draws the same u', async () => {
    const model = gumbel(true);
    const { train } = buildGumbelVae(model, 0.1);
    const [loss, drawn] = await train(x);
    expect(drawn!.shape).toEqual([B, L, K]);
    expect(flat(drawn!).every((v) => v >= 0 && v < 1)).toBe(true);
    const [lossAt, ...grads] = await buildGumbelVae(gumbel(true), 0.1).lossAndGrads(x, drawn!);
    expect(Math.abs(loss!.item() - lossAt!.item())).toBeLessThan(1e-12);
    const params = await Promise.all(model.params.map((p) => p.getValueAsync()));
    const before = Object.values(gumbelValues).map((v) => v.flat());
    params.forEach((p, i) => expect(maxAbsDiff(flat(p), before[i]!.map((w, k) => w - 0.1 * grads[i]!.data[k]!))).toBeLessThan(1e-12));
    const [, again] = await buildGumbelVae(gumbel(true), 0.1).train(x);
    expect(flat(again!)).toEqual(flat(drawn!));
  });
});

/**
 * NumPy (python3; .audit's gumbel_vq_ref.py): both models written out, the stop-gradient as the real
 * part (forward the value, no derivative), argmin by the real part, the gradients by complex-step
 * differentiation (exact to rounding).
 */
const GUMBEL = {
  relaxed: {
    loss: 4.7284992059842255,
    grads: [
      [
        -0.0031492475019333313, 0.00987345898557483, -0.006724211483641505, -0.031139742798905194, -0.06598854653910391, 0.0971282893380091, 0.10228514580545589,
        -0.036642836312856815, -0.0656423094925991, -0.0812973786582627, -0.10540064570560642, 0.1866980243638692, 0.10228514580545589, -0.036642836312856815,
        -0.0656423094925991, -0.0812973786582627, -0.10540064570560642, 0.1866980243638692, 0.16067060650518045, -0.08215696832143704, -0.07851363818374343,
        -0.05946480790927047, -0.006509483260461224, 0.06597429116973173, 0.0740341586048882, -0.027848589214788347, -0.04618556939009985, -0.025378255800945708,
        0.03911987005798999, -0.013741614257044293, 0.055236213197791206, -0.0356406730230054, -0.019595540174785844, -0.009307172049912974, 0.032902615906041294,
        -0.02359544385612837,
      ],
      [0.1575213590032471, -0.07228350933586221, -0.08523784966738493, -0.09060455070817566, -0.07249802979956513, 0.16310258050774082],
      [
        -0.05486502803670782, -0.11044212361601977, -0.09756503500775451, 0.06463690185419167, 0.1406779902381402, 0.11915633009951586, 0.12209220974970657,
        0.003911982088400927, 0.020135580594847602, -0.11330994096094783, 0.03774376036883562, 0.0038040746766700175, -0.10745822798460467, 0.1456656421350783,
        0.16316004616473895, 0.13018143074076038, 0.10671535967345525, -0.14136182788098542, -0.12765066382012663, 0.13758037809768886, 0.15486585812802628,
        0.15103791402312575, 0.1254269545210565, -0.13343116040311567, -0.06605577331661995, -0.04252589907093772, -0.03637033172448617, 0.07205671362144275,
        0.06838365409901893, 0.0467810079336256, 0.15347539086514073, -0.055918978419291714, -0.0327649346517081, -0.14158623601056433, 0.09132650166035561,
        0.06824872936469054,
      ],
      [-0.04023104627160587, 0.03913550060745945, 0.085730591751832, 0.08150839163400418, 0.285137110280431, -0.018401423104799513],
    ],
  },
  straightThrough: {
    loss: 4.692703818646175,
    grads: [
      [
        -0.0034207789247901045, 0.009940488353832372, -0.006519709429042267, -0.030842894102530535, -0.06514456636547236, 0.09598746046800288, 0.10125502751971656,
        -0.03565138215158307, -0.06560364536813347, -0.08106532499299268, -0.1044915040517051, 0.18555682904469784, 0.10125502751971656, -0.03565138215158307,
        -0.06560364536813347, -0.08106532499299268, -0.1044915040517051, 0.18555682904469784, 0.1596674066900981, -0.08131459090476924, -0.07835281578532889,
        -0.05949935730042237, -0.006520841840529996, 0.0660201991409524, 0.07389972823790518, -0.0278440556992575, -0.04605567253864767, -0.02541602863322415,
        0.03907679762030135, -0.013660768987077207, 0.05499160024559145, -0.0357227203993538, -0.019268879846237687, -0.009276926409960237, 0.03282609584570273,
        -0.02354916943574254,
      ],
      [0.156246627765308, -0.07137410255093687, -0.08487252521437115, -0.09034225140295292, -0.07166540820600235, 0.1620076596089553],
      [
        -0.12816987463290508, -0.11320684048810874, -0.10736174705577199, 0.1378683850833008, 0.1271333707844901, 0.11885494332093931, 0.2225319349391221,
        0.006878577654155264, 0.03317848383359389, -0.2107031716866891, 0.025540893421380176, 0.003670332940486648, -0.1373639332315585, 0.15117439348715253,
        0.17036291224971367, 0.16337984601631783, 0.13460989130028655, -0.1472125523611461, -0.1373639332315585, 0.15117439348715253, 0.17036291224971367,
        0.16337984601631783, 0.13460989130028655, -0.1472125523611461, -0.12816987463290508, -0.11320684048810874, -0.10736174705577199, 0.1378683850833008,
        0.1271333707844901, 0.11885494332093931, 0.2225319349391221, 0.006878577654155264, 0.03317848383359389, -0.2107031716866891, 0.025540893421380176,
        0.003670332940486648,
      ],
      [-0.04300187292534149, 0.0448461306531991, 0.09617964902753558, 0.09054505941292953, 0.28728415550615677, -0.024687276099720185],
    ],
  },
};
const CODES = [2,  1,  1,  1,  0];
const STEP_CODES = [[2,  1,  1,  1,  0],  [2,  1,  1,  1,  0],  [2,  1,  1,  2,  2]];
const VQ = {
  loss: 4.215046762411698,
  terms: [3.829829744474617, 0.30817361434966484, 0.30817361434966484],
  grads: [
    [
      0.45220546825451763, 0.7105566975067402, -0.6580127687898324, -0.5350716192094647, -1.02230198129089, -1.218778607094487, -0.1760897862904584,
      -0.4686433480783361,
    ],
    [0.6206387350614839, 1.1340906296143236],
    [0.19420385195464818, -0.08610480300184666, -0.3937372440139675, -0.10618040663660283, -0.2946073198598538, 0.14848850884999384],
    [
      -0.445422223509237, 0.2426902441280915, 0.8318448185463526, 0.6639518917898168, -0.2288969913403594, 0.48518043017398127, 0.8110784293431826,
      0.4065824507134623,
    ],
    [-1.084709828029672, 0.005254885844320889, 1.2712982050468227, 1.2878215399545032],
  ],
  stepLosses: [4.215046762411698, 3.310989389362753, 2.570296627023283],
  params: [
    [
      0.4027171722797405, -0.1642614775635891, 0.5345590591707886, -0.12216532725116637, 0.21243716510258304, -0.06939604497069857, -0.42151717997733307,
      -0.15105191389870135,
    ],
    [-0.09974552851338614, -0.38306170434795855],
    [0.003654122509830264, 0.36255735008826684, 0.5940986975346632, 0.1309901655274764, -0.0676676177192232, -0.47231913410352094],
    [
      -0.017507656920275193, 0.2652443697302628, 0.3150685326772522, 0.2506085295930153, 0.2065826774131234, 0.37507042520415057, 0.30734983432589225,
      0.11349218165355662,
    ],
    [0.4269673675877843, 0.10843731202890344, -0.3292007482154168, -0.3600569148034236],
  ],
};
