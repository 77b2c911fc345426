/**
 * Renders kernels of the kernel IR to JavaScript source. The source holds
 * only numbers from the kernel (shapes, strides, constants): nothing a user
 * named ever reaches it.
 */
import type { DType, Kernel, ScalarExpr, ScalarOpName, ElementwiseKernel, ReduceKernel, MatmulKernel } from '@sym/graph';
import { isFloat, reduceIdentity } from '@sym/graph';

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
  maximum: (a) => `H.max(${a[0]}, ${a[1]})`,
  minimum: (a) => `H.min(${a[0]}, ${a[1]})`,
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
  switch: (a) => `(${a[0]} !== 0 ? ${a[1]} : ${a[2]})`,
  clip: (a) => `H.clip(${a[0]}, ${a[1]}, ${a[2]})`,
};

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return Object.is(v, -0) ? '-0' : `(${String(v)})`;
}

/** Render an expression; `index(strides, offset)` renders a load's offset from the loop variables. */
export function renderExpr(e: ScalarExpr, index: (strides: readonly number[], offset: number) => string): string {
  switch (e.kind) {
    case 'const':
      return num(e.value);
    case 'load':
      return `in${e.input}[${index(e.strides, e.offset)}]`;
    case 'gather':
      return `in${e.input}[${renderExpr(e.index, index)}]`;
    case 'reduced':
      throw new Error('cpu: a reduced value outside an epilogue (the backend runs epilogues as kernels of their own)');
    case 'apply': {
      const args = e.args.map((a, i) => {
        const code = renderExpr(a, index);
        // the condition of a switch is tested as it is; other operands convert to the compute dtype
        if (e.op === 'switch' && i === 0) return code;
        return a.dtype === e.computeDType ? code : castTo(e.computeDType, code);
      });
      const code = OPS[e.op](args, e.dtype, e.computeDType);
      return e.op === 'cast' || e.dtype !== e.computeDType || !isExact(e.op, e.dtype) ? castTo(e.dtype, code) : code;
    }
  }
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

function loops(shape: readonly number[], prefix: string, body: string): string {
  let code = body;
  for (let d = shape.length - 1; d >= 0; d--) {
    code = `for (let ${prefix}${d} = 0; ${prefix}${d} < ${shape[d]}; ${prefix}${d}++) {\n${code}\n}`;
  }
  return code;
}

function inputDecls(n: number): string {
  return Array.from({ length: n }, (_, i) => `const in${i} = ins[${i}];`).join('\n');
}

function renderElementwise(k: ElementwiseKernel): string {
  const vars = k.shape.map((_, d) => `i${d}`);
  const expr = renderExpr(k.expr, (s, o) => offsetExpr(vars, s, o));
  return `${inputDecls(k.inputs.length)}\nlet o = 0;\n${loops(k.shape, 'i', `out[o++] = ${expr};`)}`;
}

function renderReduce(k: ReduceKernel): string {
  const vars = [...k.shape.map((_, d) => `i${d}`), ...k.reduceShape.map((_, d) => `r${d}`)];
  const value = k.expr.dtype === k.acc || k.acc === 'bool' ? renderExpr(k.expr, (s, o) => offsetExpr(vars, s, o)) : castTo(k.acc, renderExpr(k.expr, (s, o) => offsetExpr(vars, s, o)));
  const init = num(reduceIdentity(k.reducer, k.acc));
  const wrap = (c: string) => (!isFloat(k.acc) && (k.reducer === 'sum' || k.reducer === 'prod') ? castTo(k.acc, c) : c);
  let update: string;
  switch (k.reducer) {
    case 'sum':
    case 'mean':
      update = `acc = ${wrap('acc + v')};`;
      break;
    case 'prod':
      update = `acc = ${wrap('acc * v')};`;
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
  const inner = loops(k.reduceShape, 'r', `const v = ${value};\n${update}\nj++;`);
  const body = `let acc = ${init}; let best = 0; let j = 0;\n${inner}\nout[o++] = ${castTo(k.out, result)};`;
  return `${inputDecls(k.inputs.length)}\nlet o = 0;\n${loops(k.shape, 'i', body)}`;
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
  }
}
