/**
 * Renders kernels of the kernel IR to JavaScript source. The source holds
 * only numbers from the kernel (shapes, strides, constants): nothing a user
 * named ever reaches it.
 */
import type { ApplyExpr, DType, Kernel, ScalarExpr, ScalarOpName, ElementwiseKernel, ReduceKernel, MatmulKernel, ScatterAddKernel } from '@sym/graph';
import { isFloat, reduceIdentity } from '@sym/graph';
import { commonSubexpressions, place, type Cse, type Placement } from './cse.js';
import { renderFloatScatterAdd } from './scatter-sums.js';

/** JS for storing `code` into dtype `d` (wrap like C, round like float32 or float16). */
export function castTo(d: DType, code: string): string {
  switch (d) {
    case 'float64':
      return code;
    case 'float32':
      return `Math.fround(${code})`;
    case 'float16':
      return `H.f16(${code})`;
    case 'int32':
      return `((${code}) | 0)`;
    case 'int16':
      return `((${code}) << 16 >> 16)`;
    case 'int8':
      return `((${code}) << 24 >> 24)`;
    case 'uint32':
      return `((${code}) >>> 0)`;
    case 'uint16':
      return `((${code}) & 65535)`;
    case 'uint8':
      return `((${code}) & 255)`;
    case 'int64':
      return `H.i64(${code})`;
    case 'bool':
      return `((${code}) !== 0 ? 1 : 0)`; // NaN is truthy, as in NumPy
  }
}

type Render = (a: readonly string[], out: DType, compute: DType) => string;
// H.c1/c2/c3 pass the operands in a reused array: a fresh array per element would dominate the kernel
const call = (name: string): Render => (a, out, compute) => `H.c${a.length}(H.op.${name}.impl, ${a.join(', ')}, ${JSON.stringify(out)}, ${JSON.stringify(compute)})`;
const fn1 = (f: string): Render => (a) => `${f}(${a[0]})`;
const bitwise = (op: string, name: string): Render => (a, out, compute) => (compute === 'int64' ? call(name)(a, out, compute) : `(${a[0]} ${op} ${a[1]})`);

/** One rendering per scalar op; the mapped type makes a missing one a compile error. */
const OPS: { readonly [S in ScalarOpName]: Render } = {
  neg: (a) => `(-${a[0]})`,
  abs: fn1('Math.abs'),
  sign: call('sign'),
  exp: fn1('Math.exp'),
  log: fn1('Math.log'),
  log1p: fn1('Math.log1p'),
  expm1: fn1('Math.expm1'),
  sqrt: fn1('Math.sqrt'),
  floor: fn1('Math.floor'),
  ceil: fn1('Math.ceil'),
  round: call('round'),
  sin: fn1('Math.sin'),
  cos: fn1('Math.cos'),
  tan: fn1('Math.tan'),
  tanh: fn1('Math.tanh'),
  arcsin: fn1('Math.asin'),
  arccos: fn1('Math.acos'),
  arctan: fn1('Math.atan'),
  sinh: fn1('Math.sinh'),
  cosh: fn1('Math.cosh'),
  sigmoid: fn1('H.sigmoid'),
  softplus: fn1('H.softplus'),
  relu: (a) => `H.relu(${a[0]})`,
  not: (a) => `(${a[0]} !== 0 ? 0 : 1)`,
  invert: (a, out, compute) => (compute === 'int64' ? `(-${a[0]} - 1)` : `(~${a[0]})`),
  identity: (a) => a[0]!,
  cast: (a) => a[0]!,
  add: (a) => `(${a[0]} + ${a[1]})`,
  sub: (a) => `(${a[0]} - ${a[1]})`,
  mul: (a, out) => (out === 'int32' || out === 'uint32' ? `Math.imul(${a[0]}, ${a[1]})` : `(${a[0]} * ${a[1]})`),
  truediv: (a) => `(${a[0]} / ${a[1]})`,
  intdiv: call('intdiv'),
  mod: call('mod'),
  // integer powers wrap by repeated multiplication, as NumPy's do
  pow: (a, out, compute) => (isFloat(out) ? `H.pow(${a[0]}, ${a[1]})` : call('pow')(a, out, compute)),
  // integers have no NaN (nor, in their arrays, -0): the engine's own max and min, without a call into H (a clamped
  // index, as a join computes per element, ran ten times slower in a first call's interpreted kernel)
  maximum: (a, _, compute) => (isFloat(compute) ? `H.max(${a[0]}, ${a[1]})` : `Math.max(${a[0]}, ${a[1]})`),
  minimum: (a, _, compute) => (isFloat(compute) ? `H.min(${a[0]}, ${a[1]})` : `Math.min(${a[0]}, ${a[1]})`),
  second: (a) => a[1]!,
  eq: (a) => `(${a[0]} === ${a[1]} ? 1 : 0)`,
  neq: (a) => `(${a[0]} !== ${a[1]} ? 1 : 0)`,
  lt: (a) => `(${a[0]} < ${a[1]} ? 1 : 0)`,
  le: (a) => `(${a[0]} <= ${a[1]} ? 1 : 0)`,
  gt: (a) => `(${a[0]} > ${a[1]} ? 1 : 0)`,
  ge: (a) => `(${a[0]} >= ${a[1]} ? 1 : 0)`,
  and: (a) => `(${a[0]} !== 0 && ${a[1]} !== 0 ? 1 : 0)`,
  or: (a) => `(${a[0]} !== 0 || ${a[1]} !== 0 ? 1 : 0)`,
  xor: (a) => `((${a[0]} !== 0) !== (${a[1]} !== 0) ? 1 : 0)`,
  // 32-bit and narrower: JavaScript's int32 operators, the store wrapping the result into the dtype; int64 word by word
  bitand: bitwise('&', 'bitand'),
  bitor: bitwise('|', 'bitor'),
  bitxor: bitwise('^', 'bitxor'),
  switch: (a) => `(${a[0]} !== 0 ? ${a[1]} : ${a[2]})`,
  clip: (a) => `H.clip(${a[0]}, ${a[1]}, ${a[2]})`,
};

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  // negative literals in parentheses: neg(-Infinity) rendered as `(--Infinity)` assigned to the global Infinity
  if (v === -Infinity) return '(-Infinity)';
  return Object.is(v, -0) ? '(-0)' : `(${String(v)})`;
}

/** How a kernel addresses an input: the index expression (JavaScript source) of a load with these strides and offset. */
export type Index = (strides: readonly number[], offset: number) => string;

/** Render an expression; `index(strides, offset)` renders a load's offset from the loop variables. */
export function renderExpr(e: ScalarExpr, index: Index): string {
  return renderNodes(commonSubexpressions(e), index, undefined).value;
}

/** The int32 index arithmetic hoisted out of a switch's branch (see renderNodes). */
const INDEX_OPS = new Set<ScalarOpName>(['add', 'sub', 'mul', 'maximum', 'minimum', 'neg', 'identity']);

/** Operands JavaScript evaluates on some elements only: a switch's branches, the right side of `&&` and `||`. */
const lazyOperand = (e: ApplyExpr, i: number) => (e.op === 'switch' ? i > 0 : (e.op === 'and' || e.op === 'or') && i === 1);

/**
 * An expression over `depth` nested loops: `hoisted[d]` holds the
 * statements to run before loop d (0 the outermost) starts, the locals of
 * the subexpressions that read no loop variable from d on (a pivot, a row's
 * index base, the gather of a row's partner); `lets` declares and computes
 * the per-element locals of the subexpressions it uses more than once (each
 * computed once, before its first use); `value` computes the rest from them.
 * `decls` declares, before the loops, the locals that the branches of a
 * switch (or the right side of `&&`, `||`) compute where they are taken.
 * With `depth` 0 nothing is hoisted out of the element.
 */
interface Rendered {
  readonly decls: string;
  readonly hoisted: readonly string[];
  readonly lets: string;
  readonly value: string;
}

function renderShared(e: ScalarExpr, index: Index, depth: number): Rendered {
  const cse = commonSubexpressions(e);
  return renderNodes(cse, index, place(cse, lazyOperand), depth);
}

/** How many of the outer loops node `id`'s value depends on (0: none; the kernel's depth: the innermost). */
function loopLevels(cse: Cse, depth: number): number[] {
  const level: number[] = [];
  cse.nodes.forEach((n, id) => {
    const e = n.expr;
    if (e.kind === 'load') level[id] = e.strides.reduce((m, s, d) => (s !== 0 ? d + 1 : m), 0);
    else if (e.kind === 'reduced') level[id] = depth;
    else level[id] = n.args.reduce((m, a) => Math.max(m, level[a]!), 0);
  });
  return level;
}

/**
 * Render the root of `cse`, each shared node once where `shared` places it
 * (without a placement, every copy inline), hoisting what every element
 * computes and the inner loops do not change out of them (see Rendered).
 */
function renderNodes(cse: Cse, index: Index, shared: Placement | undefined, depth = 0): Rendered {
  const name = (id: number) => `t${id}`;
  const node = (id: number): string => {
    const e = cse.nodes[id]!.expr;
    switch (e.kind) {
      case 'const':
        return num(e.value);
      case 'load':
        return `in${e.input}[${index(e.strides, e.offset)}]`;
      case 'gather':
        return `in${e.input}[${operand(id, 0)}]`;
      case 'reduced':
        throw new Error('cpu: a reduced value outside an epilogue (the backend runs epilogues as kernels of their own)');
      case 'apply': {
        const args = e.args.map((a, i) => {
          const code = operand(id, i);
          // the condition of a switch is tested as it is; other operands convert to the compute dtype
          if (e.op === 'switch' && i === 0) return code;
          return a.dtype === e.computeDType ? code : castTo(e.computeDType, code);
        });
        const code = OPS[e.op](args, e.dtype, e.computeDType);
        return e.op === 'cast' || e.dtype !== e.computeDType || !isExact(e.op, e.dtype) ? castTo(e.dtype, code) : code;
      }
    }
  };
  const root = cse.nodes.length - 1;
  if (!shared) return { decls: '', hoisted: [], lets: '', value: node(root) };
  // hoisted: a node every element computes (region 0), not a literal, whose value its users' loops leave unchanged:
  // shared, the root, or the largest such part of a user that a deeper loop changes
  const level = loopLevels(cse, depth);
  const userLevel: number[] = new Array<number>(cse.nodes.length).fill(0);
  cse.nodes.forEach((n, id) => n.args.forEach((a) => (userLevel[a] = Math.max(userLevel[a]!, level[id]!))));
  // index arithmetic (int32 adds, products, clamps of loads and literals) cannot fail and costs little: a part of a
  // switch's branch that the inner loops leave unchanged is hoisted too, computed whether the branch is taken or not
  // (a join's clamped row of a piece, per row instead of per element: a first call runs these kernels interpreted)
  const indexArith: boolean[] = [];
  cse.nodes.forEach((n, id) => {
    const e = n.expr;
    indexArith[id] =
      e.kind === 'const' ||
      e.kind === 'load' ||
      (e.kind === 'apply' && INDEX_OPS.has(e.op) && e.computeDType === 'int32' && e.dtype === 'int32' && n.args.every((a) => indexArith[a] && !shared.regionOf[a]));
  });
  const hoist = (id: number) =>
    cse.nodes[id]!.expr.kind !== 'const' &&
    level[id]! < depth &&
    (shared.region[id] === 0
      ? cse.shared(id) || id === root || userLevel[id]! > level[id]!
      : shared.regionOf[id] === undefined && cse.nodes[id]!.expr.kind === 'apply' && indexArith[id]! && userLevel[id]! > level[id]!);
  const named = (id: number) => shared.regionOf[id] !== undefined || hoist(id);
  const ref = (id: number) => (named(id) ? name(id) : node(id));
  // a lazy operand first computes the shared nodes placed in it: (t5 = ..., t6 = ..., operand)
  const operand = (id: number, i: number): string => {
    const a = cse.nodes[id]!.args[i]!;
    const r = shared.lazyRegion(id, i);
    const defs = r === undefined ? undefined : shared.definitions.get(r);
    return defs ? `(${defs.map((d) => `${name(d)} = ${node(d)}`).join(', ')}, ${ref(a)})` : ref(a);
  };
  const hoisted: string[][] = Array.from({ length: depth }, () => []);
  const top: string[] = [];
  for (let id = 0; id <= root; id++) {
    if (hoist(id)) hoisted[level[id]!]!.push(`const ${name(id)} = ${node(id)};`);
    else if (shared.regionOf[id] === 0) top.push(`const ${name(id)} = ${node(id)};`);
  }
  const inner = shared.regionOf.flatMap((r, id) => (r !== undefined && r !== 0 ? [`${name(id)} = 0`] : []));
  // statements, each ending its line
  const lines = (l: readonly string[]) => l.map((x) => `${x}\n`).join('');
  // declared once for the kernel: a hoisted statement may hold a branch that computes one
  const decls = inner.length ? `let ${inner.join(', ')};\n` : '';
  return { decls, hoisted: hoisted.map(lines), lets: lines(top), value: ref(root) };
}

/** Ops whose JS result is already a value of dtype d (no conversion needed). */
function isExact(op: ScalarOpName, d: DType): boolean {
  if (d === 'float64') return true;
  if (d === 'bool') return ['eq', 'neq', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'xor', 'not', 'identity', 'second', 'switch'].includes(op);
  return ['identity', 'second', 'switch', 'maximum', 'minimum', 'clip', 'relu'].includes(op);
}

function offsetExpr(vars: readonly string[], strides: readonly number[], offset: number): string {
  const terms = strides.flatMap((s, d) => (s === 0 ? [] : s === 1 ? [vars[d]!] : [`${vars[d]} * ${s}`]));
  if (offset) terms.push(String(offset));
  return terms.length ? terms.join(' + ') : '0';
}

/** Loops over `shape` around `body`, with `pre[d]` (when given) before loop d starts. */
function loops(shape: readonly number[], prefix: string, body: string, pre: readonly string[] = []): string {
  let code = body;
  for (let d = shape.length - 1; d >= 0; d--) {
    code = `${pre[d] ?? ''}for (let ${prefix}${d} = 0; ${prefix}${d} < ${shape[d]}; ${prefix}${d}++) {\n${code}\n}`;
  }
  return code;
}

/** The loop levels to hoist over: none in an empty kernel, whose elements compute nothing (its gathers' indices may be anything). */
const hoistDepth = (shape: readonly number[]) => (shape.some((n) => n === 0) ? 0 : shape.length);

function inputDecls(n: number): string {
  return Array.from({ length: n }, (_, i) => `const in${i} = ins[${i}];`).join('\n');
}

function renderElementwise(k: ElementwiseKernel): string {
  const vars = k.shape.map((_, d) => `i${d}`);
  const { decls, hoisted, lets, value } = renderShared(k.expr, (s, o) => offsetExpr(vars, s, o), hoistDepth(k.shape));
  return `${inputDecls(k.inputs.length)}\nlet o = 0;\n${decls}${loops(k.shape, 'i', `${lets}out[o++] = ${storeInto(k.out, k.expr.dtype, value)};`, hoisted)}`;
}

/**
 * JS storing a value of `from` into the output array of `to`: a typed
 * array's store already wraps integers and rounds to float32, but not a
 * bool's (Uint8Array keeps 3 as 3), float16's or int64's (Float32Array and
 * Float64Array storage keep any value).
 */
function storeInto(to: DType, from: DType, code: string): string {
  return to !== from && (to === 'bool' || to === 'float16' || to === 'int64') ? castTo(to, code) : code;
}

function renderReduce(k: ReduceKernel): string {
  const vars = [...k.shape.map((_, d) => `i${d}`), ...k.reduceShape.map((_, d) => `r${d}`)];
  const depth = hoistDepth([...k.shape, ...k.reduceShape]);
  const expr = renderShared(k.expr, (s, o) => offsetExpr(vars, s, o), depth);
  const value = k.expr.dtype === k.acc || k.acc === 'bool' ? expr.value : castTo(k.acc, expr.value);
  const init = num(reduceIdentity(k.reducer, k.acc));
  const wrap = (c: string) => (!isFloat(k.acc) && (k.reducer === 'sum' || k.reducer === 'prod') ? castTo(k.acc, c) : c);
  let update: string;
  switch (k.reducer) {
    case 'sum':
    case 'mean':
      update = `acc = ${wrap('acc + v')};`;
      break;
    case 'prod':
      // 32-bit products past 2^53 lose their low bits in a double before the wrap: Math.imul keeps them
      update = `acc = ${wrap(k.acc === 'int32' || k.acc === 'uint32' ? 'Math.imul(acc, v)' : 'acc * v')};`;
      break;
    case 'max':
      update = 'acc = acc !== acc || v !== v ? NaN : v > acc ? v : acc;';
      break;
    case 'min':
      update = 'acc = acc !== acc || v !== v ? NaN : v < acc ? v : acc;';
      break;
    case 'any':
      update = 'acc = acc !== 0 || v !== 0 ? 1 : 0;';
      break;
    case 'all':
      update = 'acc = acc !== 0 && v !== 0 ? 1 : 0;';
      break;
    case 'argmax':
      update = 'if (j === 0 || (acc === acc && (v > acc || v !== v))) { acc = v; best = j; }';
      break;
    case 'argmin':
      update = 'if (j === 0 || (acc === acc && (v < acc || v !== v))) { acc = v; best = j; }';
      break;
  }
  const count = k.reduceShape.reduce((a, b) => a * b, 1);
  const result = k.reducer === 'argmax' || k.reducer === 'argmin' ? 'best' : k.reducer === 'mean' ? `acc / ${count}` : 'acc';
  // the outer loops take the hoisted statements of their levels; the reduced loops, those of theirs
  const nOut = k.shape.length;
  const inner = loops(k.reduceShape, 'r', `${expr.lets}const v = ${value};\n${update}\nj++;`, expr.hoisted.slice(nOut));
  const body = `let acc = ${init}; let best = 0; let j = 0;\n${inner}\nout[o++] = ${castTo(k.out, result)};`;
  return `${inputDecls(k.inputs.length)}\nlet o = 0;\n${expr.decls}${loops(k.shape, 'i', body, expr.hoisted.slice(0, nOut))}`;
}

function renderMatmul(k: MatmulKernel): string {
  const [ab, am, ak] = k.a.strides;
  const [bb, bk, bn] = k.b.strides;
  const [ob, om, on] = k.outStrides;
  const acc = (c: string) => castTo(k.acc, c);
  return `const A = ins[0], B = ins[1];
for (let b = 0; b < ${k.batch}; b++)
for (let m = 0; m < ${k.m}; m++)
for (let n = 0; n < ${k.n}; n++) {
  let s = 0;
  let pa = ${k.a.offset} + b * ${ab} + m * ${am};
  let pb = ${k.b.offset} + b * ${bb} + n * ${bn};
  for (let q = 0; q < ${k.k}; q++) {
    s = ${acc(`s + ${acc(k.acc === 'int32' || k.acc === 'uint32' ? 'Math.imul(A[pa], B[pb])' : 'A[pa] * B[pb]')}`)};
    pa += ${ak}; pb += ${bk};
  }
  out[b * ${ob} + m * ${om} + n * ${on}] = ${castTo(k.out, 's')};
}`;
}

/** The body of `function (ins, out, H)` computing the kernel. */
export function renderKernel(k: Kernel): string {
  switch (k.kind) {
    case 'elementwise':
      return renderElementwise(k);
    case 'reduce':
      return renderReduce(k);
    case 'matmul':
      return renderMatmul(k);
    case 'sort':
      // a library kernel (sort.ts): the source calls it with the kernel's numbers
      return `H.sort(${JSON.stringify(k)}, ins[0], out);`;
    case 'scatterAdd':
      return isFloat(k.out) ? renderFloatScatterAdd(k) : renderScatterAdd(k);
  }
}

/**
 * A scatter-add, sequentially in index order (so a float sum is the same
 * at every run): the base copied (not when it is the output: a sparse
 * update written in place), then each index's row added. The output
 * array is of the accumulator's storage, so storing a sum rounds it to
 * float32 or wraps it at 32 bits as `castScalar` does; int64 (a
 * Float64Array) wraps by H.i64.
 */
function renderScatterAdd(k: ScatterAddKernel): string {
  const rows = k.shape[0]!;
  const row = k.shape.slice(1).reduce((a, b) => a * b, 1);
  const size = rows * row;
  // a float16 or int64 base is stored as numbers already of the accumulator's value set (float32, int64)
  const [s0, s1] = k.values.strides;
  // one value along the row (an embedding gradient's ones: stride 0) is read once per index, not once per element
  const value = s1 === 0 ? 'y' : 'vals[v]';
  const sum = k.out === 'int64' ? castTo('int64', `out[o] + ${value}`) : `out[o] + ${value}`;
  return `const base = ins[0], vals = ins[1], idx = ins[2];
${k.base.stride === 0 ? `out.fill(base[${k.base.offset}]);` : `${k.base.offset === 0 ? 'if (base !== out) ' : ''}for (let i = 0; i < ${size}; i++) out[i] = base[${k.base.offset} + i];`}
for (let q = 0; q < ${k.count}; q++) {
  let j = idx[${k.indices.offset} + q * ${k.indices.stride}];
  if (j < 0) j += ${rows};
  j = j < 0 ? 0 : j > ${rows - 1} ? ${rows - 1} : j;
  let o = j * ${row}, v = ${k.values.offset} + q * ${s0};
${s1 === 0 ? `  const y = vals[v];
  for (let r = 0; r < ${row}; r++, o++) out[o] = ${sum};` : `  for (let r = 0; r < ${row}; r++, o++, v += ${s1}) out[o] = ${sum};`}
}`;
}
