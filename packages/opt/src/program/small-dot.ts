/**
 * Products over a short contraction (k <= SMALL_K: the tutorial MLP's layers,
 * outer products in gradients) written out as elementwise sums of products,
 * so that fusion folds them into their neighbours: a bias and sigmoid after
 * them, the next small layer, a reduction of the cost. A matmul kernel is a
 * fusion barrier, and for such products its launch costs more than its math.
 */
import type { ElementwiseKernel, LoadExpr, MatmulKernel, Program, ScalarExpr, Step } from '@sym/graph';

/** The longest contraction written out: 2k loads and 2k ops per element. */
export const SMALL_K = 4;

/**
 * The elementwise kernel computing `m`, or null when it does not qualify.
 * `sameOperand`: both operands are one buffer (`dot(t, t)`); the kernel then
 * reads it through a single input, as the passes after this one expect of an
 * elementwise kernel (each buffer one input: fusion inlines a producer in
 * place of the one input reading its buffer).
 */
export function smallDotKernel(m: MatmulKernel, sameOperand = false): ElementwiseKernel | null {
  if (m.k > SMALL_K || m.k === 0 || m.batch * m.m * m.n === 0) return null;
  // floats only: integer products keep the backends' own wrapping rules
  if (m.out !== 'float32' && m.out !== 'float64') return null;
  // sums in the output's precision, as float32 BLAS does (a float64 accumulator is not there on GPUs;
  // over at most SMALL_K terms the difference is a few ulp)
  const acc = m.out;
  // elementwise kernels write C-contiguous output
  const [sb, sm, sn] = m.outStrides;
  if (sn !== 1 || (m.m > 1 && sm !== m.n) || (m.batch > 1 && sb !== m.m * m.n)) return null;
  const batched = m.batch > 1;
  const shape = batched ? [m.batch, m.m, m.n] : [m.m, m.n];
  const cast = (e: ScalarExpr): ScalarExpr => (e.dtype === acc ? e : { kind: 'apply', op: 'cast', args: [e], computeDType: e.dtype, dtype: acc });
  const apply = (op: 'mul' | 'add', a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ kind: 'apply', op, args: [a, b], computeDType: acc, dtype: acc });
  // the sum starts from +0, as BLAS's and the matmul kernels' do: terms that are all -0 sum to +0 (numpy.dot)
  let sum: ScalarExpr = { kind: 'const', value: 0, dtype: acc };
  for (let k = 0; k < m.k; k++) {
    // a[b, i, k] read over (b, i, j), j broadcast; b[b, k, j] read over (b, i, j), i broadcast
    const aStrides = [m.a.strides[1], 0];
    const bStrides = [0, m.b.strides[2]];
    const a: LoadExpr = { kind: 'load', input: 0, strides: batched ? [m.a.strides[0], ...aStrides] : aStrides, offset: m.a.offset + k * m.a.strides[2], dtype: m.inputs[0] };
    const b: LoadExpr = { kind: 'load', input: sameOperand ? 0 : 1, strides: batched ? [m.b.strides[0], ...bStrides] : bStrides, offset: m.b.offset + k * m.b.strides[1], dtype: m.inputs[1] };
    const term = apply('mul', cast(a), cast(b));
    sum = apply('add', sum, term);
  }
  return { kind: 'elementwise', shape, inputs: sameOperand ? [m.inputs[0]!] : [...m.inputs], out: m.out, expr: sum };
}

/** Replace every qualifying matmul step by its elementwise form. */
export function smallDotsToElementwise(program: Program): Program {
  let changed = false;
  // one elementwise kernel per matmul kernel (and operand sharing), not per step: an unrolled scan's steps share their kernel objects, and so should the passes after this one
  const made = new Map<MatmulKernel, (ElementwiseKernel | null)[]>();
  const steps = program.steps.map((s): Step => {
    if (s.kernel.kind !== 'matmul') return s;
    const sameOperand = s.inputs[0] === s.inputs[1];
    let forms = made.get(s.kernel);
    if (!forms) made.set(s.kernel, (forms = []));
    let kernel = forms[+sameOperand];
    if (kernel === undefined) kernel = forms[+sameOperand] = smallDotKernel(s.kernel, sameOperand);
    if (!kernel) return s;
    changed = true;
    return sameOperand ? { ...s, kernel, inputs: [s.inputs[0]!] } : { ...s, kernel };
  });
  return changed ? { ...program, steps } : program;
}
