/**
 * Working arrays of the sparse host stages (product-pattern.ts,
 * patterns.ts), reused from call to call: a product's pattern needs a
 * marker and a sum per column and a few arrays as long as its result,
 * which allocated fresh each call were most of the garbage a call left
 * (about 2 MB for a 1000 x 1000 product of 100,000 terms), and collecting
 * it took much of a call's time. The stages run synchronously
 * and call nothing that could run another stage before they finish, so
 * one set shared by all of them is never in use twice at once. Nothing
 * here is ever an output: the outputs are fresh arrays the stage fills.
 * An array is kept only up to KEPT entries; a larger one is allocated
 * for the call and left to the collector, so a single huge product does
 * not hold its memory for the life of the process (kept, the stages'
 * arrays hold at most about 150 MB, and only after products of a million
 * terms or more; a product of 100,000 terms keeps a few MB).
 */

/** The most entries a kept array holds (4 MB of int32, 8 MB of float64). */
const KEPT = 1 << 20;

const int32s = new Map<string, Int32Array>();
const float64s = new Map<string, Float64Array>();

function take<A extends Int32Array | Float64Array>(kept: Map<string, A>, name: string, n: number, make: (n: number) => A): A {
  const have = kept.get(name);
  if (have && have.length >= n) return have;
  if (n > KEPT) return make(n);
  // grown by half again, so that sizes creeping up do not allocate each call
  const a = make(Math.min(KEPT, Math.max(n, Math.ceil((have?.length ?? 0) * 1.5), 64)));
  kept.set(name, a);
  return a;
}

/**
 * An Int32Array of at least n entries, named by its use (two names are
 * two arrays); its contents are whatever the last user left, unless
 * `fillWith` is given, which the first n entries are set to.
 */
export function scratchInt32(name: string, n: number, fillWith?: number): Int32Array {
  const a = take(int32s, name, n, (m) => new Int32Array(m));
  if (fillWith !== undefined) a.fill(fillWith, 0, n);
  return a;
}

/** A Float64Array of at least n entries (see scratchInt32); its contents are left as they were. */
export function scratchFloat64(name: string, n: number): Float64Array {
  return take(float64s, name, n, (m) => new Float64Array(m));
}

let identity = new Int32Array(0);

/** 0, 1, ..., n - 1 (at least n entries): kept filled, its users only read it. */
export function identityInt32(n: number): Int32Array {
  if (identity.length >= n) return identity;
  const a = n > KEPT ? new Int32Array(n) : new Int32Array(Math.min(KEPT, Math.max(n, Math.ceil(identity.length * 1.5), 64)));
  count(a);
  if (n <= KEPT) identity = a;
  return a;
}

function count(a: Int32Array): void {
  for (let k = 0; k < a.length; k++) a[k] = k;
}

/**
 * Values as a Float64Array: themselves when they are one, else copied
 * into scratch (`which` names it), so that the loops reading values see
 * one array type whatever the dtype (float32 and integers are exact in
 * float64; int64 is held in a Float64Array already).
 */
export function float64Values(values: ArrayLike<number>, which: string): Float64Array {
  if (values instanceof Float64Array) return values;
  const a = scratchFloat64(`${which}Values`, values.length);
  copyValues(values, a);
  return a;
}

function copyValues(from: ArrayLike<number>, to: Float64Array): void {
  for (let k = 0; k < from.length; k++) to[k] = from[k]!;
}
