"""
The tables of jv's transition region, where the order v and the argument x are
close (src/tensor/special-bessel-airy-coefficients.ts is this script's output):

    python3 packages/graph/scripts/airy-coefficients.py > packages/graph/src/tensor/special-bessel-airy-coefficients.ts

Olver's uniform expansion (DLMF 10.20.4-11), z = x / v, u = 1 - z^2:

    J_v(v z) ~ phi (Ai(v^(2/3) zeta) / v^(1/3) sum_k A_k(zeta) / v^2k + Ai'(v^(2/3) zeta) / v^(5/3) sum_k B_k(zeta) / v^2k),
    Y_v(v z) ~ -phi (the same with Bi, Bi'),  phi = (4 zeta / u)^(1/4),

    A_k = u^-k sum_{j=0}^{2k} (3/2)^j v_j R^-j V_{2k-j}(1 / u),  B_k = -(R / zeta^2) u^-k sum_{j=0}^{2k+1} (3/2)^j u_j R^-j V_{2k+1-j}(1 / u),

R = zeta^(3/2) / sqrt(u) = (3/2) w / sqrt(u) (analytic in u: (3/2) (atanh s - s) / s for u = s^2 > 0, (3/2) (atan S - S) / S
for u = -S^2 < 0), w = (2/3) zeta^(3/2); U_k(p) = p^k V_k(p^2) Debye's polynomials (debye-coefficients.py), u_j, v_j
Airy's (DLMF 9.7.2). Each A_k, B_k is fitted in zeta over ZETA (mpmath at 60 digits, where the sums cancel next
to zeta = 0), and zeta / u, analytic where the closed form of zeta cancels, as its Taylor series in u.

Ai, Ai', Bi, Bi' of t = v^(2/3) zeta: their Maclaurin series for t in [-3, 5] (Ai to 2: above it cancels), and
beyond them smooth functions of y = (t0 / |t|)^(3/2), fitted: for t <= -3 the moduli and phases
(Ai(-s) = M cos th, Bi(-s) = M sin th, Ai'(-s) = N cos ph, Bi'(-s) = N sin ph; M s^(1/4), N / s^(1/4), th + xi,
ph + xi, xi = (2/3) s^(3/2)), for t >= 2 Ai e^xi t^(1/4), Ai' e^xi / t^(1/4), for t >= 5 Bi e^-xi t^(1/4),
Bi' e^-xi / t^(1/4). Polynomials in [-1, 1] written as monomials, highest degree first.
"""
import sys
import importlib.util
import io
import contextlib
import os
import mpmath as mp

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('debye', os.path.join(here, 'debye-coefficients.py'))
with contextlib.redirect_stdout(io.StringIO()):
    debye = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(debye)

mp.mp.dps = 60
K = 7                     # A_0..A_K-1 and B_0..B_K-1 at most (rows stop where they fall below TOL at ORDER)
ORDER, TOL = 25, 1e-17
ZETA = (-1.05, 1.3)       # zeta over jv's transition from v = 25 (float64; float32's from 16 lies inside)
NEG = (3, 10.5)           # s = -t
POS_AI = (2, 11)
POS_BI = (5, 11)
SERIES_TERMS = 22
TAYLOR_U = 0.3            # zeta / u by its Taylor series for |u| <= this, terms to TOL
U = debye.polynomials(2 * K + 2)


def V(k, q):
    c = U[k]
    return sum(mp.mpf(c[k + 2 * j].numerator) / c[k + 2 * j].denominator * q ** j for j in range(k + 1) if k + 2 * j < len(c))


def airy_uv(n):
    u, v = [mp.mpf(1)], [mp.mpf(1)]
    for k in range(1, n + 1):
        u.append(u[-1] * (6 * k - 5) * (6 * k - 3) * (6 * k - 1) / ((2 * k - 1) * 216 * k))
        v.append(-(6 * k + 1) * u[-1] / (6 * k - 1))
    return u, v


AU, AV = airy_uv(2 * K + 2)


def u_of_zeta(zeta):
    w = mp.mpf(2) / 3 * abs(zeta) ** 1.5
    # both sides monotonic: bracketed, so that the root stays real
    if zeta > 0:
        s = bisect(lambda s: mp.atanh(s) - s - w, mp.mpf(0), mp.mpf(1))
        return s * s, (3 * w / 2) / s
    S = bisect(lambda S: S - mp.atan(S) - w, mp.mpf(0), mp.mpf(100))
    return -S * S, -(3 * w / 2) / S


def bisect(f, lo, hi):
    # f increasing on [lo, hi], f(lo) < 0 < f(hi): halved to the working precision
    for _ in range(230):
        mid = (lo + hi) / 2
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def A(k):
    def f(zeta):
        u, R = u_of_zeta(zeta)
        return sum((mp.mpf(3) / 2) ** j * AV[j] * R ** -j * V(2 * k - j, 1 / u) for j in range(2 * k + 1)) / u ** k
    return f


def B(k):
    def f(zeta):
        u, R = u_of_zeta(zeta)
        s = sum((mp.mpf(3) / 2) ** j * AU[j] * R ** -j * V(2 * k + 1 - j, 1 / u) for j in range(2 * k + 2)) / u ** k
        return -R / zeta ** 2 * s
    return f


def on(interval, f):
    a, b = interval
    return lambda x: f(a + (x + 1) * (mp.mpf(b) - a) / 2)


def fit(f, n):
    return [float(v) for v in mp.chebyfit(f, [-1, 1], n)]


def neg(name):
    s0, s1 = NEG
    y0 = (mp.mpf(s0) / s1) ** 1.5

    def f(x):
        y = y0 + (x + 1) / 2 * (1 - y0)
        s = s0 / y ** (mp.mpf(2) / 3)
        xi = mp.mpf(2) / 3 * s ** 1.5
        d = 0 if name in ('M', 'th') else 1
        a, b = mp.airyai(-s, d), mp.airybi(-s, d)
        if name in ('M', 'N'):
            return mp.hypot(a, b) * s ** (mp.mpf(1) / 4 if d == 0 else -mp.mpf(1) / 4)
        base = -xi + (mp.pi / 4 if d == 0 else -mp.pi / 4)
        v = mp.atan2(b, a)
        return v + 2 * mp.pi * mp.nint((base - v) / (2 * mp.pi)) + xi
    return f


def pos(interval, fn, d, sign):
    t0, t1 = interval
    y0 = (mp.mpf(t0) / t1) ** 1.5

    def f(x):
        y = y0 + (x + 1) / 2 * (1 - y0)
        t = t0 / y ** (mp.mpf(2) / 3)
        xi = mp.mpf(2) / 3 * t ** 1.5
        return fn(t, d) * mp.exp(sign * xi) * t ** (mp.mpf(1) / 4 if d == 0 else -mp.mpf(1) / 4)
    return f


def maclaurin():
    # Ai = c1 f - c2 g, Bi = sqrt(3) (c1 f + c2 g), f = sum a_k t^3k, g = t sum b_k t^3k (DLMF 9.4.1-2)
    a, b = [mp.mpf(1)], [mp.mpf(1)]
    for k in range(1, SERIES_TERMS):
        a.append(a[-1] / ((3 * k - 1) * (3 * k)))
        b.append(b[-1] / ((3 * k) * (3 * k + 1)))
    return a, b


def taylor_g():
    # zeta / u = h(u)^(2/3): (3/2) (atanh s - s) = s^3 h(u), h = (3/2) sum_k u^k / (2k + 3), u = s^2 (either sign of u)
    n = 60
    h = [mp.mpf(3) / 2 / (2 * k + 3) for k in range(n)]
    alpha = mp.mpf(2) / 3
    p = [h[0] ** alpha]
    for m in range(1, n):
        p.append(sum(((alpha + 1) * k - m) * h[k] * p[m - k] for k in range(1, m + 1)) / (m * h[0]))
    last = next(i for i in range(5, n) if abs(p[i]) * TAYLOR_U ** i < TOL * 0.5)
    return [float(v) for v in p[:last]]


def degree(f, target):
    for n in range(6, 40, 2):
        c, err = mp.chebyfit(f, [-1, 1], n, error=True)
        if err < target:
            return [float(v) for v in c], n, err
    raise SystemExit('no fit')


def emit(name, doc, values):
    print()
    print(f'/** {doc} */')
    print(f'export const {name}: readonly number[] = [')
    for v in values:
        print(f'  {v!r},')
    print('];')


def main():
    print('/**')
    print(" * Olver's uniform expansion of jv in its transition region (the coefficients A_k, B_k")
    print(' * in zeta, zeta / u in u) and Ai, Ai\', Bi, Bi\' (Maclaurin series, moduli and phases,')
    print(' * scaled forms), generated by scripts/airy-coefficients.py. Do not edit by hand.')
    print(' */')
    print()
    print(f'/** Where each table holds: zeta, -t for the moduli, t for the scaled forms, |u| for the Taylor series. */')
    print(f'export const AIRY_RANGES = {{ zeta: [{ZETA[0]}, {ZETA[1]}], negative: [{NEG[0]}, {NEG[1]}], ai: [{POS_AI[0]}, {POS_AI[1]}], bi: [{POS_BI[0]}, {POS_BI[1]}], taylor: {TAYLOR_U} }} as const;')
    rows_a, rows_b = [], []
    for k in range(K):
        fa = on(ZETA, A(k)) if k > 0 else None
        fb = on(ZETA, B(k))
        peak_a = max(abs(fa(mp.mpf(x) / 8)) for x in range(-8, 9)) if fa else 1
        peak_b = max(abs(fb(mp.mpf(x) / 8)) for x in range(-8, 9))
        print(f'// k = {k}: max |A_k| {float(peak_a):.2e}, |B_k| {float(peak_b):.2e}', file=sys.stderr)
        if k > 0 and peak_a / ORDER ** (2 * k) < TOL and peak_b / ORDER ** (2 * k + 1) < TOL:
            break
        if k > 0:
            c, n, err = degree(fa, TOL * ORDER ** (2 * k))
            rows_a.append(c)
            print(f'// A_{k}: degree {n}, {float(err):.1e}', file=sys.stderr)
        c, n, err = degree(fb, TOL * ORDER ** (2 * k + 1) * 0 + TOL * ORDER ** (2 * k))
        rows_b.append(c)
        print(f'// B_{k}: degree {n}, {float(err):.1e}', file=sys.stderr)
    print()
    print('/** A_1, A_2, ... (A_0 = 1) in zeta mapped to [-1, 1]. */')
    print('export const OLVER_A: readonly (readonly number[])[] = [')
    for r in rows_a:
        print('  [' + ', '.join(repr(v) for v in r) + '],')
    print('];')
    print()
    print('/** B_0, B_1, ... in zeta mapped to [-1, 1]. */')
    print('export const OLVER_B: readonly (readonly number[])[] = [')
    for r in rows_b:
        print('  [' + ', '.join(repr(v) for v in r) + '],')
    print('];')
    emit('ZETA_OVER_U', 'zeta / u = sum_k c_k u^k for |u| <= AIRY_RANGES.taylor, lowest power first.', taylor_g())
    a, b = maclaurin()
    emit('AIRY_F', 'f = sum a_k (t^3)^k of Ai = c1 f - c2 g, lowest power first.', [float(v) for v in a])
    emit('AIRY_G', 'g / t = sum b_k (t^3)^k, lowest power first.', [float(v) for v in b])
    for name, f in (('AIRY_M', neg('M')), ('AIRY_N', neg('N')), ('AIRY_TH', neg('th')), ('AIRY_PH', neg('ph')),
                    ('AIRY_AI', pos(POS_AI, mp.airyai, 0, 1)), ('AIRY_AIP', pos(POS_AI, mp.airyai, 1, 1)),
                    ('AIRY_BI', pos(POS_BI, mp.airybi, 0, -1)), ('AIRY_BIP', pos(POS_BI, mp.airybi, 1, -1))):
        c, n, err = degree(f, 2e-17)
        print(f'// {name}: degree {n}, {float(err):.1e}', file=sys.stderr)
        emit(name, f'{name}: degree {n}, fit error {float(err):.0e}.', c)


main()
