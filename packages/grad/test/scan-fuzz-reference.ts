/**
 * A plain JavaScript interpreter of the scan programs of `scan-fuzz.ts`
 * (float64, Theano's rules for taps, goBackwards, nSteps and until), the
 * reference the fuzzer compares sym against. It also reports how close
 * the program came to a kink (a switch's condition near 0, an until
 * condition near its threshold), where finite differences mean nothing.
 */
import type * as sym from '@sym/graph';
import { depthOf, type Expr, type ScanProgram } from './scan-fuzz.js';

/** A scalar, a vector or a matrix (rows). */
export type Val = number | number[] | number[][];

export interface ReferenceResult {
  /** Each output, one row per step run. */
  outputs: Val[][];
  cost: number;
  /** The smallest |condition| a switch saw, and |condition - threshold| the until saw, over the steps run. */
  margin: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const UNARY = { tanh: Math.tanh, sigmoid, expTanh: (x: number) => Math.exp(Math.tanh(x)), neg: (x: number) => -x } as const;
const BINARY = { add: (a: number, b: number) => a + b, mul: (a: number, b: number) => a * b, sub: (a: number, b: number) => a - b } as const;

function map1(a: Val, f: (x: number) => number): Val {
  return typeof a === 'number' ? f(a) : (a as (number | number[])[]).map((x) => map1(x, f) as number & number[]);
}
/** f elementwise, NumPy's broadcasting of a scalar, a vector (as a row) and a matrix. */
function map2(a: Val, b: Val, f: (x: number, y: number) => number): Val {
  if (typeof a === 'number' && typeof b === 'number') return f(a, b);
  const rankOf = (v: Val) => (typeof v === 'number' ? 0 : typeof (v as unknown[])[0] === 'number' ? 1 : 2);
  if (rankOf(a) >= rankOf(b)) {
    const rb = rankOf(b);
    return (a as (number | number[])[]).map((x, i) => map2(x, rb === rankOf(a) ? (b as (number | number[])[])[i]! : b, f) as number & number[]);
  }
  return (b as (number | number[])[]).map((y, i) => map2(rankOf(a) === rankOf(b) ? (a as (number | number[])[])[i]! : a, y, f) as number & number[]);
}
const flat = (v: Val): number[] => (typeof v === 'number' ? [v] : (v as (number | number[])[]).flatMap((x) => (typeof x === 'number' ? [x] : x)));

/** An NDArray as a scalar, a vector or a matrix; with `rows`, the list of its rows along the first axis. */
export function toVal(a: sym.NDArray, rows: boolean): Val | Val[] {
  const d = Array.from(a.data, Number);
  const nest = (xs: number[], shape: readonly number[]): Val => {
    if (shape.length === 0) return xs[0]!;
    if (shape.length === 1) return xs;
    const n = shape.slice(1).reduce((p, q) => p * q, 1);
    return Array.from({ length: shape[0]! }, (_, i) => nest(xs.slice(i * n, (i + 1) * n), shape.slice(1)) as number[]);
  };
  if (!rows) return nest(d, a.shape);
  const n = a.shape.slice(1).reduce((p, q) => p * q, 1);
  return Array.from({ length: a.shape[0]! }, (_, i) => nest(d.slice(i * n, (i + 1) * n), a.shape.slice(1)));
}

/**
 * Runs `p` on its values. With `base` (the values a gradient is taken at)
 * and `p.truncate` = k, the steps before the loop's last k compute from
 * `base`, so that differences of the cost in the values are the gradient
 * truncated to k steps (Theano's truncate_gradient; sym's rule for the
 * initial rows of outputs with taps: none unless k covers the loop).
 */
export function referenceScan(p: ScanProgram, base?: readonly sym.NDArray[]): ReferenceResult {
  let margin = Infinity;
  const evalExpr = (e: Expr, env: readonly Val[]): Val => {
    switch (e.k) {
      case 'leaf': return env[e.i]!;
      case 'const': return e.v;
      case 'bin': return map2(evalExpr(e.a, env), evalExpr(e.b, env), BINARY[e.op]);
      case 'un': return map1(evalExpr(e.a, env), UNARY[e.op]);
      case 'sum': return flat(evalExpr(e.a, env)).reduce((x, y) => x + y, 0);
      case 'matmul': {
        const x = evalExpr(e.a, env);
        const y = evalExpr(e.b, env);
        const rows = (m: Val) => m as number[][];
        const mv = (m: number[][], v: number[]) => m.map((row) => row.reduce((s, z, j) => s + z * v[j]!, 0));
        const vm = (v: number[], m: number[][]) => m[0]!.map((_, j) => m.reduce((s, row, i) => s + v[i]! * row[j]!, 0));
        const xm = typeof (x as unknown[])[0] !== 'number';
        const ym = typeof (y as unknown[])[0] !== 'number';
        if (xm && ym) return rows(x).map((row) => vm(row, rows(y)));
        return xm ? mv(rows(x), y as number[]) : vm(x as number[], rows(y));
      }
      case 'sum0': {
        const m = evalExpr(e.a, env) as number[][];
        return m[0]!.map((_, j) => m.reduce((s, row) => s + row[j]!, 0));
      }
      case 'dot': {
        const m = env[e.m] as number[][];
        const v = evalExpr(e.a, env) as number[];
        return e.side === 'mv' ? m.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0)) : m[0]!.map((_, j) => m.reduce((s, row, i) => s + v[i]! * row[j]!, 0));
      }
      case 'switch': {
        const c = evalExpr(e.c, env);
        for (const x of flat(c)) margin = Math.min(margin, Math.abs(x));
        const a = evalExpr(e.a, env);
        const b = evalExpr(e.b, env);
        // a where c > 0, NaN elsewhere (the values are finite), then b where NaN: both broadcast
        const fromA = map2(c, a, (ci, ai) => (ci > 0 ? ai : NaN));
        return map2(fromA, b, (x, bi) => (Number.isNaN(x) ? bi : x));
      }
      case 'nest': {
        const xs = evalExpr(e.seq, env) as number[];
        let h = evalExpr(e.init, env) as number;
        const hs: number[] = [];
        for (let t = 0; t < xs.length; t++) {
          h = evalExpr(e.body, [xs[e.back ? xs.length - 1 - t : t]!, h, ...env]) as number;
          hs.push(h);
        }
        return e.take === 'all' ? hs : hs[hs.length - 1]!;
      }
    }
  };
  const nSeq = p.seqs.length;
  const recurrent = p.outs.map((o, i) => [o, i] as const).filter(([o]) => o.taps);
  const inputsOf = (values: readonly sym.NDArray[]) => {
    const seqRows = values.slice(0, nSeq).map((a, i) => {
      const rows = toVal(a, true) as Val[];
      const view = p.seqs[i]!.view;
      return view === 'rev' ? rows.reverse() : view === 'every2' ? rows.filter((_, j) => j % 2 === 0) : view === 'tanh' ? rows.map((r) => map1(r, Math.tanh)) : rows;
    });
    const initial = recurrent.map((_, j) => toVal(values[nSeq + j]!, true) as Val[]);
    const nons = values.slice(nSeq + recurrent.length).map((a, i) => {
      const v = toVal(a, false) as Val;
      return p.nons[i]!.derived ? map1(v, Math.tanh) : v;
    });
    const total = p.seqTotal ? [Array.from(values[0]!.data, Number).reduce((x, y) => x + Math.tanh(y), 0)] : [];
    return { seqRows, initial, explicit: nons.filter((_, i) => !p.nons[i]!.closure), closure: [...nons.filter((_, i) => p.nons[i]!.closure), ...total] };
  };
  const span = (taps: number[]) => Math.max(...taps, 0) - Math.min(...taps, 0);
  const n = p.nStepsMode === 'sequences' ? Math.min(...p.seqs.map((s) => s.len - span(s.taps))) : p.nSteps;
  const current = inputsOf(p.values);
  // truncateGradient k: the steps before the last k (and the initial rows, unless k covers the loop) see the base values
  const cutoff = base && p.truncate !== null ? Math.max(0, n - p.truncate) : 0;
  const old = cutoff > 0 ? inputsOf(base!) : current;
  const history = (cutoff > 0 ? old : current).initial.map((rows) => [...rows]);
  const outputs: Val[][] = p.outs.map(() => []);
  for (let t = 0; t < n; t++) {
    const { seqRows, explicit, closure } = t < cutoff ? old : current;
    const env: Val[] = [];
    p.seqs.forEach((s, i) => {
      const m = Math.min(...s.taps, 0);
      const windowLength = s.len - span(s.taps);
      for (const tau of s.taps) env.push(seqRows[i]![tau - m + (p.back ? windowLength - 1 - t : t)]!);
    });
    recurrent.forEach(([o], j) => {
      const K = depthOf(o.taps!);
      for (const tau of o.taps!) env.push(history[j]![K + t + tau]!);
    });
    env.push(...explicit, ...closure);
    const news = p.outs.map((o) => evalExpr(o.body, env));
    news.forEach((v, i) => outputs[i]!.push(v));
    recurrent.forEach(([, i], j) => history[j]!.push(news[i]!));
    if (p.until) {
      const c = evalExpr(p.until.cond, [...env, ...news]) as number;
      margin = Math.min(margin, Math.abs(c - p.until.thr));
      if (c > p.until.thr) break;
    }
  }
  if (p.chain) {
    const { of, back, a } = p.chain;
    const xs = back ? [...outputs[of]!].reverse() : outputs[of]!;
    let h: Val = map1(xs[0]!, () => 0);
    outputs.push(
      xs.map((x) => {
        h = map2(
          map1(h, (y) => y * a),
          x,
          (y, z) => Math.tanh(y + z),
        );
        return h;
      }),
    );
  }
  const sumOf = (v: Val | undefined) => (v === undefined ? 0 : flat(v).reduce((x, y) => x + y, 0));
  const terms = [...p.cost, ...(p.chain ? [p.chain] : [])];
  const cost = outputs
    .map((rows, i) => {
      const { form, w } = terms[i]!;
      const all = rows.flatMap(flat);
      const c =
        form === 'sum' ? all.reduce((a, b) => a + b, 0)
        : form === 'sq' ? all.reduce((a, b) => a + b * b, 0)
        : form === 'tanh' ? all.reduce((a, b) => a + Math.tanh(b), 0)
        : form === 'first' ? sumOf(rows[0])
        : form === 'last' ? sumOf(rows[rows.length - 1])
        : form === 'prev' ? sumOf(rows[rows.length - 2])
        : form === 'tail' ? rows.slice(1).flatMap(flat).reduce((a, b) => a + b, 0)
        : rows.slice(-2).flatMap(flat).reduce((a, b) => a + b, 0);
      return c * w;
    })
    .reduce((a, b) => a + b, 0);
  return { outputs, cost, margin };
}

/** The reference's output i as flat numbers, for comparing with sym's result. */
export const flatRows = (rows: readonly Val[]): number[] => rows.flatMap(flat);
