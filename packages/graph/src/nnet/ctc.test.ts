/**
 * ctc.ts against a NumPy reference (written out): warp-ctc's loss as a dynamic program in log space, itself checked
 * against the sum over every alignment enumerated for small cases and its gradient against finite differences. The
 * numbers below are that reference's (float64, and float32 activations where said). Activations are either written
 * out or `scale * sin(0.37 (t + 1)(k + 1) + 1.7 b + 0.3 k^2)` at time t, example b, symbol k (the same formula in
 * NumPy).
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { grad, verifyGrad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as {
  grad: (cost: V, wrt: V) => V;
  verifyGrad: (f: (...xs: V[]) => V, pts: sym.NestedArray[]) => Promise<{ maxAbsErr: number }>;
};

const formula = (steps: number, batch: number, alphabet: number, scale: number): number[][][] =>
  Array.from({ length: steps }, (_, t) => Array.from({ length: batch }, (_, b) => Array.from({ length: alphabet }, (_, k) => scale * Math.sin(0.37 * (t + 1) * (k + 1) + 1.7 * b + 0.3 * k * k))));
// 1 + (7 j^2 + 3 j + 5 b) % (alphabet - 1): many repeated neighbours
const labelsFor = (batch: number, length: number, alphabet: number): number[][] =>
  Array.from({ length: batch }, (_, b) => Array.from({ length }, (_, j) => 1 + ((7 * j * j + 3 * j + 5 * b) % (alphabet - 1))));

const A_ACTS = [[[0.346, 0.822, 0.33, -1.303, 0.905], [0.446, -0.537, 0.581, 0.365, 0.294], [0.028, 0.547, -0.736, -0.163, -0.482], [0.599, 0.04, -0.292, -0.782, -0.257]], [[0.008, -0.276, 1.294, 1.007, -2.711], [-1.889, -0.175, -0.422, 0.214, 0.217], [2.118, -1.112, -0.378, 2.043, 0.647], [0.663, -0.514, -1.648, 0.167, 0.109]], [[-1.227, -0.683, -0.072, -0.945, -0.098], [0.095, 0.036, -0.506, 0.594, 0.891], [0.321, -0.818, 0.732, -0.501, 0.879], [-1.072, 0.914, -0.02, -1.249, -0.314]], [[0.054, 0.273, -0.982, -1.107, 0.2], [-0.467, 0.236, 0.76, -1.649, 0.254], [1.225, -0.298, -0.811, 0.752, 0.253], [0.896, -0.345, -1.482, -0.11, -0.446]], [[0.775, 0.194, -1.631, -1.195, 0.884], [0.68, -0.64, -0.001, 0.446, 0.468], [0.876, 0.256, -0.095, -0.259, 1.056], [-2.251, -0.139, 0.033, -1.425, 0.333]], [[-0.651, 0.862, -0.126, 0.669, 1.219], [0.383, -0.876, -1.514, 1.753, -0.111], [-0.689, 0.144, -0.191, 0.852, 0.034], [0.014, -0.715, 0.47, -1.034, 0.666]]];
const A_COST = [6.923302685178901, 3.3696310215359184, 2.3440369761096065, Infinity];
const A_GRAD = [[[0.092766249552, -0.621282410703, 0.177803507993, 0.034732611312, 0.315980041846], [-0.068390191622, 0.087022108568, 0.26617718814, -0.484578206734, 0.199769101648], [-0.781314368009, 0.367467628177, 0.101863657524, 0.180663327148, 0.13131975516], [0.0, 0.0, 0.0, 0.0, 0.0]], [[-0.035279810505, -0.108550267219, -0.197351920572, 0.33309365681, 0.008088341486], [0.002754536221, -0.184237429686, 0.158874132388, -0.27839184206, 0.301000603137], [-0.561290109176, 0.017354265975, 0.036155835264, 0.4070102436, 0.100769764338], [0.0, 0.0, 0.0, 0.0, 0.0]], [[-0.071892062589, 0.134632668514, -0.491071617661, 0.128526097513, 0.299804914223], [-0.042164349024, -0.652123841713, 0.086276789961, 0.259189801055, 0.348821599721], [0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]], [[-0.482919423674, 0.305849966359, -0.184194217265, 0.07694529199, 0.28431838259], [0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]], [[-0.55891633914, 0.192600925573, -0.065696173802, 0.048020130338, 0.383991457032], [0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]], [[-0.000543127695, 0.260004540973, -0.845386285879, 0.214369057226, 0.371555815375], [0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]]];
const E_ACTS = [[[0.189, -0.523, -0.413, -2.441], [1.8, 1.144, -0.325, 0.774], [0.281, -0.554, 0.978, -0.311], [-0.329, -0.792, 0.455, -0.099], [0.545, -0.607, 0.127, -0.892]], [[0.841, 0.188, 0.331, 0.411], [-1.011, 0.783, 2.057, -1.638], [-1.729, -1.505, 0.841, 0.129], [1.078, 0.722, 0.211, 0.284], [-0.17, 0.868, -1.13, -0.422]], [[0.243, 1.801, -0.764, -1.079], [-0.563, 0.969, -0.235, 1.324], [-1.873, 1.129, 1.035, -1.419], [0.154, 1.216, 0.088, 1.0], [2.375, 0.274, -0.28, -0.771]], [[0.648, -0.197, -0.179, -0.105], [0.65, -1.066, -1.53, -2.434], [1.199, 0.074, 1.51, -0.009], [-0.742, 0.478, -0.077, -1.254], [-0.885, 1.767, 0.354, 0.416]], [[-0.277, -0.69, 0.892, -0.105], [-0.759, -0.134, -0.906, 0.19], [1.129, -0.836, 1.429, -0.668], [0.153, -0.836, -0.222, 0.047], [-0.435, -0.703, -0.678, -0.821]]];
const E_COST = [8.491935334382369, 8.267249586531717, Infinity, 6.588970915710199, -0.0];
const E_GRAD = [[[0.473831368263, -0.767509004502, 0.259524599854, 0.034153036385], [0.500802862935, -0.740121935974, 0.059812372437, 0.179506700602], [0.0, 0.0, 0.0, 0.0], [0.196919847794, 0.123939901396, 0.431296928422, -0.752156677612], [0.0, 0.0, 0.0, 0.0]], [[0.360817179637, 0.187798842345, -0.783330878868, 0.234714856886], [-0.965572458592, 0.207028583105, 0.740152959132, 0.018390916355], [0.0, 0.0, 0.0, 0.0], [-0.61130571033, 0.272269707556, 0.163333340597, 0.175702662177], [0.0, 0.0, 0.0, 0.0]], [[0.156709650061, 0.744263196116, 0.057248115823, -0.958220962], [0.07344758401, -0.660127003169, 0.101959126165, 0.484720292994], [0.0, 0.0, 0.0, 0.0], [0.139692365834, 0.404011207095, 0.130770335163, -0.674473908091], [0.0, 0.0, 0.0, 0.0]], [[0.42774008519, -0.816261099005, 0.187076146316, 0.201444867499], [0.747048506009, 0.134307254264, -0.915552493418, 0.034196733145], [0.0, 0.0, 0.0, 0.0], [-0.855720134887, 0.488702989321, 0.280550830133, 0.086466315433], [0.0, 0.0, 0.0, 0.0]], [[0.164795893456, 0.109039227065, -0.469559550183, 0.195724429662], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.337990575273, 0.125715071792, 0.232297298717, -0.696002945782], [0.0, 0.0, 0.0, 0.0]]];
const F_COST = [33.803226651872706, 25.961271371989028, 16.105768182473167];
const F_COST32 = [33.80322650510411, 25.96127138348105, 16.10576835870344];
const F_GRAD_ROWS: Record<number, number[][]> = { 0: [[-0.142513735181181, -0.34057195765243786, 0.29537376653388636, 0.012025593891337089, 0.1380365783348458, 0.03764975407355796], [-0.5474392948319637, 0.1495193095673333, 0.014865662483811746, 0.031216772787090112, 0.3972735088874237, -0.045435958893707606], [-0.46522227906673275, 0.01346190640175042, -0.4750293615896756, 0.6336699753818742, 0.02866197013462963, 0.26445778873815584]], 6: [[-0.1549651803996397, 0.026682854029844265, -0.21208777647241484, 0.29941109826326595, 0.019985084046548, 0.02097392053239766], [-0.006652354897641717, -0.05652118762671027, -0.3389828361401341, 0.1428935551518247, 0.22536858686990416, 0.03389423664274883], [-0.7513537421178274, 0.1801529924568727, -0.1695405877059113, 0.016298854633015235, 0.2837712783566451, 0.4406712043772074]], 29: [[-0.22953596682929026, -0.6071495384327441, 0.3562694172298515, 0.333114855324925, 0.1010286661228971, 0.04627256658436175], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]] };
const F_ABS_SUM = [32.526759694153924, 22.51685214558836, 11.380621642144074];
const L_COST = [753.7309470854618, 598.0446977727834];
const L_COST32 = [753.7309474374109, 598.0446985980412];
const L_ABS_SUM = [421.4710546737084, 317.0771575544221];
const L_GRAD_ROW_100 = [[-0.004243487143235617, -0.256649478491987, 0.009641304414260723, 0.24873589052193823, 0.002515770698715899], [-0.29775856410382734, 0.3486160063288066, -0.05229130863760861, 0.0014314381890595403, 2.428223619518403e-06]];

/** The costs and the gradient of their sum with respect to the activations. */
function ctcWithGrad(dtype: 'float32' | 'float64') {
  const acts = T.tensor3('acts', dtype);
  const labels = T.imatrix('labels');
  const lens = T.ivector('lens');
  const cost = T.nnet.ctc(acts, labels, lens);
  return sym.function([acts, labels, lens], [cost, grad(T.sum(cost), acts)]);
}

function expectAllClose(got: ArrayLike<number>, want: readonly number[], tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  want.forEach((w, i) => {
    if (!Number.isFinite(w)) expect(got[i], `${what}[${i}]`).toBe(w);
    else expect(Math.abs(got[i]! - w), `${what}[${i}]: ${got[i]} vs ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
  });
}

const run = (f: ReturnType<typeof ctcWithGrad>, ...args: unknown[]) => f.sync(...args) as sym.NDArray[];

describe('nnet.ctc', () => {
  const f64 = ctcWithGrad('float64');
  const f32 = ctcWithGrad('float32');

  it('gives the NumPy costs and gradients: repeated labels, padding inside a row, an empty sequence, an impossible one', () => {
    // rows: 1 2 2 over 6 steps; 3 1 (padding between) over 3; the empty sequence over 2; 4 4 4 4 over 6 (needs 7)
    const [cost, g] = run(f64, A_ACTS, [[1, 2, 2, -1], [3, -1, 1, -1], [-1, -1, -1, -1], [4, 4, 4, 4]], [6, 3, 2, 6]);
    expectAllClose(cost!.data, A_COST, 1e-13, 'cost');
    expectAllClose(g!.data, A_GRAD.flat(2), 1e-12, 'grad');
    // steps past an example's length get no gradient, and the impossible example none at all: +inf, not NaN, and
    // the others' gradients are what they are alone
    expect(Array.from(g!.data).every(Number.isFinite)).toBe(true);
    const at = (t: number, b: number) => Array.from(g!.data.slice((t * 4 + b) * 5, (t * 4 + b + 1) * 5));
    for (let t = 0; t < 6; t++) expect(at(t, 3)).toEqual([0, 0, 0, 0, 0]);
    for (let t = 3; t < 6; t++) expect(at(t, 1)).toEqual([0, 0, 0, 0, 0]);
  });

  it('is finite exactly when the steps cover the labels and their repeated neighbours', () => {
    // 1 2 3 1 2 in 5 steps; 1 1 2 in 4 (L + repeats = 4) and in 3 (impossible); 3 3 3 in 5; the empty sequence in 0 steps
    const labels = [[1, 2, 3, 1, 2], [1, 1, 2, -1, -1], [1, 1, 2, -1, -1], [3, 3, 3, -1, -1], [-1, -1, -1, -1, -1]];
    const [cost, g] = run(f64, E_ACTS, labels, [5, 4, 3, 5, 0]);
    expectAllClose(cost!.data, E_COST, 1e-13, 'cost');
    expect(Object.is(cost!.data[4], 0)).toBe(true);
    expectAllClose(g!.data, E_GRAD.flat(2), 1e-12, 'grad');
  });

  it('gives the same in float32, within float32 rounding of the float32 activations', () => {
    const acts = formula(30, 3, 6, 2);
    const labels = [[1, 2, 2, 3, 5, 5, 5, 4, 1, -1, -1, -1], [5, 4, 3, 2, 1, 2, 3, 4, 5, 1, 2, 3], [2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1]];
    const [c64, g64] = run(f64, acts, labels, [30, 25, 7]);
    expectAllClose(c64!.data, F_COST, 1e-12, 'float64 cost');
    const [c32, g32] = run(f32, acts, labels, [30, 25, 7]);
    expect(c32!.dtype).toBe('float32');
    expectAllClose(c32!.data, F_COST32, 2e-6, 'float32 cost');
    for (const [t, row] of Object.entries(F_GRAD_ROWS)) {
      const from = Number(t) * 18;
      expectAllClose(g64!.data.slice(from, from + 18), row.flat(), 1e-11, `float64 grad[${t}]`);
      expectAllClose(g32!.data.slice(from, from + 18), row.flat(), 2e-5, `float32 grad[${t}]`);
    }
    const absSum = (g: sym.NDArray, b: number) => Array.from(g.data).reduce((s, v, i) => (Math.floor(i / 6) % 3 === b ? s + Math.abs(v) : s), 0);
    expectAllClose([0, 1, 2].map((b) => absSum(g64!, b)), F_ABS_SUM, 1e-11, 'float64 |grad|');
    expectAllClose([0, 1, 2].map((b) => absSum(g32!, b)), F_ABS_SUM, 2e-5, 'float32 |grad|');
  });

  it('stays finite over long sequences whose probability underflows even float64 (log space)', () => {
    // likelihoods near e^-754 and e^-598; 60 labels with 30 repeated neighbours over 400 and 300 steps
    const acts = formula(400, 2, 5, 6);
    const labels = labelsFor(2, 60, 5);
    for (const [f, want, tol] of [
      [f64, L_COST, 1e-11],
      [f32, L_COST32, 1e-6],
    ] as const) {
      const [cost, g] = run(f, acts, labels, [400, 300]);
      expectAllClose(cost!.data, want, tol, `${cost!.dtype} cost`);
      expect(Array.from(g!.data).every(Number.isFinite)).toBe(true);
      expectAllClose(g!.data.slice(100 * 10, 101 * 10), L_GRAD_ROW_100.flat(), cost!.dtype === 'float64' ? 1e-10 : 1e-4, `${cost!.dtype} grad[100]`);
      const absSum = (b: number) => Array.from(g!.data).reduce((s, v, i) => (Math.floor(i / 5) % 2 === b ? s + Math.abs(v) : s), 0);
      expectAllClose([absSum(0), absSum(1)], L_ABS_SUM, cost!.dtype === 'float64' ? 1e-10 : 1e-4, `${cost!.dtype} |grad|`);
    }
  });

  it('differentiates in the activations (finite differences agree)', async () => {
    const labels = T.constant(sym.array([[2, 2, 1], [3, -1, -1]], { dtype: 'int32' }));
    const lens = T.constant(sym.array([5, 4], { dtype: 'int32' }));
    const weights = T.constant(sym.array([0.7, -1.3], { dtype: 'float64' }));
    const r = await verifyGrad((a) => T.sum(T.mul(T.nnet.ctc(a, labels, lens), weights)), [formula(5, 2, 4, 1.5)]);
    expect(r.maxAbsErr).toBeLessThan(1e-6);
  });

  it('differentiates twice: its gradient in a direction, against finite differences (a Hessian-vector product)', async () => {
    const labels = T.constant(sym.array([[2, 2, 1], [3, -1, -1]], { dtype: 'int32' }));
    const lens = T.constant(sym.array([5, 4], { dtype: 'int32' }));
    const v = T.constant(sym.array(formula(5, 2, 4, 0.8).map((r) => r.map((c) => c.map(Math.cos)))));
    // the gradient reads the beta recursion; once it read it as an output whose own gradient was dropped (0.28 for -0.13)
    const r = await verifyGrad((a) => T.sum(T.mul(grad(T.sum(T.nnet.ctc(a, labels, lens)), a), v)), [formula(5, 2, 4, 1.5)]);
    expect(r.maxAbsErr).toBeLessThan(1e-6);
  });

  it('takes labels and lengths of any integer dtype', () => {
    const acts = T.dtensor3('acts');
    const make = (labelType: sym.DType, lengthType: sym.DType) => {
      const labels = T.matrix('labels', labelType);
      const lens = T.vector('lens', lengthType);
      return sym.function([acts, labels, lens], T.nnet.ctc(acts, labels, lens));
    };
    // the second case's examples 0, 1 and 3
    const acts3 = E_ACTS.map((row) => [row[0]!, row[1]!, row[3]!]);
    const want = [E_COST[0]!, E_COST[1]!, E_COST[3]!];
    for (const [l, n] of [['int64', 'uint8'], ['int8', 'int64']] as const) {
      expectAllClose((make(l, n).sync(acts3, [[1, 2, 3, 1, 2], [1, 1, 2, -1, -1], [3, 3, 3, -1, -1]], [5, 4, 5]) as sym.NDArray).data, want, 1e-13, `${l} labels`);
    }
    // unsigned labels have no padding, and a 0 among them is the blank, refused (not taken as 255 + 1)
    expect(() => make('uint8', 'uint8').sync(acts3, [[1, 2, 3, 1, 2], [1, 1, 2, 0, 0], [3, 3, 3, 1, 1]], [5, 4, 5])).toThrow('ctc: label 0 (labels[1, 3]) is outside [1, 4)');
  });

  it('reads no activation past an example length', () => {
    const acts = formula(6, 2, 5, 1);
    const fouled = acts.map((row, t) => row.map((v, b) => (t >= (b === 0 ? 6 : 3) ? v.map(() => NaN) : v)));
    const labels = [[1, 2], [3, -1]];
    const [cost, g] = run(f64, acts, labels, [6, 3]);
    const [costF, gF] = run(f64, fouled, labels, [6, 3]);
    expect(Array.from(costF!.data)).toEqual(Array.from(cost!.data));
    expect(Array.from(gF!.data)).toEqual(Array.from(g!.data));
  });

  it('handles no time steps and labels of no columns', () => {
    const none = sym.array(new Float64Array(0), { dtype: 'float64' }).reshape([0, 2, 4]);
    expect(Array.from(run(f64, none, [[-1], [2]], [0, 0])[0]!.data)).toEqual([0, Infinity]);
    const noLabels = sym.array(new Int32Array(0), { dtype: 'int32' }).reshape([2, 0]);
    const acts = formula(3, 2, 4, 1);
    // the empty sequence: every step blank
    const blank = acts.map((row) => row.map((v) => v[0]! - Math.log(v.reduce((s, x) => s + Math.exp(x), 0))));
    const [cost] = run(f64, acts, noLabels, [3, 2]);
    expectAllClose(cost!.data, [-(blank[0]![0]! + blank[1]![0]! + blank[2]![0]!), -(blank[0]![1]! + blank[1]![1]!)], 1e-14, 'cost');
  });

  it('takes an alphabet of the blank alone when every label is padding, and refuses an empty alphabet (its log-softmax has no max)', () => {
    // one symbol: every path is all blanks, so the cost is minus the sum of log-softmax(x)[0] = 0 over the steps
    const acts = formula(3, 2, 1, 1);
    const [cost] = run(f64, acts, [[-1, -1], [-1, -1]], [3, 1]);
    expect(Array.from(cost!.data)).toEqual([0, 0]);
    const [x, labels, lens] = [T.dtensor3('acts'), T.imatrix('labels'), T.ivector('lens')];
    const g = sym.function([x, labels, lens], T.nnet.ctc(x, labels, lens));
    expect(() => g.sync(acts, [[1, -1], [-1, -1]], [3, 1])).toThrow("ctc: label 1 (labels[0, 0]) is outside [1, 1): labels index the 1 symbols of activations' last axis");
    const empty = sym.array(new Float64Array(0), { dtype: 'float64' }).reshape([3, 2, 0]);
    expect(() => g.sync(empty, [[-1], [-1]], [3, 1])).toThrow('cannot reduce an empty axis 2 of shape (3, 2, 0)');
  });

  it('runs its reference performs (DebugMode) to the same numbers', () => {
    const acts = T.dtensor3('acts');
    const labels = T.imatrix('labels');
    const lens = T.ivector('lens');
    const d = sym.function([acts, labels, lens], T.nnet.ctc(acts, labels, lens), { mode: 'DebugMode' });
    const cost = d.sync(A_ACTS, [[1, 2, 2, -1], [3, -1, 1, -1], [-1, -1, -1, -1], [4, 4, 4, 4]].slice(0, 3).concat([[1, -1, -1, -1]]), [6, 3, 2, 6]) as sym.NDArray;
    expectAllClose(cost.data.slice(0, 3), A_COST.slice(0, 3), 1e-13, 'cost');
    // DebugMode raises on the +inf of an impossible example, as on any inf
    expect(() => d.sync(A_ACTS, [[1, 2, 2, -1], [3, -1, 1, -1], [-1, -1, -1, -1], [4, 4, 4, 4]], [6, 3, 2, 6])).toThrow('produced inf');
  });

  it("is also Theano's module path, nnet.ctc.ctc", () => {
    expect(T.nnet.ctc.ctcAvailable()).toBe(true);
    const acts = T.dtensor3('acts');
    const labels = T.imatrix('labels');
    const lens = T.ivector('lens');
    const f = sym.function([acts, labels, lens], T.nnet.ctc.ctc(acts, labels, lens));
    expectAllClose((f.sync(E_ACTS, [[1, 2, 3, 1, 2], [1, 1, 2, -1, -1], [1, 1, 2, -1, -1], [3, 3, 3, -1, -1], [-1, -1, -1, -1, -1]], [5, 4, 3, 5, 0]) as sym.NDArray).data, E_COST, 1e-13, 'cost');
  });

  it('costs two kernels a time step, and about six with the gradient (the loops unrolled)', () => {
    const acts = T.ftensor3('acts');
    const labels = T.imatrix('labels');
    const lens = T.ivector('lens');
    const cost = T.nnet.ctc(acts, labels, lens);
    const counter = (outputs: V[]) => {
      const f = sym.function([acts, labels, lens], outputs);
      return (steps: number) => f.compiled.kernelCount(formula(steps, 2, 5, 1), [[1, 2], [3, 3]], [steps, steps - 1]);
    };
    // two a step (3 before gathers fused into their readers: the step's row, the recursion's step, the state with its padding)
    const forward = counter([cost]);
    expect(forward(40) - forward(20)).toBe(40);
    // the alpha recursion's as many, and the stacking of both recursions' states (the autodiff of the beta
    // recursion's step took about 15 a step)
    const both = counter([cost, grad(T.sum(cost), acts)]);
    expect(both(40) - both(20)).toBeLessThanOrEqual(140);
  });
});

describe('nnet.ctc refuses', () => {
  const acts = T.dtensor3('acts');
  const labels = T.imatrix('labels');
  const lens = T.ivector('lens');
  it('inputs of the wrong rank or dtype, naming them', () => {
    expect(() => T.nnet.ctc(T.dmatrix('a'), labels, lens)).toThrow('ctc: activations must be a float32 or float64 tensor of shape (time, batch, alphabet), got a of type TensorType(float64, matrix)');
    expect(() => T.nnet.ctc(T.itensor3('a'), labels, lens)).toThrow('ctc: activations must be a float32 or float64 tensor of shape (time, batch, alphabet), got a of type TensorType(int32, 3D)');
    expect(() => T.nnet.ctc(T.tensor3('a', 'float16'), labels, lens)).toThrow('ctc: activations must be a float32 or float64 tensor of shape (time, batch, alphabet), got a of type TensorType(float16, 3D)');
    expect(() => T.nnet.ctc(acts, T.dmatrix('y'), lens)).toThrow('ctc: labels must be an integer matrix of shape (batch, maxLabelLength), got y of type TensorType(float64, matrix)');
    expect(() => T.nnet.ctc(acts, T.ivector('y'), lens)).toThrow('ctc: labels must be an integer matrix');
    expect(() => T.nnet.ctc(acts, labels, T.dvector('n'))).toThrow('ctc: inputLengths must be an integer vector of shape (batch,), got n of type TensorType(float64, vector)');
  });
  it('labels outside [1, alphabet), lengths outside [0, time] and batches that differ, when the function runs', () => {
    const f = sym.function([acts, labels, lens], T.nnet.ctc(acts, labels, lens));
    const A = formula(3, 2, 4, 1);
    expect(() => f.sync(A, [[1, 0], [3, -1]], [3, 2])).toThrow("ctc: label 0 (labels[0, 1]) is outside [1, 4): labels index the 4 symbols of activations' last axis, 0 is the blank, negative entries are padding");
    expect(() => f.sync(A, [[1, 2], [4, -1]], [3, 2])).toThrow('ctc: label 4 (labels[1, 0]) is outside [1, 4)');
    expect(() => f.sync(A, [[1, 2], [3, -1]], [4, 2])).toThrow('ctc: input length 4 (lens[0]) is outside [0, 3]: activations have 3 time steps');
    expect(() => f.sync(A, [[1, 2], [3, -1]], [3, -1])).toThrow('ctc: input length -1 (lens[1]) is outside [0, 3]');
    expect(() => f.sync(A, [[1, 2], [3, -1], [1, 1]], [3, 2])).toThrow('ctc: labels labels of shape (3, 2) has 3 examples, but activations acts of shape (3, 2, 4) has 2 (axis 1 is the batch)');
    expect(() => f.sync(A, [[1, 2], [3, -1]], [3, 2, 1])).toThrow('ctc: inputLengths lens of shape (3,) has 3 examples, but activations acts of shape (3, 2, 4) has 2');
  });
});
