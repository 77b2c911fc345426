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
import { T, sym } from '../test/helpers.js';

type V = sym.TensorVariable;
const { grad } = (await import(/* @vite-ignore */ new URL('../../grad/src/index.ts', import.meta.url).href)) as { grad: (c: V, w: V) => V };
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
