/**
 * A seeded generator of random differentiable float64 graphs (3 to ~20
 * nodes over 1-3 inputs of small shapes, 1-length broadcastable dimensions
 * included) ending in a scalar cost, for gradient fuzzing: the gradient
 * rules are tested one op at a time elsewhere, and this finds the bugs that
 * hide in combinations (a row broadcast in a matrix expression, a window
 * written into a reshaped tensor, the optimizer's rewrites of a gradient
 * graph). Each op at a kink (abs, relu, max, sort, maximum, switch, clip)
 * records the value that must stay away from it: a point near a kink is
 * skipped, as finite differences are meaningless there.
 */
import * as sym from '@sym/graph';
import { seededRandom } from '../src/index.js';

const T = sym.T;
type V = sym.TensorVariable;
export interface Node { v: V; shape: number[]; desc?: string }
/** A kink: the operand whose value must stay away from it, and its distance from it given that value. */
export interface Kink { what: string; expr: V; margin: (a: sym.NDArray) => number }
export interface Graph {
  inputs: V[];
  values: sym.NDArray[];
  cost: V;
  kinks: Kink[];
  log: string[];
  final: Node;
  pool: Node[];
}

const REDUCERS = { sum: T.sum, mean: T.mean, prod: T.prod, max: T.max, min: T.min } as const;

export function generate(seed: number, opts: { maxNodes?: number; only?: string[]; exclude?: string[] } = {}): Graph {
  const rnd = seededRandom(seed * 7919 + 13);
  const ri = (n: number) => Math.floor(rnd() * n);
  const pick = <X>(xs: readonly X[]): X => xs[ri(xs.length)]!;
  const log: string[] = [];
  const kinks: Kink[] = [];
  const nIn = 1 + ri(3);
  const inputs: V[] = [];
  const values: sym.NDArray[] = [];
  const pool: Node[] = [];
  for (let i = 0; i < nIn; i++) {
    const nd = ri(4);
    const shape = Array.from({ length: nd }, () => (rnd() < 0.2 ? 1 : 2 + ri(3)));
    const bc = shape.map((s) => s === 1 && rnd() < 0.75);
    const v = T.tensor('float64', bc, `x${i}`);
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float64Array(size);
    for (let j = 0; j < size; j++) data[j] = (rnd() * 2 - 1) * 1.5;
    values.push(new sym.NDArray(data, shape, 'float64'));
    inputs.push(v);
    pool.push({ v, shape });
    log.push(`x${i}: [${shape}] bc=[${bc}]`);
  }
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const constOf = (shape: number[], lo = 0.5, hi = 1.5) => {
    const d = new Float64Array(size(shape));
    for (let j = 0; j < d.length; j++) d[j] = lo + rnd() * (hi - lo);
    return T.constant(new sym.NDArray(d, shape, 'float64'));
  };
  const minAbs = (a: sym.NDArray) => { let m = Infinity; for (const x of a.data) m = Math.min(m, Math.abs(Number(x))); return m; };
  /** Smallest gap between the elements of each lane along `axes` (the elements sharing the other indices); the top two only for max. */
  const laneGap = (shape: number[], axes: number[], topOnly: boolean) => (a: sym.NDArray) => {
    const lanes = new Map<string, number[]>();
    const idx = new Array(shape.length).fill(0);
    for (let f = 0; f < a.size; f++) {
      let r = f;
      for (let d = shape.length - 1; d >= 0; d--) { idx[d] = r % shape[d]!; r = Math.floor(r / shape[d]!); }
      const key = idx.filter((_, d) => !axes.includes(d)).join(',');
      (lanes.get(key) ?? lanes.set(key, []).get(key)!).push(Number(a.data[f]));
    }
    let m = Infinity;
    for (const l of lanes.values()) {
      l.sort((p, q) => q - p);
      const upto = topOnly ? Math.min(2, l.length) : l.length;
      for (let i = 1; i < upto; i++) m = Math.min(m, l[i - 1]! - l[i]!);
    }
    return m;
  };
  const recent = (): Node => (rnd() < 0.6 ? pool[pool.length - 1]! : pick(pool));
  const bcOf = (n: Node) => n.v.broadcastable;
  const compatible = (a: Node, b: Node): number[] | null => {
    const nd = Math.max(a.shape.length, b.shape.length);
    const pa = [...Array(nd - a.shape.length).fill(1), ...a.shape];
    const pb = [...Array(nd - b.shape.length).fill(1), ...b.shape];
    const ba = [...Array(nd - a.shape.length).fill(true), ...bcOf(a)];
    const bb = [...Array(nd - b.shape.length).fill(true), ...bcOf(b)];
    const out: number[] = [];
    for (let d = 0; d < nd; d++) {
      if (pa[d] === pb[d]) out.push(pa[d]!);
      else if (pa[d] === 1 && ba[d]) out.push(pb[d]!);
      else if (pb[d] === 1 && bb[d]) out.push(pa[d]!);
      else return null;
    }
    return out;
  };
  const randomSlice = (n: number): [sym.T.Index, number] => {
    const r = rnd();
    if (r < 0.25) return [':', n];
    if (r < 0.4 && n > 1) { const i = ri(n) - (rnd() < 0.5 ? n : 0); return [i, -1]; }
    if (r < 0.55) return ['::-1', n];
    const a = ri(n);
    const b = a + 1 + ri(n - a);
    const step = rnd() < 0.3 ? 2 : 1;
    return [T.slice(a, b, step), Math.ceil((b - a) / step)];
  };

  /** A random index per dimension of `of`, and the shape of the window it picks (integer indices drop their dimension). */
  const randomWindow = (of: readonly number[]): { idx: sym.T.Index[]; shape: number[] } => {
    const idx: sym.T.Index[] = [];
    const shape: number[] = [];
    for (const n of of) {
      const [e, len] = randomSlice(n);
      idx.push(e);
      if (len >= 0) shape.push(len);
    }
    return { idx, shape };
  };

  type Gen = (name: string) => Node | null;
  const gens: Record<string, Gen> = {
    unary: () => {
      const a = recent();
      // unstable forms overflow to -inf without the stabilising rewrites (FAST_COMPILE), and their gradients to NaN
      kinks.push({ what: 'range', expr: a.v, margin: (x) => 30 - Math.max(...Array.from(x.data, (y) => Math.abs(Number(y)))) });
      const fs: [string, (x: V) => V][] = [
        ['tanh', (x) => T.tanh(x)], ['sigmoid', (x) => T.sigmoid(x)], ['sin', (x) => T.sin(x)], ['arctan', (x) => T.arctan(x)],
        ['softplus', (x) => T.softplus(x)], ['erf', (x) => T.erf(x)], ['halfsqr', (x) => T.mul(T.sqr(x), 0.5)],
        ['exp(.3x)', (x) => T.exp(T.mul(x, 0.3))], ['log(x2+.5)', (x) => T.log(T.add(T.sqr(x), 0.5))],
        ['sqrt(x2+.3)', (x) => T.sqrt(T.add(T.sqr(x), 0.3))], ['x/(1+x2)', (x) => T.trueDiv(x, T.add(1, T.sqr(x)))],
        ['pow(x2+.5,1.5)', (x) => T.pow(T.add(T.sqr(x), 0.5), 1.5)], ['log1p(x2)', (x) => T.log1p(T.sqr(x))],
        ['expm1(.2x)', (x) => T.expm1(T.mul(x, 0.2))], ['neg', (x) => T.neg(x)], ['1-x', (x) => T.sub(1, x)],
        ['log(sigmoid)', (x) => T.log(T.sigmoid(x))], ['log(1-sigmoid)', (x) => T.log(T.sub(1, T.sigmoid(x)))],
        ['log(1+exp)', (x) => T.log(T.add(1, T.exp(x)))], ['exp(-x2)', (x) => T.exp(T.neg(T.sqr(x)))],
        ['1/(x2+1)', (x) => T.inv(T.add(T.sqr(x), 1))], ['x*x*x', (x) => T.mul(T.mul(x, x), x)],
      ];
      const [n, f] = pick(fs);
      log.push(`${n}`);
      return { v: f(a.v), shape: a.shape };
    },
    kinkUnary: () => {
      const a = recent();
      const f = pick(['abs', 'relu', 'sgnmul', 'clip'] as const);
      if (f === 'clip') {
        kinks.push({ what: 'clip', expr: T.min(T.abs(T.sub(T.abs(a.v), 0.8))), margin: (x) => Number(x.data[0]) });
        log.push('clip(-0.8,0.8)');
        return { v: T.clip(a.v, -0.8, 0.8), shape: a.shape };
      }
      kinks.push({ what: f, expr: a.v, margin: minAbs });
      log.push(f);
      const v = f === 'abs' ? T.abs(a.v) : f === 'relu' ? T.relu(a.v) : T.mul(T.sgn(a.v), T.sqr(a.v));
      return { v, shape: a.shape };
    },
    binary: () => {
      const a = recent();
      const b = pick(pool);
      const s = compatible(a, b);
      if (!s) return null;
      const f = pick(['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'switch', 'pow'] as const);
      log.push(`${f}(${a.v.toString()}[${a.shape}], [${b.shape}])`);
      let v: V;
      if (f === 'add') v = T.add(a.v, b.v);
      else if (f === 'sub') v = T.sub(a.v, b.v);
      else if (f === 'mul') v = T.mul(a.v, b.v);
      else if (f === 'div') v = T.trueDiv(a.v, T.add(1, T.sqr(b.v)));
      else if (f === 'pow') v = T.pow(T.add(T.sqr(a.v), 0.5), T.tanh(b.v));
      else {
        kinks.push({ what: f, expr: T.sub(a.v, b.v), margin: minAbs });
        v = f === 'maximum' ? T.maximum(a.v, b.v) : f === 'minimum' ? T.minimum(a.v, b.v) : T.switch(T.gt(a.v, b.v), T.sin(a.v), T.mul(b.v, b.v));
      }
      return { v, shape: s };
    },
    reduce: () => {
      const a = recent();
      if (a.shape.length === 0) return null;
      const axes = a.shape.map((_, d) => d).filter(() => rnd() < 0.5);
      const r = pick(['sum', 'mean', 'prod', 'max', 'min', 'logsumexp'] as const);
      const keepdims = rnd() < 0.5;
      const axis = axes.length === 0 ? null : axes.length === 1 && rnd() < 0.5 ? axes[0]! : axes;
      const ax = axis === null ? a.shape.map((_, d) => d) : typeof axis === 'number' ? [axis] : axes;
      log.push(`${r}(axis=${JSON.stringify(axis)}, keepdims=${keepdims}) of [${a.shape}]`);
      let v: V;
      if (r === 'logsumexp') v = T.log(T.sum(T.exp(a.v), { axis, keepdims }));
      else {
        if (r === 'max' || r === 'min') kinks.push({ what: r, expr: r === 'max' ? a.v : T.neg(a.v), margin: laneGap(a.shape, ax, true) });
        v = REDUCERS[r](a.v, { axis, keepdims });
      }
      // a product of many elements overflows, and a window written over it then has gradient 0 * inf
      if (r === 'prod') kinks.push({ what: 'prod', expr: v, margin: (x) => 1e6 - Math.max(...Array.from(x.data, (y) => Math.abs(Number(y)))) });
      const shape = keepdims ? a.shape.map((s, d) => (ax.includes(d) ? 1 : s)) : a.shape.filter((_, d) => !ax.includes(d));
      return { v, shape };
    },
    dimshuffle: () => {
      const a = recent();
      const dims = a.shape.map((_, d) => d);
      for (let i = dims.length - 1; i > 0; i--) { const j = ri(i + 1); [dims[i], dims[j]] = [dims[j]!, dims[i]!]; }
      const bc = bcOf(a);
      const kept: (number | 'x')[] = dims.filter((d) => !(bc[d] && rnd() < 0.5));
      if (rnd() < 0.4) kept.splice(ri(kept.length + 1), 0, 'x');
      log.push(`dimshuffle(${JSON.stringify(kept)}) of [${a.shape}]`);
      return { v: T.dimshuffle(a.v, kept), shape: kept.map((d) => (d === 'x' ? 1 : a.shape[d]!)) };
    },
    reshape: () => {
      const a = recent();
      const n = size(a.shape);
      const opts: number[][] = [[n]];
      for (let k = 2; k <= n; k++) if (n % k === 0) opts.push([k, n / k]);
      if (n > 1) opts.push([1, n]);
      const s = pick(opts);
      log.push(`reshape [${a.shape}] -> [${s}]`);
      return { v: T.reshape(a.v, s), shape: s };
    },
    subtensor: () => {
      const a = recent();
      if (a.shape.length === 0) return null;
      const { idx, shape } = randomWindow(a.shape);
      log.push(`get(${idx.map(String).join(', ')}) of [${a.shape}]`);
      return { v: T.get(a.v, ...idx), shape };
    },
    setinc: () => {
      const a = recent();
      if (a.shape.length === 0) return null;
      const { idx, shape } = randomWindow(a.shape);
      const w = T.get(a.v, ...idx);
      const others = pool.filter((p) => p !== a && p.shape.length <= shape.length && compatible({ v: w, shape }, p)?.join() === shape.join());
      const y = others.length && rnd() < 0.6 ? T.tanh(pick(others).v) : T.mul(T.sin(w), 1.7);
      const f = rnd() < 0.5 ? 'set' : 'inc';
      log.push(`${f}Subtensor(get(${idx.map(String).join(', ')}) of [${a.shape}])`);
      return { v: f === 'set' ? T.setSubtensor(w, y) : T.incSubtensor(w, y), shape: a.shape };
    },
    advanced: () => {
      const a = recent();
      if (a.shape.length === 0) return null;
      const n = a.shape[0]!;
      const k = 1 + ri(5);
      const ids = Array.from({ length: k }, () => ri(n));
      const idx = T.constant(new sym.NDArray(Float64Array.from(ids), [k], 'int64'));
      const mode = ri(5);
      if (mode === 0 && a.shape.length === 2) {
        const cols = Array.from({ length: k }, () => ri(a.shape[1]!));
        const cidx = T.constant(new sym.NDArray(Float64Array.from(cols), [k], 'int64'));
        log.push(`get(rows=${ids}, cols=${cols}) of [${a.shape}]`);
        return { v: T.get(a.v, idx, cidx), shape: [k] };
      }
      if (mode === 3 && a.shape.length === 2) {
        const cols = Array.from({ length: k }, () => ri(a.shape[1]!) - (rnd() < 0.3 ? a.shape[1]! : 0));
        const cidx = T.constant(new sym.NDArray(Float64Array.from(cols), [k], 'int64'));
        const w = T.get(a.v, idx, cidx);
        log.push(`incSubtensor(get(rows=${ids}, cols=${cols})) of [${a.shape}]`);
        return { v: T.incSubtensor(w, T.mul(T.sin(w), 0.9)), shape: a.shape };
      }
      if (mode === 1) {
        log.push(`incSubtensor(take(${ids})) of [${a.shape}]`);
        const w = T.get(a.v, idx);
        return { v: T.incSubtensor(w, T.mul(T.tanh(w), 0.9)), shape: a.shape };
      }
      if (mode === 2) {
        // distinct rows: with repeated ones the last write wins, but y's gradient goes to every row (Theano, the guide): with repeated rows the last write wins but y's gradient goes to every row (Theano)
        const uniq = [...new Set(ids)];
        const idx = T.constant(new sym.NDArray(Float64Array.from(uniq), [uniq.length], 'int64'));
        log.push(`setSubtensor(take(${[...new Set(ids)]})) of [${a.shape}]`);
        const w = T.get(a.v, idx);
        return { v: T.setSubtensor(w, T.mul(T.cos(w), 0.9)), shape: a.shape };
      }
      log.push(`take(${ids}) of [${a.shape}]`);
      return { v: T.get(a.v, idx), shape: [k, ...a.shape.slice(1)] };
    },
    concat: () => {
      const a = recent();
      if (a.shape.length === 0) return null;
      const axis = ri(a.shape.length);
      const others = pool.filter((p) => p.shape.length === a.shape.length && p.shape.every((s, d) => d === axis || s === a.shape[d]));
      const b = others.length && rnd() < 0.7 ? pick(others) : { v: T.sin(a.v), shape: a.shape };
      log.push(`concatenate([${a.shape}], [${b.shape}], axis=${axis})`);
      if (rnd() < 0.3) {
        const c = T.concatenate([a.v, b.v], axis);
        const total = a.shape[axis]! + b.shape[axis]!;
        const cut = 1 + ri(total - 1);
        const parts = T.split(c, [cut, total - cut], 2, axis);
        log.push(`split [${cut}, ${total - cut}] axis ${axis}`);
        const which = ri(2);
        return { v: parts[which]!, shape: a.shape.map((s, d) => (d === axis ? (which ? total - cut : cut) : s)) };
      }
      return { v: T.concatenate([a.v, b.v], axis), shape: a.shape.map((s, d) => (d === axis ? s + b.shape[axis]! : s)) };
    },
    dot: () => {
      const a = recent();
      if (a.shape.length === 0 || a.shape.length > 2) return null;
      const k = a.shape[a.shape.length - 1]!;
      const others = pool.filter((p) => (p.shape.length === 1 || p.shape.length === 2) && p.shape[0] === k);
      let b: Node;
      if (others.length && rnd() < 0.6) b = pick(others);
      else if (a.shape.length === 2) b = { v: T.transpose(a.v), shape: [a.shape[1]!, a.shape[0]!] };
      else b = { v: constOf([k, 3], -1, 1), shape: [k, 3] };
      log.push(`dot([${a.shape}], [${b.shape}])`);
      const shape = [...a.shape.slice(0, -1), ...b.shape.slice(1)];
      return { v: T.dot(a.v, b.v), shape };
    },
    tensordot: () => {
      const a = recent();
      if (a.shape.length < 2) return null;
      const last = a.shape.slice(-2);
      const bshape = [...last, 2];
      const b = pool.find((p) => p.shape.length >= 2 && p.shape[0] === last[0] && p.shape[1] === last[1]);
      const bn = b ?? { v: constOf(bshape, -1, 1), shape: bshape };
      log.push(`tensordot([${a.shape}], [${bn.shape}], 2)`);
      return { v: T.tensordot(a.v, bn.v, 2), shape: [...a.shape.slice(0, -2), ...bn.shape.slice(2)] };
    },
    batchedDot: () => {
      const a = recent();
      if (a.shape.length !== 3) return null;
      const b = { v: T.swapaxes(T.tanh(a.v), 1, 2), shape: [a.shape[0]!, a.shape[2]!, a.shape[1]!] };
      log.push(`batchedDot([${a.shape}], swapaxes)`);
      return { v: T.batchedDot(a.v, b.v), shape: [a.shape[0]!, a.shape[1]!, a.shape[1]!] };
    },
    softmax: () => {
      const a = recent();
      if (a.shape.length === 0) return null;
      const f = pick(['softmax', 'logSoftmax', 'logOfSoftmax'] as const);
      log.push(`${f} of [${a.shape}]`);
      const v = f === 'softmax' ? T.softmax(a.v) : f === 'logSoftmax' ? T.nnet.logSoftmax(a.v) : T.log(T.softmax(a.v));
      return { v, shape: a.shape };
    },
    cum: () => {
      const a = recent();
      if (a.shape.length === 0) return null;
      const axis = rnd() < 0.2 ? null : ri(a.shape.length);
      const f = rnd() < 0.5 ? 'cumsum' : 'cumprod';
      log.push(`${f}(axis=${axis}) of [${a.shape}]`);
      return { v: f === 'cumsum' ? T.cumsum(a.v, axis) : T.cumprod(a.v, axis), shape: axis === null ? [size(a.shape)] : a.shape };
    },
    sort: () => {
      const a = recent();
      if (a.shape.length === 0) return null;
      const axis = ri(a.shape.length);
      kinks.push({ what: 'sort', expr: a.v, margin: laneGap(a.shape, [axis], false) });
      if (rnd() < 0.5) {
        log.push(`sort(axis=${axis}) of [${a.shape}]`);
        return { v: T.sort(a.v, axis), shape: a.shape };
      }
      const k = 1 + ri(a.shape[axis]!);
      log.push(`topk(k=${k}, axis=${axis}) of [${a.shape}]`);
      return { v: T.topk(a.v, k, axis), shape: a.shape.map((s, d) => (d === axis ? k : s)) };
    },
    scan: () => {
      const a = recent();
      if (a.shape.length === 0 || a.shape.length > 2) return null;
      const rowShape = a.shape.slice(1);
      const ns = pool.filter((p) => compatible(p, { v: T.tensor('float64', rowShape.map(() => false)), shape: rowShape })?.join() === rowShape.join() && p.shape.length <= rowShape.length);
      const non = ns.length ? pick(ns) : null;
      const init = T.mul(T.onesLike(T.get(a.v, 0)), 0.1);
      log.push(`scan over [${a.shape}]${non ? ` nonSeq [${non.shape}]` : ''}`);
      const [out] = sym.scan(
        (row: V, acc: V, ...rest: V[]) => T.tanh(T.add(T.mul(acc, row), rest.length ? T.mul(rest[0]!, 0.5) : T.mul(row, 0.5))),
        { sequences: a.v, outputsInfo: init, nonSequences: non ? [non.v] : [], goBackwards: rnd() < 0.3 },
      );
      return { v: out as V, shape: a.shape };
    },
    ofg: () => {
      const a = recent();
      const x = T.tensor('float64', bcOf(a), 'ix');
      const y = T.tensor('float64', [], 'iy');
      const inner = T.add(T.mul(T.tanh(x), y), T.mul(T.sum(T.sqr(x)), 0.1));
      const inline = rnd() < 0.5;
      const op = sym.opFromGraph([x, y], inner, { inline });
      const s = pool.find((p) => p.shape.length === 0);
      log.push(`opFromGraph(inline=${inline}) of [${a.shape}]`);
      return { v: op(a.v, s ? s.v : T.constant(0.7)) as V, shape: a.shape };
    },
    repeat: () => {
      const a = recent();
      if (a.shape.length === 0) return null;
      const axis = ri(a.shape.length);
      const r = 1 + ri(2);
      if (rnd() < 0.5) {
        log.push(`repeat(${r}, axis=${axis}) of [${a.shape}]`);
        return { v: T.repeat(a.v, r, axis), shape: a.shape.map((s, d) => (d === axis ? s * r : s)) };
      }
      const reps = a.shape.map(() => 1 + ri(2));
      log.push(`tile(${reps}) of [${a.shape}]`);
      return { v: T.tile(a.v, reps), shape: a.shape.map((s, d) => s * reps[d]!) };
    },
    xent: () => {
      const a = recent();
      if (a.shape.length === 2 && rnd() < 0.6) {
        const t = constOf(a.shape, 0.1, 1);
        const lab = Array.from({ length: a.shape[0]! }, () => ri(a.shape[1]!));
        const useLab = rnd() < 0.5;
        log.push(`categoricalCrossentropy(softmax [${a.shape}], ${useLab ? 'labels' : 'dist'})`);
        const y = useLab ? T.constant(new sym.NDArray(Float64Array.from(lab), [lab.length], 'int64')) : T.trueDiv(t, T.sum(t, { axis: 1, keepdims: true }));
        return { v: T.categoricalCrossentropy(T.softmax(a.v), y), shape: [a.shape[0]!] };
      }
      log.push(`binaryCrossentropy(sigmoid [${a.shape}])`);
      return { v: T.binaryCrossentropy(T.sigmoid(a.v), constOf(a.shape, 0, 1)), shape: a.shape };
    },
    gemm: () => {
      const a = recent();
      if (a.shape.length !== 2) return null;
      const b = pool.find((p) => p.shape.length === 2 && p.shape[0] === a.shape[1]) ?? { v: T.transpose(a.v), shape: [a.shape[1]!, a.shape[0]!] };
      const out = [a.shape[0]!, b.shape[1]!];
      const cs = pool.filter((p) => compatible(p, { v: T.matrix(), shape: out })?.join() === out.join() && p.shape.length <= 2);
      const c = cs.length ? pick(cs) : { v: constOf(out), shape: out };
      log.push(`gemm: 0.7*dot([${a.shape}],[${b.shape}]) + 1.3*[${c.shape}]`);
      return { v: T.add(T.mul(T.dot(a.v, b.v), 0.7), T.mul(c.v, 1.3)), shape: out };
    },
    stack: () => {
      const a = recent();
      const axis = ri(a.shape.length + 1);
      log.push(`stack([${a.shape}] x2, axis=${axis})`);
      return { v: T.stack([a.v, T.cos(a.v)], axis), shape: [...a.shape.slice(0, axis), 2, ...a.shape.slice(axis)] };
    },
    squeeze: () => {
      const a = recent();
      const bc = bcOf(a);
      if (!bc.some((b) => b)) return null;
      log.push(`squeeze [${a.shape}]`);
      return { v: T.squeeze(a.v), shape: a.shape.filter((_, d) => !bc[d]) };
    },
    outer: () => {
      const a = recent();
      if (a.shape.length !== 1) return null;
      const b = pool.find((p) => p.shape.length === 1 && p !== a) ?? a;
      log.push(`outer([${a.shape}], [${b.shape}])`);
      return { v: T.outer(a.v, b.v), shape: [a.shape[0]!, b.shape[0]!] };
    },
    var: () => {
      const a = recent();
      if (a.shape.length === 0 || size(a.shape) < 2) return null;
      const axis = rnd() < 0.5 ? null : ri(a.shape.length);
      if (axis !== null && a.shape[axis] === 1) return null;
      log.push(`var(axis=${axis}) of [${a.shape}]`);
      return { v: T.var_(a.v, { axis }), shape: axis === null ? [] : a.shape.filter((_, d) => d !== axis) };
    },
  };
  let names = Object.keys(gens);
  if (opts.only) names = names.filter((n) => opts.only!.includes(n));
  if (opts.exclude) names = names.filter((n) => !opts.exclude!.includes(n));
  const nNodes = 3 + ri((opts.maxNodes ?? 20) - 2);
  let made = 0;
  let tries = 0;
  while (made < nNodes && tries < 200) {
    tries++;
    const n = pick(names);
    const before = log.length;
    const out = gens[n]!(n);
    if (out) out.desc = log.slice(before).join('; ');
    if (!out) continue;
    if (size(out.shape) > 400 || out.shape.length > 4) { log.pop(); continue; }
    pool.push(out);
    made++;
  }
  const final = pool[pool.length - 1]!;
  const w = final.shape.length === 0 ? constOf([]) : constOf(final.shape);
  const cost = T.sum(T.mul(final.v, w));
  return { inputs, values, cost, kinks, log, final, pool };
}
