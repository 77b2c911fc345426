/**
 * J_v and Y_v of large order next to the turning point x = v, where Debye's
 * expansions (special-bessel-jv.ts) diverge: Olver's uniform expansion in
 * Airy functions (DLMF 10.20.4), z = x / v, u = 1 - z^2,
 *
 *   J_v(v z) = phi (Ai(t) A / v^(1/3) + Ai'(t) B / v^(5/3)),  Y_v(v z) = -phi (Bi(t) A / v^(1/3) + Bi'(t) B / v^(5/3)),
 *
 * t = v^(2/3) zeta, phi = (4 zeta / u)^(1/4), A = 1 + sum_k A_k(zeta) / v^2k, B = sum_k B_k(zeta) / v^2k, the
 * A_k, B_k fitted in zeta and Ai, Ai', Bi, Bi' made of a Maclaurin series, moduli and phases and scaled forms
 * (scripts/airy-coefficients.py, which says where each holds). Fixed terms, no loop: the tables cover the
 * transition of jv's orders from JV_AIRY.order on (zeta and t stay inside them, measured), with the k that
 * v = 25 needs (v^-2k falls faster for larger v).
 */
import * as C from './special-bessel-airy-coefficients.js';
import { horner, type Arith } from './special-math.js';

/** From which |v| the transition region is Olver's expansion (jv below it keeps its series or Hankel's there). */
export const JV_AIRY = { f64: { order: 8, terms: 5 }, f32: { order: 8, terms: 3 } } as const;

/** Ai(0) and -Ai'(0). */
const C1 = 0.3550280538878172;
const C2 = 0.2588194037928068;
const SQRT3 = Math.sqrt(3);

/** x mapped from [lo, hi] onto [-1, 1], where the tables' polynomials (highest degree first) take it; computed once. */
function onInterval<V, B>(m: Arith<V, B>, x: V, lo: number, hi: number): V {
  return m.let(m.sub(m.mul(m.sub(x, m.c(lo)), m.c(2 / (hi - lo))), m.c(1)));
}

/** A table written lowest power first, by Horner's scheme. */
function ascending<V, B>(m: Arith<V, B>, x: V, cs: readonly number[]): V {
  return horner(m, x, [...cs].reverse());
}

/** Ai, Ai', Bi, Bi' at t in [-10.5, 11] (AIRY_RANGES). */
export function airy<V, B>(m: Arith<V, B>, t: V): { ai: V; aip: V; bi: V; bip: V } {
  const R = C.AIRY_RANGES;
  // the Maclaurin series: f = sum a_k t^3k, g = t sum b_k t^3k, and their derivatives
  const t2 = m.let(m.mul(t, t));
  const t3 = m.let(m.mul(t2, t));
  const f = m.let(ascending(m, t3, C.AIRY_F));
  const g = m.let(m.mul(t, ascending(m, t3, C.AIRY_G)));
  const fp = m.let(m.mul(t2, ascending(m, t3, C.AIRY_F.slice(1).map((a, k) => 3 * (k + 1) * a))));
  const gp = m.let(ascending(m, t3, C.AIRY_G.map((b, k) => (3 * k + 1) * b)));
  const sAi = m.sub(m.mul(m.c(C1), f), m.mul(m.c(C2), g));
  const sAip = m.sub(m.mul(m.c(C1), fp), m.mul(m.c(C2), gp));
  const sBi = m.mul(m.c(SQRT3), m.add(m.mul(m.c(C1), f), m.mul(m.c(C2), g)));
  const sBip = m.mul(m.c(SQRT3), m.add(m.mul(m.c(C1), fp), m.mul(m.c(C2), gp)));
  // |t| large: xi = (2/3) |t|^(3/2), y = (t0 / |t|)^(3/2) mapped
  const at = m.let(m.abs(t));
  const root = m.let(m.sqrt(at));
  const quarter = m.let(m.sqrt(root));
  const xi = m.let(m.mul(m.mul(at, root), m.c(2 / 3)));
  const power = m.let(m.mul(at, root));
  const y = (t0: number, t1: number): V => onInterval(m, m.div(m.c(t0 ** 1.5), power), (t0 / t1) ** 1.5, 1);
  const yNeg = y(R.negative[0], R.negative[1]);
  const yAi = y(R.ai[0], R.ai[1]);
  const yBi = y(R.bi[0], R.bi[1]);
  // t <= -3: moduli and phases
  const Mv = m.let(m.div(horner(m, yNeg, C.AIRY_M), quarter));
  const th = m.let(m.sub(horner(m, yNeg, C.AIRY_TH), xi));
  const Nv = m.let(m.mul(horner(m, yNeg, C.AIRY_N), quarter));
  const ph = m.let(m.sub(horner(m, yNeg, C.AIRY_PH), xi));
  // t >= 2 (Ai) and t >= 5 (Bi): the scaled forms, the exponentials in halves (e^xi reaches 2e10 at t = 11)
  const decay = m.let(m.exp(m.neg(xi)));
  const grow = m.let(m.exp(xi));
  const pAi = m.div(m.mul(decay, horner(m, yAi, C.AIRY_AI)), quarter);
  const pAip = m.mul(m.mul(decay, horner(m, yAi, C.AIRY_AIP)), quarter);
  const pBi = m.div(m.mul(grow, horner(m, yBi, C.AIRY_BI)), quarter);
  const pBip = m.mul(m.mul(grow, horner(m, yBi, C.AIRY_BIP)), quarter);
  const neg = m.le(t, m.c(-R.negative[0]));
  const aiPos = m.le(m.c(R.ai[0]), t);
  const biPos = m.le(m.c(R.bi[0]), t);
  return {
    ai: m.sel(neg, m.mul(Mv, m.cos(th)), m.sel(aiPos, pAi, sAi)),
    aip: m.sel(neg, m.mul(Nv, m.cos(ph)), m.sel(aiPos, pAip, sAip)),
    bi: m.sel(neg, m.mul(Mv, m.sin(th)), m.sel(biPos, pBi, sBi)),
    bip: m.sel(neg, m.mul(Nv, m.sin(ph)), m.sel(biPos, pBip, sBip)),
  };
}

/**
 * J_w(a) by Olver's expansion for |w| >= JV_AIRY.order, a > 0 (a negative non-integer w as cos(v pi) J_v -
 * sin(v pi) Y_v, v = |w|, as Debye's, `pi` sin and cos of v pi); `inside` is whether zeta and t lie in the tables.
 */
export function jvAiry<V, B>(m: Arith<V, B>, w: V, a: V, pi: { sin: V; cos: V }): { value: V; inside: B } {
  const R = C.AIRY_RANGES;
  const terms = JV_AIRY[m.f32 ? 'f32' : 'f64'].terms;
  const v = m.let(m.abs(w));
  const z = m.let(m.div(a, v));
  const u = m.let(m.mul(m.sub(m.c(1), z), m.add(m.c(1), z)));
  // zeta / u: its Taylor series next to the turning point, where the closed form cancels
  const series = ascending(m, u, C.ZETA_OVER_U);
  const s = m.let(m.sqrt(m.abs(u)));
  const w32 = m.sel(m.lt(m.c(0), u), m.sub(m.log(m.div(m.add(m.c(1), s), z)), s), m.sub(s, m.atan(s)));
  // zeta = +-(3 w / 2)^(2/3), its sign u's
  const magnitude = m.exp(m.mul(m.log(m.mul(w32, m.c(1.5))), m.c(2 / 3)));
  const closed = m.div(magnitude, m.abs(u));
  const ratio = m.let(m.sel(m.le(m.abs(u), m.c(R.taylor)), series, closed));
  const zeta = m.let(m.mul(u, ratio));
  const phi = m.sqrt(m.sqrt(m.mul(ratio, m.c(4))));
  const third = m.let(m.exp(m.mul(m.log(v), m.c(1 / 3))));
  const t = m.let(m.mul(m.mul(third, third), zeta));
  const { ai, aip, bi, bip } = airy(m, t);
  // A = 1 + r (A_1 + r (A_2 + ...)), B = B_0 + r (B_1 + ...), r = 1 / v^2
  const r = m.let(m.div(m.c(1), m.mul(v, v)));
  const mapped = onInterval(m, zeta, R.zeta[0], R.zeta[1]);
  const at = (cs: readonly number[]): V => horner(m, mapped, cs);
  let A = at(C.OLVER_A[terms - 2]!);
  for (let k = terms - 3; k >= 0; k--) A = m.add(at(C.OLVER_A[k]!), m.mul(r, A));
  const Av = m.let(m.add(m.c(1), m.mul(r, A)));
  let Bs = at(C.OLVER_B[terms - 1]!);
  for (let k = terms - 2; k >= 0; k--) Bs = m.add(at(C.OLVER_B[k]!), m.mul(r, Bs));
  const Bv = m.let(m.div(Bs, m.mul(third, v)));
  // J = phi / v^(1/3) (Ai A + Ai' B / v^(4/3)); Y the same with -Bi, -Bi'
  const scale = m.let(m.div(phi, third));
  const j = m.let(m.mul(scale, m.add(m.mul(ai, Av), m.mul(aip, Bv))));
  const y = m.neg(m.mul(scale, m.add(m.mul(bi, Av), m.mul(bip, Bv))));
  const reflected = m.sub(m.mul(pi.cos, j), m.mul(pi.sin, y));
  const inZeta = m.and(m.le(m.c(R.zeta[0]), zeta), m.le(zeta, m.c(R.zeta[1])));
  const inT = m.and(m.le(m.c(-R.negative[1]), t), m.le(t, m.c(R.ai[1])));
  const order = m.le(m.c(JV_AIRY[m.f32 ? 'f32' : 'f64'].order), v);
  return { value: m.sel(m.lt(w, m.c(0)), reflected, j), inside: m.and(order, m.and(inZeta, inT)) };
}
