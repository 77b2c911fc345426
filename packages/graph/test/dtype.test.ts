/** Dtypes: NumPy's promotion table, safe casts, C-style wrapping, and NEP 50 weak literals. */
import { describe, expect, it } from 'vitest';
import { T, ev, reference, sym } from './helpers.js';

const D = ['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'float16', 'float32', 'float64'] as const;

// numpy.result_type(a, b) for every pair, rows a, columns b in the order of D
const RESULT_TYPE: Record<(typeof D)[number], readonly string[]> = {
  bool: ['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'float16', 'float32', 'float64'],
  int8: ['int8', 'int8', 'int16', 'int32', 'int64', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64'],
  int16: ['int16', 'int16', 'int16', 'int32', 'int64', 'int16', 'int32', 'int64', 'float32', 'float32', 'float64'],
  int32: ['int32', 'int32', 'int32', 'int32', 'int64', 'int32', 'int32', 'int64', 'float64', 'float64', 'float64'],
  int64: ['int64', 'int64', 'int64', 'int64', 'int64', 'int64', 'int64', 'int64', 'float64', 'float64', 'float64'],
  uint8: ['uint8', 'int16', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'float16', 'float32', 'float64'],
  uint16: ['uint16', 'int32', 'int32', 'int32', 'int64', 'uint16', 'uint16', 'uint32', 'float32', 'float32', 'float64'],
  uint32: ['uint32', 'int64', 'int64', 'int64', 'int64', 'uint32', 'uint32', 'uint32', 'float64', 'float64', 'float64'],
  float16: ['float16', 'float16', 'float32', 'float64', 'float64', 'float16', 'float32', 'float64', 'float16', 'float32', 'float64'],
  float32: ['float32', 'float32', 'float32', 'float64', 'float64', 'float32', 'float32', 'float64', 'float32', 'float32', 'float64'],
  float64: ['float64', 'float64', 'float64', 'float64', 'float64', 'float64', 'float64', 'float64', 'float64', 'float64', 'float64'],
};

// numpy.can_cast(a, b, 'safe'), as a row of 0/1 over D
const CAN_CAST: Record<(typeof D)[number], string> = {
  bool: '11111111111',
  int8: '01111000111',
  int16: '00111000011',
  int32: '00011000001',
  int64: '00001000001',
  uint8: '00111111111',
  uint16: '00011011011',
  uint32: '00001001001',
  float16: '00000000111',
  float32: '00000000011',
  float64: '00000000001',
};

describe('promote', () => {
  for (const a of D) {
    it(`follows numpy.result_type for ${a} with every dtype`, () => {
      expect(D.map((b) => sym.promote(a, b))).toEqual(RESULT_TYPE[a]);
    });
  }
  it('gives the rules of the brief', () => {
    expect(sym.promote('int32', 'float32')).toBe('float64');
    expect(sym.promote('int8', 'uint8')).toBe('int16');
    expect(sym.promote('bool', 'int32')).toBe('int32');
    expect(sym.promoteAll(['int8', 'uint8', 'float32'])).toBe('float32');
    expect(() => sym.promoteAll([])).toThrow(/no dtypes/);
  });
});

// numpy.result_type(a, b, c) of every triple: rows a; b, then c, in the order of D; NumPy's character codes
const TRIPLE_CODES = '?bhilBHIefd';
const RESULT_TYPE3: Record<(typeof D)[number], string> = {
  bool: '?bhilBHIefdbbhilhilefdhhhilhilffdiiiiliildddlllllllldddBhhilBHIefdHiiilHHIffdIllllIIIdddeefddefdefdfffddffdffdddddddddddd',
  int8: 'bbhilhilefdbbhilhilefdhhhilhilffdiiiiliildddlllllllldddhhhilhilefdiiiiliilffdlllllllldddeefddefdefdfffddffdffdddddddddddd',
  int16: 'hhhilhilffdhhhilhilffdhhhilhilffdiiiiliildddlllllllldddhhhilhilffdiiiiliilffdlllllllldddfffddffdffdfffddffdffdddddddddddd',
  int32: 'iiiiliildddiiiiliildddiiiiliildddiiiiliildddlllllllldddiiiiliildddiiiiliildddlllllllldddddddddddddddddddddddddddddddddddd',
  int64: 'lllllllldddlllllllldddlllllllldddlllllllldddlllllllldddlllllllldddlllllllldddlllllllldddddddddddddddddddddddddddddddddddd',
  uint8: 'BhhilBHIefdhhhilhilefdhhhilhilffdiiiiliildddlllllllldddBhhilBHIefdHiiilHHIffdIllllIIIdddeefddefdefdfffddffdffdddddddddddd',
  uint16: 'HiiilHHIffdiiiiliilffdiiiiliilffdiiiiliildddlllllllldddHiiilHHIffdHiiilHHIffdIllllIIIdddfffddffdffdfffddffdffdddddddddddd',
  uint32: 'IllllIIIdddlllllllldddlllllllldddlllllllldddlllllllldddIllllIIIdddIllllIIIdddIllllIIIdddddddddddddddddddddddddddddddddddd',
  float16: 'eefddefdefdeefddefdefdfffddffdffdddddddddddddddddddddddeefddefdefdfffddffdffddddddddddddeefddefdefdfffddffdffdddddddddddd',
  float32: 'fffddffdffdfffddffdffdfffddffdffdddddddddddddddddddddddfffddffdffdfffddffdffddddddddddddfffddffdffdfffddffdffdddddddddddd',
  float64: 'ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd',
};

describe('promoteAll (several operands at once)', () => {
  for (const a of D) {
    it(`follows numpy.result_type(${a}, b, c) for every b and c`, () => {
      const got = D.flatMap((b) => D.map((c) => TRIPLE_CODES[D.indexOf(sym.promoteAll([a, b, c]) as (typeof D)[number])])).join('');
      expect(got).toBe(RESULT_TYPE3[a]);
    });
  }
  it('does not depend on the order of the operands, where promoting pairwise does', () => {
    // int8 and uint16 promote to int32, which float32 widens to float64: NumPy promotes each with float32 instead
    for (const order of [['int8', 'uint16', 'float32'], ['float32', 'uint16', 'int8'], ['uint16', 'float32', 'int8']] as const) {
      expect(sym.promoteAll(order)).toBe('float32');
    }
    expect(sym.promote(sym.promote('int8', 'uint16'), 'float32')).toBe('float64');
    expect(sym.promoteAll(['int8', 'uint8', 'float16'])).toBe('float16');
    expect(sym.promoteAll(['int8', 'uint8', 'int16', 'uint16', 'float16'])).toBe('float32');
  });
  it('types the n-ary ops as NumPy: clip, concatenate, stack, and the weak literals beside them', async () => {
    const x = T.tensor('int8', [false], 'x');
    const lo = T.tensor('uint16', [false], 'lo');
    const hi = T.fvector('hi');
    // np.clip(int8, uint16, float32) and np.concatenate / np.stack of the three are float32
    expect(T.clip(x, lo, hi).dtype).toBe('float32');
    expect(T.concatenate([x, lo, hi]).dtype).toBe('float32');
    expect(T.stack([x, lo, hi]).dtype).toBe('float32');
    expect(T.clip(x, T.tensor('uint8', [false]), T.tensor('float16', [false])).dtype).toBe('float16');
    expect(T.clip(x, lo, 2.5).dtype).toBe('float64'); // a float literal beside integers only: float64 (NEP 50)
    const f = sym.function([x, lo, hi], [T.clip(x, lo, hi), T.concatenate([x, lo, hi])]);
    const [c, j] = (await f(new Int8Array([-5, 100]), new Uint16Array([0, 3]), new Float32Array([2.5, 7.25]))) as sym.NDArray[];
    expect(c!.dtype).toBe('float32');
    expect(Array.from(c!.data)).toEqual([0, 7.25]);
    expect(j!.dtype).toBe('float32');
    expect(Array.from(j!.data)).toEqual([-5, 100, 0, 3, 2.5, 7.25]);
  });
});

describe('canCastSafely', () => {
  for (const a of D) {
    it(`follows numpy.can_cast(..., 'safe') from ${a}`, () => {
      expect(D.map((b) => (sym.canCastSafely(a, b) ? '1' : '0')).join('')).toBe(CAN_CAST[a]);
    });
  }
});

describe('castScalar', () => {
  it('wraps integers like C (numpy astype)', () => {
    expect(sym.castScalar(300, 'int8')).toBe(44);
    expect(sym.castScalar(-129, 'int8')).toBe(127);
    expect(sym.castScalar(128, 'int8')).toBe(-128);
    expect(sym.castScalar(70000, 'int16')).toBe(4464);
    expect(sym.castScalar(2 ** 31, 'int32')).toBe(-(2 ** 31));
    expect(sym.castScalar(-1, 'uint8')).toBe(255);
    expect(sym.castScalar(256, 'uint8')).toBe(0);
    expect(sym.castScalar(-1, 'uint32')).toBe(4294967295);
    expect(sym.castScalar(2 ** 32 + 5, 'uint32')).toBe(5);
  });
  it('truncates floats toward zero when storing into integers', () => {
    expect(sym.castScalar(-1.7, 'int32')).toBe(-1);
    expect(sym.castScalar(2.9, 'int8')).toBe(2);
    expect(sym.castScalar(-2.9, 'int64')).toBe(-2);
  });
  it('rounds to float32 and maps to 0/1 for bool', () => {
    expect(sym.castScalar(0.1, 'float32')).toBe(0.10000000149011612);
    expect(sym.castScalar(0.1, 'float64')).toBe(0.1);
    expect(sym.castScalar(-3, 'bool')).toBe(1);
    expect(sym.castScalar(0, 'bool')).toBe(0);
    expect(sym.castScalar(NaN, 'bool')).toBe(1); // NumPy: bool(nan) is True
  });
  it('gives an int64 zero no sign, as NumPy integers have none (int64 lives in a Float64Array)', () => {
    expect(Object.is(sym.castScalar(-0, 'int64'), 0)).toBe(true);
    expect(Object.is(sym.castScalar(-0.5, 'int64'), 0)).toBe(true);
    // -l, l * -3, prod and cumprod of an int64 0 made -0, and the float they convert to kept it:
    // 1 / -l was -inf for l = 0 on the CPU and in the reference (NumPy: 1 / -np.int64(0) is inf); found by
    // fuzzing gpu.js, whose integers are +0, against the reference
    const l = T.constant(sym.array([0, 2], { dtype: 'int64' }));
    const minus3 = T.constant(sym.array([-3], { dtype: 'int64' }));
    const ys = [T.trueDiv(1, T.neg(l)), T.trueDiv(1, T.mul(l, -3)), T.arctan2(0, T.neg(l)), T.trueDiv(1, T.cumprod(T.concatenate([l, minus3]))), T.trueDiv(1, T.prod(T.concatenate([l, minus3])))];
    // numpy: 1 / -np.int64([0, 2]); 1 / (np.int64([0, 2]) * -3); np.arctan2(0, -np.int64([0, 2])); 1 / np.cumprod([0, 2, -3]); 1 / np.prod(...)
    const want = [[Infinity, -0.5], [Infinity, -1 / 6], [0, Math.PI], [Infinity, Infinity, Infinity], [Infinity]];
    expect(ys.map((y) => Array.from(reference(y).data))).toEqual(want);
    expect(ys.map((y) => Array.from(ev(y).data))).toEqual(want);
  });
  it("wraps int64 beyond its range modulo 2^64, as NumPy's int64 arithmetic", () => {
    // numpy: np.int64(2**62) * 4, 5 * 10**18 + 5 * 10**18, 3 * 2**63 and -(2**64) as int64 arithmetic wraps them
    expect(sym.castScalar(2 ** 64, 'int64')).toBe(0);
    expect(sym.castScalar(2 ** 64 + 4096, 'int64')).toBe(4096);
    expect(sym.castScalar(1e19, 'int64')).toBe(-8446744073709551616);
    expect(sym.castScalar(3 * 2 ** 63, 'int64')).toBe(-(2 ** 63));
    expect(Object.is(sym.castScalar(-(2 ** 64), 'int64'), 0)).toBe(true);
    expect(sym.castScalar(1e300, 'int64')).toBe(0);
    // the ends: 2^63 is the double nearest INT64_MAX, kept; -2^63 is INT64_MIN
    expect(sym.castScalar(2 ** 63, 'int64')).toBe(2 ** 63);
    expect(sym.castScalar(-(2 ** 63), 'int64')).toBe(-(2 ** 63));
    const a = T.constant(sym.array([2 ** 62, 5e18, -(2 ** 62), 3], { dtype: 'int64' }));
    const b = T.constant(sym.array([4, 2, 6, -7], { dtype: 'int64' }));
    // numpy: a * b with a, b int64: [0, -8446744073709551616, -9223372036854775808, -21]
    const want = [0, -8446744073709551616, -(2 ** 63), -21];
    expect(Array.from(reference(T.mul(a, b)).data)).toEqual(want);
    expect(Array.from(ev(T.mul(a, b)).data)).toEqual(want);
  });
  it('keeps int64 exact up to 2^53 (stored in a Float64Array)', () => {
    expect(sym.STORAGE.int64).toBe(Float64Array);
    expect(sym.castScalar(2 ** 53, 'int64')).toBe(2 ** 53);
    expect(sym.castScalar(-(2 ** 53) + 1, 'int64')).toBe(-(2 ** 53) + 1);
    expect(sym.intRange('int64')).toEqual([-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]);
  });
});

describe('weak JS literals (NEP 50)', () => {
  it('keep the dtype of the array they meet within a kind', () => {
    expect(T.fscalar('x').mul(0.5).dtype).toBe('float32');
    expect(T.fvector('x').add(2).dtype).toBe('float32');
    expect(T.iscalar('x').add(1).dtype).toBe('int32');
    expect(T.bvector('x').sub(3).dtype).toBe('int8');
    expect(T.tensor('uint8', [false]).add(200).dtype).toBe('uint8');
  });
  it('widen across kinds to the default dtype of the literal', () => {
    expect(T.iscalar('x').mul(0.5).dtype).toBe('float64');
    expect(T.bscalar('x').add(1.5).dtype).toBe('float64');
    expect(T.tensor('bool', [false]).add(1).dtype).toBe('int64');
  });
  it('are int64 or floatX on their own, like numpy defaults', () => {
    expect(T.add(1, 2).dtype).toBe('int64');
    expect(T.add(1, 0.5).dtype).toBe('float64');
    expect(T.constant(2).dtype).toBe('int64');
    expect((T.constant(2) as sym.TensorConstant).weak).toBe(true);
    expect((T.constant(2, { dtype: 'int8' }) as sym.TensorConstant).weak).toBe(false);
  });
  it('of two kinds, on their own, take the wider kind at its literal dtype: 1 - 0.3 is floatX (Theano: int8 - float32 under floatX=float32)', () => {
    const before = sym.config.floatX;
    try {
      sym.config.floatX = 'float32';
      expect(T.sub(1, 0.3).dtype).toBe('float32');
      expect(T.add(0.5, 2).dtype).toBe('float32');
      expect(T.mul(true, 1.5).dtype).toBe('float32');
      expect(T.add(true, 2).dtype).toBe('int64');
      expect(T.add(1, 2).dtype).toBe('int64');
      // ... where each integer is exact: 2 ** 24 + 1 is not a float32
      expect(T.sub(2 ** 24, 0.5).dtype).toBe('float32');
      expect(T.sub(2 ** 24 + 1, 0.5).dtype).toBe('float64');
      expect(T.lt(16777216.5, 2 ** 24 + 1).evalSync().item()).toBe(1); // both are 2 ** 24 in float32
      // a typed constant is strong: it still promotes as NumPy does
      expect(T.sub(T.constant(1, { dtype: 'int64' }), 0.3).dtype).toBe('float64');
      sym.config.floatX = 'float64';
      expect(T.sub(1, 0.3).dtype).toBe('float64');
    } finally {
      sym.config.floatX = before;
    }
  });
  it('become strong when cast: T.cast(0.5, dtype) is a constant of that dtype, as NumPy\'s np.float32(0.5) and Theano\'s cast', () => {
    const before = sym.config.floatX;
    try {
      for (const floatX of ['float64', 'float32'] as const) {
        sym.config.floatX = floatX;
        const half = T.cast(0.5, 'float32');
        expect(half).toBeInstanceOf(sym.TensorConstant);
        expect((half as sym.TensorConstant).weak).toBe(false);
        // np.float32(0.5) * int16 array is float32; np.float64(0.5) * float32 array is float64
        expect(half.mul(T.tensor('int16', [false])).dtype).toBe('float32');
        expect(T.cast(0.5, 'float64').mul(T.fvector()).dtype).toBe('float64');
        // np.int8(3) + int8 is int8, + int32 is int32, + float32 is float32; np.int64(3) + int8 is int64
        expect(T.cast(3, 'int8').add(T.bvector()).dtype).toBe('int8');
        expect(T.cast(3, 'int8').add(T.ivector()).dtype).toBe('int32');
        expect(T.cast(3, 'int8').add(T.fvector()).dtype).toBe('float32');
        expect(T.cast(3, 'int64').add(T.bvector()).dtype).toBe('int64');
        expect(T.cast(true, 'int8').add(T.fvector()).dtype).toBe('float32');
        expect(T.cast(true, 'float64').mul(T.fvector()).dtype).toBe('float64');
        expect(T.cast(true, 'bool').add(T.bvector()).dtype).toBe('int8');
      }
      // the value is the literal's, not floatX's rounding of it (np.float64(0.1) is 0.1)
      sym.config.floatX = 'float32';
      expect(T.cast(0.1, 'float64').evalSync().item()).toBe(0.1);
      sym.config.floatX = 'float16';
      expect(T.cast(0.1, 'float32').evalSync().item()).toBe(Math.fround(0.1));
      // the cast wraps and truncates as a cast of an array does
      expect(T.cast(300, 'int8').evalSync().item()).toBe(44);
      expect(T.cast(-2.7, 'int16').evalSync().item()).toBe(-2);
      expect(T.cast(0.5, 'bool').evalSync().item()).toBe(1);
    } finally {
      sym.config.floatX = before;
    }
  });
  it('do not count as strong when a typed constant is given', () => {
    expect(T.iscalar('x').add(T.constant(1, { dtype: 'int64' })).dtype).toBe('int64');
    expect(T.fscalar('x').mul(T.constant(0.5, { dtype: 'float64' })).dtype).toBe('float64');
  });
  it('refuse an integer literal that does not fit the dtype, naming it (numpy raises OverflowError)', () => {
    expect(() => T.bscalar('x').add(1000)).toThrow(/literal 1000 does not fit in int8 \(range \[-128, 127\]\) of x/);
    expect(() => T.tensor('uint8', [false], 'u').add(-1)).toThrow(/literal -1 does not fit in uint8/);
  });
  it('past int64\'s range are floats (JavaScript cannot tell 1e20 from an integer)', () => {
    expect(T.constant(1e20).dtype).toBe('float64');
    expect(T.constant(2 ** 53 - 1).dtype).toBe('int64');
    expect(T.iscalar('x').add(1e20).dtype).toBe('float64');
  });
  it('compare exactly when the literal does not fit', async () => {
    const x = T.bvector('x');
    const f = sym.function([x], x.lt(1000));
    expect((await f([-5, 100])).toString()).toBe('[ True  True]');
    const g = sym.function([x], x.eq(300));
    expect(g.sync([44]).toString()).toBe('[False]');
  });
  it('keep their own value beside a float wider than floatX, where they were stored', () => {
    const before = sym.config.floatX;
    try {
      sym.config.floatX = 'float32';
      const x = T.dvector('x');
      expect(sym.function([x], x.add(1e-8)).sync([0]).item()).toBe(1e-8);
      expect(sym.function([x], x.mul(0.1)).sync([1]).item()).toBe(0.1);
      // beside integers a float literal computes in float64 (NEP 50)
      const i = T.lvector('i');
      expect(i.mul(0.1).dtype).toBe('float64');
      expect(sym.function([i], i.mul(0.1)).sync([1]).item()).toBe(0.1);
      sym.config.floatX = 'float16';
      const f = T.fvector('f');
      expect(sym.function([f], f.mul(0.1)).sync(new Float32Array([1])).item()).toBe(Math.fround(0.1));
      expect(sym.function([f], f.add(1e-8)).sync(new Float32Array([0])).item()).toBe(Math.fround(1e-8));
      // narrower than the literal's dtype: it rounds where it computes, as before
      const h = T.tensor('float16', [false], 'h');
      expect(h.mul(0.1).dtype).toBe('float16');
    } finally {
      sym.config.floatX = before;
    }
  });
});

describe('array() infers dtypes like numpy.array', () => {
  it('from JS values', () => {
    expect(sym.array([1, 2]).dtype).toBe('int64');
    expect(sym.array([1, 2.5]).dtype).toBe('float64');
    expect(sym.array([true, false]).dtype).toBe('bool');
    expect(sym.array([]).dtype).toBe('float64');
    expect(sym.array(1e20).dtype).toBe('float64');
    expect(sym.array(new Float32Array([1])).dtype).toBe('float32');
    expect(sym.array(new Int8Array([1])).dtype).toBe('int8');
  });
  it('rejects ragged lists and unknown dtypes, naming what came', () => {
    expect(() => sym.array([[1, 2], [3]])).toThrow(/ragged nested array at \[1\]: expected 2 elements, got an array of length 1/);
    expect(() => sym.array([1], { dtype: 'bfloat16' as sym.DType })).toThrow(/unknown dtype bfloat16/);
    expect(() => sym.array([1], { dtyp: 'float32' } as never)).toThrow('array: unknown option "dtyp"; the options are dtype, shape');
  });
});

describe('entry points taking a dtype, called from plain JavaScript', () => {
  // a missing or NumPy-spelt dtype failed inside as "STORAGE[dtype] is not a constructor"
  const expected = 'dtype must be one of bool, int8, int16, int32, int64, uint8, uint16, uint32, float16, float32, float64; got';
  it('name the call, what was expected (the dtypes, a shape) and what came', () => {
    const untyped = sym.NDArray as unknown as { zeros(shape: number[], dtype?: unknown): sym.NDArray };
    expect(() => untyped.zeros([2, 3])).toThrow(`NDArray.zeros: ${expected} undefined`);
    expect(() => untyped.zeros([2], 'float')).toThrow(`NDArray.zeros: ${expected} "float"`);
    expect(() => sym.array([1, 2]).astype(undefined as never)).toThrow(`NDArray.astype: ${expected} undefined`);
    expect(() => sym.fromTyped(new Float64Array(2), [2], 'f8' as never)).toThrow(`fromTyped: ${expected} "f8"`);
    expect(() => new sym.NDArray(new Float64Array(2), [2], undefined as never)).toThrow(`NDArray: ${expected} undefined`);
    expect(() => new sym.NDArray(new Float64Array(2), [2], null as never)).toThrow(`NDArray: ${expected} null`);
    expect(sym.NDArray.zeros([2], 'int32').data).toEqual(new Int32Array(2));
    // and its shape (was "shape is not iterable", "Invalid typed array length: -1", or a size of 2.5)
    const shapeExpected = 'NDArray.zeros: the shape must be an array of non-negative integers, got';
    expect(() => untyped.zeros(3 as never, 'float64')).toThrow(`${shapeExpected} number 3`);
    expect(() => untyped.zeros(undefined as never, 'float64')).toThrow(`${shapeExpected} undefined`);
    expect(() => untyped.zeros([-1], 'float64')).toThrow(`${shapeExpected} [-1]`);
    expect(() => untyped.zeros([2.5], 'float64')).toThrow(`${shapeExpected} [2.5]`);
    expect(sym.NDArray.zeros([0, 3], 'float64').shape).toEqual([0, 3]);
  });
});
