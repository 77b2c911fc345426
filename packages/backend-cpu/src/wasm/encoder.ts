/**
 * A minimal WebAssembly binary encoder: enough to emit the backend's
 * generated kernels (one memory import, functions over i32/f32/f64/v128
 * locals, loops and SIMD arithmetic). Kernels are generated at run time
 * from the kernel IR, as Theano generated C.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const I64 = 0x7e;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof I64 | typeof F32 | typeof F64 | typeof V128;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

/** Signed LEB128 of a 64-bit integer (an i64.const immediate). */
export function sleb64(n: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asIntN(64, n);
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** Instruction builder: methods append opcodes; `bytes` is the function body. */
export class Code {
  readonly bytes: number[] = [];
  private op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  private simd(sub: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(sub), ...imm);
  }
  get(i: number) {
    return this.op(0x20, ...uleb(i));
  }
  set(i: number) {
    return this.op(0x21, ...uleb(i));
  }
  tee(i: number) {
    return this.op(0x22, ...uleb(i));
  }
  i32(n: number) {
    return this.op(0x41, ...sleb(n | 0));
  }
  i32Add() {
    return this.op(0x6a);
  }
  i32And() {
    return this.op(0x71);
  }
  i32Sub() {
    return this.op(0x6b);
  }
  i32Mul() {
    return this.op(0x6c);
  }
  i32LtS() {
    return this.op(0x48);
  }
  i32GeS() {
    return this.op(0x4e);
  }
  block() {
    return this.op(0x02, 0x40);
  }
  loop() {
    return this.op(0x03, 0x40);
  }
  if_() {
    return this.op(0x04, 0x40);
  }
  else_() {
    return this.op(0x05);
  }
  end() {
    return this.op(0x0b);
  }
  br(depth: number) {
    return this.op(0x0c, ...uleb(depth));
  }
  brIf(depth: number) {
    return this.op(0x0d, ...uleb(depth));
  }
  f32Load(offset = 0) {
    return this.op(0x2a, 2, ...uleb(offset));
  }
  f64Load(offset = 0) {
    return this.op(0x2b, 3, ...uleb(offset));
  }
  v128Load(offset = 0) {
    return this.simd(0x00, 4, ...uleb(offset));
  }
  /** Load one f32 and splat it to all four lanes. */
  v128Load32Splat(offset = 0) {
    return this.simd(0x09, 2, ...uleb(offset));
  }
  /** Load one f64 and splat it to both lanes. */
  v128Load64Splat(offset = 0) {
    return this.simd(0x0a, 3, ...uleb(offset));
  }
  v128Store(offset = 0) {
    return this.simd(0x0b, 4, ...uleb(offset));
  }
  v128Zero() {
    return this.simd(0x0c, ...new Array<number>(16).fill(0));
  }
  f32x4Splat() {
    return this.simd(0x13);
  }
  f64x2Splat() {
    return this.simd(0x14);
  }
  f32x4Add() {
    return this.simd(0xe4);
  }
  /** Relaxed SIMD's `a * b + c`, fused or not as the engine picks; engines without the proposal reject a module that uses it. */
  f32x4RelaxedMadd() {
    return this.simd(0x105);
  }
  /** The float64 form of {@link f32x4RelaxedMadd}. */
  f64x2RelaxedMadd() {
    return this.simd(0x107);
  }
  f32x4Sub() {
    return this.simd(0xe5);
  }
  f32x4Div() {
    return this.simd(0xe7);
  }
  f32x4Min() {
    return this.simd(0xe8);
  }
  f32x4Max() {
    return this.simd(0xe9);
  }
  /** Pseudo-minimum `b < a ? b : a`: one instruction, where f32x4.min costs several for NaN and -0 ordering. */
  f32x4Pmin() {
    return this.simd(0xea);
  }
  /** Pseudo-maximum `a < b ? b : a`. */
  f32x4Pmax() {
    return this.simd(0xeb);
  }
  f32x4Abs() {
    return this.simd(0xe0);
  }
  f32x4Neg() {
    return this.simd(0xe1);
  }
  f32x4Sqrt() {
    return this.simd(0xe3);
  }
  f32x4Floor() {
    return this.simd(0x68);
  }
  f32x4Eq() {
    return this.simd(0x41);
  }
  f32x4Ne() {
    return this.simd(0x42);
  }
  f32x4Lt() {
    return this.simd(0x43);
  }
  f32x4Gt() {
    return this.simd(0x44);
  }
  f32x4Le() {
    return this.simd(0x45);
  }
  f32x4Ge() {
    return this.simd(0x46);
  }
  f32x4ExtractLane(lane: number) {
    return this.simd(0x1f, lane);
  }
  f32x4ReplaceLane(lane: number) {
    return this.simd(0x20, lane);
  }
  i32x4Splat() {
    return this.simd(0x11);
  }
  i32x4Add() {
    return this.simd(0xae);
  }
  i32x4Sub() {
    return this.simd(0xb1);
  }
  i32x4Shl() {
    return this.simd(0xab);
  }
  i32x4ShrS() {
    return this.simd(0xac);
  }
  i32x4LtS() {
    return this.simd(0x39);
  }
  i32x4TruncSatF32x4S() {
    return this.simd(0xf8);
  }
  f32x4ConvertI32x4S() {
    return this.simd(0xfa);
  }
  v128And() {
    return this.simd(0x4e);
  }
  v128Or() {
    return this.simd(0x50);
  }
  v128Xor() {
    return this.simd(0x51);
  }
  v128Bitselect() {
    return this.simd(0x52);
  }
  v128AnyTrue() {
    return this.simd(0x53);
  }
  /**
   * When set, vector constants read the mutable global it returns instead
   * of being built in place. V8 rebuilds a v128.const at each use inside a
   * loop (an immediate move, a move to the vector register and a shuffle:
   * three instructions), even when the constant was first put in a local;
   * a mutable global is one load it cannot fold away.
   */
  constantGlobal?: (bytes: readonly number[]) => number;
  v128Const(bytes: readonly number[]) {
    if (this.constantGlobal) return this.op(0x23, ...uleb(this.constantGlobal(bytes)));
    return this.simd(0x0c, ...bytes);
  }
  f64x2PromoteLowF32x4() {
    return this.simd(0x5f);
  }
  f32x4DemoteF64x2Zero() {
    return this.simd(0x5e);
  }
  /** i8x16.shuffle with the given 16 lane indices. */
  shuffle(lanes: readonly number[]) {
    return this.simd(0x0d, ...lanes);
  }
  f32Store(offset = 0) {
    return this.op(0x38, 2, ...uleb(offset));
  }
  f64Store(offset = 0) {
    return this.op(0x39, 3, ...uleb(offset));
  }
  f64Add() {
    return this.op(0xa0);
  }
  f32Max() {
    return this.op(0x97);
  }
  f32Min() {
    return this.op(0x96);
  }
  i32ShrU() {
    return this.op(0x76);
  }
  i32Shl() {
    return this.op(0x74);
  }
  f64x2ExtractLane(lane: number) {
    return this.simd(0x21, lane);
  }
  call(index: number) {
    return this.op(0x10, ...uleb(index));
  }
  f64PromoteF32() {
    return this.op(0xbb);
  }
  f32DemoteF64() {
    return this.op(0xb6);
  }
  return_() {
    return this.op(0x0f);
  }
  f32x4Mul() {
    return this.simd(0xe6);
  }
  f64x2Add() {
    return this.simd(0xf0);
  }
  f64x2Mul() {
    return this.simd(0xf2);
  }
  f64x2Div() {
    return this.simd(0xf3);
  }
  // integer scalars (the sort kernel's radix passes)
  i32Load(offset = 0) {
    return this.op(0x28, 2, ...uleb(offset));
  }
  i32Load8U(offset = 0) {
    return this.op(0x2d, 0, ...uleb(offset));
  }
  i32Load16U(offset = 0) {
    return this.op(0x2f, 1, ...uleb(offset));
  }
  i32Store(offset = 0) {
    return this.op(0x36, 2, ...uleb(offset));
  }
  i64Load(offset = 0) {
    return this.op(0x29, 3, ...uleb(offset));
  }
  i64Store(offset = 0) {
    return this.op(0x37, 3, ...uleb(offset));
  }
  i32Xor() {
    return this.op(0x73);
  }
  i32Or() {
    return this.op(0x72);
  }
  i32Eq() {
    return this.op(0x46);
  }
  i32Eqz() {
    return this.op(0x45);
  }
  i32GtS() {
    return this.op(0x4a);
  }
  i32LeU() {
    return this.op(0x4d);
  }
  i32ShrS() {
    return this.op(0x75);
  }
  i64(n: bigint) {
    return this.op(0x42, ...sleb64(n));
  }
  i64Xor() {
    return this.op(0x85);
  }
  i64And() {
    return this.op(0x83);
  }
  i64Or() {
    return this.op(0x84);
  }
  i64ShrU() {
    return this.op(0x88);
  }
  i64ShrS() {
    return this.op(0x87);
  }
  i64Eq() {
    return this.op(0x51);
  }
  i64GtU() {
    return this.op(0x56);
  }
  i64LeU() {
    return this.op(0x58);
  }
  i32WrapI64() {
    return this.op(0xa7);
  }
  i64ExtendI32S() {
    return this.op(0xac);
  }
  /** `select`: the first operand when the i32 condition (last) is non-zero, else the second. */
  select() {
    return this.op(0x1b);
  }
  /** Bulk memory's memory.fill (address, byte, length). */
  memoryFill() {
    return this.op(0xfc, ...uleb(11), 0);
  }
}

/** A function's extra locals, numbered after its `params`: `local(type)` declares one and gives its index. */
export function localsAfter(params: number): { locals: ValType[]; local: (type: ValType) => number } {
  const locals: ValType[] = [];
  return { locals, local: (type) => (locals.push(type), params + locals.length - 1) };
}

export interface FuncDef {
  readonly name: string;
  readonly params: readonly ValType[];
  /** Extra locals after the params, in order. */
  readonly locals: readonly ValType[];
  readonly code: Code;
  readonly results?: readonly ValType[];
}

/** A module importing memory `env.memory` (shared when asked) and exporting the functions. */
/** A function imported from `env` (a JS function): f64 -> f64 by default. */
export interface ImportDef {
  readonly name: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

/**
 * A module importing memory `env.memory` (shared when asked) and the given
 * functions (which take indices 0..imports-1), exporting `funcs`, with
 * mutable v128 globals 0..n-1 initialised to `v128Globals`.
 */
export function encodeModule(
  funcs: readonly FuncDef[],
  memory: { shared: boolean; maximumPages: number },
  importsDefs: readonly ImportDef[] = [],
  v128Globals: readonly (readonly number[])[] = [],
): Uint8Array<ArrayBuffer> {
  const sig = (params: readonly ValType[], results: readonly ValType[]) => [0x60, ...vec(params.map((p) => [p])), ...vec(results.map((r) => [r]))];
  const types = [...importsDefs.map((d) => sig(d.params, d.results)), ...funcs.map((f) => sig(f.params, f.results ?? []))];
  const limits = memory.shared ? [0x03, ...uleb(1), ...uleb(memory.maximumPages)] : [0x01, ...uleb(1), ...uleb(memory.maximumPages)];
  const imports = vec([
    [...name('env'), ...name('memory'), 0x02, ...limits],
    ...importsDefs.map((d, i) => [...name('env'), ...name(d.name), 0x00, ...uleb(i)]),
  ]);
  const nImp = importsDefs.length;
  const functions = vec(funcs.map((_, i) => uleb(nImp + i)));
  const exports = vec(funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(nImp + i)]));
  const bodies = funcs.map((f) => {
    const groups: number[][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]!++;
      else groups.push([1, t]);
    }
    const body = [...vec(groups.map(([n, t]) => [...uleb(n!), t!])), ...f.code.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, functions),
    // mutable v128 globals, each initialised to its 16 bytes
    ...(v128Globals.length > 0 ? section(6, vec(v128Globals.map((b) => [V128, 0x01, 0xfd, 0x0c, ...b, 0x0b]))) : []),
    ...section(7, exports),
    ...section(10, [...uleb(bodies.length), ...bodies.flat()]),
  ]);
}
