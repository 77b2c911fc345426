import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';
import { ComplexArray } from './array.js';
import * as C from './index.js';

/** Reference values from NumPy 2.4 (complex64 unless said). */
const A = ComplexArray.from([1, 3, -2], [2, -1, 0.5], 'complex64');
const B = ComplexArray.from([0.5, -1, 2], [-1, 2, 3], 'complex64');

function close(z: ComplexArray, re: number[], im: number[], tol = 1e-6): void {
  const scale = (v: number) => Math.max(1, Math.abs(v));
  re.forEach((v, k) => expect(Math.abs(z.re.data[k]! - v) / scale(v)).toBeLessThan(tol));
  im.forEach((v, k) => expect(Math.abs(z.im.data[k]! - v) / scale(v)).toBeLessThan(tol));
}

async function binary(f: (a: C.ComplexVariable, b: C.ComplexVariable) => C.ComplexVariable, a = A, b = B): Promise<ComplexArray> {
  const x = T.cvector('x');
  const y = T.cvector('y');
  return sym.function([x, y], f(x, y))(a, b);
}

async function unary(f: (a: C.ComplexVariable) => C.ComplexVariable, a = A): Promise<ComplexArray> {
  const x = T.cvector('x');
  return sym.function([x], f(x))(a);
}

describe('complex variables', () => {
  it('are typed as Theano and NumPy promote them', () => {
    expect(T.cmatrix('m').dtype).toBe('complex64');
    expect(T.zvector().dtype).toBe('complex128');
    expect(T.ctensor3().ndim).toBe(3);
    const c = T.cvector();
    expect(C.add(c, T.dvector()).dtype).toBe('complex128');
    expect(C.add(c, T.tensor('int16', [false])).dtype).toBe('complex64');
    expect(C.add(c, T.ivector()).dtype).toBe('complex128');
    expect(C.mul(c, 2.5).dtype).toBe('complex64');
    expect(T.complex(T.fvector(), T.fvector()).dtype).toBe('complex64');
    expect(T.complex(T.ivector(), T.fvector()).dtype).toBe('complex128');
    expect(() => T.ctensor('float32' as never, 1)).toThrow(/complex64' or 'complex128', got "float32" \(a real dtype: use T.tensor\)/);
  });

  it('round-trips through a function, parts and polar form', async () => {
    const re = T.fvector('re');
    const im = T.fvector('im');
    const f = sym.function([re, im], [T.complex(re, im), T.complexFromPolar(re, im)]);
    const [z, p] = (await f([1, 3], [2, -1])) as [ComplexArray, ComplexArray];
    expect(z.toString()).toBe('[1.+2.j 3.-1.j]');
    close(p, [Math.cos(2), 3 * Math.cos(-1)], [Math.sin(2), 3 * Math.sin(-1)]);
    const x = T.cvector('x');
    const g = sym.function([x], [T.real(x), T.imag(x), T.angle(x), C.abs(x)]);
    const [r, i, ang, mag] = (await g(A)) as sym.NDArray[];
    expect(Array.from(r!.data)).toEqual([1, 3, -2]);
    expect(Array.from(i!.data)).toEqual([2, -1, 0.5]);
    [1.1071488, -0.32175058, 2.896614].forEach((v, k) => expect(ang!.data[k]).toBeCloseTo(v, 6));
    [2.236068, 3.1622777, 2.0615528].forEach((v, k) => expect(mag!.data[k]).toBeCloseTo(v, 6));
    expect((await unary((z) => T.conj(z) as C.ComplexVariable)).toString()).toBe('[ 1.-2.j   3.+1.j  -2.-0.5j]');
  });

  it('does arithmetic as NumPy', async () => {
    close(await binary(C.mul), [2.5, -1, -5.5], [0, 7, -5]);
    close(await binary(C.div), [-1.2, -1, -0.1923077], [1.6, -1, 0.5384615]);
    close(await binary(C.add), [1.5, 2, 0], [1, 1, 3.5]);
    close(await binary(C.sub), [0.5, 4, -4], [3, -3, -2.5]);
    close(await unary(C.neg), [-1, -3, 2], [-2, 1, -0.5]);
    close(await unary(C.exp), [-1.1312044, 10.852262, 0.11876788], [2.4717267, -16.901396, 0.06488319]);
    close(await unary(C.log), [0.804719, 1.1512926, 0.7234595], [1.1071488, -0.32175055, 2.896614]);
    close(await unary(C.sqrt), [1.2720196, 1.7553173, 0.17543206], [0.7861514, -0.28484878, 1.4250531]);
    close(await unary((z) => C.pow(z, 2.5)), [-6.9606647, 12.333448, 3.5079753], [2.7296243, -12.810696, 4.993086], 1e-5);
  });

  it('divides without overflow (Smith) and by zero as NumPy', async () => {
    close(await binary(C.div, ComplexArray.from([1e30], [1e30], 'complex64'), ComplexArray.from([2e30], [-1e30], 'complex64')), [0.2], [0.6]);
    const byZero = await binary(C.div, ComplexArray.from([1, 0], [2, 0], 'complex64'), ComplexArray.from([0, 0], [0, 0], 'complex64'));
    expect(byZero.toString()).toBe('[inf+infj nan+nanj]');
  });

  it('takes |z| without overflow, inf beside nan as hypot', async () => {
    const x = T.cvector('x');
    expect(C.abs(x).dtype).toBe('float32');
    expect(C.sqrt(x).dtype).toBe('complex64');
    const m = (await sym.function([x], C.abs(x))(ComplexArray.from([2e38, 0, Infinity, NaN], [1e38, 0, NaN, 1], 'complex64'))) as sym.NDArray;
    expect(m.data[0]! / 2.236068e38).toBeCloseTo(1, 6);
    expect(Array.from(m.data.slice(1))).toEqual([0, Infinity, NaN]);
  });

  it('takes sqrt on the principal branch', async () => {
    const z = await unary(C.sqrt, ComplexArray.from([-4, 0, 0, -1], [0, 0, 4, -1e-30], 'complex128'.replace('128', '64') as 'complex64'));
    close(z, [0, 0, 1.41421356, 5e-31], [2, 0, 1.41421356, -1]);
  });

  it('reduces, multiplies matrices and reshapes', async () => {
    const a = T.zmatrix('a');
    const b = T.zmatrix('b');
    const f = sym.function([a, b], [C.dot(a, b), C.sum(a, 0), C.prod(a, 1), C.mean(a), a.T, a.get(T.slice(null, null), 1), a.reshape([4])]);
    const av = ComplexArray.from([[1, 2], [0, 1]], [[1, 0], [0, -3]]);
    const bv = ComplexArray.from([[2, 0], [1, 1]], [[-1, 1], [0, 1]]);
    const [d, s, p, m, t, col, flat] = (await f(av, bv)) as ComplexArray[];
    expect(d!.toString()).toBe('[[5.+1.j 1.+3.j]\n [1.-3.j 4.-2.j]]');
    expect(s!.toString()).toBe('[1.+1.j 3.-3.j]');
    close(p!, [2, 0], [2, 0], 1e-12);
    expect(m!.toString()).toBe('(1-0.5j)');
    expect(t!.toString()).toBe('[[1.+1.j 0.+0.j]\n [2.+0.j 1.-3.j]]');
    expect(col!.toString()).toBe('[2.+0.j 1.-3.j]');
    expect(flat!.shape).toEqual([4]);
  });

  it('broadcasts a real operand and a complex row', async () => {
    const x = T.cmatrix('x');
    const r = T.fvector('r');
    const f = sym.function([x, r], C.mul(x, r));
    const z = (await f(ComplexArray.from([[1, 2]], [[1, -1]], 'complex64'), [2, 3])) as ComplexArray;
    expect(z.toString()).toBe('[[2.+2.j 6.-3.j]]');
  });

  it('prints as NumPy', () => {
    expect(ComplexArray.from([1.5, 3], [2, -1.25]).toString()).toBe('[1.5+2.j   3. -1.25j]');
    expect(ComplexArray.from([1e10, 1], [1, 2]).toString()).toBe('[1.e+10+1.j 1.e+00+2.j]');
    expect(ComplexArray.from(1, 2).toString()).toBe('(1+2j)');
    expect(ComplexArray.from(0, 2).toString()).toBe('2j');
    expect(ComplexArray.from(1.5, -0.25).toString()).toBe('(1.5-0.25j)');
  });

  it('refuses a wrong argument clearly', async () => {
    const x = T.cvector('x');
    const f = sym.function([x], C.exp(x));
    expect(() => f.sync([1, 2])).toThrow(/argument 0 \(x\): expected a ComplexArray of complex64/);
    expect(() => f.sync(ComplexArray.from([1], [2]))).toThrow(/complex64 cannot hold without loss/);
    expect(() => sym.function([T.cvector('y')], T.real(x))).toThrow(/input 0 \(y\) is not needed/);
  });
});

describe('a function of complex and sparse variables', () => {
  it('takes both kinds of values and checks both inputs are used (the check once saw a sparse input as unused)', async () => {
    const z = T.zvector('z');
    const S = sym.sparse.csrMatrix('S', 'float64');
    const f = sym.function([z, S], C.real(z).sum().add(sym.sparse.spSum(S)));
    const out = await f(ComplexArray.from([1, 2], [3, 4], 'complex128'), sym.sparse.SparseMatrix.fromDense([[1, 0], [0, 2]], 'csr'));
    expect(String(out)).toBe('6.0');
    expect(() => sym.function([z, S], C.real(z).sum())).toThrow('function: input 1 (S) is not needed to compute the outputs or updates');
    expect(() => sym.function([z, S], sym.sparse.spSum(S))).toThrow('function: input 0 (z) is not needed to compute the outputs or updates');
  });
});

describe('complex shared variables and pairs', () => {
  it('updates a shared complex variable through its parts', async () => {
    const z = C.shared(ComplexArray.from([1, 0], [0, 1]), { name: 'z' });
    expect(z.dtype).toBe('complex128');
    const w = T.zvector('w');
    // z <- z * w
    const step = sym.function([w], C.abs(z), { updates: C.update(z, C.mul(z, w)) });
    const before = (await step(ComplexArray.from([0, 2], [1, 0]))) as sym.NDArray;
    expect(Array.from(before.data)).toEqual([1, 1]);
    expect(z.getValue().toString()).toBe('[0.+1.j 0.+2.j]');
    z.setValue(ComplexArray.from([3, 4], [4, 3]));
    expect(Array.from(((await step(ComplexArray.from([1, 1], [0, 0]))) as sym.NDArray).data)).toEqual([5, 5]);
    expect(() => C.update(z, T.complex(T.fvector(), T.fvector()))).toThrow(/the update of z \(complex128\) is complex64/);
    expect(() => sym.function([], C.abs(z), { updates: [[z, z] as never] })).toThrow(/update 0 targets the complex z, which is updated through its two parts: write \.\.\.complex\.update\(z, expr\)/);
  });

  it('reads and writes the (real, imaginary) pairs of T.fft', async () => {
    const sig = T.matrix('sig');
    const f = sym.function([sig], C.fromPairs(T.fft.rfft(sig)));
    const spec = (await f([[1, 2, 3, 4]])) as ComplexArray;
    expect(spec.toString()).toBe('[[10.+0.j -2.+2.j -2.+0.j]]');
    const z = T.zmatrix('z');
    const back = sym.function([z], T.fft.irfft(C.toPairs(z)));
    expect(((await back(spec)) as sym.NDArray).toString()).toBe('[[1. 2. 3. 4.]]');
  });

  it('has the math as methods', async () => {
    const x = T.cvector('x');
    const f = sym.function([x], x.mul(x.conj()).add(1).sqrt().sum());
    expect(((await f(A)) as ComplexArray).toString()).toBe('(8.057403+0j)') // NumPy: str(np.sqrt(x * x.conj() + 1).sum()) in complex64;
  });
});

describe('complex64 graphs', () => {
  it('compute in float32 only (a float32-only backend runs them): no float64 node, a JS number weak', () => {
    const z = T.cvector('z');
    const outs = [C.abs(z), ...[C.sqrt(z), C.pow(z, 1.5), C.log(z), C.div(z, 2), C.prod(z), C.mean(z), C.mul(z, 0.1)].flatMap((c) => [c.re, c.im])];
    const f64 = sym.toposort(outs).flatMap((node) => node.outputs.filter((o) => o.dtype === 'float64').map(() => node.op.toString()));
    expect(f64).toEqual([]);
  });
});

describe('real ops given a complex variable', () => {
  it('refuse it, naming sym.complex', () => {
    expect(() => T.exp(T.zvector('z') as never)).toThrow(/exp argument 0: got the complex variable z, which real ops do not take; use sym.complex's ops/);
  });
});
