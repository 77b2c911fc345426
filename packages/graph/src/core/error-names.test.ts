// Errors for shapes that do not fit name the user's variables and calls, not the ops' intermediates (`DimShuffle{1,0}.0`).
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const ones = (shape: number[]) => sym.array(new Float64Array(shape.reduce((a, b) => a * b, 1)).fill(1)).reshape(shape);
const ints = (values: number[][] | number[]) => sym.array(values, { dtype: 'int64' });

/** The message of what `run` rejects. */
async function messageOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('nameInError', () => {
  it('is the name, else the expression as the user wrote it, else the op with the named variables it comes from', () => {
    const [a, b] = [T.matrix('a'), T.matrix('b')];
    expect(sym.nameInError(a)).toBe('a');
    expect(sym.nameInError(a.T)).toBe('a.T');
    expect(sym.nameInError(T.exp(a).add(b))).toBe('(exp(a) + b)');
    expect(sym.nameInError(a.mul(2))).toBe('(a * 2)');
    const named = T.exp(a);
    named.name = 'h';
    expect(sym.nameInError(named.add(1))).toBe('(h + 1)');
    // too long to be worth printing: the op, and what it was computed from
    let long = a;
    for (let k = 0; k < 8; k++) long = T.tanh(long.add(b));
    expect(sym.nameInError(long)).toBe('Elemwise{tanh,no_inplace}.0 (computed from b, a)');
  });

  it("names emb.get(idxs) of an index matrix as emb[idxs] and a RandomStreams draw by its call, a name given later first", () => {
    const emb = T.matrix('emb');
    const idxs = T.lmatrix('idxs');
    expect(sym.nameInError(emb.get(idxs))).toBe('emb[idxs]');
    const draw = new sym.RandomStreams(1).binomial([2, 3], { p: 0.5, dtype: 'float64' });
    expect(sym.nameInError(draw)).toBe("RandomStreams.binomial's draw");
    draw.name = 'mask';
    expect(sym.nameInError(draw)).toBe('mask');
  });
});

describe('shape errors at run time name the user variables', () => {
  it('dot of a transposed matrix, and of a sum', async () => {
    const [a, b, w] = [T.matrix('a'), T.matrix('b'), T.matrix('w')];
    expect(await messageOf(() => T.dot(a.T, b).eval({ a: ones([2, 3]), b: ones([4, 5]) }))).toBe(
      'dot: shapes (3, 2) (a.T) and (4, 5) (b) are not aligned: 2 (last dimension of a.T) != 4 (second-to-last dimension of b)',
    );
    expect(await messageOf(() => T.dot(a.add(b), w).eval({ a: ones([2, 3]), b: ones([2, 3]), w: ones([4, 5]) }))).toContain('shapes (2, 3) ((a + b)) and (4, 5) (w)');
  });

  it('an elementwise op of two intermediates', async () => {
    const [a, b] = [T.matrix('a'), T.matrix('b')];
    const message = await messageOf(() => T.exp(a).mul(T.tanh(b)).eval({ a: ones([2, 3]), b: ones([2, 4]) }));
    expect(message).toContain('exp(a) has shape (2, 3)');
    expect(message).toContain('tanh(b) has shape (2, 4)');
  });

  it("reshape of emb.get(idxs) (rnnslu's context window of the wrong size)", async () => {
    const emb = T.matrix('emb');
    const idxs = T.lmatrix('idxs');
    const x = emb.get(idxs).reshape([idxs.shape[0]!, 4 * 3]);
    expect(await messageOf(() => x.eval({ emb: ones([10, 4]), idxs: ints([[1, 2], [3, 4]]) }))).toBe(
      'Reshape{2}: cannot reshape emb[idxs] of shape (2, 2, 4) (size 16) into (2, 12) (size 24)',
    );
  });

  it("stack of tensors of different shapes names them and their shapes, as NumPy's stack does, not the Join of their DimShuffles", async () => {
    const [u, v] = [T.vector('u'), T.vector('v')];
    expect(await messageOf(() => T.stack([u, v]).eval({ u: ones([2]), v: ones([3]) }))).toBe(
      'stack: u has shape (2,) and v has shape (3,); all inputs must have the same shape',
    );
    const [a, b] = [T.matrix('a'), T.matrix('b')];
    expect(await messageOf(() => T.stack([a, b.mul(2), a], 1).eval({ a: ones([2, 3]), b: ones([2, 4]) }))).toBe(
      'stack: a has shape (2, 3) and (b * 2) has shape (2, 4); all inputs must have the same shape',
    );
    // a concatenate of pieces that are not each one tensor with an axis inserted where they are joined keeps Join's message
    expect(await messageOf(() => T.concatenate([a.dimshuffle('x', 0, 1), b.dimshuffle('x', 1, 0)]).eval({ a: ones([2, 3]), b: ones([2, 4]) }))).toBe(
      "Join{axis=0}: b.dimshuffle('x', 1, 0) has length 4 along axis 1, but a.dimshuffle('x', 0, 1) has 2; only axis 0 may differ",
    );
  });

  it('setSubtensor and incSubtensor through an index vector name the call and x, not the op alone', async () => {
    const [x, y, i] = [T.matrix('x'), T.matrix('y'), T.lvector('i')];
    expect(await messageOf(() => T.setSubtensor(x.get(i), y).eval({ x: ones([4, 3]), y: ones([5, 1]), i: ints([0, 1]) }))).toBe(
      "setSubtensor into x (AdvancedSetSubtensor1): y of shape (5, 1) does not broadcast to the window's shape (2, 3).",
    );
    expect(await messageOf(() => T.incSubtensor(x.get('0:2'), y).eval({ x: ones([4, 3]), y: ones([2, 4]) }))).toBe(
      "incSubtensor into x (IncSubtensor{0:2}): y of shape (2, 4) does not broadcast to the window's shape (2, 3).",
    );
  });

  it("T.nnet.categoricalCrossentropy's labels that are not one per row: the rows named as the call made them (was ARange.0)", async () => {
    const [p, y] = [T.matrix('p'), T.lvector('y')];
    const message = await messageOf(() => T.nnet.categoricalCrossentropy(T.nnet.softmax(p), y).eval({ p: ones([3, 4]), y: ints([0, 1]) }));
    expect(message).toContain("index 0 (the rows of categoricalCrossentropy's coding_dist Softmax(p)) has shape (3,) and index 1 (y) has shape (2,)");
  });

  it('incSubtensor into x.get(rows, cols) names x flattened, not Reshape{1}(x)', async () => {
    const [x, g, i, j] = [T.matrix('x'), T.vector('g'), T.lvector('i'), T.lvector('j')];
    expect(await messageOf(() => T.incSubtensor(x.get(i, j), g).eval({ x: ones([4, 3]), g: ones([5]), i: ints([0, 1]), j: ints([0, 1]) }))).toBe(
      "incSubtensor into x.flatten() (AdvancedIncSubtensor1): g of shape (5,) does not broadcast to the window's shape (2,).",
    );
  });

  it('an index out of bounds of an intermediate and a solve of an intermediate name its expression', async () => {
    const a = T.vector('a');
    expect(await messageOf(() => T.exp(a).get(5).eval({ a: ones([3]) }))).toBe('Subtensor{5}: index 5 is out of bounds for axis 0 with size 3, indexing exp(a) of shape (3,)');
    const [m, v] = [T.matrix('m'), T.vector('v')];
    expect(await messageOf(() => T.slinalg.solve(m.T, v.mul(2)).eval({ m: ones([3, 3]), v: ones([4]) }))).toContain('b ((v * 2)) must have 3 rows like A of shape (3, 3)');
  });

  it("a binomial mask that does not fit is named as RandomStreams.binomial's draw", async () => {
    const h = T.matrix('h');
    const mask = new sym.RandomStreams(1).binomial([2, 3], { p: 0.5, dtype: 'float64' });
    const message = await messageOf(() => h.mul(mask).eval({ h: ones([4, 5]) }));
    expect(message).toContain("RandomStreams.binomial's draw has shape (2, 3)");
    expect(message).not.toContain('Cast');
  });

  it("a scan state that changes shape is named by the step's expression", async () => {
    const [a, h0, W] = [T.matrix('a'), T.vector('h0'), T.matrix('W')];
    const [h] = sym.scan((x: sym.TensorVariable, prev: sym.TensorVariable) => T.tanh(T.dot(prev, W).add(x)), { sequences: [a], outputsInfo: [h0] });
    expect(await messageOf(() => h.eval({ a: ones([5, 3]), h0: ones([4]), W: ones([4, 3]) }))).toContain('state 0 (tanh(((h0[t-1] \\dot W) + a[t]))) changes shape');
  });
});

describe("a scan step's nodes are checked against their inputs' shapes", () => {
  it('a dot of a row with a matrix that does not fit is an error, not a product over the first rows', async () => {
    const [xs, W] = [T.matrix('xs'), T.matrix('W')];
    const [out] = sym.scan((x: sym.TensorVariable) => T.dot(x, W), { sequences: [xs] });
    // it computed dot(row of 4, the first 4 rows of W) before
    expect(await messageOf(() => out.eval({ xs: ones([3, 4]), W: ones([5, 2]) }))).toBe(
      'dot: shapes (4,) (xs[t]) and (5, 2) (W) are not aligned: 4 (last dimension of xs[t]) != 5 (second-to-last dimension of W)',
    );
    // a step that does not depend on the step's rows is checked too (lowered once, before the loop)
    const [ys] = sym.scan((x: sym.TensorVariable) => x.add(T.dot(W, W).sum()), { sequences: [xs] });
    expect(await messageOf(() => ys.eval({ xs: ones([3, 4]), W: ones([5, 2]) }))).toContain('dot: shapes (5, 2) (W) and (5, 2) (W) are not aligned');
  });
});

describe('errors of the calls that build a graph name the call and x, not the op', () => {
  it('concatenate, conv2d, batchedDot, a write of too many dimensions and eval name intermediates by their expressions', async () => {
    const [a, b] = [T.matrix('a'), T.vector('b')];
    expect(() => T.concatenate([T.exp(a), b])).toThrow('Join: all tensors must have 2 dimensions like exp(a), got b of type TensorType(float64, vector)');
    const [x, w] = [T.tensor4('x'), T.tensor4('w')];
    expect(await messageOf(() => T.nnet.conv2d(T.nnet.relu(x), w).eval({ x: ones([1, 3, 8, 8]), w: ones([2, 2, 3, 3]) }))).toBe(
      'conv2d: the input relu(x) of shape (1, 3, 8, 8) has 3 channels but the filters w of shape (2, 2, 3, 3) expect 2',
    );
    const [p, q] = [T.tensor3('p'), T.tensor3('q')];
    expect(await messageOf(() => T.batchedDot(p, q.dimshuffle(0, 2, 1)).eval({ p: ones([2, 3, 4]), q: ones([2, 3, 5]) }))).toBe(
      'batchedDot: the last axis of a (p) has length 4 but axis 1 of b (q.dimshuffle(0, 2, 1)) has 5; they are summed over',
    );
    expect(() => T.setSubtensor(a.get(0, 0), b)).toThrow('setSubtensor: y (b) of type TensorType(float64, vector) has 1 dimensions but the window a[0, 0] has 0;');
    expect(() => a.add(T.matrix('c')).evalSync({ a: ones([2, 2]) })).toThrow('eval: (a + c) needs a value for c');
  });


  it('dimshuffle and transpose (were DimShuffle{0,0}: dimension 0 appears twice, ...)', () => {
    const a = T.matrix('a');
    expect(() => a.dimshuffle(0, 0)).toThrow('dimshuffle: (0, 0) names dimension 0 of a twice; each dimension may appear once');
    expect(() => a.dimshuffle(0)).toThrow('dimshuffle: (0) drops dimension 1 of a (type TensorType(float64, matrix)), which is not broadcastable');
    expect(() => T.transpose(a, [0, 2])).toThrow('transpose: 2 in (0, 2) is not a dimension of a, which has 2 (0 to 1)');
    expect(() => T.exp(a).dimshuffle(2, 'x')).toThrow("dimshuffle: 2 in (2, x) is not a dimension of exp(a), which has 2 (0 to 1); 'x' adds a broadcastable one");
    expect(() => T.scalar('s').dimshuffle(0)).toThrow("dimshuffle: 0 in (0) is not a dimension of s, which has 0; 'x' adds a broadcastable one");
  });

  it('get with more indices than x has dimensions (was Subtensor{0, 1}: too many indices (2) for a)', () => {
    expect(() => T.vector('a').get(0, 1)).toThrow("get: too many indices for a: it has 1 dimensions but the index covers 2 (NumPy's IndexError)");
  });
});
