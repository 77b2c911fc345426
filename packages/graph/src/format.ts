/**
 * NumPy-style printing of arrays (the `str` and `repr` of numpy >= 1.14 with
 * default print options: precision 8, linewidth 75, threshold 1000).
 */
import type { DType } from './dtype.js';
import { isFloat } from './dtype.js';

const PRECISION = 8;
const LINEWIDTH = 75;
const THRESHOLD = 1000;
const EDGEITEMS = 3;

/** Shortest digits that round-trip `x` in its dtype: [digits, exponent of first digit]. */
function shortest(x: number, dtype: DType): [string, number] {
  let s = x.toExponential();
  if (dtype === 'float32') {
    for (let p = 0; p < 9; p++) {
      const t = x.toExponential(p);
      if (Math.fround(Number(t)) === x) {
        s = t;
        break;
      }
    }
  }
  const [mant, exp] = s.split('e') as [string, string];
  const digits = mant.replace('-', '').replace('.', '').replace(/0+$/, '') || '0';
  return [digits, Number(exp)];
}

/** Positional form of |x| split into integer and fraction digits (fraction at most `precision`). */
function positional(x: number, dtype: DType): [string, string] {
  const ax = Math.abs(x);
  if (ax === 0) return ['0', ''];
  const [digits, e] = shortest(ax, dtype);
  let intPart: string;
  let frac: string;
  if (e >= 0) {
    const padded = digits.padEnd(e + 1, '0');
    intPart = padded.slice(0, e + 1);
    frac = padded.slice(e + 1);
  } else {
    intPart = '0';
    frac = '0'.repeat(-e - 1) + digits;
  }
  if (frac.length > PRECISION) {
    const fixed = ax.toFixed(PRECISION);
    const [i, f] = fixed.split('.') as [string, string];
    intPart = i;
    frac = f.replace(/0+$/, '');
  }
  return [intPart, frac];
}

function formatFloats(values: number[], dtype: DType): string[] {
  const finite = values.filter((v) => Number.isFinite(v));
  const abs = finite.map(Math.abs).filter((v) => v !== 0);
  const max = abs.length ? Math.max(...abs) : 0;
  const min = abs.length ? Math.min(...abs) : 0;
  const exp = abs.length > 0 && (max >= 1e8 || min < 1e-4 || max / min > 1e3);
  const neg = values.some((v) => v < 0 || Object.is(v, -0));
  if (exp) {
    const parts = values.map((v) => {
      if (!Number.isFinite(v)) return null;
      if (v === 0) return { m: '0', f: '', e: 0 };
      const [digits, e] = shortest(Math.abs(v), dtype);
      let m = digits[0]!;
      let f = digits.slice(1);
      if (f.length > PRECISION) {
        const t = Math.abs(v).toExponential(PRECISION).split('e')[0]!;
        m = t[0]!;
        f = t.slice(2).replace(/0+$/, '');
      }
      return { m, f, e };
    });
    const fracLen = Math.max(0, ...parts.map((p) => (p ? p.f.length : 0)));
    const expLen = Math.max(2, ...parts.map((p) => (p ? String(Math.abs(p.e)).length : 0)));
    const strs = values.map((v, i) => {
      const p = parts[i];
      if (!p) return nonFinite(v);
      const sign = v < 0 || Object.is(v, -0) ? '-' : '';
      return `${sign}${p.m}.${p.f.padEnd(fracLen, '0')}e${p.e < 0 ? '-' : '+'}${String(Math.abs(p.e)).padStart(expLen, '0')}`;
    });
    return padLeft(strs, neg);
  }
  const parts = values.map((v) => (Number.isFinite(v) ? positional(v, dtype) : null));
  const intLen = Math.max(0, ...parts.map((p) => (p ? p[0].length : 0)));
  const fracLen = Math.max(0, ...parts.map((p) => (p ? p[1].length : 0)));
  const strs = values.map((v, i) => {
    const p = parts[i];
    if (!p) return nonFinite(v).padStart(intLen + 1 + fracLen + (neg ? 1 : 0));
    const sign = v < 0 || Object.is(v, -0) ? '-' : '';
    return (sign + p[0]).padStart(intLen + (neg ? 1 : 0)) + '.' + p[1].padEnd(fracLen);
  });
  return padLeft(strs, false);
}

function nonFinite(v: number): string {
  return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
}

function padLeft(strs: string[], _neg: boolean): string[] {
  const w = Math.max(0, ...strs.map((s) => s.length));
  return strs.map((s) => s.padStart(w));
}

/** Format every element of a flat list of values of one dtype, padded to one width. */
export function formatElements(values: number[], dtype: DType): string[] {
  if (dtype === 'bool') return padLeft(values.map((v) => (v ? 'True' : 'False')), false);
  if (isFloat(dtype)) return formatFloats(values, dtype);
  return padLeft(values.map((v) => String(v)), false);
}

/** A scalar as Python's `str` prints it (`9.0`, `3`, `True`, `nan`). */
export function formatScalar(v: number, dtype: DType): string {
  if (dtype === 'bool') return v ? 'True' : 'False';
  if (!isFloat(dtype)) return String(v);
  if (!Number.isFinite(v)) return nonFinite(v);
  const [digits, e] = shortest(Math.abs(v), dtype);
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (e >= 0) {
    const padded = digits.padEnd(e + 1, '0');
    const frac = padded.slice(e + 1);
    return `${sign}${padded.slice(0, e + 1)}.${frac || '0'}`;
  }
  return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
}

interface Layout {
  shape: readonly number[];
  strs: string[];
  summarize: boolean;
}

function render(l: Layout, sep: string, prefixLen: number): string {
  const { shape, strs } = l;
  const nd = shape.length;
  if (nd === 0) return strs[0]!;
  const strides: number[] = new Array(nd);
  let s = 1;
  for (let i = nd - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  const rowSep = sep.trimEnd();
  const rec = (dim: number, offset: number, indent: string): string => {
    const n = shape[dim]!;
    const idx: (number | null)[] = [];
    if (l.summarize && n > 2 * EDGEITEMS) {
      for (let i = 0; i < EDGEITEMS; i++) idx.push(i);
      idx.push(null);
      for (let i = n - EDGEITEMS; i < n; i++) idx.push(i);
    } else for (let i = 0; i < n; i++) idx.push(i);
    if (dim === nd - 1) {
      const items = idx.map((i) => (i === null ? '...' : strs[offset + i]!));
      const lines: string[] = [];
      let line = '[';
      for (let k = 0; k < items.length; k++) {
        const word = items[k]! + (k < items.length - 1 ? rowSep : '');
        const candidate = line + (line === '[' ? '' : ' ') + word;
        if (line !== '[' && candidate.length + 1 > LINEWIDTH - indent.length - prefixLen) {
          lines.push(line);
          line = ' ' + word;
        } else line = candidate;
      }
      lines.push(line + ']');
      return lines.join('\n' + indent);
    }
    const blank = '\n'.repeat(nd - dim - 1);
    const inner = idx.map((i) =>
      i === null ? '...' : rec(dim + 1, offset + i * strides[dim]!, indent + ' '),
    );
    return '[' + inner.join(rowSep + blank + indent + ' ') + ']';
  };
  return rec(0, 0, ' '.repeat(prefixLen));
}

function layout(values: ArrayLike<number>, shape: readonly number[], dtype: DType): Layout {
  const size = values.length;
  const summarize = size > THRESHOLD;
  const flat = Array.from(values);
  // only the printed elements take part in the width computation
  const strs = formatElements(flat, dtype);
  return { shape, strs, summarize };
}

/** `str(array)` */
export function formatArray(values: ArrayLike<number>, shape: readonly number[], dtype: DType): string {
  if (shape.length === 0) return formatScalar(values[0]!, dtype);
  return render(layout(values, shape, dtype), ' ', 0);
}

const DEFAULT_REPR_DTYPES: readonly DType[] = ['float64', 'int64', 'bool'];

/** `repr(array)` */
export function reprArray(values: ArrayLike<number>, shape: readonly number[], dtype: DType): string {
  const suffix = DEFAULT_REPR_DTYPES.includes(dtype) && (values.length > 0 || dtype === 'float64') ? '' : `, dtype=${dtype}`;
  if (shape.length === 0) {
    const s = formatElements([values[0]!], dtype)[0]!.trim();
    return `array(${s}${suffix})`;
  }
  if (values.length === 0) return `array([]${suffix || (dtype === 'float64' ? '' : `, dtype=${dtype}`)})`;
  return `array(${render(layout(values, shape, dtype), ', ', 6)}${suffix})`;
}
