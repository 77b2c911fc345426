/**
 * NumPy-style printing of arrays: the `str` and `repr` of numpy >= 1.14
 * with default print options (precision 8, linewidth 75, threshold 1000,
 * edgeitems 3, floatmode 'maxprec'). The layout follows numpy's
 * `arrayprint._formatArray` step by step, so that widths, wrapping and
 * summarisation agree character for character. (numpy >= 2.2 also appends
 * `shape=(...)` to the repr of summarised arrays; sym prints the 1.x form.)
 */
import type { DType } from '../core/dtype.js';
import { f16round, isFloat } from '../core/dtype.js';

const PRECISION = 8;
const LINEWIDTH = 75;
const THRESHOLD = 1000;
const EDGEITEMS = 3;

type Formatter = (v: number) => string;

/**
 * Positive `x` rounded to `sig` significant digits on its exact binary
 * value, ties to even (as numpy's Dragon4 does; JS's toExponential and
 * toFixed round ties up): [digits without trailing zeros, exponent].
 */
function roundSig(x: number, sig: number): [string, number] {
  const [mant, expText] = x.toPrecision(100).replace(/^(\d)(\d*)$/, '$1.$2').split(/e/) as [string, string?];
  // toPrecision(100) is positional for moderate exponents: normalise to digits and exponent
  let digits = mant.replace('.', '');
  let exp = expText !== undefined ? Number(expText) : mant.indexOf('.') < 0 ? mant.length - 1 : mant.indexOf('.') - 1;
  const lead = digits.search(/[1-9]/);
  exp -= lead;
  digits = digits.slice(lead);
  if (sig <= 0) return ['0', 0];
  if (digits.length <= sig) return [digits.replace(/0+$/, '') || '0', exp];
  const next = digits[sig]!;
  const rest = digits.slice(sig + 1);
  const kept = digits.slice(0, sig);
  const tie = next === '5' && /^0*$/.test(rest);
  const up = next > '5' || (next === '5' && !tie) || (tie && Number(kept[kept.length - 1]) % 2 === 1);
  if (!up) return [kept.replace(/0+$/, '') || '0', exp];
  const bumped = (BigInt(kept) + 1n).toString();
  if (bumped.length > kept.length) return [bumped.slice(0, sig).replace(/0+$/, '') || '0', exp + 1];
  return [bumped.replace(/0+$/, ''), exp];
}

/** Shortest digits that round-trip positive `x` in its dtype: [digits, exponent of the first digit]. */
function shortest(x: number, dtype: DType): [string, number] {
  if (dtype === 'float32' || dtype === 'float16') {
    const round = dtype === 'float32' ? Math.fround : f16round;
    for (let sig = 1; sig <= 9; sig++) {
      const [d, e] = roundSig(x, sig);
      if (round(Number(`${d[0]}.${d.slice(1)}e${e}`)) === x) return [d, e];
    }
  }
  // JS's shortest round-trip form of a double, ties to even
  const [mant, exp] = x.toExponential().split('e') as [string, string];
  return [mant.replace('.', '').replace(/0+$/, '') || '0', Number(exp)];
}

const isNegative = (v: number): boolean => v < 0 || Object.is(v, -0);

/** numpy's dragon4_positional(x, precision=8, unique=True, trim='.'): sign and integer part, fraction digits. */
function positionalParts(x: number, dtype: DType): [string, string] {
  const sign = isNegative(x) ? '-' : '';
  const ax = Math.abs(x);
  if (ax === 0) return [`${sign}0`, ''];
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
    // more digits than the precision: round the value itself, then trim zeros
    const [d, re] = roundSig(ax, e + 1 + PRECISION);
    if (re >= 0) {
      const padded = d.padEnd(re + 1, '0');
      intPart = padded.slice(0, re + 1);
      frac = padded.slice(re + 1);
    } else {
      intPart = '0';
      frac = d === '0' ? '' : '0'.repeat(-re - 1) + d;
    }
  }
  return [sign + intPart, frac];
}

/** numpy's dragon4_scientific(x, precision=8, unique=True, trim='.'): [sign and first digit, fraction digits, exponent]. */
function scientificParts(x: number, dtype: DType): [string, string, number] {
  const sign = isNegative(x) ? '-' : '';
  const ax = Math.abs(x);
  if (ax === 0) return [`${sign}0`, '', 0];
  const [digits, e] = shortest(ax, dtype);
  if (digits.length - 1 <= PRECISION) return [sign + digits[0]!, digits.slice(1), e];
  const [d, re] = roundSig(ax, PRECISION + 1);
  return [sign + d[0]!, d.slice(1), re];
}

function nonFinite(v: number): string {
  return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
}

/** numpy's FloatingFormat: one width for all elements, chosen from the elements that are printed. */
function floatFormatter(values: readonly number[], dtype: DType, plus = false): Formatter {
  // sign='+' (the imaginary parts of a complex array): non-negative values print a '+'
  const signed = (s: string): string => (plus && !s.startsWith('-') ? `+${s}` : s);
  const finite = values.filter((v) => Number.isFinite(v));
  const abs = finite.map(Math.abs).filter((v) => v !== 0);
  const max = abs.length ? Math.max(...abs) : 0;
  const min = abs.length ? Math.min(...abs) : 0;
  const exp = abs.length > 0 && (max >= 1e8 || min < 1e-4 || max / min > 1e3);
  let padLeft = 0;
  let padRight = 0;
  let fmt: Formatter;
  if (finite.length === 0) {
    fmt = () => '';
  } else if (exp) {
    const parts = finite.map((v) => scientificParts(v, dtype)).map(([i, f, e]): [string, string, number] => [signed(i), f, e]);
    const precision = Math.max(...parts.map((p) => p[1].length));
    const expSize = Math.max(2, ...parts.map((p) => String(Math.abs(p[2])).length));
    padLeft = Math.max(...parts.map((p) => p[0].length));
    padRight = expSize + 2 + precision;
    fmt = (v) => {
      // Dragon4 with min_digits: digits past the shortest ones are the value's own, not zeros
      let [i, f, e] = scientificParts(v, dtype);
      if (f.length < precision && v !== 0) {
        const [d, re] = roundSig(Math.abs(v), precision + 1);
        [i, f, e] = [(isNegative(v) ? '-' : '') + d[0]!, d.slice(1), re];
      }
      i = signed(i);
      return `${i.padStart(padLeft)}.${f.padEnd(precision, '0')}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(expSize, '0')}`;
    };
  } else {
    const parts = finite.map((v) => positionalParts(v, dtype)).map(([i, f]): [string, string] => [signed(i), f]);
    padLeft = Math.max(...parts.map((p) => p[0].length));
    padRight = Math.max(...parts.map((p) => p[1].length));
    fmt = (v) => {
      const [i, f] = positionalParts(v, dtype);
      return `${signed(i).padStart(padLeft)}.${f.padEnd(padRight)}`;
    };
  }
  if (finite.length !== values.length) {
    // room for nan / inf / -inf in the same width
    const negInf = values.some((v) => v === -Infinity || (plus && !Number.isFinite(v))) ? 1 : 0;
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + negInf - (padRight + 1));
  }
  const width = padLeft + padRight + 1;
  return (v) => (Number.isFinite(v) ? fmt(v) : signed(nonFinite(v)).padStart(width));
}

/** The element formatter numpy would build for these printed values (ndim > 0 pads True to the width of False). */
function elementFormatter(values: readonly number[], dtype: DType, ndim: number): Formatter {
  if (dtype === 'bool') return (v) => (v ? (ndim > 0 ? ' True' : 'True') : 'False');
  if (isFloat(dtype)) return floatFormatter(values, dtype);
  const width = Math.max(0, ...values.map((v) => String(v).length));
  return (v) => String(v).padStart(width);
}

/** A scalar as Python's `str` prints it (`9.0`, `3`, `True`, `nan`, `1e-05`). */
export function formatScalar(v: number, dtype: DType): string {
  if (dtype === 'bool') return v ? 'True' : 'False';
  if (!isFloat(dtype)) return String(v);
  if (!Number.isFinite(v)) return nonFinite(v);
  const sign = isNegative(v) ? '-' : '';
  if (v === 0) return `${sign}0.0`;
  const [digits, e] = shortest(Math.abs(v), dtype);
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

/** Flat offsets of the elements that are printed (all, or the edge items of each axis when summarising). */
function printedOffsets(shape: readonly number[], strides: readonly number[], summarize: boolean): number[] {
  const out: number[] = [];
  const rec = (dim: number, offset: number): void => {
    if (dim === shape.length) {
      out.push(offset);
      return;
    }
    const n = shape[dim]!;
    for (let i = 0; i < n; i++) {
      if (summarize && n > 2 * EDGEITEMS && i === EDGEITEMS) i = n - EDGEITEMS;
      rec(dim + 1, offset + i * strides[dim]!);
    }
  };
  rec(0, 0);
  return out;
}

/**
 * numpy's `_formatArray`: nested brackets, elements wrapped to `lineWidth`,
 * continuation lines indented by `prefix` plus one space per open bracket.
 */
function formatNested(
  values: ArrayLike<number>,
  shape: readonly number[],
  dtype: DType,
  lineWidth: number,
  prefix: string,
  separator: string,
  makeFormat: (shown: number[]) => Formatter = (shown) => elementFormatter(shown, dtype, shape.length),
): string {
  const nd = shape.length;
  const strides: number[] = new Array<number>(nd);
  let st = 1;
  for (let i = nd - 1; i >= 0; i--) {
    strides[i] = st;
    st *= shape[i]!;
  }
  const summarize = values.length > THRESHOLD;
  const shown = printedOffsets(shape, strides, summarize).map((o) => values[o]!);
  const format = makeFormat(shown);
  const sepEnd = separator.trimEnd();

  const rec = (dim: number, offset: number, hanging: string, currWidth: number): string => {
    if (dim === nd) return format(values[offset]!);
    const axesLeft = nd - dim;
    const nextHanging = hanging + ' ';
    const nextWidth = currWidth - 1; // room for the closing bracket
    const n = shape[dim]!;
    const summary = summarize && n > 2 * EDGEITEMS;
    const leading = summary ? EDGEITEMS : 0;
    const trailing = summary ? EDGEITEMS : n;
    const child = (i: number): string => rec(dim + 1, offset + i * strides[dim]!, nextHanging, nextWidth);
    let s = '';
    if (axesLeft === 1) {
      const elemWidth = currWidth - Math.max(sepEnd.length, 1);
      let line = hanging;
      const extend = (word: string): void => {
        // wrap unless the line holds nothing but its indentation
        if (line.length + word.length > elemWidth && line.length > hanging.length) {
          s += line.trimEnd() + '\n';
          line = hanging;
        }
        line += word;
      };
      for (let i = 0; i < leading; i++) {
        extend(child(i));
        line += separator;
      }
      if (summary) {
        extend('...');
        line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        extend(child(n - i));
        line += separator;
      }
      extend(child(n - 1));
      s += line;
    } else {
      const lineSep = sepEnd + '\n'.repeat(axesLeft - 1);
      for (let i = 0; i < leading; i++) s += hanging + child(i) + lineSep;
      if (summary) s += hanging + '...' + lineSep;
      for (let i = trailing; i > 1; i--) s += hanging + child(n - i) + lineSep;
      s += hanging + child(n - 1);
    }
    return '[' + s.slice(hanging.length) + ']';
  };
  return rec(0, 0, prefix, lineWidth);
}

/** `str(array)` */
export function formatArray(values: ArrayLike<number>, shape: readonly number[], dtype: DType): string {
  if (shape.length === 0) return formatScalar(values[0]!, dtype);
  if (values.length === 0) return '[]';
  return formatNested(values, shape, dtype, LINEWIDTH, ' ', ' ');
}

/** Dtypes numpy's repr leaves implied (no `dtype=` suffix) when the array is not empty. */
const IMPLIED_DTYPES: readonly DType[] = ['float64', 'int64', 'bool'];

/** `repr(array)` */
export function reprArray(values: ArrayLike<number>, shape: readonly number[], dtype: DType): string {
  const skipDType = IMPLIED_DTYPES.includes(dtype) && values.length > 0;
  const suffix = skipDType ? ')' : ',';
  let body: string;
  if (values.length > 0) body = formatNested(values, shape, dtype, LINEWIDTH - suffix.length, ' '.repeat('array('.length + 1), ', ');
  else if (shape.length === 1) body = '[]';
  else body = `[], shape=(${shape.join(', ')})`;
  const text = `array(${body}${suffix}`;
  if (skipDType) return text;
  const dtypeText = `dtype=${dtype})`;
  const lastLine = text.length - (text.lastIndexOf('\n') + 1);
  const spacer = lastLine + dtypeText.length + 1 > LINEWIDTH ? '\n' + ' '.repeat('array('.length) : ' ';
  return text + spacer + dtypeText;
}

/**
 * numpy's ComplexFloatingFormat: the real parts formatted as one float
 * array, the imaginary parts as another with sign '+', each imaginary
 * string's 'j' placed before its padding (`[1.5 +2.j   3.  -1.25j]`).
 */
function complexFormatter(re: ArrayLike<number>, im: ArrayLike<number>, shown: readonly number[], dtype: DType): Formatter {
  const fr = floatFormatter(shown.map((k) => re[k]!), dtype);
  const fi = floatFormatter(shown.map((k) => im[k]!), dtype, true);
  return (k) => {
    const i = fi(im[k]!);
    const kept = i.trimEnd();
    return `${fr(re[k]!)}${kept}j${i.slice(kept.length)}`;
  };
}

/** A complex part as Python's repr of a complex prints it: the shortest digits, no '.0' (`1`, `-0.5`, `1e+20`, `inf`). */
function complexPartRepr(v: number, dtype: DType): string {
  const s = formatScalar(v, dtype);
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

/** `str` of a complex array given its parts (a 0-d one as Python prints a complex: `(1+2j)`, `2j`). */
export function formatComplexArray(re: ArrayLike<number>, im: ArrayLike<number>, shape: readonly number[], dtype: DType): string {
  if (shape.length === 0) {
    const [r, i] = [re[0]!, im[0]!];
    const imText = complexPartRepr(i, dtype);
    const signedIm = imText.startsWith('-') ? imText : `+${imText}`;
    if (r === 0 && !Object.is(r, -0)) return `${imText}j`;
    return `(${complexPartRepr(r, dtype)}${signedIm}j)`;
  }
  if (re.length === 0) return '[]';
  const offsets = Array.from({ length: re.length }, (_, k) => k);
  return formatNested(offsets, shape, dtype, LINEWIDTH, ' ', ' ', (shown) => complexFormatter(re, im, shown, dtype));
}
