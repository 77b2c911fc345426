/**
 * sym.opFromGraph against the graph it wraps: values inlined (FAST_RUN),
 * lowered in place (FAST_COMPILE, inline: false) and by the reference
 * perform; several outputs, nesting, one op applied twice, broadcasting
 * and static shapes, shared variables as implicit inputs, printing, and
 * the errors. Gradients are in @sym/grad (op-from-graph-grad.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { T, reference, sym } from '../../test/helpers.js';

const MODES = ['FAST_RUN', 'FAST_COMPILE', 'DebugMode'] as const;

function values(f: sym.SymFunction, ...args: unknown[]): number[][] {
  const r = f.sync(...args) as sym.NDArray | sym.NDArray[];
  return (Array.isArray(r) ? r : [r]).map((a) => Array.from(a.data, Number));
}

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(a.length).toBe(expected[i]!.length);
    a.forEach((v, k) => expect(v).toBeCloseTo(expected[i]![k]!, 12));
  });
}

const X = [[0.5, -1, 2], [1.5, 0.25, -0.75]];
const Y = [0.1, -0.2, 0.3];

describe('sym.opFromGraph values', () => {
  const x = T.dmatrix('x');
  const y = T.dvector('y');
  const inner = T.exp(x).mul(y).sum({ axis: 1 });

  it('equals the graph it wraps, inlined, lowered in place and by perform', () => {
    for (const inline of [true, false]) {
      const f = sym.opFromGraph([x, y], inner, { name: 'expdot', inline });
      const [a, b] = [T.dmatrix('a'), T.dvector('b')];
      const plain = sym.function([a, b], T.exp(a).mul(b).sum({ axis: 1 }).add(1));
      for (const mode of MODES) {
        const wrapped = sym.function([a, b], f(a, b).add(1), { mode });
        expectClose(values(wrapped, X, Y), values(plain, X, Y));
      }
      const c = f(T.constant(X), T.constant(Y));
      expect(Array.from(reference(c).data)).toEqual(Array.from(sym.function([a, b], f(a, b)).sync(X, Y).data));
    }
  });

  it('returns a list for a list of outputs, a variable for one', () => {
    const two = sym.opFromGraph([x, y], [inner, x.mul(y)], { name: 'two' });
    const one = sym.opFromGraph([x, y], inner);
    const [a, b] = [T.dmatrix('a'), T.dvector('b')];
    const outs = two(a, b);
    expect(Array.isArray(outs)).toBe(true);
    expect(outs).toHaveLength(2);
    expect(one(a, b)).toBeInstanceOf(sym.TensorVariable);
    const plain = sym.function([a, b], [T.exp(a).mul(b).sum({ axis: 1 }), a.mul(b)]);
    for (const mode of MODES) expectClose(values(sym.function([a, b], outs, { mode }), X, Y), values(plain, X, Y));
  });

  it('nests: an opFromGraph inside another, inlined and kept', () => {
    const u = T.dvector('u');
    const softplus = sym.opFromGraph([u], T.log1p(T.exp(u)), { name: 'softplus' });
    const v = T.dvector('v');
    for (const inline of [true, false]) {
      const outer = sym.opFromGraph([v], softplus(v).mul(v), { name: 'swishish', inline });
      const w = T.dvector('w');
      const plain = sym.function([w], T.log1p(T.exp(w)).mul(w));
      for (const mode of MODES) expectClose(values(sym.function([w], outer(w), { mode }), Y), values(plain, Y));
    }
  });

  it('applies one op to two different inputs in one graph, each its own node', () => {
    for (const inline of [true, false]) {
      const u = T.dvector('u');
      const sq = sym.opFromGraph([u], u.mul(u).add(1), { name: 'sq1', inline });
      const [a, b] = [T.dvector('a'), T.dvector('b')];
      const out = sq(a).sub(sq(b.mul(2)));
      expect(sym.toposort([out]).filter((n) => n.op === sq.op)).toHaveLength(2);
      const A = [1, 2, 3];
      const B = [0.5, -1, 4];
      for (const mode of MODES) expectClose(values(sym.function([a, b], out, { mode }), A, B), [A.map((p, i) => p * p + 1 - ((2 * B[i]!) ** 2 + 1))]);
    }
  });

  it('broadcasts like its inner graph and infers static shapes through it', () => {
    const r = T.drow('r');
    const m = T.dmatrix('m');
    const f = sym.opFromGraph([r, m], r.add(m), { name: 'rowplus' });
    const [a, b] = [T.dmatrix('a'), T.dmatrix('b')];
    // a length-1 dimension known statically fits a broadcastable placeholder
    const c = T.constant([[1, 2, 3]], { dtype: 'float64' });
    const out = f(c, b);
    expect(out.broadcastable).toEqual([false, false]);
    expect(values(sym.function([b], out), X)).toEqual([[1.5, 1, 5, 2.5, 2.25, 2.25]]);
    const shaped = f(c, T.zeros([4, 3]));
    expect(shaped.staticShape).toEqual([4, 3]);
    expect(() => f(a, b)).toThrow(/OpFromGraph\{rowplus\}: input 0 \(r\) is TensorType\(float64, row\), got a of type TensorType\(float64, matrix\)/);
  });

  it('reads shared variables as implicit inputs: their current value, and givens replace them', () => {
    const W = sym.shared(sym.array([1, 2, 3], { dtype: 'float64' }), { name: 'W' });
    const u = T.dvector('u');
    const f = sym.opFromGraph([u], u.mul(W), { name: 'scale' });
    const a = T.dvector('a');
    const out = f(a);
    expect(out.owner!.inputs).toEqual([a, W]);
    const fn = sym.function([a], out);
    expect(values(fn, [1, 1, 1])).toEqual([[1, 2, 3]]);
    W.setValue(sym.array([2, 2, 2], { dtype: 'float64' }));
    expect(values(fn, [1, 1, 1])).toEqual([[2, 2, 2]]);
    const b = T.dvector('b');
    expect(values(sym.function([a, b], out, { givens: [[W, b]] }), [1, 2, 3], [3, 3, 3])).toEqual([[3, 6, 9]]);
  });

  it('converts numbers and arrays to its input dtypes, and weak constants do not change the dtypes it computes in', () => {
    const s = T.fscalar('s');
    const v = T.fvector('v');
    const f = sym.opFromGraph([s, v], v.mul(s), { name: 'scale32' });
    const out = f(2, T.fvector('w'));
    expect(out.dtype).toBe('float32');
    expect(out.owner!.inputs[0]!.dtype).toBe('float32');
    const w = T.fvector('w');
    for (const mode of MODES) expect(values(sym.function([w], f(0.5, w), { mode }), [2, 4])).toEqual([[1, 2]]);
  });

  it('refuses numbers and arrays its input dtype cannot hold, as a function argument is refused', () => {
    const i = T.ivector('i');
    const twice = sym.opFromGraph([i], i.mul(2), { name: 'twice' });
    // these were cast silently: [1.5, 2.7] -> [1, 2], 300 -> int8 44, NaN -> 0
    expect(() => twice([1.5, 2.7])).toThrow(/opFromGraph twice: argument 0 \(i\).*element 0 is 1\.5, which is not an integer in the int32 range/);
    const b = T.bscalar('b');
    expect(() => sym.opFromGraph([b], b.add(1))(300)).toThrow(/argument 0 \(b\).*300, which is not an integer in the int8 range \[-128, 127\]/);
    expect(() => sym.opFromGraph([b], b.add(1))(NaN)).toThrow(/NaN, which is not an integer/);
    const d = T.fvector('d');
    expect(() => sym.opFromGraph([d], d.add(1))(sym.array([1, 2], { dtype: 'float64' }))).toThrow(/casting float64 to float32 may lose data. Cast it first \(\.astype\('float32'\)\)/);
    // what fits still converts: integers to an integer input, numbers and float32 data to float64
    expect(values(sym.function([], twice([1, 2])))).toEqual([[2, 4]]);
    const e = T.dvector('e');
    expect(values(sym.function([], sym.opFromGraph([e], e.add(1))(sym.array([0.5], { dtype: 'float32' }))))).toEqual([[1.5]]);
  });
});

describe('sym.opFromGraph printing', () => {
  const x = T.dvector('x');
  const y = T.dvector('y');
  const f = sym.opFromGraph([x, y], x.add(y).mul(2), { name: 'twicesum' });

  it('debugprints one node, its inner graph after the outer one', () => {
    const a = T.dvector('a');
    expect(sym.debugprint(f(a, a).neg())).toBe(
      [
        "Elemwise{neg,no_inplace} [id A] ''",
        " |OpFromGraph{twicesum} [id B] ''",
        ' | |a [id C]',
        ' | |a [id C]',
        '',
        'Inner graphs:',
        '',
        "OpFromGraph{twicesum} [id B] ''",
        " >Elemwise{mul,no_inplace} [id D] ''",
        " > |Elemwise{add,no_inplace} [id E] ''",
        ' > | |x [id F]',
        ' > | |y [id G]',
        ' > |TensorConstant{2} [id H]',
      ].join('\n'),
    );
  });

  it('pp calls it by name; an unnamed one is OpFromGraph; a node of several outputs gives the index', () => {
    const [a, b] = [T.dvector('a'), T.dvector('b')];
    expect(sym.pp(f(a, b))).toBe('twicesum(a, b)');
    expect(sym.pp(sym.opFromGraph([x], x.neg())(a))).toBe('OpFromGraph(a)');
    const [p, q] = sym.opFromGraph([x], [x.neg(), x.exp()], { name: 'pair' })(a);
    expect(sym.pp(p!.add(q!))).toBe('(pair(a)[0] + pair(a)[1])');
  });

  it('a compiled function shows it inlined in FAST_RUN, one node with inline: false and in FAST_COMPILE', () => {
    const a = T.dvector('a');
    const names = (fn: sym.SymFunction) => fn.debugprint();
    expect(names(sym.function([a], f(a, a)))).not.toMatch(/OpFromGraph/);
    expect(names(sym.function([a], f(a, a), { mode: 'FAST_COMPILE' }))).toMatch(/^OpFromGraph\{twicesum\}/);
    const kept = sym.opFromGraph([x, y], x.add(y).mul(2), { name: 'kept', inline: false });
    expect(names(sym.function([a], kept(a, a)))).toMatch(/^OpFromGraph\{kept\}/);
  });
});

describe('sym.opFromGraph errors', () => {
  const x = T.dvector('x');
  const f = sym.opFromGraph([x], x.mul(2), { name: 'double' });

  it('names the op, the input, what it expected and what came', () => {
    expect(() => f()).toThrow('opFromGraph double: expected 1 argument(s) (x), got 0');
    expect(() => f(T.dvector('a'), T.dvector('b'))).toThrow('opFromGraph double: expected 1 argument(s) (x), got 2');
    expect(() => f(T.fvector('a'))).toThrow("OpFromGraph{double}: input 0 (x) is TensorType(float64, vector), got a of type TensorType(float32, vector); cast it first (.astype('float64'))");
    expect(() => f(T.dmatrix('a'))).toThrow('OpFromGraph{double}: input 0 (x) is TensorType(float64, vector), got a of type TensorType(float64, matrix)');
  });

  it('refuses inputs that are not plain variables, outputs reading other variables, and random variables', () => {
    const y = T.dvector('y');
    const W = sym.shared(sym.array([1, 2]), { name: 'W' });
    expect(() => sym.opFromGraph([W], W.mul(2))).toThrow(/inputs\[0\] is the shared variable W: the graph reads shared variables implicitly/);
    expect(() => sym.opFromGraph([x.mul(2)], x)).toThrow(/inputs\[0\] .* is computed by Elemwise\{mul,no_inplace\}; an input must be a plain variable/);
    expect(() => sym.opFromGraph([T.constant(1)], x)).toThrow(/inputs\[0\] is a constant/);
    expect(() => sym.opFromGraph([x, x], x)).toThrow('opFromGraph: inputs[1] (x) is listed twice');
    expect(() => sym.opFromGraph([x], x.add(y), { name: 'leak' })).toThrow('opFromGraph leak: the outputs depend on y (TensorType(float64, vector)), which is not among the inputs (x); add it to the inputs');
    expect(() => sym.opFromGraph([x], [])).toThrow('opFromGraph: outputs is an empty list');
    const srng = new sym.RandomStreams(1);
    expect(() => sym.opFromGraph([x], x.mul(srng.uniform([2])), { name: 'noisy' })).toThrow(/opFromGraph noisy: the graph holds RandomFunction\{uniform\} .*draw it outside and pass the sample as an input/);
    expect(() => sym.opFromGraph([x], x, { nmae: 'typo' } as never)).toThrow(/opFromGraph: .*nmae/);
  });

  it('infers the static lengths of its outputs from its inputs', () => {
    const p = T.dvector('p');
    const head = sym.opFromGraph([p], p.mul(2).get('0:3'), { name: 'head' });
    expect(head(T.zeros([5])).staticShape).toEqual([3]);
    expect(head(T.dvector('q')).staticShape).toEqual([null]);
  });
});

describe('sym.opFromGraph as an op', () => {
  it('merges two applications to the same inputs, and keeps its inner nodes in order', () => {
    const x = T.dvector('x');
    const f = sym.opFromGraph([x], T.exp(x).add(x), { inline: false });
    const a = T.dvector('a');
    const fn = sym.function([a], f(a).add(f(a)));
    expect((fn.debugprint().match(/^ \|OpFromGraph/gm) ?? []).length).toBe(2); // one node, printed twice by id
    expect(values(fn, [0, 1])).toEqual([[2, 2 * (Math.E + 1)]]);
    expect(f.op.nodes.map((n) => n.op.toString())).toEqual(['Elemwise{exp,no_inplace}', 'Elemwise{add,no_inplace}']);
  });

  it("computes by perform a shape check between two tensors of different shapes (a batched dot's), before the other is computed", () => {
    const [a, b] = [T.dtensor3('a'), T.dtensor3('b')];
    // perform walks back from the output: the check of a's last axis against b's axis 1 comes before b
    const f = sym.opFromGraph([a, b], T.batchedDot(a, b.mul(2)), { name: 'bdot' });
    const A = [[[1, 2, 3], [4, 5, 6]]];
    const B = [[[1, 0], [0, 1], [1, 1]]];
    expect(reference(f(T.constant(A, { dtype: 'float64' }), T.constant(B, { dtype: 'float64' }))).toArray()).toEqual([[[8, 10], [20, 22]]]);
  });

  it('lowers an inner graph needing a static value (an inner T.zeros of an input length)', () => {
    const n = T.iscalar('n');
    const v = T.dvector('v');
    const f = sym.opFromGraph([n, v], T.zeros([n]).add(v.sum()), { name: 'fillsum', inline: false });
    const [k, w] = [T.iscalar('k'), T.dvector('w')];
    for (const mode of MODES) expect(values(sym.function([k, w], f(k, w), { mode }), 3, [1, 2])).toEqual([[3, 3, 3]]);
  });
});
