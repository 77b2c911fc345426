"""
SciPy's values of the functions of test/special-scipy.test.ts (erfcx, the
incomplete gamma family, chi2sf, the Bessel functions): the test's
references, written out so that the tests never call Python:

    python3 packages/graph/scripts/scipy-reference.py > packages/graph/test/special-scipy-reference.ts
"""
import numpy as np, scipy.special as s, scipy.stats as st
inf, nan = np.inf, np.nan
def fmt(v):
    v = float(v)
    if np.isnan(v): return 'NaN'
    if np.isinf(v): return 'Infinity' if v > 0 else '-Infinity'
    if v == 0: return '-0' if np.signbit(v) else '0'
    return repr(v)
out = []
def uni(name, src, f, xs):
    rows = ', '.join(f'[{fmt(x)}, {fmt(f(x))}]' for x in xs)
    out.append(f"  {name}: {{ source: '{src}', values: [{rows}] }},")
def bi(name, src, f, pairs):
    rows = ', '.join(f'[{fmt(a)}, {fmt(x)}, {fmt(f(a, x))}]' for a, x in pairs)
    out.append(f"  {name}: {{ source: '{src}', values: [{rows}] }},")
uni('erfcx', 'scipy.special.erfcx', s.erfcx, [-inf, -26.7, -26.5, -10, -3, -1, -0.5, -0.25, -0.0, 0.0, 1e-300, 1e-8, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 26, 100, 1e5, 1e300, inf, nan])
uni('j0', 'scipy.special.j0', s.j0, [-inf, -30.5, -8, -2.5, -1e-8, -0.0, 0.0, 0.5, 2.404825557695773, 2.5, 5.5, 7.99, 8, 8.01, 10, 14.9, 50, 1000, 1e6, inf, nan])
uni('j1', 'scipy.special.j1', s.j1, [-inf, -30.5, -8, -2.5, -1e-8, -0.0, 0.0, 1e-300, 0.5, 3.8317059702075125, 2.5, 7, 7.99, 8, 8.01, 10, 14.9, 50, 1000, 1e6, inf, nan])
uni('i0', 'scipy.special.i0', s.i0, [-inf, -700, -30.5, -8, -2.5, -1e-8, -0.0, 0.0, 0.5, 2.5, 7.99, 8, 8.01, 10, 50, 300, 709, inf, nan])
uni('i1', 'scipy.special.i1', s.i1, [-inf, -700, -30.5, -8, -2.5, -1e-8, -0.0, 0.0, 1e-300, 0.5, 2.5, 7.99, 8, 8.01, 10, 50, 300, 709, inf, nan])
A = [0.001, 0.5, 1, 2.5, 7, 13.5, 30, 49]
X = [0.01, 0.5, 1, 3, 8, 14.5, 31, 48, 100]
edges = [(nan, 1), (1, nan), (-1, 1), (1, -1), (0, 0), (0, 1), (0, inf), (1, 0), (1, inf), (inf, 1), (inf, inf), (2.5, 1e-300), (1e-300, 1), (20, 800)]
pairs = [(a, x) for a in A for x in X] + edges
bi('gammainc', 'scipy.special.gammainc', s.gammainc, pairs)
bi('gammaincc', 'scipy.special.gammaincc', s.gammaincc, pairs)
gp = [(a, x) for a in [0.5, 1, 2.5, 7, 13.5, 30] for x in [0.01, 1, 3, 14.5, 48]] + [(nan, 1), (1, nan), (-1, 1), (1, -1), (1, 0), (1, inf), (2.5, inf)]
bi('gammau', 'scipy.special.gamma(a) * scipy.special.gammaincc(a, x)', lambda a, x: s.gamma(a) * s.gammaincc(a, x), gp)
bi('gammal', 'scipy.special.gamma(a) * scipy.special.gammainc(a, x)', lambda a, x: s.gamma(a) * s.gammainc(a, x), gp)
cp = [(x, k) for x in [0.01, 0.5, 2, 7, 19.5, 60] for k in [1, 2, 3, 5, 10, 40]] + [(nan, 1), (1, nan), (-1, 2), (0, 2), (1, 0), (1, -1), (inf, 3), (1, inf)]
bi('chi2sf', 'scipy.stats.chi2.sf(x, k)', lambda x, k: st.chi2.sf(x, k), cp)
V = [-7.5, -3, -2.5, -1, -0.5, 0, 0.3, 1, 2, 3.5, 6.75, 10]
XJ = [1e-5, 0.5, 2, 6.5, 12.9, 13.1, 20, 40, 200]
je = [(0, 0), (1, 0), (-1, 0), (-0.5, 0), (-1.5, 0), (-2.5, 0), (2, -1), (1, -2), (-3, -2), (0.5, -1), (1, inf), (0, -inf), (inf, 1), (-inf, 1), (nan, 1), (1, nan)]
bi('jv', 'scipy.special.jv', s.jv, [(v, x) for v in V for x in XJ] + je)
XI = [1e-5, 0.5, 2, 6.5, 14.9, 15.1, 29.9, 30.1, 50, 200, 700]
bi('iv', 'scipy.special.iv', s.iv, [(v, x) for v in V for x in XI] + [(0, 0), (1, 0), (-1, 0), (-0.5, 0), (-1.5, 0), (2, -1), (1, -2), (-3, -2), (0.5, -1), (1, inf), (0, -inf), (inf, 1), (-inf, 1), (nan, 1), (1, nan)])
print('// values from python3 (numpy 2.4, scipy 1.17), scripts/scipy-reference.py: [x, f(x)] or [a, x, f(a, x)],')
print('// e.g. python3 -c "import scipy.special as s; print(repr(s.jv(2.5, 6.5)))"')
print('export const SCIPY: Record<string, { readonly source: string; readonly values: readonly (readonly number[])[] }> = {')
print('\n'.join(out))
print('};')
