/**
 * Second-order products built with Rop, as natural-gradient and Hessian-free
 * methods build them, against central differences (float64): the
 * Hessian-vector product Rop(grad(loss), w, v) of the tutorial's MLP loss
 * (relu, logSoftmax, the negative log-likelihood by indexing; and a
 * softmax and categoricalCrossentropy one) against (g(w + e v) - g(w - e v)) / 2e,
 * and the Gauss-Newton product J^T (J v) (Lop of Rop) against the one of
 * the finite-difference J v.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { Lop, Rop, grad, hessianVectorProduct } from '../src/index.js';
import { randomPoint, seededRandom } from './helpers.js';

const T = sym.T;
type V = sym.TensorVariable;

const rng = seededRandom(21);
const X = T.constant(randomPoint(rng, [6, 3], [-1, 1]));
const labels = T.constant(sym.array([0, 2, 1, 3, 0, 2], { dtype: 'int32' }));
const [W1, b1, W2, b2] = [T.dmatrix('W1'), T.dvector('b1'), T.dmatrix('W2'), T.dvector('b2')];
const params = [W1, b1, W2, b2];
const shapes = [[3, 5], [5], [5, 4], [4]];
const point = shapes.map((s) => randomPoint(rng, s, [-1, 1]));
const direction = shapes.map((s) => randomPoint(rng, s, [-1, 1]));
const directionVars = params.map((p) => T.tensor('float64', p.broadcastable, `v_${p.name}`));

/** w + t v, for every parameter. */
const moved = (t: number) => point.map((w, i) => sym.array(Array.from(w.data, (x, k) => x + t * direction[i]!.data[k]!)).reshape(w.shape));

/** (f(w + e v) - f(w - e v)) / 2e for a function of the parameters returning one array per output. */
async function centralDifference(f: sym.SymFunction, e = 1e-5): Promise<number[][]> {
  const [plus, minus] = [(await f(...moved(e))) as sym.NDArray[], (await f(...moved(-e))) as sym.NDArray[]];
  return plus.map((p, i) => Array.from(p.data, (x, k) => (x - minus[i]!.data[k]!) / (2 * e)));
}

const logits = (h: V) => T.dot(h, W2).add(b2);
const LOSSES: [string, V][] = [
  ['relu, logSoftmax, NLL by indexing', T.neg(T.mean(T.nnet.logSoftmax(logits(T.nnet.relu(T.dot(X, W1).add(b1)))).get(T.arange(6), labels)))],
  ['tanh, softmax, categoricalCrossentropy, L2', T.mean(T.nnet.categoricalCrossentropy(T.nnet.softmax(logits(T.tanh(T.dot(X, W1).add(b1)))), labels)).add(T.sum(W1.pow(2)).mul(1e-3))],
];

describe('Rop of an MLP loss’s gradient (Hessian-vector product) and Gauss-Newton products', () => {
  it.each(LOSSES)('H v = Rop(grad(loss), w, v) against central differences of the gradient, and against hessianVectorProduct: %s', async (_, loss) => {
    const gs = grad(loss, params);
    const hv = Rop(gs, params, directionVars);
    const [byRop, byLop] = [
      (await sym.function([...params, ...directionVars], hv)(...point, ...direction)) as sym.NDArray[],
      (await sym.function([...params, ...directionVars], hessianVectorProduct(loss, params, directionVars))(...point, ...direction)) as sym.NDArray[],
    ];
    const want = await centralDifference(sym.function(params, gs));
    want.forEach((w, i) =>
      w.forEach((x, k) => {
        expect(byRop[i]!.data[k]).toBeCloseTo(x, 7);
        expect(byRop[i]!.data[k]).toBeCloseTo(byLop[i]!.data[k]!, 12);
      }),
    );
  });
  it('the Gauss-Newton product J^T (J v) of the logits: Lop of Rop, J v against central differences', async () => {
    const out = logits(T.tanh(T.dot(X, W1).add(b1)));
    const jv = Rop(out, params, directionVars);
    const [jvValue, ...gn] = (await sym.function([...params, ...directionVars], [jv, ...Lop(out, params, jv)])(...point, ...direction)) as sym.NDArray[];
    const [want] = await centralDifference(sym.function(params, [out]));
    want!.forEach((x, k) => expect(jvValue!.data[k]).toBeCloseTo(x, 8));
    // J^T u for u = J v: the gradient of <out, u> with u held constant
    const u = T.constant(jvValue!);
    const byGrad = (await sym.function(params, grad(T.sum(out.mul(u)), params))(...point)) as sym.NDArray[];
    gn.forEach((g, i) => Array.from(g.data).forEach((x, k) => expect(x).toBeCloseTo(byGrad[i]!.data[k]!, 12)));
  });
});
