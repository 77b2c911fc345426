/**
 * Seeded random graphs for differential testing: the optimizer's bugs hide
 * in combinations of ops (fusion across broadcasts and transposes, epilogues,
 * in-place updates, merging, constant folding, views of views) that
 * one-op cases do not build. A graph here is a DAG of 3-25 nodes over 1-3
 * inputs, constants and shared variables of small random shapes (length-1
 * broadcastable dimensions, now and then a 0-length one), whose nodes reuse
 * earlier nodes; shared variables get updates (swaps, writes into windows
 * of themselves). `checkRandomGraph` compares a compiled function with the
 * ops' reference `perform`.
 */
import * as sym from '@sym/graph';
import type { DType, NDArray, TensorSharedVariable, TensorVariable } from '@sym/graph';
import { isFloat, sizeOf } from '@sym/graph';
import { evaluateReference, graphDTypes } from './reference.js';
import { Rng, randomArray } from './rng.js';

const T = sym.T;
type Index = sym.T.Index;

/** The dtypes a random graph's leaves have when none are given. */
export const RANDOM_GRAPH_DTYPES: readonly DType[] = ['float64', 'float32', 'int32', 'int8', 'bool', 'uint8'];

/** Options of {@link randomGraph}. */
export interface RandomGraphOptions {
  /** The leaves' dtypes; without float64 among them, no node computes in float64 (for devices without it). */
  readonly dtypes?: readonly DType[];
  /** Most nodes built on the leaves (3 to this many); 25 by default. */
  readonly maxNodes?: number;
}

/** A random graph of elementwise, broadcast, reduce and indexing nodes, with its inputs' values; the same for the same seed. */
export interface RandomGraph {
  /** The seed it was built from. */
  readonly seed: number;
  /** The function's inputs. */
  readonly inputs: readonly TensorVariable[];
  /** A value for each input. */
  readonly inputValues: readonly NDArray[];
  /** The shared variables and the values they start from (`checkRandomGraph` sets them). */
  readonly shareds: readonly {
    /** The shared variable. */
    readonly variable: TensorSharedVariable;
    /** Its value before the first call. */
    readonly initial: NDArray;
  }[];
  /** The function's outputs. */
  readonly outputs: readonly TensorVariable[];
  /** The function's updates of shared variables. */
  readonly updates: readonly (readonly [TensorSharedVariable, TensorVariable])[];
  /** How the graph was built, a line a node: what a failure report prints. */
  readonly description: string;
}

interface Node {
  readonly v: TensorVariable;
  readonly shape: readonly number[];
}

type Unary = (x: TensorVariable) => TensorVariable;
const FLOAT_UNARY: Record<string, Unary> = {
  neg: T.neg, abs: T.abs, exp: (x) => T.exp(T.clip(x, -10, 10)), log: (x) => T.log(T.abs(x)), sqrt: (x) => T.sqrt(T.abs(x)),
  log1p: (x) => T.log1p(T.abs(x)), sin: T.sin, tanh: T.tanh, sigmoid: T.sigmoid, floor: T.floor, sign: T.sign, sqr: T.sqr,
  expm1: T.expm1, round: (x) => T.round(x), relu: (x) => T.relu(x),
};
const INT_UNARY: Record<string, Unary> = { neg: T.neg, abs: T.abs, sign: T.sign, sqr: T.sqr, not: T.not, exp: T.exp, sqrt: T.sqrt };
const BOOL_UNARY: Record<string, Unary> = { not: T.not, neg: T.neg, abs: T.abs, sign: T.sign };
type Binary = (x: TensorVariable, y: TensorVariable | number) => TensorVariable;
const ARITH: Record<string, Binary> = { add: T.add, sub: T.sub, mul: T.mul, maximum: T.maximum, minimum: T.minimum };
const LOGICAL: Record<string, Binary> = { and: T.and, or: T.or, xor: T.xor };
const COMPARE: Record<string, Binary> = { eq: T.eq, neq: T.neq, lt: T.lt, le: T.le, gt: T.gt, ge: T.ge };
const REDUCE = { sum: T.sum, prod: T.prod, max: T.max, min: T.min, mean: T.mean, any: T.any, all: T.all, argmax: T.argmax } as const;

const OPS = [
  'unary', 'unary', 'binary', 'binary', 'binary', 'compare', 'switch', 'cast', 'reduce', 'reduce', 'dot', 'tensordot', 'outer',
  'dimshuffle', 'transpose', 'reshape', 'flatten', 'subtensor', 'subtensor', 'setsub', 'incsub', 'take', 'advinc', 'concat',
  'stack', 'softmax', 'cumsum', 'sort', 'argsort', 'intdiv', 'pow', 'clip', 'arctan2', 'shape',
] as const;
type OpKind = (typeof OPS)[number];

/** Larger values are left out: graphs stay quick to check. */
const MAX_SIZE = 400;

/** The graph of `seed`: the same graph, inputs and values on every run. */
export function randomGraph(seed: number, options: RandomGraphOptions = {}): RandomGraph {
  const dtypes = options.dtypes ?? RANDOM_GRAPH_DTYPES;
  const no64 = !dtypes.includes('float64');
  const rng = new Rng((Math.imul(seed >>> 0, 0x9e3779b1) + 17) >>> 0);
  const pick = <X>(xs: readonly X[]): X => xs[rng.int(0, xs.length - 1)]!;
  const chance = (p: number): boolean => rng.next() < p;
  const pool: Node[] = [];
  const lines: string[] = [];
  const given = new Map<TensorVariable, NDArray>();
  const shapeOf = (v: TensorVariable): number[] => [...evaluateReference([v], given)[0]!.shape];
  const name = (n: Node | TensorVariable | number): string => {
    if (typeof n === 'number') return String(n);
    const v = n instanceof sym.TensorVariable ? n : n.v;
    const i = pool.findIndex((m) => m.v === v);
    return i >= 0 ? `n${i}` : v.toString();
  };
  const add = (v: TensorVariable, what: string): void => {
    const shape = shapeOf(v);
    if (sizeOf(shape) > MAX_SIZE || (no64 && graphDTypes([v]).has('float64'))) return;
    pool.push({ v, shape });
    lines.push(`n${pool.length - 1} = ${what}: ${v.dtype} (${shape.join(', ')})`);
  };
  const randomShape = (): number[] =>
    Array.from({ length: rng.int(0, 3) }, () => (chance(0.03) ? 0 : chance(0.25) ? 1 : rng.int(2, 4)));

  const inputs: TensorVariable[] = [];
  const inputValues: NDArray[] = [];
  for (let i = rng.int(1, 3); i > 0; i--) {
    const shape = randomShape();
    const dtype = pick(dtypes);
    const v = T.tensor(dtype, shape.map((d) => d === 1 && chance(0.7)), `x${inputs.length}`);
    const value = randomArray(rng, dtype, shape);
    given.set(v, value);
    inputs.push(v);
    inputValues.push(value);
    add(v, `input [${v.broadcastable.join(', ')}]`);
  }
  for (let i = chance(0.5) ? rng.int(1, 2) : 0; i > 0; i--) {
    const dtype = pick(dtypes);
    add(T.constant(randomArray(rng, dtype, randomShape())), 'constant');
  }
  const shareds: { variable: TensorSharedVariable; initial: NDArray }[] = [];
  for (let i = chance(0.4) ? rng.int(1, 3) : 0; i > 0; i--) {
    const initial = randomArray(rng, pick(dtypes), randomShape());
    const variable = sym.shared(initial, { name: `s${shareds.length}` });
    shareds.push({ variable, initial });
    add(variable, 'shared');
  }
  const leaves = pool.length;

  /** Whether a and b broadcast together by their static patterns (a length-1 dimension broadcasts only where declared). */
  const broadcastTogether = (a: Node, b: Node): boolean => {
    for (let k = 1; k <= Math.min(a.shape.length, b.shape.length); k++) {
      const da = a.shape[a.shape.length - k]!;
      const db = b.shape[b.shape.length - k]!;
      if (da !== db && !(da === 1 && a.v.broadcastable[a.shape.length - k]) && !(db === 1 && b.v.broadcastable[b.shape.length - k])) return false;
    }
    return true;
  };
  const partner = (a: Node): TensorVariable | number => {
    const fits = pool.filter((b) => broadcastTogether(a, b));
    return fits.length && chance(0.8) ? pick(fits).v : pick([0, 1, 2, -1, 0.5, 3]);
  };
  // integer division by zero is not defined alike everywhere (NumPy warns and gives 0)
  const nonZero = (y: TensorVariable | number): TensorVariable | number => (typeof y === 'number' ? y || 3 : T.switch(T.eq(y, 0), 1, y));
  const float = (v: TensorVariable | number): boolean => (typeof v === 'number' ? !Number.isInteger(v) : isFloat(v.dtype));

  const randomIndex = (shape: readonly number[]): { index: Index[]; text: string } => {
    const index: Index[] = [];
    const text: string[] = [];
    for (let d = 0; d < rng.int(1, shape.length); d++) {
      const len = shape[d]!;
      if (len > 0 && chance(0.25)) {
        const i = rng.int(-len, len - 1);
        index.push(i);
        text.push(String(i));
        continue;
      }
      const bound = (): number | null => (chance(0.3) ? null : rng.int(-len - 1, len + 1));
      const [start, stop, step] = [bound(), bound(), chance(0.4) ? pick([-1, -2, 2, 3]) : null];
      index.push(T.slice(start, stop, step));
      text.push(`${start ?? ''}:${stop ?? ''}${step === null ? '' : `:${step}`}`);
    }
    return { index, text: `[${text.join(', ')}]` };
  };
  const intVector = (len: number, n: number): TensorVariable =>
    T.constant(sym.array(Array.from({ length: n }, () => rng.int(-len, len - 1)), { dtype: pick(['int32', 'int64'] as const) }));

  const build = (op: OpKind, a: Node): void => {
    const x = a.v;
    const nd = a.shape.length;
    const n = name(a);
    switch (op) {
      case 'unary': {
        const table = isFloat(x.dtype) ? FLOAT_UNARY : x.dtype === 'bool' ? BOOL_UNARY : INT_UNARY;
        const u = pick(Object.keys(table));
        return add(table[u]!(x), `${u}(${n})`);
      }
      case 'binary': {
        const y = partner(a);
        if (chance(0.2)) return add(T.trueDiv(x, nonZero(y)), `${n} / ${name(y)}`);
        const logical = !float(x) && !float(y) && chance(0.3);
        const table = logical ? LOGICAL : ARITH;
        const b = pick(Object.keys(table));
        return add(table[b]!(x, y), `${b}(${n}, ${name(y)})`);
      }
      case 'compare': {
        const y = partner(a);
        const c = pick(Object.keys(COMPARE));
        return add(COMPARE[c]!(x, y), `${c}(${n}, ${name(y)})`);
      }
      case 'switch': {
        const [y, z] = [partner(a), partner(a)];
        return add(T.switch(T.gt(x, 0), y, z), `switch(${n} > 0, ${name(y)}, ${name(z)})`);
      }
      case 'cast': {
        const to = pick(dtypes);
        // float to integer conversion of NaN or out-of-range values is undefined (C, NumPy): cast what fits
        const src = isFloat(x.dtype) && !isFloat(to) ? T.floor(T.clip(x, -100, 100)) : x;
        return add(T.cast(src, to), `cast(${n}, ${to})`);
      }
      case 'intdiv': {
        const y = partner(a);
        return chance(0.5) ? add(T.intDiv(x, nonZero(y)), `${n} // ${name(y)}`) : add(T.mod(x, nonZero(y)), `${n} % ${name(y)}`);
      }
      case 'pow': {
        const e = isFloat(x.dtype) ? pick([2, 3, 0.5, -1, 1.5]) : pick([2, 3]);
        return add(T.pow(isFloat(x.dtype) ? T.abs(x) : x, e), `pow(${n}, ${e})`);
      }
      case 'clip':
        return x.dtype === 'bool' || x.dtype === 'uint8' ? undefined : add(T.clip(x, pick([-1, 0]), pick([1, 2])), `clip(${n})`);
      case 'arctan2': {
        const y = partner(a);
        return isFloat(x.dtype) ? add(T.arctan2(x, y), `arctan2(${n}, ${name(y)})`) : undefined;
      }
      case 'shape': {
        if (nd === 0) return;
        const d = rng.int(0, nd - 1);
        return add(T.add(x, T.shapeI(x, d)), `${n} + shape(${n})[${d}]`);
      }
      case 'reduce': {
        const r = pick(Object.keys(REDUCE) as (keyof typeof REDUCE)[]);
        // integer products overflow past what the reference's float64 holds exactly
        if (r === 'prod' && !isFloat(x.dtype) && sizeOf(a.shape) > 12) return;
        if ((r === 'max' || r === 'min' || r === 'argmax') && sizeOf(a.shape) === 0) return;
        let axis: number | number[] | null =
          nd === 0 || chance(0.2) ? null : chance(0.6) ? rng.int(-nd, nd - 1) : [...new Set(Array.from({ length: rng.int(1, nd) }, () => rng.int(0, nd - 1)))];
        if (r === 'argmax' && Array.isArray(axis)) axis = axis[0]!;
        const keepdims = r !== 'argmax' && chance(0.4);
        return add(REDUCE[r](x, { axis, keepdims }), `${r}(${n}, axis ${JSON.stringify(axis)}${keepdims ? ', keepdims' : ''})`);
      }
      case 'dot': {
        if (nd < 1 || nd > 2 || x.dtype === 'bool') return;
        // products of a value with itself (Gram matrices, squared norms) read one buffer twice
        if (chance(0.3)) return nd === 2 ? add(T.dot(x, x.T), `dot(${n}, ${n}.T)`) : add(T.dot(x, x), `dot(${n}, ${n})`);
        const fits = pool.filter((b) => (b.shape.length === 1 || b.shape.length === 2) && b.shape[0] === a.shape[nd - 1] && b.v.dtype !== 'bool');
        if (fits.length) {
          const b = pick(fits);
          return add(T.dot(x, b.v), `dot(${n}, ${name(b)})`);
        }
        return nd === 2 ? add(T.dot(x, x.T), `dot(${n}, ${n}.T)`) : undefined;
      }
      case 'tensordot': {
        const fits = pool.filter((b) => b.shape.length >= 1 && b.shape[0] === a.shape[nd - 1] && b.v.dtype !== 'bool');
        if (nd < 2 || x.dtype === 'bool' || !fits.length) return;
        const b = pick(fits);
        return add(T.tensordot(x, b.v, 1), `tensordot(${n}, ${name(b)}, 1)`);
      }
      case 'outer': {
        const fits = pool.filter((b) => b.shape.length === 1 && b.v.dtype !== 'bool');
        if (nd !== 1 || x.dtype === 'bool' || !fits.length) return;
        const b = pick(fits);
        return add(T.outer(x, b.v), `outer(${n}, ${name(b)})`);
      }
      case 'dimshuffle': {
        const pattern: (number | 'x')[] = [];
        for (let d = 0; d < nd; d++) if (!(x.broadcastable[d] && chance(0.5))) pattern.push(d);
        for (let i = pattern.length - 1; i > 0; i--) {
          const j = rng.int(0, i);
          [pattern[i], pattern[j]] = [pattern[j]!, pattern[i]!];
        }
        if (chance(0.5)) pattern.splice(rng.int(0, pattern.length), 0, 'x');
        return add(T.dimshuffle(x, pattern), `dimshuffle(${n}, ${JSON.stringify(pattern)})`);
      }
      case 'transpose':
        return nd < 2 ? undefined : add(T.transpose(x), `${n}.T`);
      case 'reshape': {
        const size = sizeOf(a.shape);
        if (size === 0) return add(T.reshape(x, [0, pick([1, 2, 3])]), `reshape(${n}, [0, k])`);
        const d0 = pick([1, 2, 3, 4, 6, 8, 12].filter((d) => size % d === 0));
        const shape = chance(0.5) ? [d0, size / d0] : chance(0.5) ? [size] : [d0, -1, 1];
        return add(T.reshape(x, shape), `reshape(${n}, ${JSON.stringify(shape)})`);
      }
      case 'flatten': {
        const k = rng.int(1, Math.max(1, nd));
        return nd < 2 ? undefined : add(T.flatten(x, k), `flatten(${n}, ${k})`);
      }
      case 'subtensor': {
        if (nd === 0) return;
        const { index, text } = randomIndex(a.shape);
        return add(T.get(x, ...index), `${n}${text}`);
      }
      case 'setsub':
      case 'incsub': {
        if (nd === 0 || (op === 'incsub' && x.dtype === 'bool')) return;
        const { index, text } = randomIndex(a.shape);
        const w = T.get(x, ...index);
        const ws: Node = { v: w, shape: shapeOf(w) };
        const fits = pool.filter((b) => b.shape.length <= ws.shape.length && broadcastTogether(ws, b) && b.shape.every((d, i) => d === 1 || d === ws.shape[ws.shape.length - b.shape.length + i]) && sym.canCastSafely(b.v.dtype, x.dtype));
        const y = fits.length && chance(0.7) ? pick(fits).v : x.dtype === 'bool' ? T.not(w) : T.mul(w, 2);
        return add((op === 'setsub' ? T.setSubtensor : T.incSubtensor)(w, y), `${op === 'setsub' ? 'set' : 'inc'}Subtensor(${n}${text}, ${name(y)})`);
      }
      case 'take':
        return nd === 0 || a.shape[0] === 0 ? undefined : add(T.get(x, intVector(a.shape[0]!, rng.int(0, 5))), `${n}[int vector]`);
      case 'advinc': {
        if (nd === 0 || a.shape[0] === 0) return;
        const w = T.get(x, intVector(a.shape[0]!, rng.int(1, 5)));
        const set = x.dtype === 'bool' || chance(0.4);
        const y = x.dtype === 'bool' ? T.not(w) : chance(0.5) ? 1 : T.mul(w, 2);
        return add((set ? T.setSubtensor : T.incSubtensor)(w, y), `${set ? 'set' : 'inc'}Subtensor(${n}[int vector, repeats], ${name(y)})`);
      }
      case 'concat': {
        if (nd === 0) return;
        const axis = rng.int(0, nd - 1);
        const fits = pool.filter((b) => b !== a && b.shape.length === nd && b.shape.every((d, i) => i === axis || d === a.shape[i]));
        const other = fits.length && chance(0.7) ? pick(fits).v : T.neg(x);
        return add(T.concatenate([x, other, ...(chance(0.2) ? [x] : [])], axis), `concatenate([${n}, ${name(other)}, ...], ${axis})`);
      }
      case 'stack': {
        const b = pick(pool.filter((m) => m.shape.length === nd && m.shape.every((d, i) => d === a.shape[i])));
        const axis = rng.int(0, nd);
        return add(T.stack([x, b.v], axis), `stack([${n}, ${name(b)}], ${axis})`);
      }
      case 'softmax':
        return isFloat(x.dtype) && (nd === 1 || nd === 2) ? add(T.softmax(x), `softmax(${n})`) : undefined;
      case 'cumsum': {
        const axis = chance(0.3) ? null : rng.int(0, nd - 1);
        return nd === 0 || x.dtype === 'bool' ? undefined : add(T.cumsum(x, axis), `cumsum(${n}, ${axis})`);
      }
      case 'sort':
      case 'argsort': {
        const axis = rng.int(-1, nd - 1);
        return nd === 0 ? undefined : add((op === 'sort' ? T.sort : T.argsort)(x, axis), `${op}(${n}, ${axis})`);
      }
    }
  };

  const target = leaves + rng.int(3, options.maxNodes ?? 25);
  for (let tries = 0; pool.length < target && tries < 200; tries++) {
    // mostly the newest nodes (deep chains), sometimes any (shared subgraphs)
    const a = chance(0.6) ? pool[rng.int(Math.max(0, pool.length - 3), pool.length - 1)]! : pick(pool);
    const op = pick(OPS);
    try {
      build(op, a);
    } catch {
      // a combination the graph refuses (shapes, dtypes that do not convert safely): draw another
    }
  }

  const built = pool.slice(leaves);
  const used = new Set<TensorVariable>();
  for (const node of sym.toposort(built.map((m) => m.v))) node.inputs.forEach((i) => used.add(i));
  const outputs: TensorVariable[] = built.length ? [built[built.length - 1]!.v] : [T.add(pool[0]!.v, 1)];
  for (const m of built) if (outputs.length < 5 && !used.has(m.v) && !outputs.includes(m.v)) outputs.push(m.v);
  if (built.length && chance(0.5)) {
    const m = pick(built).v;
    if (!outputs.includes(m)) outputs.push(m);
  }

  const updates: [TensorSharedVariable, TensorVariable][] = [];
  const sharedNodes = shareds.map((s) => pool.find((m) => m.v === s.variable)!);
  const sameType = (m: Node, s: Node): boolean => m.shape.length === s.shape.length && m.shape.every((d, i) => d === s.shape[i]);
  for (const sn of sharedNodes) {
    const s = sn.v as TensorSharedVariable;
    if (chance(0.25)) continue;
    let u = pick(pool.filter((m) => sameType(m, sn))).v;
    const other = sharedNodes.find((o) => o !== sn && o.v.dtype === s.dtype && sameType(o, sn));
    if (other && chance(0.5)) u = other.v; // swaps and rotations of shared variables
    else if (sn.shape.length && chance(0.5)) {
      // s[window] = f(s[window]): the update the optimizer makes in place
      const { index, text } = randomIndex(sn.shape);
      const w = T.get(s, ...index);
      const y = s.dtype === 'bool' ? T.not(w) : chance(0.5) ? T.mul(w, 3) : T.add(w, 1);
      u = chance(0.5) || s.dtype === 'bool' ? T.setSubtensor(w, y) : T.incSubtensor(w, chance(0.5) ? 2 : y);
      lines.push(`${s.name} is written at ${text}`);
      // the old value's window as an output too: it must not see the update
      if (chance(0.5)) outputs.push(w);
    }
    if (u.dtype !== s.dtype) u = T.cast(isFloat(u.dtype) && !isFloat(s.dtype) ? T.floor(T.clip(u, -100, 100)) : u, s.dtype);
    u = T.patternbroadcast(u, s.broadcastable);
    if (no64 && graphDTypes([u]).has('float64')) continue;
    updates.push([s, u]);
    lines.push(`update ${s.name} <- ${name(u)}`);
  }
  lines.push(`outputs ${outputs.map(name).join(', ')}`);
  return { seed, inputs, inputValues, shareds, outputs, updates, description: lines.join('\n') };
}
