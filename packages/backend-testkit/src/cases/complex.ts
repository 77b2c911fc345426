/**
 * sym.complex (in the `composite` group): a complex tensor is carried by
 * its real and imaginary parts and its ops are graphs of real ops
 * (graph's complex/), so a backend runs them with the kernels it has:
 * Smith's division (selects between two quotients), an overflow-safe
 * hypot, atan2, sin/cos, reductions and four real matrix products. The
 * inputs are the parts, as sym.function flattens a complex input; each
 * complex output is read as its two parts. complex64 is carried by
 * float32, complex128 by float64 (a backend without float64 skips those
 * cases, as it skips float64's).
 */
import * as sym from '@sym/graph';
import type { DType, TensorVariable } from '@sym/graph';
import type { OpCase } from '../case.js';
import { randomArray } from '../rng.js';

const T = sym.T;
const C = sym.complex;

function cases(dtype: 'float32' | 'float64'): OpCase {
  const cdtype = dtype === 'float32' ? 'complex64' : 'complex128';
  const z = T.ctensor(cdtype, 2, 'z');
  const w = T.ctensor(cdtype, 2, 'w');
  const v = T.ctensor(cdtype, 1, 'v');
  const r = T.vector('r', dtype);
  // a divisor and logarithm away from 0: w + 4 (the values lie in [-3, 3])
  const away = C.add(w, 4);
  const outs: [string, sym.ComplexVariable | TensorVariable][] = [
    ['z * w', C.mul(z, w)],
    ['z / (w + 4) (Smith)', C.div(z, away)],
    ['z / r (a real row, broadcast)', C.div(z, r)],
    ['|z| (hypot)', C.abs(z)],
    ['angle(z)', T.angle(z)],
    ['exp(z)', C.exp(z)],
    ['log(w + 4)', C.log(away)],
    ['sqrt(z) (principal branch)', C.sqrt(z)],
    ['(w + 4) ** 1.5', C.pow(away, 1.5)],
    ['sum(z, 0)', C.sum(z, 0)],
    ['mean(z)', C.mean(z)],
    ['prod(w + 4, 1) (polar)', C.prod(away, 1)],
    ['dot(z, v) (four real products)', C.dot(z, v)],
    ['dot(z.T, w)', C.dot(z.T, w)],
    ['conj(z)[1:, ::-1]', (T.conj(z) as sym.ComplexVariable).get(T.slice(1, null), T.slice(null, null, -1))],
  ];
  const labels: string[] = [];
  const outputs: TensorVariable[] = [];
  for (const [label, o] of outs) {
    if (o instanceof sym.ComplexVariable) {
      outputs.push(T.real(o), T.imag(o));
      labels.push(`${label}.real`, `${label}.imag`);
    } else {
      outputs.push(o);
      labels.push(label);
    }
  }
  return {
    group: 'composite',
    name: `complex ${cdtype}: z, w (3, 4), v (4), r (4)`,
    op: 'dot',
    dtype,
    graph: {
      inputs: [z.re, z.im, w.re, w.im, v.re, v.im, r],
      outputs,
      labels,
      values: (rng) => [
        ...[0, 1, 2, 3].map(() => randomArray(rng, dtype, [3, 4], 'small')),
        randomArray(rng, dtype, [4], 'small'),
        randomArray(rng, dtype, [4], 'small'),
        randomArray(rng, dtype, [4], 'positive'),
      ],
    },
  };
}

export function complexCases(dtypes: readonly DType[]): OpCase[] {
  return (['float32', 'float64'] as const).filter((d) => dtypes.includes(d)).map(cases);
}
