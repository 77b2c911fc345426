/**
 * Operands of different dtypes: NumPy's promotion (int8 with uint8 computes
 * in int16, int32 with float32 in float64, ...) and weak JavaScript number
 * literals (NEP 50: `x_int8 + 1` stays int8 and wraps, `x_f32 * 0.5` stays
 * float32). The kernel converts each operand to the compute dtype; these
 * cases check a backend does that conversion where the reference does.
 */
import * as sym from '@sym/graph';
import type { DType, ScalarOpName, TensorVariable } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray } from '../rng.js';
import { applyScalarOp } from './elemwise.js';

const PAIRS: readonly (readonly [DType, DType])[] = [
  ['int8', 'uint8'],
  ['uint8', 'int16'],
  ['int16', 'uint16'],
  ['uint32', 'int32'],
  ['int32', 'float32'],
  ['int16', 'float32'],
  ['uint8', 'float32'],
  ['bool', 'int8'],
  ['bool', 'float32'],
  ['int64', 'float64'],
  ['float32', 'float64'],
  ['int8', 'uint32'],
  ['int8', 'float16'],
  ['int16', 'float16'],
  ['float16', 'float32'],
];

const OPS: readonly ScalarOpName[] = ['add', 'sub', 'mul', 'truediv', 'maximum', 'lt', 'eq'];

function pairCase(op: ScalarOpName, a: DType, b: DType): OpCase {
  const x = sym.T.tensor(a, [false, false], 'x');
  const y = sym.T.tensor(b, [false], 'y');
  const out = applyScalarOp(op, [x, y]);
  return {
    group: 'promotion',
    name: `${op} ${a} (3, 4) with ${b} (4,) -> ${out.dtype}`,
    op,
    dtype: out.dtype,
    graph: {
      inputs: [x, y],
      outputs: [out],
      values: (rng) => [randomArray(rng, a, [3, 4], 'full'), randomArray(rng, b, [4], op === 'truediv' ? 'positive' : 'full')],
    },
  };
}

interface Literal {
  readonly dtype: DType;
  readonly what: string;
  readonly build: (x: TensorVariable) => TensorVariable;
}

const LITERALS: readonly Literal[] = [
  { dtype: 'int8', what: 'x + 100 (stays int8, wraps)', build: (x) => x.add(100) },
  { dtype: 'uint8', what: 'x * 3 (stays uint8, wraps)', build: (x) => x.mul(3) },
  { dtype: 'int16', what: 'x - 30000 (stays int16, wraps)', build: (x) => x.sub(30000) },
  { dtype: 'int32', what: 'x * 1.5 (float literal: float64)', build: (x) => x.mul(1.5) },
  { dtype: 'int8', what: 'x / 2 (true division: float32)', build: (x) => x.div(2) },
  { dtype: 'float32', what: 'x * 0.1 (stays float32)', build: (x) => x.mul(0.1) },
  { dtype: 'float32', what: 'x + 1e-8 (stays float32)', build: (x) => x.add(1e-8) },
  { dtype: 'float16', what: 'x * 0.1 (stays float16)', build: (x) => x.mul(0.1) },
  { dtype: 'float16', what: 'x + 70000 (stays float16: inf)', build: (x) => x.add(70000) },
  { dtype: 'float64', what: '2 ** x', build: (x) => sym.T.pow(2, x) },
  { dtype: 'uint32', what: 'x + 4294967295 (stays uint32, wraps)', build: (x) => x.add(4294967295) },
  { dtype: 'bool', what: 'x + 1 (int8)', build: (x) => x.add(1) },
];

function literalCase(l: Literal): OpCase {
  const x = sym.T.tensor(l.dtype, [false], 'x');
  const out = l.build(x);
  return {
    group: 'promotion',
    name: `${l.dtype} ${l.what} -> ${out.dtype}`,
    op: out.owner?.op instanceof sym.Elemwise ? out.owner.op.scalarOp : 'identity',
    dtype: out.dtype,
    graph: { inputs: [x], outputs: [out], values: (rng) => [randomArray(rng, l.dtype, [9], 'full')] },
  };
}

export function promotionCases(): OpCase[] {
  return [...PAIRS.flatMap(([a, b]) => OPS.map((op) => pairCase(op, a, b))), ...LITERALS.map(literalCase)];
}
