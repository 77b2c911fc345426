/**
 * The representative subset of the conformance suite the browser runs. The
 * whole suite (about 2000 cases for gpu.js's dtypes) runs in Node in each
 * backend's own tests; in the browser, on SwiftShader, every case compiles
 * real shaders (100-200 ms each), so the page runs, in float32: one case per
 * scalar op (a strided one where there is one), one per reducer, a few dot
 * products, every softmax, shape, promotion and composite case; and the
 * casts between the small dtypes the backend holds.
 *
 * Left out: the special-value group (NaN, infinities, subnormals). GLSL ES
 * and WGSL leave NaN propagation and subnormals to the implementation, and
 * SwiftShader, the only adapter in a GPU-less Chromium, neither propagates
 * NaN through texture reads nor keeps subnormals; the Node suites check
 * those cases on llvmpipe and lavapipe, which do.
 */
import type { DType } from '@sym/graph';
import { conformanceCases, defaultTolerance, type OpCase, type Tolerance } from '@sym/backend-testkit';

/** Small dtypes whose casts the subset covers (every value of theirs is exact in float32 storage). */
const CAST_DTYPES: readonly DType[] = ['float32', 'bool', 'int8', 'uint8', 'int16', 'uint16'];
const DOT_CASES = 6;

/**
 * WGSL's accuracy bound for `sin` and `cos` on [-π, π] is an absolute error
 * of 2^-11 (`tan` inherits it); GLSL ES sets none. SwiftShader's are within
 * it but about 1e-4 off, beyond the suite's default float32 tolerance.
 */
const TRIG_ATOL = 2 ** -11;
const TRIG = new Set(['sin', 'cos', 'tan']);

/** The suite's default tolerance, widened to the WGSL bound for trigonometric functions. */
export function browserTolerance(op: string, dtype: DType): Tolerance {
  const t = defaultTolerance(op, dtype);
  return dtype === 'float32' && TRIG.has(op) ? { rtol: t.rtol, atol: Math.max(t.atol, TRIG_ATOL) } : t;
}

export interface Subset {
  readonly cases: OpCase[];
  /** Cases of the suite, for the dtypes considered, that the subset leaves out. */
  readonly leftOut: number;
}

/** One case per op among `cases`: the first whose name shows a transposed operand, else the first. */
function onePerOp(cases: readonly OpCase[]): OpCase[] {
  const byOp = new Map<string, OpCase[]>();
  for (const c of cases) {
    const list = byOp.get(c.op);
    if (list) list.push(c);
    else byOp.set(c.op, [c]);
  }
  return [...byOp.values()].map((list) => list.find((c) => c.name.includes('.T')) ?? list[0]!);
}

/** The subset for a backend holding `held`. Throws when the backend has no float32. */
export function representativeCases(held: readonly DType[]): Subset {
  if (!held.includes('float32')) throw new Error(`conformance subset: the backend must hold float32; it holds ${held.join(', ')}`);
  const f32 = conformanceCases(['float32']).cases;
  const group = (g: string) => f32.filter((c) => c.group === g);
  const castDTypes = CAST_DTYPES.filter((d) => held.includes(d));
  const cases = [
    ...onePerOp(group('elemwise')),
    ...onePerOp(group('reduce')),
    ...group('dot').slice(0, DOT_CASES),
    ...group('softmax'),
    ...group('shape'),
    ...group('promotion'),
    ...group('composite'),
    ...conformanceCases(castDTypes, ['cast']).cases,
  ];
  const names = new Set(cases.map((c) => c.name));
  const all = conformanceCases(castDTypes).cases;
  return { cases, leftOut: all.filter((c) => !names.has(c.name)).length };
}
