/**
 * sym.CustomOp, the base of ops written outside sym: its key and printed
 * name from `name` and `params()`, `apply`/`applyAll`, the refusal of a
 * class without a lowering, and such ops compiled (FAST_RUN, FAST_COMPILE,
 * DebugMode against `perform`), inside a scan step and through
 * cloneReplace. Gradients are in @sym/grad (custom-op-grad.test.ts); the
 * conformance suite runs two custom ops on every backend
 * (@sym/backend-testkit, cases/custom-op.ts).
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const mul = (a: sym.ScalarExpr, b: sym.ScalarExpr, d: sym.DType): sym.ScalarExpr => ({ kind: 'apply', op: 'mul', args: [a, b], computeDType: d, dtype: d });

/** x * factor; `wrong` lowers to x * (factor + 1), a backend result DebugMode must catch. */
class Scale extends sym.CustomOp {
  readonly name: string = 'Scale';
  constructor(
    readonly factor: number,
    readonly wrong = false,
  ) {
    super();
  }
  override params(): Record<string, sym.CustomOpParam> {
    return { factor: this.factor };
  }
  outputTypes(inputs: readonly sym.TensorVariable[]): sym.TensorType[] {
    return [inputs[0]!.type];
  }
  inferShape(shapes: readonly sym.StaticShape[]): sym.StaticShape[] {
    return [shapes[0]!];
  }
  perform([x]: readonly sym.NDArray[]): sym.NDArray[] {
    return [sym.fill(x!.shape, x!.dtype, (i) => x!.data[i]! * this.factor)];
  }
  lower(ctx: sym.LowerContext, [x]: readonly sym.TensorView[]): sym.TensorView[] {
    const d = x!.dtype;
    const k: sym.ScalarExpr = { kind: 'const', value: this.factor + (this.wrong ? 1 : 0), dtype: d };
    return [ctx.elementwise(x!.shape, d, [x!], ([v]) => mul(v!, k, d))];
  }
}

/** Two outputs: max(x, 0) and min(x, 0), through `indexed` (reads at computed positions). */
class SplitSign extends sym.CustomOp {
  readonly name = 'SplitSign';
  outputTypes(inputs: readonly sym.TensorVariable[]): sym.TensorType[] {
    return [inputs[0]!.type, inputs[0]!.type];
  }
  inferShape(shapes: readonly sym.StaticShape[]): sym.StaticShape[] {
    return [shapes[0]!, shapes[0]!];
  }
  perform([x]: readonly sym.NDArray[]): sym.NDArray[] {
    return [sym.fill(x!.shape, x!.dtype, (i) => Math.max(x!.data[i]!, 0)), sym.fill(x!.shape, x!.dtype, (i) => Math.min(x!.data[i]!, 0))];
  }
  lower(ctx: sym.LowerContext, [x]: readonly sym.TensorView[]): sym.TensorView[] {
    const d = x!.dtype;
    const zero: sym.ScalarExpr = { kind: 'const', value: 0, dtype: d };
    const part = (op: 'maximum' | 'minimum') =>
      ctx.indexed(x!.shape, d, [x!], (at, index) => ({ kind: 'apply', op, args: [at(0, x!.shape.map((_, k) => index(k))), zero], computeDType: d, dtype: d }));
    return [part('maximum'), part('minimum')];
  }
}

describe('sym.CustomOp', () => {
  it('is named, keyed and printed from name and params()', () => {
    const x = T.dvector('x');
    expect(new Scale(2).kind).toBe('Custom');
    expect(new Scale(2).toString()).toBe('Scale{factor=2}');
    expect(new Scale(2).key()).toBe(new Scale(2).key());
    expect(new Scale(2).key()).not.toBe(new Scale(3).key());
    // -0 and 0 are different computations (1 / x), though they print alike
    expect(new Scale(-0).key()).not.toBe(new Scale(0).key());
    expect(new SplitSign().toString()).toBe('SplitSign');
    const y = new Scale(2).apply(x);
    expect(sym.pp(y.add(1))).toBe('(Scale{factor=2}(x) + TensorConstant{1})');
    expect(sym.debugprint(y)).toContain('Scale{factor=2} [id A]');
  });

  it('applies to variables, numbers and arrays; applyAll gives every output, apply refuses an op of several', async () => {
    const [pos, neg] = new SplitSign().applyAll([-1, 2, -3]);
    expect((await pos!.eval()).toArray()).toEqual([0, 2, 0]);
    expect((await neg!.eval()).toArray()).toEqual([-1, 0, -3]);
    expect(() => new SplitSign().apply(T.dvector('x'))).toThrow('SplitSign.apply: the op has 2 outputs; use applyAll to get them all');
    expect(() => new Scale(2).apply({} as unknown as number)).toThrow(/Scale\{factor=2\}: input 0: expected a symbolic variable, a number or an array, got object/);
  });

  it('refuses a class without a lower method (JavaScript), naming it', () => {
    const Ctor = class PerformOnly extends (sym.CustomOp as unknown as new () => object) {
      readonly name = 'PerformOnly';
    };
    expect(() => new Ctor()).toThrow('CustomOp PerformOnly: no lower method. A custom op must lower to the kernel IR');
  });

  it('refuses a JavaScript class without outputTypes, inferShape or perform when constructed, naming what is missing', () => {
    const Base = sym.CustomOp as unknown as new () => object;
    const NoPerform = class NoPerform extends Base {
      readonly name = 'NoPerform';
    };
    // methods on the prototype, as a class declares them (the constructor runs before instance fields are set)
    Object.assign(NoPerform.prototype, { outputTypes: Scale.prototype.outputTypes, inferShape: Scale.prototype.inferShape, lower: Scale.prototype.lower });
    // before, it was built, and failed later as "node.op.perform is not a function" (DebugMode, constant folding)
    expect(() => new NoPerform()).toThrow(/^CustomOp NoPerform: no perform method\. A custom op declares its output types \(outputTypes\)/);
    const OnlyLower = class OnlyLower extends Base {
      readonly name = 'OnlyLower';
    };
    Object.assign(OnlyLower.prototype, { lower: Scale.prototype.lower });
    expect(() => new OnlyLower()).toThrow(/^CustomOp OnlyLower: no outputTypes, inferShape, perform methods\./);
    const Nothing = class Nothing extends Base {};
    expect(() => new Nothing()).toThrow(/^CustomOp Nothing: no lower method\. .* \(it has no outputTypes, inferShape, perform method either\)$/);
  });

  it('refuses a name or parameters that cannot key it, which would merge different ops', async () => {
    const x = T.dvector('x');
    /** `Scale` with the name and parameters a JavaScript caller gives. */
    const scale = (name: unknown, params: unknown, factor = 2) => {
      const op = new Scale(factor);
      Object.defineProperty(op, 'name', { value: name });
      op.params = () => params as Record<string, sym.CustomOpParam>;
      return op;
    };
    // an object printed as [object Object] whatever it held: two different ops had one key and were merged
    expect(() => scale('Scale', { w: { a: 1 } }).apply(x)).toThrow(
      /^CustomOp Scale: parameter w must be a string, number, boolean, null or an array of those .*; got an object \(Object\)$/,
    );
    expect(() => scale('Scale', { w: [[1, 2], [3]] }).key()).toThrow(/parameter w must be .*; got an array holding another value/);
    expect(() => scale('Scale', { w: new Float64Array([1, 2]) }).key()).toThrow(/parameter w .*; got an object \(Float64Array\)/);
    expect(() => scale('Scale', { w: 1n }).key()).toThrow(/parameter w .*; got bigint 1$/);
    expect(() => scale('Scale', [1]).key()).toThrow(/^CustomOp Scale: params\(\) must return an object of parameters by name, got an array$/);
    // a class without a name (JavaScript): every such op had the key custom:undefined
    for (const [name, got] of [[undefined, 'undefined'], ['', 'an empty string'], [7, '7']] as const) {
      expect(() => scale(name, {}).apply(x)).toThrow(`CustomOp Scale: name must be a non-empty string (unique among your ops: it makes the op's key, which the optimizer merges equal nodes by); got ${got}`);
    }
    // a name cannot pass for another's parameters; undefined (an unset option) is keyed apart from 'undefined' and null
    expect(scale('A', { x: 1 }).key()).not.toBe(scale('A{x=1}', {}).key());
    expect(new Set([undefined, 'undefined', null].map((v) => scale('A', { v }).key())).size).toBe(3);
    // so two different ops apply side by side, unmerged
    const f = sym.function([x], [scale('A', { v: undefined }, 2).apply(x), scale('A', { v: null }, 3).apply(x)]);
    expect((f.sync([1]) as sym.NDArray[]).map((a) => a.toArray())).toEqual([[2], [3]]);
  });

  it('checks what perform and lower return (count, dtype, shape) wherever they run, naming the op', async () => {
    /** Scale by 2, whose perform or lower returns `broken`. */
    class Broken extends Scale {
      override readonly name = 'Broken';
      constructor(readonly broken: 'none' | 'dtype' | 'shape', readonly where: 'perform' | 'lower') {
        super(2);
      }
      override params(): Record<string, sym.CustomOpParam> {
        return { wrong: this.broken, where: this.where };
      }
      override perform(inputs: readonly sym.NDArray[]): sym.NDArray[] {
        const [x] = inputs;
        if (this.where !== 'perform') return super.perform(inputs);
        if (this.broken === 'none') return [];
        return [this.broken === 'dtype' ? sym.fill(x!.shape, 'float64', (i) => x!.data[i]! * 2) : sym.fill([x!.size + 1], x!.dtype, () => 2)];
      }
      override lower(ctx: sym.LowerContext, inputs: readonly sym.TensorView[]): sym.TensorView[] {
        const [x] = inputs;
        if (this.where !== 'lower') return super.lower(ctx, inputs);
        if (this.broken === 'none') return [];
        return [ctx.elementwise(x!.shape, 'float64', [x!], ([v]) => ({ kind: 'apply', op: 'cast', args: [v!], computeDType: x!.dtype, dtype: 'float64' }))];
      }
    }
    const x = T.fvector('x');
    const c = T.constant(sym.array([1, 2], { dtype: 'float32' }));
    const run = (op: Broken, mode: sym.Mode, folded = false) => (folded ? sym.function([], op.apply(c).add(1), { mode }).sync() : sym.function([x], op.apply(x), { mode }).sync([1, 2]));
    // before: FAST_RUN folded a constant of shape (3,) or of the wrong data; DebugMode compared nothing; a call failed on undefined.shape
    for (const [folded, mode] of [[true, 'FAST_RUN'], [false, 'DebugMode']] as const) {
      expect(() => run(new Broken('dtype', 'perform'), mode, folded)).toThrow("Broken{where=perform, wrong=dtype}: perform's output 0 has dtype float64, where outputTypes gives float32");
      expect(() => run(new Broken('shape', 'perform'), mode, folded)).toThrow("Broken{where=perform, wrong=shape}: perform's output 0 has shape (3,), where inferShape gives (2,) for inputs of shapes (2,)");
      expect(() => run(new Broken('none', 'perform'), mode, folded)).toThrow('Broken{where=perform, wrong=none}: perform must return a list of 1 value(s), one per output (as outputTypes declares), got 0');
    }
    // before: a float32 variable came out float64 under FAST_COMPILE; no view was "Missing input: Broken.0 ... is not an input"
    for (const mode of ['FAST_RUN', 'FAST_COMPILE'] as const) {
      expect(() => run(new Broken('dtype', 'lower'), mode)).toThrow("Broken{where=lower, wrong=dtype}: lower's output 0 has dtype float64, where outputTypes gives float32 (cast it in the kernel");
      expect(() => run(new Broken('none', 'lower'), mode)).toThrow('Broken{where=lower, wrong=none}: lower must return a list of 1 value(s), one per output (as outputTypes declares), got 0');
    }
    expect(((await sym.function([x], new Scale(2).apply(x))([1, 2])) as sym.NDArray).dtype).toBe('float32');
  });

  it('compiles in FAST_RUN, FAST_COMPILE and DebugMode, which catches a lowering that disagrees with perform', () => {
    const x = T.dmatrix('x');
    const [pos, neg] = new SplitSign().applyAll(new Scale(3).apply(x));
    for (const mode of ['FAST_RUN', 'FAST_COMPILE', 'DebugMode'] as const) {
      const f = sym.function([x], [pos!.add(neg!.mul(2)), neg!], { mode });
      const [a, b] = f.sync([[1, -2], [-0.5, 4]]) as sym.NDArray[];
      expect(a!.toArray()).toEqual([[3, -12], [-3, 12]]);
      expect(b!.toArray()).toEqual([[0, -6], [-1.5, 0]]);
    }
    const bad = sym.function([x], new Scale(3, true).apply(x).exp(), { mode: 'DebugMode' });
    expect(() => bad.sync([[1]])).toThrow(/DebugMode: Scale\{factor=3\}\(x\) output 0 differs from the reference at index \(0, 0\): backend 4, reference 3/);
  });

  it('runs inside a scan step and survives cloneReplace', async () => {
    const xs = T.dmatrix('xs');
    const [ys] = sym.scan((row: sym.TensorVariable, acc: sym.TensorVariable) => new Scale(2).apply(row).add(acc), { sequences: [xs], outputsInfo: [T.zeros([2])] }) as unknown as [sym.TensorVariable];
    expect((await ys.eval({ xs: [[1, 2], [3, 4]] })).toArray()).toEqual([[2, 4], [8, 12]]);
    const x = T.dvector('x');
    const y = T.dvector('y');
    const [moved] = sym.cloneReplace([new Scale(5).apply(x).sum()], new Map([[x, y.add(1)]]));
    expect((await moved!.eval({ y: [1, 2] })).toArray()).toEqual(25);
  });
});
