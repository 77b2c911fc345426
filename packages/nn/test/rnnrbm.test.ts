/**
 * The deeplearning.net tutorial rnnrbm.py (an RNN-RBM, Boulanger-Lewandowski
 * et al. 2012) written on sym as a Theano user ports it: a recurrence scan
 * gives each time step's RBM biases, a Gibbs chain scan with RandomStreams
 * samples the RBMs, and generation runs the Gibbs chain scan inside the
 * recurrence scan. One training step is checked against plain TypeScript
 * with the uniforms replayed from copies of the generators.
 */
import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import '@sym/backend-cpu';
import { grad } from '@sym/grad';
import { RandomState } from '../src/random.js';

const T = sym.T;
type V = sym.TensorVariable;
type Shared = sym.TensorSharedVariable;

const [nVisible, nHidden, nHiddenRecurrent, steps, k] = [6, 4, 3, 5, 4];

/** rnnrbm.py's model; `draws` records each binomial in the order made. */
function buildRnnRbm(seed: number, lr: number) {
  const rng = new RandomState(seed);
  const theanoRng = new sym.RandomStreams(rng.integer(0, 2 ** 30));
  const draws: sym.RandomTensor[] = [];
  const binomial = (p: V) => {
    const s = theanoRng.binomial(p.shape, { n: 1, p, dtype: 'float64' });
    draws.push(s);
    return s;
  };
  const sharedNormal = (shape: number[], scale: number, name: string) => sym.shared(rng.normal(shape, { std: scale }), { name });
  const sharedZeros = (shape: number[], name: string) => sym.shared(sym.NDArray.zeros(shape, 'float64'), { name });
  // the tutorial's scales are 0.01 and 0.0001; larger ones make the recurrent weights' gradients big enough for a 1e-12 check to see them
  const W = sharedNormal([nVisible, nHidden], 0.5, 'W');
  const bv = sharedZeros([nVisible], 'bv');
  const bh = sharedZeros([nHidden], 'bh');
  const Wuh = sharedNormal([nHiddenRecurrent, nHidden], 0.5, 'Wuh');
  const Wuv = sharedNormal([nHiddenRecurrent, nVisible], 0.5, 'Wuv');
  const Wvu = sharedNormal([nVisible, nHiddenRecurrent], 0.5, 'Wvu');
  const Wuu = sharedNormal([nHiddenRecurrent, nHiddenRecurrent], 0.5, 'Wuu');
  const bu = sharedZeros([nHiddenRecurrent], 'bu');
  const params = [W, bv, bh, Wuh, Wuv, Wvu, Wuu, bu];

  // build_rbm: k Gibbs steps from v, the free-energy cost and the cross-entropy monitor
  const buildRbm = (v: V, bvT: V, bhT: V, kSteps: number) => {
    const gibbsStep = (vv: V): [V, V] => {
      const meanH = T.nnet.sigmoid(T.dot(vv, W).add(bhT));
      const h = binomial(meanH);
      const meanV = T.nnet.sigmoid(T.dot(h, W.T).add(bvT));
      return [meanV, binomial(meanV)];
    };
    const [chain, updates] = sym.scan((vv: V) => gibbsStep(vv)[1], { outputsInfo: [v], nSteps: kSteps });
    const vSample = chain.get(-1);
    const meanV = gibbsStep(vSample)[0];
    // Theano's xlogx.xlogy0(x, y): 0 where x is 0
    const xlogy0 = (x: V, y: V) => T.switch(T.eq(x, 0), 0, x.mul(T.log(y)));
    const monitor = xlogy0(v, meanV).add(xlogy0(T.sub(1, v), T.sub(1, meanV))).sum().div(v.shape[0]!);
    const freeEnergy = (vv: V) => vv.mul(bvT).sum().neg().sub(T.log(T.add(1, T.exp(T.dot(vv, W).add(bhT)))).sum());
    const cost = freeEnergy(v).sub(freeEnergy(vSample)).div(v.shape[0]!);
    return { vSample, cost, monitor, updates };
  };

  const v = T.matrix('v');
  const u0 = T.zeros([nHiddenRecurrent], 'float64');
  const recurrence = (vT: V | null, uTm1: V) => {
    const bvT = bv.add(T.dot(uTm1, Wuv));
    const bhT = bh.add(T.dot(uTm1, Wuh));
    const generate = vT === null;
    let updates: sym.ScanUpdates = [];
    if (vT === null) {
      const r = buildRbm(T.zeros([nVisible], 'float64'), bvT, bhT, 3);
      vT = r.vSample;
      updates = r.updates;
    }
    const uT = T.tanh(bu.add(T.dot(vT, Wvu)).add(T.dot(uTm1, Wuu)));
    return generate ? ([[vT, uT], updates] as const) : [uT, bvT, bhT];
  };
  const [[, bvT, bhT], updatesTrain] = sym.scan((vT: V, uTm1: V) => recurrence(vT, uTm1) as V[], { sequences: v, outputsInfo: [u0, null, null] });
  const trainDraws = draws.length;
  const rbm = buildRbm(v, bvT!, bhT!, k);
  updatesTrain.push(...rbm.updates);
  const gradient = grad(rbm.cost, params, { considerConstant: [rbm.vSample] });
  params.forEach((p, i) => updatesTrain.push([p, p.sub(gradient[i]!.mul(lr))]));
  const train = sym.function([v], [rbm.monitor, rbm.vSample], { updates: updatesTrain });
  const trainingDraws = draws.slice(trainDraws);

  const [[vGen], updatesGenerate] = sym.scan((uTm1: V) => recurrence(null, uTm1) as unknown as readonly [readonly V[], sym.StepUpdates], {
    outputsInfo: [null, u0],
    nSteps: 7,
  });
  const generate = sym.function([], vGen!, { updates: updatesGenerate });
  return { params, draws: trainingDraws, train, generate, updatesTrain, updatesGenerate };
}

// ---- plain TypeScript: row-major (rows, cols) matrices ----
type M = { r: number; c: number; d: Float64Array };
const mat = (r: number, c: number, d?: ArrayLike<number>): M => ({ r, c, d: d ? Float64Array.from(d) : new Float64Array(r * c) });
const dot = (a: M, b: M, bT = false): M => {
  const [br, bc] = bT ? [b.c, b.r] : [b.r, b.c];
  if (a.c !== br) throw new Error('shapes');
  const o = mat(a.r, bc);
  for (let i = 0; i < a.r; i++) for (let j = 0; j < bc; j++) for (let q = 0; q < a.c; q++) o.d[i * bc + j] += a.d[i * a.c + q]! * (bT ? b.d[j * b.c + q]! : b.d[q * b.c + j]!);
  return o;
};
const tdot = (a: M, b: M): M => dot({ r: a.c, c: a.r, d: Float64Array.from({ length: a.d.length }, (_, i) => a.d[(i % a.r) * a.c + Math.floor(i / a.r)]!) }, b);
const map = (a: M, f: (x: number, i: number) => number): M => ({ ...a, d: a.d.map(f) });
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const row = (a: M, t: number): M => mat(1, a.c, a.d.subarray(t * a.c, (t + 1) * a.c));

/** One training step of rnnrbm.py with the uniforms given: the monitor, the chain's end, and the parameters after. */
function referenceStep(P: Record<string, M>, v: M, u: { h: Float64Array; v: Float64Array; hLast: Float64Array }, lr: number) {
  const n = v.r;
  const us = [mat(1, nHiddenRecurrent)];
  const bvT = mat(n, nVisible);
  const bhT = mat(n, nHidden);
  for (let t = 0; t < n; t++) {
    const prev = us[t]!;
    bvT.d.set(dot(prev, P.Wuv!).d.map((x, j) => x + P.bv!.d[j]!), t * nVisible);
    bhT.d.set(dot(prev, P.Wuh!).d.map((x, j) => x + P.bh!.d[j]!), t * nHidden);
    const a = dot(row(v, t), P.Wvu!).d.map((x, j) => x + dot(prev, P.Wuu!).d[j]! + P.bu!.d[j]!);
    us.push(mat(1, nHiddenRecurrent, a.map(Math.tanh)));
  }
  const meanH = (vv: M) => map(dot(vv, P.W!), (x, i) => sigmoid(x + bhT.d[i]!));
  const sample = (mean: M, uu: ArrayLike<number>) => map(mean, (m, i) => (uu[i]! < m ? 1 : 0));
  let chain = v;
  for (let s = 0; s < k; s++) {
    const h = sample(meanH(chain), u.h.subarray(s * n * nHidden));
    chain = sample(map(dot(h, P.W!, true), (x, i) => sigmoid(x + bvT.d[i]!)), u.v.subarray(s * n * nVisible));
  }
  const hLast = sample(meanH(chain), u.hLast);
  const meanV = map(dot(hLast, P.W!, true), (x, i) => sigmoid(x + bvT.d[i]!));
  let monitor = 0;
  v.d.forEach((x, i) => (monitor += (x === 0 ? 0 : x * Math.log(meanV.d[i]!)) + (1 - x === 0 ? 0 : (1 - x) * Math.log(1 - meanV.d[i]!))));
  // the cost's gradients with the chain's end held constant, then back through the recurrence
  const s0 = meanH(v);
  const sk = meanH(chain);
  const gW = map(tdot(chain, sk), (x, i) => (x - tdot(v, s0).d[i]!) / n);
  const gBvT = map(chain, (x, i) => (x - v.d[i]!) / n);
  const gBhT = map(sk, (x, i) => (x - s0.d[i]!) / n);
  const g: Record<string, M> = { W: gW, bv: mat(1, nVisible), bh: mat(1, nHidden) };
  for (const name of ['Wuh', 'Wuv', 'Wvu', 'Wuu', 'bu']) g[name] = mat(P[name]!.r, P[name]!.c);
  const add = (a: M, b: M) => a.d.forEach((_, i) => (a.d[i] += b.d[i]!));
  let du = mat(1, nHiddenRecurrent);
  for (let t = n - 1; t >= 0; t--) {
    const prev = us[t]!;
    const da = map(du, (x, j) => x * (1 - us[t + 1]!.d[j]! ** 2));
    add(g.bu!, da);
    add(g.Wvu!, tdot(row(v, t), da));
    add(g.Wuu!, tdot(prev, da));
    add(g.bv!, row(gBvT, t));
    add(g.bh!, row(gBhT, t));
    add(g.Wuv!, tdot(prev, row(gBvT, t)));
    add(g.Wuh!, tdot(prev, row(gBhT, t)));
    du = dot(da, P.Wuu!, true);
    add(du, dot(row(gBvT, t), P.Wuv!, true));
    add(du, dot(row(gBhT, t), P.Wuh!, true));
  }
  const next = Object.fromEntries(Object.entries(P).map(([name, p]) => [name, map(p, (x, i) => x - lr * g[name]!.d[i]!)]));
  return { monitor: monitor / n, chain, next };
}

describe('rnnrbm.py: the RNN-RBM', () => {
  const v0 = (() => {
    let s = 11;
    const r = () => ((s = (s * 16807) % 2147483647), s / 2147483647);
    return Float64Array.from({ length: steps * nVisible }, (_, i) => (r() < 0.3 + 0.4 * ((i % nVisible) % 2) ? 1 : 0));
  })();

  it('one training step equals plain TypeScript to 1e-12 with the replayed uniforms; scan returns no updates', async () => {
    const lr = 0.5;
    const m = buildRnnRbm(1234, lr);
    expect(m.updatesTrain.length).toBe(m.params.length); // only the parameters': sym's functions move the generators themselves
    expect(m.updatesGenerate).toEqual([]);
    expect(m.draws.length).toBe(4); // the chain's h and v, then the final step's h and its unused v
    const before = Object.fromEntries(m.params.map((p) => [p.name!, mat(p.getValue().shape[0]!, p.getValue().shape[1] ?? 1, p.getValue().data as Float64Array)]));
    const rngs = m.draws.map((d) => d.rng.getValue());
    const [monitor, chain] = (await m.train(sym.array(v0).reshape([steps, nVisible]))) as sym.NDArray[];
    const fill = (rs: RandomState, count: number) => {
      const u = new Float64Array(count);
      rs.fillUniform(u);
      return u;
    };
    const u = { h: fill(rngs[0]!, k * steps * nHidden), v: fill(rngs[1]!, k * steps * nVisible), hLast: fill(rngs[2]!, steps * nHidden) };
    const ref = referenceStep(before, mat(steps, nVisible, v0), u, lr);
    expect(Array.from(chain!.data)).toEqual(Array.from(ref.chain.d));
    expect(Math.abs(monitor!.item() - ref.monitor)).toBeLessThan(1e-12);
    for (const p of m.params) {
      const want = ref.next[p.name!]!.d;
      // every parameter moves, the recurrent ones included, so the check sees each gradient
      expect(Math.max(...want.map((w, i) => Math.abs(w - before[p.name!]!.d[i]!)))).toBeGreaterThan(1e-4);
      Array.from(p.getValue().data as Float64Array).forEach((x, i) => expect(Math.abs(x - want[i]!)).toBeLessThan(1e-12));
    }
    // the generators moved past what they drew; the unused draw's did not
    expect(m.draws[0]!.rng.getValue().getState()).toEqual(rngs[0]!.getState());
    expect(m.draws[2]!.rng.getValue().getState()).toEqual(rngs[2]!.getState());
  });

  it('generates: a Gibbs chain scan inside the recurrence scan samples binary rows, new ones each call', async () => {
    const m = buildRnnRbm(99, 0.1);
    const a = (await m.generate()) as sym.NDArray;
    const b = (await m.generate()) as sym.NDArray;
    expect(a.shape).toEqual([7, nVisible]);
    expect(Array.from(a.data).every((x) => x === 0 || x === 1)).toBe(true);
    expect(Array.from(b.data)).not.toEqual(Array.from(a.data));
  });
});
