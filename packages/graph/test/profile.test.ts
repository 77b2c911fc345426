/** Profiles of compiled functions (`profile: true`, `config.profile`): counts, per-kernel records, consistency of the times, the summary, reset, the flag. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { T, cpu, sym } from './helpers.js';

// loaded by path, as helpers.ts loads the CPU backend: @sym/grad depends on @sym/graph, and graph's type check stays its own
const { grad } = (await import(/* @vite-ignore */ new URL('../../grad/src/index.ts', import.meta.url).href)) as {
  grad: (cost: sym.TensorVariable, wrt: sym.TensorVariable[]) => sym.TensorVariable[];
};

/** The tutorial's logistic regression training step on `n` rows of `feats` features, and its data. */
function logisticRegression(n: number, feats: number, options: sym.FunctionOptions) {
  const rng = new sym.RandomState(7);
  const xs = new Float64Array(n * feats);
  rng.fillNormal(xs);
  const ys = Float64Array.from({ length: n }, () => rng.integer(0, 2));
  const x = T.dmatrix('x');
  const y = T.dvector('y');
  const w = sym.shared(sym.fromTyped(new Float64Array(feats), [feats], 'float64'), { name: 'w' });
  const b = sym.shared(0, { name: 'b', dtype: 'float64' });
  const p1 = T.exp(T.dot(x, w).neg().sub(b)).add(1).pow(-1);
  const xent = y.neg().mul(T.log(p1)).sub(y.neg().add(1).mul(T.log(p1.neg().add(1))));
  const cost = xent.mean().add(w.pow(2).sum().mul(0.01));
  const [gw, gb] = grad(cost, [w, b]);
  const train = sym.function([x, y], [p1.gt(0.5), xent.mean()], {
    updates: [
      [w, w.sub(gw!.mul(0.1))],
      [b, b.sub(gb!.mul(0.1))],
    ],
    ...options,
  });
  return { train, X: sym.fromTyped(xs, [n, feats], 'float64'), Y: sym.fromTyped(ys, [n], 'float64') };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** x / (1 + |x|), a custom op lowered to one elementwise kernel. */
class Softsign extends sym.CustomOp {
  readonly name = 'Softsign';
  outputTypes(inputs: readonly sym.TensorVariable[]): sym.TensorType[] {
    return [inputs[0]!.type];
  }
  inferShape(shapes: readonly sym.StaticShape[]): sym.StaticShape[] {
    return [shapes[0]!];
  }
  perform([x]: readonly sym.NDArray[]): sym.NDArray[] {
    return [sym.fill(x!.shape, x!.dtype, (i) => x!.data[i]! / (1 + Math.abs(x!.data[i]!)))];
  }
  lower(ctx: sym.LowerContext, [x]: readonly sym.TensorView[]): sym.TensorView[] {
    const d = x!.dtype;
    const apply = (op: string, args: sym.ScalarExpr[]): sym.ScalarExpr => ({ kind: 'apply', op, args, computeDType: d, dtype: d }) as sym.ScalarExpr;
    const one: sym.ScalarExpr = { kind: 'const', value: 1, dtype: d };
    return [ctx.elementwise(x!.shape, d, [x!], ([v]) => apply('truediv', [v!, apply('add', [one, apply('abs', [v!])])]))];
  }
}


describe('profile: true', () => {
  it('counts every call and every launch of the logistic regression step, sync and async', async () => {
    const { train, X, Y } = logisticRegression(50, 6, { profile: true, name: 'train' });
    for (let i = 0; i < 3; i++) train.sync(X, Y);
    await train(X, Y);
    await train(X, Y);
    const p = train.profile!;
    expect(p.calls).toBe(5);
    expect(p.name).toBe('train');
    expect([p.device, p.mode]).toEqual(['cpu', 'FAST_RUN']);
    const kernels = p.kernels();
    // one program (one input shape), each of its kernels launched once per call
    expect(kernels.length).toBe(train.compiled.kernelCount(X, Y));
    expect(kernels.map((k) => [k.program, k.index])).toEqual(kernels.map((_, i) => [0, i]));
    for (const k of kernels) expect(k.calls).toBe(5);
    // the product x.w is a matmul kernel of its own op; the weights' update is a matmul too (the gradient's x^T . g)
    const xw = kernels.find((k) => k.nodes.includes('dot(x, w)'))!;
    expect(xw.kind).toBe('matmul');
    expect(xw.op.startsWith('dot')).toBe(true);
    expect(xw.opClass.startsWith('Dot')).toBe(true);
    expect(kernels.filter((k) => k.kind === 'matmul').length).toBe(2);
    // the outputs: a bool prediction per row and a float64 scalar cost
    expect(kernels.some((k) => k.op === 'Elemwise{gt}' && k.dtype === 'bool' && k.shape.join() === '50')).toBe(true);
    expect(kernels.some((k) => k.kind === 'reduce' && k.op.includes('Mean{axis=[0]}') && k.shape.length === 0)).toBe(true);
    expect(p.timing).toBe('run'); // the CPU has no finish(): its runs are synchronous
  });

  it("names a fused kernel after all its nodes, with each node's debugprint name", () => {
    const x = T.vector('x');
    const f = sym.function([x], T.exp(x.mul(3).add(1)), { profile: true });
    f.sync([1, 2, 3]);
    expect(f.profile!.kernels()).toEqual([
      {
        program: 0,
        index: 0,
        kind: 'elementwise',
        op: 'Elemwise{mul,add,exp}',
        opClass: 'Elemwise',
        nodes: ['Elemwise{mul,no_inplace}(x, TensorConstant{3})', 'Elemwise{add,no_inplace}(Elemwise{mul,no_inplace}.0, TensorConstant{1})', 'Elemwise{exp,no_inplace}(Elemwise{add,no_inplace}.0)'],
        shape: [3],
        dtype: 'float64',
        calls: 1,
        time: expect.any(Number),
      },
    ]);
    // a reduction's elementwise producer is fused into it: both classes, the producer first
    const m = T.matrix('m');
    const g = sym.function([m], m.mul(m).sum(1), { profile: true });
    g.sync([[1, 2]]);
    expect(g.profile!.kernels().map((k) => [k.kind, k.op, k.opClass, k.shape])).toEqual([['reduce', 'Elemwise{mul} + Sum{axis=[1]}', 'Elemwise+Reduce', [1]]]);
    // a product's elementwise reader is its epilogue: the product first
    const [A, B] = [T.matrix('A'), T.matrix('B')];
    const h = sym.function([A, B], T.dot(A, B).add(1).exp(), { profile: true });
    h.sync(sym.NDArray.zeros([16, 8], 'float64'), sym.NDArray.zeros([8, 4], 'float64'));
    expect(h.profile!.kernels().map((k) => [k.kind, k.op, k.opClass, k.shape, k.nodes])).toEqual([
      ['matmul', 'dot + Elemwise{add,exp}', 'Dot+Elemwise', [16, 4], ['dot(A, B)', 'Elemwise{add,no_inplace}(dot.0, TensorConstant{1})', 'Elemwise{exp,no_inplace}(Elemwise{add,no_inplace}.0)']],
    ]);
  });

  it('lists a node lowered to several fused pieces once (an opFromGraph kept a node, a scan step)', () => {
    const u = T.dvector('u');
    const kept = sym.opFromGraph([u], T.tanh(u.mul(2)).add(1), { name: 'act', inline: false });
    const x = T.dvector('x');
    const f = sym.function([x], kept(x), { profile: true });
    f.sync([1, 2]);
    const m = T.dmatrix('m');
    const [acc] = sym.scan((r: sym.TensorVariable, a: sym.TensorVariable) => a.add(r.exp()).mul(0.5), { sequences: [m], outputsInfo: [T.zeros([2])] });
    const g = sym.function([m], acc as sym.TensorVariable, { profile: true });
    g.sync([[1, 2], [3, 4]]);
    for (const k of [...f.profile!.kernels(), ...g.profile!.kernels()]) expect(k.nodes).toEqual([...new Set(k.nodes)]);
    // those were ['OpFromGraph{act}(x)', 'OpFromGraph{act}(x)', 'OpFromGraph{act}(x)']
    expect(f.profile!.kernels().map((k) => [k.op, k.nodes])).toEqual([['OpFromGraph{act}', ['OpFromGraph{act}(x)']]]);
  });

  it("names a custom op's class after the op (Theano's Class table names the Op subclass), sym's own ops by kind", () => {
    const x = T.dvector('x');
    const f = sym.function([x], [new Softsign().apply(x), x.sum()], { profile: true });
    f.sync([1, -3]);
    const p = f.profile!;
    expect(p.kernels().map((k) => [k.op, k.opClass])).toEqual([
      ['Softsign', 'Softsign'],
      ['Sum{axis=[0]}', 'Reduce'],
    ]);
    expect(p.classes().map((c) => c.name).sort()).toEqual(['Reduce', 'Softsign']);
    expect(p.summary()).toMatch(/\bSoftsign\s*$/m);
    expect(p.summary()).not.toMatch(/\bCustom\b/);
    // fused with sym's elementwise ops, both classes, sorted
    const g = sym.function([x], T.exp(new Softsign().apply(x.mul(2))), { profile: true });
    g.sync([1, -3]);
    expect(g.profile!.kernels().map((k) => k.opClass)).toEqual(['Elemwise+Softsign']);
  });

  it("names an input copied to an output DeepCopyOp (Theano's), its node the output", () => {
    const x = T.vector('x');
    const f = sym.function([x], [x.sum(), x], { profile: true });
    f.sync([1, 2]);
    expect(f.profile!.kernels().map((k) => [k.op, k.opClass, k.nodes])).toEqual([
      ['Sum{axis=[0]}', 'Reduce', ['Sum{axis=[0]}(x)']],
      ['DeepCopyOp', 'DeepCopyOp', ['output x']],
    ]);
  });

  it('keeps the kernels of each program (one per input shapes) apart', () => {
    const x = T.vector('x');
    const f = sym.function([x], x.mul(2), { profile: true });
    f.sync([1, 2]);
    f.sync([1, 2, 3]);
    f.sync([4, 5]);
    expect(f.profile!.kernels().map((k) => [k.program, k.shape, k.calls])).toEqual([
      [0, [2], 2],
      [1, [3], 1],
    ]);
    expect(f.profile!.ops()).toEqual([{ name: 'Elemwise{mul}', kind: 'elementwise', kernels: 2, calls: 3, time: expect.any(Number) }]);
  });

  it('has non-negative times that add up: phases to the call time, kernels to the kernel time, ops and classes too', async () => {
    const { train, X, Y } = logisticRegression(40, 5, { profile: true });
    for (let i = 0; i < 4; i++) await train(X, Y);
    const p = train.profile!;
    const kernels = p.kernels();
    for (const k of kernels) expect(k.time).toBeGreaterThanOrEqual(0);
    const phases = p.phases;
    for (const v of Object.values(phases)) expect(v).toBeGreaterThanOrEqual(0);
    expect(p.callTime).toBeCloseTo(sum(Object.values(phases)), 9);
    expect(p.kernelTime).toBeCloseTo(sum(kernels.map((k) => k.time)), 9);
    expect(p.callTime).toBeGreaterThanOrEqual(p.kernelTime);
    expect(sum(p.ops().map((o) => o.time))).toBeCloseTo(p.kernelTime, 9);
    expect(sum(p.classes().map((o) => o.time))).toBeCloseTo(p.kernelTime, 9);
    expect(sum(p.ops().map((o) => o.calls))).toBe(4 * kernels.length);
    // most time first
    const times = p.ops().map((o) => o.time);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('leaves a call that fails out, kernels included: a check failing after the launches (NanGuardMode), sync and async', async () => {
    const x = T.vector('x');
    const f = sym.function([x], T.log(x).mul(2).sum(), { profile: true, mode: 'NanGuardMode' });
    f.sync([1, 2]);
    expect(() => f.sync([-1, 2])).toThrow(/NanGuardMode/);
    await expect(f([-1, 2])).rejects.toThrow(/NanGuardMode/);
    await f([3, 4]);
    const p = f.profile!;
    expect(p.calls).toBe(2);
    expect(p.kernels().map((k) => k.calls)).toEqual(p.kernels().map(() => 2));
    expect(p.callTime).toBeGreaterThanOrEqual(p.kernelTime);
  });

  it('reset() forgets the counts but keeps the kernels', () => {
    const x = T.vector('x');
    const f = sym.function([x], x.exp().sum(), { profile: true });
    f.sync([1, 2]);
    f.sync([1, 2]);
    const p = f.profile!;
    const before = p.kernels();
    p.reset();
    expect([p.calls, p.callTime, p.kernelTime, p.timing]).toEqual([0, 0, 0, undefined]);
    expect(p.phases).toEqual({ convert: 0, plan: 0, upload: 0, kernels: 0, read: 0 });
    expect(p.kernels()).toEqual(before.map((k) => ({ ...k, calls: 0, time: 0 })));
    f.sync([3, 4]);
    expect(p.calls).toBe(1);
    expect(p.kernels().map((k) => k.calls)).toEqual(before.map(() => 1));
  });

  it('gives structured data as JSON', () => {
    const x = T.vector('x');
    const f = sym.function([x], x.neg(), { profile: true, name: 'negate' });
    f.sync([1]);
    const json = JSON.parse(JSON.stringify(f.profile)) as { name: string; calls: number; kernels: { op: string }[]; timing: string };
    expect([json.name, json.calls, json.kernels.map((k) => k.op), json.timing]).toEqual(['negate', 1, ['Elemwise{neg}'], 'run']);
  });
});

describe('summary()', () => {
  it("prints Theano's header, then the Class, Ops and Kernels tables, most time first", () => {
    const { train, X, Y } = logisticRegression(30, 4, { profile: true, name: 'train' });
    train.sync(X, Y);
    train.sync(X, Y);
    const p = train.profile!;
    const text = p.summary();
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['Function profiling', '==================', '  Function: train  device=cpu  mode=FAST_RUN']);
    expect(lines[3]).toMatch(/^ {2}Time in 2 calls: \d\.\d{3}e[-+]\d+s \(\d\.\d{3}e[-+]\d+s per call\)$/);
    expect(lines[4]).toMatch(/^ {2}Time in kernels: \d\.\d{3}e[-+]\d+s \(\d+\.\d%\)$/);
    expect(lines[5]).toMatch(/^ {2}Overhead: -?\d\.\d{3}e[-+]\d+s \(-?\d+\.\d%\): arguments .+s, programs .+s, uploads .+s, readbacks .+s$/);
    const n = p.kernels().length;
    expect(lines[6]).toBe(`  Programs: 1 (one per distinct input shapes), ${n} kernels in all`);
    expect(lines[7]).toMatch(/^ {2}Kernel times: as backend.run returns/);
    const section = (name: string) => {
      const at = lines.indexOf(name);
      expect(lines[at + 1]).toBe('---');
      const end = lines.indexOf('', at);
      return lines.slice(at + 2, end < 0 ? undefined : end);
    };
    const classes = section('Class');
    expect(classes[0]!.trim().split(/\s+/)).toEqual(['<%', 'time>', '<sum', '%>', '<time>', '<per', 'call>', '<#call>', '<#kernel>', '<class>']);
    expect(classes.length - 1).toBe(p.classes().length);
    const ops = section('Ops');
    expect(ops.length - 1).toBe(p.ops().length);
    const row = /^ +\d+\.\d% +\d+\.\d% +\d\.\d{3}e[-+]\d+s +\d\.\d{3}e[-+]\d+s +/;
    for (const line of [...classes.slice(1), ...ops.slice(1)]) expect(line).toMatch(row);
    // cumulative percentages end at 100%
    expect(ops[ops.length - 1]!.trim().split(/\s+/)[1]).toBe('100.0%');
    // each op's row ends with its name, in the order of ops()
    p.ops().forEach((o, i) => expect(ops[i + 1]!.endsWith(`  ${o.name}`)).toBe(true));
    const kernels = section('Kernels');
    // a row per kernel, then its nodes indented below it
    const kernelRows = kernels.slice(1).filter((l) => row.test(l));
    expect(kernelRows.length).toBe(n);
    expect(kernels.length - 1).toBe(n + p.kernels().reduce((s, k) => s + k.nodes.length, 0));
    expect(kernels).toContain('      dot(x, w)');
  });

  it('cuts the tables to `rows` rows, summing the rest; `nodes: false` leaves the node lists out', () => {
    const { train, X, Y } = logisticRegression(30, 4, { profile: true });
    train.sync(X, Y);
    const p = train.profile!;
    const n = p.kernels().length;
    const text = p.summary({ rows: 2, nodes: false });
    const lines = text.split('\n');
    const at = lines.indexOf('Kernels');
    expect(lines.slice(at + 3, at + 5).every((l) => /^ +\d+\.\d%/.test(l))).toBe(true);
    expect(lines[at + 5]).toMatch(new RegExp(`^ {2}\\.\\.\\. \\(${n - 2} more, \\d+\\.\\d% of the kernel time\\)$`));
    expect(lines.length).toBe(at + 6);
    expect(text).not.toContain('dot(x, w)');
  });

  it('before any call, prints zeros and empty tables', () => {
    const x = T.vector('x');
    const f = sym.function([x], x.neg(), { profile: true });
    expect(f.profile!.summary()).toContain('  Time in 0 calls: 0.000e+0s\n');
  });
});

describe('profiling off', () => {
  it('is the default: no profile, and a call reads no clock', () => {
    const now = vi.spyOn(performance, 'now');
    try {
      const x = T.vector('x');
      const f = sym.function([x], x.exp().sum());
      expect(f.profile).toBeUndefined();
      expect(f.compiled.profile).toBeUndefined();
      f.sync([1, 2]);
      now.mockClear();
      f.sync([1, 2]);
      expect(now).not.toHaveBeenCalled();
    } finally {
      now.mockRestore();
    }
  });

  it('refuses a profile option that is not a boolean', () => {
    const x = T.vector('x');
    expect(() => sym.function([x], x, { profile: 'yes' as unknown as boolean })).toThrow('function: profile must be true or false; got "yes"');
  });
});

describe('config.profile and SYM_FLAGS=profile=...', () => {
  afterEach(() => {
    sym.config.profile = false;
  });

  it('parses true and false, in Theano spellings too', () => {
    expect(sym.parseFlags('profile=true,device=cpu')).toEqual({ profile: true, device: 'cpu' });
    expect(sym.parseFlags('profile=True')).toEqual({ profile: true });
    expect(sym.parseFlags('profile=1')).toEqual({ profile: true });
    expect(sym.parseFlags('profile=False')).toEqual({ profile: false });
    expect(sym.parseFlags('profile=0')).toEqual({ profile: false });
    expect(sym.parseRc('[global]\nprofile = true')).toEqual({ profile: true });
    expect(() => sym.parseFlags('profile=yes')).toThrow('SYM_FLAGS: profile must be true or false (or True, False, 1, 0); got "yes"');
    expect(() => sym.parseRc('[global]\nprofile = on', '/home/u/.symrc')).toThrow('/home/u/.symrc: profile must be true or false (or True, False, 1, 0); got "on"');
  });

  it('reads profile from SYM_FLAGS', () => {
    const saved = process.env.SYM_FLAGS;
    try {
      process.env.SYM_FLAGS = 'profile=True';
      sym.config.reload();
      expect(sym.config.profile).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.SYM_FLAGS;
      else process.env.SYM_FLAGS = saved;
      sym.config.reload();
    }
  });

  it('profiles functions made while it is on; the profile option overrides it', () => {
    const x = T.vector('x');
    sym.config.profile = true;
    const on = sym.function([x], x.neg());
    const off = sym.function([x], x.neg(), { profile: false });
    sym.config.set('profile=false');
    const later = sym.function([x], x.neg());
    const explicit = sym.function([x], x.neg(), { profile: true });
    expect([on.profile, off.profile, later.profile, explicit.profile].map((p) => p instanceof sym.FunctionProfile)).toEqual([true, false, false, true]);
    on.sync([1]);
    expect(on.profile!.calls).toBe(1);
    // its summary is printed when the process exits, as Theano's: nothing left to print after a reset
    on.profile!.reset();
  });

  it('refuses a value that is not a boolean in code', () => {
    expect(() => {
      sym.config.profile = 'true' as unknown as boolean;
    }).toThrow('config.profile: must be true or false; got "true"');
    expect(sym.config.profile).toBe(false);
  });
});

describe('backends that queue their launches (finish, runTimed)', () => {
  /** The CPU backend under another name, with a `finish` that counts its calls (and `extra` methods). */
  function finishing(name: string, finish: () => Promise<void> | void, extra: Partial<sym.Backend> = {}): sym.Backend {
    const b: sym.Backend = {
      ...extra,
      describe: () => ({ ...cpu.describe(), name }),
      alloc: (d, n) => cpu.alloc(d, n),
      write: (buf, data) => cpu.write(buf, data),
      read: (buf) => cpu.read(buf),
      readSync: (buf) => cpu.readSync!(buf),
      free: (buf) => cpu.free(buf),
      compile: (k) => cpu.compile(k),
      run: (l) => cpu.run(l),
      finish,
    };
    sym.registerBackend(b);
    return b;
  }

  it('waits for the device after each launch, and says so', async () => {
    let waits = 0;
    finishing('cpu-finishing', async () => {
      waits++;
    });
    const x = T.vector('x');
    const f = sym.function([x], [x.exp().sum(), x.mul(2)], { profile: true, device: 'cpu-finishing' });
    const out = (await f([1, 2])) as sym.NDArray[];
    expect(out[1]!.toArray()).toEqual([2, 4]);
    const n = f.profile!.kernels().length;
    expect(n).toBeGreaterThan(1);
    expect(waits).toBe(n);
    expect(f.profile!.timing).toBe('finish');
    expect(f.profile!.summary()).toContain('  Kernel times: each launch run alone and waited for (submit and wait included)');
  });

  it('in a synchronous call, cannot wait for a finish that returns a promise: the times are enqueue times', () => {
    let waits = 0;
    finishing('cpu-async-finish', () => {
      waits++;
      return Promise.resolve();
    });
    const x = T.vector('x');
    const f = sym.function([x], x.exp(), { profile: true, device: 'cpu-async-finish' });
    f.sync([1, 2]);
    expect(waits).toBe(1);
    expect(f.profile!.timing).toBe('run');
  });

  it('a synchronous finish (WebGL) is waited for in synchronous calls', () => {
    let waits = 0;
    finishing('cpu-sync-finish', () => {
      waits++;
    });
    const x = T.vector('x');
    const f = sym.function([x], x.exp(), { profile: true, device: 'cpu-sync-finish' });
    f.sync([1, 2]);
    expect([waits, f.profile!.timing]).toEqual([1, 'finish']);
  });

  it("prefers the device's own times (runTimed), launching together, and counts the submit and wait as overhead", async () => {
    let waits = 0;
    const runs: number[] = [];
    finishing(
      'cpu-timestamps',
      () => {
        waits++;
      },
      {
        // the times a device would measure: launch i took i + 1 ms
        runTimed: (launches) => {
          runs.push(launches.length);
          cpu.run(launches);
          return Promise.resolve(launches.map((_, i) => i + 1));
        },
      },
    );
    const x = T.vector('x');
    const f = sym.function([x], [x.exp().sum(), x.mul(2)], { profile: true, device: 'cpu-timestamps' });
    await f([1, 2]);
    const out = (await f([1, 2])) as sym.NDArray[];
    expect(out[1]!.toArray()).toEqual([2, 4]);
    const p = f.profile!;
    const n = p.kernels().length;
    expect(runs).toEqual([n, n]);
    expect(waits).toBe(0);
    expect(p.kernels().map((k) => [k.calls, k.time])).toEqual(p.kernels().map((_, i) => [2, 2 * (i + 1)]));
    expect(p.kernelTime).toBe(n * (n + 1)); // two calls of 1 + 2 + ... + n ms
    expect(p.timing).toBe('device');
    const summary = p.summary();
    expect(summary).toContain("  Kernel times: the device's timestamps, launches submitted together");
    expect(summary).toMatch(/uploads .+s, submits and waits -?\d\.\d{3}e[-+]\d+s, readbacks/);
  });

  it('falls back to finish where runTimed says the device cannot time (undefined)', async () => {
    let waits = 0;
    finishing(
      'cpu-no-timestamps',
      () => {
        waits++;
      },
      { runTimed: () => undefined },
    );
    const x = T.vector('x');
    const f = sym.function([x], x.exp(), { profile: true, device: 'cpu-no-timestamps' });
    expect((await f([0])).toArray()).toEqual([1]);
    expect([waits, f.profile!.timing, f.profile!.kernels()[0]!.calls]).toEqual([1, 'finish', 1]);
  });
});
