/**
 * The kernels the renderer writes choose by selects, not branches, as the
 * helpers do (helper-branches.test.ts): Chromium's WebGL2 on SwiftShader
 * compiles a loop body in time exponential in its branches. A branch in a
 * rendered kernel was an `if` (reduceUpdate's max/min/any/all/argmax, the
 * index decomposition, which a split reduction runs inside its loop), a
 * `&&` / `||` over helper calls (and, or: short-circuit evaluation of the
 * second call) and a ternary with computed arms (switch: its arms were an
 * exp and a log, or a fetch). Representative fused kernels are rendered
 * here, run against the CPU backend, and their sources checked.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as sym from '@sym/graph';
import type { Kernel } from '@sym/graph';
import '@sym/backend-cpu';
import { gpujs } from '../src/index.js';
import { planKernel } from '../src/split.js';
import { mismatches, values } from './harness.js';

const T = sym.T;

/** A name, or a literal as render.ts's `num` writes one (a sign, an exponent, NaN and the infinities as 0/0 and +-1/0). */
const NAME_OR_LITERAL = /^(?:[A-Za-z_]\w*|\(?-?[\d.]+(?:e[-+]?\d+)?\)?|\((?:-?[01]\.0 \/ 0\.0|-0\.0)\))$/;

/** Statements that may stay `if`s: the fix of a sum's -0 after the loop, and a split pass's bound on its last chunk (one each). */
const ALLOWED_IFS = [/^if \(acc === 0\.0\) \{ acc = 0\.0; \}/, /^if \(j < [\d.]+\) \{/];

/** Index of the bracket closing the group open at `from - 1` (scanning right), or of the `;` ending the statement. */
function groupEnd(src: string, from: number): number {
  let depth = 0;
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      if (depth === 0) return i;
      depth--;
    } else if (c === ';' && depth === 0) return i;
  }
  return src.length;
}

/** Index just after the bracket opening the group holding `from` (scanning left), or after the statement's start. */
function groupStart(src: string, from: number): number {
  let depth = 0;
  for (let i = from - 1; i >= 0; i--) {
    const c = src[i];
    if (c === ')' || c === ']') depth++;
    else if (c === '(' || c === '[') {
      if (depth === 0) return i + 1;
      depth--;
    } else if ((c === ';' || c === '{' || c === '}' || c === '\n') && depth === 0) return i + 1;
  }
  return 0;
}

/** Calls of a helper or fetches: what a short-circuit operator branches around. */
const CALL_OR_FETCH = /\bsym\w+\(|\bin\d+\[|\bpval\[|\bpidx\[/;

/** The branches of a kernel source, each as the code around it. */
export function branches(src: string): string[] {
  const found: string[] = [];
  for (const m of src.matchAll(/\bif \(/g)) {
    const rest = src.slice(m.index);
    if (!ALLOWED_IFS.some((r) => r.test(rest))) found.push(rest.slice(0, 60));
  }
  for (const m of src.matchAll(/&&|\|\|/g)) {
    const group = src.slice(groupStart(src, m.index), groupEnd(src, m.index + 2));
    if (CALL_OR_FETCH.test(group)) found.push(group.slice(0, 120));
  }
  for (const m of src.matchAll(/\?/g)) {
    const end = groupEnd(src, m.index + 1);
    const body = src.slice(m.index + 1, end);
    // the ':' of this ternary: the first at bracket depth 0 (nested ternaries sit in brackets)
    let depth = 0;
    let colon = -1;
    for (let i = 0; i < body.length && colon < 0; i++) {
      const c = body[i];
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') depth--;
      else if (c === ':' && depth === 0) colon = i;
    }
    const arms = [body.slice(0, colon).trim(), body.slice(colon + 1).trim()];
    if (colon < 0 || arms.some((a) => !NAME_OR_LITERAL.test(a))) found.push(src.slice(groupStart(src, m.index), end).slice(0, 120));
  }
  return found;
}

describe('the branch check', () => {
  it('finds the branches the renderer wrote before', () => {
    // reduceUpdate's max, and and switch as rendered before (a fetch and calls in the arms, && over helper calls)
    expect(branches('for (;;) {\nif (acc === acc) { if (v !== v || v > acc) { acc = v; } }\n}')).toHaveLength(2);
    expect(branches('const v = ((symTruthy(a) > 0.5 && symTruthy(b) > 0.5) ? 1.0 : 0.0);')).toHaveLength(1);
    expect(branches('const v = ((symTruthy(c) > 0.5) ? in3[g0] : (-1.0 / 0.0));')).toHaveLength(1);
    expect(branches('const v = ((symTruthy(c) > 0.5) ? symExp(x) : symLog(x));')).toHaveLength(1);
    expect(branches('let q = 1.0;\nif (r < 0.0) { q = q - 1.0; }')).toHaveLength(1);
    // and passes selects of names and literals, && of comparisons, and the allowed ifs
    expect(branches('acc = (acc === acc && (v !== v || v > acc)) ? v : acc;\nconst v = ((x < 0.0) ? w1 : (-1.0 / 0.0));\nif (acc === 0.0) { acc = 0.0; }\nif (j < 5000.0) {\n}')).toEqual([]);
  });
});

describe('rendered kernels have no branches', () => {
  afterEach(() => vi.restoreAllMocks());

  const x4 = T.tensor4('x', 'float32');
  const m = T.matrix('m', 'float32');
  const idx = T.ivector('idx');
  const image = () => sym.array(values(2 * 3 * 7 * 5, 3), { shape: [2, 3, 7, 5], dtype: 'float32' });
  const matrix = (rows: number, cols: number, seed: number) => sym.array(values(rows * cols, seed), { shape: [rows, cols], dtype: 'float32' });
  const cases: [string, sym.TensorVariable[], sym.TensorVariable[], () => sym.NDArray[]][] = [
    ['padded max pool (a gather fused into the reduction)', [x4], [T.signal.pool.pool2d(x4, { ws: [3, 3], pad: [1, 2], stride: [2, 2], ignoreBorder: true, mode: 'max' })], () => [image()]],
    ['padded average pool', [x4], [T.signal.pool.pool2d(x4, { ws: [3, 3], pad: [1, 1], ignoreBorder: true, mode: 'average_exc_pad' })], () => [image()]],
    ['softmax', [m], [T.nnet.softmax(m)], () => [matrix(4, 9, 4)]],
    ['where in a sum, comparisons', [m], [T.sum(T.switch(T.gt(m, 0), T.exp(m), T.log(T.abs(m))), 1), T.sum(T.ge(m, 0.5), 0)], () => [matrix(4, 9, 5)]],
    ['and, or, any, all, not', [m], [T.sum(T.and(T.gt(m, 0), T.lt(m, 1)), 1), T.any(T.or(T.gt(m, 1), T.lt(m, -1)), 1), T.all(T.not(T.gt(m, 1.9)), 0)], () => [matrix(4, 9, 6)]],
    ['argmax, argmin, max, min', [m], [T.argmax(m, 1), T.argmin(m, 0), T.max(T.exp(m), 1), T.min(T.abs(m), 0)], () => [matrix(4, 9, 7)]],
    ['a gather in a sum', [m, idx], [T.sum(T.take(m, idx, 0), 0)], () => [matrix(4, 9, 8), sym.array([3, 0, 2, 2, 1], { dtype: 'int32' })]],
    ['a split reduction over two axes (index decomposition in the loop)', [m], [T.max(T.reshape(m, [3, 100, 50]), [1, 2])], () => [matrix(150, 100, 9)]],
  ];

  it.each(cases)('%s', async (_name, ins, outs, args) => {
    const compile = vi.spyOn(gpujs, 'compile');
    const f = sym.function(ins, outs, { device: 'gpujs' });
    const got = (await f(...args())) as sym.NDArray[];
    const want = (await sym.function(ins, outs, { device: 'cpu' })(...args())) as sym.NDArray[];
    got.forEach((g, i) => expect(mismatches(g.data as ArrayLike<number>, want[i]!.data as ArrayLike<number>, 2e-6, 1e-6)).toEqual([]));
    const kernels = compile.mock.calls.map((c) => c[0] as Kernel);
    expect(kernels.length).toBeGreaterThan(0);
    const sources = kernels.flatMap((k) => planKernel(k).map((p) => p.source));
    // every graph here fuses some work into a reduction's loop
    expect(sources.some((s) => s.includes('for ('))).toBe(true);
    for (const s of sources) expect(branches(s), s).toEqual([]);
  });
});
