/**
 * Renders kernels of the kernel IR to gpu.js kernel functions (JavaScript
 * source that gpu.js translates to a shader). Every kernel writes a flat
 * (1-D) output: thread `t` computes output element `t`, and the multi-index
 * of any rank is recovered from `t` with exact index arithmetic. The source
 * holds only numbers from the kernel (shapes, strides, constants): nothing
 * a user named ever reaches it.
 *
 * Values are float32 throughout; integer and bool dtypes are float32 values
 * holding integers, wrapped as storing into the dtype would wrap them.
 */
import type { DType, Epilogue, Kernel, ScalarExpr, ScalarOpName, ElementwiseKernel, ReduceKernel, MatmulKernel } from '@sym/graph';
import { SCALAR_OPS, castScalar, foldExpr, isFloat, nesting, operandUses, reduceIdentity } from '@sym/graph';
import { keepGroups } from './regroup.js';

/** A number as a shader-safe float literal (GLSL has no NaN or Infinity literals). */
export function num(v: number): string {
  if (Number.isNaN(v)) return '(0.0 / 0.0)';
  if (v === Infinity) return '(1.0 / 0.0)';
  if (v === -Infinity) return '(-1.0 / 0.0)';
  if (Object.is(v, -0)) return '(-0.0)';
  const f = Math.fround(v);
  if (!Number.isFinite(f)) return f > 0 ? '(1.0 / 0.0)' : '(-1.0 / 0.0)';
  let s = String(Math.abs(f));
  if (!/[.e]/.test(s)) s += '.0';
  else if (/e/.test(s) && !/\./.test(s)) s = s.replace('e', '.0e');
  return f < 0 ? `(-${s})` : s;
}

/** Modulus and offset of the integer dtypes whose every value float32 holds exactly: these wrap like C. */
const WRAP: Partial<Record<DType, readonly [number, number]>> = {
  int8: [256, 128],
  uint8: [256, 0],
  int16: [65536, 32768],
  uint16: [65536, 0],
};

/**
 * Code storing `code` into dtype `d`: truncate toward zero, and wrap like C
 * for the 8- and 16-bit integers. 32- and 64-bit integers are not wrapped:
 * a result beyond ±2^24 stays out of range, so reading it is refused
 * instead of returning a wrapped but inexact value.
 */
export function castTo(d: DType, code: string): string {
  if (d === 'float32' || d === 'float64') return code;
  if (d === 'bool') return `symBool(${code})`;
  const wrap = WRAP[d];
  if (!wrap) return `symTrunc64(${code})`;
  return `symInt(${code}, ${num(wrap[0])}, ${num(wrap[1])})`;
}

type Render = (a: readonly string[], out: DType, compute: DType) => string;
const UNSIGNED_MAX: Partial<Record<DType, number>> = { uint8: 255, uint16: 65535, uint32: 4294967295 };
const fn1 = (f: string): Render => (a) => `${f}(${a[0]})`;
const cmp = (op: string): Render => (a) => `((${a[0]} ${op} ${a[1]}) ? 1.0 : 0.0)`;
const truthy = (x: string) => `(symTruthy(${x}) > 0.5)`;

/** One rendering per scalar op; the mapped type makes a missing one a compile error. */
const OPS: { readonly [S in ScalarOpName]: Render } = {
  neg: (a) => `(-${a[0]})`,
  abs: fn1('Math.abs'),
  sign: fn1('symSign'),
  exp: fn1('symExp'),
  log: fn1('symLog'),
  log1p: fn1('symLog1p'),
  expm1: fn1('symExpm1'),
  sqrt: fn1('Math.sqrt'),
  floor: fn1('Math.floor'),
  ceil: fn1('Math.ceil'),
  round: fn1('symRound'),
  sin: fn1('symSin'),
  cos: fn1('symCos'),
  tan: fn1('symTan'),
  tanh: fn1('symTanh'),
  arcsin: fn1('symAsin'),
  arccos: fn1('symAcos'),
  arctan: fn1('symAtan'),
  sinh: fn1('symSinh'),
  cosh: fn1('symCosh'),
  sigmoid: fn1('symSigmoid'),
  softplus: fn1('symSoftplus'),
  relu: fn1('symRelu'),
  not: (a) => `(${truthy(a[0]!)} ? 0.0 : 1.0)`,
  // ~a: -a - 1 in two's complement, the largest value minus a for an unsigned dtype
  invert: (a, _out, compute) => (UNSIGNED_MAX[compute] !== undefined ? `(${num(UNSIGNED_MAX[compute])} - ${a[0]})` : `(-${a[0]} - 1.0)`),
  identity: (a) => a[0]!,
  cast: (a) => a[0]!,
  add: (a) => `(${a[0]} + ${a[1]})`,
  sub: (a) => `(${a[0]} - ${a[1]})`,
  // a 16-bit product can exceed 2^24, where float32 drops low bits: multiply in halves
  mul: (a, out) => (out === 'int16' || out === 'uint16' ? `symMulLow16(${a[0]}, ${a[1]})` : `(${a[0]} * ${a[1]})`),
  truediv: (a) => `(${a[0]} / ${a[1]})`,
  intdiv: (a, _out, compute) => (isFloat(compute) ? `symFloatDiv(${a[0]}, ${a[1]})` : `symIntDiv(${a[0]}, ${a[1]})`),
  mod: (a, _out, compute) => (isFloat(compute) ? `symFloatMod(${a[0]}, ${a[1]})` : `symIntMod(${a[0]}, ${a[1]})`),
  // integer powers: by squaring for the dtypes that wrap, rounded float powers for the wide ones (negative exponents truncated)
  pow: (a, _out, compute) =>
    isFloat(compute)
      ? `symPow(${a[0]}, ${a[1]})`
      : compute === 'int8' || compute === 'uint8' || compute === 'int16' || compute === 'uint16' || compute === 'bool'
        ? `symPowWrap(${a[0]}, ${a[1]})`
        : `symPowRound(${a[0]}, ${a[1]})`,
  maximum: (a) => `symMax(${a[0]}, ${a[1]})`,
  minimum: (a) => `symMin(${a[0]}, ${a[1]})`,
  second: (a) => a[1]!,
  eq: cmp('==='),
  neq: cmp('!=='),
  lt: cmp('<'),
  le: cmp('<='),
  gt: cmp('>'),
  ge: cmp('>='),
  // symTruthy is exactly 0 or 1: a product and a sum of the two, not && / || (short-circuit: a branch around the second call)
  and: (a) => `((symTruthy(${a[0]}) * symTruthy(${a[1]}) > 0.5) ? 1.0 : 0.0)`,
  or: (a) => `((symTruthy(${a[0]}) + symTruthy(${a[1]}) > 0.5) ? 1.0 : 0.0)`,
  xor: (a) => `((${truthy(a[0]!)} !== ${truthy(a[1]!)}) ? 1.0 : 0.0)`,
  // integers as float32 values: the helpers compute bitwise ops exactly within +-2^24 (WebGL 1 has no integer operators)
  bitand: (a) => `symBitwise(${a[0]}, ${a[1]}, 0.0)`,
  bitor: (a) => `symBitwise(${a[0]}, ${a[1]}, 1.0)`,
  bitxor: (a) => `symBitwise(${a[0]}, ${a[1]}, 2.0)`,
  switch: (a) => `(${truthy(a[0]!)} ? ${a[1]} : ${a[2]})`,
  clip: (a) => `symClip(${a[0]}, ${a[1]}, ${a[2]})`,
};

/** Ops whose float result is already a value of dtype d (no conversion needed). */
function isExact(op: ScalarOpName, d: DType): boolean {
  if (isFloat(d)) return true;
  if (d === 'bool') return ['eq', 'neq', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'xor', 'not', 'identity', 'second', 'switch'].includes(op);
  return ['identity', 'second', 'switch', 'maximum', 'minimum', 'clip', 'relu'].includes(op);
}

/** How a read of an input renders: by default a fetch `in<input>[index]`; a pass whose arguments are numbered otherwise renames them (`packed.ts`). */
export type RenderLoad = (e: { readonly input: number }, index: string) => string;

const fetchLoad: RenderLoad = (e, index) => `in${e.input}[${index}]`;

/** The variable holding a kernel's reduced value or dot product where its epilogue runs (`epilogueReturn`). */
const REDUCED = 'reduced';

/**
 * Bracket nesting past which a subexpression is computed into a variable
 * of its own (with `lets`): gpu.js translates the kernel to GLSL, whose
 * compilers run out of parser stack on deep expressions (headless-gl's
 * ANGLE reported "memory exhausted" for 100 affine steps, 200 levels). Below
 * the bound an expression renders in one piece, as it always did.
 */
export const MAX_NESTING = 32;

// the deep tests measure rendered code with it
export { nesting } from '@sym/graph';

/**
 * Render an expression; `index(strides, offset)` renders a load's flat
 * index from the index variables. With `lets`, statements computing parts
 * of it first are pushed there: a gather's index (gpu.js types an
 * expression used as an index, and the helpers in it, as integers, which
 * would clash with their float uses elsewhere in the kernel), an apply the
 * expression holds more than once (the same object: a DAG is computed
 * once, not once per path to it) and one whose code would nest past
 * `MAX_NESTING`. Computing a switch's branch before the switch is safe: a
 * shader does not trap, and a gather's index is in range on every element.
 * Without `lets` everything renders inline and a gather is refused (an
 * error naming its input): the backend's own kernels always pass `lets`.
 * Iterative, so that no chain is too deep for the JavaScript stack.
 */
export function renderExpr(
  e: ScalarExpr,
  index: (strides: readonly number[], offset: number) => string,
  load: RenderLoad = fetchLoad,
  lets?: string[],
  reducedValue?: number,
): string {
  // operand slots holding each node: only a renderer with lets computes shared nodes once
  const uses = lets ? operandUses(e) : undefined;
  // the code of the nodes computed into a variable (and of gathers, whose index is), by object
  const done = new Map<ScalarExpr, Rendered>();
  const rendered = foldExpr<Rendered>(
    e,
    (n, args, root) => {
      const r = renderNode(n, args.map((a) => a.code), args.map((a) => a.value), index, load, lets, reducedValue);
      if (n.kind === 'gather') done.set(n, { code: r.code, value: undefined });
      else if (lets && !root && n.kind === 'apply' && r.value === undefined && (uses!.get(n)! > 1 || nesting(r.code) > MAX_NESTING)) {
        const ref = { code: `e${lets.length}`, value: undefined };
        lets.push(`const ${ref.code} = ${r.code};`);
        done.set(n, ref);
        return ref;
      }
      return r;
    },
    done,
  );
  return rendered.code;
}

/** A node's code, and its value where it is a constant or an op of constants. */
interface Rendered {
  readonly code: string;
  readonly value: number | undefined;
}

/**
 * One node given its operands' code (`args`) and constant values
 * (`values`, undefined for those that read something): its code, and its
 * value where it is a constant or an op of constants.
 */
function renderNode(
  e: ScalarExpr,
  args: readonly string[],
  values: readonly (number | undefined)[],
  index: (strides: readonly number[], offset: number) => string,
  load: RenderLoad,
  lets: string[] | undefined,
  reducedValue: number | undefined,
): Rendered {
  switch (e.kind) {
    case 'const':
      return { code: num(e.value), value: e.value };
    case 'load':
      return { code: load(e, index(e.strides, e.offset)), value: undefined };
    // the index is an int32 value the kernel keeps in range (an exact float below 2^24)
    case 'gather': {
      // every kernel this backend renders passes lets (reductions' gathers included): only a caller of the exported renderExpr reaches this
      if (!lets) throw new Error(`gpujs renderExpr: a gather (of input ${e.input}) needs \`lets\`, the statements its index is computed into first (gpu.js would type an inline index and its helpers as integers); pass an array`);
      const name = `g${lets.length}`;
      lets.push(`const ${name} = ${args[0]};`);
      return { code: load(e, name), value: undefined };
    }
    case 'reduced':
      return { code: REDUCED, value: reducedValue };
    case 'apply': {
      // an op of literals (a size computed from shapes: 2 * 2) is folded here: gpu.js would type the
      // literals' product an integer, which no float helper such as symTrunc64 accepts
      if (values.every((v) => v !== undefined)) {
        const converted = values.map((v, i) => ((e.op === 'switch' && i === 0) || e.args[i]!.dtype === e.computeDType ? v : castScalar(v, e.computeDType)));
        const folded = castScalar(SCALAR_OPS[e.op].impl(converted, e.dtype, e.computeDType), e.dtype);
        return { code: num(folded), value: folded };
      }
      const converted = e.args.map((a, i) => {
        const code = args[i]!;
        // the condition of a switch is tested as it is; other operands convert to the compute dtype
        if (e.op === 'switch' && i === 0) return code;
        return a.dtype === e.computeDType ? code : castTo(e.computeDType, code);
      });
      // a switch chooses between names or literals: its computed arms are statements first (a select, not a branch)
      const operands = e.op === 'switch' && lets ? converted.map((c, i) => (i === 0 || isNameOrLiteral(c) ? c : hoist(lets, c))) : converted;
      const code =
        divideByLiteralZero(e, operands[0]!, values[1]) ?? divideLiteralZero(e, operands[1]!, values[0]) ?? multiplyByLiteralZero(e, operands, values) ?? keepGroups(e, operands) ?? OPS[e.op](operands, e.dtype, e.computeDType);
      return { code: e.op === 'cast' || e.dtype !== e.computeDType || !isExact(e.op, e.dtype) ? castTo(e.dtype, code) : code, value: undefined };
    }
  }
}

/** A name or a literal as `num` writes it: what a select's arm may be without compiling to a branch. */
export function isNameOrLiteral(code: string): boolean {
  return /^(?:[A-Za-z_]\w*|\(?-?[\d.]+(?:e[-+]?\d+)?\)?|\((?:-?[01]\.0 \/ 0\.0|-0\.0)\))$/.test(code);
}

/** Push `const w<n> = code;` and return the name. */
function hoist(lets: string[], code: string): string {
  const name = `w${lets.length}`;
  lets.push(`const ${name} = ${code};`);
  return name;
}

/**
 * A float division (true or floor) by a divisor the kernel holds as a
 * literal zero, as `symDivZero` (NumPy's +-inf, NaN for 0 / 0 and NaN / 0):
 * the GLSL compiler folds `a / 0.0` to 0. Undefined for other nodes, which
 * render as before: a zero read at run time divides as IEEE's (one the
 * compiler derives still folds: it makes `y * 0.0` 0, and `x / (y * 0.0)` 0).
 */
function divideByLiteralZero(e: ScalarExpr & { kind: 'apply' }, numerator: string, divisor: number | undefined): string | undefined {
  if (divisor !== 0 || !isFloat(e.computeDType) || (e.op !== 'truediv' && e.op !== 'intdiv')) return undefined;
  return `symDivZero(${numerator}, ${Object.is(divisor, -0) ? num(-1) : num(1)})`;
}

/**
 * A float division (true or floor) of a dividend the kernel holds as a
 * literal zero, as `symZeroDiv` of the divisor (NaN for a zero or NaN
 * one, else 0): the GLSL compiler folds `0.0 / a` to 0, so 0 / 0 was 0 on
 * gpujs (NumPy: NaN), in `T.zeros(...) / n` and in an epilogue dividing
 * the sum of an empty axis (average_exc_pad over windows of padding
 * alone). The sign of the zero is not kept (README). Undefined for other
 * nodes.
 */
function divideLiteralZero(e: ScalarExpr & { kind: 'apply' }, divisor: string, dividend: number | undefined): string | undefined {
  if (dividend !== 0 || !isFloat(e.computeDType) || (e.op !== 'truediv' && e.op !== 'intdiv')) return undefined;
  return `symZeroDiv(${divisor})`;
}

/**
 * A float product with a factor the kernel holds as a literal zero, as
 * `symMulZero` of the other factor (NaN for an infinite or NaN one, else
 * 0): the GLSL compiler folds `a * 0.0` to 0, so `x * 0` of an infinite or
 * NaN x was 0 on gpujs (NumPy: NaN). The sign of the zero is not kept
 * (README: signed zeros are not preserved). Undefined for other nodes.
 */
function multiplyByLiteralZero(e: ScalarExpr & { kind: 'apply' }, factors: readonly string[], values: readonly (number | undefined)[]): string | undefined {
  if (e.op !== 'mul' || !isFloat(e.computeDType)) return undefined;
  const zero = values.findIndex((v) => v === 0);
  return zero < 0 ? undefined : `symMulZero(${factors[1 - zero]})`;
}

/** sum(vars[d] * strides[d]) + offset, as float arithmetic (exact below 2^24). */
export function offsetExpr(vars: readonly string[], strides: readonly number[], offset: number): string {
  const terms = strides.flatMap((s, d) => (s === 0 ? [] : s === 1 ? [vars[d]!] : [`${vars[d]} * ${num(s)}`]));
  if (offset) terms.push(num(offset));
  return terms.length ? terms.join(' + ') : '0.0';
}

/**
 * Statements declaring `vars[d]` as the multi-index of the flat thread
 * index over `shape` (C order). The float quotient is corrected by its
 * remainder, so the digits are exact for every index below 2^24.
 */
export function decompose(shape: readonly number[], vars: readonly string[], prefix: string, flat = 'this.thread.x + 0.0'): string {
  const lines = [`let ${prefix}rest = ${flat};`];
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    const v = vars[d]!;
    if (d === 0) {
      lines.push(`const ${v} = ${prefix}rest;`);
    } else if (n === 1) {
      lines.push(`const ${v} = 0.0;`);
    } else {
      const q = `${prefix}q${d}`;
      const r = `${prefix}r${d}`;
      // the corrections as selects of names, not ifs: a split reduction decomposes inside its loop (branches there
      // compile slowly: reduceUpdate)
      lines.push(
        `let ${q} = Math.floor((${prefix}rest + 0.5) / ${num(n)});`,
        `let ${r} = ${prefix}rest - ${q} * ${num(n)};`,
        `const ${q}a = ${q} - 1.0;`,
        `const ${r}a = ${r} + ${num(n)};`,
        `${q} = (${r} < 0.0) ? ${q}a : ${q};`,
        `${r} = (${r} < 0.0) ? ${r}a : ${r};`,
        `const ${q}b = ${q} + 1.0;`,
        `const ${r}b = ${r} - ${num(n)};`,
        `${q} = (${r} >= ${num(n)}) ? ${q}b : ${q};`,
        `${r} = (${r} >= ${num(n)}) ? ${r}b : ${r};`,
        `const ${v} = ${r};`,
        `${prefix}rest = ${q};`,
      );
    }
  }
  return lines.join('\n');
}

function params(n: number): string {
  return Array.from({ length: n }, (_, i) => `in${i}`).join(', ');
}

/** Nested loops over `shape` with float counters `${prefix}d` (GLSL needs constant bounds, which these are). */
function loops(shape: readonly number[], prefix: string, body: string): string {
  let code = body;
  for (let d = shape.length - 1; d >= 0; d--) {
    const c = `${prefix}${d}`;
    code = `for (let ${c}n = 0; ${c}n < ${shape[d]}; ${c}n++) {\nconst ${c} = ${c}n + 0.0;\n${code}\n}`;
  }
  return code;
}

/** `castTo(d, code)`, unless `e` renders as a value of `d` already: `renderExpr` stores an op's result in the op's dtype. */
function storeAs(d: DType, e: ScalarExpr, code: string): string {
  return e.kind === 'apply' && e.dtype === d ? code : castTo(d, code);
}

/** Statements, each on a line of its own. */
const statements = (lets: readonly string[]) => lets.map((l) => `${l}\n`).join('');

function renderElementwise(k: ElementwiseKernel): string {
  const vars = k.shape.map((_, d) => `i${d}`);
  const lets: string[] = [];
  const expr = renderExpr(k.expr, (s, o) => offsetExpr(vars, s, o), fetchLoad, lets);
  return `function (${params(k.inputs.length)}) {\n${decompose(k.shape, vars, 't')}\n${statements(lets)}return ${storeAs(k.out, k.expr, expr)};\n}`;
}

/** Statements declaring `v`, the value a reduce kernel folds at the current index variables, in its accumulator dtype. */
export function reduceValue(k: ReduceKernel, vars: readonly string[]): string {
  const lets: string[] = [];
  const raw = renderExpr(k.expr, (s, o) => offsetExpr(vars, s, o), fetchLoad, lets);
  return `${statements(lets)}const v = ${k.expr.dtype === k.acc || k.acc === 'bool' ? raw : castTo(k.acc, raw)};`;
}


/**
 * The statements folding `v` into `acc`; argmax/argmin also set `best` to
 * the index `j` (the first element, `j === first`, always wins). Selects
 * of names, no `if`: Chromium's WebGL2 on SwiftShader compiles a loop body
 * in time exponential in its branches (test/render-branches.test.ts).
 */
export function reduceUpdate(reducer: ReduceKernel['reducer'], acc: DType, j = 'j', first = '0.0'): string {
  const wrap = (c: string) => (!isFloat(acc) && (reducer === 'sum' || reducer === 'prod') ? castTo(acc, c) : c);
  // argmax/argmin: `best` first, while `acc` still holds the value it is compared with
  const arg = (cmp: string) => {
    const take = `(${j} === ${first} || (acc === acc && (v ${cmp} acc || v !== v)))`;
    return `best = ${take} ? ${j} : best;\nacc = ${take} ? v : acc;`;
  };
  switch (reducer) {
    case 'sum':
    case 'mean':
      return `acc = ${wrap('acc + v')};`;
    case 'prod':
      return `acc = ${wrap('acc * v')};`;
    // a NaN accumulator stays; a NaN value is taken
    case 'max':
      return 'acc = (acc === acc && (v !== v || v > acc)) ? v : acc;';
    case 'min':
      return 'acc = (acc === acc && (v !== v || v < acc)) ? v : acc;';
    case 'any':
      return `acc = (symTruthy(v) < 0.5) ? acc : 1.0;`;
    case 'all':
      return `acc = ${truthy('v')} ? acc : 0.0;`;
    case 'argmax':
      return arg('>');
    case 'argmin':
      return arg('<');
  }
}

/**
 * The statements returning `result` (a reduced value or a dot product, in
 * its accumulator dtype) stored in dtype `out`; with an epilogue, `result`
 * converted to the epilogue's value dtype, then the epilogue over it,
 * stored in `out`. The epilogue's loads index the output space through
 * `vars` (which must hold the output element's multi-index) and render
 * through `load`.
 */
export function epilogueReturn(epilogue: Epilogue | undefined, out: DType, result: string, vars: readonly string[], load?: RenderLoad, resultValue?: number): string {
  if (!epilogue) return `return ${castTo(out, result)};`;
  const lets: string[] = [];
  const reducedValue = resultValue === undefined ? undefined : castScalar(resultValue, epilogue.value);
  const expr = renderExpr(epilogue.expr, (s, o) => offsetExpr(vars, s, o), load, lets, reducedValue);
  return `const ${REDUCED} = ${castTo(epilogue.value, result)};\n${statements(lets)}return ${storeAs(out, epilogue.expr, expr)};`;
}

/**
 * The statements returning a reduce kernel's result from the final
 * `acc`/`best` over `count` elements, through its epilogue if it has one
 * (`vars` hold the output's multi-index).
 */
export function reduceResult(k: Pick<ReduceKernel, 'reducer' | 'out' | 'epilogue' | 'acc'> & { readonly expr?: ScalarExpr }, count: number, vars: readonly string[]): string {
  const dtype = k.epilogue?.value ?? k.out;
  const result = k.reducer === 'argmax' || k.reducer === 'argmin' ? 'best' : k.reducer === 'mean' ? `acc / ${num(count)}` : 'acc';
  // the sum starts from +0, so a sum of zeros is +0; shader compilers may fold 0 + x to x and keep a -0
  const fix = k.reducer === 'sum' && isFloat(dtype) ? 'if (acc === 0.0) { acc = 0.0; }\n' : '';
  return `${fix}${epilogueReturn(k.epilogue, k.out, result, vars, undefined, knownResult(k, count))}`;
}

/**
 * A reduce kernel's result where it is known when the kernel is rendered,
 * as the shader compiler knows it: over no elements (the identity, NaN for
 * a mean), or over a constant that is the identity (windows of padding
 * alone: a sum of zeros). The epilogue renders with it as a literal's
 * value, so that its divisions of that zero give NaN where NumPy's do: the
 * compiler folded 0.0 / n to 0 (an average_exc_pad pool of an empty image,
 * 0 / 0, was 0). Undefined otherwise, and for argmax/argmin. A split
 * reduction's last pass (no `expr`) folds partials it reads at run time,
 * which the compiler cannot fold.
 */
function knownResult(k: Pick<ReduceKernel, 'reducer' | 'acc'> & { readonly expr?: ScalarExpr }, count: number): number | undefined {
  if (k.reducer === 'argmax' || k.reducer === 'argmin') return undefined;
  const identity = reduceIdentity(k.reducer === 'mean' ? 'sum' : k.reducer, k.acc);
  const constant = k.expr?.kind === 'const' && Object.is(castScalar(k.expr.value, k.acc), identity);
  if (count !== 0 && !constant) return undefined;
  return k.reducer === 'mean' && count === 0 ? NaN : identity;
}

/** A one-pass reduce kernel: the thread's output index, the fold over `reduceShape`, the result. */
function renderReduce(k: ReduceKernel): string {
  const vars = [...k.shape.map((_, d) => `i${d}`), ...k.reduceShape.map((_, d) => `r${d}`)];
  const value = reduceValue(k, vars);
  const update = reduceUpdate(k.reducer, k.acc);
  const count = k.reduceShape.reduce((a, b) => a * b, 1);
  const inner = loops(k.reduceShape, 'r', `${value}\n${update}\nj = j + 1.0;`);
  const init = num(reduceIdentity(k.reducer, k.acc));
  return `function (${params(k.inputs.length)}) {
${decompose(k.shape, vars, 't')}
let acc = ${init};\nlet best = 0.0;\nlet j = 0.0;\n${inner}\n${reduceResult(k, count, k.shape.map((_, d) => `i${d}`))}
}`;
}

/**
 * The output dimensions of a matmul ordered from the slowest to the fastest
 * in memory. The output is written completely, so its strides are a
 * permutation of a C-contiguous layout; anything else is refused.
 */
export function matmulOutputOrder(k: MatmulKernel): { dims: number[]; sizes: number[] } {
  const sizes = [k.batch, k.m, k.n];
  const dims = [0, 1, 2].filter((d) => sizes[d]! > 1).sort((a, b) => k.outStrides[b]! - k.outStrides[a]!);
  let expect = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    const d = dims[i]!;
    if (k.outStrides[d] !== expect) {
      throw new Error(
        `gpujs: a matmul output with strides [${k.outStrides.join(', ')}] over (batch ${k.batch}, m ${k.m}, n ${k.n}) ` +
          'is not a dense layout; expected a permutation of C-contiguous strides.',
      );
    }
    expect *= sizes[d]!;
  }
  return { dims, sizes: dims.map((d) => sizes[d]!) };
}

/** a * b in dtype d: 16-bit products are formed in halves so that no partial product loses bits. */
function product(d: DType, a: string, b: string): string {
  return d === 'int16' || d === 'uint16' ? `symMulLow16(${a}, ${b})` : `${a} * ${b}`;
}

/** The statement adding the product at step `q` of the k loop to `s` (A is `in0`, B is `in1`, at `bx`, `mx`, `nx`). */
function matmulStep(k: MatmulKernel): string {
  const [ab, am, ak] = k.a.strides;
  const [bb, bk, bn] = k.b.strides;
  const acc = (c: string) => castTo(k.acc, c);
  const pa = offsetExpr(['bx', 'mx', 'q'], [ab, am, ak], k.a.offset);
  const pb = offsetExpr(['bx', 'q', 'nx'], [bb, bk, bn], k.b.offset);
  return `s = ${acc(`s + ${acc(product(k.acc, `in0[${pa}]`, `in1[${pb}]`))}`)};`;
}

/** The variables holding a matmul thread's output index (batch, m, n): the k loop's and the epilogue's. */
export const MATMUL_VARS: readonly string[] = ['bx', 'mx', 'nx'];

/**
 * Statements declaring `bx`, `mx`, `nx` as the output index of the thread
 * (output elements numbered in the output's memory order); with `parts`,
 * threads are (output element, part) pairs and `part` is declared too.
 */
export function matmulIndex(k: MatmulKernel, parts?: number): string {
  const { dims, sizes } = matmulOutputOrder(k);
  const ordered = dims.map((d) => MATMUL_VARS[d]!);
  if (parts !== undefined) ordered.push('part');
  const all = parts !== undefined ? [...sizes, parts] : sizes;
  const fixed = [0, 1, 2].filter((d) => !dims.includes(d)).map((d) => `const ${MATMUL_VARS[d]} = 0.0;`);
  return [all.length ? decompose(all, ordered, 't') : '', ...fixed].join('\n');
}

/**
 * A matmul kernel, one thread per output element, storing the dot product
 * or, with an epilogue, the epilogue over it; with `split`, one thread per
 * (output element, part) pair, returning the sum of the products of one
 * chunk of the k axis (A and B its only arguments): thread t writes part
 * t % parts of output element floor(t / parts) (in the output's memory
 * order).
 */
export function renderMatmul(k: MatmulKernel, split?: { parts: number; chunk: number }): string {
  const step = matmulStep(k);
  const loop = split
    ? `for (let qn = 0; qn < ${split.chunk}; qn++) {
const qc = qn + 0.0;
const q = part * ${num(split.chunk)} + qc;
if (q < ${num(k.k)}) {
${step}
}
}
return s;`
    : `for (let qn = 0; qn < ${k.k}; qn++) {
const q = qn + 0.0;
${step}
}
${epilogueReturn(k.epilogue, k.out, 's', MATMUL_VARS)}`;
  return `function (${params(split ? 2 : k.inputs.length)}) {
${matmulIndex(k, split?.parts)}
let s = 0.0;
${loop}
}`;
}

/** The gpu.js kernel function source computing the kernel, one thread per output element. */
export function renderKernel(k: Kernel): string {
  switch (k.kind) {
    case 'elementwise':
      return renderElementwise(k);
    case 'reduce':
      return renderReduce(k);
    case 'matmul':
      return renderMatmul(k);
    case 'sort':
      // optional (BackendInfo.kernels), and not listed here: compile refuses it before
      throw new Error('gpujs: this backend runs no sort kernels');
    case 'scatterAdd':
      throw new Error('gpujs: this backend runs no scatter-add kernels');
  }
}
