/**
 * Random variables (`sym.RandomStreams`). A function draws each variable's
 * sample on the host at every call and uploads it before its kernels run,
 * so every backend must give exactly the reference's numbers for the same
 * seed: the reference `perform` draws the same sample from the generator as
 * it is, without moving it. The sample then flows through ordinary kernels
 * (uniform's low/high and normal's avg/std, binomial's comparison and cast,
 * and for n > 1 a sum over a last axis of trials), which get their usual
 * tolerance; the samples themselves and the masks are exact. Cases of
 * several calls check Theano's default updates (call k returns what a fresh
 * stream of the same seed draws k-th) and `noDefaultUpdates` (every call
 * returns the first draw).
 */
import * as sym from '@sym/graph';
import type { DType, FloatDType, TensorVariable } from '@sym/graph';
import { NDArray, RandomVariable, Sort, TakeAlongAxis, apply1, array, fill, toposort } from '@sym/graph';
import type { CaseCalls, OpCase } from '../case.js';
import { evaluateReference } from '../reference.js';
import { randomArray, type Rng } from '../rng.js';

const T = sym.T;

/** The dtypes a random variable's sample has. */
type SampleDType = Extract<FloatDType, 'float32' | 'float64'>;

interface Built {
  readonly inputs: readonly TensorVariable[];
  readonly outputs: readonly (readonly [label: string, out: TensorVariable])[];
}

/** Makes a case's graph from a stream: once for the function, and again from a fresh stream for the expected values of later calls. */
type Build = (srng: sym.RandomStreams) => Built;

interface RandomCase {
  readonly name: string;
  /** The op whose tolerance applies: `identity` or `mul` where the values must be exact, `composite` where kernels compute on the sample. */
  readonly op: string;
  readonly dtype: DType;
  readonly seed: number;
  readonly build: Build;
  readonly values: (rng: Rng) => NDArray[];
  /** Several calls: with default updates each call draws the next sample, with `noDefaultUpdates` each call the first. */
  readonly repeat?: { readonly count: number; readonly noDefaultUpdates: boolean };
}

/** Each random variable of `outputs`' graph moves its generator past one sample, as a call with default updates does, using RandomState itself. */
function drawOnce(outputs: readonly TensorVariable[], given: ReadonlyMap<TensorVariable, NDArray>): void {
  const nodes = toposort(outputs).filter((n) => n.op instanceof RandomVariable);
  // the reference draws without moving the generators: it gives each sample's shape
  const samples = evaluateReference(nodes.map((n) => n.outputs[0]!), given);
  nodes.forEach((n, i) => {
    const op = n.op as RandomVariable;
    op.drawInto(op.rng.getValue({ borrow: true }), NDArray.zeros([...samples[i]!.shape], op.dtype));
  });
}

/** The outputs of a fresh stream of `seed` at its draw `draw` (from 0). */
function freshDraw(build: Build, seed: number, values: readonly NDArray[], draw: number): NDArray[] {
  const fresh = build(new sym.RandomStreams(seed));
  const given = new Map(fresh.inputs.map((v, i) => [v, values[i]!]));
  const outputs = fresh.outputs.map(([, o]) => o);
  for (let k = 0; k < draw; k++) drawOnce(outputs, given);
  return evaluateReference(outputs, given);
}

function randomCase(c: RandomCase): OpCase {
  const srng = new sym.RandomStreams(c.seed);
  const g = c.build(srng);
  const repeat = c.repeat;
  const calls: CaseCalls = {
    count: repeat?.count ?? 1,
    noDefaultUpdates: repeat?.noDefaultUpdates ?? false,
    // every run starts from the seed (srng.seed gives the variables the seeds a new stream would): a case gives the same numbers however often it runs
    start: () => srng.seed(c.seed),
    ...(repeat ? { expected: (values: readonly NDArray[], call: number) => freshDraw(c.build, c.seed, values, repeat.noDefaultUpdates ? 0 : call) } : {}),
  };
  return {
    group: 'random',
    name: c.name,
    op: c.op,
    dtype: c.dtype,
    graph: { inputs: g.inputs, outputs: g.outputs.map(([, o]) => o), labels: g.outputs.map(([l]) => l), values: c.values, calls },
  };
}

const matrix = (d: DType, name: string): TensorVariable => T.tensor(d, [false, false], name);
const int = (n: number): NDArray => array(n, { dtype: 'int32' });
/** Probabilities away from 0 and 1, so that the masks hold both values. */
const probabilities = (rng: Rng, d: DType, n: number): NDArray => fill([n], d, () => rng.uniform(0.1, 0.9));

function samples(d: SampleDType): RandomCase {
  return {
    name: `uniform and normal ${d}: the samples themselves, constant sizes`,
    op: 'identity',
    dtype: d,
    seed: 11,
    build: (srng) => ({
      inputs: [],
      outputs: [
        ['uniform (3, 4)', srng.uniform([3, 4], { dtype: d })],
        // an odd count: the last pair of the polar method gives one value, and the stream moves past both of its uniforms
        ['normal (7,)', srng.normal([7], { dtype: d })],
        ['uniform (1, 5): a broadcastable row', srng.uniform([1, 5], { dtype: d })],
        ['normal (2, 1, 3)', srng.normal([2, 1, 3], { dtype: d })],
      ],
    }),
    values: () => [],
  };
}

function uniformNumbers(d: SampleDType): RandomCase {
  return {
    name: `uniform ${d}: low and high numbers, sizes x.shape and [n, 3] from an integer input, x (2, 5), n = 4`,
    op: 'composite',
    dtype: d,
    seed: 12,
    build: (srng) => {
      const x = matrix(d, 'x');
      const n = T.iscalar('n');
      return {
        inputs: [x, n],
        outputs: [
          ['uniform(x.shape, low 1.5, high 4)', srng.uniform(x.shape, { low: 1.5, high: 4, dtype: d })],
          ['x + uniform(x.shape, low -2, high 3)', x.add(srng.uniform(x.shape, { low: -2, high: 3, dtype: d }))],
          ['uniform([n, 3], low 0.25, high 0.5)', srng.uniform([n, 3], { low: 0.25, high: 0.5, dtype: d })],
        ],
      };
    },
    values: (rng) => [randomArray(rng, d, [2, 5]), int(4)],
  };
}

function uniformTensors(d: SampleDType): RandomCase {
  return {
    name: `uniform ${d}: low a vector and high a scalar (tensors), size [n, low.shape[0]], low (4,), n = 3`,
    op: 'composite',
    dtype: d,
    seed: 13,
    build: (srng) => {
      const low = T.tensor(d, [false], 'low');
      const high = T.tensor(d, [], 'high');
      const n = T.iscalar('n');
      return { inputs: [low, high, n], outputs: [['uniform([n, 4], low, high)', srng.uniform([n, low.shape[0]!], { low, high, dtype: d })]] };
    },
    values: (rng) => [randomArray(rng, d, [4]), array(3.5, { dtype: d }), int(3)],
  };
}

function normalNumbers(d: SampleDType): RandomCase {
  return {
    name: `normal ${d}: avg and std numbers, size x.shape, x (3, 4)`,
    op: 'composite',
    dtype: d,
    seed: 14,
    build: (srng) => {
      const x = matrix(d, 'x');
      return {
        inputs: [x],
        outputs: [
          ['normal(x.shape, avg 1, std 2)', srng.normal(x.shape, { avg: 1, std: 2, dtype: d })],
          ['x + normal(x.shape, avg -0.5, std 0.25)', x.add(srng.normal(x.shape, { avg: -0.5, std: 0.25, dtype: d }))],
        ],
      };
    },
    values: (rng) => [randomArray(rng, d, [3, 4])],
  };
}

function normalTensors(d: SampleDType): RandomCase {
  return {
    name: `normal ${d}: avg a column and std a matrix (tensors), size [n, 4], n = 3`,
    op: 'composite',
    dtype: d,
    seed: 15,
    build: (srng) => {
      const avg = T.tensor(d, [false, true], 'avg');
      const std = matrix(d, 'std');
      const n = T.iscalar('n');
      return { inputs: [avg, std, n], outputs: [['normal([n, 4], avg, std)', srng.normal([n, 4], { avg, std, dtype: d })]] };
    },
    values: (rng) => [randomArray(rng, d, [3, 1]), randomArray(rng, d, [3, 4], 'positive'), int(3)],
  };
}

/** A dropout mask (n = 1) and what grad builds for sum(x * mask) with respect to x: second(x * mask, 1) * mask, the same mask. */
function dropout(d: SampleDType): RandomCase {
  return {
    name: `dropout ${d}: mask = binomial(x.shape, p 0.7) as ${d}, x * mask and the gradient of sum(x * mask), x (3, 5)`,
    op: 'mul',
    dtype: d,
    seed: 16,
    build: (srng) => {
      const x = matrix(d, 'x');
      const mask = srng.binomial(x.shape, { p: 0.7, dtype: d });
      const dropped = x.mul(mask);
      return {
        inputs: [x],
        outputs: [
          ['mask', mask],
          ['x * mask', dropped],
          ['grad of sum(x * mask) wrt x: the mask', T.second(dropped, T.constant(1, { dtype: d })).mul(mask)],
        ],
      };
    },
    values: (rng) => [randomArray(rng, d, [3, 5])],
  };
}

/**
 * Counts of n > 1 trials, summed over a last axis of the uniforms; integers, so any error is at least 1 (the `sum` tolerance takes none).
 * Constant sizes, as in the repeated cases: sizes from shapes are int64 scalars, which a backend holding no int64 (gpu.js in the browser run) counts as unfit.
 */
function binomialTrials(d: SampleDType): RandomCase {
  return {
    name: `binomial ${d}: n 5 with p a vector (size (4, 6)), n 3 with p 0.4 (size (2, 3)), as ${d}, p (6,)`,
    op: 'sum',
    dtype: d,
    seed: 17,
    build: (srng) => {
      const p = T.tensor(d, [false], 'p');
      return {
        inputs: [p],
        outputs: [
          ['binomial([4, 6], n 5, p)', srng.binomial([4, 6], { n: 5, p, dtype: d })],
          ['binomial([2, 3], n 3, p 0.4)', srng.binomial([2, 3], { n: 3, p: 0.4, dtype: d })],
        ],
      };
    },
    values: (rng) => [probabilities(rng, d, 6)],
  };
}

/** A uniform of low/high numbers, an odd-sized normal and a dropout mask, called several times. */
function repeated(d: SampleDType, noDefaultUpdates: boolean): RandomCase {
  const count = noDefaultUpdates ? 3 : 2;
  return {
    name: noDefaultUpdates
      ? `noDefaultUpdates ${d}: ${count} calls all draw a fresh stream's first samples (uniform, normal, dropout mask)`
      : `default updates ${d}: ${count} calls draw a fresh stream's first and second samples (uniform, normal, dropout mask)`,
    op: 'composite',
    dtype: d,
    seed: noDefaultUpdates ? 19 : 18,
    repeat: { count, noDefaultUpdates },
    build: (srng) => {
      const x = matrix(d, 'x');
      return {
        inputs: [x],
        outputs: [
          ['uniform([2, 3], low -1, high 1)', srng.uniform([2, 3], { low: -1, high: 1, dtype: d })],
          ['normal (5,)', srng.normal([5], { dtype: d })],
          ['x * binomial([2, 4], p 0.5)', x.mul(srng.binomial([2, 4], { p: 0.5, dtype: d }))],
        ],
      };
    },
    values: (rng) => [randomArray(rng, d, [2, 4])],
  };
}

/**
 * In a scan: a variable the step makes draws new numbers at each step (one
 * sample of every step's numbers, drawn before the loop, its size from the
 * state's initial value), and one made outside the step is the same at
 * every step.
 */
function scanStep(d: SampleDType): RandomCase {
  return {
    name: `scan ${d}: h + uniform(h.shape) made in the step, + noise made outside, 4 steps, h0 (3,)`,
    op: 'composite',
    dtype: d,
    seed: 20,
    build: (srng) => {
      const h0 = T.tensor(d, [false], 'h0');
      const noise = srng.normal([3], { dtype: d });
      const [hs] = sym.scan((h: TensorVariable) => h.add(srng.uniform(h.shape, { dtype: d })).add(noise), { outputsInfo: h0, nSteps: 4 });
      return { inputs: [h0], outputs: [['hs', hs as TensorVariable], ['noise', noise]] };
    },
    values: (rng) => [randomArray(rng, d, [3])],
  };
}

/** Integers drawn exactly on the host, a one-hot multinomial per row of pvals, and choices with probabilities; compared as the case's float dtype. */
function discrete(d: SampleDType): RandomCase {
  return {
    name: `discrete ${d}: randomIntegers in [-5, 5], multinomial of pvals (4, 3) with n 1 and 3, choice of 4 with p, as ${d}`,
    op: 'sum',
    dtype: d,
    seed: 21,
    build: (srng) => {
      const pvals = matrix(d, 'pvals');
      const p = T.tensor(d, [false], 'p');
      return {
        inputs: [pvals, p],
        outputs: [
          ['randomIntegers([3, 4], low -5, high 5)', srng.randomIntegers([3, 4], { low: -5, high: 5, dtype: 'int32' }).astype(d)],
          ['multinomial(pvals)', srng.multinomial({ pvals, dtype: d })],
          ['multinomial(pvals, n 3)', srng.multinomial({ pvals, n: 3, dtype: d })],
          ['choice([2, 5], a 4, p)', srng.choice([2, 5], { a: 4, p, dtype: d })],
        ],
      };
    },
    values: (rng) => {
      const rows = fill([4, 3], d, () => rng.uniform(0.1, 1));
      for (let r = 0; r < 4; r++) {
        const total = rows.data[3 * r]! + rows.data[3 * r + 1]! + rows.data[3 * r + 2]!;
        for (let k = 0; k < 3; k++) rows.data[3 * r + k] = rows.data[3 * r + k]! / total;
      }
      return [rows, array([0.1, 0.2, 0.3, 0.4], { dtype: d })];
    },
  };
}

/** A probability vector of `n` entries away from 0, summing to 1 (in float64; the case's dtype rounds it). */
function distribution(rng: Rng, d: DType, n: number): NDArray {
  const w = Array.from({ length: n }, () => rng.uniform(0.1, 1));
  const total = w.reduce((a, b) => a + b, 0);
  return array(w.map((x) => x / total), { dtype: d });
}

/**
 * The draws that need permutations or counts from the host: permutations,
 * Poisson counts (small and large lam: inversion and rejection), choices
 * without replacement (a permutation's first entries; with p, the order of
 * exponentials over p, sorted on the device), and a shuffle of each row of
 * x with its permutation and the gather back through the inverse (as the
 * shuffle's gradient reads it), which gives x again. Integers are drawn as
 * int32 and compared as the case's float dtype (int64 is not storable on
 * every backend).
 */
function hostDiscrete(d: SampleDType): RandomCase {
  return {
    name: `host-drawn ${d}: permutation (2, 3) of 5, poisson (3, 4) with lam [0.5, 3, 30, 1e4], choice without replacement of 7 and of 5 with p, shuffleRowElements of x (3, 5)`,
    op: 'sum',
    dtype: d,
    seed: 22,
    build: (srng) => {
      const p = T.tensor(d, [false], 'p');
      const x = matrix(d, 'x');
      const shuffled = srng.shuffleRowElements(x);
      const perm = shuffled.permutation;
      const inverse = apply1(new Sort(1, 'indices', false, 'int32'), [perm]);
      return {
        inputs: [p, x],
        outputs: [
          ['permutation([2, 3], n 5)', srng.permutation([2, 3], { n: 5, dtype: 'int32' }).astype(d)],
          ['poisson([3, 4], lam [0.5, 3, 30, 1e4])', srng.poisson([3, 4], { lam: [0.5, 3, 30, 1e4], dtype: 'int32' }).astype(d)],
          ['choice([2, 3], a 7, replace false)', srng.choice([2, 3], { a: 7, replace: false, dtype: d })],
          ['choice([3], a 5, replace false, p)', srng.choice([3], { a: 5, replace: false, p, dtype: d })],
          ['shuffleRowElements(x)', shuffled],
          ['its permutation', perm.astype(d)],
          ['the shuffle gathered back through the inverse permutation: x', apply1(new TakeAlongAxis(1), [shuffled, inverse, perm])],
        ],
      };
    },
    values: (rng) => [distribution(rng, d, 5), randomArray(rng, d, [3, 5])],
  };
}

/** Permutations, Poisson counts and a shuffle called twice: the generators move past each call's draws as RandomState replays them. */
function hostDiscreteRepeated(d: SampleDType): RandomCase {
  return {
    name: `host-drawn ${d}, default updates: 2 calls draw a fresh stream's first and second permutations, Poisson counts and shuffles`,
    op: 'sum',
    dtype: d,
    seed: 23,
    repeat: { count: 2, noDefaultUpdates: false },
    build: (srng) => {
      const x = matrix(d, 'x');
      return {
        inputs: [x],
        outputs: [
          ['permutation([3], n 4)', srng.permutation([3], { n: 4, dtype: 'int32' }).astype(d)],
          ['poisson([5], lam 12)', srng.poisson([5], { lam: 12, dtype: 'int32' }).astype(d)],
          ['shuffleRowElements(x)', srng.shuffleRowElements(x)],
        ],
      };
    },
    values: (rng) => [randomArray(rng, d, [2, 6])],
  };
}

/** The random cases for each float dtype held that a random variable can have (float32, float64). */
export function randomCases(dtypes: readonly DType[]): OpCase[] {
  const floats = dtypes.filter((d): d is SampleDType => d === 'float32' || d === 'float64');
  return floats.flatMap((d) =>
    [samples(d), uniformNumbers(d), uniformTensors(d), normalNumbers(d), normalTensors(d), dropout(d), binomialTrials(d), repeated(d, false), repeated(d, true), scanStep(d), discrete(d), hostDiscrete(d), hostDiscreteRepeated(d)].map(randomCase),
  );
}
