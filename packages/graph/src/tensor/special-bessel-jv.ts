/**
 * J_v(x) of large order by Debye's expansions (DLMF 10.19.3 and 10.19.6),
 * away from the turning point x = v, where jv's power series has cancelled
 * and Hankel's expansion not yet converged. With z = x / v, q = 1 / (1 - z^2)
 * and U_k(p) = p^k V_k(p^2) (the V_k of special-bessel-debye.ts, iv's),
 * the even and the odd terms are, on both sides of the turning point,
 *
 *   E = sum_j (q / v^2)^j V_2j(q),   O = (sqrt|q| / v) sum_j (q / v^2)^j V_2j+1(q),
 *
 * (for z > 1, q = -cot^2 b: the i^k of U_k(i cot b) are the signs of q^j). Then
 *
 *   z < 1: J = e^(-v eta) (E + O) / sqrt(2 pi v s),  Y = -2 e^(v eta) (E - O) / sqrt(2 pi v s),
 *          s = sqrt(1 - z^2) (tanh a), v eta = v (log((1 + s) / z) - s) (v (a - tanh a));
 *   z > 1: J = 2 (cos k E + sin k O) / sqrt(2 pi v s),  Y = 2 (sin k E - cos k O) / sqrt(2 pi v s),
 *          s = sqrt(z^2 - 1) (tan b), k = v (s - atan s) - pi / 4.
 *
 * A negative non-integer order is cos(v pi) J_v - sin(v pi) Y_v (v = |w|): on
 * the side x < v the Y term, exponentially larger, carries it, and nothing
 * cancels. The expansions are asymptotic in v |1 - z|^(3/2): within a few
 * v^(1/3) of the turning point they diverge (JV_DEBYE.below, .above, measured
 * against SciPy and mpmath; the errors are in docs/guide.md), and there jv is
 * Olver's expansion in Airy functions (special-bessel-airy.ts).
 */
import { DEBYE_F32, DEBYE_F64 } from './special-bessel-debye.js';
import { horner, type Arith } from './special-math.js';

/**
 * From which |v| jv uses Debye's expansion (16 terms, 7 in float32), and how far
 * from the turning point, in units of v^(1/3): below v - below v^(1/3) and above
 * v + above v^(1/3) (the terms left out reach about 1e-13 there, 1e-6 in float32).
 */
export const JV_DEBYE = { f64: { order: 8, below: 6, above: 8 }, f32: { order: 8, below: 4, above: 5 } } as const;

/**
 * J_w(a) (and whether Debye's expansion covers (w, a)) for a > 0: the value is
 * meaningful only where `covered`, and the order has |w| >= JV_DEBYE.order.
 * `pi`: sin and cos of |w| pi (special-math.ts's sinCosPi), for a negative order.
 */
export function jvDebye<V, B>(m: Arith<V, B>, w: V, a: V, pi: { sin: V; cos: V }): { value: V; covered: B } {
  const r = JV_DEBYE[m.f32 ? 'f32' : 'f64'];
  const v = m.let(m.abs(w));
  const z = m.let(m.div(a, v));
  const below = m.lt(z, m.c(1));
  // 1 - z^2 as (1 - z)(1 + z): no rounding of z^2 next to the turning point
  const oneMinus = m.let(m.mul(m.sub(m.c(1), z), m.add(m.c(1), z)));
  const q = m.let(m.div(m.c(1), oneMinus));
  const s = m.let(m.sqrt(m.abs(oneMinus)));
  const rows = m.f32 ? DEBYE_F32 : DEBYE_F64;
  const t2 = m.let(m.div(q, m.mul(v, v)));
  // E and O as iv's Debye sums: the even and the odd rows apart, nested in q / v^2
  const sum = (from: number): V => {
    const last = from + 2 * Math.floor((rows.length - 1 - from) / 2);
    let acc = horner(m, q, rows[last]!);
    for (let k = last - 2; k >= from; k -= 2) acc = m.add(horner(m, q, rows[k]!), m.mul(t2, acc));
    return acc;
  };
  const E = m.let(sum(0));
  const O = m.let(m.mul(m.div(m.div(m.c(1), s), v), sum(1)));
  const amp = m.let(m.div(m.c(1), m.sqrt(m.mul(m.mul(v, s), m.c(2 * Math.PI)))));
  // z < 1: e^(-v eta), the exponential in halves so that Y overflows only with its value
  const vEta = m.mul(v, m.sub(m.log(m.div(m.add(m.c(1), s), z)), s));
  const half = m.let(m.exp(m.mul(m.sel(below, vEta, m.c(0)), m.c(-0.5))));
  const jBelow = m.let(m.mul(m.mul(half, m.mul(amp, m.add(E, O))), half));
  // Y_v without its exponential (times f, sin(v pi) for a negative order: Y_v alone can overflow where sin(v pi) Y_v does not)
  const yBelow = (f: V) => m.div(m.div(m.mul(f, m.mul(m.c(-2), m.mul(amp, m.sub(E, O)))), half), half);
  // z > 1: the phase k = v (s - atan s) - pi / 4 (s = tan b) as a - d, d = v^2 / (a (1 + sqrt(1 - 1 / z^2)))
  // - v atan(1 / s) + (v / 2 + 1 / 4) pi, the last modulo 2 pi: cos a and sin a of the argument itself, so that a
  // large x keeps the phase's digits as Hankel's expansion does (v s rounded is several ulps of x)
  const rho = m.sqrt(m.abs(m.mul(m.sub(m.c(1), m.div(m.c(1), z)), m.add(m.c(1), m.div(m.c(1), z)))));
  const h = m.let(m.add(m.mul(v, m.c(0.5)), m.c(0.25)));
  const phi = m.mul(m.sub(h, m.mul(m.c(2), m.floor(m.mul(h, m.c(0.5))))), m.c(Math.PI));
  const d = m.let(m.add(m.sub(m.div(m.mul(v, v), m.mul(a, m.add(m.c(1), rho))), m.mul(v, m.atan(m.div(m.c(1), s)))), phi));
  const ca = m.let(m.cos(a));
  const sa = m.let(m.sin(a));
  const cd = m.let(m.cos(d));
  const sd = m.let(m.sin(d));
  const ck = m.let(m.add(m.mul(ca, cd), m.mul(sa, sd)));
  const sk = m.let(m.sub(m.mul(sa, cd), m.mul(ca, sd)));
  const jAbove = m.mul(m.mul(m.c(2), amp), m.add(m.mul(ck, E), m.mul(sk, O)));
  const yAbove = m.mul(m.mul(m.c(2), amp), m.sub(m.mul(sk, E), m.mul(ck, O)));
  const j = m.let(m.sel(below, jBelow, jAbove));
  // J_-v = cos(v pi) J_v - sin(v pi) Y_v (pi: sinCosPi of v, which keeps its digits next to an integer, where Y_v carries the value)
  const sinY = m.sel(below, yBelow(pi.sin), m.mul(pi.sin, yAbove));
  const reflected = m.sub(m.mul(pi.cos, j), sinY);
  // the edges of the turning point's neighbourhood, v -+ c v^(1/3)
  const third = m.let(m.exp(m.mul(m.log(v), m.c(1 / 3))));
  const far = m.or(m.le(a, m.sub(v, m.mul(m.c(r.below), third))), m.le(m.add(v, m.mul(m.c(r.above), third)), a));
  const covered = m.and(m.le(m.c(r.order), v), far);
  return { value: m.sel(m.lt(w, m.c(0)), reflected, j), covered };
}
