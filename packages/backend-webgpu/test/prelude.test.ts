/**
 * A shader carries only the prelude helpers it calls (prelude.ts): each
 * declaration's uses must be complete, or a kernel calling it alone would
 * not compile; Dawn is the judge of that.
 */
import { describe, expect, it } from 'vitest';
import type { ElementwiseKernel, ScalarExpr } from '@sym/graph';
import { renderKernel } from '../src/index.js';
import { I64_PRELUDE } from '../src/int64.js';
import { PRELUDE_DECLARATIONS, linkPrelude, parseDeclarations, preludeFor } from '../src/prelude.js';
import { PRELUDE } from '../src/scalar.js';
import { sym, webgpu } from './setup.js';

const MAIN = '@compute @workgroup_size(1) fn main() {}';

/** Dawn's validation errors for a shader module of `code` (none: ''). */
async function moduleErrors(code: string): Promise<string> {
  const device = webgpu.device;
  device.pushErrorScope('validation');
  device.createShaderModule({ code });
  return (await device.popErrorScope())?.message ?? '';
}

const load = (input: number, dtype: 'float32' | 'int64' = 'float32'): ScalarExpr => ({ kind: 'load', input, strides: [1], offset: 0, dtype });
const binary = (op: 'pow' | 'add', dtype: 'float32' | 'int64', a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ kind: 'apply', op, computeDType: dtype, dtype, args: [a, b] });
const kernel = (expr: ScalarExpr, dtype: 'float32' | 'int64' = 'float32'): ElementwiseKernel => ({ kind: 'elementwise', shape: [8], inputs: [dtype, dtype], out: dtype, expr });
const LIMITS = { maxWorkgroupsPerDimension: 65535 };
const helpers = (code: string) => PRELUDE_DECLARATIONS.filter((d) => code.includes(d.text)).map((d) => d.name);

describe('prelude', () => {
  it('cuts the whole prelude into its declarations, losing no line', () => {
    const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');
    expect(PRELUDE_DECLARATIONS.flatMap((d) => d.text.split('\n'))).toEqual(lines(`${PRELUDE}\n${I64_PRELUDE}`));
    expect(PRELUDE_DECLARATIONS.find((d) => d.name === 'f_pow')!.uses).toEqual(['f_isfinite', 'f_isnan', 'f_nan', 'f_inf', 'f_signbit', 'f_pow_abs']);
    // comment lines belong to the declaration below them; a name in a comment is no use
    expect(PRELUDE_DECLARATIONS.find((d) => d.name === 'f_floordiv')!.text.startsWith("// NumPy's npy_divmod")).toBe(true);
    expect(parseDeclarations('// calls g\nfn f() -> f32 { return 1.0; } // not g either\nfn g() {}')[0]!.uses).toEqual([]);
    expect(() => parseDeclarations('fn f() {}\n// nothing follows')).toThrow(/precede no declaration/);
  });

  it('compiles every declaration with only what it uses, through Dawn', async () => {
    await sym.resolveBackend('webgpu');
    const failed: string[] = [];
    for (const d of PRELUDE_DECLARATIONS) {
      const errors = await moduleErrors(`${preludeFor([d.name])}\n${MAIN}`);
      if (errors) failed.push(`${d.name}: ${errors}`);
    }
    expect(failed).toEqual([]);
    // the check can fail: f_pow without the f_pow_abs it calls does not compile
    const pow = PRELUDE_DECLARATIONS.filter((d) => d.name !== 'f_pow_abs' && preludeFor(['f_pow']).includes(d.text));
    expect(await moduleErrors(`${pow.map((d) => d.text).join('\n')}\n${MAIN}`)).toMatch(/f_pow_abs/);
  });

  it('gives a kernel the helpers it calls, closed under their calls, and nothing else', () => {
    const add = renderKernel(kernel(binary('add', 'float32', load(0), load(1))), LIMITS).code;
    expect(helpers(add)).toEqual([]);
    expect(add.startsWith('@group(0) @binding(0)')).toBe(true);
    const pow = renderKernel(kernel(binary('pow', 'float32', load(0), load(1))), LIMITS).code;
    expect(helpers(pow)).toEqual(['F32_INF_BITS', 'F32_NAN_BITS', 'f_inf', 'f_nan', 'f_isnan', 'f_isfinite', 'f_signbit', 'f_pow', 'f_pow_abs']);
    // int64 helpers come the same way, and only with int64 values
    const i64 = renderKernel(kernel(binary('add', 'int64', load(0, 'int64'), load(1, 'int64')), 'int64'), LIMITS).code;
    expect(helpers(i64)).toEqual(['I64', 'i64_add']);
    // the same kernel renders to the same text (the backend's pipeline cache keys on it)
    expect(renderKernel(kernel(binary('pow', 'float32', load(0), load(1))), LIMITS).code).toBe(pow);
    expect(linkPrelude(MAIN)).toBe(MAIN);
  });
});
