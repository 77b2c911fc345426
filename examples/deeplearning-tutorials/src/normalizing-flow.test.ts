import * as sym from '@sym/graph';
import { grad, jacobian } from '@sym/grad';
import { describe, expect, it } from 'vitest';
import { RealNVP, buildRealNVPTrainer, planarFlow } from './normalizing-flow.js';
import { maxAbsDiff, useFloat64, useFloatX } from './test-support.js';

const T = sym.T;
const D = 4;
const data = Array.from({ length: 16 }, (_, i) => Array.from({ length: D }, (_, j) => Math.sin(0.9 * i + j) + 0.5 * Math.cos(1.1 * i * j)));

// NumPy (python3; .audit's flow.py), gradients by complex-step differentiation (exact to rounding)
const NLL0 = 5.161289948619357;
const GRAD_W1_0 = [
  0.12107315929986402, -0.16610019881560856, 0.11208625604319268, -0.1320837375445682, 0.0798151216179583, -0.06416795942139233, 0.06084972500138729,
  -0.04024627063618025, 0.03798394243081007, -0.00503304993212765,
];
const NLL_AFTER = [4.906178868008935, 4.715281683873527, 4.571932628026966];
const BT_1_AFTER3 = [-0.23319602149052832, -0.22815923831364943];

async function trainRealNVP(tolerance: number): Promise<void> {
  const flow = new RealNVP(D, 5);
  const f = buildRealNVPTrainer(flow, 0.1);
  const [cost, gW1] = await f.costAndGrads(data);
  expect(cost!.dtype).toBe(sym.config.floatX);
  expect(Math.abs(cost!.item() - NLL0)).toBeLessThan(tolerance * NLL0);
  expect(maxAbsDiff(gW1!.data as ArrayLike<number>, GRAD_W1_0)).toBeLessThan(tolerance);
  for (const want of NLL_AFTER) {
    await f.step(data);
    expect(Math.abs((await f.costAndGrads(data))[0]!.item() - want)).toBeLessThan(tolerance * want);
  }
  expect(maxAbsDiff((await flow.params[11]!.getValueAsync()).data as ArrayLike<number>, BT_1_AFTER3)).toBeLessThan(tolerance);
}

const U = [[0.5, -0.3, 0.2], [0.1, 0.4, -0.6], [-0.2, 0.3, 0.7]];
const W = [[0.3, 0.8, -0.5], [-0.7, 0.2, 0.4], [0.6, -0.1, 0.9]];
const B = [0.1, -0.2, 0.3];
const Z0 = [[0.4, -1.2, 0.7], [1.0, 0.5, -0.3]];
// NumPy: three planar layers on each row of Z0, and the mean of log q(z_K) = log N(z_0) - log det over the rows with its gradient
const ZK = [[-0.16611176190928456, -0.8057895832379918, 1.1712797223968208], [1.1112434815032566, 0.21372773845002124, 0.9588199521630899]];
const LOG_DET = [-0.1339396414864781, -0.06605806987773845];
const LOG_Q = -3.51431674393191;
const GRAD_LOG_Q = {
  u: [-0.192958434550187, -0.34082131398229476, 0.20539235852236973, 0.5034164002491051, -0.1504496101249701, -0.4027910550784172, -0.1684203755443184, 0.028070062590719737, -0.2526305633164776],
  w: [-0.24546847406538538, 0.0017438200695616111, -0.011629774554161214, -0.008846233601303755, -0.2903359395509898, 0.4629999300622894, 0.16343314302053036, -0.22258120135849868, -0.0835371873920709],
  b: [0.027660522693395053, 0.036586873536889254, 0.21495191573128405],
};

async function checkPlanar(tolerance: number): Promise<void> {
  const [z0, u, w, b] = [T.matrix('z0'), T.matrix('u'), T.matrix('w'), T.vector('b')];
  const [zK, logDet] = planarFlow(z0, u, w, b, 3);
  const logQ = T.mean(T.sum(T.sqr(z0), { axis: 1 }).mul(-0.5).sub(1.5 * Math.log(2 * Math.PI)).sub(logDet));
  const outs = await sym.function([z0, u, w, b], [zK, logDet, logQ, ...grad(logQ, [u, w, b])])(Z0, U, W, B);
  expect(maxAbsDiff(outs[0]!.data as ArrayLike<number>, ZK.flat())).toBeLessThan(tolerance);
  expect(maxAbsDiff(outs[1]!.data as ArrayLike<number>, LOG_DET)).toBeLessThan(tolerance);
  expect(Math.abs(outs[2]!.item() - LOG_Q)).toBeLessThan(tolerance * 4);
  expect(maxAbsDiff(outs[3]!.data as ArrayLike<number>, GRAD_LOG_Q.u)).toBeLessThan(tolerance);
  expect(maxAbsDiff(outs[4]!.data as ArrayLike<number>, GRAD_LOG_Q.w)).toBeLessThan(tolerance);
  expect(maxAbsDiff(outs[5]!.data as ArrayLike<number>, GRAD_LOG_Q.b)).toBeLessThan(tolerance);
}

/** The written-out log-det of one point against log |det J| of the flow's Jacobian there, and their gradients. */
async function checkPlanarJacobian(tolerance: number): Promise<void> {
  const [z, u, w, b] = [T.vector('z'), T.matrix('u'), T.matrix('w'), T.vector('b')];
  const [zK, logDet] = planarFlow(z.dimshuffle('x', 0), u, w, b, 3);
  const J = jacobian(T.flatten(zK), z);
  const logAbsDetJ = T.log(T.abs(T.nlinalg.det(J)));
  const written = T.sum(logDet);
  const outs = await sym.function([z, u, w, b], [written, logAbsDetJ, ...grad(written, [u, w, b]), ...grad(logAbsDetJ, [u, w, b])])(Z0[0]!, U, W, B);
  expect(Math.abs(outs[0]!.item() - LOG_DET[0]!)).toBeLessThan(tolerance);
  expect(Math.abs(outs[1]!.item() - LOG_DET[0]!)).toBeLessThan(tolerance);
  for (let i = 0; i < 3; i++) expect(maxAbsDiff(outs[2 + i]!.data as ArrayLike<number>, outs[5 + i]!.data as ArrayLike<number>)).toBeLessThan(tolerance);
}

describe('normalizing flows: RealNVP couplings trained by maximum likelihood, planar flows', () => {
  describe('float64', () => {
    useFloat64();
    it('RealNVP: the NLL, a gradient and three SGD steps match NumPy (complex-step gradients)', async () => {
      await trainRealNVP(1e-12);
    });
    it("planar: z_K, the log-det terms, log q and its gradients match NumPy", async () => {
      await checkPlanar(1e-12);
    });
    it('planar: the written log-det equals log |det| of the Jacobian from @sym/grad, and so do their gradients (second order)', async () => {
      await checkPlanarJacobian(1e-12);
    });
  });

  describe('float32', () => {
    useFloatX('float32');
    it('RealNVP in float32 agrees with the float64 reference to 1e-5', async () => {
      await trainRealNVP(1e-5);
    });
    it('planar flows in float32 agree with the float64 reference to 1e-5', async () => {
      await checkPlanar(1e-5);
      await checkPlanarJacobian(1e-5);
    });
  });
});
