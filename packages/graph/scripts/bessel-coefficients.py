"""
Fits the polynomial approximations behind the Bessel functions j0, j1, i0
and i1 (src/tensor/special-bessel-coefficients.ts is this script's output):

    python3 packages/graph/scripts/bessel-coefficients.py > packages/graph/src/tensor/special-bessel-coefficients.ts

As scripts/special-coefficients.py: mpmath Chebyshev interpolants (40
digits) of smooth functions of t in [-1, 1], written as monomials in t,
highest degree first, plus the Taylor series of i0 and i1 and the zeros of
j0 and j1 that the kernels factor out (each as a float and its remainder).
"""
import mpmath as mp

mp.mp.dps = 40

J0_ZEROS = [mp.besseljzero(0, k) for k in (1, 2)]
J1_ZEROS = [mp.besseljzero(1, k) for k in (1, 2)]


def fit(f, n):
    return [float(v) for v in mp.chebyfit(f, [-1, 1], n)]


def j_small(n, zeros):
    # J_n(x) / (x^n (x^2 - z1^2)(x^2 - z2^2)) for x in [0, 8], t = x^2 / 32 - 1
    def f(t):
        x2 = (t + 1) * 32
        x = mp.sqrt(x2)
        d = (x2 - zeros[0] ** 2) * (x2 - zeros[1] ** 2)
        if x2 == 0:
            return (mp.mpf(1) if n == 0 else mp.mpf(1) / 2) / d
        return mp.besselj(n, x) / x ** n / d
    return f


def hankel(n, which):
    # J_n(x) = sqrt(2 / (pi x)) (P cos w - Q sin w), w = x - pi / 4 - n pi / 2, for x >= 8:
    # P, and q = Q x / 8, in u = 64 / x^2, t = 2 u - 1
    def f(t):
        u = (t + 1) / 2
        if u == 0:
            return mp.mpf(1) if which == 'P' else (mp.mpf(-1) / 64 if n == 0 else mp.mpf(3) / 64)
        x = 8 / mp.sqrt(u)
        j, y = mp.besselj(n, x), mp.bessely(n, x)
        w = x - mp.pi / 4 - n * mp.pi / 2
        s = mp.sqrt(mp.pi * x / 2)
        if which == 'P':
            return s * (j * mp.cos(w) + y * mp.sin(w))
        return s * (y * mp.cos(w) - j * mp.sin(w)) * x / 8
    return f


def i_big(n):
    # I_n(x) exp(-x) sqrt(x) for x >= 8, in u = 8 / x, t = 2 u - 1
    def f(t):
        u = (t + 1) / 2
        if u == 0:
            return 1 / mp.sqrt(2 * mp.pi)
        x = 8 / u
        return mp.besseli(n, x) * mp.exp(-x) * mp.sqrt(x)
    return f


def i_taylor(n, terms):
    # I_n(x) / (x / 2)^n = sum (x^2 / 4)^k / (k! (k + n)!), highest first
    return [float(1 / (mp.factorial(k) * mp.factorial(k + n))) for k in reversed(range(terms))]


def split(zs):
    out = []
    for z in zs:
        hi = float(z)
        out += [hi, float(z - hi)]
    return out


TABLES = [
    ('J0_ZEROS', 'the first two zeros of j0, each as a float and the remainder', split(J0_ZEROS)),
    ('J1_ZEROS', 'the first two positive zeros of j1, the same way', split(J1_ZEROS)),
    ('J0_SMALL_F64', 'j0(x) / ((x^2 - z1^2)(x^2 - z2^2)) for |x| <= 8; t = x^2 / 32 - 1', fit(j_small(0, J0_ZEROS), 16)),
    ('J0_SMALL_F32', 'the same, float32', fit(j_small(0, J0_ZEROS), 10)),
    ('J1_SMALL_F64', 'j1(x) / (x (x^2 - z1^2)(x^2 - z2^2)) for |x| <= 8; t = x^2 / 32 - 1', fit(j_small(1, J1_ZEROS), 16)),
    ('J1_SMALL_F32', 'the same, float32', fit(j_small(1, J1_ZEROS), 10)),
    ('J0_P_F64', "j0's Hankel P for x >= 8 in u = 64 / x^2; t = 2 u - 1", fit(hankel(0, 'P'), 14)),
    ('J0_P_F32', 'the same, float32', fit(hankel(0, 'P'), 6)),
    ('J0_Q_F64', "j0's Hankel Q x / 8, the same way", fit(hankel(0, 'Q'), 14)),
    ('J0_Q_F32', 'the same, float32', fit(hankel(0, 'Q'), 6)),
    ('J1_P_F64', "j1's Hankel P for x >= 8 in u = 64 / x^2; t = 2 u - 1", fit(hankel(1, 'P'), 14)),
    ('J1_P_F32', 'the same, float32', fit(hankel(1, 'P'), 6)),
    ('J1_Q_F64', "j1's Hankel Q x / 8, the same way", fit(hankel(1, 'Q'), 14)),
    ('J1_Q_F32', 'the same, float32', fit(hankel(1, 'Q'), 6)),
    ('I0_TAYLOR_F64', 'i0(x) in z = x^2 / 4 for |x| <= 8 (Taylor series)', i_taylor(0, 24)),
    ('I0_TAYLOR_F32', 'the same, float32', i_taylor(0, 15)),
    ('I1_TAYLOR_F64', 'i1(x) / (x / 2) in z = x^2 / 4 for |x| <= 8 (Taylor series)', i_taylor(1, 24)),
    ('I1_TAYLOR_F32', 'the same, float32', i_taylor(1, 15)),
    ('I0_BIG_F64', 'i0(x) exp(-x) sqrt(x) for x >= 8 in u = 8 / x; t = 2 u - 1', fit(i_big(0), 25)),
    ('I0_BIG_F32', 'the same, float32', fit(i_big(0), 11)),
    ('I1_BIG_F64', 'i1(x) exp(-x) sqrt(x) for x >= 8, the same way', fit(i_big(1), 25)),
    ('I1_BIG_F32', 'the same, float32', fit(i_big(1), 11)),
]

print('/**')
print(' * Polynomial coefficients of the Bessel functions j0, j1, i0, i1, generated')
print(' * by scripts/bessel-coefficients.py (mpmath Chebyshev interpolants written')
print(' * as monomials in t in [-1, 1], highest degree first; Taylor series). Do')
print(' * not edit by hand.')
print(' */')
for name, what, coeffs in TABLES:
    print()
    print(f'/** {what}. */')
    print(f'export const {name}: readonly number[] = [')
    for c in coeffs:
        print(f'  {c!r},')
    print('];')
