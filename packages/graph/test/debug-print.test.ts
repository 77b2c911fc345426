/** pp and debugprint in Theano's format; DebugMode and NanGuardMode naming the op that went wrong. */
import { describe, expect, it } from 'vitest';
import { T, cpu, sym } from './helpers.js';

describe('pp', () => {
  it('prints the tutorial expression', () => {
    const foo = T.scalar('foo');
    expect(sym.pp(foo.pow(2))).toBe('(foo ** TensorConstant{2})');
  });
  it('prints infix operators, prefix minus, calls, dot and transpose', () => {
    const x = T.vector('x');
    const m = T.matrix('m');
    const y = T.vector('y');
    expect(sym.pp(T.dot(m, x).add(y))).toBe('((m \\dot x) + y)');
    expect(sym.pp(x.mul(2).add(1).neg().exp())).toBe('exp(-((x * TensorConstant{2}) + TensorConstant{1}))');
    expect(sym.pp(m.T)).toBe('m.T');
    expect(sym.pp(x.div(y).intDiv(2).mod(3))).toBe('(((x / y) // TensorConstant{2}) % TensorConstant{3})');
    expect(sym.pp(x.lt(y))).toBe('(x < y)');
    expect(sym.pp(x.astype('float32'))).toBe('Cast{float32}(x)');
    expect(sym.pp(T.sum(m, 0))).toBe('Sum{axis=[0]}(m)');
  });
  it('stops at named intermediate variables', () => {
    const x = T.vector('x');
    const h = x.mul(2);
    h.name = 'h';
    expect(sym.pp(h.add(1))).toBe('(h + TensorConstant{1})');
    expect(sym.pp(h)).toBe('(x * TensorConstant{2})');
  });
});

describe('debugprint', () => {
  it('prints one node a line with ids, children indented with |', () => {
    const foo = T.scalar('foo');
    expect(sym.debugprint(foo.pow(2))).toBe("Elemwise{pow,no_inplace} [id A] ''\n |foo [id B]\n |TensorConstant{2} [id C]");
  });
  it('prints types in angle brackets with printType', () => {
    const m = T.matrix('m');
    const x = T.vector('x');
    const y = T.vector('y');
    expect(sym.debugprint(T.dot(m, x).add(y).sum(), { printType: true })).toBe(
      [
        "Sum{axis=[0]} [id A] <TensorType(float64, scalar)> ''",
        " |Elemwise{add,no_inplace} [id B] <TensorType(float64, vector)> ''",
        " | |dot [id C] <TensorType(float64, vector)> ''",
        " | | |m [id D] <TensorType(float64, matrix)>",
        " | | |x [id E] <TensorType(float64, vector)>",
        " | |y [id F] <TensorType(float64, vector)>",
      ].join('\n'),
    );
  });
  it('prints a shared subexpression once, then by its id', () => {
    const x = T.vector('x');
    const h = x.exp();
    h.name = 'h';
    expect(sym.debugprint([h.add(h), h])).toBe(
      ["Elemwise{add,no_inplace} [id A] ''", " |Elemwise{exp,no_inplace} [id B] 'h'", ' | |x [id C]', " |Elemwise{exp,no_inplace} [id B] 'h'", "Elemwise{exp,no_inplace} [id B] 'h'"].join(
        '\n',
      ),
    );
  });
  it('of a compiled function shows its graph', () => {
    const x = T.vector('x');
    const f = sym.function([x], x.neg());
    expect(f.debugprint()).toMatch(/^Elemwise\{neg,no_inplace\} \[id A\] ''\n \|x \[id B\]$/);
    // Theano's spelling, theano.printing.debugprint(f), printed the function's source before
    expect(sym.debugprint(f)).toBe(f.debugprint());
    expect(sym.debugprint(f, { printType: true })).toBe(f.debugprint({ printType: true }));
  });
  it('refuses what is neither a variable nor a compiled function', () => {
    expect(() => sym.debugprint(3 as never)).toThrow(/debugprint: its argument must be a symbolic variable or a compiled function, got number/);
    expect(() => sym.debugprint([T.vector('x'), 'y'] as never)).toThrow(/debugprint: outputs\[1\] must be .* got string/);
  });
});

describe('DebugMode', () => {
  it('checks a graph whose values are empty (their kernels are dropped, their buffers never allocated)', async () => {
    // it read an unallocated buffer: "Cannot read properties of undefined (reading 'data')"
    const x = T.dmatrix('x');
    const i = T.lvector('i');
    const f = sym.function([x, i], x.get(i).mul(x.get(i)).add(1), { mode: 'DebugMode' });
    const got = (await f(sym.array([], { dtype: 'float64', shape: [0, 3] }), sym.array([], { dtype: 'int64', shape: [0] }))) as sym.NDArray;
    expect(got.shape).toEqual([0, 3]);
    expect((f.sync(sym.array([], { dtype: 'float64', shape: [0, 3] }), sym.array([], { dtype: 'int64', shape: [0] })) as sym.NDArray).shape).toEqual([0, 3]);
  });
  it('raises InvalidValueError naming the op, the index and the inputs on NaN', async () => {
    const num = T.scalar('num');
    const den = T.scalar('den');
    const divide = sym.function([num, den], num.div(den), { mode: 'DebugMode' });
    expect((await divide(10, 2)).toString()).toBe('5.0');
    const err = await divide(0, 0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(sym.InvalidValueError);
    expect((err as Error).message).toBe('DebugMode: Elemwise{true_div,no_inplace}(num, den) produced nan in output 0 at index (); inputs: num=0.0, den=0.0');
  });
  it('raises on inf in an intermediate node, naming that node', () => {
    const x = T.vector('x');
    const f = sym.function([x], x.exp().mul(0), { mode: 'DebugMode' });
    expect(() => f.sync([1, 1000])).toThrow('DebugMode: Elemwise{exp,no_inplace}(x) produced inf in output 0 at index (1,); inputs: x=[   1. 1000.]');
  });
  it('raises BadThunkOutput naming the node whose backend result differs from the reference', () => {
    // a backend that computes exp one too high in the first element: DebugMode must catch it
    const offByOne: sym.Backend = {
      describe: () => ({ ...cpu.describe(), name: 'cpu-off-by-one' }),
      alloc: (d, n) => cpu.alloc(d, n),
      write: (b, data) => cpu.write(b, data),
      read: (b) => cpu.read(b),
      readSync: (b) => cpu.readSync!(b),
      free: (b) => cpu.free(b),
      compile: (k) => cpu.compile(k),
      run: (launches) => {
        cpu.run(launches);
        for (const l of launches) {
          const k = l.exe.kernel;
          if (k.kind === 'elementwise' && k.expr.kind === 'apply' && k.expr.op === 'exp') {
            const out = cpu.readSync!(l.output);
            out[0] = out[0]! + 1;
            cpu.write(l.output, out);
          }
        }
      },
    };
    sym.registerBackend(offByOne);
    const x = T.vector('x');
    const f = sym.function([x], x.exp().sum(), { mode: 'DebugMode', device: 'cpu-off-by-one' });
    expect(() => f.sync([0, 1])).toThrow(sym.BadThunkOutput);
    expect(() => f.sync([0, 1])).toThrow(
      'DebugMode: Elemwise{exp,no_inplace}(x) output 0 differs from the reference at index (0,): backend 2, reference 1; inputs: x=[0. 1.]',
    );
  });
  it('in FAST_RUN the same call returns nan', async () => {
    const num = T.scalar('num');
    const den = T.scalar('den');
    expect((await sym.function([num, den], num.div(den))(0, 0)).toString()).toBe('nan');
  });
});

describe('NanGuardMode', () => {
  const x = T.vector('x');
  const y = T.vector('y');
  const f = sym.function([x, y], x.div(y), { mode: 'NanGuardMode' });
  it('raises on inf, nan and huge values', () => {
    expect(() => f.sync([1, 1], [0, 1])).toThrow('NanGuardMode: Elemwise{true_div,no_inplace}(x, y) produced inf in output 0 at index (0,); inputs: x=[1. 1.], y=[0. 1.]');
    expect(() => f.sync([0, 1], [0, 1])).toThrow(/produced nan in output 0 at index \(0,\)/);
    expect(() => f.sync([1e11, 1], [1, 1])).toThrow(sym.InvalidValueError);
    expect(() => f.sync([1e11, 1], [1, 1])).toThrow(/produced a huge value in output 0 at index \(0,\)/);
  });
  it('passes ordinary values', () => {
    expect(f.sync([1, 3], [2, 4]).toString()).toBe('[0.5  0.75]');
  });
});
