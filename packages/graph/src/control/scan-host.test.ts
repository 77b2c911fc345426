/**
 * A scan whose step holds an op run on the host (sym.Print, sym.asOp, a
 * window of computed length; nonzero: data-dependent.test.ts; a loop
 * ending with until: scan-until.test.ts), as Theano allows: the loop runs
 * between programs a step at a time, the step a function of its own
 * (host-stage.ts), so Print prints once per step in order and asOp runs
 * per step; gradients are the plain loop's (Print's is the output's, and
 * asOp's is refused, as outside a scan).
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

type V = sym.TensorVariable;
const { grad } = (await import(/* @vite-ignore */ new URL('../../../grad/src/index.ts', import.meta.url).href)) as { grad: (c: V, w: V) => V };
const f64 = (v: sym.NestedArray) => sym.array(v, { dtype: 'float64' });
const zero = () => T.constant(0, { dtype: 'float64' });
const dscalar = T.dscalar().type;

describe('sym.Print inside a scan step', () => {
  it('prints once per step, in order, called async and sync, the values unchanged', async () => {
    const lines: string[] = [];
    const x = T.dvector('x');
    const [sums] = sym.scan((xt: V, h: V) => sym.Print('h', { log: (l) => lines.push(l) })(h.add(xt)), { sequences: x, outputsInfo: zero() });
    const f = sym.function([x], sums);
    expect((await f([1, 2, 3])).toArray()).toEqual([1, 3, 6]);
    expect(lines).toEqual(['h __str__ = 1.0', 'h __str__ = 3.0', 'h __str__ = 6.0']);
    expect((f.sync([4, 5]) as sym.NDArray).toArray()).toEqual([4, 9]);
    expect(lines.slice(3)).toEqual(['h __str__ = 4.0', 'h __str__ = 9.0']);
  });

  it('walks the steps backwards with goBackwards, reads non-sequences, and keeps what the device computes around it', () => {
    const lines: string[] = [];
    const x = T.dvector('x');
    const w = T.dscalar('w');
    const [hs] = sym.scan((xt: V, h: V, wt: V) => T.tanh(sym.Print('pre', { log: (l) => lines.push(l) })(h.mul(wt).add(xt))), {
      sequences: x,
      outputsInfo: zero(),
      nonSequences: w,
      goBackwards: true,
    });
    const f = sym.function([x, w], hs.mul(2));
    const got = Array.from((f.sync([0.1, 0.2, 0.3], 0.5) as sym.NDArray).data);
    // numpy: h = 0; for xt in x[::-1]: pre = h * w + xt; h = tanh(pre)
    let h = 0;
    const want: number[] = [];
    const pres: string[] = [];
    for (const xt of [0.3, 0.2, 0.1]) {
      const pre = h * 0.5 + xt;
      pres.push(pre.toFixed(8));
      h = Math.tanh(pre);
      want.push(2 * h);
    }
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12));
    expect(lines.map((l) => Number(l.replace('pre __str__ = ', '')).toFixed(8))).toEqual(pres);
  });

  it("passes the gradient through, as outside a scan (Theano's Print)", () => {
    const x = T.dvector('x');
    const w = T.dscalar('w');
    const step = (print: boolean) => (xt: V, h: V) => {
      const next = T.tanh(h.mul(w).add(xt));
      return print ? sym.Print('h', { log: () => undefined })(next) : next;
    };
    const [withPrint] = sym.scan(step(true), { sequences: x, outputsInfo: zero() });
    const [plain] = sym.scan(step(false), { sequences: x, outputsInfo: zero() });
    const f = sym.function([x, w], [grad(withPrint.sum(), w), grad(plain.sum(), w)]);
    const [a, b] = f.sync([0.5, -1, 2], 0.7) as sym.NDArray[];
    expect(a!.item()).toBeCloseTo(b!.item(), 12);
    expect(b!.item()).not.toBe(0);
  });
});

describe('sym.asOp inside a scan step', () => {
  it('runs its function once per step, on the step values in order', async () => {
    const seen: number[] = [];
    const double = sym.asOp({ itypes: [dscalar], otypes: [dscalar] }, function double(a: sym.NDArray) {
      seen.push(a.item());
      return f64(a.item() * 2);
    });
    const x = T.dvector('x');
    const [hs] = sym.scan((xt: V, h: V) => double(h.add(xt)) as V, { sequences: x, outputsInfo: zero() });
    const f = sym.function([x], hs);
    // h1 = (0 + 1) * 2, h2 = (2 + 2) * 2, h3 = (8 + 3) * 2
    expect((await f([1, 2, 3])).toArray()).toEqual([2, 8, 22]);
    expect(seen).toEqual([1, 4, 11]);
  });

  it('has no gradient, as outside a scan (Theano\'s as_op)', () => {
    const double = sym.asOp({ itypes: [dscalar], otypes: [dscalar] }, function double(a: sym.NDArray) {
      return f64(a.item() * 2);
    });
    const x = T.dvector('x');
    const [hs] = sym.scan((xt: V, h: V) => double(h.add(xt)) as V, { sequences: x, outputsInfo: zero() });
    expect(() => grad(hs.sum(), x)).toThrow(/double runs on the host and has no gradient \(as Theano's as_op\)/);
  });
});

describe('a loop ending with until whose step holds a host op', () => {
  it('prints only the steps that ran (Theano runs none past the stop), async and sync, going backwards too', async () => {
    const lines: string[] = [];
    const x = T.dvector('x');
    const loop = (goBackwards: boolean) =>
      sym.scan((xt: V, h: V) => {
        const next = sym.Print('h', { log: (l) => lines.push(l) })(h.add(xt));
        return [next, sym.until(next.gt(3))] as const;
      }, { sequences: x, outputsInfo: T.constant(0.5, { dtype: 'float64' }), goBackwards })[0];
    const f = sym.function([x], loop(false));
    // the steps past the stop printed h0 + x[t] (0.5 + 30, 0.5 + 400, ...): values no step computed
    expect((await f([1, 2, 30, 400, 5000])).toArray()).toEqual([1.5, 3.5]);
    expect(lines.splice(0)).toEqual(['h __str__ = 1.5', 'h __str__ = 3.5']);
    expect((f.sync([10, 2, 30]) as sym.NDArray).toArray()).toEqual([10.5]);
    expect(lines.splice(0)).toEqual(['h __str__ = 10.5']);
    // no stop: every step runs
    expect((f.sync([1, 1]) as sym.NDArray).toArray()).toEqual([1.5, 2.5]);
    expect(lines.splice(0)).toEqual(['h __str__ = 1.5', 'h __str__ = 2.5']);
    const back = sym.function([x], loop(true));
    expect((back.sync([7, 1, 2]) as sym.NDArray).toArray()).toEqual([2.5, 3.5]);
    expect(lines.splice(0)).toEqual(['h __str__ = 2.5', 'h __str__ = 3.5']);
  });

  it('runs an asOp only on the steps that ran, and keeps the gradient of the plain loop', () => {
    const seen: number[] = [];
    const checked = sym.asOp({ itypes: [dscalar], otypes: [dscalar] }, function positive(a: sym.NDArray) {
      seen.push(a.item());
      // a step past the stop computed from the initial value: -1 + x[t], which this refuses
      if (a.item() < 0) throw new Error(`positive: got ${a.item()}`);
      return a;
    });
    const x = T.dvector('x');
    const [hs] = sym.scan((xt: V, h: V) => {
      const next = checked(h.add(xt)) as V;
      return [next, sym.until(next.gt(2))] as const;
    }, { sequences: x, outputsInfo: T.constant(-1, { dtype: 'float64' }) });
    expect((sym.function([x], hs).sync([2, 2, 0.5, 0.1]) as sym.NDArray).toArray()).toEqual([1, 3]);
    expect(seen).toEqual([1, 3]);

    const w = T.dscalar('w');
    const step = (print: boolean) => (xt: V, h: V) => {
      const next = T.tanh(h.mul(w).add(xt));
      const out = print ? sym.Print('h', { log: () => undefined })(next) : next;
      return [out, sym.until(out.gt(0.9))] as const;
    };
    const [withPrint] = sym.scan(step(true), { sequences: x, outputsInfo: zero() });
    const [plain] = sym.scan(step(false), { sequences: x, outputsInfo: zero() });
    const f = sym.function([x, w], [withPrint, plain, grad(withPrint.sum(), w), grad(plain.sum(), w), grad(withPrint.sum(), x), grad(plain.sum(), x)]);
    const [a, b, ga, gb, gxa, gxb] = f.sync([0.5, 1, 2, -3, 4], 0.7) as sym.NDArray[];
    expect(a!.shape).toEqual([3]);
    expect(Array.from(a!.data)).toEqual(Array.from(b!.data));
    expect(ga!.item()).toBeCloseTo(gb!.item(), 12);
    expect(ga!.item()).not.toBe(0);
    Array.from(gxb!.data).forEach((v, i) => expect(gxa!.data[i]).toBeCloseTo(v, 12));
  });
});

describe('a window of computed length inside a scan step', () => {
  it("is Theano's x[k:] at every step", () => {
    const x = T.dvector('x');
    const ks = T.lvector('ks');
    const [tails] = sym.scan((k: V) => x.get(T.slice(k, null)).sum(), { sequences: ks });
    expect((sym.function([x, ks], tails).sync([1, 2, 3, 4], [0, 2, 3]) as sym.NDArray).toArray()).toEqual([10, 7, 4]);
  });
});

describe('a hand-made schedule of a scan whose step holds a host op', () => {
  it('is refused, naming the op and the way out (sym.function runs the loop a step at a time)', () => {
    const x = T.dvector('x');
    const [sums] = sym.scan((xt: V, h: V) => sym.Print('h')(h.add(xt)), { sequences: x, outputsInfo: zero() });
    expect(() => sym.schedule({ inputs: [x], inputShapes: [[3]], outputs: [sums] })).toThrow(
      /Print\{h\}\(.*\): its output's shape depends on its input's values, so it runs on the host between programs, which sym.function arranges \(a scan whose step holds it runs a step at a time\); a hand-made schedule cannot compute it/,
    );
  });
});
