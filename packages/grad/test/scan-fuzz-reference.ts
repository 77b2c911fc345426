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
  return typeof a === 'number' ? f(a) : (a as number[]).map(f);
}
function map2(a: Val, b: Val, f: (x: number, y: number) => number): Val {
  if (typeof a === 'number' && typeof b === 'number') return f(a, b);
  if (typeof a === 'number') return (b as number[]).map((y) => f(a, y));
  if (typeof b === 'number') return (a as number[]).map((x) => f(x, b));
  return (a as number[]).map((x, i) => f(x, (b as number[])[i]!));
}
const flat = (v: Val): number[] => (typeof v === 'number' ? [v] : (v as (number | number[])[]).flatMap((x) => (typeof x === 'number' ? [x] : x)));

/** Rows of an NDArray along its first axis, each a scalar or a vector (or the whole array as a scalar, vector or matrix when `rows` is false). */
export function toVal(a: sym.NDArray, rows: boolean): Val | Val[] {
  const d = Array.from(a.data, Number);
  const s = a.shape;
  const split = (xs: number[], n: number) => Array.from({ length: xs.length / n }, (_, i) => xs.slice(i * n, (i + 1) * n));
  if (!rows) return s.length === 0 ? d[0]! : s.length === 1 ? d : split(d, s[1]!);
  if (s.length === 1) return d;
  return split(d, s.slice(1).reduce((p, q) => p * q, 1));
}

export function referenceScan(p: ScanProgram): ReferenceResult {
  let margin = Infinity;
  const evalExpr = (e: Expr, env: readonly Val[]): Val => {
    switch (e.k) {
      case 'leaf': return env[e.i]!;
      case 'const': return e.v;
      case 'bin': return map2(evalExpr(e.a, env), evalExpr(e.b, env), BINARY[e.op]);
      case 'un': return map1(evalExpr(e.a, env), UNARY[e.op]);
      case 'sum': return flat(evalExpr(e.a, env)).reduce((x, y) => x + y, 0);
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
        if (typeof c === 'number') return c > 0 ? a : b;
        return (c as number[]).map((x, i) => {
          const pickFrom = x > 0 ? a : b;
          return typeof pickFrom === 'number' ? pickFrom : (pickFrom as number[])[i]!;
        });
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
  const seqRows = p.values.slice(0, nSeq).map((a) => toVal(a, true) as Val[]);
  const recurrent = p.outs.map((o, i) => [o, i] as const).filter(([o]) => o.taps);
  const history = recurrent.map((_, j) => [...(toVal(p.values[nSeq + j]!, true) as Val[])]);
  const nons = p.values.slice(nSeq + recurrent.length).map((a) => toVal(a, false) as Val);
  const explicit = nons.filter((_, i) => !p.nons[i]!.closure);
  const closure = nons.filter((_, i) => p.nons[i]!.closure);
  const span = (taps: number[]) => Math.max(...taps, 0) - Math.min(...taps, 0);
  const n = p.nStepsMode === 'sequences' ? Math.min(...p.seqs.map((s) => s.len - span(s.taps))) : p.nSteps;
  const outputs: Val[][] = p.outs.map(() => []);
  for (let t = 0; t < n; t++) {
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
  const cost = outputs
    .map((rows, i) => {
      const { form, w } = p.cost[i]!;
      const all = rows.flatMap(flat);
      const c =
        form === 'sum' ? all.reduce((a, b) => a + b, 0)
        : form === 'sq' ? all.reduce((a, b) => a + b * b, 0)
        : form === 'last' ? flat(rows[rows.length - 1]!).reduce((a, b) => a + b, 0)
        : all.reduce((a, b) => a + Math.tanh(b), 0);
      return c * w;
    })
    .reduce((a, b) => a + b, 0);
  return { outputs, cost, margin };
}

/** The reference's output i as flat numbers, for comparing with sym's result. */
export const flatRows = (rows: readonly Val[]): number[] => rows.flatMap(flat);
